"""Writes for surveys: create, import (all or nothing, idempotent), mailing, visits, screenings."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple

import polars as pl
from django.db import transaction
from django.db.models import F
from django.utils.timezone import now as timezone_now

from chiiki.accounts import access, audit
from chiiki.accounts.access import Cap
from chiiki.accounts.models import AuditAction
from chiiki.areas.models import District, LifeArea, Municipality
from chiiki.core import bounds
from chiiki.core.tabular import PROGRESS_EVERY, Progress, TableError
from chiiki.core.text import fold
from chiiki.core.uploads import upload_limits
from chiiki.people.models import CareLevel, Person
from chiiki.surveys import answers, rules, scoring
from chiiki.surveys.models import (
    ColumnMapping,
    DistrictOwner,
    MailingEntry,
    MunicipalRuleSet,
    Outcome,
    Respondent,
    Screening,
    ServiceEnrolment,
    Survey,
    Visit,
)

CHECKING = "検証中"
SAVING = "保存中"
WRITE_CHUNK = 10_000  # rows turned into Python objects at once while checking and writing


class Placement(NamedTuple):
    """Where a respondent belongs, and what the register filled in for them."""

    person_id: int | None
    district_id: int | None
    life_area_id: int | None
    sex: str
    age: int | None


@dataclass
class ImportResult:
    """What an import did, or the bad cells that stopped it (then nothing was written)."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[answers.CellError] = field(default_factory=list)
    error_count: int = 0
    mapping: dict[str, str] = field(default_factory=dict)
    unused: list[str] = field(default_factory=list)
    encoding: str = ""
    unlinked: int = 0

    @property
    def ok(self) -> bool:
        return self.error_count == 0


def ruleset_yaml(*, municipality: Municipality | None, name: str) -> str:
    """The YAML of a rule set: the municipality's own edited one first, then the shipped one."""
    if municipality is not None:
        own = MunicipalRuleSet.objects.filter(municipality=municipality, name=name).first()
        if own is not None:
            return own.yaml
    # A name, never a path: only the shipped rule sets are read from disk.
    shipped = {path.stem: path for path in rules.RULESET_DIR.glob("*.yaml")}
    if name not in shipped:
        raise rules.RuleSetError(f"判定ルール {name[:40]!r} はありません")
    return shipped[name].read_text(encoding="utf-8")


def survey_ruleset(survey: Survey) -> rules.RuleSet:
    return rules.ruleset_from_yaml(survey.ruleset_yaml)


def results_changed(survey: Survey) -> None:
    """Mark the survey's results as written again (the cached aggregates are then stale)."""
    Survey.objects.filter(pk=survey.pk).update(results_version=F("results_version") + 1)
    survey.refresh_from_db(fields=["results_version"])


@transaction.atomic
def municipal_ruleset_save(
    *, user: Any, municipality: Municipality, yaml_text: str
) -> MunicipalRuleSet:
    """Keep a municipality's edited rule set (checked first: a broken one is refused)."""
    if user is not None:
        access.require_reach(user, Cap.SURVEY_IMPORT, municipality)
    ruleset = rules.ruleset_from_yaml(yaml_text)
    obj, _ = MunicipalRuleSet.objects.update_or_create(
        municipality=municipality, name=ruleset.name, defaults={"yaml": yaml_text}
    )
    return obj


@transaction.atomic
def survey_create(
    *,
    user: Any,
    municipality: Municipality,
    name: str,
    fiscal_year: int,
    instrument: str = "needs",
    ruleset_name: str = rules.NEEDS_DEFAULT,
    mailed_on: dt.date | None = None,
) -> Survey:
    if user is not None:  # None: the system (the demo)
        access.require_reach(
            user, Cap.SURVEY_IMPORT, municipality, "調査を作成する権限がありません"
        )
    text = ruleset_yaml(municipality=municipality, name=ruleset_name)
    ruleset = rules.ruleset_from_yaml(text)
    if ruleset.instrument != instrument:
        raise rules.RuleSetError(f"判定ルール {ruleset.name} は調査票 {ruleset.instrument} 用です")
    survey = Survey(
        municipality=municipality,
        name=name,
        fiscal_year=fiscal_year,
        instrument=instrument,
        mailed_on=mailed_on,
        ruleset_name=ruleset.name,
        ruleset_version=ruleset.version,
        ruleset_status=ruleset.status,
        ruleset_yaml=text,
    )
    survey.full_clean()
    survey.save()
    return survey


