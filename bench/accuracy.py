#!/usr/bin/env python3
"""Cell-by-cell accuracy against hand-read truth.

    python bench/accuracy.py ../shared/corpus [fixtures ...]

Every folder holding ``source.*`` and ``truth.json`` (see ../shared/corpus/README.md) is parsed and
scored: each key in ``cells`` must come out with the recorded value (a recorded null must come out
as a cell without a number). A cell that differs from truth in a row that carries no P- finding is
a SILENT error, the one outcome never accepted (the exit status is 1 when there is any). Also
reported: cells we left unplaced with a P- finding (never
guessed), expected identity breaks flagged, error-level identity findings the truth does not
expect (false alarms), and reports where the truth says there are no tables but we found some.
"""

from __future__ import annotations

import argparse
import json
import sys
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from xxgk import parse_file  # noqa: E402
from xxgk.normalize.schema import Report  # noqa: E402
from xxgk.template import LABELS, TABLE_NAMES  # noqa: E402

PLACED = ("exact", "inferred")
IDENTITY_CODES = {"T3-BAL", "T3-COLSUM", "T3-ROWSUM", "T3-INT", "T4-SUM", "T4-INT"}


def documents(paths: list[str]) -> list[Path]:
    found: list[Path] = []
    for given in paths:
        root = Path(given)
        for truth in sorted(root.rglob("truth.json")) if root.is_dir() else []:
            if any(truth.parent.glob("source.*")):
                found.append(truth.parent)
    return found


def marked_rows(report: Report) -> set[tuple[str, str]]:
    """(table, row_key) of every P- finding (row_key "" for one about the whole table), and the rows
    and tables the report lists as missing: a cell there that differs from truth is not silent."""
    marked = {(str(f.table), f.row_key) for f in report.findings if f.code.startswith("P-")}
    for item in report.missing:
        kind, _, what = item.partition(":")
        if kind == "table":
            marked.update((str(t), "") for t, name in TABLE_NAMES.items() if name == what)
        elif kind == "row":
            name, _, label = what.partition(" ")
            for table, rows in LABELS.items():
                marked.update((str(table), key) for key, printed in rows.items() if TABLE_NAMES.get(table) == name and printed == label)
    return marked


def same(expected: object, cell: object) -> bool:
    if cell is None:
        return expected is None
    value = cell.value if cell.kind == "number" else None  # type: ignore[attr-defined]
    if expected is None or value is None:
        return expected is None and value is None
    return Decimal(str(expected)) == Decimal(str(value))


