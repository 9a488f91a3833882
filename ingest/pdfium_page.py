"""A PDF page read by PDFium as pdfplumber sees it: its characters, lines, rectangles and curves as
the dicts pdfplumber's table finder takes, so that the finder runs without pdfminer (which takes
ten times as long to read a page).

pdfplumber stays the reference: these objects carry the same values pdfminer computes (character
boxes from the advance width, the font's descent and size; paths split into subpaths and sorted
into lines, rectangles and curves by pdfminer's rules). Where PDFium cannot tell what pdfminer
would have made of a page, `read_page` says why instead, and the caller reads that page with
pdfplumber: a rotated or shifted page, text or paths inside form XObjects, characters that are not
upright, vertical writing with other than the default advance and pen position, glyphs without
Unicode, text PDFium leaves out, and colours too close to the white that decides whether a path is
visible.
"""

from __future__ import annotations

import ctypes
import re
import struct
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from operator import itemgetter
from typing import Any, NamedTuple, cast

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

PdfObject = dict[str, Any]

# pdfplumber calls a colour white from 0.95 of full intensity on (CMYK: up to 0.05 of each ink);
# PDFium gives colours as RGB, 0-255, which does not say which space they were painted in. A colour
# whose palest channel is in this range may be white for one and not for the other.
_UNSURE_COLOUR = range(200, 255)


@dataclass(frozen=True)
class PageObjects:
    """What pdfplumber's `Page.objects` holds for the table finder, in the page's drawing order."""

    chars: list[PdfObject]
    lines: list[PdfObject]
    rects: list[PdfObject]
    curves: list[PdfObject]


class _Declined(Exception):
    """PDFium cannot give what pdfminer would for this page; the message says why."""


_SINGLE = struct.Struct("<f")


class _Decimals(dict[float, float]):
    """The numbers of the content stream, from PDFium's single-precision copies of them.

    pdfminer parses "247.65" into the double nearest 247.65; PDFium keeps the float nearest it,
    which is 247.649994. The shortest decimal that rounds to that float is what was printed (a
    content stream prints at most seven significant digits, which a float keeps apart), so its
    double is what pdfminer computed with, and boxes come out to the last bit. Indexed by PDFium's
    number (a dict: a number met before costs a lookup, not a call)."""

    def __missing__(self, value: float) -> float:
        packed = _SINGLE.pack(value)
        found = value
        for digits in range(1, 10):
            candidate = float(f"{value:.{digits}g}")
            if _SINGLE.pack(candidate) == packed:
                found = candidate
                break
        if len(self) >= _DECIMALS_KEPT:
            self.clear()
        self[value] = found
        return found


# Numbers whose decimals are kept from page to page and file to file (a function of the number
# alone): the numbers of a report's pages repeat (rulings, font sizes, margins). About 10 MB at most.
_DECIMALS_KEPT = 1 << 16
_DECIMALS = _Decimals()


def _matrix(handle: Any, decimal: _Decimals, matrix: Any) -> tuple[float, ...]:
    """The page object's matrix; `matrix` takes PDFium's answer."""
    if not _OBJECT_MATRIX(handle, ctypes.byref(matrix)):
        raise _Declined("no matrix")
    return tuple(decimal[v] for v in (matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f))


# Text objects by address: their place among the page's objects, and their handle.
_Order = dict[int, tuple[int, Any]]


def _address(handle: Any) -> int:
    return ctypes.c_void_p.from_buffer(handle).value or 0  # the pointer's value, as ctypes.cast gives it in half the time


def unchecked(function: Any, restype: Any = None) -> Callable[..., Any]:
    """The PDFium function without its argument types (returning `restype`, by default its own):
    ctypes then passes the ctypes objects and ints it is given as they are, where checking each
    argument against its type took as long as the call itself (for the functions called once or
    more per character or page object). Callers pass handles, ints and byref()s only, as the
    types say: a bare ctypes number would be passed by value, and a Python int as a C int."""
    prototype = ctypes.CFUNCTYPE(function.restype if restype is None else restype)
    return cast(Callable[..., Any], prototype(_address(function)))


