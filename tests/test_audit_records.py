"""What the audit hands a supervisor beyond the page: note markers shown as such, decisions kept across
runs, the rectification lists per body, the run record, OCR'd cells told apart."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from lxml import html as lxml_html

from xxgk.audit import run_audit
from xxgk.executors import InProcessExecutor
from xxgk.options import AuditOptions

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
CASES = FIXTURES / "audit"


def findings_csv(out: Path) -> list[dict[str, str]]:
    with open(out / "findings.csv", encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def audit(inputs: list[Path], out: Path, **options: Any) -> list[dict[str, str]]:
    run_audit(inputs, out, AuditOptions(**options), executor=InProcessExecutor())
    return findings_csv(out)


def test_note_markers_are_shown_apart_from_the_number(tmp_path: Path) -> None:
    rows = audit([FIXTURES / "x19_note_markers" / "source.txt"], tmp_path / "out")
    marked = [r for r in rows if r["code"] == "P-NOTE-MARK"]
    assert len(marked) == 5 and all(r["severity"] == "warning" and r["area"] == "读取" for r in marked)
    page = lxml_html.fromstring((tmp_path / "out" / "audit.html").read_bytes())
    cell = page.xpath('//td[@data-cell="table3.new_requests.legal_service_org"]')[0]
    assert cell.xpath('span[@class="notemark"]/text()') == ["¹¹"]
    assert (cell.text or "").strip() == "2"
    assert "flag-warning" in cell.get("class")
