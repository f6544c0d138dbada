"""Writes for the register of regional issues: status steps dated and signed, evidence kept
as it was shown on the day, and the resources that came of an issue."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.text import slugify

from chiiki.accounts import access
from chiiki.accounts.access import Cap
from chiiki.accounts.models import AuditAction, User
from chiiki.areas.models import District, LifeArea, Municipality
from chiiki.councils import taxonomy
from chiiki.councils.models import (
    STATUS_PATH,
    Body,
    EvidenceKind,
    IssueEvent,
    IssueEvidence,
    IssueResource,
    IssueStatus,
    IssueTag,
    RegionalIssue,
)
from chiiki.resources.models import Service


class StaleError(Exception):
    """Someone else changed the record first; nothing was changed by this call."""


def _signature(user: User | None) -> str:
    if user is None:
        return "(system)"
    return user.display_name or user.get_username()


def known_tags(municipality: Municipality) -> dict[str, str]:
    """The shipped tags and the municipality's own, code → name."""
    tags = dict(taxonomy.issue_tags().choices())
    tags.update(IssueTag.objects.filter(municipality=municipality).values_list("code", "name"))
    return tags


TAG_CODES_MAX = 400  # the stored "|a|b|" (RegionalIssue.tag_codes, Review.tag_codes)


def tag_codes(municipality: Municipality, tags: Sequence[str], *, label: str = "タグ") -> str:
    """Tags as stored, "|a|b|": each known to the municipality, each once, in the field's
    length; ``label`` names them in the refusal (タグ, 課題の種)."""
    known = known_tags(municipality)
    unknown = [t for t in tags if t not in known]
    if unknown:
        raise ValidationError({"tags": f"{label}「{'、'.join(unknown)}」は登録されていません"})
    chosen = list(dict.fromkeys(tags))
    codes = "|" + "|".join(chosen) + "|" if chosen else ""
    if len(codes) > TAG_CODES_MAX:
        raise ValidationError(
            {"tags": f"{label}が多すぎます（{len(chosen)}個）。主なものに絞ってください"}
        )
    return codes


@transaction.atomic
def issue_create(
    *,
    user: User | None,
    municipality: Municipality,
    title: str,
    description: str = "",
    tags: list[str] | None = None,
    life_area: LifeArea | None = None,
    district: District | None = None,
    body: Body | None = None,
    status_on: dt.date,
) -> RegionalIssue:
    """Register an issue as 把握 (found); the first step of its history is recorded."""
    issue = RegionalIssue(
        municipality=municipality,
        title=title,
        description=description,
        life_area=district.life_area if district is not None else life_area,
        district=district,
        body=body,
        tag_codes=tag_codes(municipality, tags or []),
        status=IssueStatus.FOUND,
        status_on=status_on,
        created_by=user,
    )
    issue.full_clean()
    if user is not None:  # None: the system (the demo)
        access.require_would_reach(
            user, Cap.ISSUES_EDIT, issue, "この地域の地域課題を登録する権限がありません"
        )
    issue.save()
    IssueEvent.objects.create(
        issue=issue,
        from_status="",
        to_status=IssueStatus.FOUND,
        on=status_on,
        reason="登録",
        user=user,
        signed_by=_signature(user),
    )
    if user is not None:
        access.audit_write(user, AuditAction.CREATE, issue, changes={"title": [None, title]})
    return issue


def _step_problem(frm: str, to: str, reason: str) -> str | None:
    """Why a status change is refused, or None. A step forward by one is always allowed; a
    skip, a step back or 見送り needs a reason."""
    if frm == to:
        return f"すでに「{IssueStatus(to).label}」です"
    if reason.strip():
        return None
    if to == IssueStatus.DEFERRED:
        return "見送りにする理由を入れてください"
    if frm == IssueStatus.DEFERRED or to not in STATUS_PATH or frm not in STATUS_PATH:
        return "見送りから戻す理由を入れてください"
    gap = STATUS_PATH.index(to) - STATUS_PATH.index(frm)
    if gap == 1:
        return None
    if gap > 1:
        skipped = "・".join(
            IssueStatus(s).label
            for s in STATUS_PATH[STATUS_PATH.index(frm) + 1 : STATUS_PATH.index(to)]
        )
        return f"「{skipped}」を飛ばして進めるには理由を入れてください"
    return "前の段階に戻す理由を入れてください"