# Called once per character of every table page (FPDFText_GetTextObject: the object's address).
_UNICODE = unchecked(pdfium_c.FPDFText_GetUnicode)
_IS_GENERATED = unchecked(pdfium_c.FPDFText_IsGenerated)
_MAP_ERROR = unchecked(pdfium_c.FPDFText_HasUnicodeMapError)
_ORIGIN = unchecked(pdfium_c.FPDFText_GetCharOrigin)
_TEXT_OBJECT_ADDRESS = unchecked(pdfium_c.FPDFText_GetTextObject, ctypes.c_void_p)
# Called once per page object, three times a table page.
GET_OBJECT = unchecked(pdfium_c.FPDFPage_GetObject)
GET_TYPE = unchecked(pdfium_c.FPDFPageObj_GetType)
# Called once per path object (or text object: BOUNDS) of every page.
BOUNDS = unchecked(pdfium_c.FPDFPageObj_GetBounds)
DRAW_MODE = unchecked(pdfium_c.FPDFPath_GetDrawMode)
STROKE_COLOUR = unchecked(pdfium_c.FPDFPageObj_GetStrokeColor)
FILL_COLOUR = unchecked(pdfium_c.FPDFPageObj_GetFillColor)
_OBJECT_MATRIX = unchecked(pdfium_c.FPDFPageObj_GetMatrix)


# --- characters -------------------------------------------------------------------------------


def _font_name(font: Any) -> str:
    size = pdfium_c.FPDFFont_GetBaseFontName(font, None, 0)
    buffer = ctypes.create_string_buffer(size)
    pdfium_c.FPDFFont_GetBaseFontName(font, buffer, size)
    return buffer.value.decode("utf-8", "replace")


@dataclass(frozen=True)
class _Font:
    handle: Any
    name: str
    descent: float  # per unit of font size
    advances: dict[int, float]  # by character code, filled as met (see _advance)


# Called once per glyph of every table page's fonts.
_GLYPH_WIDTH = unchecked(pdfium_c.FPDFFont_GetGlyphWidth)
_PER_THOUSAND = ctypes.c_float(1000.0)


def _advance(font: _Font, code: int, width: ctypes.c_float) -> float:
    """The glyph's advance per unit of font size, from the font's widths (what pdfminer's box spans;
    PDFium's own boxes follow the glyph outlines, of a substitute font when it is not embedded).
    Negative in a vertical font: the advance is downward. `width` takes PDFium's answer."""
    if not _GLYPH_WIDTH(font.handle, code, _PER_THOUSAND, ctypes.byref(width)):
        raise _Declined("a glyph without a width")
    advance = font.advances[code] = width.value / 1000
    return advance


_new_tuple = tuple.__new__  # a NamedTuple without the Python frame of its __new__


class _Run(NamedTuple):  # a tuple: made for every text object
    """What the characters of one text object share (PDFium gives each the object's matrix)."""

    rank: int  # the text object's place among the page's objects
    font: _Font
    size: float  # pdfminer's: the font size through the matrix
    scale: float  # horizontal: text space to page space
    chars: list[PdfObject]  # its characters, in the order of the text page


# Called once per text object of every table page.
_CHAR_MATRIX = unchecked(pdfium_c.FPDFText_GetMatrix)
_FONT_SIZE = unchecked(pdfium_c.FPDFText_GetFontSize)
_OBJECT_FONT = unchecked(pdfium_c.FPDFTextObj_GetFont, ctypes.c_void_p)  # its address


def _run(raw: Any, index: int, obj: Any, rank: int, fonts: dict[int, _Font], decimal: _Decimals, matrix: Any) -> _Run:
    """The run of the text object `obj` that char `index` belongs to; `matrix` takes PDFium's answer."""
    if not _CHAR_MATRIX(raw, index, ctypes.byref(matrix)):
        raise _Declined("a character without a matrix")
    if matrix.b != 0 or matrix.c != 0 or matrix.a <= 0 or matrix.d <= 0:
        raise _Declined("a character that is not upright")
    address = _OBJECT_FONT(obj) or 0
    font = fonts.get(address)
    if font is None:
        handle = ctypes.cast(address, pdfium_c.FPDF_FONT)
        descent = ctypes.c_float()
        if not pdfium_c.FPDFFont_GetDescent(handle, ctypes.c_float(1000.0), ctypes.byref(descent)):
            raise _Declined("a font without metrics")
        font = fonts[address] = _Font(handle, _font_name(handle), descent.value / 1000, {})
    font_size = _FONT_SIZE(raw, index)
    return _new_tuple(_Run, (rank, font, font_size * decimal[matrix.d], font_size * decimal[matrix.a], []))


