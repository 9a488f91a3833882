"""The list of bodies that must report (``xxgk audit --bodies roster.csv``): their other names, and the
years each must report for.

Columns: ``body`` (a body_id such as ``320813:政府``, or a name), ``aliases`` (other names the body
prints, separated by ``;`` or ``；``), ``years`` (``2022-2024``, ``2022;2024``; empty: every year the batch
covers). A body on the roster with no report for an expected year is 应报未报 (X-MISSING, D18); its
aliases make reports under those names count as the body's.
"""

from __future__ import annotations

import csv
import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from xxgk.errors import AuditInputError
from xxgk.normalize.audit.body import Body
from xxgk.normalize.audit.registry import Subject
from xxgk.parsers.bureau import describe

_ID = re.compile(r"^\d{6}:")
_SPLIT = re.compile(r"[;；、|]")


@dataclass(frozen=True, slots=True)
class Entry:
    key: str  # the body_id reports of this body are grouped under
    name: str  # as the roster writes it
    years: tuple[int, ...]  # () : every year the batch covers


@dataclass(frozen=True, slots=True)
class Roster:
    entries: tuple[Entry, ...] = ()
    aliases: dict[str, str] = field(default_factory=dict)  # a name form's body_id → the roster's key

    def body(self, body: Body) -> Body:
        """The body under the roster's key when one of its names is an alias."""
        key = self.aliases.get(body.key)
        return replace(body, key=key) if key and key != body.key else body

    def subject(self, subject: Subject) -> Subject:
        body = self.body(subject.body)
        return subject if body is subject.body else replace(subject, body=body)

    def expected(self, span: list[int]) -> list[tuple[Entry, int]]:
        """(body, year) for every year a body of the roster must report, within the batch's years when
        the roster gives none."""
        return [(entry, year) for entry in self.entries for year in (entry.years or tuple(span))]


def _key(text: str) -> str:
    return text if _ID.match(text) else describe(text).body_id


def _years(text: str, where: str) -> tuple[int, ...]:
    years: list[int] = []
    for part in filter(None, (p.strip() for p in _SPLIT.split(text.replace("，", ";").replace(",", ";")))):
        match = re.fullmatch(r"((?:19|20)\d{2})\s*(?:[-–—~至]\s*((?:19|20)\d{2}))?", part)
        if not match:
            raise AuditInputError(f"{where}: '{part}' is not a year or a range of years (2022 or 2022-2024)")
        first = int(match[1])
        last = int(match[2]) if match[2] else first
        if last < first:
            raise AuditInputError(f"{where}: '{part}' ends before it starts")
        years.extend(range(first, last + 1))
    return tuple(sorted(set(years)))


def load_roster(path: str | os.PathLike[str]) -> Roster:
    """Read a roster CSV (UTF-8, with or without BOM). Raises AuditInputError on a bad file."""
    path = Path(path)
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise AuditInputError(f"--bodies {path}: {exc}") from exc
    if rows and "body" not in rows[0]:
        raise AuditInputError(f"--bodies {path}: no 'body' column (columns: body, aliases, years)")
    entries: list[Entry] = []
    aliases: dict[str, str] = {}
    for number, row in enumerate(rows, start=2):
        name = (row.get("body") or "").strip()
        if not name:
            continue
        where = f"--bodies {path} line {number}"
        key = _key(name)
        entries.append(Entry(key, name, _years(row.get("years") or "", where)))
        for alias in filter(None, (a.strip() for a in _SPLIT.split(row.get("aliases") or ""))):
            aliases[_key(alias)] = key
    return Roster(tuple(entries), aliases)
