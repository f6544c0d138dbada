"""`chiiki jobs list|run`: the periodic jobs, their last runs, and a run by hand."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.timezone import localtime
from django.utils.timezone import now as timezone_now

from chiiki.scheduler import selectors, services
from chiiki.scheduler.models import JobRun, RunStatus
from chiiki.scheduler.registry import JobError, get_job
from chiiki.web.commands import ChiikiCommand


def _at(value: dt.datetime | None) -> str | None:
    return localtime(value).isoformat(timespec="seconds") if value else None


def _run_json(run: JobRun) -> dict[str, Any]:
    return {
        "municipality": run.municipality.code if run.municipality else None,
        "trigger": run.trigger,
        "as_of": _at(run.as_of),
        "started_at": _at(run.started_at),
        "finished_at": _at(run.finished_at),
        "status": run.status,
        "result": run.result,
        "error": run.error,
    }


def _run_text(run: JobRun, labels: Any) -> str:
    where = run.municipality.name if run.municipality else "全体"
    counts = "、".join(f"{labels(k)} {v}" for k, v in run.result.items())
    detail = run.error if run.status == RunStatus.FAILED else counts
    return (
        f"  {where}  {localtime(run.started_at):%Y-%m-%d %H:%M}  "
        f"{run.get_status_display()}  {detail}".rstrip()
    )


class Command(ChiikiCommand):
    help = (
        "定期処理。list: 処理ごとに予定・次回・最後の実行（市町村ごと）を示す。"
        "run NAME: 今すぐ実行して結果を記録する（市町村ごとの処理は --municipality の市町村だけ、"
        "省略時はすべての市町村）。失敗があれば終了コード1。時刻は日本時間。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="{list,run}")
        listing = sub.add_parser("list", help="定期処理と最後の実行")
        run = sub.add_parser("run", help="定期処理を今すぐ実行する")
        run.add_argument("name", help="処理の名前（chiiki jobs list で確かめる）")
        for p in (listing, run):
            p.add_argument("--municipality", metavar="CODE", help="地方公共団体コード")
            p.add_argument("--format", choices=("text", "json"), default="text")

    def handle(self, *args: Any, **options: Any) -> None:
        code = options.get("municipality")
        municipality = self.municipality(code) if code else None
        if options["action"] == "list":
            self.listing(municipality, options["format"])
        else:
            self.run_now(options["name"], municipality, options["format"])

    def listing(self, municipality: Any, fmt: str) -> None:
        rows = selectors.job_status(now=timezone_now(), municipality=municipality)
        if fmt == "json":
            data = [
                {
                    "name": r.job.name,
                    "label": r.job.label,
                    "schedule": r.job.schedule.label,
                    "per_municipality": r.job.per_municipality,
                    "next_at": _at(r.next_at),
                    "runs": [_run_json(run) for run in r.runs],
                    "warning": r.warning,
                }
                for r in rows
            ]
            self.write_output(self.to_json(data), None)
            return
        lines = []
        for r in rows:
            lines.append(
                f"{r.job.name}  {r.job.label}  {r.job.schedule.label}  "
                f"次回 {localtime(r.next_at):%Y-%m-%d %H:%M}"
            )
            lines += [_run_text(run, r.job.count_label) for run in r.runs] or [
                "  まだ実行されていません"
            ]
            if r.warning:
                lines.append(f"  注意: {r.warning}")
        self.write_output("\n".join(lines) + "\n", None)

    def run_now(self, name: str, municipality: Any, fmt: str) -> None:
        try:
            runs = services.job_run(name=name, as_of=timezone_now(), municipality=municipality)
        except JobError as exc:
            raise CommandError(str(exc)) from exc
        if fmt == "json":
            self.write_output(self.to_json([_run_json(r) for r in runs]), None)
        else:
            labels = get_job(name).count_label
            self.write_output("\n".join(_run_text(r, labels) for r in runs) + "\n", None)
        failed = [r for r in runs if r.status == RunStatus.FAILED]
        if failed:
            raise CommandError(f"{len(failed)} 件の実行が失敗しました")
