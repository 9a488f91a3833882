"""A parsed batch as typed pandas frames: ``xxgk.load(OUT)``.

    batch = xxgk.load("out")
    batch.reports                       # one row per input file: Int64 counts, boolean, dates
    batch.panel("table3")               # body_id × year, one column per cell, 2019 and 2021 harmonised

Every column gets the type the data dictionary gives it (output/dictionary.py): integer → ``Int64``,
decimal/number → ``Float64``, boolean → ``boolean``, date → ``datetime64``, text → ``string``; an
empty cell is ``<NA>``, never 0. pandas is the ``pandas`` extra, imported only here.

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
from xxgk.output.dictionary import Column, columns
from xxgk.template import OTHER_ROWS, T3_COLUMNS

if TYPE_CHECKING:
    import pandas as pd

_DTYPES = {"integer": "Int64", "decimal": "Float64", "number": "Float64", "boolean": "boolean", "text": "string"}
_TABLES = {"table2": "table2_wide.csv", "table3": "table3_wide.csv", "table4": "table4_wide.csv"}


def _pandas() -> Any:
    try:
        import pandas
    except ImportError as exc:
        raise MissingExtra("xxgk.load needs pandas, which is not installed: pip install 'xxgk[pandas]'") from exc
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
    known: dict[str, Column] = {c.name: c for c in columns() if c.file == file}
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    for name in frame.columns:
        column = known.get(name)
        kind = column.type if column else "text"
        values = frame[name].replace("", None)
        if kind == "date":
            frame[name] = pd.to_datetime(values, format="%Y-%m-%d")
        elif kind == "boolean":
            frame[name] = values.map({"true": True, "false": False, "True": True, "False": False}).astype("boolean")
        elif kind in ("integer", "decimal", "number"):
            frame[name] = pd.to_numeric(values).astype(_DTYPES[kind])
        else:
            frame[name] = values.astype("string")
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

    def panel(self, table: str = "table3", harmonised: bool = True, clean: bool = False) -> pd.DataFrame:
        """One row per (body_id, year), one column per cell of ``table``, from the reports read (``ok`` or
        ``partial``) with a known body and year; a content is counted once.

        ``harmonised`` (表三): a 2021 report's three （六）其他处理 rows are summed into ``other_handling``,
        the one row 2019 reports print — only where all three are numbers (a blank is never 0); the three
        rows are then dropped, so 2019 and 2021 reports share every column. ``clean``: only reports
        without a P- finding (a doubt of our reading) on this table. A body with two different reports
        for one year keeps the first and the row's ``versions`` says how many there were.
        """
        if table not in _TABLES:
            raise UsageError(f"panel: table must be one of {', '.join(_TABLES)}")
        meta = self.reports
        meta = meta[meta["status"].isin(["ok", "partial"]) & meta["body_id"].notna() & meta["year"].notna()
                    & meta["duplicate_of"].isna()]
        wide = _typed(self.out / _TABLES[table], _TABLES[table])
        ids = [c for c in ("bureau", "bureau_key", "body_id", "region_code", "year", "template") if c in wide.columns]
        wide = wide[wide["source"].isin(meta["source"])].drop(columns=ids)
        if clean:
            doubts = self.findings
            doubts = doubts[doubts["code"].str.startswith("P-") & (doubts["table"] == table)]
            wide = wide[~wide["source"].isin(doubts["source"])]
        if harmonised and table == "table3":
            wide = _harmonise_t3(wide)
        joined = meta[["report_id", "source", "body_id", "bureau", "year", "template"]].merge(
            wide, on=["report_id", "source"])
        versions = joined.groupby(["body_id", "year"])["report_id"].transform("nunique")
        joined = joined.assign(versions=versions.astype("Int64")).drop_duplicates(["body_id", "year"])
        return joined.set_index(["body_id", "year"]).sort_index()


def _harmonise_t3(wide: pd.DataFrame) -> pd.DataFrame:
    for col, _ in T3_COLUMNS:
        parts = [f"t3_{row}__{col}" for row in OTHER_ROWS]
        whole = f"t3_other_handling__{col}"
        total = wide[parts].sum(axis=1, skipna=False)  # <NA> unless all three are numbers
        wide[whole] = wide[whole].fillna(total)
    return wide.drop(columns=[f"t3_{row}__{col}" for row in OTHER_ROWS for col, _ in T3_COLUMNS])
