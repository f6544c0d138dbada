"""The shipped deployment files name commands, units and settings that exist."""

from __future__ import annotations

import importlib.util
import re
import shlex
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import get_commands, load_command_class

import chiiki

DEPLOY = Path(__file__).resolve().parent.parent / "deploy"
UNITS = sorted((DEPLOY / "systemd").glob("chiiki-*.*"))


def unit(path: Path) -> dict[str, list[str]]:
    """A unit file's keys, each with every value it is given (systemd allows repeats)."""
    found: dict[str, list[str]] = {}
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line and not line.startswith(("#", ";", "[")):
            key, _, value = line.partition("=")
            found.setdefault(key.strip(), []).append(value.strip())
    return found


def exec_lines() -> list[object]:
    lines = []
    for path in UNITS:
        for key, values in unit(path).items():
            if key.startswith("Exec"):
                for n, value in enumerate(values):
                    where = f"{path.name}:{key}:{n}"
                    lines.append(pytest.param(where, shlex.split(value.lstrip("-@:+!")), id=where))
    return lines


def test_the_units_are_shipped():
    names = {p.name for p in UNITS}
    assert {
        "chiiki-web.service",
        "chiiki-worker.service",
        "chiiki-scheduler.service",
        "chiiki-backup.service",
        "chiiki-backup.timer",
    } <= names


@pytest.mark.parametrize(("where", "argv"), exec_lines())
def test_every_chiiki_command_of_the_units_exists_and_takes_its_arguments(where, argv):
    program = Path(argv[0]).name
    assert argv[0].startswith("/"), f"{where}: systemd needs an absolute path"
    if program == "chiiki":
        name = argv[1]
        commands = get_commands()
        assert name in commands, f"{where}: chiiki {name} is no management command"
        command = load_command_class(commands[name], name)
        command.create_parser("chiiki", name).parse_args(argv[2:])  # exits on a bad option
    elif program == "gunicorn":
        module, _, attribute = next(a for a in argv[1:] if ":" in a).partition(":")
        assert importlib.util.find_spec(module) is not None, f"{where}: no module {module}"
        assert module == "chiiki.wsgi" and attribute == "application"
    else:
        assert program in {"kill", "find"}, f"{where}: unexpected program {program}"


def test_the_web_and_worker_read_the_environment_file_and_the_worker_runs_db_worker():
    names = ("web", "worker", "scheduler", "backup")
    for name in (f"chiiki-{n}.service" for n in names):
        assert unit(DEPLOY / "systemd" / name)["EnvironmentFile"] == ["/etc/chiiki/chiiki.env"]
    [worker] = unit(DEPLOY / "systemd" / "chiiki-worker.service")["ExecStart"]
    assert shlex.split(worker)[1] == "db_worker"
    [scheduler] = unit(DEPLOY / "systemd" / "chiiki-scheduler.service")["ExecStart"]
    assert shlex.split(scheduler)[1:] == ["scheduler"]


def test_the_timer_starts_the_backup_service():
    timer = unit(DEPLOY / "systemd" / "chiiki-backup.timer")
    assert timer["Unit"] == ["chiiki-backup.service"]
    assert (DEPLOY / "systemd" / timer["Unit"][0]).is_file()
    assert timer["OnCalendar"]


def test_nginx_takes_an_upload_as_large_as_the_application_does():
    conf = (DEPLOY / "nginx" / "chiiki.conf").read_text(encoding="utf-8")
    [size] = re.findall(r"client_max_body_size\s+(\d+)m;", conf)
    assert int(size) * 1024 * 1024 >= settings.CHIIKI_UPLOAD_MAX_BYTES
    assert "X-Forwarded-Proto $scheme" in conf and "proxy_pass http://chiiki" in conf


def test_the_environment_example_sets_only_variables_the_settings_read():
    source = (Path(chiiki.__file__).parent / "settings.py").read_text(encoding="utf-8")
    example = (DEPLOY / "chiiki.env.example").read_text(encoding="utf-8")
    names = re.findall(r"^(CHIIKI_\w+)=", example, flags=re.MULTILINE)
    assert names
    assert [n for n in names if f'"{n}"' not in source] == []
