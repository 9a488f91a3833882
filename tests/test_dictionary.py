"""The data dictionary describes every column of every export, and the README shows it."""

from __future__ import annotations

import csv
import importlib.util
import shutil
from pathlib import Path

import pytest

from xxgk.batch import run_parse
from xxgk.executors import InProcessExecutor
from xxgk.options import ParseOptions
from xxgk.output.dictionary import (
    FILES,
    SAME_COLUMNS,
    TABLE_COLUMNS,
    columns,
    describes,
    readme_block,
    rows,
)
from xxgk.output.options import ResearchOptions

ROOT = Path(__file__).resolve().parent.parent
NOT_TABLES = {"reports.jsonl", "xxgk.sqlite", "wide.xlsx"}  # the schema itself, the store, a copy of the wide CSVs


@pytest.fixture(scope="module")
def out(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    inputs = tmp_path_factory.mktemp("in")
    for name in ("s01_xigong_hrss_2023", "r04_shuyang_county_2025", "q03_yongjia_statistics_bureau_2015"):
        shutil.copy(corpus / name / "source.txt", inputs / f"{name}.txt")
    (inputs / "empty.txt").write_bytes(b"")
    target = tmp_path_factory.mktemp("out")
    parquet = importlib.util.find_spec("pyarrow") is not None
    run_parse([inputs], target, ParseOptions(research=ResearchOptions(parquet=parquet)), executor=InProcessExecutor())
    return target


def _header(path: Path) -> list[str]:
    if path.suffix == ".parquet":
        import pyarrow.parquet as pq

        return list(pq.read_schema(path).names)
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return next(csv.reader(handle))


def test_every_export_column_is_described(out: Path) -> None:
    exports = sorted(p for p in out.iterdir() if p.is_file() and p.name not in NOT_TABLES)
    assert {p.name for p in exports} <= set(FILES) | set(SAME_COLUMNS)
    assert {p.name for p in exports} >= set(FILES)  # and every file the dictionary lists was written
    for path in exports:
        undescribed = [c for c in _header(path) if not describes(path.name, c)]
        assert not undescribed, f"{path.name}: {undescribed} missing from output/dictionary.py"


def test_dictionary_csv_is_the_dictionary(out: Path) -> None:
    with open(out / "dictionary.csv", encoding="utf-8-sig", newline="") as handle:
        written = [tuple(r) for r in csv.reader(handle)][1:]
    assert written == rows()


def test_every_column_has_type_label_and_templates() -> None:
    for column in columns():
        assert column.type in ("text", "integer", "decimal", "number", "date", "boolean"), column
        assert column.label and column.description and column.templates, column
    t3 = {c.name: c for c in TABLE_COLUMNS["table3"]}
    assert (t3["t3_other_handling__total"].templates, t3["t3_other_misc__total"].templates) == ("2019", "2021")
    t2 = {c.name: c for c in TABLE_COLUMNS["table2"]}
    assert (t2["t2_admin_fees__amount_wan_yuan"].type, t2["t2_admin_fees__amount_wan_yuan"].unit) == ("decimal", "万元")
    assert t2["t2_licensing__decisions"].templates == "2019 2021"


def test_readme_shows_the_current_dictionary() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme_block() in readme, "run: python -m xxgk.output.dictionary README.md"