def column_mapping_for(*, municipality: Municipality, instrument: str) -> dict[str, str]:
    found = ColumnMapping.objects.filter(municipality=municipality, instrument=instrument).first()
    return dict(found.mapping) if found else {}


def column_mapping_save(
    *, municipality: Municipality, instrument: str, mapping: dict[str, str]
) -> None:
    """Remember the headers → items of a successful import, on top of what was known before."""
    merged = {**column_mapping_for(municipality=municipality, instrument=instrument), **mapping}
    ColumnMapping.objects.update_or_create(
        municipality=municipality, instrument=instrument, defaults={"mapping": merged}
    )


class _AreaIndex:
    """Districts and life areas of a municipality by code or name (width and kana folded)."""

    def __init__(self, municipality: Municipality) -> None:
        self.districts: dict[str, District] = {}
        self.life_areas: dict[str, LifeArea] = {}
        for d in District.objects.filter(municipality=municipality).select_related("life_area"):
            self.districts[fold(d.code)] = self.districts[fold(d.name)] = d
        for la in LifeArea.objects.filter(municipality=municipality):
            self.life_areas[fold(la.code)] = self.life_areas[fold(la.name)] = la

    def district_names(self) -> str:
        return "、".join(sorted({d.name for d in self.districts.values()}))

    def life_area_names(self) -> str:
        return "、".join(sorted({la.name for la in self.life_areas.values()}))


def _digest(values: dict[str, Any]) -> str:
    return hashlib.sha256(
        json.dumps(values, sort_keys=True, ensure_ascii=False, default=str).encode()
    ).hexdigest()


def _people_by_insured_number(municipality: Municipality, numbers: list[str]) -> dict[str, Person]:
    """The municipality's people by insured number, asked in slices (a query has a bounded
    number of parameters: SQLite's is 32,766 by default, and a file may name a million)."""
    unique = sorted(set(numbers))
    found: dict[str, Person] = {}
    for start in range(0, len(unique), 5000):
        for p in Person.objects.filter(
            municipality=municipality, insured_number__in=unique[start : start + 5000]
        ).select_related("district__life_area"):
            if p.insured_number:
                found[p.insured_number] = p
    return found


def _check_import_rights(user: Any, survey: Survey) -> None:
    if user is not None:  # None: the system (the CLI on the server, the demo)
        access.require_reach(user, Cap.SURVEY_IMPORT, survey, "調査を取り込む権限がありません")


Placed = tuple[Person | None, District | None, LifeArea | None]


def _place_rows(
    typed: pl.DataFrame,
    people: dict[str, Person],
    index: _AreaIndex,
    header_of: dict[str, str],
    survey: Survey,
    result: ImportResult,
    errors: list[answers.CellError],
    progress: Progress | None,
) -> list[Placement]:
    """The person (by insured number), district and life area of each row; an unknown
    district or life area is a bad cell (added to ``errors``). The register fills the sex
    and age the sheet left out."""
    # Rows are turned into Python values a slice at a time: a national file of a million
    # respondents then costs its compact placement tuples, not a million dicts.
    placed: list[Placement] = []
    today = survey.mailed_on or timezone_now().date()
    loop_errors = 0
    for chunk in typed.iter_slices(WRITE_CHUNK):
        for row in chunk.to_dicts():
            if progress is not None and (len(placed) + 1) % PROGRESS_EVERY == 0:
                progress(CHECKING, len(placed) + 1, typed.height)
            person = people.get(row.get("insured_number") or "")
            district = person.district if person else None
            life_area = district.life_area if district else None
            bad: list[answers.CellError] = []
            if row.get("district") and district is None:
                district = index.districts.get(fold(row["district"]))
                if district is None:
                    bad.append(
                        answers.CellError(
                            row[answers.ROW],
                            header_of["district"],
                            row["district"],
                            f"地区コードか地区名（{index.district_names()}）を入力してください",
                        )
                    )
                else:
                    life_area = district.life_area
            if row.get("life_area") and life_area is None:
                life_area = index.life_areas.get(fold(row["life_area"]))
                if life_area is None:
                    bad.append(
                        answers.CellError(
                            row[answers.ROW],
                            header_of["life_area"],
                            row["life_area"],
                            f"圏域コードか圏域名（{index.life_area_names()}）を入力してください",
                        )
                    )
            result.error_count += len(bad)
            if loop_errors < answers.MAX_ERRORS:  # rows come in order: later ones sort last
                errors += bad
                loop_errors += len(bad)
            if row.get("insured_number") and person is None:
                result.unlinked += 1
            sex, age = row.get("sex") or "", row.get("age")
            if person is not None:  # the register fills what the sheet did not ask
                sex = sex or person.sex
                if age is None:
                    age = person.age_on(today)
                    # A survey mailed before the person was born has no age to give.
                    age = age if age in bounds.AGE else None
            placed.append(
                Placement(
                    person.pk if person else None,
                    district.pk if district else None,
                    life_area.pk if life_area else None,
                    sex,
                    age,
                )
            )
    return placed


