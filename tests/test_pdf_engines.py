"""The PDFium engine (PDFium's page objects through pdfplumber's table finder) reads every PDF exactly
as the pdfplumber reference does, and hands pdfplumber the pages it cannot vouch for."""

from __future__ import annotations

import io
import random
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pdfplumber
import pytest
from pdfplumber.table import TableFinder
from pdfplumber.utils.text import extract_text
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from xxgk.ingest import pdf as pdf_reader
from xxgk.ingest.document import Document, Grid
from xxgk.ingest.pdf import PdfReader
from xxgk.ingest.pdfium_page import _Rectangles, is_visible, printed_rectangles

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
FIXTURE_PDFS = sorted(FIXTURES.glob("**/*.pdf"))


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """What PDFium answered for each page it was asked about: "objects", or why it declined."""
    answers: list[str] = []
    read_page = pdf_reader.read_page

    def spy(*args: Any) -> Any:
        found = read_page(*args)
        answers.append(found if isinstance(found, str) else "objects")
        return found

    monkeypatch.setattr(pdf_reader, "read_page", spy)
    yield answers


def _both(path: Path, data: bytes) -> tuple[Document, Document]:
    return PdfReader("pdfplumber").read(path, data, str(path)), PdfReader("pdfium").read(path, data, str(path))


def _assert_same(reference: Document, fast: Document) -> None:
    grids = [block for block in reference.blocks if isinstance(block, Grid)]
    assert [b for b in fast.blocks if isinstance(b, Grid)] == grids  # text, merges and provenance, to the bit
    assert fast == reference


@pytest.mark.parametrize("path", FIXTURE_PDFS, ids=lambda p: p.parent.name)
def test_fixture_pdfs_read_the_same_with_both_engines(path: Path, served: list[str]) -> None:
    reference, fast = _both(path, path.read_bytes())
    _assert_same(reference, fast)
    if any(isinstance(b, Grid) and not b.prov.ocr for b in reference.blocks):
        assert "objects" in served  # PDFium did read the table pages of the text layer (scans are OCR's)


def test_corpus_pdfs_read_the_same_with_both_engines(corpus: Path, served: list[str]) -> None:
    paths = sorted(corpus.glob("*/*.pdf"))
    assert paths
    for path in paths:
        reference, fast = _both(path, path.read_bytes())
        _assert_same(reference, fast)
    assert "objects" in served


# --- pages PDFium cannot vouch for go to pdfplumber -------------------------------------------

Draw = Callable[[canvas.Canvas], None]
FONT = "STSong-Light"


def _ruled_table(draw_extra: Draw) -> bytes:
    """A page with a small ruled table holding signal words, plus whatever `draw_extra` draws."""
    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=(595, 842), invariant=1)
    page.setFont(FONT, 10)
    xs, ys = (100.35, 220.7, 340.05), (700.15, 680.45, 660.75)
    for x in xs:
        page.line(x, ys[0], x, ys[-1])
    for y in ys:
        page.line(xs[0], y, xs[-1], y)
    for row, (label, value) in enumerate((("总计", "12"), ("信息内容", "3"))):
        page.drawString(xs[0] + 4, ys[row] - 14, label)
        page.drawString(xs[1] + 4, ys[row] - 14, value)
    draw_extra(page)
    page.showPage()
    page.save()
    return buffer.getvalue()


def _shaded_by_re(page: canvas.Canvas) -> None:
    page.setFillColorRGB(0.78, 0.85, 0.95)
    page.rect(100.35, 680.45, 120.35, 19.7, stroke=0, fill=1)  # x + w is not 220.7 in doubles


def _shaded_by_path(page: canvas.Canvas) -> None:
    page.setFillColorRGB(0.78, 0.85, 0.95)
    path = page.beginPath()
    path.moveTo(100.35, 680.45)
    for x, y in ((220.7, 680.45), (220.7, 700.15), (100.35, 700.15)):
        path.lineTo(x, y)
    path.close()
    page.drawPath(path, stroke=0, fill=1)


def _near_white_rule(page: canvas.Canvas) -> None:
    page.setStrokeGray(0.95)
    page.line(100.35, 640, 340.05, 640)


