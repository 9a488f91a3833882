"""Findings say where: every finding about a cell, row or column carries its table, row_key and col_key and
the page or line of a cell involved (a DOCX cell: its table, row and column); missing rows are named; users read printed labels, never keys;
our own reading problems are P- findings, never a D-code against the body."""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from xxgk import parse_file
from xxgk.audit import run_audit
from xxgk.executors import InProcessExecutor
from xxgk.ingest.document import Provenance
from xxgk.ingest.reader import read_document
from xxgk.normalize.audit import audit_batch, audit_report, digest_of, subject_of
from xxgk.normalize.audit.body import body_of
from xxgk.normalize.audit.overview import Overview
from xxgk.normalize.build import build_report
from xxgk.normalize.checks import run_checks
from xxgk.normalize.schema import Cell, Finding, Report, Section
from xxgk.options import AuditOptions
from xxgk.output.audit_html import render_report
from xxgk.parsers.cellvalue import classify
from xxgk.parsers.model import ParseIssue
from xxgk.parsers.report import parse_document
from xxgk.template import T3_APPLICANTS, T3_ROWS, T4_ROWS
from xxgk.types import Position, Severity, TableKey

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
    assert not [f for f in report.findings if f.code in ("T3-COLSUM", "T4-SUM") and f.row_key in rows]
    # the audit neither: no D8 for the sections after the cut
    audited = audit_report(subject_of(report))
    assert not [f for f in audited if f.code in ("D8", "D22")]


def test_a_copy_cut_at_both_ends_says_so_twice(tmp_path: Path) -> None:
    lines = up_to(CLEAN_2021, "2.重复申请 |", "2.重复申请")
    report = parse_file(write(tmp_path, lines[lines.index("二、主动公开政府信息情况"):]))
    cut = sorted((f.evidence["at_start"], f.evidence["sections"]) for f in report.findings if f.code == "P-TRUNCATED")
    assert cut == [(False, ["review_litigation", "problems", "other"]), (True, ["overview"])]
    assert not [f for f in audit_report(subject_of(report)) if f.code == "D8"]


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


# --- across years: not assessable at each place, or once when every place shares the reason -------

SERIES = ROOT / "fixtures" / "audit" / "clean_series_2022_2023"


def edited(path: Path, start: str, replacement: str) -> list[str]:
    lines = lines_of(path)
    index = next(i for i, line in enumerate(lines) if line.startswith(start))
    return lines[:index] + [replacement] + lines[index + 1:]


def cross(tmp_path: Path, lines_2022: list[str], lines_2023: list[str]) -> list[Finding]:
    reports = [parse_file(write(tmp_path, lines_2022, "2022.txt")), parse_file(write(tmp_path, lines_2023, "2023.txt"))]
    found = audit_batch([digest_of(subject_of(r), i) for i, r in enumerate(reports)])
    return found.get(1, [])


