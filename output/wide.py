"""Wide exports: one row per report, one column per table cell (t3_new_requests__natural_person).

Written from the long cells as reports stream in (``write(report)``, then ``close()``), with the
columns of output/dictionary.py. A cell without a number (blank, dash, word, text) stays empty — never
0 — and numbers whose column cannot be told (position unknown) are not placed; each table's kinds
file (table3_wide_kinds.csv) says which of these an empty cell is. The optional Parquet
files (``xxgk[parquet]``) and .xlsx workbook (``xxgk[xlsx]``) are converted from the finished CSV
files row group by row group, so neither holds the batch in memory.
"""

from __future__ import annotations

import csv
import importlib
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import IO, Any

from xxgk.errors import MissingExtra
from xxgk.normalize.schema import Report, as_stored
from xxgk.output.csvfiles import safe
from xxgk.output.dictionary import (
    META_COLUMNS,
    TABLE_COLUMNS,
    TABLE_FILES,
    Column,
    cell_column,
)
from xxgk.types import Position, Severity, TableKey

EXTRAS = {"parquet": ("pyarrow", "pyarrow.parquet"), "xlsx": ("openpyxl",)}
# File stem → columns, in the order the files and workbook sheets are written.
WIDE_FILES: dict[str, Sequence[Column]] = {
    "reports_wide": META_COLUMNS,
    **{TABLE_FILES[table].removesuffix(".csv"): TABLE_COLUMNS[table] for table in (TableKey.T2, TableKey.T3, TableKey.T4)},
}
# table3_wide_kinds.csv …: a wide table's columns, each cell's kind in place of its value.
KINDS_FILES: dict[str, Sequence[Column]] = {
    TABLE_FILES[table].replace(".csv", "_kinds"): TABLE_COLUMNS[table] for table in (TableKey.T2, TableKey.T3, TableKey.T4)
}
XLSX_LABELS = "labels"  # the workbook's sheet of Chinese labels


def require(extra: str) -> list[ModuleType]:
    """The modules an extra provides, or MissingExtra saying how to install them."""
    try:
        return [importlib.import_module(name) for name in EXTRAS[extra]]
    except ImportError as exc:
        raise MissingExtra(
            f"--{extra} needs {EXTRAS[extra][0]}, which is not installed: pip install 'xxgk[{extra}]'"
        ) from exc


def _guess(report: Report, key: str) -> tuple[float | None, str]:
    guess = report.guesses.get(key)
    return (guess.confidence, guess.evidence) if guess else (None, "")


def meta_row(report: Report) -> dict[str, Any]:
    """reports_wide.csv's row for a report, keyed by column name."""
    severities = Counter(f.severity for f in report.findings)
    region = report.region
    row: dict[str, Any] = {
        "report_id": report.report_id, "source": report.source, "duplicate_of": report.duplicate_of, "status": report.status,
        "error_code": report.error.code if report.error else "", "error": report.error.message if report.error else "",
        "format": report.format, "template": report.template, "year": report.year, "bureau": report.bureau,
        "bureau_key": report.bureau_key, "body_id": report.body_id, "level": report.level,
        "is_government": None if report.is_government is None else str(report.is_government).lower(),
        "province": region.province if region else None, "city": region.city if region else None,
        "county": region.county if region else None, "region_code": region.code if region else None,
        "published": report.published.isoformat() if report.published else None,
        "published_year": report.published.year if report.published else None,
        "title": report.title, "missing": "; ".join(report.missing), "cells": len(report.cells),
        "cells_unplaced": sum(1 for c in report.cells if c.position != Position.EXACT or not c.col_key),
        "findings_error": severities[Severity.ERROR], "findings_warning": severities[Severity.WARNING],
        "findings_info": severities[Severity.INFO], "sections": len(report.sections), "parser_version": report.parser_version,
    }
    for key in ("template", "year", "bureau", "level", "region", "published"):
        row[f"{key}_confidence"], row[f"{key}_evidence"] = _guess(report, key)
    return row