def _chars(textpage: pdfium.PdfTextPage, height: float, order: _Order, decimal: _Decimals) -> list[PdfObject]:
    """The characters (not PDFium's generated spaces and line breaks) in drawing order: the order of
    their text objects on the page (PDFium regroups them by line). Every text object with glyphs
    must give some: PDFium leaves out a text object drawn again over itself, which pdfminer keeps."""
    raw = textpage.raw
    fonts: dict[int, _Font] = {}
    runs: dict[int, _Run] = {}
    x, y = ctypes.c_double(), ctypes.c_double()
    x_ref, y_ref = ctypes.byref(x), ctypes.byref(y)
    matrix, width = pdfium_c.FS_MATRIX(), ctypes.c_float()
    unicode_of, is_generated, map_error, origin_of, object_of = _UNICODE, _IS_GENERATED, _MAP_ERROR, _ORIGIN, _TEXT_OBJECT_ADDRESS
    key, run = None, None  # the run of the char before: most chars continue it
    for index in range(pdfium_c.FPDFText_CountChars(raw)):
        code = unicode_of(raw, index)
        if code <= 32 and is_generated(raw, index) != 0:
            continue  # PDFium's own spaces and line breaks (the only characters it generates)
        if code in (0, 0xFFFE, 0xFFFF) or map_error(raw, index) == 1:
            raise _Declined("a glyph without Unicode")  # pdfminer writes (cid:N)
        address = object_of(raw, index) or 0  # no object: 0, in no order
        if address != key:
            key, run = address, runs.get(address)
            if run is None:
                if address not in order:
                    raise _Declined("text outside the page's objects")
                rank, obj = order[address]
                run = runs[address] = _run(raw, index, obj, rank, fonts, decimal, matrix)
        assert run is not None  # set with key
        font = run.font
        advance = font.advances.get(code)
        if advance is None:
            advance = _advance(font, code, width)
        origin_of(raw, index, x_ref, y_ref)
        left = x.value
        if advance < 0:
            size = width_ = _vertical_size(raw, index, run, advance, left)
            top = height - (y.value + size)
        else:
            size, width_ = run.size, advance * run.scale
            # pdfminer's box spans the advance width, and the font size up from the font's descent.
            top = height - (y.value + font.descent * size + size)
        run.chars.append({
            "object_type": "char",
            "text": chr(code),
            "fontname": font.name,
            "size": size,
            "upright": True,
            "x0": left,
            "x1": left + width_,
            "top": top,
            "bottom": top + size,
            "doctop": top,
            "width": width_,
            "height": size,
        })
    given = {run.rank for run in runs.values()}
    for rank, obj in order.values():
        if rank not in given and pdfium_c.FPDFTextObj_GetText(obj, raw, None, 0) > 2:  # more than a NUL
            raise _Declined("text PDFium leaves out")
    # Drawing order: by run (a run's rank is its own), and in a run by index, as the chars were met.
    return [char for run in sorted(runs.values(), key=_RANK) for char in run.chars]


_RANK = itemgetter(0)


def _vertical_size(raw: Any, index: int, run: _Run, advance: float, x: float) -> float:
    """The size of a character in vertical writing, whose box pdfminer makes a square of the font
    size, the pen position at the middle of its top edge (without a W2 entry) and the vertical
    origin (DW2, W2) that far above. PDFium's origin is the pen position less the vertical origin:
    the square's lower-left corner, when the advance is the font size down (DW2's default) and the
    pen is at the middle (PDFium puts it at half the glyph's width when W2 does not say)."""
    matrix = pdfium_c.FS_MATRIX()
    if advance != -1 or run.size != run.scale or not pdfium_c.FPDFText_GetMatrix(raw, index, matrix):
        raise _Declined("vertical writing with an advance other than the font size")
    if abs(matrix.e - x - run.scale / 2) > _PEN_TOLERANCE:
        raise _Declined("vertical writing with the pen off the middle")
    return run.scale