@pytest.mark.parametrize(
    ("lines_2022", "lines_2023", "expected"),
    [
        (lambda: lines_of(SERIES / "2022.txt"),
         lambda: edited(SERIES / "2023.txt", "二、上年结转", "二、上年结转政府信息公开申请数量 |  | 0 | 0 | 0 | 0 | 0 | 3 |"),
         {("X-YEAR-T3", "table3", "carried_over", "natural_person"): "本报告“二、上年结转政府信息公开申请数量”空白"}),
        (lambda: edited(SERIES / "2022.txt", "四、结转下年度", "四、结转下年度继续办理 | 3 | 0 | 0 | 0 | 0 | / | 3 |"),
         lambda: lines_of(SERIES / "2023.txt"),
         {("X-YEAR-T3", "table3", "carried_over", "other_org"): "2022年报告“四、结转下年度继续办理”为“/”"}),
        (lambda: edited(SERIES / "2022.txt", "规章 |", "规章 | 0 | 0 |  |"),
         lambda: lines_of(SERIES / "2023.txt"),
         {("X-YEAR-T2", "table2", "regulations", "in_force"): "2022年报告“规章 现行有效件数”空白"}),
        # last year's report has no tables at all: one finding per check, not one per column
        (lambda: [line for line in lines_of(SERIES / "2022.txt") if "|" not in line],
         lambda: lines_of(SERIES / "2023.txt"),
         {("X-YEAR-T3", "table3", "carried_over", ""): "2022年报告没有可读的表三",
          ("X-YEAR-T2", "table2", "", ""): "2022年报告没有可读的表二"}),
    ],
)
def test_a_cross_year_check_that_cannot_be_made_says_where(
    tmp_path: Path, lines_2022: Callable[[], list[str]], lines_2023: Callable[[], list[str]],
    expected: dict[tuple[str, str, str, str], str],
) -> None:
    found = {(f.code, f.table, f.row_key, f.col_key): f for f in cross(tmp_path, lines_2022(), lines_2023())}
    assert set(found) == set(expected)
    for place, named in expected.items():
        assert found[place].severity == "info" and named in found[place].message and "不视为通过" in found[place].message


def test_audit_findings_carry_the_line_of_their_cell(tmp_path: Path) -> None:
    lines_2023 = edited(SERIES / "2023.txt", "二、上年结转", "二、上年结转政府信息公开申请数量 |  | 0 | 0 | 0 | 0 | 0 | 3 |")
    inputs = [write(tmp_path, lines_of(SERIES / "2022.txt"), "2022.txt"), write(tmp_path, lines_2023, "2023.txt")]
    run_audit(inputs, tmp_path / "out", AuditOptions(), executor=InProcessExecutor())
    with open(tmp_path / "out" / "findings.csv", encoding="utf-8-sig", newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r["code"] == "X-YEAR-T3"]
    assert [(r["col_key"], r["line"]) for r in rows] == [("natural_person", "36")]


# --- reading problems are P- findings and raise no D-code; users read labels, not keys -------------

FIXTURES = ROOT / "fixtures"


def test_a_label_fragment_is_our_reading_problem_not_an_extra_row() -> None:
    report = parse_file(next((FIXTURES / "x03_detached_labels").glob("source.*")))
    fragment = [f for f in report.findings if f.row_key == "x_三不"]
    assert [(f.code, f.severity) for f in fragment] == [("P-UNMATCHED", "info")]
    assert "“（三）不”" in fragment[0].message and fragment[0].provenance is not None
    extra = parse_file(next((FIXTURES / "x07_extra_rows").glob("source.*")))
    assert {(f.code, f.row_key) for f in extra.findings if f.row_key.startswith("x_")} == {
        ("D11", "x_其他主动公开文件"), ("D11", "x_八其中网上申请")}


_T2_WITH_A_HEADER_FRAGMENT = """某县某局2020年政府信息公开工作年度报告
一、总体情况
2020年，某县某局认真落实《条例》。
二、主动公开政府信息情况
第二十条第（一）项
{header}
规章	0	0	0
制作	1	2	3
规范性文件	4	5	6
三、收到和处理政府信息公开申请情况
"""


@pytest.mark.parametrize(
    ("header", "position"),
    [
        ("信息内容\t本年新制作数量\t本年新公开数量\t对外公开总数量", "exact"),  # printed columns: the row takes them
        ("信息内容 本年新制作数量 本年新公开数量 对外公开总数量", "unknown"),  # no columns read: kept in none
    ],
)
def test_a_column_header_fragment_with_numbers_is_kept_and_said(tmp_path: Path, header: str, position: str) -> None:
    # 制作 is what a wrapped 本年新制作数量 leaves on a line of its own: a fragment of the template's, so our
    # reading problem (P-UNMATCHED), never an extra row of the report (D11) nor numbers dropped.
    path = tmp_path / "report.txt"
    path.write_text(_T2_WITH_A_HEADER_FRAGMENT.format(header=header), encoding="utf-8")
    report = parse_file(path)
    row = [c for c in report.cells if c.row_key == "x_制作"]
    assert [(c.raw, c.position) for c in row] == [("1", position), ("2", position), ("3", position)]
    assert [(f.code, f.severity) for f in report.findings if f.row_key == "x_制作"] == [("P-UNMATCHED", "warning")]


