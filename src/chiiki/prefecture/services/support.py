"""The prefecture's support of its municipalities: its support team's visits (埼玉県's
地域包括ケア総合支援チーム) and its seminars with their attendance (高知県's トップセミナー).

Every change writes the audit trail. Attendance is a count per municipality, never names.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from chiiki.accounts import audit
from chiiki.accounts.models import AuditAction
from chiiki.areas.models import Municipality, Prefecture
from chiiki.core.tabular import Table
from chiiki.imports.runners import cell
from chiiki.prefecture import visit_file
from chiiki.prefecture.models import Seminar, SeminarAttendance, TeamVisit

VISIT = TeamVisit._meta.label_lower
SEMINAR = Seminar._meta.label_lower
ATTENDANCE = SeminarAttendance._meta.label_lower
MAX_ATTENDEES = 1000


def _user(user: Any) -> Any:
    return user if getattr(user, "is_authenticated", False) else None


def _known(prefecture: Prefecture) -> dict[str, Municipality]:
    return {m.code: m for m in Municipality.objects.filter(prefecture=prefecture)}


# --- team visits ---------------------------------------------------------------------------


def team_visit_create(
    *,
    user: Any,
    prefecture: Prefecture,
    municipality: Municipality,
    day: dt.date,
    team: str = "",
    purpose: str = "",
    today: dt.date | None = None,
) -> TeamVisit:
    """Record one visit of the team to a municipality of the prefecture (not in the future)."""
    if municipality.prefecture_id != prefecture.pk:
        raise ValidationError(f"{municipality.name}は{prefecture.name}の市町村ではありません")
    try:
        day = visit_file.parse_day(day.isoformat(), today or timezone.localdate())
        team = visit_file.parse_team(team)
        purpose = visit_file.parse_purpose(purpose)
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc
    visit = TeamVisit(
        prefecture=prefecture,
        municipality=municipality,
        day=day,
        team=team,
        purpose=purpose,
        created_by=_user(user),
    )
    visit.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            visit.save()
            audit.record(user=user, model=VISIT, entry=_visit_entry(visit, AuditAction.CREATE))
    except IntegrityError as exc:
        raise ValidationError(
            f"{municipality.name}への{day.isoformat()}の{team}の訪問はもう記録されています"
        ) from exc
    return visit


def _visit_entry(visit: TeamVisit, action: str) -> audit.Entry:
    return audit.Entry(
        action=action,
        object_id=visit.pk,
        object_repr=f"{visit.day} {visit.municipality.name} {visit.team}",
        municipality_id=visit.municipality_id,
        changes={
            "day": visit.day.isoformat(),
            "municipality": visit.municipality.code,
            "team": visit.team,
            "purpose": visit.purpose,
        },
    )


def team_visit_delete(*, user: Any, visit: TeamVisit) -> None:
    with transaction.atomic():
        entry = _visit_entry(visit, AuditAction.DELETE)
        visit.delete()
        audit.record(user=user, model=VISIT, entry=entry)


@dataclass
class VisitImportResult:
    ok: bool = True
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    error_count: int = 0

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
        }
        if not self.ok:
            data.update(ok=False, errors=self.errors, error_count=self.error_count)
        return data

    def message(self) -> str:
        return (
            f"支援チームの訪問を取り込みました: 新規 {self.created} 件、"
            f"目的の更新 {self.updated} 件、変更なし {self.unchanged} 件"
        )


def team_visit_import(
    *, user: Any, prefecture: Prefecture, table: Table, today: dt.date | None = None
) -> VisitImportResult:
    """Check the whole file, then add the visits not yet stored. A stored visit (same
    municipality, day and team) keeps its record; only a changed 目的 is updated."""
    result = VisitImportResult()
    known = _known(prefecture)
    try:
        visits = visit_file.read(
            table,
            prefecture_code=prefecture.code,
            known={code: m.name for code, m in known.items()},
            today=today or timezone.localdate(),
        )
    except visit_file.VisitFileError as exc:
        result.ok = False
        result.errors = [cell(e) for e in exc.errors]
        result.error_count = exc.count
        return result
    with transaction.atomic():
        stored = {
            (v.municipality.code, v.day, v.team): v
            for v in TeamVisit.objects.select_for_update()
            .filter(prefecture=prefecture, day__in={v.day for v in visits})
            .select_related("municipality")
        }
        new: list[TeamVisit] = []
        entries: list[audit.Entry] = []
        for v in visits:
            found = stored.get(v.key)
            if found is None:
                new.append(
                    TeamVisit(
                        prefecture=prefecture,
                        municipality=known[v.code],
                        day=v.day,
                        team=v.team,
                        purpose=v.purpose,
                        created_by=_user(user),
                    )
                )
            elif v.purpose and found.purpose != v.purpose:
                before, found.purpose = found.purpose, v.purpose
                found.save(update_fields=["purpose"])
                entry = _visit_entry(found, AuditAction.UPDATE)
                entry.changes["purpose"] = [before, v.purpose]
                entries.append(entry)
                result.updated += 1
            else:
                result.unchanged += 1
        for created in TeamVisit.objects.bulk_create(new):
            entries.append(_visit_entry(created, AuditAction.CREATE))
        result.created = len(new)
        if entries:
            with audit.bound(channel=audit.Channel.IMPORT):
                audit.record_many(user=user, model=VISIT, entries=entries)
    return result


# --- seminars ------------------------------------------------------------------------------


def _seminar_fields(day: dt.date, session: str, title: str, audience: str) -> dict[str, Any]:
    texts = {"session": session, "title": title, "audience": audience}
    labels = {"session": "部", "title": "セミナー名", "audience": "対象者"}
    try:
        return {
            "day": day,
            **{k: visit_file.no_control((v or "").strip(), labels[k]) for k, v in texts.items()},
        }
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc


def _seminar_save(seminar: Seminar, *, user: Any, action: str, changes: dict[str, Any]) -> None:
    seminar.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            seminar.save()
            audit.record(
                user=user,
                model=SEMINAR,
                entry=audit.Entry(
                    action=action, object_id=seminar.pk, object_repr=str(seminar), changes=changes
                ),
            )
    except IntegrityError as exc:
        raise ValidationError(
            f"{seminar.day.isoformat()}の「{seminar.title}」（{seminar.session or '部なし'}）は"
            "もう登録されています"
        ) from exc


def seminar_create(
    *,
    user: Any,
    prefecture: Prefecture,
    day: dt.date,
    title: str,
    audience: str,
    session: str = "",
) -> Seminar:
    """A seminar the prefecture holds: its day, session (午前・午後, optional), title and
    audience (対象者)."""
    values = _seminar_fields(day, session, title, audience)
    seminar = Seminar(prefecture=prefecture, **values)
    _seminar_save(
        seminar,
        user=user,
        action=AuditAction.CREATE,
        changes={k: str(v) for k, v in values.items()},
    )
    return seminar


def seminar_update(
    *, user: Any, seminar: Seminar, day: dt.date, title: str, audience: str, session: str = ""
) -> Seminar:
    values = _seminar_fields(day, session, title, audience)
    changes = {
        k: [str(getattr(seminar, k)), str(v)] for k, v in values.items() if getattr(seminar, k) != v
    }
    if not changes:
        return seminar
    for k, v in values.items():
        setattr(seminar, k, v)
    _seminar_save(seminar, user=user, action=AuditAction.UPDATE, changes=changes)
    return seminar


def seminar_delete(*, user: Any, seminar: Seminar) -> None:
    with transaction.atomic():
        # The attendance goes with the seminar: the trail keeps its counts, as it keeps
        # every change of them.
        attendance = dict(
            SeminarAttendance.objects.filter(seminar=seminar)
            .order_by("municipality__code")
            .values_list("municipality__code", "attendees")
        )
        entry = audit.Entry(
            action=AuditAction.DELETE,
            object_id=seminar.pk,
            object_repr=str(seminar),
            changes={
                "day": seminar.day.isoformat(),
                "session": seminar.session,
                "title": seminar.title,
                "audience": seminar.audience,
                "attendance": attendance,
            },
        )
        seminar.delete()  # its attendance goes with it (CASCADE)
        audit.record(user=user, model=SEMINAR, entry=entry)


@dataclass(frozen=True)
class AttendanceFault:
    code: str
    name: str
    value: str
    expected: str

    @property
    def message(self) -> str:
        return f"{self.name}（{self.code}）: {self.expected}（入力: {self.value}）"


class AttendanceError(ValueError):
    """Every refused value of the grid; nothing of it is stored."""

    def __init__(self, faults: list[AttendanceFault]) -> None:
        self.faults = faults
        super().__init__("\n".join(f.message for f in faults))


def attendance_count(raw: str) -> int:
    """A grid cell: empty or 0 is none; otherwise a whole number from 1 to 1000."""
    text = visit_file.fold(raw).replace(",", "").removesuffix("人")
    if not text:
        return 0
    # ASCII digits only (str.isdigit takes ٣ too) and few of them: int() of thousands of
    # digits would refuse them in English.
    if not text.isascii() or not text.isdigit() or len(text) > 9:
        raise ValueError(f"参加者数は0から{MAX_ATTENDEES:,}までの整数です（空欄は参加なし）")
    value = int(text)
    if value > MAX_ATTENDEES:
        raise ValueError(f"参加者数は{MAX_ATTENDEES:,}人までです")
    return value


def seminar_attendance_set(
    *, user: Any, seminar: Seminar, counts: Mapping[str, str]
) -> dict[str, int]:
    """Set the seminar's attendance from the grid: ``counts`` is municipality code → the
    cell's text. A code left out keeps its count; 0 or blank removes the row. Every bad cell
    is refused at once, naming its municipality; then nothing is stored. Returns the
    numbers created, updated and deleted."""
    known = _known_by_code(seminar.prefecture_id)
    faults: list[AttendanceFault] = []
    wanted: dict[str, int] = {}
    for code, raw in counts.items():
        m = known.get(code)
        if m is None:
            faults.append(AttendanceFault(code, code, raw, "この都道府県の市町村ではありません"))
            continue
        try:
            wanted[code] = attendance_count(raw)
        except ValueError as exc:
            faults.append(AttendanceFault(code, m.name, raw, str(exc)))
    if faults:
        raise AttendanceError(faults)
    done = {"created": 0, "updated": 0, "deleted": 0}
    with transaction.atomic():
        stored = {
            a.municipality.code: a
            for a in SeminarAttendance.objects.select_for_update()
            .filter(seminar=seminar)
            .select_related("municipality")
        }
        changes: dict[str, list[int]] = {}
        for code, n in wanted.items():
            row = stored.get(code)
            before = row.attendees if row is not None else 0
            if before == n:
                continue
            if row is None:
                SeminarAttendance.objects.create(
                    seminar=seminar, municipality=known[code], attendees=n
                )
                done["created"] += 1
            elif not n:
                row.delete()
                done["deleted"] += 1
            else:
                row.attendees = n
                row.full_clean()
                row.save(update_fields=["attendees"])
                done["updated"] += 1
            changes[code] = [before, n]
        if changes:
            audit.record(
                user=user,
                model=ATTENDANCE,
                entry=audit.Entry(
                    action=AuditAction.UPDATE,
                    object_id=seminar.pk,
                    object_repr=f"{seminar} の参加",
                    changes={"attendance": changes},
                ),
            )
    return done


def _known_by_code(prefecture_id: int) -> dict[str, Municipality]:
    return {m.code: m for m in Municipality.objects.filter(prefecture_id=prefecture_id)}


# --- the demo ------------------------------------------------------------------------------

# 高知県's トップセミナー, as the guide's table has them (都道府県による市町村支援 ③高知県).
# The guide gives the 年度 only; the demo's days are synthetic.
GUIDE_SEMINARS: tuple[tuple[int, str, str, str], ...] = (
    (2014, "", "介護保険制度改革にかかるトップセミナー", "市町村長又は副市町村長"),
    (
        2015,
        "",
        "介護保険制度改正にかかるトップセミナー",
        "市町村介護保険担当課長及び社会福祉協議会事務局長等",
    ),
    (
        2016,
        "",
        "新しい総合事業及び在宅医療・介護連携にかかるトップセミナー",
        "市町村介護保険担当課長及び担当者、地域包括支援センター長等",
    ),
    (
        2017,
        "",
        "第7期介護保険事業計画の策定に向けた担当課長研修会",
        "市町村介護保険担当課長等",
    ),
    (
        2018,
        "午前",
        "保険者機能強化に向けた介護保険担当課長研修会",
        "市町村介護保険担当課長",
    ),
    (
        2018,
        "午後",
        "高知版地域包括ケアシステム構築に向けたトップセミナー",
        "市町村長又は副市町村長等",
    ),
)
DEMO_PURPOSES = ("意見交換・実情把握", "伴走支援（協議体）", "伴走支援（地域ケア会議）", "研修")


def _demo_day(rng: random.Random, fiscal_year: int, *, months: int = 12) -> dt.date:
    """A day in the first ``months`` months of the fiscal year (April to March)."""
    start = dt.date(fiscal_year, 4, 1)
    end = dt.date(fiscal_year + (3 + months) // 12, (3 + months) % 12 + 1, 1)
    return start + dt.timedelta(days=rng.randrange((end - start).days))


def demo_support(
    prefecture: Prefecture, municipalities: Sequence[Municipality], seed: int
) -> dict[str, int]:
    """The demo's team visits and seminars, deterministic from ``seed`` and idempotent.

    - 平成30年度 (FY2018): every municipality visited one to three times (the guide's
      「全63市町村を職員が訪問」 for 埼玉県, here for whatever prefecture the demo builds);
    - 令和元年度 (FY2019), April to September: half of them once;
    - the guide's 高知県 seminars of 平成26–30年度 (the two sessions of 平成30年度 on one
      day), each with synthetic attendance from about two thirds of the municipalities.

    A second call adds nothing: what is already stored is left as it is."""
    rng = random.Random(seed)
    ordered = sorted(municipalities, key=lambda m: m.code)
    planned: list[TeamVisit] = []
    for m in ordered:
        for _ in range(rng.randint(1, 3)):
            planned.append(_demo_visit(prefecture, m, _demo_day(rng, 2018), rng))
    for m in sorted(rng.sample(ordered, len(ordered) // 2), key=lambda m: m.code):
        planned.append(_demo_visit(prefecture, m, _demo_day(rng, 2019, months=6), rng))
    seminars: list[tuple[Seminar, dict[int, int]]] = []
    days: dict[int, dt.date] = {}
    for year, session, title, audience in GUIDE_SEMINARS:
        day = days.setdefault(year, _demo_day(rng, year))
        attendance = {m.pk: rng.randint(1, 4) for m in ordered if rng.random() < 0.67}
        seminars.append(
            (
                Seminar(
                    prefecture=prefecture, day=day, session=session, title=title, audience=audience
                ),
                attendance,
            )
        )
    with transaction.atomic():
        stored = set(
            TeamVisit.objects.filter(prefecture=prefecture).values_list(
                "municipality_id", "day", "team"
            )
        )
        fresh: dict[tuple[int, dt.date, str], TeamVisit] = {}
        for v in planned:
            key = (v.municipality_id, v.day, v.team)
            if key not in stored:
                fresh.setdefault(key, v)
        TeamVisit.objects.bulk_create(list(fresh.values()))
        made = 0
        for seminar, attendance in seminars:
            if Seminar.objects.filter(
                prefecture=prefecture, day=seminar.day, session=seminar.session, title=seminar.title
            ).exists():
                continue
            seminar.save()
            SeminarAttendance.objects.bulk_create(
                SeminarAttendance(seminar=seminar, municipality_id=pk, attendees=n)
                for pk, n in attendance.items()
            )
            made += 1
    return {"visits": len(fresh), "seminars": made}


def _demo_visit(
    prefecture: Prefecture, m: Municipality, day: dt.date, rng: random.Random
) -> TeamVisit:
    return TeamVisit(
        prefecture=prefecture,
        municipality=m,
        day=day,
        team=visit_file.DEFAULT_TEAM,
        purpose=rng.choice(DEMO_PURPOSES),
    )
