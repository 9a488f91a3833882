"""A parsed batch as typed pandas frames: ``xxgk.load(OUT)``.

    batch = xxgk.load("out")
    batch.reports                       # one row per input file: Int64 counts, boolean, dates
    batch.panel("table3")               # body_id × year, one column per cell, 2019 and 2021 harmonised

Every column gets the type the data dictionary gives it (output/dictionary.py PANDAS_DTYPES): integer
→ ``Int64``, decimal/number → ``Float64``, boolean → ``boolean``, date → ``datetime64``, text →
``string``; an empty cell is ``<NA>``, never 0. A count column where some report printed a fraction
(finding T3-INT/T4-INT) is ``Float64``: the printed value is kept, not rounded. pandas is the
``pandas`` extra, imported only here.

Row keys: a report is (``report_id``, ``source``); ``report_id`` is the content's hash, so identical
files share it and ``duplicate_of`` (written by the export) names the first source with that content
(counted once in ``panel``). A body is ``body_id`` (its name forms joined).
"""

from __future__ import annotations

import os
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from xxgk.errors import MissingExtra, UsageError
from xxgk.output.csvfiles import CELL_COLUMNS
from xxgk.output.dictionary import HARMONISED_SUMS, PANDAS_DTYPES, Column, columns, harmonised_columns

if TYPE_CHECKING:
    import pandas as pd

    from xxgk.normalize.schema import Report

_TABLES = {"table2": "table2_wide.csv", "table3": "table3_wide.csv", "table4": "table4_wide.csv"}


def _pandas() -> Any:
    try:
        import pandas
    except ImportError as exc:
        raise MissingExtra("xxgk.load and Report.to_frame need pandas, which is not installed: pip install 'xxgk[pandas]'") from exc
    return pandas


def load(out: str | os.PathLike[str]) -> Batch:
    """The batch xxgk parse wrote to OUT. Frames are read when first used."""
    folder = Path(out)
    if not (folder / "reports_wide.csv").is_file():
        raise UsageError(f"{folder}: no reports_wide.csv — not the output folder of xxgk parse")
    return Batch(folder)


def _typed(path: Path, file: str) -> pd.DataFrame:
    """A CSV of OUT with every column typed by the data dictionary; unknown columns stay text."""
    pd = _pandas()
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    return typed_frame(frame, file)


def report_frame(report: Report) -> pd.DataFrame:
    """One parsed report's table cells, typed as :attr:`Batch.cells` (``Report.to_frame``)."""
    pd = _pandas()
    rows = [
        (report.report_id, report.source, c.table, c.row_key, c.col_key, c.value, c.raw, c.kind, c.label, c.position,
         c.match_score, p.page, p.line, None if p.bbox is None else " ".join(f"{v:.1f}" for v in p.bbox), p.table, p.row, p.col)
        for c in report.cells
        for p in (c.provenance,)
    ]
    text = [["" if v is None else str(v) for v in row] for row in rows]
    return typed_frame(pd.DataFrame(text, columns=list(CELL_COLUMNS), dtype=str), "cells.csv")


def typed_frame(frame: pd.DataFrame, file: str) -> pd.DataFrame:
    """``frame``'s columns, text as written to ``file``, typed by the data dictionary."""
    pd = _pandas()
    known: dict[str, Column] = {c.name: c for c in columns() if c.file == file}
    for name in frame.columns:
        column = known.get(name)
        kind = column.type if column else "text"
        values = frame[name].replace("", None)
        if kind == "date":
            frame[name] = pd.to_datetime(values, format="%Y-%m-%d")
        elif kind == "boolean":
            frame[name] = values.map({"true": True, "false": False, "True": True, "False": False}).astype("boolean")
        elif kind in ("integer", "decimal", "number"):
            numbers = pd.to_numeric(values).astype("Float64")
            whole = kind == "integer" and bool((numbers.dropna() % 1 == 0).all())
            frame[name] = numbers.astype("Int64") if whole else numbers
        else:
            frame[name] = values.astype(PANDAS_DTYPES["text"])
    return frame


