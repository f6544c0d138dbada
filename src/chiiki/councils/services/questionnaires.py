"""Writes for district questionnaires (地区アンケート): define one as an instrument of the
survey engine, collect answers on paper (an import that follows the survey import's rules)
or on a tablet, and turn a result into evidence for a regional issue.

The answers are anonymous: no resident is named, so there is no read audit; changes are
audited on the questionnaire (an import) or the answer sheet (a tablet entry).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Any

import polars as pl
from django.core.exceptions import ValidationError
from django.db import transaction

from chiiki.accounts import access
from chiiki.accounts.access import Cap
from chiiki.accounts.models import AuditAction, User
from chiiki.areas.models import District
from chiiki.core.tabular import PROGRESS_EVERY, Progress, TableError
from chiiki.core.text import fold
from chiiki.core.uploads import upload_limits
from chiiki.councils import instrument
from chiiki.councils.models import (
    AnswerMethod,
    Body,
    EvidenceKind,
    IssueEvidence,
    Questionnaire,
    QuestionnaireAnswer,
    RegionalIssue,
)
from chiiki.councils.selectors.bodies import body_districts
from chiiki.councils.selectors.questionnaires import questionnaire_instrument, questionnaire_results
from chiiki.councils.services import issues as issue_services
from chiiki.surveys import answers
from chiiki.surveys.rules import Instrument

CHECKING = "検証中"
SAVING = "保存中"
KEY_LENGTH = 40  # QuestionnaireAnswer.key
TABLET_PREFIX = "tablet-"
_TOKEN = re.compile(r"[0-9a-f]{32}")
REFUSED = "この協議体の地区アンケートを運営する権限がありません"
NOT_YOURS = "この地区アンケートの結果を閲覧する権限がありません"
SUPPRESSED = (
    "この数値は少数（{threshold}人未満）のため、または少数の数値を差し引きで分からないようにする"
    "ため伏せています。伏せた数値は地域課題の根拠にできません"
)
NAMED = "地区アンケートは無記名です。被保険者番号の列を除いてから取り込んでください"


def _require_manage(user: User | None, questionnaire: Questionnaire) -> None:
    if user is not None:  # None: the system (the demo)
        access.require_reach(user, Cap.COUNCILS_MANAGE, questionnaire, REFUSED)


def _digest(values: dict[str, Any]) -> str:
    return hashlib.sha256(
        json.dumps(values, sort_keys=True, ensure_ascii=False, default=str).encode()
    ).hexdigest()


def _values(district_id: int | None, sheet: dict[str, Any]) -> dict[str, Any]:
    """What an answer sheet says, as stored and as its digest reads it."""
    return {
        "district_id": district_id,
        "answers": {k: int(v) for k, v in sheet.items() if v is not None},
    }


@transaction.atomic
def questionnaire_create(
    *, user: User | None, body: Body, name: str, fiscal_year: int, instrument_yaml: str
) -> Questionnaire:
    """A body's questionnaire; its YAML is checked first (a broken one is refused, every
    fault named by its line and field)."""
    if user is not None:
        access.require_reach(user, Cap.COUNCILS_MANAGE, body, REFUSED)
    questionnaire = Questionnaire(
        body=body, name=name, fiscal_year=fiscal_year, instrument_yaml=instrument_yaml
    )
    errors: dict[str, list[str]] = {}
    try:
        questionnaire.full_clean()
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if "instrument_yaml" not in errors:
        try:
            instrument.check(instrument_yaml)
        except instrument.InstrumentError as exc:
            errors["instrument_yaml"] = exc.errors
    if errors:
        raise ValidationError(errors)
    questionnaire.save()
    if user is not None:
        access.audit_write(
            user,
            AuditAction.CREATE,
            questionnaire,
            changes={"name": [None, name], "fiscal_year": [None, fiscal_year]},
        )
    return questionnaire


# --- paper: the import -----------------------------------------------------------------------


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

    @property
    def ok(self) -> bool:
        return self.error_count == 0


class _Districts:
    """The body's districts by code or name, width and kana folded (as the survey import)."""

    def __init__(self, districts: list[District]) -> None:
        self.by_key: dict[str, District] = {}
        for d in districts:
            self.by_key[fold(d.code)] = self.by_key[fold(d.name)] = d
        self.names = "、".join(d.name for d in districts)

    def get(self, value: str) -> District | None:
        return self.by_key.get(fold(value))

    def expected(self) -> str:
        return f"この協議体の圏域の地区コードか地区名（{self.names}）を入力してください"


