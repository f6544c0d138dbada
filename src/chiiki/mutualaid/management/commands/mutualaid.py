"""`chiiki mutualaid …`: quotes from a tariff, weekly matching and point expiry."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import CommandError, CommandParser

from chiiki.core import bounds
from chiiki.mutualaid.tariff import TariffError, load_tariff, quote
from chiiki.web.commands import ChiikiCommand


def _int(value: str, name: str) -> int:
    try:
        return int(value.strip())
    except ValueError as exc:
        raise CommandError(f"{name} は整数で指定してください（指定: {value}）") from exc


class Command(ChiikiCommand):
    help = (
        "助け合いサービス。quote: 料金表から料金と内訳を出す（上限を超える時間・0分以下・料金表にない作業は"
        "理由を示して終了コード1）。match: 指定週の依頼に担当ボランティアを提案する。"
        "statement: ボランティアの月次明細。expire-points: 有効期限を過ぎたポイントを失効させる。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(
            dest="action", required=True, metavar="{quote,match,statement,expire-points}"
        )
        q = sub.add_parser("quote", help="料金の見積り", formatter_class=parser.formatter_class)
        q.add_argument("--tariff", default="choi-kase", help="料金表（tariffs/<名前>.yaml）")
        q.add_argument("--task", required=True, help="作業（mowing など）")
        # Parsed by us, so that a non-number is refused in Japanese like the other mistakes.
        q.add_argument("--minutes", required=True, help="作業時間（分）")
        q.add_argument("--format", choices=("text", "json"), default="text")
        m = sub.add_parser("match", help="週の依頼にボランティアを提案")
        m.add_argument("--municipality", metavar="CODE")
        m.add_argument("--week", required=True, help="週の初日（YYYY-MM-DD、月曜日に丸めます）")
        m.add_argument("--format", choices=("text", "json"), default="text")
        s = sub.add_parser("statement", help="ボランティアの月次明細")
        s.add_argument("--volunteer", required=True, help="ボランティアの番号")
        s.add_argument("--month", required=True, help="月（YYYY-MM）")
        s.add_argument("--format", choices=("text", "json"), default="text")
        e = sub.add_parser("expire-points", help="期限切れポイントの失効")
        e.add_argument("--municipality", metavar="CODE")
        e.add_argument("--date", help="基準日（YYYY-MM-DD、省略時は今日）")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "quote":
            self.quote(options)
        elif action == "match":
            self.match(options)
        elif action == "statement":
            self.statement(options)
        else:
            self.expire(options)

    def quote(self, options: dict[str, Any]) -> None:
        minutes = _int(str(options["minutes"]), "--minutes")
        try:
            result = quote(load_tariff(options["tariff"]), options["task"], minutes)
        except TariffError as exc:
            raise CommandError(str(exc)) from exc
        if options["format"] == "json":
            self.write_output(self.to_json(result.as_dict()), None)
            return
        tariff_name = load_tariff(options["tariff"]).name
        lines = [f"{tariff_name} {result.task_label}（{result.task}） {result.minutes}分"]
        lines += [f"  {p.label}: {p.amount:,}円" for p in result.parts]
        lines.append(f"  合計: {result.fee:,}円")
        self.write_output("\n".join(lines) + "\n", None)

    def _date(self, value: str, name: str) -> dt.date:
        try:
            day = dt.date.fromisoformat(value)
        except ValueError as exc:
            raise CommandError(f"{name} は YYYY-MM-DD で指定してください（指定: {value}）") from exc
        try:
            return bounds.DATE.check(day, name)
        except bounds.OutOfRange as exc:
            raise CommandError(str(exc)) from exc

    def match(self, options: dict[str, Any]) -> None:
        from chiiki.mutualaid import services

        municipality = self.municipality(options.get("municipality"))
        week = self._date(options["week"], "--week")
        result = services.matching_run(municipality=municipality, week=week, user=None)
        if options["format"] == "json":
            self.write_output(self.to_json(result), None)
            return
        self.write_output(
            f"{result['week']} の週: 依頼 {result['open']}件 のうち {result['served']}件 に提案しました\n",
            None,
        )
        for p in result["proposals"]:
            self.write_output(
                f"  依頼{p['request']} → {p['volunteer']} {p['slot']}: {' / '.join(p['reasons'])}",
                None,
            )

    def statement(self, options: dict[str, Any]) -> None:
        from chiiki.mutualaid.selectors import volunteer_for_system, volunteer_statement

        volunteer = volunteer_for_system(
            volunteer_id=_int(str(options["volunteer"]), "--volunteer")
        )
        if volunteer is None:
            raise CommandError(f"ボランティア {options['volunteer']} は登録されていません")
        month = self._date(f"{options['month']}-01", "--month")
        # The residents' names are personal data: the statement is an audited list read.
        st = volunteer_statement(user=None, volunteer=volunteer, month=month)
        jobs = [
            {
                "request": j.pk,
                "done_on": j.done_on,
                "task": j.task_label,
                "family_name": j.person.family_name,
                "minutes": j.actual_minutes,
                "fee": j.fee,
                "paid": j.paid,
            }
            for j in st.jobs
        ]
        points = [
            {"on": e.on, "kind": e.kind, "points": e.points, "note": e.note} for e in st.entries
        ]
        if options["format"] == "json":
            data = {
                "volunteer": str(volunteer.person),
                "month": f"{month:%Y-%m}",
                "jobs": jobs,
                "minutes": st.minutes,
                "fees": st.fees,
                "opening": st.opening,
                "points": points,
                "closing": st.closing,
            }
            self.write_output(self.to_json(data), None)
            return
        lines = [f"{volunteer.person} {month:%Y年%m月}の明細"]
        lines += [
            f"  {j['done_on']} 依頼{j['request']} {j['task']}（{j['family_name']}様） {j['minutes']}分 "
            f"{j['fee']:,}円 {'支払済' if j['paid'] else '未払'}"
            for j in jobs
        ]
        lines.append(f"  合計 {len(jobs)}件・{st.minutes}分・{st.fees:,}円")
        lines.append(f"  ポイント: 前月繰越 {st.opening} → 月末残高 {st.closing}")
        self.write_output("\n".join(lines) + "\n", None)

    def expire(self, options: dict[str, Any]) -> None:
        from django.utils.timezone import localdate

        from chiiki.mutualaid import services

        municipality = self.municipality(options.get("municipality"))
        day = self._date(options["date"], "--date") if options.get("date") else localdate()
        expired = services.points_expire(municipality=municipality, today=day)
        self.write_output(
            f"{day}: {expired['volunteers']}人 の {expired['points']}ポイントを失効しました\n", None
        )
