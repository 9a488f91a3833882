"""The PDF reader, on PDFs drawn here with reportlab and on the real reports of the shared corpus."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas
from reportlab.platypus import Flowable, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus import Paragraph as Para

from xxgk.errors import CorruptFileError, EncryptedError
from xxgk.ingest import ocr
from xxgk.ingest.document import Document, Grid, Paragraph
from xxgk.ingest.ocr import OcrMode
from xxgk.ingest.pdf import READER, NeedsOcrError, PdfReader, clean_cell, note_digits, pdf_date

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))
BODY = ParagraphStyle("body", fontName=FONT, fontSize=11, leading=16)


# --- building PDFs ----------------------------------------------------------------------------


def _table(rows: list[list[str]], spans: tuple[tuple[tuple[int, int], tuple[int, int]], ...] = (), **kw: object) -> Table:
    style = [("FONTNAME", (0, 0), (-1, -1), FONT), ("FONTSIZE", (0, 0), (-1, -1), 10), ("LEADING", (0, 0), (-1, -1), 12),
             ("GRID", (0, 0), (-1, -1), 0.5, "black"), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]
    style += [("SPAN", start, end) for start, end in spans]
    return Table(rows, style=TableStyle(style), **kw)  # type: ignore[arg-type]


def _story_pdf(story: list[Flowable], **info: str) -> bytes:
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, **info).build(story)
    return buffer.getvalue()


def _canvas_pdf(draw: Callable[[canvas.Canvas], None], **options: object) -> bytes:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, **options)  # type: ignore[arg-type]
    draw(pdf)
    pdf.save()
    return buffer.getvalue()


def _read(data: bytes, name: str = "report.pdf") -> Document:
    return READER.read(Path(name), data, name)


def _grids(document: Document) -> list[Grid]:
    return [block for block in document.blocks if isinstance(block, Grid)]


def _paragraphs(document: Document) -> list[Paragraph]:
    return [block for block in document.blocks if isinstance(block, Paragraph)]


def _texts(grid: Grid) -> list[list[str]]:
    return [[cell.text for cell in row] for row in grid.rows]


STACKED = "三\n、\n本\n年\n度"
MERGED_ROWS = [
    ["项目", "", "自然人", "总计"],
    [STACKED, "（一）予以公开", "5", "5"],
    ["", "（二）部分公开", "1", "1"],
    ["", "（三）不予公开", "0", "0"],
    ["四、结转", "", "2", "2"],
]
MERGED_SPANS = (((0, 0), (1, 0)), ((0, 1), (0, 3)), ((0, 4), (1, 4)))


@pytest.fixture(scope="module")
def merged_doc() -> Document:
    story: list[Flowable] = [
        Para("二、表格之前的一段正文。", BODY),
        Spacer(1, 12),
        _table(MERGED_ROWS, MERGED_SPANS, colWidths=[60, 140, 80, 80], rowHeights=[24] * 5),
        Spacer(1, 24),
        _table([["这是一个带边框的说明文字框，里面是叙述而不是数据。"], ["说明框的第二行文字。"]], colWidths=[360]),
        Spacer(1, 12),
        _table([["只有一个格子的边框，里面写着一句较长的叙述文字。"]], colWidths=[360]),
        Para("表格之后的一段正文。", BODY),
    ]
    return _read(_story_pdf(story, title="测试报告", author="办公室"))


# --- ruled tables -----------------------------------------------------------------------------


def test_merged_cells_are_filled_from_the_cell_that_covers_them(merged_doc: Document) -> None:
    (grid,) = _grids(merged_doc)
    assert _texts(grid) == [
        ["项目", "项目", "自然人", "总计"],
        ["三、本年度", "（一）予以公开", "5", "5"],
        ["三、本年度", "（二）部分公开", "1", "1"],
        ["三、本年度", "（三）不予公开", "0", "0"],
        ["四、结转", "四、结转", "2", "2"],
    ]
    merged = [[cell.merged for cell in row] for row in grid.rows]
    assert merged[0] == [False, True, False, False]
    assert [row[0] for row in merged] == [False, False, True, True, False]
    assert merged[4] == [False, True, False, False]


def test_grid_cells_carry_page_box_and_position(merged_doc: Document) -> None:
    (grid,) = _grids(merged_doc)
    assert grid.prov.page == 1 and grid.prov.table == 0 and grid.prov.bbox is not None
    for r, row in enumerate(grid.rows):
        for c, cell in enumerate(row):
            assert (cell.prov.page, cell.prov.table, cell.prov.row, cell.prov.col) == (1, 0, r, c)
            x0, top, x1, bottom = cell.prov.bbox or (0, 0, 0, 0)
            assert x0 < x1 and top < bottom
    # A merged copy points at the box of the cell it repeats.
    assert grid.rows[3][0].prov.bbox == grid.rows[1][0].prov.bbox


def test_table_text_is_not_repeated_as_paragraphs(merged_doc: Document) -> None:
    texts = [p.text for p in _paragraphs(merged_doc)]
    assert not any("予以公开" in text or "自然人" in text for text in texts)


def test_one_column_boxes_are_narrative(merged_doc: Document) -> None:
    texts = [p.text for p in _paragraphs(merged_doc)]
    assert "这是一个带边框的说明文字框，里面是叙述而不是数据。" in texts
    assert "说明框的第二行文字。" in texts
    assert "只有一个格子的边框，里面写着一句较长的叙述文字。" in texts
    assert len(_grids(merged_doc)) == 1


def test_blocks_follow_the_page_from_top_to_bottom(merged_doc: Document) -> None:
    kinds = [(block.kind, block.text if isinstance(block, Paragraph) else "") for block in merged_doc.blocks]
    assert kinds[0] == ("paragraph", "二、表格之前的一段正文。")
    assert kinds[1] == ("grid", "")
    assert kinds[-1] == ("paragraph", "表格之后的一段正文。")
    tops = [block.prov.bbox[1] for block in merged_doc.blocks if block.prov.bbox]
    assert tops == sorted(tops)


def test_paragraphs_carry_page_and_box(merged_doc: Document) -> None:
    for paragraph in _paragraphs(merged_doc):
        assert paragraph.prov.page == 1
        x0, top, x1, bottom = paragraph.prov.bbox or (0, 0, 0, 0)
        assert 0 < x0 < x1 < A4[0] and 0 < top < bottom < A4[1]


def test_metadata(merged_doc: Document) -> None:
    metadata = merged_doc.metadata
    assert metadata["title"] == "测试报告"
    assert metadata["author"] == "办公室"
    assert metadata["pages"] == "1"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", metadata["created"])
    assert merged_doc.format == "pdf" and len(merged_doc.report_id) == 16


# --- tables across pages ----------------------------------------------------------------------


def _long_table(header: list[str], rows: int, repeat: int) -> bytes:
    body = [[f"第{i}项", str(i), str(2 * i)] for i in range(1, rows + 1)]
    story: list[Flowable] = [
        Para("三、统计情况（自然人、总计）如下表。", BODY),
        _table([header, *body], colWidths=[160, 100, 100], repeatRows=repeat),
        Para("表格之后的正文。", BODY),
    ]
    return _story_pdf(story)


def test_table_split_across_pages_is_stitched_without_the_repeated_header() -> None:
    document = _read(_long_table(["类别", "自然人", "总计"], 60, repeat=1))
    (grid,) = _grids(document)
    rows = _texts(grid)
    assert len(rows) == 61
    assert rows[0] == ["类别", "自然人", "总计"]
    assert [row[0] for row in rows[1:]] == [f"第{i}项" for i in range(1, 61)]
    pages = {cell.prov.page for row in grid.rows for cell in row}
    assert pages == {1, 2}
    assert grid.rows[-1][0].prov.page == 2 and grid.rows[-1][0].prov.row == 60
    assert _paragraphs(document)[-1].text == "表格之后的正文。"
    assert document.blocks[-1].kind == "paragraph"


def test_continuation_page_without_signal_words_is_found_by_its_rulings() -> None:
    document = _read(_long_table(["类别", "甲", "乙"], 60, repeat=0))
    (grid,) = _grids(document)
    assert len(grid.rows) == 61
    assert {row[0].prov.page for row in grid.rows} == {1, 2}


def test_tables_on_pages_without_signals_and_continuation_are_not_searched() -> None:
    story: list[Flowable] = [Para("普通的一段叙述。", BODY), _table([["甲", "乙"], ["1", "2"]])]
    document = _read(_story_pdf(story))
    assert _grids(document) == []
    # 甲 and 乙 are lone glyphs of a font that is not embedded: PDFium skips them, so the page is
    # read again with pdfminer. The column gap stays a space.
    assert [p.text for p in _paragraphs(document)] == ["普通的一段叙述。", "甲 乙", "1 2"]


def test_shifted_media_box_keeps_paragraphs_and_cells_aligned() -> None:
    story: list[Flowable] = [Para("表格之前。", BODY), _table(MERGED_ROWS, MERGED_SPANS, rowHeights=[24] * 5)]
    data = _story_pdf(story)
    shifted = data.replace(b"/MediaBox [ 0 0 595.2756 841.8898 ]", b"/MediaBox [ 9 7 595.2756 841.8898 ]")
    assert shifted != data
    document = _read(shifted)
    assert len(_grids(document)) == 1
    assert [p.text for p in _paragraphs(document)] == ["表格之前。"]


# --- a row split by the page break ------------------------------------------------------------


class _LeaveRoom(Flowable):
    """Takes up the frame's height but `keep` points, so that what follows starts that far above the bottom."""

    def __init__(self, keep: float) -> None:
        super().__init__()
        self.keep = keep

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        self.height = max(0.0, ah - self.keep)
        return (aw, self.height)

    def draw(self) -> None:
        pass