@pytest.mark.parametrize(("code", "d10"), [(None, True), ("P-MISALIGNED", False), ("P-TRUNCATED", False),
                                           ("P-SPLIT-DIGIT", False), ("P-DETACHED-LABEL", True)])
def test_d10_does_not_fire_on_a_row_our_reading_doubts(code: str | None, d10: bool) -> None:
    doc = read_document(CLEAN_2021, str(CLEAN_2021))
    parsed = parse_document(doc)
    parsed.cells = [replace(c, raw="") if (c.row_key, c.col_key) == ("granted", "research_institution") else c
                    for c in parsed.cells]
    if code is not None:
        parsed.issues.append(ParseIssue(code, Severity.WARNING, TableKey.T3, "granted", "", "表三 （一）予以公开：…"))
    report = build_report(doc, parsed)
    found = [f for f in report.findings if f.code == "D10"]
    assert bool(found) == d10
    if d10:
        line = next(c.provenance.line for c in report.cells if (c.row_key, c.col_key) == ("granted", "research_institution"))
        assert (found[0].table, found[0].row_key, found[0].col_key) == ("table3", "granted", "research_institution")
        assert found[0].provenance is not None and found[0].provenance.line == line
        assert found[0].evidence["places"] == [{"col_key": "research_institution", "raw": "", "line": line}]


@pytest.mark.parametrize("folder", ["x03_detached_labels", "x07_extra_rows", "x05_pre2019_table"])
def test_users_never_read_an_internal_key(folder: str) -> None:
    report = parse_file(next((FIXTURES / folder).glob("source.*")))
    shown = [f.message for f in report.findings]
    html = render_report(0, report, body_of(report), report.findings)
    visible = re.sub(r"<[^>]+>", " ", html)
    keys = {c.row_key for c in report.cells} | {c.col_key for c in report.cells if c.col_key}
    leaked = {k for k in keys if k.startswith("x_") or k == "value"}
    assert not [m for m in shown if any(k in m for k in leaked)]
    assert not [k for k in leaked if k in visible]


def test_an_integer_check_on_an_extra_row_names_its_printed_label() -> None:
    cell = Cell(table="table3", row_key="x_八其中网上申请", col_key="natural_person", raw="2.5", kind="number",
                value=classify("2.5")[1], label="（八）其中：网上申请", provenance=Provenance(line=3))
    _, findings = run_checks([cell])
    assert [f.message for f in findings if f.code == "T3-INT"] == ["表三 （八）其中：网上申请 自然人：“2.5”不是非负整数"]


def test_a_section_heading_a_conversion_dropped_is_no_missing_section(tmp_path: Path) -> None:
    lines = [("（二）存在的主要问题及改进情况" if line == "五、存在的主要问题及改进情况" else line) for line in lines_of(CLEAN_2021)]
    report = parse_file(write(tmp_path, lines))
    audited = audit_report(subject_of(report))
    assert [f.code for f in audited if f.code in ("D8", "P-HEADING")] == ["P-HEADING"]


# --- a narrative count with several readings is unreadable once, not several contradictions --------


def narrative_report(sentence: str, new: int = 12, carried: int = 3) -> Report:
    cells = [Cell(table="table3", row_key=row, col_key="total", raw=str(v), kind="number", value=v, provenance=Provenance(line=9))
             for row, v in (("new_requests", new), ("carried_over", carried))]
    return Report(parser_version="test", report_id="r1", source="青禾县文化和旅游局.txt", status="ok", template="2021",
                  bureau="青禾县文化和旅游局", year=2023, cells=cells,
                  sections=[Section(key="overview", number="一", title="一、总体情况", text=sentence)])


