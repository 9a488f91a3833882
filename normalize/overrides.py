"""Metadata corrected by hand: a CSV (``xxgk parse --meta FILE``) applied to every report before it is written.

Columns: ``source`` or ``report_id`` (which report), then any of ``bureau, bureau_key, body_id, level,
is_government, region_code, year, template`` (an empty field keeps what was detected) and an optional
free-text ``note``. A corrected bureau re-derives its key, tier, kind and region unless those are
corrected too. Each corrected value's evidence names the file and line. Checks and the report's status
are not recomputed: a corrected template or year relabels the report, it does not re-read it.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import get_args

from xxgk.errors import OverrideError
from xxgk.normalize.metadata import bureau_fields, region_of
from xxgk.normalize.schema import Guess, Level, Report, Template
from xxgk.parsers.region import place_for_code

KEYS = ("source", "report_id")
FIELDS = ("bureau", "bureau_key", "body_id", "level", "is_government", "region_code", "year", "template")
_TRUE = {"true", "1", "yes", "是"}
_FALSE = {"false", "0", "no", "否"}


@dataclass(frozen=True, slots=True)
class Override:
    line: int
    values: dict[str, str]


def _check(name: str, value: str, where: str) -> str:
    if name == "level" and value not in get_args(Level):
        raise OverrideError(f"{where}: level “{value}” is not one of {', '.join(get_args(Level))}")
    if name == "template" and value not in get_args(Template):
        raise OverrideError(f"{where}: template “{value}” is not one of {', '.join(get_args(Template))}")
    if name == "year" and not (value.isdigit() and 1990 <= int(value) <= 2100):
        raise OverrideError(f"{where}: year “{value}” is not a year")
    if name == "region_code" and place_for_code(value) is None:
        raise OverrideError(f"{where}: region_code “{value}” is not in the division list")
    if name == "is_government" and value.lower() not in _TRUE | _FALSE:
        raise OverrideError(f"{where}: is_government “{value}” is not true or false")
    return value


def _read(path: Path) -> list[dict[str, str]]:
    # Excel on a Chinese Windows saves CSV as GB18030; everything else as UTF-8 (with or without BOM).
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            with open(path, encoding=encoding, newline="") as handle:
                return list(csv.DictReader(handle))
        except UnicodeDecodeError:
            continue
    raise OverrideError(f"{path}: neither UTF-8 nor GB18030 text")


@dataclass
class MetaOverrides:
    path: Path
    by_id: dict[str, Override] = field(default_factory=dict)
    by_source: dict[str, Override] = field(default_factory=dict)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> MetaOverrides:
        path = Path(path)
        try:
            rows = _read(path)
        except OSError as exc:
            raise OverrideError(f"{path}: {exc.strerror or exc}") from exc
        header = list(rows[0]) if rows else []
        if not rows or not set(KEYS) & set(header):
            raise OverrideError(f"{path}: needs a header row with a source or report_id column and at least one row")
        unknown = [c for c in header if c not in (*KEYS, *FIELDS, "note")]
        if unknown:
            raise OverrideError(f"{path}: unknown column(s) {', '.join(unknown)}; allowed: {', '.join((*KEYS, *FIELDS, 'note'))}")
        table = cls(path)
        for line, row in enumerate(rows, start=2):
            where = f"{path.name} line {line}"
            values = {name: _check(name, (row.get(name) or "").strip(), where) for name in FIELDS if (row.get(name) or "").strip()}
            override = Override(line, values)
            if (row.get("report_id") or "").strip():
                table.by_id[row["report_id"].strip()] = override
            elif (row.get("source") or "").strip():
                table.by_source[os.path.normpath(row["source"].strip())] = override
            else:
                raise OverrideError(f"{where}: neither source nor report_id given")
        return table

    def find(self, report_id: str, source: str) -> Override | None:
        """By report_id, else by source: the same path, or the longest trailing part of it (r04/source.txt)."""
        if report_id in self.by_id:
            return self.by_id[report_id]
        source = os.path.normpath(source)
        if source in self.by_source:
            return self.by_source[source]
        tails = [s for s in self.by_source if source.endswith(os.sep + s)]
        return self.by_source[max(tails, key=len)] if tails else None

    def unmatched(self, reports: Iterable[tuple[str, str]]) -> list[int]:
        """Lines of the file that match none of these (report_id, source): typos a user should hear of."""
        lines = {o.line for o in (*self.by_id.values(), *self.by_source.values())}
        for report_id, source in reports:
            if found := self.find(report_id, source):
                lines.discard(found.line)
        return sorted(lines)

    def apply(self, report: Report) -> Report:
        override = self.find(report.report_id, report.source)
        if override is None or not override.values:
            return report
        values = override.values
        said = f"人工校正：{self.path.name} 第{override.line}行"
        update: dict[str, object] = {}
        guesses = dict(report.guesses)
        if "bureau" in values:
            fields, derived = bureau_fields(values["bureau"], "\n".join(s.text for s in report.sections))
            update["bureau"] = values["bureau"]
            update.update(fields)
            guesses.update(derived)
            guesses["bureau"] = Guess(value=values["bureau"], evidence=said, confidence=1.0)
        if "bureau_key" in values:
            update["bureau_key"] = values["bureau_key"]
            guesses["bureau_key"] = Guess(value=values["bureau_key"], evidence=said, confidence=1.0)
        if "body_id" in values:
            update["body_id"] = values["body_id"]
            guesses["body_id"] = Guess(value=values["body_id"], evidence=said, confidence=1.0)
        if "level" in values:
            update["level"] = values["level"]
            guesses["level"] = Guess(value=values["level"], evidence=said, confidence=1.0)
        if "is_government" in values:
            update["is_government"] = values["is_government"].lower() in _TRUE
        if "region_code" in values:
            update["region"] = region_of(place_for_code(values["region_code"]))
            guesses["region"] = Guess(value=values["region_code"][:6], evidence=said, confidence=1.0)
        if "year" in values:
            update["year"] = int(values["year"])
            guesses["year"] = Guess(value=int(values["year"]), evidence=said, confidence=1.0)
        if "template" in values:
            update["template"] = values["template"]
            guesses["template"] = Guess(value=values["template"], evidence=said, confidence=1.0)
        update["guesses"] = guesses
        return report.model_copy(update=update)