# Points between PDFium's vertical pen position and the middle of the glyph (single-precision noise).
_PEN_TOLERANCE = 0.01


# --- paths ------------------------------------------------------------------------------------

Point = tuple[float, float]


def _colour(get: Any, obj: Any, rgba: Any) -> tuple[int, int, int] | None:
    """The path's colour by `get` (STROKE_COLOUR or FILL_COLOUR); `rgba` (four c_uint) takes its answer."""
    if not get(obj, *(ctypes.byref(rgba, 4 * i) for i in range(4))):
        return None  # a pattern: pdfplumber holds no colour for it either, and calls it visible
    red, green, blue = rgba[:3]
    if min(red, green, blue) in _UNSURE_COLOUR:
        raise _Declined("a path coloured near white")
    return red, green, blue


def _plumber_colour(rgb: tuple[int, int, int] | None) -> tuple[float, ...] | None:
    # Only whiteness is read from it (is_visible): 255 stands for 1.0, the rest for ink.
    return None if rgb is None else tuple(v / 255 for v in rgb)


def _is_white(color: Any) -> bool:
    if isinstance(color, (int, float)):
        color = (color,)
    if not isinstance(color, (tuple, list)) or not all(isinstance(v, (int, float)) for v in color):
        return False
    if len(color) == 4:  # CMYK: white is no ink at all
        return all(v <= 0.05 for v in color)
    return len(color) in (1, 3) and all(v >= 0.95 for v in color)


def is_visible(obj: dict[str, Any]) -> bool:
    """Whether the table finder sees a pdfplumber object. Word and WPS exports lay invisible white
    boxes behind every text line; their edges would turn narrative into tables."""
    if obj.get("object_type", "rect") not in ("rect", "line", "curve"):
        return True
    stroked = obj.get("stroke") and not _is_white(obj.get("stroking_color"))
    filled = obj.get("fill") and not _is_white(obj.get("non_stroking_color"))
    return bool(stroked or filled)


# Called once per segment of every path of a table page.
_COUNT_SEGMENTS = unchecked(pdfium_c.FPDFPath_CountSegments)
_SEGMENT = unchecked(pdfium_c.FPDFPath_GetPathSegment)
_SEGMENT_TYPE = unchecked(pdfium_c.FPDFPathSegment_GetType)
_SEGMENT_POINT = unchecked(pdfium_c.FPDFPathSegment_GetPoint)
_SEGMENT_CLOSES = unchecked(pdfium_c.FPDFPathSegment_GetClose)


def _subpaths(obj: Any, decimal: _Decimals) -> list[tuple[str, list[Point]]]:
    """The path's subpaths, each as pdfminer's shape string (m, l, c, h) and the end point of each
    operator as printed (before the CTM; an h at the subpath's start point)."""
    subpaths: list[tuple[str, list[Point]]] = []
    shape: list[str] = []
    points: list[Point] = []
    start: Point = (0.0, 0.0)
    x, y = ctypes.c_float(), ctypes.c_float()
    x_ref, y_ref = ctypes.byref(x), ctypes.byref(y)
    bezier = 0
    for index in range(_COUNT_SEGMENTS(obj)):
        segment = _SEGMENT(obj, index)
        kind = _SEGMENT_TYPE(segment)
        _SEGMENT_POINT(segment, x_ref, y_ref)
        point = (decimal[x.value], decimal[y.value])
        if kind == pdfium_c.FPDF_SEGMENT_MOVETO:
            if shape:
                subpaths.append(("".join(shape), points))
            shape, points, start = ["m"], [point], point
            continue
        if kind == pdfium_c.FPDF_SEGMENT_BEZIERTO:
            bezier += 1
            if bezier % 3:
                continue  # control points: pdfminer keeps the end point of each curve
            shape.append("c")
        elif kind == pdfium_c.FPDF_SEGMENT_LINETO:
            shape.append("l")
        else:
            raise _Declined("an unknown path segment")
        points.append(point)
        if _SEGMENT_CLOSES(segment):
            # PDFium draws h as a line back to the start (or marks the line that got there); pdfminer
            # drops such a line before an h, so both are one h at the start point.
            if shape[-1] == "l" and point == start and len(shape) > 2:
                shape[-1] = "h"
            else:
                shape.append("h")
                points.append(start)
    if shape:
        subpaths.append(("".join(shape), points))
    return subpaths