def _district_errors(
    typed: pl.DataFrame, header: str, index: _Districts
) -> tuple[dict[str, District], list[answers.CellError], int]:
    """Each distinct district cell placed once; blank and unknown ones are bad cells."""
    column = typed.get_column("district")
    found: dict[str, District] = {}
    bad: list[str] = []
    for value in column.drop_nulls().unique().to_list():
        district = index.get(value)
        if district is None:
            bad.append(value)
        else:
            found[value] = district
    errors: list[answers.CellError] = []
    blank = typed.filter(pl.col("district").is_null()).get_column(answers.ROW)
    for row in blank.head(answers.MAX_ERRORS).to_list():
        errors.append(answers.CellError(row, header, "", f"地区は必須です。{index.expected()}"))
    hits = typed.filter(pl.col("district").is_in(bad)).select(answers.ROW, "district")
    for row, value in hits.head(answers.MAX_ERRORS).iter_rows():
        errors.append(answers.CellError(row, header, value, index.expected()))
    return found, errors, blank.len() + hits.height


def _key_errors(typed: pl.DataFrame, header: str) -> tuple[list[answers.CellError], int]:
    long = typed.filter(pl.col("id").str.len_chars() > KEY_LENGTH).select(answers.ROW, "id")
    errors = [
        answers.CellError(row, header, value, f"回答者IDは{KEY_LENGTH}文字以内にしてください")
        for row, value in long.head(answers.MAX_ERRORS).iter_rows()
    ]
    return errors, long.height


def questionnaire_import(
    *,
    user: User | None,
    questionnaire: Questionnaire,
    data: bytes,
    filename: str,
    channel: str = "web",
    progress: Progress | None = None,
) -> ImportResult:
    """Import answer sheets entered from paper: every bad cell reported (row, column, value,
    what was expected), nothing written unless all are good.

    Columns are found as in the survey import (the item's id, an alias, its printed number);
    the respondent ID (回答者ID) and the district (地区: code or name, of the body's area)
    are required. A row is matched to an earlier import by its ID and a digest of what it
    says: the same row again changes nothing, a corrected row is updated.
    """
    _require_manage(user, questionnaire)
    inst = questionnaire_instrument(questionnaire)
    result = ImportResult()
    try:
        frame, result.encoding = answers.read_frame(data, filename, upload_limits(), progress)
    except TableError as exc:
        result.errors = [answers.file_error(filename, exc)]
        result.error_count = 1
        return result
    found = answers.auto_mapping(frame.columns, inst)
    named = [answers.CellError(1, h, "", NAMED) for h, t in found.items() if t == "insured_number"]
    # The sheet's ID, its district and the items: the respondents' other fields (sex, age,
    # method) are not asked by a district questionnaire and stay unused.
    result.mapping = {
        h: t for h, t in found.items() if t in ("id", "district") or t in inst.item_ids
    }
    if progress is not None:
        progress(CHECKING, 0, frame.height)
    prepared = answers.prepare(frame, result.mapping, inst, required=("id", "district"))
    result.unused = prepared.unused
    errors = named + prepared.errors
    count = len(named) + prepared.error_count
    typed = prepared.frame
    header_of = {t: h for h, t in result.mapping.items()}
    places: dict[str, District] = {}
    if "district" in typed.columns:
        places, bad, n = _district_errors(
            typed, header_of["district"], _Districts(body_districts(questionnaire.body))
        )
        errors += bad
        count += n
    if "id" in typed.columns:
        bad, n = _key_errors(typed, header_of["id"])
        errors += bad
        count += n
    if count:
        result.errors = sorted(errors, key=lambda e: (e.row, e.column))[: answers.MAX_ERRORS]
        result.error_count = count
        return result
    items = [i for i in inst.item_ids if i in typed.columns]
    sheets = [
        (
            str(row["id"]),
            _values(places[row["district"]].pk, {i: row[i] for i in items}),
        )
        for row in typed.iter_rows(named=True)
    ]
    if progress is not None:
        progress(SAVING, len(sheets), len(sheets))
    _write(
        user=user,
        questionnaire=questionnaire,
        sheets=sheets,
        method=AnswerMethod.PAPER,
        result=result,
        channel=channel,
        note=filename,
        progress=progress,
    )
    return result


