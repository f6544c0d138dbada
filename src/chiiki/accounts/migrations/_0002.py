"""Re-export the append-only trigger SQL for tests (migration modules start with a digit)."""

from importlib import import_module

_m = import_module("chiiki.accounts.migrations.0002_audit_append_only")
SQLITE = _m.SQLITE
POSTGRES = _m.POSTGRES
