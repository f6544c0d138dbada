"""The register of regional issues as the command and the API hand it out: one record per
issue with its status (code and label), areas, tags (codes and names), owning body,
evidence count and linked resources, and the same rows as a formula-safe CSV.

The shape is a contract (tests/councils/test_command.py pins it):
``{"id", "title", "status": {"code", "label"}, "status_on", "areas": {"life_area",
"district"}, "tags": [{"code", "name"}], "body", "evidence_count", "resources":
[{"service_id", "name", "started_on"}]}``; an area or body is ``{"id", "name"}`` (areas
add ``"code"``) or null.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from typing import Any

from chiiki.core.tabular import safe_cell
from chiiki.councils.models import IssueStatus, RegionalIssue

CSV_HEADER = (
    "番号",
    "地域課題",
    "状況コード",
    "状況",
    "状況の日付",
    "日常生活圏域",
    "地区",
    "タグコード",
    "タグ",
    "担当の協議体",
    "根拠の件数",
    "地域資源の番号",
    "地域資源",
    "地域資源の開始日",
)
SEPARATOR = "|"  # between the values of one cell (tags, resources)


def _area(area: Any) -> dict[str, Any] | None:
    return None if area is None else {"id": area.pk, "code": area.code, "name": area.name}


def status_of(code: str) -> dict[str, str]:
    label = IssueStatus(code).label if code in IssueStatus.values else code
    return {"code": code, "label": str(label)}


def issue_record(
    issue: RegionalIssue, *, tags: Mapping[str, str], evidence_count: int
) -> dict[str, Any]:
    """One issue of the register (dates stay ``date``: JSON writers give ISO strings)."""
    return {
        "id": issue.pk,
        "title": issue.title,
        "status": status_of(issue.status),
        "status_on": issue.status_on,
        "areas": {"life_area": _area(issue.life_area), "district": _area(issue.district)},
        "tags": [{"code": c, "name": tags.get(c, c)} for c in issue.tags],
        "body": None if issue.body is None else {"id": issue.body.pk, "name": issue.body.name},
        "evidence_count": evidence_count,
        "resources": [
            {"service_id": r.service_id, "name": r.service.name, "started_on": r.started_on}
            for r in issue.resources.all()
        ],
    }


def _joined(values: Iterable[object]) -> str:
    return SEPARATOR.join(str(v) for v in values)


def csv_row(record: Mapping[str, Any]) -> list[object]:
    areas, body, resources = record["areas"], record["body"], record["resources"]
    cells: list[object] = [
        record["id"],
        record["title"],
        record["status"]["code"],
        record["status"]["label"],
        record["status_on"].isoformat(),
        areas["life_area"]["name"] if areas["life_area"] else "",
        areas["district"]["name"] if areas["district"] else "",
        _joined(t["code"] for t in record["tags"]),
        _joined(t["name"] for t in record["tags"]),
        body["name"] if body else "",
        record["evidence_count"],
        _joined(r["service_id"] for r in resources),
        _joined(r["name"] for r in resources),
        _joined(r["started_on"].isoformat() for r in resources),
    ]
    return [safe_cell(c) for c in cells]


def register_csv(records: Iterable[Mapping[str, Any]]) -> bytes:
    """The register as CSV in UTF-8 with a BOM (Excel opens it as UTF-8), every cell
    guarded against spreadsheet formula injection."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    writer.writerows(csv_row(r) for r in records)
    return out.getvalue().encode("utf-8-sig")
