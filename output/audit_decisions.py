"""OUT/decisions.csv: the template a supervisor fills in and gives back with ``--decisions``.

Every finding of the run, in the order of findings.csv, with its decision when it has one, then the
stale decisions (their finding is gone: kept, marked ``stale``), so that nothing decided is lost by a
re-run. Only ``finding_id``, ``status`` and ``note`` are read back; the other columns say what the
finding is. Written as the findings stream by, never held whole."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType
from typing import IO

from xxgk.normalize.audit.decisions import Decision, decision_of
from xxgk.normalize.schema import Finding
from xxgk.output.csvfiles import safe

DECISION_COLUMNS = ("finding_id", "status", "note", "stale", "bureau", "year", "code", "severity", "places", "message")


class DecisionsTemplate:
    def __init__(self, path: Path, encoding: str = "utf-8-sig") -> None:
        self.path = path
        self.encoding = encoding
        self._handle: IO[str] | None = None

    def __enter__(self) -> DecisionsTemplate:
        self._handle = open(self.path, "w", encoding=self.encoding, newline="")
        self._csv = csv.writer(self._handle)
        self._csv.writerow(DECISION_COLUMNS)
        return self

    def add(self, finding: Finding, bureau: str, year: int | None, places: str) -> None:
        self._csv.writerow([safe(v) for v in (
            finding.evidence.get("finding_id", ""), decision_of(finding), finding.evidence.get("decision_note", ""), "",
            bureau, year or "", finding.code, finding.severity, places, finding.message,
        )])

    def add_stale(self, stale: Iterable[Decision]) -> None:
        for decision in stale:
            self._csv.writerow([safe(v) for v in (decision.finding_id, decision.status, decision.note, "stale", *[""] * 6)])

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if self._handle is not None:
            self._handle.close()