ROW_HEIGHT = 20
SPLIT_HEAD = [["项目", "自然人", "法人", "总计"], ["一、本年新收申请数量", "3", "1", "4"]]
SPLIT_NEXT = ["6.属于四类过程性信息", "3", "0", "3"]
# Fills the 148 points inside a 160-point cell to within a character (10-point glyphs): a line that wrapped.
FULL_LINE = "2.申请人逾期未按收费通知要求缴"


def _page_broken(above: list[list[str]], below: list[list[str]], *after: Flowable) -> bytes:
    """One ruled table whose page break falls between the rows `above` and the rows `below`, as a row that
    may break across pages prints when its cells' lines are dealt to the two pages."""
    rows = [*above, *below]
    table = _table(rows, colWidths=[160, 60, 60, 60], rowHeights=[ROW_HEIGHT] * len(rows))
    keep = ROW_HEIGHT * len(above) + ROW_HEIGHT / 2
    return _story_pdf([Para("三、统计情况（自然人、总计）如下表。", BODY), _LeaveRoom(keep), table, *after])


def _pages(grid: Grid) -> list[list[int | None]]:
    return [[cell.prov.page for cell in row] for row in grid.rows]


@pytest.mark.parametrize(
    ("last", "first", "joined", "pages"),
    [
        # the label above the break, its numbers below
        (["4.保护第三方合法权益", "", "", ""], ["", "5", "1", "6"], ["4.保护第三方合法权益", "5", "1", "6"], [1, 2, 2, 2]),
        # nothing left below the break but the rest of the row's height
        (["4.保护第三方合法权益", "2", "1", "3"], ["", "", "", ""], ["4.保护第三方合法权益", "2", "1", "3"], [1, 1, 1, 1]),
    ],
    ids=["numbers-below", "empty-rest"],
)
def test_row_split_by_the_page_break_is_read_as_one(last: list[str], first: list[str], joined: list[str],
                                                     pages: list[int]) -> None:
    (grid,) = _grids(_read(_page_broken([*SPLIT_HEAD, last], [first, SPLIT_NEXT])))
    assert _texts(grid) == [*SPLIT_HEAD, joined, SPLIT_NEXT]
    assert _pages(grid)[2] == pages and grid.may_continue == ()
    assert [cell.prov.row for cell in grid.rows[3]] == [3] * 4  # the rows after it keep their order


