"""Hostile .xlsx files, written straight as zip packages (streamed, so that a million rows or a
hundred megabytes of XML cost a second, not a minute of openpyxl)."""

from __future__ import annotations

import struct
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from xml.sax.saxutils import escape

from openpyxl.utils import get_column_letter

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
MACRO_TYPE = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
SHARED_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
EXTERNAL_LINK_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.externalLink+xml"
SHEET_PART = "xl/worksheets/sheet1.xml"
CHUNK = 1 << 20


def _content_types(main_type: str, overrides: Sequence[tuple[str, str]]) -> str:
    parts = [("/xl/workbook.xml", main_type), ("/" + SHEET_PART, _ws_type()), *overrides]
    override = "".join(f'<Override PartName="{p}" ContentType="{t}"/>' for p, t in parts)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>'
        f"{override}</Types>"
    )


def _ws_type() -> str:
    return "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"


def _workbook(extra: str = "") -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">'
        '<sheets><sheet name="Danh sách" sheetId="1" r:id="rId1"/></sheets>'
        f"{extra}</workbook>"
    )


def _workbook_rels(extra: str = "") -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG_REL_NS}">'
        f'<Relationship Id="rId1" Type="{REL_NS}/worksheet" Target="worksheets/sheet1.xml"/>'
        f"{extra}</Relationships>"
    )


ROOT_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG_REL_NS}">'
    f'<Relationship Id="rId1" Type="{REL_NS}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)


def cell(column: int, row: int, value: object) -> str:
    """One cell: numbers as numbers, text inline, "=…" as a formula with a cached 0."""
    ref = f"{get_column_letter(column)}{row}"
    if isinstance(value, Formula):
        return f'<c r="{ref}"><f>{escape(value.text)}</f><v>0</v></c>'
    if isinstance(value, Shared):
        return f'<c r="{ref}" t="s"><v>{value.index}</v></c>'
    if isinstance(value, int | float):
        return f'<c r="{ref}"><v>{value}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(str(value))}</t></is></c>'


class Shared:
    """A cell that shows shared text number `index` (one text, any number of cells)."""

    def __init__(self, index: int) -> None:
        self.index = index


class Formula:
    """A formula cell (as Excel writes it), not text that starts with "="."""

    def __init__(self, text: str) -> None:
        self.text = text


def row_xml(number: int, values: Sequence[object]) -> str:
    cells = "".join(cell(i, number, v) for i, v in enumerate(values, start=1) if v is not None)
    return f'<row r="{number}">{cells}</row>'


def sheet_xml(
    header: Sequence[str], rows: Iterable[str], *, dimension: str = "", padding: int = 0
) -> Iterator[bytes]:
    """The worksheet part in chunks: header row, `rows` (already XML), then `padding` bytes of
    blanks inside the sheet data (XML ignores them; the zip still has to inflate them)."""
    head = f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN_NS}">'
    if dimension:
        head += f'<dimension ref="{dimension}"/>'
    yield (head + "<sheetData>" + row_xml(1, header)).encode()
    batch: list[str] = []
    for row in rows:
        batch.append(row)
        if len(batch) == 10_000:
            yield "".join(batch).encode()
            batch = []
    yield "".join(batch).encode()
    blank = b" " * CHUNK
    while padding > 0:
        yield blank[: min(padding, CHUNK)]
        padding -= CHUNK
    yield b"</sheetData></worksheet>"


def package(
    path: Path,
    sheet: Iterable[bytes],
    *,
    main_type: str = SHEET_TYPE,
    parts: Sequence[tuple[str, bytes]] = (),
    overrides: Sequence[tuple[str, str]] = (),
    workbook_extra: str = "",
    rels_extra: str = "",
    shared_strings: Sequence[str] = (),
) -> Path:
    """Write an .xlsx package to `path`, streaming the worksheet part. `shared_strings` are
    the texts cells of type "s" point at by index."""
    overrides = list(overrides)
    if shared_strings:
        overrides.append(("/xl/sharedStrings.xml", SHARED_TYPE))
        rels_extra += f'<Relationship Id="rId9" Type="{REL_NS}/sharedStrings" '
        rels_extra += 'Target="sharedStrings.xml"/>'
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", _content_types(main_type, overrides))
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", _workbook(workbook_extra))
        archive.writestr("xl/_rels/workbook.xml.rels", _workbook_rels(rels_extra))
        if shared_strings:
            texts = "".join(f"<si><t>{escape(text)}</t></si>" for text in shared_strings)
            archive.writestr("xl/sharedStrings.xml", f'<sst xmlns="{MAIN_NS}">{texts}</sst>')
        with archive.open(SHEET_PART, "w") as target:
            for chunk in sheet:
                target.write(chunk)
        for name, data in parts:
            archive.writestr(name, data)
    return path


def declare_smaller(path: Path, part: str, declared: int) -> None:
    """Make the zip lie: `part` says it unpacks to `declared` bytes, in its local header and in
    the central directory (a bomb that a sum of the declared sizes does not see)."""
    data = bytearray(path.read_bytes())
    name = part.encode()
    # (signature, offset of the uncompressed size, offset of the name length, offset of the name)
    for signature, size_at, length_at, name_at in (
        (b"PK\x03\x04", 22, 26, 30),
        (b"PK\x01\x02", 24, 28, 46),
    ):
        start = data.find(signature)
        while start != -1:
            (length,) = struct.unpack_from("<H", data, start + length_at)
            if data[start + name_at : start + name_at + length] == name:
                struct.pack_into("<I", data, start + size_at, declared)
            start = data.find(signature, start + 4)
    path.write_bytes(bytes(data))