def score(folder: Path) -> dict[str, object]:
    truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
    source = next(p for p in sorted(folder.glob("source.*")))
    report = parse_file(source)
    row: dict[str, object] = {"doc": folder.name, "format": source.suffix.lstrip("."), "status": report.status}
    if report.error and report.error.code == "UNSUPPORTED":
        row["status"] = "not supported"  # its reader is not built: nothing is scored as a match
        report = report.model_copy(update={"cells": [], "findings": []})
    cells = {(c.table, c.row_key, c.col_key): c for c in report.cells if c.position in PLACED}
    unplaced_rows = {(c.table, c.row_key) for c in report.cells if c.position == "unknown"}
    marked = marked_rows(report)
    matched = wrong = unplaced = silent = 0
    misses: list[str] = []
    for key, expected in truth.get("cells", {}).items():
        table, row_key, col_key = key.split(".")
        cell = cells.get((table, row_key, col_key))
        if same(expected, cell) and row["status"] != "not supported":
            matched += 1
        elif cell is None and {(table, row_key), (table, "")} & unplaced_rows:
            unplaced += 1
        else:
            wrong += 1
            got = "missing" if cell is None else repr(cell.raw)
            # A finding about the whole table (row "") excuses a cell we did not output, never a number we
            # placed in a row of our own choosing: that row must carry its own mark.
            quiet = not ({(table, row_key)} | ({(table, "")} if cell is None else set())) & marked
            if cell is None and (expected is None or report.status == "failed"):
                # a blank we did not output claims no number; a failed document outputs none and says why
                # (NEEDS_OCR where the OCR extra is not installed)
                quiet = False
            silent += quiet
            misses.append(f"{key}: truth {expected!r}, got {got}{' (SILENT: no P- finding on its row)' if quiet else ''}")
    found_errors = {f.code for f in report.findings if f.severity == "error" and f.code in IDENTITY_CODES}
    expected_codes = set(truth.get("expected_codes", []))
    # An expected finding names its table and the row or column where the identity breaks
    # (null for the other axis); a found finding locates it when every named part agrees.
    expected_places = truth.get("expected_findings", [])
    found_places = [(f.code, f.table, f.row_key, f.col_key) for f in report.findings if f.severity == "error"]
    located = sum(
        1
        for e in expected_places
        if any(
            code == e["code"] and table == e.get("table") and e.get("row_key") in (None, row) and e.get("col_key") in (None, col)
            for code, table, row, col in found_places
        )
    )
    false_alarms = sorted(found_errors - expected_codes)
    invented = 0
    if truth.get("tables_present") is False or truth.get("not_a_report"):
        invented = sum(1 for c in report.cells if c.kind == "number")
    stated = {**truth.get("narrative", {}), **truth.get("pre2019", {})}
    stated = {k: v for k, v in stated.items() if isinstance(v, (int, float))}
    facts: dict[str, object] = {}
    for fact in report.facts:
        facts.setdefault(fact.key, fact.value)
    facts_ok = sum(1 for k, v in stated.items() if k in facts and Decimal(str(facts[k])) == Decimal(str(v)))
    row.update(
        facts=f"{facts_ok}/{len(stated)}" if stated else "",
        facts_ok=facts_ok, facts_total=len(stated),
        scored=len(truth.get("cells", {})), matched=matched, wrong=wrong, unplaced=unplaced, silent=silent,
        expected=len(expected_codes), flagged=len(expected_codes & found_errors),
        located=f"{located}/{len(expected_places)}" if expected_places else "",
        false_alarms=",".join(false_alarms), invented=invented, misses=misses,
    )
    if truth.get("not_a_report") and report.status != "skipped":
        row["false_alarms"] = (str(row["false_alarms"]) + " not-skipped").strip()
    return row


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("dirs", nargs="+", help="corpus or fixture folders")
    parser.add_argument("-v", "--verbose", action="store_true", help="list every wrong cell")
    args = parser.parse_args()
    rows = [score(folder) for folder in documents(args.dirs)]
    if not rows:
        print("no source.* + truth.json folders found", file=sys.stderr)
        return 2
    header = (
        f"{'document':<40} {'fmt':<5} {'status':<13} {'cells':>11} {'wrong':>5} {'silent':>6} {'unplaced':>8} {'breaks':>7} "
        f"{'located':>7} {'false alarms':<14} {'invented':>8} {'facts':>6}"
    )
    print(header)
    print("-" * len(header))
    totals = {"scored": 0, "matched": 0, "wrong": 0, "silent": 0, "unplaced": 0, "expected": 0, "flagged": 0, "invented": 0,
              "alarms": 0, "facts_ok": 0, "facts_total": 0}
    for r in rows:
        print(
            f"{r['doc'][:40]:<40} {r['format']:<5} {r['status']:<13} {r['matched']:>5}/{r['scored']:<5} {r['wrong']:>5} "
            f"{r['silent']:>6} "
            f"{r['unplaced']:>8} {r['flagged']:>3}/{r['expected']:<3} {r['located']:>7} {r['false_alarms'] or '-':<14} "
            f"{r['invented']:>8} {r['facts']:>6}"
        )
        if args.verbose:
            for miss in r["misses"]:
                print(f"      {miss}")
        for key in ("scored", "matched", "wrong", "silent", "unplaced", "expected", "flagged", "invented", "facts_ok", "facts_total"):
            totals[key] += r[key]  # type: ignore[operator]
        totals["alarms"] += bool(r["false_alarms"])
    print("-" * len(header))
    pct = 100.0 * totals["matched"] / totals["scored"] if totals["scored"] else 100.0
    print(
        f"TOTAL {len(rows)} documents: {totals['matched']}/{totals['scored']} cells match ({pct:.1f}%), "
        f"{totals['wrong']} wrong of which {totals['silent']} SILENT (no P- finding on the row), "
        f"{totals['unplaced']} left unplaced with a P- finding; "
        f"expected breaks flagged {totals['flagged']}/{totals['expected']}; "
        f"documents with false alarms {totals['alarms']}; numbers invented where truth has no table {totals['invented']}; "
        f"stated counts read from the text {totals['facts_ok']}/{totals['facts_total']}"
    )
    return 1 if totals["silent"] else 0


if __name__ == "__main__":
    sys.exit(main())
