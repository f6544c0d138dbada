"""The engines are pure: tariff, matching and ledger import no Django."""

from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.parametrize("module", ["tariff", "matching", "ledger"])
def test_the_engine_imports_no_django(module):
    code = f"import sys, chiiki.mutualaid.{module}; print(any(m == 'django' or m.startswith('django.') for m in sys.modules))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "False"
