"""OCR (the xxgk[ocr] extra): scanned PDFs read into the same cells as their text, with confidence.

Marked ``ocr``: skipped without the extra; ``-m 'not ocr'`` leaves them out of a quick run.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import socket
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from xxgk import parse_file
from xxgk.ingest.ocr import available
from xxgk.normalize.schema import Report

# The image libraries come with the extra: imported inside the tests, which skip without it.
pytestmark = [pytest.mark.ocr, pytest.mark.skipif(not available(), reason="the OCR extra is not installed: pip install 'xxgk[ocr]'")]

ROOT = Path(__file__).resolve().parent.parent
OCR_FIXTURES = sorted(p.parent for p in (ROOT / "fixtures" / "ocr").glob("*/truth.json"))


def _scanner():  # fixtures/generator/scan.py, the scanner the fixtures were made with
    spec = importlib.util.spec_from_file_location("scan", ROOT / "fixtures" / "generator" / "scan.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.scanned


def _score(report: Report, truth: dict) -> tuple[list[tuple[str, object, str]], list[str]]:
    """(wrong cells, of them the silent ones: a wrong number in a row without a P- finding)."""
    cells = {f"{c.table}.{c.row_key}.{c.col_key}": c for c in report.cells if c.position in ("exact", "inferred")}
    marked = {(f.table, f.row_key) for f in report.findings if f.code.startswith("P-")}
    wrong, silent = [], []
    for key, expected in truth["cells"].items():
        cell = cells.get(key)
        got = Decimal(str(cell.value)) if cell is not None and cell.kind == "number" else None
        if got != (None if expected is None else Decimal(str(expected))):
            wrong.append((key, expected, cell.raw if cell else "missing"))
            if cell is not None and cell.kind == "number" and (cell.table, cell.row_key) not in marked:
                silent.append(key)
    return wrong, silent


@functools.cache
def _parsed(folder: Path) -> Report:
    """Each fixture is read once for all the tests that look at it."""
    return parse_file(next(folder.glob("source.*")))


@pytest.mark.parametrize("folder", OCR_FIXTURES, ids=lambda p: p.name)
def test_ocr_fixture_reads_to_its_truth(folder: Path) -> None:
    truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
    report = _parsed(folder)
    assert (report.status, report.template, report.year, report.bureau) == ("ok", truth["template"], truth["year"], truth["bureau"])
    assert _score(report, truth) == ([], [])
    read = [c for c in report.cells if c.provenance.ocr]
    assert read and all(c.provenance.bbox for c in read)
    # blanks stay blank, never zeros; numbers carry their confidence
    assert all(c.provenance.confidence is not None for c in read if c.kind == "number")
    if "pictures" in truth:  # DOCX and HTML: cells say which picture they were read from
        assert {c.provenance.image for c in read} == set(range(1, truth["pictures"] + 1))
        assert all(c.provenance.page is None for c in read) and "ocr_pages" not in report.metadata
    else:
        assert all(c.provenance.page for c in read)
        pages = truth.get("ocr_pages") or truth.get("scanned_pages") or list(range(1, int(report.metadata["pages"]) + 1))
        assert report.metadata["ocr_pages"] == (f"{pages[0]}-{pages[-1]}" if len(pages) > 1 else str(pages[0]))
    codes = {f.code for f in report.findings}
    assert set(truth["expected_codes"]) <= codes
    # an identity failing on cells read by OCR is reported, with the suspicion of a misreading beside it,
    # after its cells were read again at the higher resolution
    checks = [f for f in report.findings if f.code == "P-OCR-CHECK"]
    assert bool(checks) == bool(truth["expected_codes"])
    assert all(f.evidence["reread"] and f.evidence["check"] in truth["expected_codes"] for f in checks)


def test_only_the_pictures_of_a_page_whose_text_reads_are_read_by_ocr() -> None:
    """o03: the narrative around the tables comes from the text layer, the tables from their pictures."""
    report = _parsed(ROOT / "fixtures" / "ocr" / "o03_pdf_table_images")
    numbers = [c for c in report.cells if c.kind == "number"]
    assert numbers and all(c.provenance.ocr for c in numbers)
    text = parse_file(ROOT / "fixtures" / "f01_pdf_ruled" / "source.pdf")
    assert report.facts and all(f.provenance is None or not f.provenance.ocr for f in report.facts)
    assert [f.model_dump() for f in report.facts] == [f.model_dump() for f in text.facts]


@pytest.mark.slow
@pytest.mark.parametrize("name", ["r02_hongze_district_2024", "r03_huaian_city_2024"])
def test_scanned_corpus_report_reads_to_its_truth(name: str, corpus: Path, tmp_path: Path) -> None:
    folder = corpus / name
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(_scanner()(next(folder.glob("source.pdf")).read_bytes()))
    truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
    report = parse_file(scan)
    assert report.metadata["ocr_pages"].startswith("1-")
    wrong, silent = _score(report, truth)
    assert silent == [] and wrong == []


def test_never_downloads(monkeypatch: pytest.MonkeyPatch) -> None:
    """The models come from the wheel: loading and reading work with every connection refused."""
    import cv2
    import numpy as np

    from xxgk.ingest.ocr import engine

    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError("network used")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(engine, "_ENGINE", None)
    image = np.full((60, 160), 255, dtype=np.uint8)
    cv2.putText(image, "2024", (10, 45), cv2.FONT_HERSHEY_SIMPLEX, 1.4, 0, 3)
    ((text, confidence),) = engine.engine().recognise([image])
    assert text == "2024" and confidence > 0.9


def _cell(draw: Any) -> Any:  # a ruled cell 200 x 60 at 200 dpi, its contents drawn by `draw`; its Reading
    import cv2
    import numpy as np

    from xxgk.ingest.ocr import cells, engine

    image = np.full((80, 220), 255, dtype=np.uint8)
    cv2.rectangle(image, (10, 10), (210, 70), 0, 2)
    draw(image)
    binary = cv2.adaptiveThreshold(image, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 15)
    (reading,) = cells.read(engine.engine(), [cells.lines_of(image, binary, (10, 10, 211, 71), 4)])
    return reading


def _dash(image: Any) -> None:
    import cv2

    cv2.line(image, (90, 40), (130, 40), 0, 2)


def _number(image: Any) -> None:
    import cv2

    cv2.putText(image, "137", (70, 55), cv2.FONT_HERSHEY_SIMPLEX, 1.0, 0, 2)


@pytest.mark.parametrize(
    "draw, text",
    [(lambda image: None, ""), (_dash, "—"), (_number, "137")],  # no ink is blank, never a zero; one flat stroke a dash
    ids=["blank", "dash", "number"],
)
def test_a_cell_reads_as_what_it_holds(draw: Any, text: str) -> None:
    reading = _cell(draw)
    assert reading.text == text
    assert (reading.confidence is None) == (text == "")


def _box(x0: float, x1: float, top: float, text: str, confidence: float = 0.99) -> Any:
    from xxgk.ingest.ocr.engine import TextBox

    return TextBox((x0, top, x1, top + 20), text, confidence)


def test_a_table_without_rules_is_built_from_its_text_and_never_guesses_a_cell() -> None:
    """Rows by the boxes' heights, columns by the gaps the fullest rows leave; a heading alone in its row
    spans the columns it covers; text across a gap in a row of cells is left unplaced and reported."""
    from xxgk.ingest.ocr import borderless, pdfpages
    from xxgk.ingest.ocr.page import PageImage

    boxes = [
        _box(300, 420, 0, "第二十条第（一）项"),
        _box(20, 90, 40, "信息内容"), _box(200, 260, 40, "制发"), _box(330, 390, 40, "废止"), _box(460, 520, 40, "有效"),
        _box(20, 60, 80, "规章"), _box(225, 235, 80, "0"), _box(355, 365, 80, "0"), _box(485, 495, 80, "0"),
        _box(20, 100, 120, "规范性文件"), _box(225, 235, 120, "4"), _box(480, 500, 120, "17"),
        _box(20, 100, 160, "行政许可"), _box(250, 345, 160, "126", 0.95),  # across the gap between two columns
        _box(20, 100, 200, "许可（续）"), _box(180, 520, 200, "第二十条第（五）项"),  # alone in its row: a heading
        _box(20, 200, 240, "（本表单位：件）"),
    ]
    table, above, below = borderless.find(boxes)
    assert table is not None and (table.n_rows, table.n_cols) == (5, 4)
    assert [[b.text for b in line] for line in above] == [["第二十条第（一）项"]]  # before the first row of cells
    assert [[b.text for b in line] for line in below] == [["（本表单位：件）"]]
    image = PageImage(image=__import__("numpy").full((300, 600), 255, dtype="uint8"), dpi=200, angle=0.0, size=(600, 300), unit=1.0)
    grid, notes = pdfpages.borderless_grid(table, image, None, 2, 0)
    rows = [[cell.text for cell in row] for row in grid.rows]
    assert rows == [
        ["信息内容", "制发", "废止", "有效"],
        ["规章", "0", "0", "0"],
        ["规范性文件", "4", "", "17"],  # a blank stays blank
        ["行政许可", "", "", ""],
        ["许可（续）", "第二十条第（五）项", "第二十条第（五）项", "第二十条第（五）项"],
    ]
    assert grid.rows[4][3].merged and not grid.rows[4][1].merged
    assert all(cell.prov.image == 2 and cell.prov.ocr for row in grid.rows for cell in row)
    assert grid.rows[1][1].prov.confidence == 0.99
    ((code, message),) = notes
    assert code == "P-OCR-UNPLACED" and "126" in message and "picture 2" in message


def test_prose_is_not_a_table() -> None:
    from xxgk.ingest.ocr import borderless

    lines = [_box(20, 560, 30 * i, f"第{i}行文字") for i in range(6)] + [_box(20, 200, 200, "一、总体情况"), _box(300, 400, 200, "2024年")]
    table, above, below = borderless.find(lines)
    assert table is None and len(above) == 7 and below == []


@pytest.mark.parametrize(
    "src, read",
    [
        ("table.png", True),
        ("sub/../table.png", True),
        ("http://example.invalid/table.png", False),  # never fetched
        ("//example.invalid/table.png", False),
        ("/table.png", False),  # the site's root is not on this machine
        ("../outside.png", False),  # not under the page's folder
        ("missing.png", False),
    ],
)
def test_html_pictures_come_from_the_page_folder_or_data_uris_only(src: str, read: bool, tmp_path: Path) -> None:
    from xxgk.ingest.html import _Pictures

    folder = tmp_path / "page"
    folder.mkdir()
    (folder / "sub").mkdir()
    (folder / "table.png").write_bytes(b"picture")
    (tmp_path / "outside.png").write_bytes(b"picture")
    assert (_Pictures(folder)._data(src) == b"picture") == read
    assert _Pictures(folder)._data("data:image/png;base64,cGljdHVyZQ==") == b"picture"


@pytest.mark.parametrize("name, count", [("o04_docx_table_images", 3), ("o05_html_table_images", 2)])
def test_pictures_left_unread_are_reported(name: str, count: int) -> None:
    folder = ROOT / "fixtures" / "ocr" / name
    report = parse_file(next(folder.glob("source.*")), ocr="never")
    assert not any(c.provenance.ocr for c in report.cells)
    assert any(f.code == "NEEDS_OCR" and f"{count} picture(s) not read" in f.message for f in report.findings)


def test_a_second_reading_reads_again_only_the_cells_an_identity_asks_for() -> None:
    """parse_file keeps what OCR read: reading the file again for an identity's cells reads those cells
    at the higher resolution, and never the images again; the higher-confidence reading stands."""
    import numpy as np

    from xxgk.ingest.ocr import READS, cells, grid, reading
    from xxgk.ingest.ocr.engine import engine
    from xxgk.ingest.ocr.page import PageImage

    table = grid.RuledTable((0, 0, 200, 60), 1, 2, (grid.CellBox((0, 0, 100, 60), 0, 0, 1, 1), grid.CellBox((100, 0, 200, 60), 0, 1, 1, 1)), (0, 100, 200))
    first = reading.Read([(table, [cells.Reading("13", 0.95), cells.Reading("7", 0.99)])], None, [])
    image = PageImage(np.full((60, 200), 255, dtype=np.uint8), 200, 0.0, (72.0, 21.6))
    sharp = np.full((120, 400), 255, dtype=np.uint8)
    sharp[50:70, 240:244] = 0  # the second cell at 400 dpi: a stroke the recogniser reads with some confidence
    calls: list[str] = []

    def make() -> tuple[PageImage, reading.Read]:
        calls.append("make")
        return image, first

    def sharper(upright: PageImage) -> reading.Sharper:
        def render() -> PageImage:
            calls.append("sharper")
            return PageImage(sharp, 400, upright.angle, upright.size)

        return render

    token = READS.set({})
    try:
        assert reading.remembered("page 1", make, sharper, lambda up, box: False, engine()) == (image, first)
        again = [reading.remembered("page 1", make, sharper, lambda up, box: box[0] == 100, engine()) for _ in range(2)]
    finally:
        READS.reset(token)
    assert calls == ["make", "sharper", "sharper"]
    for upright, read in again:
        assert upright.image.shape == (60, 200)
        (_, readings), = read.ruled
        assert readings[0] == cells.Reading("13", 0.95)  # not asked for: as read the first time
        assert readings[1] == first.ruled[0][1][1] or (readings[1].confidence or 0) > 0.99  # the more confident reading