@transaction.atomic
def _write(
    *,
    user: User | None,
    questionnaire: Questionnaire,
    sheets: list[tuple[str, dict[str, Any]]],
    method: str,
    result: ImportResult,
    channel: str = "web",
    note: str = "",
    progress: Progress | None = None,
) -> None:
    """Create new answer sheets and update changed ones, by key, in one transaction."""
    existing = {
        key: (pk, digest)
        for key, pk, digest in QuestionnaireAnswer.objects.filter(
            questionnaire=questionnaire
        ).values_list("key", "pk", "digest")
    }
    new: list[QuestionnaireAnswer] = []
    changed: list[QuestionnaireAnswer] = []
    for number, (key, values) in enumerate(sheets, start=1):
        if progress is not None and number % PROGRESS_EVERY == 0:
            progress(SAVING, number, len(sheets))
        digest = _digest(values)
        old = existing.get(key)
        if old is None:
            new.append(
                QuestionnaireAnswer(
                    questionnaire=questionnaire, key=key, method=method, digest=digest, **values
                )
            )
        elif old[1] != digest:
            changed.append(
                QuestionnaireAnswer(
                    pk=old[0], questionnaire=questionnaire, key=key, digest=digest, **values
                )
            )
        else:
            result.unchanged += 1
    for sheet in new[:1] + changed[:1]:  # the rows are alike: one full check of each kind
        sheet.full_clean(exclude=["questionnaire", "district"], validate_unique=False)
    QuestionnaireAnswer.objects.bulk_create(new, batch_size=2000)
    QuestionnaireAnswer.objects.bulk_update(
        changed, ["district_id", "answers", "digest"], batch_size=2000
    )
    result.created, result.updated = len(new), len(changed)
    if user is not None and (new or changed):
        access.audit_write(
            user,
            AuditAction.UPDATE,
            questionnaire,
            changes={
                "answers": [None, f"新規 {len(new)}・更新 {len(changed)}"],
                "file": [None, note],
            },
            channel=channel,
        )


def questionnaire_answers_store(
    *,
    user: User | None,
    questionnaire: Questionnaire,
    sheets: list[tuple[str, District, dict[str, int | None]]],
    method: str = AnswerMethod.PAPER,
) -> ImportResult:
    """Store answer sheets given as data (key, district, item → code), checked as an
    import checks them; the demo builds its answers through this."""
    _require_manage(user, questionnaire)
    inst = questionnaire_instrument(questionnaire)
    allowed = {d.pk for d in body_districts(questionnaire.body)}
    prepared = []
    for key, district, sheet in sheets:
        if district.pk not in allowed:
            raise ValidationError({"district": _Districts([district]).expected()})
        _check_sheet(inst, sheet)
        prepared.append((key, _values(district.pk, sheet)))
    result = ImportResult()
    _write(user=user, questionnaire=questionnaire, sheets=prepared, method=method, result=result)
    return result


def _check_sheet(inst: Instrument, sheet: dict[str, int | None]) -> None:
    errors: dict[str, str] = {}
    for item_id, code in sheet.items():
        if item_id not in inst.item_ids:
            errors[item_id] = f"項目「{item_id}」は調査票にありません"
        elif code is not None and code not in inst.item(item_id).options:
            options = "、".join(f"{c}.{t}" for c, t in inst.item(item_id).options.items())
            errors[item_id] = f"「{code}」は選択肢にありません（{options}）"
    if errors:
        raise ValidationError(errors)


# --- tablet: one respondent at a time ------------------------------------------------------


@dataclass(frozen=True)
class TabletSaved:
    answer: QuestionnaireAnswer
    created: bool  # False: the same form sent twice (a double tap), stored once


