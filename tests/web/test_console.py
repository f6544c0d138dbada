"""The console script as a new user runs it: from a folder, with no CHIIKI_* variable set."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


def _run(folder: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "PYTHONPATH")}
    return subprocess.run(
        [sys.executable, "-m", "chiiki", *args],
        cwd=folder,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_and_a_real_command_work_with_no_variable_and_make_the_key_file(tmp_path):
    (tmp_path / "kcl.csv").write_text("id,q1,q2\nA,1,0\n", encoding="utf-8")
    checked = _run(tmp_path, "check")
    assert checked.returncode == 0, checked.stderr
    key = tmp_path / "var" / "secret_key"
    assert (key.stat().st_mode & 0o777) == 0o600
    first = key.read_text()
    assert len(first.strip()) >= 50

    scored = _run(tmp_path, "kcl", "score", "kcl.csv")
    assert scored.returncode == 0, scored.stderr
    assert scored.stdout.splitlines()[0].startswith("id,total_1_20")
    assert key.read_text() == first  # made once, then reused


def test_chiiki_home_chooses_the_folder_and_an_explicit_key_wins(tmp_path):
    home, elsewhere = tmp_path / "home", tmp_path / "cwd"
    home.mkdir()
    elsewhere.mkdir()
    code = "from chiiki import settings; print(settings.SECRET_KEY)"
    shown = subprocess.run(
        [sys.executable, "-c", code],
        cwd=elsewhere,
        env={
            **{k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "PYTHONPATH")},
            "CHIIKI_HOME": str(home),
        },
        capture_output=True,
        text=True,
        check=True,
    )
    assert shown.stdout.strip() == (home / "var" / "secret_key").read_text().strip()
    assert not (elsewhere / "var").exists()

    explicit = _run(elsewhere, "check", CHIIKI_SECRET_KEY="k" * 50)
    assert explicit.returncode == 0, explicit.stderr
    assert not (elsewhere / "var" / "secret_key").exists()


@pytest.mark.parametrize("mode", [0o640, 0o644])
def test_a_key_file_others_can_read_is_refused_in_japanese(tmp_path, mode):
    key = tmp_path / "var" / "secret_key"
    key.parent.mkdir()
    key.write_text("x" * 50)
    key.chmod(mode)
    result = _run(tmp_path, "check")
    assert result.returncode != 0
    assert "chmod 600" in result.stderr and "他のユーザーも読める" in result.stderr