def _vertical_label(page: canvas.Canvas) -> None:
    """A second table whose tall first cell is written top to bottom (Identity-V style CMap)."""
    vertical = UnicodeCIDFont(FONT, isVertical=True)
    vertical.name = vertical.fontName = f"{FONT}-V"  # ReportLab knows fonts by name: not the horizontal one
    pdfmetrics.registerFont(vertical)
    xs, ys = (100.35, 140.5, 340.05), (600.25, 550.5, 500.75)
    for x in xs:
        page.line(x, ys[0], x, ys[-1])
    for y in (ys[0], ys[-1]):
        page.line(xs[0], y, xs[-1], y)
    page.line(xs[1], ys[1], xs[-1], ys[1])
    page.setFont(vertical.fontName, 10)
    page.drawString(xs[0] + 15, ys[0] - 10, "申请人情况")
    page.setFont(FONT, 10)
    page.drawString(xs[1] + 4, ys[0] - 30, "自然人 3")
    page.drawString(xs[1] + 4, ys[1] - 30, "法人 4")


CASES: list[tuple[str, bytes, str]] = [
    ("shaded cell drawn with re", _ruled_table(_shaded_by_re), "objects"),
    ("shaded cell drawn as a path", _ruled_table(_shaded_by_path), "objects"),
    ("rule in a grey near white", _ruled_table(_near_white_rule), "a path coloured near white"),
    ("vertical text in a cell", _ruled_table(_vertical_label), "objects"),
]


@pytest.mark.parametrize(("name", "data", "answer"), CASES, ids=[case[0] for case in CASES])
def test_pdfium_serves_or_declines_and_the_result_is_the_reference(
    name: str, data: bytes, answer: str, served: list[str]
) -> None:
    path = Path(f"{name}.pdf")
    reference, fast = _both(path, data)
    assert any(isinstance(block, Grid) for block in reference.blocks), name
    _assert_same(reference, fast)
    assert served == [answer]


# --- the shortcuts the engines share ------------------------------------------------------------


def _glyph(text: str, x: float, top: float) -> dict[str, Any]:
    return {"text": text, "x0": x, "top": top}


@pytest.mark.parametrize(
    ("chars", "overprinted"),
    [
        ([_glyph("总", 10, 20), _glyph("计", 22, 20)], False),
        ([_glyph("总", 10, 20), _glyph("总", 10, 20)], True),  # the same place
        *[([_glyph("总", 10, 20), _glyph("总", 10 + dx, 20 + dy)], True) for dx in (-1, 0, 1) for dy in (-1, 0, 1)],
        ([_glyph("总", 10, 20), _glyph("总", 12, 20)], False),  # two points apart
        ([_glyph("总", 10, 20), _glyph("总", 10, 18)], False),
        ([_glyph("总", 10.4, 20), _glyph("总", 11.6, 20)], False),  # rounded: 10 and 12
        ([_glyph("总", 10, 20), _glyph("计", 10, 20)], False),  # other text
        ([_glyph("总", 10, 20), _glyph("计", 30, 20), _glyph("总", 11, 19)], True),
    ],
)
def test_overprinted_finds_a_glyph_painted_again_within_a_point(chars: list[dict[str, Any]], overprinted: bool) -> None:
    assert pdf_reader._overprinted(chars) is overprinted
    assert pdf_reader._overprinted(chars[::-1]) is overprinted


@pytest.mark.parametrize("value", [-5.0, 0.0, 10.0, 14.9, 15.0, 15.1, 20.0, 20.5, 33.0, 99.0])
def test_nearest_bound_is_the_first_of_the_nearest(value: float) -> None:
    bounds = (0.0, 10.0, 20.0, 30.0)
    expected = min(range(len(bounds)), key=lambda i: abs(bounds[i] - value))  # by definition
    assert pdf_reader._nearest(bounds, value) == expected


@pytest.mark.parametrize("path", FIXTURE_PDFS[:3], ids=lambda p: p.parent.name)
def test_cells_are_the_ones_pdfplumber_finds(path: Path) -> None:
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            finder = TableFinder(page.filter(is_visible), pdf_reader.TABLE_SETTINGS)
            assert pdf_reader._cells(finder.intersections) == finder.cells


def _char(text: str, x: float, top: float, width: float = 10.0, upright: bool = True) -> dict[str, Any]:
    return {"text": text, "x0": x, "x1": x + width, "top": top, "bottom": top + 10, "doctop": top, "upright": upright,
            "size": 10.0, "width": width, "height": 10.0}


