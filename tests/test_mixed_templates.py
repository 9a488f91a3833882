"""表二 on one template and 表三 on the other: D1 naming both (parsers/meta.py mixed_templates), from the parse and
in the audit, and no D1 anywhere else — the corpus, the other fixtures, x04's one-row （六） in a 2021 report."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from xxgk import parse_file
from xxgk.audit import run_audit
from xxgk.executors import InProcessExecutor
from xxgk.ingest.document import Provenance
from xxgk.options import AuditOptions
from xxgk.parsers.meta import TEMPLATE_NAMES, mixed_templates
from xxgk.parsers.model import ParsedCell
from xxgk.types import TableKey

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
TRUTHS = {p.parent.name: json.loads(p.read_text(encoding="utf-8")) for p in sorted(FIXTURES.glob("*/truth.json"))}
MIXED = sorted(name for name, truth in TRUTHS.items() if "mixed_templates" in truth)

T2_2021 = ("made", "repealed", "in_force", "decisions", "amount_wan_yuan")
T2_2019 = ("new_made", "new_published", "total_published", "prev_items", "delta", "decisions", "projects", "amount")
SPLIT = ("other_no_correction", "other_fee_unpaid", "other_misc")
ONE_ROW = ("other_handling",)


def cells(t2_cols: tuple[str, ...], t3_rows: tuple[str, ...]) -> list[ParsedCell]:
    found = [ParsedCell(TableKey.T2, "licensing", col, "1", Provenance()) for col in t2_cols]
    rows = ("new_requests", "granted", *t3_rows, "total_processed") if t3_rows else ()
    return found + [ParsedCell(TableKey.T3, row, "total", "1", Provenance()) for row in rows]


@pytest.mark.parametrize(
    ("t2_cols", "t3_rows", "year", "expected"),
    [
        # a 2019 表二 beside a 表三 split in three: mixed whatever the year
        (T2_2019, SPLIT, 2020, ("2019", "2021")),
        (T2_2019, SPLIT, 2023, ("2019", "2021")),
        (T2_2019, SPLIT, None, ("2019", "2021")),
        # a 2021 表二 beside a one-row （六）: the 2019 表三 of a 2019/2020 report …
        (T2_2021, ONE_ROW, 2019, ("2021", "2019")),
        (T2_2021, ONE_ROW, 2020, ("2021", "2019")),
        # … but the known 2021 variant in a 2021+ report (x04, D11), and undecidable without a year
        (T2_2021, ONE_ROW, 2022, None),
        (T2_2021, ONE_ROW, 2024, None),
        (T2_2021, ONE_ROW, None, None),
        # one template throughout
        (T2_2021, SPLIT, 2024, None),
        (T2_2019, ONE_ROW, 2020, None),
        (T2_2019, ONE_ROW, 2023, None),  # 2019 tables in a 2023 report: the audit's year check, not a mix
        # nothing to tell a table's template by
        (T2_2019 + T2_2021, SPLIT, 2023, None),  # 表二 itself on both: no template of its own
        (T2_2021, ONE_ROW + SPLIT, 2020, None),
        (("decisions",), SPLIT, 2020, None),  # 处理决定数量 is in both
        ((), SPLIT, 2020, None),
        (T2_2019, (), 2020, None),
    ],
)
def test_mixed_templates(t2_cols: tuple[str, ...], t3_rows: tuple[str, ...], year: int | None,
                         expected: tuple[str, str] | None) -> None:
    assert mixed_templates(cells(t2_cols, t3_rows), year) == expected


def test_there_are_mixed_fixtures_both_ways() -> None:
    directions = {(TRUTHS[name]["mixed_templates"]["table2"], TRUTHS[name]["mixed_templates"]["table3"]) for name in MIXED}
    assert directions == {("2019", "2021"), ("2021", "2019")}


@pytest.mark.parametrize("name", MIXED)
def test_the_parse_says_which_table_follows_which_template(name: str) -> None:
    truth = TRUTHS[name]
    report = parse_file(next((FIXTURES / name).glob("source.*")))
    [d1] = [f for f in report.findings if f.code == "D1"]
    t2, t3 = truth["mixed_templates"]["table2"], truth["mixed_templates"]["table3"]
    assert d1.severity == "error"
    assert f"表二按{TEMPLATE_NAMES[t2]}、表三按{TEMPLATE_NAMES[t3]}填报，格式混用" in d1.message
    assert f"{truth['year']}年度报告应统一使用{TEMPLATE_NAMES['2021' if truth['year'] >= 2021 else '2019']}" in d1.message
    assert f"格式混用：表二为{t2}年版、表三为{t3}年版" in report.guesses["template"].evidence
    # the one-row （六） of a mixed report is the 2019 table's, not a 2021 variant: no D11 for it
    assert not [f for f in report.findings if f.code == "D11" and f.row_key == "other_handling"]


def _sources(corpus: Path) -> list[Path]:
    found = [next(p.glob("source.*")) for p in sorted(corpus.glob("*/")) if any(p.glob("source.*"))]
    found += [next((FIXTURES / name).glob("source.*")) for name in TRUTHS if name not in MIXED]
    return found + sorted((FIXTURES / "audit").glob("*/*.txt")) + sorted((FIXTURES / "audit").glob("*/*/*.txt"))


def test_no_other_report_is_mixed(corpus: Path) -> None:
    sources = _sources(corpus)
    assert len(sources) > 70
    assert [str(s) for s in sources if any(f.code == "D1" for f in parse_file(s).findings)] == []


def test_the_audit_reports_one_d1_naming_both(tmp_path: Path) -> None:
    inputs = [next((FIXTURES / name).glob("source.*")) for name in
              [*MIXED, "x04_collapsed_other_2021", "t09_template_2019", "t02_pipes_2021"]]
    year_only = FIXTURES / "audit" / "d01_2021_tables_in_2020" / "report.txt"
    run_audit([*inputs, year_only], tmp_path / "out", AuditOptions(), executor=InProcessExecutor())
    with open(tmp_path / "out" / "findings.csv", encoding="utf-8-sig", newline="") as handle:
        rows = [row for row in csv.DictReader(handle) if row["defect"] == "D1"]
    by_source: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        by_source.setdefault(Path(row["source"]).parent.name, []).append(row)
    assert sorted(by_source) == sorted([*MIXED, "d01_2021_tables_in_2020"])
    for name in MIXED:
        [row] = by_source[name]  # the parse's D1; the audit adds none for the year beside it
        assert row["code"] == "D1" and row["severity"] == "error" and "格式混用" in row["message"]
        assert TEMPLATE_NAMES["2019"] in row["message"] and TEMPLATE_NAMES["2021"] in row["message"]
    [year_row] = by_source["d01_2021_tables_in_2020"]
    assert "格式混用" not in year_row["message"] and "2020年度报告使用了2021年修订格式" in year_row["message"]