@transaction.atomic
def questionnaire_answer_record(
    *,
    user: User,
    questionnaire: Questionnaire,
    district: District | None,
    sheet: dict[str, int | None],
    token: str,
) -> TabletSaved:
    """One respondent's answers from the tablet form. ``token`` is the form's own id: the
    same form sent twice is stored once, and a form already stored is never overwritten."""
    _require_manage(user, questionnaire)
    if not _TOKEN.fullmatch(token or ""):
        raise ValidationError({"token": "画面を読み込み直してから入力してください"})
    districts = body_districts(questionnaire.body)
    if district is None or district.pk not in {d.pk for d in districts}:
        raise ValidationError({"district": _Districts(districts).expected()})
    inst = questionnaire_instrument(questionnaire)
    _check_sheet(inst, sheet)
    if all(v is None for v in sheet.values()):
        raise ValidationError({"__all__": "どの設問にも回答がありません"})
    values = _values(district.pk, sheet)
    key = TABLET_PREFIX + token
    digest = _digest(values)
    old = QuestionnaireAnswer.objects.filter(questionnaire=questionnaire, key=key).first()
    if old is not None:
        if old.digest == digest:
            return TabletSaved(old, False)
        raise ValidationError(
            {"__all__": "この画面の回答はすでに保存しました。次の方は新しい画面で入力してください"}
        )
    answer = QuestionnaireAnswer(
        questionnaire=questionnaire,
        key=key,
        method=AnswerMethod.TABLET,
        digest=digest,
        **values,
    )
    answer.full_clean()
    answer.save()
    access.audit_write(
        user,
        AuditAction.CREATE,
        answer,
        changes={"questionnaire": [None, questionnaire.name], "method": [None, "tablet"]},
    )
    return TabletSaved(answer, True)


# --- a result as evidence for a regional issue -------------------------------------------------


@transaction.atomic
def questionnaire_evidence_add(
    *,
    user: User,
    questionnaire: Questionnaire,
    issue: RegionalIssue,
    question_id: str,
    option: str,
    district_id: int | None,
    on: dt.date,
    title: str = "",
    note: str = "",
) -> IssueEvidence:
    """Keep one result cell, as the results page shows it today, as evidence of an issue.

    The figures are computed again here (never taken from the form) with the same
    suppression: a hidden cell is refused, so evidence never publishes what the table hides.
    """

    access.require_reach(user, Cap.COUNCILS_VIEW, questionnaire, NOT_YOURS)
    if issue.municipality_id != questionnaire.body.municipality_id:
        # The same answer as an issue that does not exist: nothing is said of another's.
        raise ValidationError({"issue": "地域課題を選んでください"})
    results = questionnaire_results(user=user, questionnaire=questionnaire)
    figure = results.tally.figure(question_id, option, district_id)
    res = results.tally.result(question_id)
    if figure is None or res is None:
        raise ValidationError({"option": "その設問・選択肢・地区の結果はありません"})
    if figure.suppressed:
        raise ValidationError({"option": SUPPRESSED.format(threshold=results.tally.threshold)})
    if not figure.quotable:
        raise ValidationError({"option": "回答がないため割合がありません。根拠にできません"})
    assert figure.rate is not None and figure.ci_low is not None and figure.ci_high is not None
    question = res.question
    label = question.option_label(option)
    place = results.label(district_id)
    snapshot = {
        "questionnaire_id": questionnaire.pk,
        "questionnaire": questionnaire.name,
        "fiscal_year": questionnaire.fiscal_year,
        "body": questionnaire.body.name,
        "question_id": question.id,
        "item": question.text,
        "multiple": question.multiple,
        "option_key": option,
        "option": label,
        "district_id": district_id,
        "district": place,
        "count": figure.count,
        "n": figure.n,
        "rate": round(figure.rate, 4),
        "ci_low": round(figure.ci_low, 4),
        "ci_high": round(figure.ci_high, 4),
        "suppressed": False,
        "threshold": results.tally.threshold,
        "taken_on": on.isoformat(),
    }
    shown = f"{figure.rate * 100:.1f}%（{figure.count}/{figure.n}人）"
    title = (title or "").strip() or f"{questionnaire.name}: {place}「{label}」{shown}"
    return issue_services.issue_evidence_add(
        user=user,
        issue=issue,
        kind=EvidenceKind.QUESTIONNAIRE,
        title=title[:200],
        on=on,
        snapshot=snapshot,
        source_model="councils.questionnaire",
        source_id=questionnaire.pk,
        note=note,
    )