@pytest.mark.parametrize(
    ("last", "first"),
    [
        # a full label line above, text and numbers below: the rest of a wrapped label, or a row of its own
        # under a blank row whose label filled its line — the reader leaves it to the labels (UNSURE)
        ([FULL_LINE, "", "", ""], ["纳费用", "5", "1", "6"]),
        ([FULL_LINE, "5", "", "6"], ["纳费用", "", "1", ""]),
        (["行政处罚", "", "", ""], ["行政强制", "3", "", ""]),
    ],
    ids=["label-runs-on", "cell-by-cell", "blank-row-above-a-full-one"],
)
def test_text_and_numbers_below_a_full_label_are_left_to_the_labels(last: list[str], first: list[str]) -> None:
    (grid,) = _grids(_read(_page_broken([*SPLIT_HEAD, last], [first, SPLIT_NEXT])))
    assert _texts(grid)[len(SPLIT_HEAD)] == last and grid.may_continue == (len(SPLIT_HEAD) + 1,)


@pytest.mark.parametrize(
    ("last", "first"),
    [
        # a row of its own: its label has a list marker, whether the row above is full or blank
        (["4.保护第三方合法权益", "2", "1", "3"], ["5.属于三类内部事务信息", "1", "0", "1"]),
        (["4.保护第三方合法权益", "", "", ""], ["5.属于三类内部事务信息", "1", "0", "1"]),
        # numbers where the row above has its own: two rows (the one below lost no label: it has none)
        (["4.保护第三方合法权益", "2", "", "3"], ["", "5", "1", "6"]),
    ],
    ids=["full-row-above", "blank-row-above", "numbers-over-numbers"],
)
def test_new_row_at_the_top_of_the_page_is_not_merged(last: list[str], first: list[str]) -> None:
    (grid,) = _grids(_read(_page_broken([*SPLIT_HEAD, last], [first, SPLIT_NEXT])))
    assert _texts(grid) == [*SPLIT_HEAD, last, first, SPLIT_NEXT]
    assert grid.may_continue == ()
    assert {cell.prov.page for cell in grid.rows[2]} == {1} and {cell.prov.page for cell in grid.rows[3]} == {2}


