"""``chiiki indicators grant``: a year's self-assessment as JSON or XLSX, and the check of
an indicator file."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from chiiki.indicators.grant import catalog, services
from tests.indicators.grant_world import FY, build_grant_world

pytestmark = pytest.mark.django_db


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("indicators", "grant", *args, stdout=out)
    return out.getvalue()


def test_the_year_comes_out_as_json_with_its_evidence_and_flags(town, other_town, personas):
    w = build_grant_world(town, other_town, personas)
    for indicator, evidence in (
        ("sc-groundwork", [("meeting", w.meeting.pk)]),
        ("diverse-services", []),
    ):
        services.grant_answer_save(
            user=personas["officer"],
            municipality=town.municipality,
            fiscal_year=FY,
            indicator_id=indicator,
            answer="yes",
            evidence=evidence,
        )
    data = json.loads(_run("--municipality", "352047", "--year", str(FY)))
    assert data["municipality"] == "352047" and data["version"] == "2018"
    assert data["flagged"] == 1
    by_id = {i["id"]: i for i in data["indicators"]}
    assert by_id["sc-groundwork"]["evidence"] == [
        {
            "kind": "meeting",
            "id": w.meeting.pk,
            "label": "北部 地域ささえあい協議体",
            "on": "2024-06-10",
        }
    ]
    assert by_id["diverse-services"]["flag"] == "根拠がありません"
    assert (
        by_id["dementia-volunteers"]["answer"] is None
        and by_id["dementia-volunteers"]["points"] is None
    )


def test_the_year_comes_out_as_xlsx(town, tmp_path):
    out = tmp_path / "grant.xlsx"
    _run("--municipality", "352047", "--year", "2024", "--format", "xlsx", "-o", str(out))
    rows = list(load_workbook(out).active.iter_rows(values_only=True))
    assert len(rows) == 2 + len(catalog.load_catalog("2018").indicators)
    assert {r[4] for r in rows[2:]} == {"未回答"}


def test_bad_years_and_municipalities_are_refused(town):
    with pytest.raises(CommandError, match="--year に 2000〜2100 の年度"):
        _run("--municipality", "352047")
    with pytest.raises(CommandError, match="市町村コード 999999 は登録されていません"):
        _run("--municipality", "999999", "--year", "2024")


def test_the_check_reads_a_file_and_names_what_is_wrong(tmp_path):
    shipped = catalog.DATA_DIR / "2018.yaml"
    data = json.loads(_run("--check", str(shipped)))
    assert data["indicators"] == [i.id for i in catalog.load_catalog("2018").indicators]
    assert data["uncertain"] == data["indicators"]
    broken = tmp_path / "2018.yaml"
    broken.write_text(shipped.read_text(encoding="utf-8").replace("    evidence:", "    proof:", 1))
    with pytest.raises(
        CommandError, match=r"2018\.yaml: 評価指標「dementia-volunteers」: 知らないキー「proof」"
    ):
        _run("--check", str(broken))
    with pytest.raises(CommandError, match="を読めません"):
        _run("--check", str(tmp_path / "none.yaml"))
