"""``chiiki resources search|calendar|export-hsds|import-hsds``: the directory from the shell.

Output shapes are a contract:
- ``search QUERY [--category C] [--district D] --format json``: a JSON array of services
  (``id``, ``name`` …), best match first;
- ``calendar --service ID --month YYYY-MM --format json``:
  ``{"service": ID, "month": "YYYY-MM", "days": [{"date", "open", "reason", "hours",
  "events"}, …]}`` with one entry for every day of the month;
- ``export-hsds FILE``: an HSDS 3.0 page ``{"total_items": …, "contents": [services]}``;
- ``import-hsds FILE``: reads that page, or a bare array of services; all or nothing,
  idempotent by id.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from chiiki.areas.models import Municipality
from chiiki.core.tabular import TableError, check_size
from chiiki.core.uploads import upload_limits
from chiiki.resources import calendar, hsds, taxonomy
from chiiki.resources.selectors import (
    district_by_code_or_name,
    service_filter,
    service_records,
    service_summary,
    service_timetable,
    services_of,
)
from chiiki.resources.services import DirectoryImportError, directory_import
from chiiki.web.commands import ChiikiCommand


class Command(ChiikiCommand):
    help = (
        "地域資源: search（検索）、calendar（月の開所カレンダー）、"
        "export-hsds / import-hsds（Open Referral HSDS 3.0 JSON の書き出し・読み込み）"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        search = sub.add_parser(
            "search", help="名称・内容・住所で検索（全角半角・かなの違いは無視）"
        )
        search.add_argument("query")
        search.add_argument("--category", default="", help="種類のコードまたは名称（例: kayoi）")
        search.add_argument("--district", default="", help="地区コードまたは地区名")
        search.add_argument("--limit", type=int, default=50)
        cal = sub.add_parser("calendar", help="サービスの月間カレンダー")
        cal.add_argument("--service", required=True, help="サービスの番号または HSDS id")
        cal.add_argument("--month", required=True, help="YYYY-MM")
        export = sub.add_parser("export-hsds", help="HSDS 3.0 JSON に書き出し")
        export.add_argument("file", help="出力ファイル（- で標準出力）")
        imp = sub.add_parser(
            "import-hsds", help="HSDS 3.0 JSON を読み込み（全件か無か、id で冪等）"
        )
        imp.add_argument("file")
        for p in (search, cal, export, imp):
            p.add_argument("--municipality", metavar="CODE", help="地方公共団体コード")
        for p in (search, cal):
            p.add_argument("--format", choices=("json", "text"), default="json")
            p.add_argument("-o", "--output", metavar="OUT")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        municipality = self.municipality(options.get("municipality"))
        if action == "search":
            self._search(municipality, options)
        elif action == "calendar":
            self._calendar(municipality, options)
        elif action == "export-hsds":
            document = hsds.export_document(service_records(municipality_ids=[municipality.pk]))
            text = hsds.dump(document)
            if options["file"] == "-":
                self.stdout.write(text, ending="")
            else:
                try:
                    Path(options["file"]).write_text(text, encoding="utf-8")
                except OSError as exc:
                    raise CommandError(
                        f"「{options['file']}」に書き出せません: {exc.strerror}"
                    ) from exc
                self.stderr.write(f"{document['total_items']}件のサービスを書き出しました")
        else:
            self._import(municipality, Path(options["file"]))

    def _search(self, municipality: Municipality, options: dict[str, Any]) -> None:
        category = ""
        if options["category"]:
            term = taxonomy.categories().by_name(options["category"])
            if term is None:
                codes = "、".join(f"{t.code}（{t.name}）" for t in taxonomy.categories().terms)
                raise CommandError(f"--category「{options['category']}」はありません: {codes}")
            category = term.code
        district_id = None
        if options["district"]:
            district = district_by_code_or_name(municipality=municipality, text=options["district"])
            if district is None:
                raise CommandError(f"--district「{options['district']}」は登録されていません")
            district_id = district.pk
        qs = services_of(municipality=municipality)
        found = list(
            service_filter(qs, query=options["query"], category=category, district_id=district_id)[
                : options["limit"]
            ]
        )
        rows = [service_summary(s) for s in found]
        if options["format"] == "json":
            self.write_output(self.to_json(rows), options.get("output"))
        else:
            self.write_output(
                "\n".join(f"{r['id']}\t{r['name']}\t{r['district'] or ''}" for r in rows),
                options.get("output"),
            )

    def _calendar(self, municipality: Municipality, options: dict[str, Any]) -> None:
        try:
            year, month = calendar.parse_month(options["month"])
        except calendar.ScheduleError as exc:
            raise CommandError(f"--month: {exc}") from exc
        ident = options["service"]
        qs = services_of(municipality=municipality)
        if ident.isdigit():
            service = qs.filter(pk=int(ident)).first()
        else:
            try:
                service = qs.filter(uuid=uuid.UUID(ident)).first()
            except ValueError:
                service = None
        if service is None:
            raise CommandError(f"--service {ident}: サービスが見つかりません")
        days = calendar.month_days(service_timetable(service), year, month)
        data = {
            "service": int(ident) if ident.isdigit() else ident,
            "month": f"{year:04d}-{month:02d}",
            "days": [d.as_dict() for d in days],
        }
        if options["format"] == "json":
            self.write_output(self.to_json(data), options.get("output"))
        else:
            lines = [f"{service.name} {year}年{month}月"]
            for d in days:
                hours = " ".join("~".join(h) for h in d.hours)
                events = " ".join(e.title + (f" {e.start}~" if e.start else "") for e in d.events)
                wd = calendar.WEEKDAY_LABELS[d.date.weekday()]
                parts = [f"{d.date.month}/{d.date.day}({wd})", hours or d.reason or "", events]
                lines.append(" ".join(p for p in parts if p))
            self.write_output("\n".join(lines), options.get("output"))

    def _import(self, municipality: Municipality, path: Path) -> None:
        try:
            check_size(path.stat().st_size, upload_limits())
            document = hsds.load_bytes(path.read_bytes())
            records = hsds.parse_document(document)
            count = directory_import(municipality=municipality, records=records)
        except FileNotFoundError as exc:
            raise CommandError(f"{path}: ファイルがありません") from exc
        except (hsds.HsdsError, DirectoryImportError, TableError) as exc:
            raise CommandError(
                f"{path.name} は読み込みませんでした（何も保存していません）:\n{exc}"
            ) from exc
        self.stdout.write(f"{count}件のサービスを読み込みました")
