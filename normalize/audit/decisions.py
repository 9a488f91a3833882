"""A supervisor's decisions on findings, kept across runs of the audit.

Each finding gets a stable ``finding_id``: ``F`` and the first 12 hex digits of the SHA-256 of

    body key | year | code | table.row.col | the cells it involves (sorted) | its subject | version

where the body key is the body_id (for a report whose body is unknown: its file name), the cells are
the "table.row.col" keys of its evidence (an identity's terms, a row's cells), the subject is what a
finding without cells is about (its section, quoted sentence, heading or date, the other report's file
name for D15), and the version is empty unless the batch holds several reports of the body for the
year (X-VERSION): then it is the report's report_id (the hash of its bytes), and for the same bytes
under several names (X-COPY) the file name too. Nothing of the run — row order, time, folders,
options, the message's wording — enters it, so the same defect of the same report gets the same id
in every run. Two findings of one report that still share an id are told
apart by ``-2``, ``-3`` in the report's order.

``--decisions FILE`` (CSV, UTF-8 or GB18030, columns ``finding_id``, ``status``, ``note``; other columns
are ignored, rows with an empty status too) gives each decided finding its status (or its Chinese name
as audit.html shows it: 已确认, 误读, 已排除):

- ``confirmed`` — a defect of the report: it goes on the rectification list;
- ``misread`` — our reading was wrong (the report is fine there): off the list and off the exit status;
- ``dismissed`` — not worth acting on: off the list and off the exit status.

A decision whose finding no run produces any more is *stale*: said, and kept in OUT/decisions.csv.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Any

from xxgk.errors import AuditInputError
from xxgk.normalize.schema import Finding

STATUSES = ("confirmed", "misread", "dismissed")
DECISION_NAMES = {"confirmed": "已确认", "misread": "误读", "dismissed": "已排除"}
_BY_NAME = {name: status for status, name in DECISION_NAMES.items()}  # a status may be given as shown
# Decided not to be the report's defect: out of the exit status and the rectification lists.
SET_ASIDE = frozenset({"misread", "dismissed"})
_SUBJECT_KEYS = ("section", "sections", "sentence", "heading", "date", "other_source", "label")


@dataclass(frozen=True, slots=True)
class Decision:
    finding_id: str
    status: str
    note: str = ""


def body_key(body_id: str, source: str) -> str:
    return body_id or f"?{PurePath(source).name}"


def base_id(key: str, year: int | None, finding: Finding, version: str = "") -> str:
    cells = sorted(str(p["cell"]) for p in finding.evidence.get("places", ()) if p.get("cell"))
    highlight = finding.evidence.get("highlight")
    if isinstance(highlight, list):
        cells = sorted({*cells, *map(str, highlight)})
    subject = "|".join(f"{k}={_plain(finding.evidence[k])}" for k in _SUBJECT_KEYS if finding.evidence.get(k))
    parts = (key, str(year or ""), finding.code, f"{finding.table}.{finding.row_key}.{finding.col_key}", ",".join(cells),
             subject, version)
    # A letter first: a spreadsheet never reads the id as a number (123456789012, 1e2345678901).
    return "F" + hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:12]


def _plain(value: Any) -> str:
    if isinstance(value, list | tuple):
        return ",".join(map(_plain, value))
    if isinstance(value, str) and ("/" in value or "\\" in value):
        return PurePath(value).name  # another report: by its file name, wherever the batch was read from
    return str(value)


@dataclass
class Decisions:
    """The decisions given, the ids this run produced, and what became of each decision."""

    given: dict[str, Decision] = field(default_factory=dict)
    seen: Counter[str] = field(default_factory=Counter)  # base id → findings of the current report with it
    used: set[str] = field(default_factory=set)

    @classmethod
    def load(cls, path: str | os.PathLike[str] | None) -> Decisions:
        if path is None:
            return cls()
        try:
            data = Path(path).read_bytes()
            try:
                text = data.decode("utf-8-sig")
            except UnicodeDecodeError:  # saved back by a spreadsheet on a Chinese Windows
                text = data.decode("gb18030")
            return cls(_read(path, csv.DictReader(io.StringIO(text, newline=""))))
        except (OSError, UnicodeDecodeError, csv.Error) as exc:
            raise AuditInputError(f"--decisions {path}: {exc}") from exc

    def mark_all(self, key: str, year: int | None, findings: list[Finding], version: str = "") -> list[Finding]:
        """A report's findings, each with ``evidence["finding_id"]`` and, when decided, ``decision`` and
        ``decision_note``."""
        self.seen.clear()
        return [self._mark(key, year, finding, version) for finding in findings]

    def _mark(self, key: str, year: int | None, finding: Finding, version: str) -> Finding:
        base = base_id(key, year, finding, version)
        self.seen[base] += 1
        finding_id = base if self.seen[base] == 1 else f"{base}-{self.seen[base]}"
        evidence: dict[str, Any] = {**finding.evidence, "finding_id": finding_id}
        decision = self.given.get(finding_id)
        if decision is not None:
            self.used.add(finding_id)
            evidence.update(decision=decision.status, decision_note=decision.note)
        return finding.model_copy(update={"evidence": evidence})

    def stale(self) -> list[Decision]:
        """Decisions whose finding this run did not produce, in the order given."""
        return [d for finding_id, d in self.given.items() if finding_id not in self.used]

    def counts(self) -> Counter[str]:
        return Counter(self.given[i].status for i in self.used)


def _read(path: str | os.PathLike[str], reader: csv.DictReader[str]) -> dict[str, Decision]:
    fields = {name.strip().lower(): name for name in reader.fieldnames or ()}
    if "finding_id" not in fields or "status" not in fields:
        raise AuditInputError(f"--decisions {path}: needs the columns finding_id and status (and note)")
    given: dict[str, Decision] = {}
    for number, row in enumerate(reader, start=2):
        finding_id = (row.get(fields["finding_id"]) or "").strip()
        status = (row.get(fields["status"]) or "").strip().lower()
        status = _BY_NAME.get(status, status)
        if not finding_id or not status:
            continue
        if status not in STATUSES:
            raise AuditInputError(f"--decisions {path} line {number}: status '{status}' is not one of {', '.join(STATUSES)}")
        note = (row.get(fields["note"]) or "").strip() if "note" in fields else ""
        given[finding_id] = Decision(finding_id, status, note)
    return given


class Versions:
    """What tells apart the ids of reports that share a body and a year: the version (report_id) when
    the batch holds several for the year (X-VERSION), and the file name for the same bytes under
    several names (X-COPY); "" for the usual single report, whose ids hold whatever its file is called."""

    def __init__(self, reports: Iterable[tuple[str, int | None, str, str]]) -> None:  # key, year, report_id, source
        self._ids: dict[tuple[str, int | None], set[str]] = {}
        self._copies: Counter[str] = Counter()
        for key, year, report_id, _ in reports:
            self._ids.setdefault((key, year), set()).add(report_id)
            self._copies[report_id] += 1

    def of(self, key: str, year: int | None, report_id: str, source: str) -> str:
        version = report_id if len(self._ids.get((key, year), ())) > 1 else ""
        if self._copies[report_id] > 1:
            version += f"|{PurePath(source).name}"
        return version


def decision_of(finding: Finding) -> str:
    return str(finding.evidence.get("decision") or "")


def set_aside(finding: Finding) -> bool:
    """Decided to be no defect of the report (misread or dismissed)."""
    return decision_of(finding) in SET_ASIDE
