"""The bundled fixtures (fixtures/make_fixtures.py): every format and layout parses to its truth."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from xxgk import parse_file

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
FOLDERS = sorted(p.parent for p in FIXTURES.glob("*/truth.json"))
IDENTITY = {"T3-BAL", "T3-COLSUM", "T3-ROWSUM", "T3-INT", "T4-SUM", "T4-INT"}


def load(folder: Path) -> tuple[dict, object]:
    truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
    return truth, parse_file(next(folder.glob("source.*")))


def test_every_format_is_bundled() -> None:
    suffixes = {next(f.glob("source.*")).suffix for f in FOLDERS}
    assert {".txt", ".md", ".docx", ".html", ".pdf"} <= suffixes


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda p: p.name)
def test_fixture_matches_truth(folder: Path) -> None:
    truth, report = load(folder)
    if truth.get("not_a_report"):
        assert report.status == "skipped" and report.cells == [] and report.error.code == "NOT_A_REPORT"
        return
    assert (report.template, report.year) == (truth["template"], truth["year"])
    assert report.bureau in (truth["bureau"], truth.get("bureau_simplified"))
    cells = {f"{c.table}.{c.row_key}.{c.col_key}": c for c in report.cells if c.position == "exact"}
    unplaceable = set(truth.get("unplaceable", []))
    wrong = []
    for key, expected in truth["cells"].items():
        if key in unplaceable:
            continue  # the layout cannot place it: checked below to stay unplaced
        cell = cells.get(key)
        got = Decimal(str(cell.value)) if cell is not None and cell.kind == "number" else None
        if got != (None if expected is None else Decimal(str(expected))) or (expected is None and cell is None):
            wrong.append((key, expected, cell.raw if cell else "missing"))
    assert wrong == []
    # What the source cannot place stays unplaced, with a P- finding; nothing else is unplaced. Values
    # kept for a whole table (row "") stand for every unplaceable row of that table.
    assert not unplaceable & set(cells)
    unplaced_rows = {(str(c.table), c.row_key) for c in report.cells if c.position == "unknown"}
    expected_rows = {tuple(k.split(".")[:2]) for k in unplaceable}
    # (numbers held under a label fragment the page break cut, P-PAGE-SPLIT, sit under that fragment's x_ row)
    assert unplaced_rows == {(t, r) for t, r in expected_rows if (t, "") not in unplaced_rows
                             and not any(u[0] == t and u[1].startswith("x_") for u in unplaced_rows)} | {
        (t, r) for t, r in unplaced_rows if r == "" or r.startswith("x_")} and {t for t, _ in unplaced_rows} <= {
        t for t, _ in expected_rows}
    marked = {(str(f.table), f.row_key) for f in report.findings if f.code.startswith("P-")}
    assert unplaced_rows <= marked
    codes = {f.code for f in report.findings}
    assert set(truth.get("expected_parse_codes", [])) <= codes
    for extra in truth.get("extra_rows", []):
        assert any(c.table == extra["table"] and c.label == extra["label"] for c in report.cells), extra
    errors = [f for f in report.findings if f.severity == "error" and f.code in IDENTITY]
    assert {f.code for f in errors} == set(truth.get("expected_codes", []))
    for expected in truth.get("expected_findings", []):
        assert any(
            f.code == expected["code"] and f.table == expected["table"]
            and expected["row_key"] in (None, f.row_key) and expected["col_key"] in (None, f.col_key)
            for f in errors
        ), expected
    assert len(errors) == len(truth.get("expected_findings", []))


@pytest.mark.parametrize(("name", "encoding"), [("t06_gbk", "gbk"), ("t07_gb18030", "gb18030"), ("t08_utf8_bom", "utf-8-sig"),
                                                ("t01_tabs_2021", "utf-8"), ("h02_html_gbk", None)])
def test_encoding_is_recorded(name: str, encoding: str | None) -> None:
    _, report = load(FIXTURES / name)
    if encoding is None:
        assert report.encoding and report.encoding.lower().startswith("gb")
    else:
        assert report.encoding == encoding


def test_pdf_table_split_across_pages_is_read_as_one() -> None:
    truth, report = load(FIXTURES / "f01_pdf_ruled")
    t3 = [c for c in report.cells if c.table == "table3"]
    assert {c.provenance.page for c in t3} == set(truth["split_pages"])
    assert len({c.row_key for c in t3}) == 25
    assert all(c.provenance.bbox is not None for c in t3)
    # rows after the page break keep their group: 3.补正后申请内容仍不明确 is still an 无法提供 row
    unclear = [c for c in t3 if c.row_key == "unable_unclear_after_correction"]
    assert len(unclear) == 7 and unclear[0].provenance.page == truth["split_pages"][1]


def test_docx_cells_carry_grid_coordinates() -> None:
    _, report = load(FIXTURES / "d01_docx_merged")
    cell = next(c for c in report.cells if c.row_key == "denied_state_secret" and c.col_key == "natural_person")
    assert cell.provenance.table is not None and cell.provenance.row is not None and cell.provenance.col is not None


def test_blank_and_slash_cells_stay_without_value() -> None:
    truth, report = load(FIXTURES / "m05_blank_and_slash")
    nulls = [k for k, v in truth["cells"].items() if v is None]
    cells = {f"{c.table}.{c.row_key}.{c.col_key}": c for c in report.cells}
    assert nulls and all(cells[k].value is None and cells[k].kind in ("blank", "dash", "word") for k in nulls)
    assert {c.raw for k in nulls for c in [cells[k]]} <= {"", "/", "-", "—", "无"}
    assert any(f.code == "T3-BAL" and f.severity == "info" for f in report.findings)


def test_typo_labels_are_matched_and_reported() -> None:
    _, report = load(FIXTURES / "t11_label_typos")
    assert any(f.code == "D11" and f.row_key == "denied_prohibited_by_law" for f in report.findings)


@pytest.mark.parametrize("name", ["x19_note_markers", "f10_pdf_note_markers"])
def test_note_markers_are_cut_off_the_value_kept_in_the_raw_text_and_reported(name: str) -> None:
    truth, report = load(FIXTURES / name)
    cells = {f"{c.table}.{c.row_key}.{c.col_key}": c for c in report.cells}
    marks = {(f.table, f.row_key, f.col_key): f for f in report.findings if f.code == "P-NOTE-MARK"}
    assert truth["note_marks"]
    for key, printed in truth["note_marks"].items():
        assert cells[key].raw == printed
        assert cells[key].value == truth["cells"][key]
        table, row, col = key.split(".")
        finding = marks.pop((table, row, col))
        assert finding.evidence["marker"] and printed.endswith(finding.evidence["marker"])
        assert finding.provenance is not None
    assert not marks  # no other cell is read as marked
