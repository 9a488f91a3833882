"""Word .docx reports: paragraphs and tables in body order, every merge expanded.

python-docx opens the package and gives the core properties; the body is walked directly in its XML,
because python-docx's paragraph text drops runs inside tracked insertions, fields, smart tags and
content controls, and its body and table iteration do not look inside content controls.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any, cast

import docx
from docx.document import Document as WordDocument
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.exceptions import PackageNotFoundError
from docx.opc.parts.coreprops import CorePropertiesPart
from docx.oxml.ns import qn
from lxml import etree

from xxgk.errors import CorruptFileError, EncryptedError
from xxgk.ingest.document import Block, Document, Grid, GridCell, Paragraph, Provenance
from xxgk.ingest.reader import report_id

_P, _TBL, _TR, _TC = qn("w:p"), qn("w:tbl"), qn("w:tr"), qn("w:tc")
_SDT, _SDT_CONTENT, _CUSTOM_XML = qn("w:sdt"), qn("w:sdtContent"), qn("w:customXml")
_T, _TAB, _BR, _CR = qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr")
_VAL = qn("w:val")
_NS = {"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main"}
# Not text of the paragraph: its properties (w:pPr holds tab-stop w:tab elements), text boxes
# anchored in it, and mc:Fallback, the VML duplicate of a drawing's content.
_SKIP = frozenset(
    {
        qn("w:pPr"),
        qn("w:txbxContent"),
        "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback",
    }
)
_BLOCKS, _ROWS, _CELLS = frozenset({_P, _TBL}), frozenset({_TR}), frozenset({_TC})
# Pictures: DrawingML's blip and VML's imagedata name their image part by relationship id.
_BLIP = "{http://schemas.openxmlformats.org/drawingml/2006/main}blip"
_IMAGEDATA = "{urn:schemas-microsoft-com:vml}imagedata"
_EMBED = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}embed"
_RID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
Note = tuple[str, str]  # (code, message) for Document.warnings

# A report is a few MB unpacked; python-docx inflates every part into memory, so bombs stop here.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
# Word XML deflates about 5–30×; a large XML part far beyond that is built to explode.
BOMB_RATIO = 100
BOMB_MIN_BYTES = 1024 * 1024
# A cell this long is running text: the table frames the page rather than holding data.
LAYOUT_CELL_CHARS = 300
# Word stops at 63 columns; spans beyond these bounds come from a broken or hostile file.
MAX_COLUMNS = 1000
MAX_GRID_CELLS = 200_000

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")


def _check_package(data: bytes) -> None:
    """Refuse what is not a sane .docx before python-docx inflates it."""
    if data.startswith(_OLE_MAGIC):
        # Office wraps a password-protected .docx in an OLE file holding an EncryptedPackage stream.
        if _ENCRYPTED_STREAM in data:
            raise EncryptedError("Word file is password-protected")
        raise CorruptFileError("not a Word .docx file: it is a legacy Word .doc (OLE); rename it to .doc")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile) as exc:
        raise CorruptFileError(f"not a Word .docx file: {exc}") from exc
    total = sum(info.file_size for info in infos)
    if total > MAX_UNPACKED_BYTES:
        raise CorruptFileError(f"suspicious compressed size (zip bomb?): {total / 2**20:.0f} MB unpacked")
    for info in infos:
        if (
            info.filename.endswith((".xml", ".rels"))
            and info.file_size > BOMB_MIN_BYTES
            and info.file_size > BOMB_RATIO * max(info.compress_size, 1)
        ):
            raise CorruptFileError(
                f"suspicious compressed size (zip bomb?): {info.filename} inflates "
                f"{info.compress_size} bytes to {info.file_size}"
            )


def _open(data: bytes) -> WordDocument:
    _check_package(data)
    try:
        return docx.Document(io.BytesIO(data))
    except (KeyError, ValueError, PackageNotFoundError, zipfile.BadZipFile) as exc:
        # KeyError: a zip without [Content_Types].xml or main document; ValueError: another
        # Office format (e.g. .xlsx) under a .docx name.
        raise CorruptFileError(f"not a Word .docx file: {exc}") from exc
    except (etree.XMLSyntaxError, zlib.error, EOFError) as exc:
        raise CorruptFileError(f"damaged Word file: {exc}") from exc


def _metadata(document: WordDocument) -> dict[str, str]:
    try:
        # Asked directly: python-docx's core_properties invents a part (title "Word Document",
        # modified now) when the file has none.
        part = cast(CorePropertiesPart, document.part.package.part_related_by(RT.CORE_PROPERTIES))
    except KeyError:
        return {}
    props = part.core_properties
    metadata: dict[str, str] = {}
    for key, value in (
        ("title", props.title),
        ("author", props.author),
        ("created", props.created),
        ("modified", props.modified),
    ):
        text = value.isoformat() if isinstance(value, datetime) else (value or "").strip()
        if text:
            metadata[key] = text
    return metadata


# --- body -------------------------------------------------------------------------------------


def _children(parent: etree._Element, wanted: frozenset[str]) -> Iterator[etree._Element]:
    """Children of ``parent`` with a wanted tag, looking through content controls (w:sdt) and
    custom XML wrappers, which may enclose paragraphs, tables, rows or cells alike."""
    stack = [iter(parent)]
    while stack:
        child = next(stack[-1], None)
        if child is None:
            stack.pop()
        elif child.tag in wanted:
            yield child
        elif child.tag == _SDT:
            content = child.find(_SDT_CONTENT)
            if content is not None:
                stack.append(iter(content))
        elif child.tag == _CUSTOM_XML:
            stack.append(iter(child))


def _paragraph_text(p: etree._Element) -> str:
    parts: list[str] = []
    walker = etree.iterwalk(p, events=("start",))
    for _, el in walker:
        tag = el.tag
        if tag == _T:
            parts.append(el.text or "")
        elif tag == _TAB:
            parts.append("\t")
        elif tag in (_BR, _CR):
            parts.append("\n")
        elif tag in _SKIP:
            walker.skip_subtree()
    return "".join(parts).strip()


def _pictures(p: etree._Element) -> list[str]:
    """The relationship ids of the pictures in a paragraph, in order (a drawing's VML duplicate left out)."""
    found: list[str] = []
    walker = etree.iterwalk(p, events=("start",))
    for _, el in walker:
        if el.tag == _FALLBACK:
            walker.skip_subtree()
        elif el.tag == _BLIP and el.get(_EMBED):
            found.append(el.get(_EMBED))
        elif el.tag == _IMAGEDATA and el.get(_RID):
            found.append(el.get(_RID))
    return found


class _Pictures:
    """The document's pictures in order: read by OCR where they stand (xxgk.ingest.ocr.pictures) when
    it runs, else counted for the reader's note."""

    def __init__(self, part: Any) -> None:
        from xxgk.ingest import ocr

        self.part = part
        self.read = ocr.read_pictures()
        self.count = 0
        self.notes: list[Note] = []

    def blocks(self, rid: str) -> list[Block]:
        self.count += 1
        if not self.read:
            return []
        related = self.part.related_parts.get(rid) if self.part is not None else None
        blob = getattr(related, "blob", None)
        if not isinstance(blob, bytes):
            return []
        from xxgk.ingest.ocr.pictures import read_picture

        blocks, notes = read_picture(blob, self.count)
        self.notes.extend(notes)
        return blocks

    def warnings(self) -> list[Note]:
        from xxgk.ingest import ocr

        return self.notes if self.read else ocr.pictures_not_read(self.count)


def _property(el: etree._Element, path: str) -> etree._Element | None:
    return el.find(path, _NS)


def _int_val(el: etree._Element | None, default: int) -> int:
    value = None if el is None else el.get(_VAL)
    return int(value) if value is not None and value.strip().isdigit() else default


Slot = tuple[str, bool]  # text, merged copy


class _Table:
    """One w:tbl laid out on its grid: gridSpan repeats a cell across, vMerge down."""

    def __init__(self, tbl: etree._Element) -> None:
        self.nested: list[etree._Element] = []
        self.rows: list[dict[int, Slot]] = []
        for tr in _children(tbl, _ROWS):
            self.rows.append(self._row(tr))

    def _row(self, tr: etree._Element) -> dict[int, Slot]:
        above = self.rows[-1] if self.rows else {}
        row: dict[int, Slot] = {}
        # w:gridBefore: the row starts that many grid columns in, so its cells line up below others'.
        col = min(_int_val(_property(tr, "w:trPr/w:gridBefore"), 0), MAX_COLUMNS)
        for tc in _children(tr, _CELLS):
            span = min(max(_int_val(_property(tc, "w:tcPr/w:gridSpan"), 1), 1), MAX_COLUMNS - col)
            vmerge = _property(tc, "w:tcPr/w:vMerge")
            # vMerge without val (or "continue") continues the merge started above with "restart".
            if vmerge is not None and vmerge.get(_VAL, "continue") == "continue" and col in above:
                text, first_merged = above[col][0], True
            else:
                text, first_merged = self._cell_text(tc), False
            for offset in range(span):
                row[col + offset] = (text, first_merged or offset > 0)
            col += span
        return row

    def _cell_text(self, tc: etree._Element) -> str:
        lines = []
        for block in _children(tc, _BLOCKS):
            if block.tag == _TBL:
                self.nested.append(block)
            elif text := _paragraph_text(block):
                lines.append(text)
        return "\n".join(lines)

    def is_layout(self) -> bool:
        """A table that frames the page: a cell of running text, or one cell around other tables."""
        cells = [text for row in self.rows for text, merged in row.values() if not merged]
        if len(cells) == 1 and self.nested:
            return True
        return any(len(text) > LAYOUT_CELL_CHARS for text in cells)

    @property
    def width(self) -> int:
        return max((max(row) + 1 for row in self.rows if row), default=0)

    def grid(self, index: int) -> Grid:
        width = self.width
        return Grid(
            rows=tuple(
                tuple(
                    GridCell(text=text, prov=Provenance(table=index, row=r, col=c), merged=merged)
                    for c, (text, merged) in ((c, row.get(c, ("", False))) for c in range(width))
                )
                for r, row in enumerate(self.rows)
            ),
            prov=Provenance(table=index),
        )


def _layout_content(tbl: etree._Element) -> Iterator[etree._Element]:
    for tr in _children(tbl, _ROWS):
        for tc in _children(tr, _CELLS):
            yield from _children(tc, _BLOCKS)


def _blocks(body: etree._Element, part: Any = None) -> tuple[list[Block], list[Note]]:
    """Paragraphs and grids in document order (a nested table follows the grid that holds it; a
    picture's table read by OCR follows its paragraph's text), and warnings."""
    blocks: list[Block] = []
    warnings: list[Note] = []
    pictures = _Pictures(part)
    tables = 0
    # A stack of block iterators rather than recursion: tables nest inside cells without limit.
    stack: list[Iterator[etree._Element]] = [_children(body, _BLOCKS)]
    while stack:
        el = next(stack[-1], None)
        if el is None:
            stack.pop()
        elif el.tag == _P:
            if text := _paragraph_text(el):
                blocks.append(Paragraph(text=text, prov=Provenance()))
            for rid in _pictures(el):
                read = pictures.blocks(rid)
                tables += _number(read, tables)
                blocks.extend(read)
        else:
            table = _Table(el)
            if table.is_layout():
                stack.append(_layout_content(el))
                continue
            if table.width * len(table.rows) > MAX_GRID_CELLS:
                message = f"table skipped: {table.width}×{len(table.rows)} cells"
                warnings.append(("table-too-large", message))
            elif any(text for row in table.rows for text, _ in row.values()):
                blocks.append(table.grid(tables))
                tables += 1
            stack.append(iter(table.nested))
    return blocks, warnings + pictures.warnings()


def _number(read: list[Block], first: int) -> int:
    """Number the grids of a picture from ``first`` in place; how many there were."""
    count = 0
    for index, block in enumerate(read):
        if isinstance(block, Grid):
            read[index] = block.numbered(first + count)
            count += 1
    return count


class DocxReader:
    format = "docx"
    extensions = (".docx",)

    def accepts(self, path: Path, head: bytes) -> bool:
        return path.suffix.lower() in self.extensions

    def read(self, path: Path, data: bytes, source: str) -> Document:
        document = _open(data)
        blocks, warnings = _blocks(document.element.body, document.part)
        return Document(
            source=source,
            report_id=report_id(data),
            format="docx",
            metadata=_metadata(document),
            blocks=tuple(blocks),
            warnings=tuple(warnings),
        )


READER = DocxReader()
