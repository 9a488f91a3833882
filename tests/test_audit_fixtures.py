"""Acceptance: every defect code comes out of a fixture built to contain it, and out of none built clean.

The cases live in fixtures/audit (make_audit_fixtures.py); each expect.json lists exactly the finding
codes its audit must produce — a clean case none at all, not even an info.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from xxgk.audit import run_audit
from xxgk.executors import InProcessExecutor
from xxgk.options import AuditOptions

CASES_DIR = Path(__file__).resolve().parent.parent / "fixtures" / "audit"
CASES = sorted(p for p in CASES_DIR.iterdir() if (p / "expect.json").exists())
CLEAN = [p for p in CASES if p.name.startswith("clean_")]

# The codes the issue asks for: D1, D2–D5 (kept as their T-codes), D6 (X-YEAR-T3, X-YEAR-T2),
# D7 (X-TEXT), D8, D9, D9b, D10, D11, D12, D13, D14, D15, D17, D19, D21, D22.
REQUIRED = {"D1", "T3-BAL", "T3-COLSUM", "T3-ROWSUM", "T4-SUM", "X-YEAR-T3", "X-YEAR-T2", "X-TEXT", "D8", "D9",
            "D9b", "D10", "D11", "D12", "D13", "D14", "D15", "D17", "D19", "D21", "D22"}


def expect(case: Path) -> dict:
    return json.loads((case / "expect.json").read_text(encoding="utf-8"))


def audit(case: Path, out: Path, inputs: list[Path] | None = None) -> list[dict[str, str]]:
    spec = expect(case)
    options = AuditOptions(
        previous=[case / p for p in spec.get("previous", [])],
        published=case / spec["published"] if "published" in spec else None,
    )
    run_audit(inputs or [case / name for name in spec["inputs"]], out, options, executor=InProcessExecutor())
    with open(out / "findings.csv", encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case_produces_exactly_its_codes(case: Path, tmp_path: Path) -> None:
    rows = audit(case, tmp_path / "out")
    assert sorted({r["code"] for r in rows}) == expect(case)["codes"], [(r["code"], r["message"]) for r in rows]
    for row in rows:  # every finding says, in Chinese, what is wrong — and belongs to a recognised body
        assert row["message"] and row["severity"] in ("error", "warning", "info")
        assert row["bureau_key"]


def test_every_required_code_has_a_fixture_and_clean_ones_have_none() -> None:
    built = {code for case in CASES if case not in CLEAN for code in expect(case)["codes"]}
    assert REQUIRED <= built, REQUIRED - built
    assert all(expect(case)["codes"] == [] for case in CLEAN)


def test_clean_cases_audited_together_stay_clean(tmp_path: Path) -> None:
    """Together they also cross-check: no copied text between them, no broken year series."""
    inputs = [case / name for case in CLEAN for name in expect(case)["inputs"]]
    assert audit(CLEAN[0], tmp_path / "out", inputs) == []


def test_findings_are_located_where_the_break_is(tmp_path: Path) -> None:
    rows = audit(CASES_DIR / "d06_carry_over", tmp_path / "out")
    located = {(r["table"], r["row_key"], r["col_key"]) for r in rows}
    assert located == {("table3", "carried_over", c) for c in ("natural_person", "commercial_enterprise", "total")}
    assert all(r["related_source"].endswith("2022.txt") and r["year"] == "2023" for r in rows)
    rows = audit(CASES_DIR / "d02_t3_balance", tmp_path / "out2")
    assert {(r["defect"], r["area"]) for r in rows} == {("D2", "表格勾稽")}


NOT_REPORTS = [  # (file name, text): files that are not reports, some with what a report would be faulted for
    ("README.md", (CASES_DIR / "README.md").read_text(encoding="utf-8")),
    ("notice.txt", "关于召开工作会议的通知\n\n定于2023年2月30日召开会议，请各单位准时参加。\n"),
]


@pytest.mark.parametrize(("name", "text"), NOT_REPORTS, ids=[n for n, _ in NOT_REPORTS])
def test_a_file_skipped_as_not_a_report_gets_no_findings_and_no_rows(name: str, text: str, tmp_path: Path) -> None:
    """It is listed in reports.csv as skipped, and that is all: no audit finding, no section, keyword or fact."""
    folder = tmp_path / "in"
    clean = CLEAN[0]
    (folder / clean.name).mkdir(parents=True)
    for path in clean.iterdir():
        (folder / clean.name / path.name).write_bytes(path.read_bytes())
    (folder / name).write_text(text, encoding="utf-8")
    rows = audit(clean, tmp_path / "out", [folder])
    skipped = str(folder / name)
    assert [r for r in rows if r["source"] == skipped] == []
    for listing in ("findings.jsonl", "decisions.csv", "parse/sections.csv", "parse/keywords.csv", "parse/facts.csv"):
        assert skipped not in (tmp_path / "out" / listing).read_text(encoding="utf-8-sig"), listing
    with open(tmp_path / "out" / "parse" / "reports.csv", encoding="utf-8-sig", newline="") as handle:
        statuses = {r["source"]: r["status"] for r in csv.DictReader(handle)}
    assert statuses[skipped] == "skipped"
