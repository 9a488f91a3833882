"""Findings say where: every finding about a cell, row or column carries its table, row_key and col_key and
the page or line of a cell involved; missing rows are named; users read printed labels, never keys;
our own reading problems are P- findings, never a D-code against the body."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from xxgk import parse_file
from xxgk.ingest.document import Provenance
from xxgk.ingest.reader import read_document
from xxgk.normalize.audit import audit_report, subject_of
from xxgk.normalize.build import build_report
from xxgk.normalize.checks import run_checks
from xxgk.normalize.schema import Cell, Finding
from xxgk.parsers.cellvalue import classify
from xxgk.parsers.report import parse_document
from xxgk.template import T3_APPLICANTS, T3_ROWS, T4_ROWS
from xxgk.types import Position, TableKey

ROWS_2021 = [r.key for r in T3_ROWS if r.key != "other_handling"]
LINE = {row: 10 + i for i, row in enumerate(ROWS_2021)}  # each 表三 row on its own line
T4_LINE = 50


def tables() -> dict[tuple[str, str, str], str]:
    """A consistent 2021 表三 (every applicant column: 5 new = 5 granted, nothing carried) and 表四."""
    cells: dict[tuple[str, str, str], str] = {}
    for row in ROWS_2021:
        for col in T3_APPLICANTS:
            cells[("table3", row, col)] = "5" if row in ("new_requests", "granted", "total_processed") else "0"
        cells[("table3", row, "total")] = "30" if row in ("new_requests", "granted", "total_processed") else "0"
    for row, _ in T4_ROWS:
        for col, value in (("upheld", "1"), ("corrected", "0"), ("other", "0"), ("pending", "0"), ("total", "1")):
            cells[("table4", row, col)] = value
    return cells


def to_cells(raw: dict[tuple[str, str, str], str], unplaced: set[tuple[str, str, str]] = frozenset()) -> list[Cell]:  # type: ignore[assignment]
    out = []
    for (table, row, col), text in raw.items():
        kind, value = classify(text)
        line = LINE.get(row, T4_LINE) if table == "table3" else T4_LINE
        placed = (table, row, col) not in unplaced
        out.append(Cell(table=table, row_key=row, col_key=col if placed else "", raw=text, kind=kind, value=value,
                        position=Position.EXACT if placed else Position.UNKNOWN, provenance=Provenance(line=line)))
    return out


def not_assessable(findings: list[Finding]) -> dict[tuple[str, str, str, str], Finding]:
    return {(f.code, f.table, f.row_key, f.col_key): f for f in findings if f.severity == "info"}


# --- 1. not assessable: one finding per place, naming the cells that block it ---------------------


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        # a blank cell blocks the column's balance and its row's sum; both name it by its printed place
        ({("table3", "carried_over", "legal_service_org"): ""},
         {("T3-BAL", "table3", "", "legal_service_org"): ("“二、上年结转政府信息公开申请数量”空白", LINE["carried_over"]),
          ("T3-COLSUM", "table3", "carried_over", "total"): ("法律服务机构列空白", LINE["carried_over"])}),
        ({("table3", "denied_state_secret", "natural_person"): "/"},
         {("T3-ROWSUM", "table3", "total_processed", "natural_person"): ("“1.属于国家秘密”为“/”", LINE["denied_state_secret"]),
          ("T3-COLSUM", "table3", "denied_state_secret", "total"): ("自然人列为“/”", LINE["denied_state_secret"])}),
        ({("table4", "litigation_direct", "pending"): "无"},
         {("T4-SUM", "table4", "litigation_direct", "total"): ("尚未审结列为“无”", T4_LINE)}),
    ],
)
def test_a_blocked_identity_is_one_finding_at_its_place(
    change: dict[tuple[str, str, str], str], expected: dict[tuple[str, str, str, str], tuple[str, int]]
) -> None:
    raw = tables()
    raw.update(change)
    _, findings = run_checks(to_cells(raw))
    found = not_assessable(findings)
    assert set(found) == set(expected)
    for place, (named, line) in expected.items():
        finding = found[place]
        assert named in finding.message and "无法核验" in finding.message and "不视为通过" in finding.message
        assert finding.provenance is not None and finding.provenance.line == line
        assert finding.evidence["blocked"]


def test_a_missing_row_blocks_each_column_and_points_at_a_cell_involved() -> None:
    raw = {k: v for k, v in tables().items() if k[1] != "carried_forward"}
    _, findings = run_checks(to_cells(raw))
    found = not_assessable(findings)
    balance = {k: f for k, f in found.items() if k[0] == "T3-BAL"}
    assert set(balance) == {("T3-BAL", "table3", "", col) for col in (*T3_APPLICANTS, "total")}
    for finding in balance.values():
        assert "“四、结转下年度继续办理”未读到该行" in finding.message
        assert finding.provenance is not None and finding.provenance.line == LINE["new_requests"]


def test_an_unplaced_number_blocks_as_position_unknown() -> None:
    cell = ("table3", "granted", "natural_person")
    _, findings = run_checks(to_cells(tables(), unplaced={cell}))
    found = not_assessable(findings)
    rowsum = found[("T3-ROWSUM", "table3", "total_processed", "natural_person")]
    assert "“（一）予以公开”位置不明" in rowsum.message
    assert rowsum.provenance is not None and rowsum.provenance.line == LINE["granted"]


def test_many_blocking_cells_are_summed_up_not_listed_without_end() -> None:
    raw = {k: v for k, v in tables().items() if not k[1].startswith("denied_")}
    _, findings = run_checks(to_cells(raw))
    rowsum = not_assessable(findings)[("T3-ROWSUM", "table3", "total_processed", "natural_person")]
    assert "等8行未读到该行" in rowsum.message and len(rowsum.evidence["blocked"]) == 8


def test_a_failing_identity_carries_the_line_of_its_cell() -> None:
    raw = tables()
    raw[("table3", "granted", "total")] = "31"
    _, findings = run_checks(to_cells(raw))
    colsum = next(f for f in findings if f.code == "T3-COLSUM" and f.severity == "error")
    assert colsum.provenance is not None and colsum.provenance.line == LINE["granted"]
    balance = next(f for f in findings if f.code == "T3-ROWSUM" and f.severity == "error")
    assert balance.provenance is not None and balance.provenance.line == LINE["total_processed"]


# --- reports: missing rows, copies cut short, labels, reading problems ------------------------------

ROOT = Path(__file__).resolve().parent.parent
CLEAN_2021 = ROOT / "fixtures" / "audit" / "clean_department_2023" / "report.txt"
CLEAN_2019 = ROOT / "fixtures" / "audit" / "clean_template_2019_in_2020" / "report.txt"


def lines_of(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def write(tmp_path: Path, lines: list[str], name: str = "report.txt") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def without(path: Path, start: str) -> list[str]:
    """The report without the line that starts with ``start`` (a table row it no longer prints)."""
    lines = lines_of(path)
    assert sum(line.startswith(start) for line in lines) == 1, start
    return [line for line in lines if not line.startswith(start)]


def up_to(path: Path, start: str, keep: str | None = None) -> list[str]:
    """The report cut off at the line starting with ``start``: that line kept whole, or cut to ``keep``."""
    lines = lines_of(path)
    index = next(i for i, line in enumerate(lines) if line.startswith(start))
    return lines[:index] + [keep if keep is not None else lines[index]]


@pytest.mark.parametrize(
    ("source", "line", "table", "row", "message"),
    [
        (CLEAN_2021, "行政处罚 |", "table2", "penalty", "表二 缺少“行政处罚”行"),
        (CLEAN_2021, "规章 |", "table2", "regulations", "表二 缺少“规章”行"),
        (CLEAN_2019, "其他对外管理服务事项 |", "table2", "other_admin_services", "表二 缺少“其他对外管理服务事项”行"),
        (CLEAN_2019, "政府集中采购 |", "table2", "central_procurement", "表二 缺少“政府集中采购”行"),
        (CLEAN_2021, "2.重复申请 |", "table3", "not_processed_duplicate", "表三 缺少“2.重复申请”行"),
    ],
)
def test_a_missing_canonical_row_is_named(tmp_path: Path, source: Path, line: str, table: str, row: str, message: str) -> None:
    report = parse_file(write(tmp_path, without(source, line)))
    assert report.status == "partial"
    assert f"row:{message.split()[0]} {message.split('“')[1].split('”')[0]}" in report.missing
    found = [f for f in report.findings if f.code == "D11" and f.severity == "warning"]
    assert [(f.table, f.row_key, f.message) for f in found] == [(table, row, message)]


def test_a_missing_table4_row_is_named(tmp_path: Path) -> None:
    doc = read_document(CLEAN_2021, str(CLEAN_2021))
    parsed = parse_document(doc)
    parsed.rows_found[TableKey.T4].discard("litigation_after_review")
    parsed.cells = [c for c in parsed.cells if c.row_key != "litigation_after_review"]
    report = build_report(doc, parsed)
    assert report.status == "partial" and "row:表四 行政诉讼·复议后起诉" in report.missing
    assert [(f.code, f.table, f.row_key) for f in report.findings if f.severity == "warning"] == [
        ("D11", "table4", "litigation_after_review")]


def test_the_clean_reports_miss_nothing() -> None:
    for source in (CLEAN_2021, CLEAN_2019):
        report = parse_file(source)
        assert (report.status, report.missing, report.findings) == ("ok", [], [])


@pytest.mark.parametrize(
    ("lines", "table", "rows", "tables", "sections"),
    [
        # the text ends after a complete row of 表三: the rows after it are the copy's limit
        (lambda: up_to(CLEAN_2021, "2.重复申请 |"), "table3",
         ["not_processed_publication", "not_processed_excessive", "not_processed_confirmation", "other_no_correction",
          "other_fee_unpaid", "other_misc", "total_processed", "carried_forward"],
         ["table4"], ["review_litigation", "problems", "other"]),
        # … inside a row: the parser keeps its leading cells (P-TRUNCATED on the row) and the rest is lost
        (lambda: up_to(CLEAN_2021, "2.重复申请 |", "2.重复申请 | 0 | 0 |"), "table3",
         ["not_processed_publication", "not_processed_excessive", "not_processed_confirmation", "other_no_correction",
          "other_fee_unpaid", "other_misc", "total_processed", "carried_forward"],
         ["table4"], ["review_litigation", "problems", "other"]),
        # … on a row's label: that row is lost too, its empty cells are no blanks of the report
        (lambda: up_to(CLEAN_2021, "2.重复申请 |", "2.重复申请"), "table3",
         ["not_processed_duplicate", "not_processed_publication", "not_processed_excessive", "not_processed_confirmation",
          "other_no_correction", "other_fee_unpaid", "other_misc", "total_processed", "carried_forward"],
         ["table4"], ["review_litigation", "problems", "other"]),
        # … inside a label that cannot even be matched
        (lambda: up_to(CLEAN_2021, "3.要求提供公开出版物 |", "3.要求提供"), "table3",
         ["not_processed_publication", "not_processed_excessive", "not_processed_confirmation", "other_no_correction",
          "other_fee_unpaid", "other_misc", "total_processed", "carried_forward"],
         ["table4"], ["review_litigation", "problems", "other"]),
        # … in 表二
        (lambda: up_to(CLEAN_2021, "第二十条第（六）项"), "table2", ["penalty", "coercion", "admin_fees"],
         ["table3", "table4"], ["requests", "review_litigation", "problems", "other"]),
        # … in the heading after 表四
        (lambda: up_to(CLEAN_2021, "五、存在的主要问题及改进情况", "五、存在的主"), "", [], [], ["problems", "other"]),
    ],
)
def test_a_copy_cut_short_is_a_reading_limit_not_the_reports_defect(
    tmp_path: Path, lines: Callable[[], list[str]], table: str, rows: list[str], tables: list[str], sections: list[str]
) -> None:
    report = parse_file(write(tmp_path, lines()))
    assert report.status == "partial"
    cut = [f for f in report.findings if f.code == "P-TRUNCATED" and not f.row_key]
    assert len(cut) == 1 and cut[0].table == table and cut[0].severity == "warning"
    assert (cut[0].evidence["rows"], cut[0].evidence["tables"], cut[0].evidence["sections"]) == (rows, tables, sections)
    assert cut[0].provenance is not None and cut[0].provenance.line == len(lines())
    assert "副本" in cut[0].message and "不视为报告缺项" in cut[0].message
    assert not [f for f in report.findings if f.code in ("D10", "D11")]  # no accusation for what the copy lost
    # the audit neither: no D8 for the sections after the cut
    audited = audit_report(subject_of(report))
    assert not [f for f in audited if f.code in ("D8", "D22")]


def test_a_copy_that_starts_late_loses_what_came_before(tmp_path: Path) -> None:
    lines = lines_of(CLEAN_2021)
    start = lines.index("二、主动公开政府信息情况")
    report = parse_file(write(tmp_path, lines[start:]))
    cut = [f for f in report.findings if f.code == "P-TRUNCATED"]
    assert len(cut) == 1 and cut[0].evidence["sections"] == ["overview"] and cut[0].provenance is not None
    assert not [f for f in audit_report(subject_of(report)) if f.code == "D8"]


@pytest.mark.parametrize(
    ("lines", "codes"),
    [
        # a report that ends with a complete 表四 and never prints 五 and 六: missing, not cut
        (lambda: up_to(CLEAN_2021, "3 | 0 | 0 | 1 | 4 |"), {"D8"}),
        # a section left out in the middle
        (lambda: [line for line in lines_of(CLEAN_2021) if not line.startswith("六、")], {"D8"}),
    ],
)
def test_a_report_that_leaves_a_section_out_is_still_told(tmp_path: Path, lines: Callable[[], list[str]], codes: set[str]) -> None:
    report = parse_file(write(tmp_path, lines()))
    assert not [f for f in report.findings if f.code == "P-TRUNCATED"]
    assert codes <= {f.code for f in audit_report(subject_of(report))}


def test_a_section_numbered_differently_is_found_by_its_title(tmp_path: Path) -> None:
    lines = [line.replace("三、收到和处理", "二、收到和处理").replace("四、政府信息公开行政复议", "三、政府信息公开行政复议")
             for line in lines_of(CLEAN_2021)]
    report = parse_file(write(tmp_path, lines))
    assert {s.key for s in report.sections} >= {"active_disclosure", "requests", "review_litigation"}
    assert not [f for f in audit_report(subject_of(report)) if f.code == "D8"]
