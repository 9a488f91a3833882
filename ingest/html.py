"""HTML reports (.html, .htm, .shtml, .xhtml): decoding, cleanup and blocks in reading order.

Pages come from government CMSs, which wrap the article in navigation and layout tables, and from
Word's "save as web page", which splits every label across <span>/<font> runs. The reader keeps the
article text as paragraphs and every data table as a fully expanded grid.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote

from lxml import etree

from xxgk.errors import CorruptFileError, NotTextError
from xxgk.ingest.document import Block, Document, Grid, GridCell, Paragraph, Provenance
from xxgk.ingest.reader import report_id

Note = tuple[str, str]  # (code, message) for Document.warnings
Emit = Callable[[str, int | None], None]

# --- decoding ---------------------------------------------------------------------------------

_META_CHARSET = re.compile(rb"<meta\b[^>]*?charset\s*=\s*[\"']?\s*([a-z0-9_.:\-]+)", re.I)
_XML_ENCODING = re.compile(rb"^\s*<\?xml\b[^>]*?encoding\s*=\s*[\"']([a-z0-9_.:\-]+)", re.I)
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_ALIASES = {"x-gbk": "gbk"}
# GB2312 and GBK pages routinely hold characters only GB18030 (their superset) defines.
_WIDEN = {"gb2312": "gb18030", "gbk": "gb18030"}
# Declarations that cannot be right for a Chinese report: template defaults (latin-1) and UTF-16/32
# in a byte stream that is plainly ASCII-compatible. Sniffing does better than believing them.
_IGNORED = frozenset(
    "ascii iso8859-1 cp1252 utf-16 utf-16-le utf-16-be utf-32 utf-32-le utf-32-be".split()
)


def _declared(head: bytes) -> str | None:
    """The codec a page declares in its first 4 KB (XML declaration or <meta>), if usable."""
    match = _XML_ENCODING.search(head) or _META_CHARSET.search(head)
    if match is None:
        return None
    name = match.group(1).decode("ascii").lower()
    try:
        codec = codecs.lookup(_ALIASES.get(name, name)).name
    except LookupError:
        return None
    return None if codec in _IGNORED else codec


def decode(data: bytes) -> tuple[str, str, list[Note]]:
    """Return (text, encoding to record, notes). Raises NotTextError for binary data.

    The recorded name is the declared one (gb2312 stays gb2312) even though GB pages are decoded
    as GB18030.
    """
    declared = None
    bom = next((name for mark, name in _BOMS if data.startswith(mark)), None)
    if bom is not None:
        candidates = [bom]
    else:
        if b"\x00" in data[:8192]:
            raise NotTextError("file holds binary data (NUL bytes), not HTML")
        declared = _declared(data[:4096])
        candidates = [declared] if declared else []
        candidates += [name for name in ("utf-8", "gb18030") if name != declared]
    for name in candidates:
        try:
            text = data.decode(_WIDEN.get(name, name))
        except UnicodeDecodeError:
            continue
        if declared in (None, name):
            return text, name, []
        return text, name, [("charset", f"page declares {declared} but is {name}")]
    # Damaged bytes: keep the reading that loses the fewest characters.
    readings = {name: data.decode(_WIDEN.get(name, name), errors="replace") for name in candidates}
    name = min(readings, key=lambda name: readings[name].count("\ufffd"))
    return readings[name], name, [("charset", f"bytes invalid in {name} replaced")]


# --- parsing and cleanup ----------------------------------------------------------------------

# libxml2 stops at 2048 levels even with huge_tree and silently drops the rest of the page; these are
# the tags that pile up in broken markup, so flattening them (blocks to line breaks) keeps the text.
_NESTING_BLOCKS = re.compile(r"</?(?:div|section|article|center|blockquote)\b[^>]*>", re.I)
_NESTING_INLINES = re.compile(r"</?(?:span|font|b|i|u|em|strong|a|o:p)\b[^>]*>", re.I)


def _parse_once(text: str) -> tuple[etree._Element | None, bool]:
    # The text is already decoded: libxml2 gets UTF-8 with that encoding forced, so it ignores
    # whatever charset the page declares. (lxml.etree's parser rather than lxml.html's, whose
    # Python-level element class lookup costs a third of the read time.)
    parser = etree.HTMLParser(
        encoding="utf-8", remove_comments=True, remove_pis=True, huge_tree=True, no_network=True
    )
    try:
        root = etree.fromstring(text.encode("utf-8"), parser)
    except etree.XMLSyntaxError as exc:
        raise CorruptFileError(f"cannot parse HTML: {exc}") from exc
    too_deep = any(e.type == etree.ErrorTypes.ERR_RESOURCE_LIMIT for e in parser.error_log)
    return root, too_deep


def _parse(text: str) -> tuple[etree._Element | None, list[Note]]:
    root, too_deep = _parse_once(text)
    if not too_deep:
        return root, []
    flat = _NESTING_INLINES.sub("", _NESTING_BLOCKS.sub("<br>", text))
    root, too_deep = _parse_once(flat)
    message = "markup nested too deep; read with <div>/<span> nesting flattened"
    if too_deep:
        message += ", and text past the limit is lost"
    return root, [("html-depth", message)]


_DROP_TAGS = frozenset(
    "head script style noscript template iframe frame frameset object embed svg select nav footer".split()
)
_NAV_PARTS = frozenset("nav navbar navigation menu menubar breadcrumb breadcrumbs crumbs footer".split())
_NAV_CONTAINERS = frozenset("div section aside ul ol dl table form".split())
_TOKEN_SPLIT = re.compile(r"[-_]")
# A navigation block is short; a container this large that is labelled "nav" wraps the article.
_NAV_MAX_CHARS = 1000


def _is_navigation(el: etree._Element) -> bool:
    tokens = (el.get("class") or "").split() + (el.get("id") or "").split()
    for token in tokens:
        token = token.lower()
        if token == "header" or not _NAV_PARTS.isdisjoint(_TOKEN_SPLIT.split(token)):
            return len("".join("".join(el.itertext()).split())) <= _NAV_MAX_CHARS
    return False


def _clean(root: etree._Element) -> None:
    """Remove scripts, styles, embedded frames and page navigation, keeping the text around them."""
    doomed = []
    walker = etree.iterwalk(root, events=("start",))
    for _, el in walker:
        tag = el.tag
        if (
            tag in _DROP_TAGS
            # an <article>'s own <header> holds its title; the page's <header> is site chrome
            or (tag == "header" and not any(a.tag in ("article", "main") for a in el.iterancestors()))
            or (tag in _NAV_CONTAINERS and _is_navigation(el))
        ):
            doomed.append(el)
            walker.skip_subtree()
    for el in doomed:
        _drop(el)


def _drop(el: etree._Element) -> None:
    """Remove an element with its subtree but keep the text that follows it."""
    parent = el.getparent()
    if parent is None:
        return
    if el.tail:
        previous = el.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


_PUBLISHED_NAMES = frozenset({"pubdate", "publishdate", "firstpublishedtime"})


def _metadata(root: etree._Element) -> dict[str, str]:
    metadata: dict[str, str] = {}
    title = root.find("head/title")
    if title is not None and (text := _normalize("".join(title.itertext()))):
        metadata["title"] = text
    for meta in root.iterfind("head/meta"):
        name = (meta.get("name") or "").lower()
        content = (meta.get("content") or "").strip()
        if name in _PUBLISHED_NAMES and content and "published" not in metadata:
            metadata["published"] = content
    return metadata


# --- text -------------------------------------------------------------------------------------

_BLOCK_TAGS = frozenset(
    """address article aside blockquote br caption center dd details dialog div dl dt fieldset
    figcaption figure form h1 h2 h3 h4 h5 h6 hr li main ol p pre section summary table tbody thead
    tfoot tr td th ul""".split()
)
_SPACE = re.compile(r"[ \t\n\r\f\v\xa0]+")
# Marks a paragraph edge inside a cell (see _cell_text): a Unicode noncharacter, meant for internal
# use and valid in XML; read() removes any from the page, so it cannot come from the source.
_BREAK = "\ufdd0"
_STRING = etree.XPath("string()", smart_strings=False)
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff" + _BREAK))


def _is_wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F")


def _space(match: re.Match[str]) -> str:
    # Browsers show a line break in the source as a space, except (CSS Text 3) between two CJK
    # characters, where it is dropped: "商业\n    企业" reads 商业企业.
    run, text = match.group(), match.string
    start, end = match.start(), match.end()
    if ("\n" in run or "\r" in run) and 0 < start and end < len(text):
        if _is_wide(text[start - 1]) and _is_wide(text[end]):
            return ""
    return " "


def _normalize(text: str) -> str:
    return _SPACE.sub(_space, text.translate(_INVISIBLE)).strip()


class _Paragraphs:
    """Gathers inline text and hands it on one paragraph at a time."""

    def __init__(self, emit: Emit) -> None:
        self.emit = emit
        self.parts: list[str] = []
        self.line: int | None = None
        self.pre = 0  # depth of open <pre>: there, line breaks are paragraph breaks

    def add(self, text: str, line: int | None) -> None:
        if not self.parts:
            if text.isspace():
                return  # indentation between tags; most flushes then have nothing to do
            self.line = line
        self.parts.append(text)

    def flush(self) -> None:
        if not self.parts:
            return
        raw, line = "".join(self.parts), self.line
        self.parts, self.line = [], None
        if not self.pre:
            if text := _normalize(raw):
                self.emit(text, line)
            return
        for offset, piece in enumerate(raw.splitlines()):
            if text := piece.translate(_INVISIBLE).strip():
                self.emit(text, None if line is None else line + offset)


def _walk(
    root: etree._Element,
    emit: Emit,
    on_table: Callable[[etree._Element], bool] | None = None,
    on_image: Callable[[etree._Element], None] | None = None,
) -> None:
    """Feed the text under ``root`` to ``emit``, one call per paragraph, in document order.

    ``on_table`` sees each <table> first and returns True when it took the table whole; ``on_image``
    sees each <img> where it stands. The walk is lxml's iterative one, so markup nested thousands
    deep cannot overflow the Python stack.
    """
    paragraphs = _Paragraphs(emit)
    walker = etree.iterwalk(root, events=("start", "end"))
    for event, el in walker:
        tag = el.tag
        if event == "start":
            if tag in _BLOCK_TAGS:
                paragraphs.flush()
            if tag == "table" and on_table is not None and on_table(el):
                walker.skip_subtree()
                continue
            if tag == "img" and on_image is not None:
                paragraphs.flush()
                on_image(el)
            if tag == "pre":
                paragraphs.pre += 1
            if el.text:
                paragraphs.add(el.text, el.sourceline)
        else:
            if tag in _BLOCK_TAGS:
                paragraphs.flush()
            if tag == "pre":
                paragraphs.pre -= 1
            if el.tail and el is not root:
                paragraphs.add(el.tail, el.sourceline)
    paragraphs.flush()


def _cell_text(cell: etree._Element) -> str:
    """The cell's paragraphs joined with newlines.

    Cells are most of a report page and each holds many <span>s, so rather than walking them all,
    the edges of the few block elements are marked in the tree and the text is read in one call.
    """
    # (iterdescendants() filtered here is 3× faster than asking lxml to match forty tag names)
    blocks = [el for el in cell.iterdescendants() if el.tag in _BLOCK_TAGS]
    if any(el.tag == "pre" for el in blocks):
        lines: list[str] = []
        _walk(cell, lambda text, line: lines.append(text))
        return "\n".join(lines)
    for el in blocks:
        el.text = _BREAK + (el.text or "")
        el.tail = _BREAK + (el.tail or "")
    pieces = (piece for piece in _STRING(cell).split(_BREAK) if piece and not piece.isspace())
    return "\n".join(filter(None, map(_normalize, pieces)))


# --- tables -----------------------------------------------------------------------------------

# A cell this long is running text: the table lays out the page rather than holding data.
LAYOUT_CELL_CHARS = 300
# HTML caps colspan at 1000; a grid beyond these is an attack or a broken page, not a report.
MAX_COLUMNS = 1000
MAX_GRID_CELLS = 200_000
_DIGITS = re.compile(r"\s*(\d+)")
_ROW_GROUPS = frozenset({"thead", "tbody", "tfoot"})


def _span(value: str | None) -> int | None:
    if value is None:
        return None
    match = _DIGITS.match(value)
    return int(match.group(1)) if match else None


def _rows(table: etree._Element) -> list[list[etree._Element]]:
    """The table's own rows of td/th cells (not those of tables nested inside)."""
    trs: list[etree._Element] = []
    for child in table:
        if child.tag in _ROW_GROUPS:
            trs.extend(tr for tr in child if tr.tag == "tr")
        elif child.tag == "tr":
            trs.append(child)
    return [[cell for cell in tr if cell.tag in ("td", "th")] for tr in trs]