@pytest.mark.parametrize(
    ("sentence", "codes"),
    [
        ("收到政府信息公开申请12件，收到申请15件，收到申请20件。", [("P-TEXT", "info")]),
        ("全年共受理依申请公开12件，受理政府信息公开申请16件。", [("P-TEXT", "info")]),
        ("本年度新收政府信息公开申请12件，上年结转3件，共收到申请15件。", []),  # 一 and 一+二: both readings fit
        ("全年收到政府信息公开申请13件。", [("X-TEXT", "warning")]),  # one reading, and it contradicts 表三
    ],
)
def test_a_sentence_read_several_ways_is_unreadable_once(sentence: str, codes: list[tuple[str, str]]) -> None:
    found = [(f.code, f.severity) for f in audit_report(subject_of(narrative_report(sentence)))
             if f.code in ("X-TEXT", "P-TEXT")]
    assert found == codes


@pytest.mark.parametrize("code", ["P-TRUNCATED", "P-UNMATCHED", "P-HEADING", "P-TEXT"])
def test_every_reading_code_is_documented(code: str) -> None:
    for doc in (ROOT / "README.md", ROOT / "docs" / "report-format.md"):
        assert f"`{code}`" in doc.read_text(encoding="utf-8"), (code, doc.name)


def test_the_audit_page_and_overview_keep_our_reading_apart() -> None:
    report = parse_file(next((FIXTURES / "x03_detached_labels").glob("source.*")))
    findings = [*report.findings, *audit_report(subject_of(report))]
    assert any(f.code.startswith("P-") for f in findings)
    html = render_report(0, report, body_of(report), findings)
    defects, reading = html.split('class="findings reading"')
    assert 'data-code="P-UNMATCHED"' in reading and 'data-code="P-' not in defects.split('class="findings defects"')[-1]
    overview = Overview()
    overview.add(0, report, body_of(report), findings)
    own = [f for f in findings if not f.code.startswith("P-")]
    assert sum(overview.severities.values()) == len(own) and overview.reading == len(findings) - len(own)
    assert all(area != "读取" for bureau in overview.bureaus() for area, _, _ in bureau.areas())


DOCX_PLACES = [  # (finding on d01_docx_merged, its places, the page's and the notice's words for them)
    (Finding(code="D12", severity=Severity.ERROR, table="table2", row_key="regulations", col_key="made", message="x"),
     "table2.regulations.made@T1R3C2", "第1个表格第3行第2列"),
    (Finding(code="T4-SUM", severity=Severity.ERROR, table="table4", row_key="litigation_after_review", col_key="total", message="x"),
     "; ".join(f"table4.litigation_after_review.{col}@T3R4C{n}" for n, col in enumerate(("upheld", "corrected", "other", "pending", "total"), 11)),
     "、".join(f"第3个表格第4行第{n}列" for n in range(11, 16))),  # the row it adds up
    (Finding(code="X-VERSION", severity=Severity.WARNING, message="本机关报告有2个版本"), "", ""),  # the whole document
]


@pytest.mark.parametrize(("finding", "places", "words"), DOCX_PLACES, ids=[f.code for f, _, _ in DOCX_PLACES])
def test_a_docx_cell_is_placed_by_its_table_row_and_column(finding: Finding, places: str, words: str) -> None:
    """A DOCX has no pages or lines: a cell's place is its table, grid row and column (from 1, in document order)."""
    from xxgk.normalize.audit.evidence import with_places
    from xxgk.output.audit_findings import places_text
    from xxgk.output.audit_html import where
    from xxgk.output.audit_rectify import _where

    report = parse_file(ROOT / "fixtures" / "d01_docx_merged" / "source.docx")
    (placed,) = with_places([finding], report)
    assert places_text(placed) == places
    assert where(placed) == words and _where(placed.evidence["places"]) == words