def survey_import(
    *,
    user: Any,
    survey: Survey,
    data: bytes,
    filename: str,
    mapping: dict[str, str] | None = None,
    channel: str = "web",
    request: Any = None,
    extra_mapping: dict[str, str] | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Import returned questionnaires: every bad cell reported, nothing written unless all are good.

    A row is matched to the survey's earlier import by its respondent ID: the same row again
    changes nothing, a corrected row is updated. A respondent is linked to a person by
    insured number when the file has one that the municipality knows. ``extra_mapping``
    (headers → items given with this file) goes on top of the saved mapping. Reading and
    checking report to ``progress`` outside the transaction; only the write is inside it.
    """
    _check_import_rights(user, survey)
    inst = rules.instrument(survey.instrument)
    result = ImportResult()
    try:
        frame, result.encoding = answers.read_frame(data, filename, upload_limits(), progress)
    except TableError as exc:
        result.errors = [answers.file_error(filename, exc)]
        result.error_count = 1
        return result
    saved = column_mapping_for(municipality=survey.municipality, instrument=survey.instrument)
    result.mapping = (
        mapping
        if mapping is not None
        else answers.auto_mapping(frame.columns, inst, {**saved, **(extra_mapping or {})})
    )
    if progress is not None:
        progress(CHECKING, 0, frame.height)
    prepared = answers.prepare(frame, result.mapping, inst)
    result.unused = prepared.unused
    errors = list(prepared.errors)
    result.error_count = prepared.error_count
    header_of = {t: h for h, t in result.mapping.items()}
    index = _AreaIndex(survey.municipality)
    typed = prepared.frame
    insured = (
        typed.get_column("insured_number").drop_nulls().to_list()
        if "insured_number" in typed.columns
        else []
    )
    people = _people_by_insured_number(survey.municipality, insured)
    placed = _place_rows(typed, people, index, header_of, survey, result, errors, progress)
    if result.error_count:
        result.errors = sorted(errors, key=lambda e: (e.row, e.column))[: answers.MAX_ERRORS]
        return result
    ruleset = survey_ruleset(survey)
    scored = scoring.score(typed, ruleset, keep=[answers.ROW])
    dets = scoring.active_determinations(ruleset, set(typed.columns))
    item_ids = [i for i in inst.item_ids if i in typed.columns]
    extra = [c for s in ruleset.scores for c in (s.id, s.band_name) if c]
    if progress is not None:
        progress(SAVING, typed.height, typed.height)
    _write_respondents(survey, typed, placed, scored, item_ids, dets, extra, result, user, channel)
    column_mapping_save(
        municipality=survey.municipality, instrument=survey.instrument, mapping=result.mapping
    )
    return result


_FIELDS = [
    "person_id",
    "district_id",
    "life_area_id",
    "sex",
    "age",
    "method",
    "answers",
    "results",
    "risk_count",
    "digest",
]


@transaction.atomic
def _write_respondents(
    survey: Survey,
    typed: pl.DataFrame,
    placed: list[Placement],
    scored: pl.DataFrame,
    item_ids: list[str],
    dets: list[str],
    extra: list[str],
    result: ImportResult,
    user: Any,
    channel: str,
) -> None:
    """Create new respondents and update changed ones, a slice at a time in one transaction."""
    existing = {
        key: (pk, digest)
        for key, pk, digest in Respondent.objects.filter(survey=survey)
        .values_list("key", "pk", "digest")
        .iterator()
    }
    checked = False
    offset = 0
    for chunk, scored_chunk in zip(
        typed.iter_slices(WRITE_CHUNK), scored.iter_slices(WRITE_CHUNK), strict=True
    ):
        new: list[Respondent] = []
        changed: list[Respondent] = []
        for row, res in zip(chunk.to_dicts(), scored_chunk.to_dicts(), strict=True):
            place = placed[offset]
            offset += 1
            values = _respondent_values(row, res, place, item_ids, dets, extra)
            digest = _digest(values)
            key = str(row["id"])
            old = existing.get(key)
            if old is None:
                new.append(Respondent(survey=survey, key=key, digest=digest, **values))
            elif old[1] != digest:
                changed.append(
                    Respondent(pk=old[0], survey=survey, key=key, digest=digest, **values)
                )
            else:
                result.unchanged += 1
        if not checked and (new or changed):
            for r in new[:1] + changed[:1]:
                r.full_clean(
                    exclude=["survey", "person", "district", "life_area"], validate_unique=False
                )
            checked = True
        Respondent.objects.bulk_create(new, batch_size=2000)
        Respondent.objects.bulk_update(changed, _FIELDS, batch_size=2000)
        if new or changed:
            results_changed(survey)
        result.created += len(new)
        result.updated += len(changed)
        _audit_respondents(survey, new, changed, user, channel)


def _respondent_values(
    row: dict[str, Any],
    res: dict[str, Any],
    place: Placement,
    item_ids: list[str],
    dets: list[str],
    extra: list[str],
) -> dict[str, Any]:
    return {
        "person_id": place.person_id,
        "district_id": place.district_id,
        "life_area_id": place.life_area_id,
        "sex": place.sex,
        "age": place.age,
        "method": row.get("method") or "mail",
        "answers": {i: row[i] for i in item_ids if row.get(i) is not None},
        "results": {d: res[d] for d in dets} | {e: res[e] for e in extra if e in res},
        "risk_count": sum(1 for d in dets if res[d] == 1),
    }


def _audit_respondents(
    survey: Survey, new: list[Respondent], changed: list[Respondent], user: Any, channel: str
) -> None:
    """Health answers are 要配慮個人情報: every stored or changed answer sheet is in the trail."""
    audit.record_many(
        user=user,
        model="surveys.respondent",
        channel=channel,
        entries=(
            audit.Entry(
                action,
                r.pk,
                f"{survey.name} {r.key}",
                survey.municipality_id,
                {"survey": survey.name, "person_id": r.person_id},
                person_ids=(r.person_id,) if r.person_id else (),
            )
            for action, group in ((AuditAction.CREATE, new), (AuditAction.UPDATE, changed))
            for r in group
        ),
    )


@transaction.atomic
def mailing_from_register(*, survey: Survey, on: dt.date) -> int:
    """Mail to every resident aged 65+ without a care certification (事業対象者 included)."""
    limit = on.replace(year=on.year - 65)
    people = (
        Person.objects.current()
        .filter(
            municipality=survey.municipality,
            birth_date__lte=limit,
            care_level__in=[CareLevel.NONE, CareLevel.PROGRAM_ELIGIBLE],
        )
        .exclude(survey_mailings__survey=survey)
    )
    entries = [
        MailingEntry(survey=survey, person_id=pk, district_id=d)
        for pk, d in people.values_list("pk", "district_id")
    ]
    MailingEntry.objects.bulk_create(entries, batch_size=2000)
    return len(entries)


def mailing_import(
    *,
    user: Any,
    survey: Survey,
    data: bytes,
    filename: str,
    progress: Progress | None = None,
) -> ImportResult:
    """The mailing list as a file with an insured-number column (被保険者番号); all or nothing."""
    _check_import_rights(user, survey)
    result = ImportResult()
    try:
        frame, result.encoding = answers.read_frame(data, filename, upload_limits(), progress)
    except TableError as exc:
        result.errors, result.error_count = [answers.file_error(filename, exc)], 1
        return result
    header = next(
        (h for h in frame.columns if answers.header_key(h) in {"被保険者番号", "insured_number"}),
        None,
    )
    if header is None:
        result.errors = [answers.CellError(1, "被保険者番号", "", "列「被保険者番号」が必要です")]
        result.error_count = 1
        return result
    numbers = frame.select(answers.ROW, pl.col(header).str.strip_chars()).rows()
    people = _people_by_insured_number(survey.municipality, [n for _, n in numbers if n])
    for row, number in numbers:
        if not number or number not in people:
            result.errors.append(
                answers.CellError(
                    row,
                    header,
                    number or "",
                    "この市町村に登録された被保険者番号を入力してください",
                )
            )
    result.error_count = len(result.errors)
    result.errors = result.errors[: answers.MAX_ERRORS]
    if result.error_count:
        return result
    if progress is not None:
        progress(SAVING, len(numbers), len(numbers))
    with transaction.atomic():
        known = set(MailingEntry.objects.filter(survey=survey).values_list("person_id", flat=True))
        new = [
            MailingEntry(survey=survey, person=p, district_id=p.district_id)
            for p in people.values()
            if p.pk not in known
        ]
        MailingEntry.objects.bulk_create(new)
    result.created, result.unchanged = len(new), len(people) - len(new)
    return result


@transaction.atomic
def visit_record(
    *,
    user: Any,
    entry: MailingEntry,
    outcome: str,
    visited_on: dt.date,
    note: str = "",
) -> Visit:
    """Record a visit to a non-respondent; the entry keeps the latest outcome."""
    access.require_reach(user, Cap.SURVEY_VISITS, entry, "担当外の人の訪問は記録できません")
    visit = Visit(entry=entry, outcome=outcome, visited_on=visited_on, staff=user, note=note)
    visit.full_clean(exclude=["entry", "staff"])
    visit.save()
    entry.outcome = outcome
    entry.save(update_fields=["outcome"])
    access.audit_write(
        user,
        AuditAction.UPDATE,
        entry,
        changes={"survey_visit": [None, f"{entry.survey.name}: {Outcome(outcome).label}"]},
    )
    return visit


def district_owner_set(*, district: District, staff: Any, user: Any = None) -> DistrictOwner | None:
    """Give a district's follow-up to a staff member of the same municipality (None: nobody)."""
    if user is not None:
        access.require_reach(
            user, Cap.SURVEY_IMPORT, district, "地区担当を設定する権限がありません"
        )
    if staff is None:
        DistrictOwner.objects.filter(district=district).delete()
        return None
    if staff.municipality_id != district.municipality_id:
        raise ValueError("地区担当は同じ市町村の職員です")
    owner, _ = DistrictOwner.objects.update_or_create(district=district, defaults={"staff": staff})
    return owner


def kcl_evaluate(
    *, answers_by_item: dict[str, int | None], height_cm: Decimal | None, weight_kg: Decimal | None
) -> dict[str, Any]:
    """Score one checklist with the same engine as a whole file."""
    ruleset = rules.builtin_ruleset(rules.KCL)
    items = [f"q{i}" for i in range(1, 26) if i != 12]
    row = {i: answers_by_item.get(i) for i in items}
    frame = pl.DataFrame(
        [
            {
                "id": "1",
                **row,
                "height_cm": float(height_cm) if height_cm is not None else None,
                "weight_kg": float(weight_kg) if weight_kg is not None else None,
            }
        ],
        schema={
            "id": pl.String,
            **dict.fromkeys(items, pl.Int8),
            "height_cm": pl.Float64,
            "weight_kg": pl.Float64,
        },
    )
    out = scoring.kcl_score(frame, ruleset).row(0, named=True)
    bmi = None
    if height_cm and weight_kg:
        bmi = (weight_kg / ((height_cm / 100) ** 2)).quantize(Decimal("0.1"))
    return {**out, "bmi": bmi, "ruleset": ruleset.ref}


@transaction.atomic
def screening_create(
    *,
    user: Any,
    person: Person,
    answers_by_item: dict[str, int | None],
    height_cm: Decimal | None,
    weight_kg: Decimal | None,
    screened_on: dt.date,
) -> Screening:
    """Save a counter checklist to the person's record (audited: health data)."""
    if user is not None:  # None: the system (the demo)
        access.require_reach(user, Cap.KCL_SCREEN, person, "担当外の人の記録には保存できません")
    result = kcl_evaluate(answers_by_item=answers_by_item, height_cm=height_cm, weight_kg=weight_kg)
    results = {k: result[k] for k in scoring.KCL_RESULT_COLUMNS}
    screening = Screening(
        person=person,
        screened_on=screened_on,
        answers={k: v for k, v in answers_by_item.items() if v is not None},
        height_cm=height_cm,
        weight_kg=weight_kg,
        results=results,
        eligible=None if result["eligible"] is None else bool(result["eligible"]),
        ruleset_ref=result["ruleset"],
        staff=user if user is not None and user.is_authenticated else None,
    )
    screening.full_clean(exclude=["person", "staff"])
    screening.save()
    if user is not None:
        access.audit_write(
            user,
            AuditAction.CREATE,
            screening,
            changes={"screening": [None, f"基本チェックリスト {screened_on.isoformat()}"]},
        )
    return screening


def enrolment_create(
    *, person: Person, kind: str, started_on: dt.date, name: str = ""
) -> ServiceEnrolment:
    enrolment = ServiceEnrolment(person=person, kind=kind, name=name, started_on=started_on)
    enrolment.full_clean(exclude=["person"])
    enrolment.save()
    return enrolment


def ruleset_choices(
    *, municipality: Municipality | None, instrument: str | None = None
) -> list[rules.RuleSet]:
    """The rule sets a municipality may choose: shipped ones, replaced by its own edits of the same name."""
    found = dict(rules.builtin_rulesets())
    if municipality is not None:
        for own in MunicipalRuleSet.objects.filter(municipality=municipality):
            try:
                rs = rules.ruleset_from_yaml(own.yaml)
            except rules.RuleSetError:
                continue
            found[rs.name] = rs
    return [rs for rs in found.values() if instrument is None or rs.instrument == instrument]


@transaction.atomic
def survey_rescore(*, user: Any, survey: Survey, ruleset_name: str) -> int:
    """Score the stored answers again with another rule set; the survey then names that one."""
    _check_import_rights(user, survey)
    text = ruleset_yaml(municipality=survey.municipality, name=ruleset_name)
    ruleset = rules.ruleset_from_yaml(text)
    if ruleset.instrument != survey.instrument:
        raise rules.RuleSetError(f"判定ルール {ruleset.name} は調査票 {ruleset.instrument} 用です")
    inst = rules.instrument(survey.instrument)
    schema = {i.id: (pl.Float64 if i.kind == "number" else pl.Int8) for i in inst.items}
    respondents = list(Respondent.objects.filter(survey=survey).order_by("pk"))
    asked = set().union(*(r.answers.keys() for r in respondents)) if respondents else set()
    frame = pl.DataFrame(
        [r.answers for r in respondents], schema={k: v for k, v in schema.items() if k in asked}
    )
    scored = scoring.score(frame, ruleset).to_dicts()
    dets = scoring.active_determinations(ruleset, set(frame.columns))
    extra = [c for s in ruleset.scores for c in (s.id, s.band_name) if c]
    for r, res in zip(respondents, scored, strict=True):
        r.results = {d: res[d] for d in dets} | {e: res[e] for e in extra if e in res}
        r.risk_count = sum(1 for d in dets if res[d] == 1)
    Respondent.objects.bulk_update(respondents, ["results", "risk_count"], batch_size=2000)
    results_changed(survey)
    survey.ruleset_name, survey.ruleset_version = ruleset.name, ruleset.version
    survey.ruleset_status, survey.ruleset_yaml = ruleset.status, text
    survey.full_clean()
    survey.save()
    return len(respondents)


@transaction.atomic
def program_eligible_register(*, user: Any, person: Person) -> Person:
    """Record a person as 事業対象者 after an eligible checklist (the 佐々町 counter route).

    Only from 'no certification': a certified person keeps their care level.
    """
    from chiiki.people.services import person_update

    access.require_reach(user, Cap.KCL_SCREEN, person, "事業対象者を登録する権限がありません")
    latest = Screening.objects.filter(person=person).order_by("-screened_on", "-id").first()
    if latest is None or latest.eligible is not True:
        raise ValueError("直近の基本チェックリストで事業対象者に該当していません")
    if person.care_level != CareLevel.NONE:
        raise ValueError(f"すでに{person.get_care_level_display()}です")
    return person_update(user=user, person=person, care_level=CareLevel.PROGRAM_ELIGIBLE)