Slot = tuple[str, int | None, bool]  # text, source line, merged copy


def _place(rows: list[list[tuple[etree._Element, str]]]) -> list[dict[int, Slot]]:
    """Lay the cells out on the grid the way a browser does, repeating spanned cells."""
    slots: list[dict[int, Slot]] = [{} for _ in rows]
    for r, row in enumerate(rows):
        col = 0
        for cell, text in row:
            while col in slots[r]:
                col += 1
            colspan = min(max(_span(cell.get("colspan")) or 1, 1), max(MAX_COLUMNS - col, 0))
            rowspan = _span(cell.get("rowspan"))
            # rowspan="0" spans to the end of the table
            rowspan = len(rows) - r if rowspan == 0 else min(rowspan or 1, len(rows) - r)
            for dr in range(rowspan):
                target = slots[r + dr]
                for dc in range(colspan):
                    # Overlapping spans are a page error; the cell placed first keeps the slot.
                    target.setdefault(col + dc, (text, cell.sourceline, bool(dr or dc)))
            col += colspan
    return [row for row in slots if row]  # rows that are nothing but <tr></tr> hold no cells


def _read(root: etree._Element, base: Path | None) -> tuple[list[Block], list[Note]]:
    blocks: list[Block] = []
    warnings: list[Note] = []
    tables = 0
    pictures = _Pictures(base)

    def emit(text: str, line: int | None) -> None:
        blocks.append(Paragraph(text=text, prov=Provenance(line=line)))

    def on_table(table: etree._Element) -> bool:
        nonlocal tables
        if next(table.iterdescendants("table"), None) is not None:
            return False  # a layout table: its contents are read in place
        rows = [[(cell, _cell_text(cell)) for cell in row] for row in _rows(table)]
        if any(len(text) > LAYOUT_CELL_CHARS for row in rows for _, text in row):
            return False
        for caption in table.iterchildren("caption"):
            _walk(caption, emit)
        slots = _place(rows)
        width = max((max(row) + 1 for row in slots), default=0)
        if not any(text for row in slots for text, _, _ in row.values()):
            return True  # spacer or empty table: nothing to read
        if width * len(slots) > MAX_GRID_CELLS:
            message = f"table at line {table.sourceline} skipped: {width}×{len(slots)} cells"
            warnings.append(("table-too-large", message))
            return True
        index, tables = tables, tables + 1
        grid_rows = tuple(
            tuple(
                GridCell(
                    text=text,
                    prov=Provenance(line=line, table=index, row=r, col=c),
                    merged=merged,
                )
                for c, (text, line, merged) in ((c, row.get(c, ("", None, False))) for c in range(width))
            )
            for r, row in enumerate(slots)
        )
        blocks.append(Grid(rows=grid_rows, prov=Provenance(line=table.sourceline, table=index)))
        return True

    def on_image(img: etree._Element) -> None:
        nonlocal tables
        for block in pictures.blocks(img.get("src") or ""):
            if isinstance(block, Grid):
                block, tables = block.numbered(tables), tables + 1
            blocks.append(block)

    _walk(root, emit, on_table, on_image)
    return blocks, warnings + pictures.warnings()