def _bounds(points: list[Point]) -> tuple[float, float, float, float]:
    xs, ys = zip(*points)
    return min(xs), min(ys), max(xs), max(ys)


def _placed(kind: str, points: list[Point], style: PdfObject, height: float) -> PdfObject:
    """An object with pdfplumber's coordinates (top-left origin) from pdfminer's bounds."""
    x0, y0, x1, y1 = _bounds(points)
    top = height - y1
    obj: PdfObject = {
        "object_type": kind,
        "x0": x0,
        "y0": y0,
        "x1": x1,
        "y1": y1,
        "width": x1 - x0,
        "height": y1 - y0,
        "top": top,
        "bottom": height - y0,
        "doctop": top,
        **style,
    }
    if kind == "curve":
        obj["pts"] = [(px, height - py) for px, py in points]
    return obj


def _is_rect(points: list[Point]) -> bool:
    """pdfminer's test for a rectangle among four-sided closed subpaths."""
    (x0, y0), (x1, y1), (x2, y2), (x3, y3), closing = points
    square = (x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0) or (y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0)
    return points[0] == closing and square


class _Rectangles:
    """The `x y w h re` operators of the page's content stream, by the corners PDFium keeps of them.

    PDFium keeps `103.6 80.05 76.55 39.1 re` as the corner 180.15 (x + w in single precision), as it
    keeps `180.15 80.05 l`; pdfminer adds x + w in double precision: 180.14999999999998. Only the
    content stream says which was printed; it is read only for a page with a visible rectangle."""

    RE = re.compile(rb"(?<![^\s\]>)}])" + rb"\s+".join([rb"([+-]?(?:\d+\.?\d*|\.\d+))"] * 4) + rb"\s+re(?![^\s/\[<(%])")

    def __init__(self, content: Callable[[], bytes]) -> None:
        self._content = content
        self._known: dict[bytes, tuple[float, float]] | None = None  # by the corners in single precision

    def size(self, x: float, y: float, right: float, top: float) -> tuple[float, float] | None:
        """The (w, h) of an `re` whose corners PDFium keeps as these, if the page prints one."""
        if self._known is None:
            self._known = {}
            for match in printed_rectangles(self._content()):
                rx, ry, rw, rh = (float(v) for v in match.groups())
                sx, sy, sw, sh = _FOUR_SINGLES.unpack(_FOUR_SINGLES.pack(rx, ry, rw, rh))
                self._known[_FOUR_SINGLES.pack(rx, ry, sx + sw, sy + sh)] = (rw, rh)
        return self._known.get(_FOUR_SINGLES.pack(x, y, right, top))


_FOUR_SINGLES = struct.Struct("<4f")
# The `re` operator (as _Rectangles.RE ends), and what cannot stand between it and the numbers before it.
_RE_OPERATOR = re.compile(rb"re(?![^\s/\[<(%])")
_NOT_IN_NUMBERS = re.compile(rb"[^0-9.+\-\s]")
_WHITESPACE = frozenset(b" \t\n\r\x0b\x0c")  # what \s matches in bytes


def printed_rectangles(content: bytes) -> Iterator[re.Match[bytes]]:
    """What _Rectangles.RE.finditer(content) finds, in a tenth of the time: its engine tries every
    byte of the stream as the start of four numbers. A match ends at an `re` operator after
    whitespace, and starts after the last byte before it that no number or whitespace holds: only
    that stretch is searched, from the end of the match before (lookbehind and lookahead see the
    whole stream; the operator's own lookahead is the pattern's)."""
    reversed_content: bytes | None = None
    searched = 0
    for operator in _RE_OPERATOR.finditer(content):
        at = operator.start()
        if at == 0 or content[at - 1] not in _WHITESPACE:
            continue
        if reversed_content is None:
            reversed_content = content[::-1]
        stop = _NOT_IN_NUMBERS.search(reversed_content, len(content) - at)
        start = 0 if stop is None else len(content) - stop.start()
        match = _Rectangles.RE.search(content, max(searched, start), operator.end())
        if match is not None:
            yield match
            searched = match.end()


