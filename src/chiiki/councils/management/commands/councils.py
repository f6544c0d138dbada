"""``chiiki councils issues``: the register of regional issues from the shell.

``issues [--municipality CODE] [--format json|csv] [--status S] [--tag T] [-o OUT]`` prints
every issue of the municipality, newest status first, in the shape of
``chiiki.councils.exchange`` (the API's items): id, title, status (code and label),
status_on, areas (life area, district), tags (codes and names), the owning body, the
evidence count and the linked resources (service id, name, started_on). CSV is UTF-8 with
a BOM, one issue a row, several values of a cell joined by ``|``, every cell formula-safe.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser

from chiiki.councils import exchange
from chiiki.councils.models import IssueStatus
from chiiki.councils.selectors import exchange as selectors
from chiiki.web.commands import ChiikiCommand


class Command(ChiikiCommand):
    help = (
        "協議体と地域課題。issues: 地域課題の一覧（状況・圏域と地区・タグ・担当の協議体・"
        "根拠の件数・生まれた地域資源）を JSON または CSV（UTF-8 BOM 付き）で出力する。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="{issues}")
        issues = sub.add_parser(
            "issues", help="地域課題の一覧", formatter_class=parser.formatter_class
        )
        issues.add_argument("--municipality", metavar="CODE", help="地方公共団体コード")
        issues.add_argument("--format", choices=("json", "csv"), default="json")
        issues.add_argument(
            "--status", default="", help="状況で絞り込む: " + "、".join(IssueStatus.values)
        )
        issues.add_argument("--tag", default="", help="タグのコードで絞り込む（例: idou）")
        issues.add_argument(
            "-o", "--output", metavar="OUT", help="出力ファイル（省略時は標準出力）"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        self.issues(options)

    def issues(self, options: dict[str, Any]) -> None:
        municipality = self.municipality(options.get("municipality"))
        status, tag = options["status"].strip(), options["tag"].strip()
        if status and status not in IssueStatus.values:
            choices = "、".join(f"{s.value}（{s.label}）" for s in IssueStatus)
            raise CommandError(f"--status「{status}」はありません: {choices}")
        tags = selectors.register_tags(municipality=municipality)
        if tag and tag not in tags:
            raise CommandError(
                f"--tag「{tag}」は登録されていません: "
                + "、".join(f"{c}（{n}）" for c, n in tags.items())
            )
        rows, counts = selectors.issue_export_rows(
            municipality=municipality, status=status, tag=tag
        )
        records = [
            exchange.issue_record(r, tags=tags, evidence_count=counts.get(r.pk, 0)) for r in rows
        ]
        if options["format"] == "csv":
            self.write_output(exchange.register_csv(records), options.get("output"))
        else:
            self.write_output(self.to_json(records), options.get("output"))