class Batch:
    """Typed frames of one OUT folder."""

    def __init__(self, out: Path) -> None:
        self.out = out

    @cached_property
    def reports(self) -> pd.DataFrame:
        """reports_wide.csv; ``duplicate_of``: the first source with the same content, else <NA>."""
        return _typed(self.out / "reports_wide.csv", "reports_wide.csv")

    @cached_property
    def cells(self) -> pd.DataFrame:
        return _typed(self.out / "cells.csv", "cells.csv")

    @cached_property
    def findings(self) -> pd.DataFrame:
        return _typed(self.out / "findings.csv", "findings.csv")

    @cached_property
    def sections(self) -> pd.DataFrame:
        return _typed(self.out / "sections.csv", "sections.csv")

    @cached_property
    def facts(self) -> pd.DataFrame:
        """facts.csv: the counts the narrative states, beside the table cell they should equal."""
        path = self.out / "facts.csv"
        if not path.is_file():
            raise UsageError(f"{self.out}: no facts.csv — written by xxgk parse from the version that reads narrative facts")
        return _typed(path, "facts.csv")

    def kinds(self, table: str = "table3") -> pd.DataFrame:
        """table3_wide_kinds.csv …: each cell's kind (number, blank, dash, word, text, unplaced,
        not_in_template, not_found) where ``table``'s wide file has its value."""
        if table not in _TABLES:
            raise UsageError(f"kinds: table must be one of {', '.join(_TABLES)}")
        file = _TABLES[table].replace(".csv", "_kinds.csv")
        return _typed(self.out / file, file)

    def panel(self, table: str = "table3", harmonised: bool = True, clean: bool = False) -> pd.DataFrame:
        """One row per (body_id, year), one column per cell of ``table``, from the reports read (``ok`` or
        ``partial``) with a known body and year; a content is counted once.

        ``harmonised``: only the columns the 2019 and 2021 templates share (output/dictionary.py
        HARMONISATION, README). 表三: a 2021 report's three （六）其他处理 rows are summed into
        ``other_handling``, the one row 2019 reports print — only where all three are numbers (a blank is
        never 0) — and then dropped; where they were partly numbers the sum stays empty and
        ``not_comparable`` names it. 表二: only 处理决定数量 of 许可, 处罚, 强制; the templates' other
        columns count different things. 表四 is the same in both. ``clean``: only reports
        without a P- finding (a doubt of our reading) on this table. A body with two different reports
        for one year keeps the first and the row's ``versions`` says how many there were.
        """
        if table not in _TABLES:
            raise UsageError(f"panel: table must be one of {', '.join(_TABLES)}")
        meta = self.reports
        meta = meta[meta["status"].isin(["ok", "partial"]) & meta["body_id"].notna() & meta["year"].notna()
                    & meta["duplicate_of"].isna()]
        wide = _typed(self.out / _TABLES[table], _TABLES[table])
        ids = [c for c in ("duplicate_of", "bureau", "bureau_key", "body_id", "region_code", "year", "template") if c in wide.columns]
        wide = wide[wide["source"].isin(meta["source"])].drop(columns=ids)
        if clean:
            doubts = self.findings
            # fillna: a finding on no table has table <NA>, which `&` cannot decide under pyarrow strings.
            doubts = doubts[doubts["code"].str.startswith("P-").fillna(False) & doubts["table"].eq(table).fillna(False)]
            wide = wide[~wide["source"].isin(doubts["source"])]
        if harmonised:
            wide = _harmonise(wide, table)
        joined = meta[["report_id", "source", "body_id", "bureau", "year", "template"]].merge(
            wide, on=["report_id", "source"])
        versions = joined.groupby(["body_id", "year"])["report_id"].transform("nunique")
        joined = joined.assign(versions=versions.astype("Int64")).drop_duplicates(["body_id", "year"])
        return joined.set_index(["body_id", "year"]).sort_index()


def _harmonise(wide: pd.DataFrame, table: str) -> pd.DataFrame:
    """Fill the sums of HARMONISED_SUMS where the report did not print the row itself, name those left
    empty for want of numbers in ``not_comparable``, keep only the harmonised columns."""
    pd = _pandas()
    unfilled: list[list[str]] = [[] for _ in range(len(wide))]
    for whole, parts in HARMONISED_SUMS.items():
        if whole not in wide.columns:
            continue
        total = wide[list(parts)].sum(axis=1, skipna=False)  # <NA> unless all parts are numbers
        partly = wide[whole].isna() & total.isna() & wide[list(parts)].notna().any(axis=1)
        wide[whole] = wide[whole].fillna(total)
        for n in partly.to_numpy().nonzero()[0]:
            unfilled[n].append(whole)
    kept = set(harmonised_columns(table))
    wide = wide.drop(columns=[c for c in wide.columns if "__" in c and c not in kept])
    return wide.assign(not_comparable=pd.array(["; ".join(u) or None for u in unfilled], dtype="string"))
