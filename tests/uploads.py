"""Files that break readers, made on the fly (no binary is committed).

- :func:`xlsx_bytes` writes a workbook's XML by hand, streamed into the zip: half a million
  identical rows without cell references compress to a few hundred kilobytes, the shape of
  the outside review's 437 KB workbook that held 500,000 rows;
- :func:`truncated_xlsx` cuts a real workbook's sheet in the middle of its XML;
- :func:`defects` turns a good file into one file per defect the review found.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Sequence
from xml.sax.saxutils import escape

from openpyxl import Workbook

_CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>
</Types>"""
_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>
</Relationships>"""
_WORKBOOK = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets>
</workbook>"""
_WORKBOOK_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>
</Relationships>"""
_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _column(n: int) -> str:
    letters = ""
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def xlsx_bytes(
    header: Sequence[object],
    rows: Iterable[Sequence[object]],
    *,
    count: int | None = None,
    dimension: str | None = "auto",
) -> bytes:
    """A one-sheet workbook: strings as shared strings, numbers as numbers, no cell references.

    ``count`` is the number of data rows, for the dimension (``"auto"``: A1 to the last
    column and row); ``dimension=None`` leaves the element out, as some writers do.
    """
    strings: dict[str, int] = {}

    def cell(value: object) -> str:
        if isinstance(value, int | float):
            return f"<c><v>{value}</v></c>"
        index = strings.setdefault(str(value), len(strings))
        return f'<c t="s"><v>{index}</v></c>'

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", _CONTENT_TYPES)
        zf.writestr("_rels/.rels", _RELS)
        zf.writestr("xl/workbook.xml", _WORKBOOK)
        zf.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(
                f'<?xml version="1.0" encoding="UTF-8"?>\n<worksheet xmlns="{_NS}">'.encode()
            )
            if dimension == "auto":
                dimension = f"A1:{_column(len(header))}{(count or 0) + 1}"
            if dimension:
                sheet.write(f'<dimension ref="{dimension}"/>'.encode())
            sheet.write(b"<sheetData>")
            sheet.write(("<row>" + "".join(cell(v) for v in header) + "</row>").encode())
            cache: dict[tuple[object, ...], bytes] = {}
            for row in rows:
                key = tuple(row)
                xml = cache.get(key)
                if xml is None:
                    xml = cache[key] = ("<row>" + "".join(cell(v) for v in row) + "</row>").encode()
                sheet.write(xml)
            sheet.write(b"</sheetData></worksheet>")
        items = "".join(f"<si><t>{escape(s)}</t></si>" for s in strings)
        zf.writestr(
            "xl/sharedStrings.xml",
            f'<?xml version="1.0" encoding="UTF-8"?>\n<sst xmlns="{_NS}" count="{len(strings)}" '
            f'uniqueCount="{len(strings)}">{items}</sst>',
        )
    return buf.getvalue()


def repeated_xlsx(header: Sequence[object], row: Sequence[object], n: int, **kw: object) -> bytes:
    """``n`` copies of one row: the review's 500,000-row workbook is this with n=500_000."""
    return xlsx_bytes(header, (row for _ in range(n)), count=n, **kw)  # type: ignore[arg-type]


def workbook_bytes(rows: Iterable[Sequence[object]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(list(row))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def truncated_xlsx(rows: Iterable[Sequence[object]]) -> bytes:
    """A workbook whose sheet XML stops half-way: the zip is whole, the sheet is not."""
    whole = zipfile.ZipFile(io.BytesIO(workbook_bytes(rows)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for info in whole.infolist():
            data = whole.read(info.filename)
            if info.filename.endswith("sheet1.xml"):
                data = data[: len(data) // 2]
            zf.writestr(info.filename, data)
    return out.getvalue()


def bomb_xlsx(expanded: int) -> bytes:
    """A zip whose sheet declares ``expanded`` bytes of XML (spaces compress ~1000:1)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", _CONTENT_TYPES)
        zf.writestr("_rels/.rels", _RELS)
        zf.writestr("xl/workbook.xml", _WORKBOOK)
        zf.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            block = b" " * (1 << 20)
            for _ in range(expanded >> 20):
                sheet.write(block)
    return buf.getvalue()


def _csv(lines: Iterable[Sequence[str]]) -> bytes:
    return ("\r\n".join(",".join(line) for line in lines) + "\r\n").encode("utf-8")


def defects(
    header: Sequence[str], rows: Sequence[Sequence[str]]
) -> dict[str, tuple[str, bytes, str]]:
    """One bad file per defect, from a good header and at least two good rows.

    Each value is (file name, bytes, a part of the message that must name row and column).
    """
    width = len(header)
    first = header[0]
    quoted = [list(rows[0]), ['"' + rows[1][0], *rows[1][1:]], *map(list, rows[2:])]
    return {
        # 「地区」 and 「 地区 」 are the same header once trimmed.
        "repeated_header": (
            "dup.csv",
            _csv([[*header, f" {first} "], *[[*r, ""] for r in rows]]),
            f"1行目 {width + 1}列目: 見出し「{first}」が重複しています",
        ),
        "ragged_row": (
            "ragged.csv",
            _csv([header, rows[0], [*rows[1], "余分"], *rows[2:]]),
            f"3行目 {width + 1}列目: 見出しは{width}列ですが",
        ),
        "unterminated_quote": (
            "quote.csv",
            _csv([header, *quoted]),
            '3行目 1列目: 引用符（"）で始まる値が閉じられていません',
        ),
        "truncated_xlsx": (
            "cut.xlsx",
            truncated_xlsx([header, *(rows * 200)]),
            "行目: Excel ファイルがこの行で途中で切れているか、壊れています",
        ),
    }