# --- pictures ---------------------------------------------------------------------------------

_SCHEME = re.compile(r"^[a-z][a-z0-9+.\-]*:", re.I)
_DATA_URI = re.compile(r"^data:image/[a-z0-9.+\-]+;base64,", re.I)
# Larger picture files are not read (a report's table image is well under a megabyte).
MAX_PICTURE_BYTES = 20 * 1024 * 1024


class _Pictures:
    """The page's pictures in order, read by OCR where they stand (xxgk.ingest.ocr.pictures) when it
    runs: a data: URI, or a file beside the page (``base``, its folder) — never fetched from a network."""

    def __init__(self, base: Path | None) -> None:
        from xxgk.ingest import ocr

        self.base = base
        self.read = ocr.read_pictures()
        self.count = 0
        self.notes: list[Note] = []

    def blocks(self, src: str) -> list[Block]:
        data = self._data(src.strip())
        if data is None:
            return []
        self.count += 1
        if not self.read:
            return []
        from xxgk.ingest.ocr.pictures import read_picture

        blocks, notes = read_picture(data, self.count)
        self.notes.extend(notes)
        return blocks

    def _data(self, src: str) -> bytes | None:
        if _DATA_URI.match(src):
            try:
                return base64.b64decode(src.split(",", 1)[1], validate=False)
            except (binascii.Error, ValueError):
                return None
        if not src or self.base is None or _SCHEME.match(src) or src.startswith(("/", "\\")):
            return None  # a network address, or a path from a site's root: not on this machine
        # Only files under the page's own folder: a hostile page must not have other files read.
        folder = self.base.resolve()
        path = (folder / unquote(src.split("#", 1)[0].split("?", 1)[0])).resolve()
        if not path.is_relative_to(folder) or not path.is_file() or path.stat().st_size > MAX_PICTURE_BYTES:
            return None
        return path.read_bytes()

    def warnings(self) -> list[Note]:
        from xxgk.ingest import ocr

        return self.notes if self.read else ocr.pictures_not_read(self.count)


