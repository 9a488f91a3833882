"""PDF reports (.pdf): text lines as paragraphs, ruled tables as grids stitched across pages.

PDFium (pypdfium2, which pdfplumber already depends on) reads every page once: the paragraphs, the
metadata and the hints that decide where tables can be. On the pages that show table signals or
continue a table from the page before, its characters and path objects (ingest/pdfium_page.py) go
through pdfplumber's own ruled-table finder. pdfplumber itself (pdfminer) reads a page PDFium cannot
vouch for (rotated pages, forms, colours near white…) and is the reference engine
(``PdfReader("pdfplumber")``): tests/test_pdf_engines.py holds both to identical output. Pages without
a text layer go to OCR when the extra is installed (xxgk.ingest.ocr). Both engines measure in PDF
points from the top-left corner of the page as displayed, so lines inside a table are known.

Readers never know what a report is; the signal words below are only a cheap hint of where ruled
tables may be, never a condition on what a table holds.
"""

from __future__ import annotations

import ctypes
import io
import re
import struct
import threading
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta, timezone
from operator import itemgetter, sub
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, cast

import pdfplumber
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pdfminer.pdfdocument import PDFEncryptionError
from pdfminer.pdftypes import resolve1
from pdfplumber.page import Page as PlumberPage
from pdfplumber.pdf import PDF
from pdfplumber.table import CellGroup, Table, TableFinder, TableSettings, cells_to_tables, edges_to_intersections
from pdfplumber.utils.exceptions import MalformedPDFException, PdfminerException
from pdfplumber.utils.geometry import curve_to_edges, line_to_edge, rect_to_edges
from pdfplumber.utils.text import LIGATURES, dedupe_chars, extract_text

from xxgk.errors import CorruptFileError, EncryptedError, IngestError, NeedsOcrError
from xxgk.ingest.document import Block, Document, Grid, Paragraph, Provenance
from xxgk.ingest.pdfium_page import (
    BOUNDS,
    DRAW_MODE,
    FILL_COLOUR,
    GET_OBJECT,
    GET_TYPE,
    STROKE_COLOUR,
    PageObjects,
    is_visible,
    read_page,
    unchecked,
)
from xxgk.ingest.reader import report_id

if TYPE_CHECKING:  # imported when a page needs OCR: the extra is optional
    from xxgk.ingest.ocr.pdfpages import OcrPages

BBox = tuple[float, float, float, float]  # x0, top, x1, bottom
Note = tuple[str, str]  # (code, message) for Document.warnings


# Words that only the statistics tables of these reports (or the sentences around them) contain.
TABLE_SIGNALS = ("信息内容", "第二十条", "申请人情况", "本年新收", "自然人", "行政复议", "结果维持", "予以公开", "总计", "勾稽")
# A page continuing a table from the page before needs ruling lines of its own to hold rows.
MIN_CONTINUATION_RULINGS = 8
# Page numbers and running heads live in this share of the page height at the top and bottom;
# text there does not separate a table from the page edge.
MARGIN_BAND = 0.1
# An image at least this wide and high (points) on a page whose text layer reads may be a table
# pasted as a picture: OCR reads it when no text of the page lies on it.
MIN_TABLE_IMAGE = (150.0, 40.0)
# Cell borders drawn by word processors land within a point or two of each other.
X_TOLERANCE = 4.0
# Word and WPS pad a table cell by 0.19 cm (5.4 points) a side; the gap before a cell's text is its
# padding up to this, the rest is indentation or centring.
MAX_CELL_PADDING = 6.0
# A line wraps when the next character does not fit; glyph boxes and justification leave this much
# (in character widths) of slack.
WRAP_SLACK = 0.25
# Characters a line must not start with (closing punctuation): the character before them wraps too,
# so a line that ran on may end up to two characters short.
_NO_LINE_START = frozenset("，。、；：？！）》」』】〕”’,.;:?!)]%")
TABLE_SETTINGS: dict[str, Any] = {
    "vertical_strategy": "lines",
    "horizontal_strategy": "lines",
    "snap_tolerance": 3,
    "join_tolerance": 3,
    "edge_min_length": 3,
    "intersection_tolerance": 3,
}
ENCRYPTED_MESSAGE = "PDF is encrypted; decrypt it first (qpdf --decrypt --password=PASSWORD in.pdf out.pdf)"

# PDFium keeps global state and is not thread-safe; a batch may run readers in threads.
_PDFIUM_LOCK = threading.Lock()

# --- text cleanup -----------------------------------------------------------------------------

_SPACES = re.compile(r"\s+")
_NUMBER_LINE = re.compile(r"[\d.,，]+")
_NUMERIC = re.compile(r"[\s\d.,，+\-−%‰]*")
# How a row label opens a new item: （四）, (4), 4., 4、, 四、, 第…
_LIST_MARKER = re.compile(r"\s*(?:[（(【\[]|[0-9０-９]+\s*[.、．,，)）]|[一二三四五六七八九十]+\s*[、.．]|第)")


# Some fonts map ideographs to their look-alike Kangxi radicals or compatibility forms (⼀ for 一,
# ⽇ for 日); NFKC gives the ordinary character. Punctuation keeps its published width.
_LOOKALIKES = {
    code: unicodedata.normalize("NFKC", chr(code))
    for start, end in ((0x2E80, 0x2FDF), (0xF900, 0xFAFF))
    for code in range(start, end + 1)
    if unicodedata.normalize("NFKC", chr(code)) != chr(code)
}


def _is_wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F")