# What a wide cell holds in table{2,3,4}_wide_kinds.csv beyond cells.csv's kinds (number · blank ·
# dash · word · text): nothing was placed there, and why.
UNPLACED = "unplaced"  # the report has numbers of this row (or of no known row) whose column is unknown
NOT_IN_TEMPLATE = "not_in_template"  # the report's template (2019 or 2021) has no such cell
NOT_FOUND = "not_found"  # the template has it, the report printed nothing there
_ROW_OF = {c.name: c.name.split("__")[0][3:] for columns in TABLE_COLUMNS.values() for c in columns if "__" in c.name}
# Each table's column names, in order; and of each, the templates that have it and its row (for the kinds file).
_NAMES = {table: tuple(c.name for c in columns) for table, columns in TABLE_COLUMNS.items()}
_CELL_COLUMNS = {
    table: tuple((c.name, c.templates.split(), _ROW_OF[c.name]) for c in columns if "__" in c.name)
    for table, columns in TABLE_COLUMNS.items()
}


def table_rows(report: Report, table: str, meta: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """The report's rows of a wide table and of its kinds file; None when the report has no cell of that table."""
    cells = [c for c in report.cells if c.table == table]
    if not cells:
        return None
    names = _NAMES[table]
    row: dict[str, Any] = {name: meta[name] for name in names if name in meta}
    kinds = dict(row)
    known = set(names)
    unplaced: set[str] = set()
    for cell in cells:
        name = cell_column(table, cell.row_key, cell.col_key)
        # Unplaced numbers and non-standard rows stay in cells.csv; the first printing of a cell wins.
        if cell.position == Position.EXACT and cell.col_key and name in known and name not in row:
            row[name] = as_stored(cell.value) if cell.kind == "number" and cell.value is not None else None
            kinds[name] = cell.kind
        elif cell.position != Position.EXACT or not cell.col_key:
            unplaced.add(cell.row_key)
    dated = report.template in ("2019", "2021")
    for name, templates, row_key in _CELL_COLUMNS[table]:  # a column without a cell's name is meta's, in kinds
        if name in kinds:
            continue
        if dated and report.template not in templates:
            kinds[name] = NOT_IN_TEMPLATE
        elif "" in unplaced or row_key in unplaced:
            kinds[name] = UNPLACED
        else:
            kinds[name] = NOT_FOUND
    return row, kinds


def wide_rows(report: Report) -> dict[str, list[list[str]]]:
    """The report's rows of reports_wide.csv and of each table's wide and kinds files (none in a
    table's files when the report has no cell of that table), keyed by file name."""
    meta = meta_row(report)
    files: dict[str, list[list[str]]] = {f"{stem}.csv": [] for stem in (*WIDE_FILES, *KINDS_FILES)}
    files["reports_wide.csv"].append([safe(meta.get(c.name)) for c in META_COLUMNS])
    for table, file in TABLE_FILES.items():
        rows = table_rows(report, table, meta)
        if rows is not None:
            values, kinds = rows
            # Most of a report's cells of a table are empty: "" without a call (safe(None) is "").
            files[file].append(["" if value is None else safe(value) for value in map(values.get, _NAMES[table])])
            # Every cell column has a kind (number … not_found), and none starts a formula: only the meta
            # columns, which come first, need safe().
            head = _NAMES[table][: len(_NAMES[table]) - len(_CELL_COLUMNS[table])]
            files[file.replace(".csv", "_kinds.csv")].append(
                [*(safe(kinds.get(name)) for name in head), *(kinds[name] for name, _, _ in _CELL_COLUMNS[table])]
            )
    return files


class WideWriter:
    """reports_wide.csv and table{2,3,4}_wide.csv, a row per report (a table's file: reports that have
    it), each table's file with its kinds file beside it (table3_wide_kinds.csv)."""

    def __init__(self, out: Path, encoding: str = "utf-8-sig") -> None:
        out.mkdir(parents=True, exist_ok=True)
        self.handles: dict[str, IO[str]] = {}
        self.writers: dict[str, Any] = {}
        for stem, columns in {**WIDE_FILES, **KINDS_FILES}.items():
            name = f"{stem}.csv"
            self.handles[name] = open(out / name, "w", encoding=encoding, newline="")
            self.writers[name] = csv.writer(self.handles[name])
            self.writers[name].writerow([c.name for c in columns])

    def write(self, report: Report | None, lines: dict[str, str] | None = None) -> None:
        """``lines``: the report's rows of every file already rendered (output/lines.py); else
        ``report``'s are rendered."""
        if lines is not None:
            for name, handle in self.handles.items():
                handle.write(lines[name])
            return
        assert report is not None, "a report or its rendered rows"
        for name, rows in wide_rows(report).items():
            self.writers[name].writerows(rows)

    def close(self) -> None:
        for handle in self.handles.values():
            handle.close()


def write_labels(out: Path, encoding: str) -> None:
    """table{2,3,4}_wide_labels.csv: the wide header and, under it, each column's Chinese label."""
    for table, file in TABLE_FILES.items():
        with open(out / file.replace(".csv", "_labels.csv"), "w", encoding=encoding, newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow([c.name for c in TABLE_COLUMNS[table]])
            writer.writerow([c.label for c in TABLE_COLUMNS[table]])


# --- Parquet and .xlsx copies --------------------------------------------------------------------


def _unescape(text: str) -> str:
    """The text before output.csvfiles.safe put a ' before it."""
    return text[1:] if text[:1] == "'" and text[1:2] and text[1] in "=+-@\t\r" else text


def _storage(path: Path, columns: Sequence[Column]) -> list[str]:
    """How each column is stored in Parquet and .xlsx: int · float · bool · date · text. A count is an
    int unless some report printed a fraction in it (finding T3-INT/T4-INT): then the whole column is
    float, so that the printed value is kept, not rounded. Found by reading the CSV once beforehand."""
    storage = {"integer": "int", "decimal": "float", "number": "float", "boolean": "bool", "date": "date"}
    kinds = [storage.get(c.type, "text") for c in columns]
    counts = [i for i, kind in enumerate(kinds) if kind == "int"]
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        for record in reader:
            for i in counts:
                value = record[i]
                if value and not value.lstrip("+-").isdigit() and Decimal(value) % 1:
                    kinds[i] = "float"
            counts = [i for i in counts if kinds[i] == "int"]
    return kinds


_CONVERT: dict[str, Callable[[str], Any]] = {
    "int": lambda v: int(Decimal(v)), "float": float, "bool": lambda v: v == "true", "date": date.fromisoformat,
    "text": str,
}


def _rows(path: Path, kinds: Sequence[str], batch: int) -> Iterator[list[list[Any]]]:
    """The CSV's data rows typed as ``kinds`` says (empty as None), in batches."""
    convert = [_CONVERT[kind] for kind in kinds]
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        rows: list[list[Any]] = []
        for record in reader:
            rows.append([None if v == "" else f(v) for v, f in zip(record, convert, strict=True)])
            if len(rows) >= batch:
                yield rows
                rows = []
        if rows:
            yield rows


def write_parquet(out: Path, batch: int = 1000) -> None:
    """A .parquet beside each wide CSV: counts int64 (float64 where a report printed a fraction), other
    numbers float64, is_government bool, dates date32, text string; an empty cell is null, never 0."""
    pa, pq = require("parquet")
    arrow = {"int": pa.int64(), "float": pa.float64(), "bool": pa.bool_(), "date": pa.date32(), "text": pa.string()}
    for stem, columns in WIDE_FILES.items():
        kinds = _storage(out / f"{stem}.csv", columns)
        schema = pa.schema([(c.name, arrow[kind]) for c, kind in zip(columns, kinds, strict=True)])
        with pq.ParquetWriter(str(out / f"{stem}.parquet"), schema) as writer:
            for rows in _rows(out / f"{stem}.csv", kinds, batch):
                data = {c.name: [r[i] if kind != "text" or r[i] is None else _unescape(r[i]) for r in rows]
                        for i, (c, kind) in enumerate(zip(columns, kinds, strict=True))}
                writer.write_table(pa.table(data, schema=schema))


def write_xlsx(out: Path, batch: int = 1000) -> None:
    """wide.xlsx: a sheet per wide file under one header row of column names, so that a spreadsheet or
    ``pandas.read_excel`` reads numbers as numbers; the sheet ``labels`` gives each column's Chinese
    label, type and unit. Identifiers stay text."""
    (openpyxl,) = require("xlsx")
    book = openpyxl.Workbook(write_only=True)  # rows stream to temporary files, not memory
    for stem, columns in WIDE_FILES.items():
        sheet = book.create_sheet(stem.removesuffix("_wide"))
        sheet.append([c.name for c in columns])
        for rows in _rows(out / f"{stem}.csv", _storage(out / f"{stem}.csv", columns), batch):
            for row in rows:
                # report_id, region_code … are str: a spreadsheet keeps them as text. Text keeps the '
                # that csvfiles.safe put before a formula sign: a cell of '=…' would be run.
                sheet.append(row)
    labels = book.create_sheet(XLSX_LABELS)
    labels.append(["sheet", "column", "label", "type", "unit"])
    for stem, columns in WIDE_FILES.items():
        for column in columns:
            labels.append([stem.removesuffix("_wide"), column.name, column.label, column.type, column.unit])
    book.save(out / "wide.xlsx")