# --- reader -----------------------------------------------------------------------------------

# After an optional XML declaration and comments (such as IE's "saved from url").
_HTML_START = re.compile(
    rb"\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)\b", re.I | re.S
)


class HtmlReader:
    format = "html"
    extensions = (".html", ".htm", ".shtml", ".xhtml")

    def accepts(self, path: Path, head: bytes) -> bool:
        if path.suffix.lower() in self.extensions:
            return True
        bom = next((name for mark, name in _BOMS if head.startswith(mark)), None)
        if bom is not None:
            head = head.decode(bom, errors="ignore").encode("utf-8")
        return _HTML_START.match(head) is not None

    def read(self, path: Path, data: bytes, source: str) -> Document:
        text, encoding, warnings = decode(data)
        return from_text(
            text, source=source, report_id=report_id(data), encoding=encoding, warnings=warnings, base=path.parent
        )


def from_text(
    text: str, *, source: str, report_id: str, encoding: str | None, warnings: list[Note] | None = None,
    base: Path | None = None,
) -> Document:
    """The Document of an HTML page already decoded to ``text`` (also for HTML found inside other files:
    ingest/embedded.py). ``warnings`` are the decoding's notes, listed first; ``base`` the folder its
    pictures' relative addresses start from."""
    text = text.replace(_BREAK, "")
    root, parse_warnings = _parse(text)
    metadata: dict[str, str] = {}
    blocks: list[Block] = []
    table_warnings: list[Note] = []
    if root is not None:
        metadata = _metadata(root)
        _clean(root)
        blocks, table_warnings = _read(root, base)
    return Document(
        source=source,
        report_id=report_id,
        format="html",
        encoding=encoding,
        metadata=metadata,
        blocks=tuple(blocks),
        warnings=tuple((warnings or []) + parse_warnings + table_warnings),
    )


READER = HtmlReader()