def test_unmarked_text_under_a_short_label_may_be_either() -> None:
    # '4.保护第三方' did not wrap (a line break typed in the label, or a label of its own below): the reader
    # keeps two rows and says the second may continue the first; the parser decides by the labels.
    last, first = ["4.保护第三方", "", "", ""], ["合法权益", "5", "1", "6"]
    (grid,) = _grids(_read(_page_broken([*SPLIT_HEAD, last], [first, SPLIT_NEXT])))
    assert _texts(grid) == [*SPLIT_HEAD, last, first, SPLIT_NEXT]
    assert grid.may_continue == (3,)


T4_HEAD = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]


@pytest.mark.parametrize(
    ("after", "first_row"),
    [
        # other columns: another table, even with nothing between them
        ([_table([T4_HEAD, ["2", "1", "0", "1", "4"]] * 2, colWidths=[68] * 5)], T4_HEAD),
        # the same columns and a first row of numbers only, but under a heading of its own
        ([Para("四、行政复议、行政诉讼情况", BODY), _table([["", "5", "1", "6"], SPLIT_NEXT], colWidths=[160, 60, 60, 60])],
         ["", "5", "1", "6"]),
    ],
    ids=["other-columns", "after-a-heading"],
)
def test_new_table_at_the_top_of_the_next_page_is_not_joined(after: list[Flowable], first_row: list[str]) -> None:
    last = ["4.保护第三方合法权益", "", "", ""]
    first, second = _grids(_read(_page_broken([*SPLIT_HEAD, last], [], *after)))
    assert _texts(first) == [*SPLIT_HEAD, last]  # its blank cells stay blank: nothing is pulled up
    assert _texts(second)[0] == first_row
    assert {cell.prov.page for row in second.rows for cell in row} == {2}


