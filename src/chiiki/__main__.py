"""The `chiiki` console script: Django's manage.py with chiiki's settings."""

from __future__ import annotations

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chiiki.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(sys.argv)
    except ImproperlyConfigured as exc:
        # A setting the operator must fix: the message says how, a traceback would only hide it.
        sys.stderr.write(f"chiiki: 設定に誤りがあります: {exc}\n")
        sys.exit(2)


if __name__ == "__main__":
    main()
