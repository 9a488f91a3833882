"""OCR (the xxgk[ocr] extra): scanned PDFs read into the same cells as their text, with confidence.

Marked ``ocr``: skipped without the extra; ``-m 'not ocr'`` leaves them out of a quick run.
"""

from __future__ import annotations

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


@pytest.mark.parametrize("folder", OCR_FIXTURES, ids=lambda p: p.name)
def test_scanned_fixture_reads_to_its_truth(folder: Path) -> None:
    truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
    report = parse_file(folder / "source.pdf")
    assert (report.status, report.template, report.year, report.bureau) == ("ok", truth["template"], truth["year"], truth["bureau"])
    assert _score(report, truth) == ([], [])
    read = [c for c in report.cells if c.provenance.ocr]
    assert read and all(c.provenance.page and c.provenance.bbox for c in read)
    scanned = truth.get("scanned_pages") or list(range(1, int(report.metadata["pages"]) + 1))
    assert report.metadata["ocr_pages"] == (f"{scanned[0]}-{scanned[-1]}" if len(scanned) > 1 else str(scanned[0]))
    # blanks stay blank, never zeros; numbers carry their confidence
    assert all(c.provenance.confidence is not None for c in read if c.kind == "number")


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