# --- text cleanup -----------------------------------------------------------------------------


def test_fake_bold_characters_are_read_once() -> None:
    def draw(pdf: canvas.Canvas) -> None:
        pdf.setFont(FONT, 12)
        for dx in (0, 0.3):
            pdf.drawString(100 + dx, 760, "加粗标题")
        table = _table([["信息内容", ""], ["行政许可", "12"]], colWidths=[100, 100], rowHeights=[30, 30])
        table.wrapOn(pdf, 200, 60)
        table.drawOn(pdf, 100, 600)
        pdf.setFont(FONT, 10)
        for dx in (0, 0.3):
            pdf.drawString(210 + dx, 642, "粗体")
        pdf.showPage()

    document = _read(_canvas_pdf(draw))
    assert _paragraphs(document)[0].text == "加粗标题"
    (grid,) = _grids(document)
    assert _texts(grid) == [["信息内容", "粗体"], ["行政许可", "12"]]


def _glyphs(*runs: tuple[str, float, float]) -> list[dict[str, object]]:
    """Chars as pdfplumber gives them, left to right: (text, font size, bottom) per run."""
    chars: list[dict[str, object]] = []
    x = 100.0
    for text, size, bottom in runs:
        for ch in text:
            width = size / 2
            chars.append({"text": ch, "size": size, "x0": x, "x1": x + width, "top": bottom - size, "bottom": bottom,
                          "doctop": bottom - size, "upright": True})
            x += width
    return chars


@pytest.mark.parametrize(
    ("runs", "text"),
    [
        ([("2", 8, 100), ("11", 5.5, 96.6)], "2¹¹"),  # a footnote reference, not 211
        ([("35", 8, 100), ("10", 5.5, 96.6)], "35¹⁰"),
        ([("1,234", 10.5, 100), ("3", 7, 95.5)], "1,234³"),
        ([("2", 8, 100), ("11", 6, 96.6)], "2¹¹"),  # 0.75 of the size is still small
        ([("211", 8, 100)], None),  # one size: never changed
        ([("2", 8, 100), ("11", 8, 96.6)], None),  # raised, same size
        ([("2", 8, 100), ("11", 6.5, 96.6)], None),  # not small enough
        ([("2", 8, 100), ("11", 5.5, 99.6)], None),  # smaller on the same baseline
        ([("2", 8, 100), ("11", 5.5, 98.5)], None),  # not raised by a clear margin
        ([("11", 5.5, 96.6), ("2", 8, 100)], None),  # before the number
        ([("2", 8, 100), ("a", 5.5, 96.6)], None),  # not digits
        ([("合计", 8, 100), ("1", 5.5, 96.6)], None),  # a label: its digits are all the same size
        ([("第2", 8, 100), ("1", 5.5, 96.6)], None),  # not a number
        ([("总计", 10, 100), ("25", 7, 96)], None),  # small digits, but no larger digits
        ([("2", 8, 100), ("3", 8, 110), ("1", 5.5, 96.6)], None),  # a number on two lines
        ([], None),
    ],
)
def test_small_raised_digits_after_a_number_are_a_note_marker(runs: list[tuple[str, float, float]], text: str | None) -> None:
    assert note_digits(_glyphs(*runs)) == text


