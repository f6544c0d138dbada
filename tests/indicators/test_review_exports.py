"""Review: every text cell of a download goes through safe_cell, the grant workbook's
title line included (it starts with the municipality's name)."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from chiiki.indicators.grant import sheet
from chiiki.indicators.grant.catalog import catalog_for_year


def test_the_grant_workbooks_title_cannot_be_a_formula():
    catalog = catalog_for_year(2024)
    content = sheet.xlsx_bytes(
        catalog, sheet.rows(catalog, {}), municipality='=HYPERLINK("http://x")', fiscal_year=2024
    )
    ws = load_workbook(io.BytesIO(content)).active
    title = ws["A1"]
    assert title.data_type == "s" and str(title.value).startswith("'=")