@pytest.mark.parametrize(
    ("chars", "text"),
    [
        ([_char("总", 10, 20), _char("计", 20, 20)], "总计"),
        ([_char("计", 20, 20), _char("总", 10, 20)], "总计"),  # by x0, whatever the drawing order
        ([_char("1", 10, 20), _char("2", 23, 20)], "12"),  # a gap of the tolerance (3) joins
        ([_char("1", 10, 20), _char("2", 23.5, 20)], "1 2"),  # beyond it, a new word
        ([_char("一", 10, 20), _char("二", 10, 33.5)], "一\n二"),  # lines more than 3 apart, from the top
        ([_char("二", 10, 33.5), _char("一", 10, 20)], "一\n二"),
        ([_char("一", 10, 20), _char("二", 10, 23)], None),  # tops within 3: pdfplumber clusters them
        ([_char("一", 10, 20), _char("二", 20, 20.5)], None),  # one line, two tops
        ([_char("一", 10, 20), _char(" ", 20, 20), _char("二", 30, 20)], None),  # spaces: extract_text's
        ([_char("ﬁ", 10, 20)], None),  # a ligature, which it expands
        ([_char("一", 10, 20, upright=False)], None),
    ],
)
def test_lined_text_is_what_pdfplumber_extracts(chars: list[dict[str, Any]], text: str | None) -> None:
    assert pdf_reader._lined_text(chars) == text
    assert pdf_reader._cell_text(chars) == extract_text(chars)


@pytest.mark.parametrize("path", FIXTURE_PDFS[:3], ids=lambda p: p.parent.name)
def test_lined_text_of_every_cell_is_what_pdfplumber_extracts(path: Path) -> None:
    """The fast path of _cell_text, against the function it stands for, over the cells of real tables."""
    read = 0
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            for table in page.find_tables(pdf_reader.TABLE_SETTINGS):
                for cell in table.cells:
                    chars = table.page.crop(cell).chars
                    text = pdf_reader._lined_text(chars) if chars else None
                    if text is not None:
                        assert text == extract_text(chars)
                        read += 1
    assert read


def _ink_by_scan(chars: list[dict[str, Any]], box: tuple[float, float, float, float]) -> list[dict[str, Any]]:
    """The definition: every char of the page, in page order, whose middle is in the box, edges included."""
    return [
        c for c in chars
        if not c["text"].isspace()
        and box[0] <= (c["x0"] + c["x1"]) / 2 <= box[2]
        and box[1] <= (c["top"] + c["bottom"]) / 2 <= box[3]
    ]


@pytest.mark.parametrize("path", FIXTURE_PDFS[:3], ids=lambda p: p.parent.name)
def test_ink_of_a_box_indexed_by_height_is_the_ink_found_by_scanning_the_page(path: Path) -> None:
    """_CharsByHeight.ink_in (what _room_after measures) against the scan it replaced, over every
    cell of real tables and the same boxes with edges on the middles of their chars."""
    compared = 0
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            chars = page.chars
            by_height = pdf_reader._CharsByHeight(chars)
            for table in page.find_tables(pdf_reader.TABLE_SETTINGS):
                for x0, top, x1, bottom in table.cells:
                    inside = _ink_by_scan(chars, (x0, top, x1, bottom))
                    boxes = [(x0, top, x1, bottom)]
                    if inside:  # edges through the middles of the outermost chars: included
                        middles = [((c["x0"] + c["x1"]) / 2, (c["top"] + c["bottom"]) / 2) for c in inside]
                        boxes.append((min(m[0] for m in middles), min(m[1] for m in middles),
                                      max(m[0] for m in middles), max(m[1] for m in middles)))
                    for box in boxes:
                        assert by_height.ink_in(box) == _ink_by_scan(chars, box)
                        compared += bool(inside)
    assert compared


def _matches(found: Iterator[re.Match[bytes]]) -> list[tuple[tuple[int, int], tuple[bytes | Any, ...]]]:
    return [(match.span(), match.groups()) for match in found]


# Pieces of content streams around `re` (numbers, signs, delimiters, operators that start with r or e).
_PIECES = [b" ", b"\n", b"\t", b"1", b"23", b".", b"0.5", b"-", b"+", b"re", b" re ", b"re\n", b"r", b"e", b"rg",
           b"]", b">", b")", b"}", b"[", b"(", b"<", b"/", b"%", b"m", b"q"]


def _streams() -> Iterator[bytes]:
    pieces = random.Random(15)
    for _ in range(20000):
        yield b"".join(pieces.choice(_PIECES) for _ in range(pieces.randint(0, 24)))
    for path in FIXTURE_PDFS[:3]:
        data = path.read_bytes()
        with pdf_reader._Plumber(data) as plumber, pdfplumber.open(path) as pdf:
            for number in range(1, len(pdf.pages) + 1):
                yield plumber.content(number)


def test_rectangles_found_near_each_operator_are_those_the_pattern_finds_in_the_whole_stream() -> None:
    for stream in _streams():
        assert _matches(printed_rectangles(stream)) == _matches(_Rectangles.RE.finditer(stream)), stream
