"""P-OCR-LOW and P-OCR-CHECK: cells read by OCR say how sure the reading is (no OCR extra needed)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from xxgk.audit import run_audit
from xxgk.ingest.document import Provenance
from xxgk.normalize.ocr import ocr_findings, to_reread
from xxgk.normalize.schema import Cell, Finding
from xxgk.options import AuditOptions, ParseOptions
from xxgk.types import Severity


def _cell(row: str, col: str, value: int, confidence: float | None, ocr: bool = True) -> Cell:
    prov = Provenance(page=3, bbox=(1, 2, 3, 4), ocr=ocr, confidence=confidence)
    return Cell(table="table3", row_key=row, col_key=col, raw=str(value), kind="number", value=value, provenance=prov)


def test_a_row_read_without_confidence_gets_p_ocr_low_once() -> None:
    cells = [
        _cell("granted", "natural_person", 8, 0.62), _cell("granted", "total", 8, 0.71),
        _cell("granted", "other_org", 0, 0.99), _cell("new_requests", "total", 9, 0.95),
    ]
    (low,) = ocr_findings(cells, [])
    assert (low.code, low.severity, low.table, low.row_key, low.col_key) == ("P-OCR-LOW", "warning", "table3", "granted", "")
    assert low.evidence == {"confidence": {"natural_person": 0.62, "total": 0.71}}
    assert "0.62" in low.message and "自然人" in low.message


def test_text_cells_and_confident_cells_raise_nothing() -> None:
    assert ocr_findings([_cell("granted", "total", 8, None, ocr=False), _cell("granted", "other_org", 0, 0.97)], []) == []


def test_a_failing_identity_on_ocr_cells_is_suspected_as_a_misreading() -> None:
    cells = [_cell("new_requests", "total", 9, 0.93), _cell("carried_over", "total", 1, 0.999)]
    failing = Finding(code="T3-BAL", severity=Severity.ERROR, table="table3", col_key="total", message="总计列不平")
    (check,) = ocr_findings(cells, [failing])
    assert (check.code, check.table, check.col_key) == ("P-OCR-CHECK", "table3", "total")
    assert check.evidence["check"] == "T3-BAL" and check.evidence["confidence"]["new_requests.total"] == 0.93
    assert check.provenance is not None and check.provenance.page == 3


def test_an_identity_rereads_and_suspects_the_cells_it_adds_up_only() -> None:
    """T4-SUM adds up its row: the totals of other rows are not its cells (neither re-read nor named)."""
    def cell(row: str, col: str, value: int, confidence: float, left: float) -> Cell:
        prov = Provenance(page=4, bbox=(left, 10, left + 20, 30), ocr=True, confidence=confidence)
        return Cell(table="table4", row_key=row, col_key=col, raw=str(value), kind="number", value=value, provenance=prov)

    cells = [cell("review", "upheld", 2, 0.99, 0), cell("review", "total", 5, 0.98, 20), cell("litigation_direct", "total", 0, 0.91, 40)]
    failing = Finding(code="T4-SUM", severity=Severity.ERROR, table="table4", row_key="review", col_key="total", message="不等")
    assert to_reread(cells, [failing]) == {(4, None, (0.0, 10.0, 20.0, 30.0)), (4, None, (20.0, 10.0, 40.0, 30.0))}
    (check,) = ocr_findings(cells, [failing])
    assert set(check.evidence["confidence"]) == {"review.upheld", "review.total"} and check.evidence["reread"] is False


OCR_FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "ocr"
UNREAD_PICTURES = [  # (fixture, its tables): tables as pictures, left unread (--ocr never, as without the OCR extra)
    ("o03_pdf_table_images", "PDF image areas"),
    ("o04_docx_table_images", "DOCX pictures"),
    ("o05_html_table_images", "HTML img"),
]


@pytest.mark.parametrize(("fixture", "what"), UNREAD_PICTURES, ids=[f for f, _ in UNREAD_PICTURES])
def test_tables_left_unread_in_pictures_are_a_reading_problem_not_a_missing_table(fixture: str, what: str, tmp_path: Path) -> None:
    """NEEDS_OCR stands; no D1 (no tables) nor D9b (tables only as images) counts against the body."""
    (source,) = (OCR_FIXTURES / fixture).glob("source.*")
    run_audit([source], tmp_path / "out", AuditOptions(parse=ParseOptions(ocr="never")))
    with open(tmp_path / "out" / "findings.csv", encoding="utf-8-sig", newline="") as handle:
        codes = [row["code"] for row in csv.DictReader(handle)]
    assert "NEEDS_OCR" in codes, what
    assert not {"D1", "D9b"} & set(codes), (what, codes)