@pytest.mark.parametrize("engine", ["pdfium", "pdfplumber"])
def test_note_digits_in_a_cell_are_read_as_superscripts(engine: str) -> None:
    style = ParagraphStyle("cell", fontName=FONT, fontSize=10, leading=12)
    cells = [["信息内容", "本年新收"], ["自然人", Para('2<super size="6.5" rise="3.5">11</super>', style)],
             ["法人", Para("211", style)], ["其他", Para('3<font size="6.5">4</font>', style)]]
    data = _story_pdf([_table(cells, colWidths=[100, 100], rowHeights=[30] * 4)])  # type: ignore[list-item]
    (grid,) = _grids(PdfReader(engine).read(Path("report.pdf"), data, "report.pdf"))
    assert _texts(grid) == [["信息内容", "本年新收"], ["自然人", "2¹¹"], ["法人", "211"], ["其他", "34"]]


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("三\n、\n本\n年\n度\n办\n理\n结\n果", "三、本年度办理结果"),
        ("（二）部分公开（区分处理的，只计这一情 形，不\n计其他情形）", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"),
        ("商业\n企业", "商业企业"),
        ("总 计", "总计"),
        ("Total\namount", "Total amount"),
        ("398575\n8", "3985758"),
        ("第 711 号", "第 711 号"),
        ("⼀、总体情况", "一、总体情况"),  # a Kangxi radical standing in for 一
        (None, ""),
    ],
)
def test_cell_labels_are_joined(raw: str | None, clean: str) -> None:
    assert clean_cell(raw) == clean


@pytest.mark.parametrize(
    ("raw", "iso"),
    [
        ("D:20250225101115+08'00'", "2025-02-25T10:11:15+08:00"),
        ("D:20250225101710", "2025-02-25T10:17:10"),
        ("D:20250225101710Z", "2025-02-25T10:17:10+00:00"),
        ("D:20250225", "2025-02-25"),
        ("D:20251325", None),
        ("yesterday", None),
    ],
)
def test_pdf_dates_become_iso(raw: str, iso: str | None) -> None:
    assert pdf_date(raw) == iso


# --- problems ---------------------------------------------------------------------------------


def _text_page(pdf: canvas.Canvas) -> None:
    pdf.setFont(FONT, 12)
    pdf.drawString(100, 700, "政府信息公开工作年度报告")
    pdf.showPage()


def _image_page(pdf: canvas.Canvas) -> None:
    pdf.drawImage(ImageReader(Image.new("RGB", (40, 40), "gray")), 100, 300, 300, 300)
    pdf.showPage()


def test_encrypted_pdf_is_refused() -> None:
    with pytest.raises(EncryptedError, match="decrypt it first") as caught:
        _read(_canvas_pdf(_text_page, encrypt="pw"))
    assert caught.value.__cause__ is not None