def _is_latin(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def _drop_wide_spaces(match: re.Match[str]) -> str:
    # Justified CJK text is spread with gaps the extractor turns into spaces; between two CJK
    # characters a space is never meant ("商业 企业", "总 计").
    text, start, end = match.string, match.start(), match.end()
    if 0 < start and end < len(text) and _is_wide(text[start - 1]) and _is_wide(text[end]):
        return ""
    return " "


def tidy(text: str) -> str:
    """One line of text: whitespace runs become one space, none between CJK characters."""
    return _SPACES.sub(_drop_wide_spaces, text).strip()


def clean_cell(text: str | None) -> str:
    """Join the lines of a cell: stacked labels (三/、/本/年…) and wrapped labels and numbers."""
    lines = [line for line in (tidy(part) for part in (text or "").translate(_LOOKALIKES).splitlines()) if line]
    if len(lines) >= 3 and all(len(line) <= 2 for line in lines):
        return tidy("".join(lines))
    if all(_NUMBER_LINE.fullmatch(line) for line in lines):
        # A long number wrapped in a narrow column.
        return "".join(lines)
    joined = lines[0] if lines else ""
    for line in lines[1:]:
        joined += (" " if _is_latin(joined[-1]) and _is_latin(line[0]) else "") + line
    return tidy(joined)


def _is_numeric(text: str) -> bool:
    return _NUMERIC.fullmatch(text) is not None


# --- PDFium pass: text lines and page hints ---------------------------------------------------


class _Char(NamedTuple):  # a tuple: thousands are made per page
    text: str
    x0: float
    top: float
    x1: float
    bottom: float


@dataclass(frozen=True)
class _Line:
    text: str
    bbox: BBox

    @property
    def top(self) -> float:
        return self.bbox[1]

    def centre_in(self, box: BBox) -> bool:
        x, y = (self.bbox[0] + self.bbox[2]) / 2, (self.bbox[1] + self.bbox[3]) / 2
        return box[0] - 1 <= x <= box[2] + 1 and box[1] - 1 <= y <= box[3] + 1


@dataclass(frozen=True)
class _PageScan:
    number: int  # 1-based
    height: float
    lines: tuple[_Line, ...]
    has_chars: bool
    has_pictures: bool  # images or form XObjects: what a scan is made of
    rulings: int  # visible paths (and forms, which may hold them): what ruled tables are drawn with
    complete: bool  # PDFium read every text object; otherwise pdfplumber reads the page again
    images: tuple[BBox, ...] = ()  # the boxes of its images large enough to hold a table

    def has_table_signal(self) -> bool:
        text = "".join(line.text for line in self.lines).replace(" ", "")
        return any(word in text for word in TABLE_SIGNALS)


Transform = Callable[[float, float], tuple[float, float]]


def _to_top_left(rotation: int, mediabox: tuple[float, float, float, float]) -> Transform:
    """Map PDF user space (origin bottom-left) to the displayed page (origin top-left) exactly as
    pdfplumber does, offsets of a shifted MediaBox included, so paragraph and cell boxes compare."""
    left, bottom, right, top = mediabox
    if rotation == 90:
        return lambda x, y: (y - bottom, x - left)
    if rotation == 180:
        return lambda x, y: (right - x, y - bottom)
    if rotation == 270:
        return lambda x, y: (top - y, right - x)
    return lambda x, y: (x, top - bottom - y)


def _page_chars(textpage: pdfium.PdfTextPage, transform: Transform | None, height: float) -> list[_Char]:
    """The page's characters from the top-left of the page as displayed: by `transform`, or for an
    upright page (None; its y from the top of a page `height` high, what _to_top_left gives)."""
    raw = textpage.raw
    box = pdfium_c.FS_RECTF()
    box_ref = ctypes.byref(box)
    unicode_of, is_generated, loose_box, new_char = _UNICODE, _IS_GENERATED, _LOOSE_BOX, _new_tuple  # once per character
    read_box = _FOUR_FLOATS.unpack  # FS_RECTF: left, top, right, bottom
    chars: list[_Char] = []
    for index in range(pdfium_c.FPDFText_CountChars(raw)):
        code = unicode_of(raw, index)
        if code < 32 or code in (0xFFFE, 0xFFFF):
            continue
        # Generated characters are PDFium's own guesses at spaces and line breaks (so only a space
        # may be one here); lines are rebuilt from positions instead.
        if code == 32 and is_generated(raw, index) != 0:
            continue
        # Loose boxes span the font's ascent and descent, so every glyph of a line shares them.
        if not loose_box(raw, index, box_ref):
            continue
        left, top, right, bottom = read_box(box)
        if transform is None:  # an upright page: x as it is, y down from the top
            x0, y0, x1, y1 = left, height - top, right, height - bottom
        else:
            x0, y0 = transform(left, top)
            x1, y1 = transform(right, bottom)
        # min() and max() of each pair, as they answer (the first of two equal values, or a NaN
        # first), without their calls: most boxes come in order.
        if x1 < x0:
            x0, x1 = x1, x0
        elif not x0 < x1:
            x1 = x0
        if y1 < y0:
            y0, y1 = y1, y0
        elif not y0 < y1:
            y1 = y0
        chars.append(new_char(_Char, (chr(code), x0, y0, x1, y1)))
    return chars


_FOUR_FLOATS = struct.Struct("=4f")  # the fields of a ctypes structure of four floats, in one call
_new_tuple = tuple.__new__  # a _Char without the Python frame of its __new__ (thousands a page)


_UNICODE = unchecked(pdfium_c.FPDFText_GetUnicode)
_IS_GENERATED = unchecked(pdfium_c.FPDFText_IsGenerated)
_LOOSE_BOX = unchecked(pdfium_c.FPDFText_GetLooseCharBox)


def _group_lines(chars: list[_Char]) -> list[_Line]:
    """Chars that share a band of height become one line, read left to right."""
    rows: list[list[_Char]] = []
    band = (0.0, -1.0)
    keys = [c.top + c.bottom for c in chars]  # twice the middle of each char's height
    for index in sorted(range(len(chars)), key=keys.__getitem__):
        char = chars[index]
        middle = keys[index] / 2
        if rows and band[0] <= middle <= band[1]:
            rows[-1].append(char)
        else:
            rows.append([char])
            band = (char.top, char.bottom)
    lines = (_line(sorted(row, key=_LEFT)) for row in rows)
    return [line for line in lines if line.text]


_LEFT = itemgetter(1)  # _Char.x0


def _line(chars: list[_Char]) -> _Line:
    # Spaces come from the gaps, not from space characters: justified CJK text is spread without
    # them, and typed spaces only repeat what the gap shows. A gap of a full character width
    # separates even CJK text (columns of an unruled table).
    ink = [c for c in chars if not c.text.isspace()]
    if not ink:
        return _Line("", (0.0, 0.0, 0.0, 0.0))
    texts, lefts, tops, rights, bottoms = zip(*ink)
    height = max(map(sub, bottoms, tops)) or 1.0
    narrow_gap = height / 5
    parts = [texts[0]]
    before, before_x0, before_x1 = texts[0], lefts[0], rights[0]  # the last char kept
    for text, x0, x1 in zip(texts[1:], lefts[1:], rights[1:]):
        if text == before and x0 - before_x0 < (before_x1 - before_x0) / 2:
            continue  # fake bold: the same glyph painted again a hair to the right
        gap = x0 - before_x1
        if gap > height or (gap > narrow_gap and not (_is_wide(text) or _is_wide(before))):
            parts.append(" ")
        parts.append(text)
        before, before_x0, before_x1 = text, x0, x1
    bbox = (min(lefts), min(tops), max(rights), max(bottoms))
    return _Line("".join(parts).translate(_LOOKALIKES), bbox)


def _is_white_rgb(color: tuple[int, int, int, int]) -> bool:
    red, green, blue, alpha = color
    return alpha == 0 or min(red, green, blue) >= 242


class _Probe:
    """Buffers PDFium writes its answers about a page object into, made once per page."""

    def __init__(self) -> None:
        self.bounds = (ctypes.c_float * 4)()  # left, bottom, right, top
        self.bounds_refs = tuple(ctypes.byref(self.bounds, 4 * i) for i in range(4))
        self.rgba = (ctypes.c_uint * 4)()
        self.rgba_refs = tuple(ctypes.byref(self.rgba, 4 * i) for i in range(4))
        self.fill_mode, self.stroke = ctypes.c_int(), ctypes.c_int()
        self.mode_refs = (ctypes.byref(self.fill_mode), ctypes.byref(self.stroke))

    def path_color(self, getter: Callable[..., int], obj: Any) -> tuple[int, int, int, int]:
        if not getter(obj, *self.rgba_refs):
            return (0, 0, 0, 255)  # unknown colour: assume ink
        red, green, blue, alpha = self.rgba
        return (red, green, blue, alpha)

    def is_visible_path(self, obj: Any) -> bool:
        # Word and WPS exports lay an invisible white box behind every text line: signal words in a
        # narrative page must not send it to the table finder for those.
        if not DRAW_MODE(obj, *self.mode_refs):
            return True
        stroked = self.stroke.value and not _is_white_rgb(self.path_color(STROKE_COLOUR, obj))
        filled = self.fill_mode.value != pdfium_c.FPDF_FILLMODE_NONE and not _is_white_rgb(
            self.path_color(FILL_COLOUR, obj)
        )
        return bool(stroked or filled)

    def is_unmeasured(self, obj: Any) -> bool:
        if not BOUNDS(obj, *self.bounds_refs):
            return True
        left, bottom, right, top = cast(tuple[float, float, float, float], _FOUR_FLOATS.unpack(self.bounds))
        return left == right and bottom == top

    def image_bounds(self, obj: Any) -> tuple[float, float, float, float] | None:
        if not BOUNDS(obj, *self.bounds_refs):
            return None
        left, bottom, right, top = self.bounds
        return (left, bottom, right, top)


@dataclass
class _Graphics:
    texts: int = 0
    unmeasured: int = 0  # text objects PDFium gave no extent: their glyphs are missing from its text
    pictures: int = 0  # images and forms: what scans are made of
    rulings: int = 0  # visible paths and forms (which may hold paths): what ruled tables are made of
    images: list[tuple[float, float, float, float]] = field(default_factory=list)  # PDF user space


def _graphics(page: pdfium.PdfPage) -> _Graphics:
    found = _Graphics()
    probe = _Probe()
    raw = page.raw
    text, form = pdfium_c.FPDF_PAGEOBJ_TEXT, pdfium_c.FPDF_PAGEOBJ_FORM
    image, path = pdfium_c.FPDF_PAGEOBJ_IMAGE, pdfium_c.FPDF_PAGEOBJ_PATH
    for index in range(pdfium_c.FPDFPage_CountObjects(raw)):
        obj = GET_OBJECT(raw, index)
        kind = GET_TYPE(obj)
        if kind == text:
            found.texts += 1
            if probe.is_unmeasured(obj):
                found.unmeasured += 1
        elif kind == form:
            found.pictures += 1
            found.rulings += 1
        elif kind == image:
            found.pictures += 1
            bounds = probe.image_bounds(obj)
            if bounds is not None:
                found.images.append(bounds)
        elif kind == path and probe.is_visible_path(obj):
            found.rulings += 1
    return found


def _scan_page(page: pdfium.PdfPage, textpage: pdfium.PdfTextPage, number: int) -> _PageScan:
    left, bottom, right, top = page.get_mediabox()
    rotation = page.get_rotation()
    height = (right - left) if rotation in (90, 270) else (top - bottom)
    transform = _to_top_left(rotation, (left, bottom, right, top))
    chars = _page_chars(textpage, None if rotation == 0 else transform, height)
    graphics = _graphics(page)
    return _PageScan(
        number=number,
        height=height,
        lines=tuple(_group_lines(chars)),
        has_chars=any(not c.text.isspace() for c in chars),
        has_pictures=graphics.pictures > 0,
        rulings=graphics.rulings,
        # PDFium leaves out a text object whose glyphs it cannot measure (a lone character in a
        # font that is neither embedded nor installed) and gives that object no extent; every text
        # object it reads shows at least one char.
        complete=graphics.unmeasured == 0 and len(chars) >= graphics.texts,
        images=tuple(box for box in (_image_box(image, transform) for image in graphics.images) if box is not None),
    )


def _image_box(bounds: tuple[float, float, float, float], transform: Transform) -> BBox | None:
    """An image's box from the top-left of the page, when it is large enough to hold a table."""
    (ax, ay), (bx, by) = transform(bounds[0], bounds[1]), transform(bounds[2], bounds[3])
    box = (min(ax, bx), min(ay, by), max(ax, bx), max(ay, by))
    return box if box[2] - box[0] >= MIN_TABLE_IMAGE[0] and box[3] - box[1] >= MIN_TABLE_IMAGE[1] else None


def _open_error(exc: pdfium.PdfiumError) -> IngestError:
    if exc.err_code in (pdfium_c.FPDF_ERR_PASSWORD, pdfium_c.FPDF_ERR_SECURITY):
        return EncryptedError(ENCRYPTED_MESSAGE)
    return CorruptFileError(f"PDF cannot be opened: {exc}")


class _Pages:
    """PDFium over the document, one page open at a time: the page and its text are loaded once,
    scanned, and kept while its tables are read (loading them is most of what PDFium spends). PDFium
    is called under the lock only; the table finder runs outside it."""

    def __init__(self, data: bytes) -> None:
        with _PDFIUM_LOCK:
            try:
                self._document = pdfium.PdfDocument(data)
            except pdfium.PdfiumError as exc:
                raise _open_error(exc) from exc
            try:
                self.count = len(self._document)
                self.metadata = _metadata(self._document.get_metadata_dict(skip_empty=True))
            except pdfium.PdfiumError as exc:
                self._document.close()
                raise CorruptFileError(f"PDF cannot be read: {exc}") from exc
        self._page: tuple[pdfium.PdfPage, pdfium.PdfTextPage] | None = None

    def __enter__(self) -> _Pages:
        return self

    def __exit__(self, *exc: object) -> None:
        with _PDFIUM_LOCK:
            self._release()
            self._document.close()

    def _release(self) -> None:
        if self._page is not None:
            page, textpage = self._page
            self._page = None
            textpage.close()
            page.close()

    def scan(self, number: int) -> _PageScan:
        """Load page `number` (closing the one before) and scan its text and graphics."""
        with _PDFIUM_LOCK:
            self._release()
            try:
                page = self._document[number - 1]
                self._page = (page, page.get_textpage())
                return _scan_page(*self._page, number)
            except pdfium.PdfiumError as exc:
                raise CorruptFileError(f"PDF cannot be read: {exc}", page=number) from exc

    def objects(self, number: int, content: Callable[[], bytes]) -> tuple[PageObjects | str, BBox]:
        """The objects of the page last scanned as pdfplumber would give them (or why not), and its box."""
        assert self._page is not None
        page, textpage = self._page
        with _PDFIUM_LOCK:
            try:
                width, height = page.get_size()
                return read_page(page, textpage, content), (0.0, 0.0, width, height)
            except pdfium.PdfiumError as exc:
                raise CorruptFileError(f"PDF cannot be read: {exc}", page=number) from exc


# --- metadata ---------------------------------------------------------------------------------

_METADATA_KEYS = {"Title": "title", "Author": "author", "Creator": "creator", "Producer": "producer"}
_DATE_KEYS = {"CreationDate": "created", "ModDate": "modified"}
_PDF_DATE = re.compile(
    r"(?:D:)?(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?\s*(?:([Zz])|([+\-])(\d{2})'?(\d{2})?'?)?"
)


def pdf_date(value: str) -> str | None:
    """A PDF date (D:YYYYMMDDHHmmSSOHH'mm') as ISO 8601, or None when it is not a date."""
    match = _PDF_DATE.match(value.strip())
    if match is None:
        return None
    year, month, day, hour, minute, second, zulu, sign, tz_hours, tz_minutes = match.groups()
    try:
        moment = datetime(int(year), int(month or 1), int(day or 1), int(hour or 0), int(minute or 0), int(second or 0))
    except ValueError:
        return None
    if hour is None:
        return moment.date().isoformat()
    if zulu:
        moment = moment.replace(tzinfo=UTC)
    elif sign:
        offset = timedelta(hours=int(tz_hours), minutes=int(tz_minutes or 0))
        moment = moment.replace(tzinfo=timezone(-offset if sign == "-" else offset))
    return moment.isoformat()


def _metadata(info: dict[str, str]) -> dict[str, str]:
    # PDFium decodes PDFDocEncoding and UTF-16 (either byte order, after its BOM) itself.
    metadata: dict[str, str] = {}
    for key, name in _METADATA_KEYS.items():
        text = tidy("".join(ch for ch in info.get(key, "") if ch.isprintable()))
        if text:
            metadata[name] = text
    for key, name in _DATE_KEYS.items():
        date = pdf_date(info.get(key, ""))
        if date:
            metadata[name] = date
    return metadata


# --- pdfplumber pass: ruled tables ------------------------------------------------------------


@dataclass
class _Cell:
    """A real (unsplit) cell of one table part. Mutable: a cell split by a page break takes the
    text of both halves when the parts are stitched."""

    text: str
    page: int
    bbox: BBox
    row: int
    col: int  # index into its part's own column boundaries
    rowspan: int
    colspan: int
    continued: bool = False  # the lower half of a cell split by a page break
    # For a text cell in the last row of its part: the room left after its last line, in character
    # widths (see _room_after); None when not measured.
    room: float | None = None


@dataclass(frozen=True)
class _Part:
    """The piece of a table that sits on one page."""

    page: int
    bbox: BBox
    xs: tuple[float, ...]  # column boundaries
    ys: tuple[float, ...]  # row boundaries
    cells: tuple[_Cell, ...]


def _boundaries(values: list[float]) -> tuple[float, ...]:
    merged: list[float] = []
    for value in sorted(values):
        if merged and value - merged[-1] <= 2:
            continue
        merged.append(value)
    return tuple(merged)


def _nearest(bounds: tuple[float, ...], value: float) -> int:
    """The index of the bound nearest `value` (the first of two as near); `bounds` ascend."""
    after = bisect_left(bounds, value)
    if after == 0:
        return 0
    if after == len(bounds) or abs(bounds[after - 1] - value) <= abs(bounds[after] - value):
        return after - 1
    return after


Texts = list[list[str | None]]  # a table's cell texts, row by row (None: no cell there)
Extract = Callable[["_CharsByHeight", Table, list[CellGroup]], Texts]  # the texts of a table, from its page's chars


def _part(table: Table, page: int, extract: Extract, by_height: _CharsByHeight) -> _Part | None:
    """One table part, or None when the ruling only frames narrative (one column or one cell).
    `by_height` holds the chars of the table's page."""
    rows = table.rows
    real = [
        (bbox, text)
        for row, texts in zip(rows, extract(by_height, table, rows))
        for bbox, text in zip(row.cells, texts)
        if bbox is not None
    ]
    xs = _boundaries([v for bbox, _ in real for v in (bbox[0], bbox[2])])
    ys = _boundaries([v for bbox, _ in real for v in (bbox[1], bbox[3])])
    if len(real) <= 1 or len(xs) <= 2:
        return None
    cells = []
    for bbox, text in real:
        col, row = _nearest(xs, bbox[0]), _nearest(ys, bbox[1])
        rowspan = max(1, _nearest(ys, bbox[3]) - row)
        cell = _Cell(
            text=clean_cell(text),
            page=page,
            bbox=(bbox[0], bbox[1], bbox[2], bbox[3]),
            row=row,
            col=col,
            rowspan=rowspan,
            colspan=max(1, _nearest(xs, bbox[2]) - col),
        )
        if row + rowspan == len(ys) - 1 and cell.text and not _is_numeric(cell.text):
            # The bottom row may be the upper half of a row the page break splits: whether its
            # text runs on decides whether text at the top of the next page belongs to it.
            cell.room = _room_after(by_height.ink_in(cell.bbox), cell.bbox)
        cells.append(cell)
    x0, top, x1, bottom = table.bbox
    return _Part(page=page, bbox=(x0, top, x1, bottom), xs=xs, ys=ys, cells=tuple(cells))


def _room_after(inside: list[dict[str, Any]], box: BBox) -> float | None:
    """The room left after the last line of the text in `box` (`inside`: its chars that are not
    spaces, in page order; see _CharsByHeight.ink_in), in widths of its characters (their font
    size), once the cell's padding (the gap before its first line, up to MAX_CELL_PADDING) is taken
    off: under one character, the line is full and the text wrapped there, so it runs on."""
    if not inside:
        return None

    def line_of(edge: dict[str, Any]) -> list[dict[str, Any]]:
        return [c for c in inside if edge["top"] <= (c["top"] + c["bottom"]) / 2 <= edge["bottom"]]

    first = line_of(min(inside, key=lambda c: c["top"]))
    last = line_of(max(inside, key=lambda c: c["bottom"]))
    size = max(float(c.get("size") or c["bottom"] - c["top"]) for c in last) or 1.0
    padding = max(min(min(float(c["x0"]) for c in first) - box[0], MAX_CELL_PADDING), 0.0)
    # The whole slack of the last line, whatever its alignment (centred text keeps half of it on the
    # right), less the padding on both sides.
    width = max(float(c["x1"]) for c in last) - min(float(c["x0"]) for c in last)
    return ((box[2] - box[0]) - 2 * padding - width) / size


def _overprinted(chars: list[dict[str, Any]]) -> bool:
    """Whether some glyph is painted twice within a point of itself (fake bold): two chars of one
    text whose rounded corners are at most 1 apart each way. Being near is symmetric, so each
    place looks only at the four neighbours after it (right or below), after the same place."""
    places = [(char["text"], round(char["x0"]), round(char["top"])) for char in chars]
    seen = set(places)
    if len(seen) < len(places):
        return True
    return any(
        (text, x + 1, y - 1) in seen or (text, x + 1, y) in seen or (text, x + 1, y + 1) in seen or (text, x, y + 1) in seen
        for text, x, y in seen
    )


def _deduped(page: PlumberPage) -> PlumberPage:
    # pdfplumber's dedupe costs half as much as parsing the page; most pages need none.
    return page.dedupe_chars() if _overprinted(page.chars) else page


def _find_parts(page: PlumberPage, number: int) -> list[_Part]:
    prepared = _deduped(page.filter(is_visible))
    return _parts(prepared.find_tables(TABLE_SETTINGS), number, _marked_texts, prepared.chars)


def _parts(tables: list[Table], number: int, extract: Extract, chars: list[dict[str, Any]]) -> list[_Part]:
    """The parts of a page's tables, read by `extract` from the page's `chars`."""
    if not tables:
        return []  # most pages with rulings: no need to index their chars
    by_height = _CharsByHeight(chars)
    parts = (_part(table, number, extract, by_height) for table in sorted(tables, key=lambda t: t.bbox[1]))
    return [part for part in parts if part is not None]


# A note marker set as ordinary digits, smaller and raised after a number ("2" then a small raised "11",
# a footnote reference), reads as part of it (211). Digits at most this share of the size of the cell's
# largest digits, whose bottom is at least this share of that size above the bottom of the digit before
# them (the text rise of a superscript is about a third of the size, a smaller font on the same baseline
# lifts its bottom by a tenth at most), are emitted as Unicode superscripts, which the cell reader cuts off
# as a note marker (P-NOTE-MARK).
NOTE_DIGIT_SIZE = 0.75
NOTE_DIGIT_RISE = 0.25
_DIGITS = frozenset("0123456789０１２３４５６７８９")
_SUPERSCRIPTS = str.maketrans("0123456789０１２３４５６７８９", "⁰¹²³⁴⁵⁶⁷⁸⁹" * 2)


def note_digits(chars: list[dict[str, Any]]) -> str | None:
    """The text of a cell (its chars in page order) that prints a number followed by note digits, with
    those digits as Unicode superscripts ("2¹¹"); None for any other cell. Conservative: the rest of the
    cell is a number on one line, the small digits all stand after its last digit and above its bottom."""
    ink = [c for c in chars if not c["text"].isspace()]
    digits = [c["size"] for c in ink if c["text"] in _DIGITS]
    if not digits:
        return None
    limit = NOTE_DIGIT_SIZE * max(digits)
    small = [c for c in ink if c["size"] <= limit]
    if not small or any(c["text"] not in _DIGITS for c in small):
        return None
    body = [c for c in chars if c["size"] > limit]  # spaces too: extract_text places them
    printed = [c for c in body if not c["text"].isspace()]
    last = max(printed, key=lambda c: c["x1"])
    if last["text"] not in _DIGITS:
        return None
    one_line = all(last["top"] <= (c["top"] + c["bottom"]) / 2 <= last["bottom"] for c in printed)
    after = all(c["x0"] >= (last["x0"] + last["x1"]) / 2 for c in small)
    raised = all(c["bottom"] <= last["bottom"] - NOTE_DIGIT_RISE * last["size"] for c in small)
    number = extract_text(body)
    if not (one_line and after and raised and _is_numeric(number)):
        return None
    return number + "".join(c["text"] for c in sorted(small, key=lambda c: c["x0"])).translate(_SUPERSCRIPTS)


def _cell_text(chars: list[dict[str, Any]]) -> str:
    """What pdfplumber's Table.extract makes of a cell's chars, with note digits as superscripts."""
    size = chars[0]["size"]
    marked = note_digits(chars) if any(c["size"] != size for c in chars) else None
    if marked is not None:
        return marked
    text = _lined_text(chars)
    return extract_text(chars) if text is None else text


# pdfplumber's default tolerances (extract_text's x_tolerance and y_tolerance).
_X_TOLERANCE = _Y_TOLERANCE = 3


def _lined_text(chars: list[dict[str, Any]]) -> str | None:
    """What pdfplumber's extract_text gives for chars set in lines that each share one top, more than
    _Y_TOLERANCE apart (most cells); None for any other chars, which extract_text itself reads (its
    word and line clustering cost ten times as much per cell). Its steps for such chars: a line per
    top, from the top down; in a line, the chars by x0 (stable), a word breaking where a char starts
    more than _X_TOLERANCE after the end of the one before it; the words joined by a space and the
    lines by a newline. Spaces, ligatures (which it expands) and chars that are not upright are
    left to it."""
    lines: dict[float, list[dict[str, Any]]] = {}
    for char in chars:
        text = char["text"]
        if len(text) != 1 or text.isspace() or text in LIGATURES or not char["upright"]:
            return None
        lines.setdefault(char["top"], []).append(char)
    tops = sorted(lines)
    if any(below <= above + _Y_TOLERANCE for above, below in zip(tops, tops[1:])):
        return None  # lines pdfplumber would cluster into one
    texts = []
    for top in tops:
        ordered = sorted(lines[top], key=_X0)
        parts = [ordered[0]["text"]]
        for before, char in zip(ordered, ordered[1:]):
            if char["x0"] > before["x1"] + _X_TOLERANCE:
                parts.append(" ")
            parts.append(char["text"])
        texts.append("".join(parts))
    return "\n".join(texts)


_X0 = itemgetter("x0")


def _marked_texts(by_height: _CharsByHeight, table: Table, rows: list[CellGroup]) -> Texts:
    """pdfplumber's Table.extract, with note digits as superscripts (what _CharsByHeight.extract gives)."""
    texts = table.extract()
    for row, line in zip(rows, texts):
        for col, (box, text) in enumerate(zip(row.cells, line)):
            if box is None or not text or not any(ch in _DIGITS for ch in text):
                continue
            marked = note_digits(by_height.cell_chars(box))
            if marked is not None:
                line[col] = marked
    return texts


class _CharsByHeight:
    """A page's characters sorted by the middle of their height, so that a row takes its own with
    two bisections (and a cell its own from the row's, sorted by the middle of their width).
    `extract` gives what pdfplumber's Table.extract does (which tests every char of the page
    against every row, and every char of the row against every cell): a char belongs to a box when
    its middle is inside, right and bottom edges excluded; cells keep the page order. Note digits
    become superscripts (note_digits), as _marked_texts does after Table.extract."""

    def __init__(self, chars: list[dict[str, Any]]) -> None:
        self._chars = chars
        self._across = [(c["x0"] + c["x1"]) / 2 for c in chars]
        self._down = [(c["top"] + c["bottom"]) / 2 for c in chars]
        self._order = sorted(range(len(chars)), key=self._down.__getitem__)
        self._sorted = [self._down[i] for i in self._order]

    def _inside(self, indices: list[int], box: BBox) -> list[int]:
        x0, top, x1, bottom = box
        across, down = self._across, self._down
        return [i for i in indices if x0 <= across[i] < x1 and top <= down[i] < bottom]

    def ink_in(self, box: BBox) -> list[dict[str, Any]]:
        """The chars other than spaces whose middle is inside `box`, edges included, in page order."""
        x0, top, x1, bottom = box
        across, chars = self._across, self._chars
        band = sorted(self._order[bisect_left(self._sorted, top) : bisect_right(self._sorted, bottom)])
        return [chars[i] for i in band if x0 <= across[i] <= x1 and not chars[i]["text"].isspace()]

    def cell_chars(self, box: BBox) -> list[dict[str, Any]]:
        """The chars of a cell, as extract takes them."""
        band = sorted(self._order[bisect_left(self._sorted, box[1]) : bisect_left(self._sorted, box[3])])
        return [self._chars[i] for i in self._inside(band, box)]

    def extract(self, table: Table, rows: list[CellGroup]) -> Texts:
        texts: Texts = []
        across, down, chars = self._across, self._down, self._chars
        for row in rows:
            top, bottom = row.bbox[1], row.bbox[3]
            band = sorted(self._order[bisect_left(self._sorted, top) : bisect_left(self._sorted, bottom)])
            # The row's chars from left to right (by the middle of their width), so that each cell
            # takes its own with two bisections.
            own = sorted(self._inside(band, row.bbox), key=across.__getitem__)
            lefts = [across[i] for i in own]
            line: list[str | None] = []
            for cell in row.cells:
                if cell is None:
                    line.append(None)
                    continue
                x0, cell_top, x1, cell_bottom = cell
                column = own[bisect_left(lefts, x0) : bisect_left(lefts, x1)]
                inside = sorted(i for i in column if cell_top <= down[i] < cell_bottom)  # page order
                line.append(_cell_text([chars[i] for i in inside]) if inside else "")
            texts.append(line)
        return texts


class _Surface:
    """What pdfplumber's table finder reads of a page: its edges (TableFinder), bbox (for explicit
    lines, unused here) and characters (Table.extract, and _room_after after it)."""

    def __init__(self, chars: list[dict[str, Any]], edges: list[dict[str, Any]], bbox: BBox) -> None:
        self.chars, self.edges, self.bbox = chars, edges, bbox


def _find_parts_in(objects: PageObjects, bbox: BBox, number: int) -> list[_Part]:
    """_find_parts over a page read by PDFium: the same filter, dedupe, edges (pdfplumber's order:
    lines, rectangles, curves) and table finder."""
    chars = dedupe_chars(objects.chars) if _overprinted(objects.chars) else objects.chars
    edges = [line_to_edge(line) for line in objects.lines if is_visible(line)]
    edges += [edge for rect in objects.rects if is_visible(rect) for edge in rect_to_edges(rect)]
    edges += [edge for curve in objects.curves if is_visible(curve) for edge in curve_to_edges(curve)]
    surface = cast(PlumberPage, _Surface(chars, edges, bbox))  # duck-typed: see _Surface
    return _parts(_TableFinder(surface, TABLE_SETTINGS).tables, number, _CharsByHeight.extract, chars)


Point = tuple[float, float]


class _TableFinder(TableFinder):
    """pdfplumber's TableFinder (its steps as its __init__ takes them), finding the cells with
    _cells instead of intersections_to_cells."""

    def __init__(self, page: PlumberPage, settings: dict[str, Any]) -> None:
        self.page = page
        self.settings = TableSettings.resolve(settings)
        self.edges = self.get_edges()
        self.intersections = edges_to_intersections(
            self.edges, self.settings.intersection_x_tolerance, self.settings.intersection_y_tolerance
        )
        self.cells = _cells(self.intersections)
        self.tables = [Table(self.page, group) for group in cells_to_tables(self.cells)]


def _cells(intersections: dict[Point, dict[str, list[dict[str, Any]]]]) -> list[BBox]:
    """The cells pdfplumber's intersections_to_cells finds, in its order: for each point (sorted),
    the first point below it and then the first to its right that an edge joins to it, whose
    corner (right's x, below's y) is a point joined to both. pdfplumber makes sets of the edges
    of both points for every pair it tests, and scans all later points for those below and to the
    right; here each point's edge sets are made once, its column and row are looked up, and the
    points to its right are tested only as far as a cell needs."""
    vertical = {point: set(map(_EDGE_BBOX, found["v"])) for point, found in intersections.items()}
    horizontal = {point: set(map(_EDGE_BBOX, found["h"])) for point, found in intersections.items()}

    def joined(a: Point, b: Point) -> bool:
        return (a[0] == b[0] and not vertical[a].isdisjoint(vertical[b])) or (
            a[1] == b[1] and not horizontal[a].isdisjoint(horizontal[b])
        )

    points = sorted(intersections)
    columns: dict[float, list[Point]] = {}  # by x, each from the top down (points sort by x, then y)
    rows: dict[float, list[Point]] = {}  # by y, each from left to right
    places: list[tuple[int, int]] = []  # each point's place in its column and in its row
    for point in points:
        column = columns.setdefault(point[0], [])
        row = rows.setdefault(point[1], [])
        places.append((len(column), len(row)))
        column.append(point)
        row.append(point)
    cells: list[BBox] = []
    for point, (down, across) in zip(points, places):
        below = columns[point[0]][down + 1 :]
        after = rows[point[1]][across + 1 :]
        cells.extend(_smallest_cell(point, below, after, intersections, joined))
    return cells


_EDGE_BBOX = itemgetter("x0", "top", "x1", "bottom")  # what pdfplumber's obj_to_bbox gives


def _smallest_cell(
    point: Point, below: list[Point], after: list[Point], corners: dict[Point, Any], joined: Callable[[Point, Point], bool]
) -> list[BBox]:
    """The cell whose top-left corner is `point`, by pdfplumber's search: each point below it that
    an edge joins to it, from the top, with each point of `after` (to its right, from the left)
    that an edge joins to it. Those are found as the search gets to them: most cells close on
    the first of each."""
    right: list[Point] = []  # the points of `after` joined to `point`, as far as tested
    untested = iter(after)
    for lower in below:
        if not joined(point, lower):
            continue
        tried = 0
        while True:
            if tried == len(right):
                beside = next((corner for corner in untested if joined(point, corner)), None)
                if beside is None:
                    break
                right.append(beside)
            beside = right[tried]
            tried += 1
            corner = (beside[0], lower[1])
            if corner in corners and joined(corner, beside) and joined(corner, lower):
                return [(point[0], point[1], corner[0], corner[1])]
    return []


# --- stitching parts into tables --------------------------------------------------------------


def _column_map(xs: tuple[float, ...], canonical: tuple[float, ...]) -> list[int] | None:
    """Where each column boundary of a part falls among the table's boundaries, or None."""
    if len(xs) == len(canonical):
        return list(range(len(xs)))
    if len(xs) > len(canonical):
        return None
    mapping = [_nearest(canonical, x) for x in xs]
    close = all(abs(canonical[i] - x) <= X_TOLERANCE for i, x in zip(mapping, xs))
    ordered = all(a < b for a, b in zip(mapping, mapping[1:]))
    spans = mapping[0] == 0 and mapping[-1] == len(canonical) - 1
    return mapping if close and ordered and spans else None


def _finest(parts: list[_Part]) -> tuple[float, ...]:
    return max(parts, key=lambda part: len(part.xs)).xs


def _fits(parts: list[_Part], part: _Part) -> bool:
    together = [*parts, part]
    canonical = _finest(together)
    return all(_column_map(p.xs, canonical) is not None for p in together)


def _clear_below(part: _Part, scan: _PageScan) -> bool:
    """No body text between the part and the bottom margin of its page."""
    limit = scan.height * (1 - MARGIN_BAND)
    return not any(part.bbox[3] - 1 <= line.top < limit for line in scan.lines)


def _clear_above(part: _Part, scan: _PageScan) -> bool:
    """No body text between the top margin of its page and the part."""
    limit = scan.height * MARGIN_BAND
    return not any(limit < line.bbox[3] <= part.bbox[1] + 1 for line in scan.lines)


def _stitch(tables: list[list[_Part]], parts: list[_Part], scans: list[_PageScan]) -> None:
    """Add one page's parts to the tables, continuing the last table when it runs on."""
    for index, part in enumerate(parts):
        if index == 0 and tables and _continues(tables[-1], part, scans):
            tables[-1].append(part)
        else:
            tables.append([part])


def _continues(table: list[_Part], part: _Part, scans: list[_PageScan]) -> bool:
    last = table[-1]
    return (
        last.page == part.page - 1
        and _clear_below(last, scans[last.page - 1])
        and _clear_above(part, scans[part.page - 1])
        and _fits(table, part)
    )


def _open_at_bottom(tables: list[list[_Part]], page: int, scans: list[_PageScan]) -> bool:
    """The page ends inside a table that the next page may continue."""
    if not tables or tables[-1][-1].page != page:
        return False
    return _clear_below(tables[-1][-1], scans[page - 1])


# --- building grids ---------------------------------------------------------------------------

Slots = list[_Cell | None]


@dataclass(frozen=True)
class _Row:
    part: _Part
    index: int  # row index within the part
    slots: Slots


def _expand(part: _Part, canonical: tuple[float, ...]) -> list[_Row]:
    mapping = _column_map(part.xs, canonical)
    assert mapping is not None  # guaranteed by _fits when the part was stitched
    rows: list[Slots] = [[None] * (len(canonical) - 1) for _ in range(len(part.ys) - 1)]
    for cell in part.cells:
        first, last = mapping[cell.col], mapping[min(cell.col + cell.colspan, len(mapping) - 1)]
        for r in range(cell.row, min(cell.row + cell.rowspan, len(rows))):
            for c in range(first, last):
                rows[r][c] = cell
    return [_Row(part, index, slots) for index, slots in enumerate(rows)]


def _row_key(slots: Slots) -> tuple[str, ...]:
    return tuple((cell.text if cell else "").replace(" ", "") for cell in slots)


def _drop_repeated_header(head: list[_Row], rows: list[_Row]) -> list[_Row]:
    """Word repeats header rows on every page; they are rows identical to the table's first rows."""
    count = 0
    while count < min(len(head), len(rows)) and _row_key(rows[count].slots) == _row_key(head[count].slots):
        if all(_is_numeric(text) for text in _row_key(rows[count].slots)):
            break  # identical numbers are data, not a header
        count += 1
    return rows[count:]


def _join_split_cells(above: Slots, below: Slots) -> None:
    """A tall cell cut by the page break leaves its rest (or nothing) in the first row of the next
    page: '（四）无' above, '法提供' below. Both halves take the whole text."""
    for col, (upper, lower) in enumerate(zip(above, below)):
        if upper is None or lower is None or upper is lower:
            continue
        if col > 0 and above[col - 1] is upper:
            continue  # seen at its first column
        same_columns = [c for c, cell in enumerate(above) if cell is upper] == [
            c for c, cell in enumerate(below) if cell is lower
        ]
        tall = upper.rowspan > 1 or lower.rowspan > 1
        label = upper.text and not _is_numeric(upper.text)
        rest = not lower.text or not (_is_numeric(lower.text) or _LIST_MARKER.match(lower.text))
        if same_columns and tall and label and rest:
            joined = clean_cell(f"{upper.text}\n{lower.text}") if lower.text else upper.text
            upper.text = lower.text = joined
            lower.continued = True


def _own_cells(slots: Slots, above: Slots) -> list[tuple[_Cell, list[int]]]:
    """The cells of a row that are its own, with their columns: not the lower half of a tall cell
    cut by the page break (nor the cell above itself)."""
    own: dict[int, tuple[_Cell, list[int]]] = {}
    for col, cell in enumerate(slots):
        if cell is None or cell is above[col] or cell.continued:
            continue
        own.setdefault(id(cell), (cell, []))[1].append(col)
    return list(own.values())


def _runs_on(upper: _Cell, rest: str) -> bool:
    """Whether `rest` can be the lines of `upper`'s text that the page break pushed down: the last
    line above is full (the next character did not fit, or two did not when `rest` opens with
    punctuation no line may start with)."""
    if upper.room is None:
        return False
    allowed = 2 if rest[0] in _NO_LINE_START else 1
    return upper.room < allowed + WRAP_SLACK


JOIN, NEW_ROW, UNSURE = "join", "new row", "unsure"


def _row_split(above: _Row, below: _Row) -> str:
    """Whether the first row of a page is the rest of the last row of the page before, split by
    the page break (Word lets a row break across pages: the lines of each cell that fit stay above,
    the rest go below): JOIN, NEW_ROW, or UNSURE when the shape cannot say. The rows' shape
    decides, never their words:

    - below holds no cell that starts a row of its own: no text with a list marker (（四）, 3., 第…),
      and no text under an empty cell above or under a cell of other columns;
    - its numbers stand only where the row above has an empty cell (the rest of the row's values);
    - its other text continues the label above it, which ran to the end of its last line;
    - the row above has a label of its own; a row of numbers only (no label to own them) is
      continued only by numbers that fill every empty cell it has.

    A row that prints nothing below the break is only the rest of the cut row's height. Numbers
    that fit the row above under text that may be a label of its own or the rest of the label
    above (a line break typed inside the label) are UNSURE: the parser decides by the labels.
    """
    numbers = 0
    unsure = False
    for cell, cols in _own_cells(below.slots, above.slots):
        if not cell.text:
            continue
        uppers = {id(above.slots[c]): above.slots[c] for c in cols}
        if _is_numeric(cell.text):
            if any(upper is not None and upper.text for upper in uppers.values()):
                return NEW_ROW
            numbers += 1
            continue
        if _LIST_MARKER.match(cell.text) or len(uppers) != 1:
            return NEW_ROW
        (upper,) = uppers.values()
        if upper is None or [c for c, slot in enumerate(above.slots) if slot is upper] != cols:
            return NEW_ROW
        if not upper.text or _is_numeric(upper.text):
            return NEW_ROW
        unsure = unsure or not _runs_on(upper, cell.text)
    labelled = any(
        cell is not None and cell.row == above.index and cell.text and not _is_numeric(cell.text)
        for cell in above.slots
    )
    if not labelled and numbers:
        fills = all(
            bool(a is not None and a.text) != bool(b is not None and b is not a and not b.continued and b.text)
            for a, b in zip(above.slots, below.slots)
        )
        return JOIN if fills and not unsure else NEW_ROW
    if unsure:
        return UNSURE if numbers else NEW_ROW
    if numbers and any(cell.text and not _is_numeric(cell.text) for cell, _ in _own_cells(below.slots, above.slots)):
        # Text and numbers below a labelled row: the shape says the label ran on, but the text may be
        # a label of its own (a blank row above a full one); the parser decides by the labels.
        return UNSURE
    return JOIN


def _join_rows(above: Slots, below: Slots) -> None:
    """Put the cells of `below` (the rest of a row split by the page break) into `above`: numbers
    into its empty cells, label text after its label."""
    for cell, cols in _own_cells(below, above):
        if not cell.text:
            continue
        upper = above[cols[0]]
        if _is_numeric(cell.text):
            for col in cols:
                above[col] = cell
        elif upper is not None:
            upper.text = clean_cell(f"{upper.text}\n{cell.text}")


def _table_rows(parts: list[_Part]) -> tuple[list[_Row], list[int]]:
    """The rows of a table stitched from its parts, and the rows that may continue the row above
    them across a page break (UNSURE)."""
    canonical = _finest(parts)
    rows = _expand(parts[0], canonical)
    head = list(rows)
    unsure: list[int] = []
    for part in parts[1:]:
        more = _drop_repeated_header(head, _expand(part, canonical))
        if rows and more:
            _join_split_cells(rows[-1].slots, more[0].slots)
            split = _row_split(rows[-1], more[0])
            if split == JOIN:
                _join_rows(rows[-1].slots, more.pop(0).slots)
            elif split == UNSURE:
                unsure.append(len(rows))
        rows.extend(more)
    return rows, unsure


def _grid(parts: list[_Part], index: int) -> Grid:
    canonical = _finest(parts)
    seen: set[int] = set()
    grid_rows = []
    rows, unsure = _table_rows(parts)
    # The grid's fields as data, validated into models in one call (hundreds of cells: one model
    # each, and one for its provenance, cost three times as much made one by one).
    for r, row in enumerate(rows):
        cells: list[dict[str, Any]] = []
        for c, cell in enumerate(row.slots):
            if cell is None:
                bbox = (canonical[c], row.part.ys[row.index], canonical[c + 1], row.part.ys[row.index + 1])
                cells.append({"text": "", "prov": {"page": row.part.page, "bbox": bbox, "table": index, "row": r, "col": c}})
                continue
            # Slots are visited top-left first, so a cell's first slot is where it starts.
            merged = id(cell) in seen or cell.continued
            seen.add(id(cell))
            prov = {"page": cell.page, "bbox": cell.bbox, "table": index, "row": r, "col": c}
            cells.append({"text": cell.text, "prov": prov, "merged": merged})
        grid_rows.append(cells)
    first = parts[0]
    prov = {"page": first.page, "bbox": first.bbox, "table": index}
    return Grid.model_validate({"rows": grid_rows, "prov": prov, "may_continue": tuple(unsure)})


# --- the reader -------------------------------------------------------------------------------


def _plumber_error(exc: Exception, page: int | None = None) -> IngestError:
    # pdfplumber wraps whatever pdfminer raised (PDFSyntaxError, PSEOF, PDFPasswordIncorrect...).
    cause = exc.args[0] if isinstance(exc, PdfminerException) and exc.args else exc
    if isinstance(cause, PDFEncryptionError):
        return EncryptedError(ENCRYPTED_MESSAGE)
    return CorruptFileError(f"PDF cannot be read: {str(cause) or type(cause).__name__}", page=page)


def _open_plumber(data: bytes) -> PDF:
    try:
        return pdfplumber.open(io.BytesIO(data))
    except PdfminerException:
        raise  # mapped by the caller, with the pages' own errors
    except Exception as exc:  # PDFium read the file, so whatever pdfminer trips on is damage
        raise CorruptFileError(f"PDF cannot be read: {exc}") from exc


class _Plumber:
    """pdfplumber over the same bytes, opened only if some page needs it, one page at a time so
    that its caches never hold more than one page."""

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._pdf: PDF | None = None
        self._page: PlumberPage | None = None
        self.reading: int | None = None  # the page being read, once the document opened

    def __enter__(self) -> _Plumber:
        return self

    def __exit__(self, *exc: object) -> None:
        self._release()
        if self._pdf is not None:
            self._pdf.close()

    def _release(self) -> None:
        if self._page is not None:
            self._page.close()  # flushes the page's parsed objects
            self._page = None

    def page(self, number: int) -> PlumberPage:
        if self._page is not None and self._page.page_number == number:
            return self._page
        self._release()
        self.reading = None
        if self._pdf is None:
            self._pdf = _open_plumber(self._data)
        if number > len(self._pdf.pages):
            raise CorruptFileError(f"page {number} is missing from the PDF page tree", page=number)
        self.reading = number
        self._page = self._pdf.pages[number - 1]
        return self._page

    def content(self, number: int) -> bytes:
        """The page's content stream, as pdfminer decodes it (no interpretation)."""
        streams = resolve1(self.page(number).page_obj.attrs.get("Contents"))
        streams = streams if isinstance(streams, list) else [streams]
        return b"".join(resolve1(stream).get_data() for stream in streams if stream is not None)

    def rescan(self, scan: _PageScan) -> _PageScan:
        """The page's lines read by pdfminer, for a page PDFium did not read completely."""
        chars = [
            _Char(c["text"], c["x0"], c["top"], c["x1"], c["bottom"])
            for c in _deduped(self.page(scan.number)).chars
            if c.get("upright", True)
        ]
        lines = tuple(_group_lines(chars))
        return replace(scan, lines=lines, has_chars=bool(lines), complete=True)


def _wants_tables(scan: _PageScan, tables: list[list[_Part]], scans: list[_PageScan]) -> bool:
    if scan.rulings == 0:
        return False
    if scan.has_table_signal():
        return True
    continuing = _open_at_bottom(tables, scan.number - 1, scans)
    return continuing and scan.rulings >= MIN_CONTINUATION_RULINGS


def _page_parts(engine: str, scan: _PageScan, plumber: _Plumber, pages: _Pages) -> list[_Part]:
    """The table parts of one page: PDFium's objects through pdfplumber's table finder, or pdfplumber
    itself where asked, where PDFium missed text, or where its objects may not be pdfplumber's."""
    if engine == "pdfium" and scan.complete:
        objects, bbox = pages.objects(scan.number, lambda: plumber.content(scan.number))
        if isinstance(objects, PageObjects):
            return _find_parts_in(objects, bbox, scan.number)
    return _find_parts(plumber.page(scan.number), scan.number)


def _read_pages(data: bytes, engine: str) -> tuple[dict[str, str], list[_PageScan], list[list[_Part]]]:
    """Metadata, a scan of every page (pdfplumber re-reads the text of those PDFium did not read
    completely) and the tables, found page by page as the pages are scanned."""
    scans: list[_PageScan] = []
    tables: list[list[_Part]] = []
    plumber = _Plumber(data)
    with _Pages(data) as pages:
        try:
            with plumber:
                for number in range(1, pages.count + 1):
                    scan = pages.scan(number)
                    if not scan.complete:
                        scan = plumber.rescan(scan)
                    scans.append(scan)
                    if _wants_tables(scan, tables, scans):
                        _stitch(tables, _page_parts(engine, scan, plumber, pages), scans)
        except (PdfminerException, MalformedPDFException) as exc:
            raise _plumber_error(exc, plumber.reading) from exc
        return pages.metadata, scans, tables


def _blocks(scans: list[_PageScan], tables: list[list[_Part]]) -> list[Block]:
    """Each page in reading order: its lines outside tables, and the grids that start on it."""
    starts: dict[int, list[tuple[float, Grid]]] = {}
    areas: dict[int, list[BBox]] = {}
    for index, parts in enumerate(tables):
        first = parts[0]
        starts.setdefault(first.page, []).append((first.bbox[1], _grid(parts, index)))
        for part in parts:
            areas.setdefault(part.page, []).append(part.bbox)
    blocks: list[Block] = []
    for scan in scans:
        placed: list[tuple[float, Block]] = list(starts.get(scan.number, []))
        for line in scan.lines:
            if not any(line.centre_in(area) for area in areas.get(scan.number, [])):
                placed.append((line.top, Paragraph(text=line.text, prov=Provenance(page=scan.number, bbox=line.bbox))))
        blocks.extend(block for _, block in sorted(placed, key=lambda item: item[0]))
    return blocks


def _ocr_warnings(scans: list[_PageScan]) -> list[Note]:
    return [
        ("NEEDS_OCR", f"page {scan.number} has no text layer (scanned image); OCR is needed{_ocr_hint()}")
        for scan in scans
        if not scan.has_chars and scan.has_pictures
    ]


ENGINES = ("pdfium", "pdfplumber")


class PdfReader:
    """`engine` reads the pages with tables: "pdfium" (PDFium's objects through pdfplumber's table
    finder, pdfplumber where they may differ) or "pdfplumber" (the reference, several times slower)."""

    format = "pdf"
    extensions = (".pdf",)

    def __init__(self, engine: str = "pdfium") -> None:
        if engine not in ENGINES:
            raise ValueError(f"unknown PDF engine {engine!r}; one of {', '.join(ENGINES)}")
        self.engine = engine

    def accepts(self, path: Path, head: bytes) -> bool:
        return path.suffix.lower() in self.extensions or head.lstrip()[:4] == b"%PDF"

    def read(self, path: Path, data: bytes, source: str) -> Document:
        metadata, scans, tables = _read_pages(data, self.engine)
        if not scans:
            raise CorruptFileError("PDF has no pages")
        ocr = _ocr(data, scans, len(tables))
        if not any(scan.has_chars for scan in scans):
            if ocr is None:
                raise NeedsOcrError(f"no page has a text layer (scanned images); OCR is needed{_ocr_hint()}")
            if not ocr.read_any():
                raise NeedsOcrError("no page has a text layer, and OCR read no text on its images")
        blocks = _blocks(scans, tables)
        return Document(
            source=source,
            report_id=report_id(data),
            format="pdf",
            metadata={"filename": path.name, "pages": str(len(scans)), **metadata, **(ocr.metadata() if ocr else {})},
            blocks=tuple(ocr.merge(blocks) if ocr else blocks),
            warnings=tuple(ocr.warnings) if ocr else tuple(_ocr_warnings(scans)),
        )


def _ocr(data: bytes, scans: list[_PageScan], first_table: int) -> OcrPages | None:
    """Pages without a text layer read by OCR (xxgk.ingest.ocr), when installed and not turned off."""
    from xxgk.ingest import ocr

    unreadable = [scan.number for scan in scans if not scan.has_chars and scan.has_pictures]
    numbers = ocr.pages_to_read(ocr.MODE.get(), unreadable, [scan.number for scan in scans])
    # Pictures without text on them, on pages whose text layer reads (and are not read whole).
    regions = {
        scan.number: pictures for scan in scans if scan.has_chars and scan.number not in numbers
        and (pictures := [box for box in scan.images if not any(line.centre_in(box) for line in scan.lines)])
    }
    if ocr.MODE.get() == "never" or not ocr.available():
        regions = {}
    if not numbers and not regions:
        return None
    from xxgk.ingest.ocr import pdfpages

    return pdfpages.read_pages(data, numbers, first_table, _PDFIUM_LOCK, regions)


def _ocr_hint() -> str:
    from xxgk.ingest import ocr

    if ocr.MODE.get() == "never":
        return " (--ocr never)"
    return "" if ocr.available() else f"; {ocr.INSTALL_HINT}"


READER = PdfReader()