@transaction.atomic
def issue_move(
    *,
    user: User | None,
    issue: RegionalIssue,
    to: str,
    on: dt.date,
    reason: str = "",
    version: int | None = None,
) -> RegionalIssue:
    """Move an issue to another status (把握 → 協議 → 対応決定 → 資源開発 → 解決, or 見送り);
    the step is dated and signed. ``version`` (what the editor saw) guards against
    overwriting a change made in the meantime: the second of two is told."""
    if user is not None:
        access.require_reach(user, Cap.ISSUES_EDIT, issue, "この地域課題を更新する権限がありません")
    if to not in IssueStatus.values:
        raise ValidationError({"status": "状況を選んでください"})
    problem = _step_problem(issue.status, to, reason)
    if problem:
        raise ValidationError({"reason": problem})
    if on < issue.status_on:
        raise ValidationError(
            {"on": f"日付は前の段階（{issue.status_on:%Y-%m-%d}）以後の日付にしてください"}
        )
    seen = issue.version if version is None else version
    changed = RegionalIssue.objects.filter(pk=issue.pk, version=seen, status=issue.status).update(
        status=to, status_on=on, version=F("version") + 1
    )
    if not changed:
        raise StaleError(
            "この地域課題は他の人が先に更新しました。画面を読み込み直してください（何も変更していません）"
        )
    IssueEvent.objects.create(
        issue=issue,
        from_status=issue.status,
        to_status=to,
        on=on,
        reason=reason.strip(),
        user=user,
        signed_by=_signature(user),
    )
    if user is not None:
        access.audit_write(user, AuditAction.UPDATE, issue, changes={"status": [issue.status, to]})
    issue.refresh_from_db()
    return issue


@transaction.atomic
def issue_update(
    *,
    user: User,
    issue: RegionalIssue,
    title: str,
    description: str,
    tags: list[str],
    body: Body | None,
    version: int,
) -> RegionalIssue:
    """Change what an issue says (its status changes through ``issue_move``)."""
    access.require_reach(user, Cap.ISSUES_EDIT, issue, "この地域課題を更新する権限がありません")
    codes = tag_codes(issue.municipality, tags)
    candidate = RegionalIssue(
        pk=issue.pk,
        municipality=issue.municipality,
        title=title,
        description=description,
        life_area=issue.life_area,
        district=issue.district,
        body=body,
        tag_codes=codes,
        status=issue.status,
        status_on=issue.status_on,
    )
    candidate.full_clean(exclude=["created_by"])
    changed = RegionalIssue.objects.filter(pk=issue.pk, version=version).update(
        title=title, description=description, tag_codes=codes, body=body, version=F("version") + 1
    )
    if not changed:
        raise StaleError(
            "この地域課題は他の人が先に更新しました。画面を読み込み直してください（何も変更していません）"
        )
    before = {"title": issue.title, "tags": issue.tag_codes, "body": issue.body_id}
    after = {"title": title, "tags": codes, "body": body.pk if body else None}
    changes = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
    if description != issue.description:
        changes["description"] = ["（変更前）", "（変更後）"]
    if changes:
        access.audit_write(user, AuditAction.UPDATE, issue, changes=changes)
    issue.refresh_from_db()
    return issue


@transaction.atomic
def issue_evidence_add(
    *,
    user: User | None,
    issue: RegionalIssue,
    kind: str,
    title: str,
    on: dt.date,
    snapshot: dict[str, Any] | None = None,
    source_model: str = "",
    source_id: int | None = None,
    note: str = "",
) -> IssueEvidence:
    """Attach evidence: the figure is stored as it was shown that day (``snapshot``), so the
    issue keeps its reason when the survey is rescored or the file re-imported."""
    if user is not None:
        access.require_reach(user, Cap.ISSUES_EDIT, issue, "この地域課題を更新する権限がありません")
    if kind not in EvidenceKind.values:
        raise ValidationError({"kind": "根拠の種類を選んでください"})
    evidence = IssueEvidence(
        issue=issue,
        kind=kind,
        title=title,
        snapshot=snapshot or {},
        source_model=source_model,
        source_id=source_id,
        note=note,
        added_on=on,
        added_by=user,
    )
    evidence.full_clean(exclude=["added_by"])
    evidence.save()
    return evidence


@transaction.atomic
def issue_resource_link(
    *,
    user: User | None,
    issue: RegionalIssue,
    service: Service,
    started_on: dt.date,
    note: str = "",
) -> IssueResource:
    """Record that a directory service came of the issue, from its start date."""
    if user is not None:
        access.require_reach(user, Cap.ISSUES_EDIT, issue, "この地域課題を更新する権限がありません")
    if service.municipality_id != issue.municipality_id:
        # The same answer as a service that does not exist: nothing is said of another's.
        raise ValidationError({"service": "地域資源を選んでください"})
    link, _ = IssueResource.objects.update_or_create(
        issue=issue, service=service, defaults={"started_on": started_on, "note": note}
    )
    link.full_clean()
    if user is not None:
        access.audit_write(
            user, AuditAction.UPDATE, issue, changes={"resource": [None, service.name]}
        )
    return link


@transaction.atomic
def issue_tag_create(
    *, user: User | None, municipality: Municipality, name: str, code: str = ""
) -> IssueTag:
    """A tag of the municipality's own, beside the shipped vocabulary."""
    if user is not None:
        access.require_reach(user, Cap.ISSUES_EDIT, municipality, "タグを追加する権限がありません")
    code = code or slugify(name, allow_unicode=False) or f"local-{IssueTag.objects.count() + 1}"
    if code in known_tags(municipality):
        raise ValidationError({"code": f"タグのコード「{code}」はすでにあります"})
    tag = IssueTag(municipality=municipality, code=code, name=name)
    tag.full_clean()
    tag.save()
    return tag