def _corners(points: list[Point], visible: bool, rectangles: _Rectangles) -> list[Point]:
    """The rectangle's two opposite corners as pdfminer computes them, before the CTM."""
    (x, y), _, (right, top) = points[0], points[1], points[2]
    if points[1][1] != y or not visible:
        return [(x, y), (right, top)]  # not drawn as `re` would be, or not seen by the table finder
    printed = rectangles.size(x, y, right, top)
    if printed is None:
        return [(x, y), (right, top)]
    return [(x, y), (x + printed[0], y + printed[1])]


def _transformed(matrix: tuple[float, ...], points: list[Point]) -> list[Point]:
    a, b, c, d, e, f = matrix
    return [(a * x + c * y + e, b * x + d * y + f) for x, y in points]  # pdfminer's apply_matrix_pt


def _paths(page: pdfium.PdfPage, height: float, decimal: _Decimals, rectangles: _Rectangles) -> tuple[list[PdfObject], ...]:
    lines: list[PdfObject] = []
    rects: list[PdfObject] = []
    curves: list[PdfObject] = []
    fill_mode, stroke = ctypes.c_int(), ctypes.c_int()
    mode_refs = (ctypes.byref(fill_mode), ctypes.byref(stroke))
    rgba, buffer = (ctypes.c_uint * 4)(), pdfium_c.FS_MATRIX()
    raw = page.raw
    for index in range(pdfium_c.FPDFPage_CountObjects(raw)):
        obj = GET_OBJECT(raw, index)
        if GET_TYPE(obj) != pdfium_c.FPDF_PAGEOBJ_PATH:
            continue
        if not DRAW_MODE(obj, *mode_refs):
            raise _Declined("a path without a drawing mode")
        stroked, filled = bool(stroke.value), fill_mode.value != pdfium_c.FPDF_FILLMODE_NONE
        style = {
            "stroke": stroked,
            "fill": filled,
            # A colour the path is not painted with decides nothing.
            "stroking_color": _plumber_colour(_colour(STROKE_COLOUR, obj, rgba)) if stroked else None,
            "non_stroking_color": _plumber_colour(_colour(FILL_COLOUR, obj, rgba)) if filled else None,
        }
        matrix = _matrix(obj, decimal, buffer)
        for shape, points in _subpaths(obj, decimal):
            if len(shape) < 2:
                continue  # a lone m paints nothing
            if shape in ("mlh", "ml"):
                lines.append(_placed("line", _transformed(matrix, points[:2]), style, height))
            elif shape in ("mlllh", "mllll") and _is_rect(points):
                corners = _corners(points, is_visible(style), rectangles)
                rects.append(_placed("rect", _transformed(matrix, corners), style, height))
            else:
                curves.append(_placed("curve", _transformed(matrix, points), style, height))
    return lines, rects, curves


# --- the page ---------------------------------------------------------------------------------


def _text_objects(page: pdfium.PdfPage) -> _Order | None:
    """Each text object's place in the drawing order, or None when the page holds form XObjects
    (whose content this model does not open)."""
    order: _Order = {}
    for index in range(pdfium_c.FPDFPage_CountObjects(page.raw)):
        obj = GET_OBJECT(page.raw, index)
        kind = GET_TYPE(obj)
        if kind == pdfium_c.FPDF_PAGEOBJ_FORM:
            return None
        if kind == pdfium_c.FPDF_PAGEOBJ_TEXT:
            order[_address(obj)] = (index, obj)
    return order


def read_page(page: pdfium.PdfPage, textpage: pdfium.PdfTextPage, content: Callable[[], bytes]) -> PageObjects | str:
    """The page's objects as pdfplumber gives them, or why PDFium cannot tell what they would be.
    `content` gives the page's content stream, wanted for some rectangles (see _Rectangles)."""
    try:
        decimal = _DECIMALS
        left, bottom, right, top = (decimal[v] for v in page.get_mediabox())
        if page.get_rotation() != 0 or (left, bottom) != (0, 0):
            return "a rotated or shifted page"
        order = _text_objects(page)
        if order is None:
            return "form XObjects"
        height = top - bottom
        chars = _chars(textpage, height, order, decimal)
        lines, rects, curves = _paths(page, height, decimal, _Rectangles(content))
    except _Declined as reason:
        return str(reason)
    return PageObjects(chars=chars, lines=lines, rects=rects, curves=curves)