def test_truncated_pdf_is_corrupt() -> None:
    data = _canvas_pdf(_text_page)
    with pytest.raises(CorruptFileError) as caught:
        _read(data[: len(data) // 2])
    assert caught.value.__cause__ is not None


def test_garbage_after_the_header_is_corrupt() -> None:
    with pytest.raises(CorruptFileError):
        _read(b"%PDF-1.7\n" + b"\x00garbage" * 100)


@pytest.mark.parametrize(
    "mode, installed, says",
    [
        ("never", True, "OCR is needed (--ocr never)"),
        ("auto", False, "OCR is needed; install the OCR extra: pip install 'xxgk[ocr]'"),
        ("auto", True, "OCR read no text on its images"),  # a plain grey picture
    ],
)
def test_scanned_pdf_needs_ocr(mode: OcrMode, installed: bool, says: str, monkeypatch: pytest.MonkeyPatch) -> None:
    if installed and mode != "never" and not ocr.available():
        pytest.skip("the OCR extra is not installed")
    monkeypatch.setattr(ocr, "available", lambda: installed)
    token = ocr.MODE.set(mode)
    try:
        with pytest.raises(NeedsOcrError, match=re.escape(says)) as caught:
            _read(_canvas_pdf(_image_page))
    finally:
        ocr.MODE.reset(token)
    assert caught.value.code == "NEEDS_OCR"


def test_scanned_page_among_text_pages_is_a_warning_without_ocr() -> None:
    token = ocr.MODE.set("never")
    try:
        document = _read(_canvas_pdf(lambda pdf: (_text_page(pdf), _image_page(pdf))))
    finally:
        ocr.MODE.reset(token)
    assert document.warnings == (("NEEDS_OCR", "page 2 has no text layer (scanned image); OCR is needed (--ocr never)"),)
    assert [p.text for p in _paragraphs(document)] == ["政府信息公开工作年度报告"]


def test_accepts_by_suffix_or_header() -> None:
    assert READER.accepts(Path("a.PDF"), b"")
    assert READER.accepts(Path("download"), b"%PDF-1.4\n")
    assert not READER.accepts(Path("a.txt"), b"hello")


# --- real reports -----------------------------------------------------------------------------

T3_COLUMNS = ("natural_person", "commercial_enterprise", "research_institution", "social_welfare_org",
              "legal_service_org", "other_org", "total")
T3_ROWS = {"new_requests": "一、本年新收政府信息公开申请数量", "total_processed": "（七）总计",
           "carried_forward": "四、结转下年度继续办理"}
T4_KEYS = [f"{row}.{col}" for row in ("review", "litigation_direct", "litigation_after_review")
           for col in ("upheld", "corrected", "other", "pending", "total")]


def _normal(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _real(corpus: Path, prefix: str) -> tuple[Document, dict[str, float]]:
    folder = next(corpus.glob(f"{prefix}_*"), None)
    # The corpus is a fixed set: when it is there, a sample missing from it is a broken copy, not a skip.
    assert folder is not None and (folder / "source.pdf").is_file(), f"{prefix}_*/source.pdf is not in the corpus at {corpus}"
    truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))["cells"]
    return _read((folder / "source.pdf").read_bytes(), str(folder / "source.pdf")), truth


def _row(grids: list[Grid], label: str) -> tuple[Grid, list[str]]:
    """The first row labelled so; in 表三 a row's label follows its group labels."""
    for grid in grids:
        for row in grid.rows:
            if label in {_normal(cell.text) for cell in row[:3]}:
                return grid, [cell.text for cell in row]
    raise AssertionError(f"no grid row is labelled {label}")


@pytest.mark.parametrize("prefix", ["r02", "r03"])
def test_real_report_table3_is_one_stitched_grid(corpus: Path, prefix: str) -> None:
    document, truth = _real(corpus, prefix)
    grids = _grids(document)
    table3, new_requests = _row(grids, T3_ROWS["new_requests"])
    assert _normal(new_requests[0]) == T3_ROWS["new_requests"]
    assert all(re.fullmatch(r"\d+", text) for text in new_requests[-7:])
    carried_grid, _ = _row(grids, T3_ROWS["carried_forward"])
    assert carried_grid is table3
    assert len({cell.prov.page for row in table3.rows for cell in row}) == 2  # it spans a page break
    for key, label in T3_ROWS.items():
        _, row = _row([table3], label)
        assert [int(text) for text in row[-7:]] == [truth[f"table3.{key}.{col}"] for col in T3_COLUMNS]
    for grid in grids:
        assert all(cell.prov.page and cell.prov.bbox for row in grid.rows for cell in row)


@pytest.mark.parametrize("prefix", ["r02", "r03"])
def test_real_report_table4_and_labels(corpus: Path, prefix: str) -> None:
    document, truth = _real(corpus, prefix)
    grids = _grids(document)
    numbers = next(
        [cell.text for cell in row] for grid in grids for row in grid.rows
        if len(row) == 15 and all(re.fullmatch(r"\d+", cell.text) for cell in row)
    )
    assert [int(text) for text in numbers] == [truth[f"table4.{key}"] for key in T4_KEYS]
    _, row = _row(grids, "三、本年度办理结果")  # a stacked label, read as one
    # The group label cut by the page break reads whole on both pages.
    labels = {_normal(row[1].text) for grid in grids for row in grid.rows}
    assert "（四）无法提供" in labels and "（四）无" not in labels and "法提供" not in labels


def test_real_report_metadata_and_paragraphs(corpus: Path) -> None:
    document, _ = _real(corpus, "r02")
    assert document.metadata["title"] == "政府信息公开工作年度报告"  # a UTF-16LE string with its BOM
    assert document.metadata["created"].startswith("2025-02-25T")
    texts = [p.text for p in _paragraphs(document)]
    assert "一、总体情况" in texts and "六、其他需要报告的事项" in texts
    assert not any("本年新收" in text for text in texts)
