"""Real reports from ../shared/corpus, scored cell by cell against their hand-read truth."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from xxgk import parse_file

IDENTITY = {"T3-BAL", "T3-COLSUM", "T3-ROWSUM", "T3-INT", "T4-SUM", "T4-INT"}
TEXT_SOURCES = ["s01", "r04", "r06", "p01", "p02", "p03", "p04", "p06", "p07"]
# Cells the source cannot place: printed without their empty neighbours (p02) or with a cell
# lost in conversion (r06 表二). They must come out unplaced with a P- finding, never guessed.
UNPLACEABLE = {
    "p02": {"table3.new_requests.natural_person", "table3.new_requests.total", "table3.carried_over.natural_person",
            "table3.carried_over.total", "table3.granted.natural_person", "table3.granted.total"},
    "r06": {"table2.regulations.made", "table2.normative_docs.made", "table2.normative_docs.in_force"},
}


def _folder(corpus: Path, prefix: str) -> Path:
    return next(corpus.glob(f"{prefix}_*"))


def _value(cell: object) -> Decimal | None:
    if cell is None or cell.kind != "number":  # type: ignore[attr-defined]
        return None
    return Decimal(str(cell.value))  # type: ignore[attr-defined]


@pytest.mark.parametrize("prefix", TEXT_SOURCES)
def test_text_source_matches_truth(corpus: Path, prefix: str) -> None:
    folder = _folder(corpus, prefix)
    truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
    report = parse_file(next(folder.glob("source.*")))
    cells = {f"{c.table}.{c.row_key}.{c.col_key}": c for c in report.cells if c.position == "exact"}
    unplaceable = UNPLACEABLE.get(prefix, set())
    wrong = []
    for key, expected in truth["cells"].items():
        got = _value(cells.get(key))
        want = None if expected is None else Decimal(str(expected))
        if key in unplaceable:
            assert key not in cells, f"{key} was placed although the source cannot tell its column"
            continue
        if got != want:
            wrong.append((key, expected, cells[key].raw if key in cells else "missing"))
    assert wrong == []
    if unplaceable:
        assert any(f.code == "P-MISALIGNED" for f in report.findings)
    errors = {f.code for f in report.findings if f.severity == "error" and f.code in IDENTITY}
    assert errors == set(truth.get("expected_codes", []))


def test_seed_is_complete_and_consistent(corpus: Path) -> None:
    report = parse_file(_folder(corpus, "s01") / "source.txt")
    assert report.status == "ok"
    assert (report.template, report.bureau, report.year) == ("2021", "西工区人力资源和社会保障局", 2023)
    assert len([c for c in report.cells if c.table == "table3"]) == 7 * 25  # 2021 template: 25 rows with cells
    assert {s.key for s in report.sections} >= {"overview", "active_disclosure", "requests", "review_litigation", "problems", "other"}
    assert [f for f in report.findings if f.severity == "error"] == []
    assert {c.status for c in report.checks if c.code == "T3-BAL"} == {"pass"}
    amount = next(c for c in report.cells if c.row_key == "admin_fees")
    assert amount.value == Decimal("1.4028") and amount.raw == "1.4028"
    # every cell can be found again in the source: its line holds the raw text
    lines = (_folder(corpus, "s01") / "source.txt").read_text(encoding="utf-8").splitlines()
    for cell in report.cells:
        assert cell.raw in lines[cell.provenance.line - 1]


@pytest.mark.parametrize("prefix", ["p05", "q01", "q02", "q03"])
def test_reports_without_tables_invent_none(corpus: Path, prefix: str) -> None:
    report = parse_file(next(_folder(corpus, prefix).glob("source.*")))
    assert report.status in ("ok", "partial")
    assert report.cells == []


def test_missing_tables_make_a_report_partial(corpus: Path) -> None:
    report = parse_file(_folder(corpus, "p05") / "source.txt")
    assert report.status == "partial"
    assert {"table:表二", "table:表三", "table:表四"} <= set(report.missing)
    assert (report.template, report.year) == ("2019", 2020)
    assert report.bureau in ("桂花坪街道", "长沙市天心区桂花坪街道办事处")  # title, or the signature


@pytest.mark.parametrize(("prefix", "template"), [("q01", "pre2019"), ("p02", "2019"), ("p03", "2019"), ("r04", "2021"), ("p07", "2021")])
def test_template_detected(corpus: Path, prefix: str, template: str) -> None:
    assert parse_file(next(_folder(corpus, prefix).glob("source.*"))).template == template


def test_blank_is_not_zero(corpus: Path) -> None:
    report = parse_file(_folder(corpus, "p07") / "source.txt")
    new = {c.col_key: c for c in report.cells if c.row_key == "new_requests"}
    assert new["natural_person"].kind == "blank" and new["natural_person"].value is None
    assert new["total"].value == 0
    regulations = [c for c in report.cells if c.row_key == "regulations"]
    assert {c.kind for c in regulations} == {"dash"} and {c.raw for c in regulations} == {"/"}
    assert any(f.code == "D10" and f.row_key == "new_requests" for f in report.findings)


@pytest.mark.parametrize("prefix", ["q01", "q02", "q03", "p05", "p06", "p07"])
def test_stated_counts_are_read_from_the_text(corpus: Path, prefix: str) -> None:
    folder = _folder(corpus, prefix)
    truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
    stated = {k: v for k, v in {**truth.get("narrative", {}), **truth.get("pre2019", {})}.items() if isinstance(v, int)}
    report = parse_file(next(folder.glob("source.*")))
    facts: dict[str, object] = {}
    for fact in report.facts:
        facts.setdefault(fact.key, fact.value)
        assert fact.sentence and fact.section
    assert {k: facts.get(k) for k in stated} == stated
