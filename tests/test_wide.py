"""Wide exports, coverage and --meta from a parsed batch: one row per report, cells equal to the long cells."""

from __future__ import annotations

import csv
import importlib
import shutil
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

import xxgk.output.wide
from xxgk.batch import run_parse
from xxgk.cli import main
from xxgk.executors import InProcessExecutor
from xxgk.options import ParseOptions
from xxgk.output.dictionary import TABLE_COLUMNS, cell_column, columns, read_csv_options
from xxgk.output.options import ResearchOptions

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


@pytest.fixture(scope="module")
def batch(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    inputs = tmp_path_factory.mktemp("in")
    for folder in sorted(p for p in corpus.iterdir() if p.is_dir()):
        source = next(folder.glob("source.*"))
        shutil.copy(source, inputs / f"{folder.name}{source.suffix}")
    shutil.copy(FIXTURES / "m05_blank_and_slash" / "source.txt", inputs / "m05_blank_and_slash.txt")
    meta = inputs.parent / "meta.csv"
    meta.write_text("source,bureau\nr08_shuyang_fgj_2023.html,沭阳县发展和改革局\n", encoding="utf-8")
    out = tmp_path_factory.mktemp("out")
    run_parse([inputs], out, ParseOptions(research=ResearchOptions(meta=str(meta))), executor=InProcessExecutor())
    return out


def _csv(path: Path) -> pd.DataFrame:
    text = {c.name: str for c in columns() if c.type == "text"}  # as README says: identifiers stay text
    return pd.read_csv(path, dtype=text)


def test_one_row_per_report(batch: Path) -> None:
    reports = _csv(batch / "reports_wide.csv")
    assert len(reports) == len(_csv(batch / "reports.csv")) == 17 and reports["report_id"].is_unique
    cells = _csv(batch / "cells.csv")
    for table in ("table2", "table3", "table4"):
        wide = _csv(batch / f"{table}_wide.csv")
        assert wide["report_id"].is_unique
        assert set(wide["report_id"]) == set(cells.loc[cells["table"] == table, "report_id"])
        assert list(wide.columns) == [c.name for c in TABLE_COLUMNS[table]]


def test_cells_equal_the_long_cells(batch: Path) -> None:
    cells = _csv(batch / "cells.csv")
    placed = cells[(cells["position"] == "exact") & cells["col_key"].notna() & ~cells["row_key"].str.startswith("x_")]
    for table in ("table2", "table3", "table4"):
        wide = _csv(batch / f"{table}_wide.csv").set_index("report_id")
        subset = placed[placed["table"] == table].drop_duplicates(["report_id", "row_key", "col_key"])
        for cell in subset.itertuples():
            got = wide.at[cell.report_id, cell_column(table, cell.row_key, cell.col_key)]
            if cell.kind == "number":
                assert got == float(cell.value), (cell.report_id, cell.row_key, cell.col_key)
            else:  # blank, dash, word: empty, never 0
                assert pd.isna(got), (cell.report_id, cell.row_key, cell.col_key, cell.raw)
        # nothing in the wide table that the long cells do not hold (unplaced numbers stay out)
        numbers = subset[subset["kind"] == "number"]
        values = wide[[c.name for c in TABLE_COLUMNS[table] if c.name.startswith(f"t{table[-1]}_")]]
        assert int(values.notna().sum().sum()) == len(numbers)


def test_blank_and_dash_cells_stay_empty(batch: Path) -> None:
    cells = _csv(batch / "cells.csv")
    m05 = cells[cells["source"].str.endswith("m05_blank_and_slash.txt") & (cells["table"] == "table3")]
    assert set(m05["kind"]) >= {"blank", "dash"}
    wide = _csv(batch / "table3_wide.csv").set_index("source")
    row = wide.loc[str(next(s for s in wide.index if s.endswith("m05_blank_and_slash.txt")))]
    for cell in m05[m05["kind"] != "number"].itertuples():
        assert pd.isna(row[cell_column("table3", cell.row_key, cell.col_key)])


def test_label_files(batch: Path) -> None:
    with open(batch / "table3_wide_labels.csv", encoding="utf-8-sig", newline="") as handle:
        header, labels = list(csv.reader(handle))
    assert header == [c.name for c in TABLE_COLUMNS["table3"]]
    assert labels[header.index("t3_new_requests__natural_person")] == "表三 一、本年新收政府信息公开申请数量 · 自然人"
    assert labels[header.index("t3_denied_state_secret__total")] == "表三 （三）不予公开 1.属于国家秘密 · 总计"


def test_metadata_and_overrides_reach_every_file(batch: Path) -> None:
    reports = _csv(batch / "reports_wide.csv").set_index("source")
    s01 = reports.loc[next(s for s in reports.index if "s01" in s)]
    assert (s01["bureau_key"], s01["level"], s01["is_government"], s01["region_code"]) == ("西工区人力资源和社会保障局", "county", False, "410303")
    r08 = reports.loc[next(s for s in reports.index if "r08" in s)]
    assert (r08["bureau"], r08["county"], r08["region_code"]) == ("沭阳县发展和改革局", "沭阳县", "321322")
    assert r08["bureau_evidence"] == "人工校正：meta.csv 第2行"
    contract = _csv(batch / "reports.csv").set_index("source")
    assert contract.loc[r08.name, "bureau"] == "沭阳县发展和改革局"
    assert "沭阳县发展和改革局" in (batch / "reports.jsonl").read_text(encoding="utf-8")
    coverage = _csv(batch / "coverage.csv").set_index("bureau_key")
    assert coverage.loc["沭阳县发展和改革局", "2023"] == "present"


def test_coverage_matrix(tmp_path: Path, corpus: Path) -> None:
    seed = (corpus / "s01_xigong_hrss_2023" / "source.txt").read_text(encoding="utf-8")
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "2023.txt").write_text(seed, encoding="utf-8")
    (folder / "2020.txt").write_text(seed.replace("2023 年政府信息公开", "2020 年政府信息公开", 1), encoding="utf-8")
    (folder / "西工区人力资源和社会保障局2022年报.txt").write_bytes(b"")  # unreadable, placed by its name
    run_parse([folder], tmp_path / "out", executor=InProcessExecutor())
    with open(tmp_path / "out" / "coverage.csv", encoding="utf-8-sig", newline="") as handle:
        (row,) = list(csv.DictReader(handle))
    assert row["bureau_key"] == "西工区人力资源和社会保障局" and row["reports"] == "3" and row["region_code"] == "410303"
    assert [row[str(y)] for y in range(2020, 2024)] == ["present", "missing", "failed", "present"]


def test_parquet_and_xlsx_copies(batch: Path, tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    pytest.importorskip("openpyxl")
    import pyarrow.parquet as pq

    for name in ("reports_wide.csv", "table2_wide.csv", "table3_wide.csv", "table4_wide.csv"):
        shutil.copy(batch / name, tmp_path / name)
    xxgk.output.wide.write_parquet(tmp_path)
    xxgk.output.wide.write_xlsx(tmp_path)
    # Parquet: counts int64 with nulls, year int, booleans bool, dates date32, amounts float64.
    meta = pq.read_schema(tmp_path / "reports_wide.parquet")
    assert (meta.field("year").type, meta.field("cells").type) == (pa.int64(), pa.int64())
    assert (meta.field("is_government").type, meta.field("published").type) == (pa.bool_(), pa.date32())
    assert (meta.field("report_id").type, meta.field("year_confidence").type) == (pa.string(), pa.float64())
    t3 = pq.read_table(tmp_path / "table3_wide.parquet")
    assert t3.schema.field("t3_new_requests__total").type == pa.int64()
    assert t3.column("t3_denied_state_secret__natural_person").null_count > 0  # m05's dash: null, never 0
    t2 = pq.read_schema(tmp_path / "table2_wide.parquet")
    assert t2.field("t2_admin_fees__amount_wan_yuan").type == pa.float64()
    from_csv = pd.read_csv(tmp_path / "table3_wide.csv", **read_csv_options("table3_wide.csv"))
    from_parquet = pd.read_parquet(tmp_path / "table3_wide.parquet", dtype_backend="numpy_nullable")
    pd.testing.assert_frame_equal(from_csv, from_parquet, check_dtype=False)
    # .xlsx: one header row of column names, numbers as numbers; the labels on their own sheet.
    sheet = pd.read_excel(tmp_path / "wide.xlsx", sheet_name="table3", dtype={"report_id": str})
    assert list(sheet.columns) == list(from_csv.columns) and len(sheet) == len(from_csv)
    counts = [c.name for c in TABLE_COLUMNS["table3"] if c.type == "integer"]
    assert all(pd.api.types.is_numeric_dtype(sheet[c]) for c in counts)
    assert (sheet[counts].fillna(-1).to_numpy() == from_csv[counts].astype("Float64").fillna(-1).to_numpy()).all()
    reports = pd.read_excel(tmp_path / "wide.xlsx", sheet_name="reports")
    assert str(reports["published"].dtype).startswith("datetime64") and pd.api.types.is_numeric_dtype(reports["cells"])
    labels = pd.read_excel(tmp_path / "wide.xlsx", sheet_name="labels").set_index(["sheet", "column"])
    assert labels.at[("table3", "t3_new_requests__natural_person"), "label"] == "表三 一、本年新收政府信息公开申请数量 · 自然人"
    # A count some report printed with a fraction (T3-INT): that column is float64, the value kept.
    fraction = pd.read_csv(tmp_path / "table3_wide.csv", dtype=str, keep_default_na=False)
    fraction.loc[0, "t3_granted__total"] = "2.5"
    fraction.to_csv(tmp_path / "table3_wide.csv", index=False)
    xxgk.output.wide.write_parquet(tmp_path)
    t3 = pq.read_table(tmp_path / "table3_wide.parquet")
    assert t3.schema.field("t3_granted__total").type == pa.float64() and t3.column("t3_granted__total")[0].as_py() == 2.5
    assert t3.schema.field("t3_new_requests__total").type == pa.int64()


def test_read_csv_with_the_documented_dtypes(batch: Path) -> None:
    reports = pd.read_csv(batch / "reports_wide.csv", **read_csv_options("reports_wide.csv"))
    assert reports["year"].dtype == "Int64" and reports["cells"].dtype == "Int64" and reports["findings_error"].dtype == "Int64"
    assert reports["is_government"].dtype == "boolean" and set(reports["is_government"].dropna()) == {True, False}
    assert str(reports["published"].dtype).startswith("datetime64") and reports["published"].notna().any()
    assert reports["report_id"].dtype == "string" and reports["region_code"].dropna().str.len().eq(6).all()
    assert reports["year_confidence"].dtype == "Float64"
    t3 = pd.read_csv(batch / "table3_wide.csv", **read_csv_options("table3_wide.csv"))
    assert t3["t3_new_requests__total"].dtype == "Int64" and t3["t3_new_requests__total"].isna().any()  # <NA>, never 0
    cells = pd.read_csv(batch / "cells.csv", **read_csv_options("cells.csv"))
    assert cells["value"].dtype == "Float64" and cells["page"].dtype == "Int64" and cells["raw"].dtype == "string"
    # The dictionary holds the same map, for reading without xxgk.
    dictionary = pd.read_csv(batch / "dictionary.csv", dtype=str).set_index(["file", "column"])
    assert dictionary.at[("reports_wide.csv", "year"), "dtype"] == "Int64"
    assert dictionary.at[("reports_wide.csv", "published"), "dtype"] == "datetime64"


@pytest.mark.parametrize("flag", ["--parquet", "--xlsx"])
def test_a_missing_extra_is_a_usage_error(flag: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.import_module

    def without(name: str, package: str | None = None):  # type: ignore[no-untyped-def]
        if name.split(".")[0] in ("pyarrow", "openpyxl"):
            raise ImportError(name)
        return real(name, package)

    monkeypatch.setattr(xxgk.output.wide.importlib, "import_module", without)
    result = CliRunner().invoke(main, ["parse", str(FIXTURES / "m01_bal"), "-o", str(tmp_path / "o"), flag])
    assert result.exit_code == 2
    assert f"pip install 'xxgk[{flag[2:]}]'" in result.output
    assert not (tmp_path / "o").exists()  # nothing was parsed


def test_a_bad_meta_file_is_a_usage_error(tmp_path: Path) -> None:
    meta = tmp_path / "meta.csv"
    meta.write_text("source,levle\nx.txt,county\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["parse", str(FIXTURES / "m01_bal"), "-o", str(tmp_path / "o"), "--meta", str(meta)])
    assert result.exit_code == 2 and "unknown column(s) levle" in result.output


def test_a_correction_that_matches_nothing_is_reported(tmp_path: Path) -> None:
    meta = tmp_path / "meta.csv"
    meta.write_text("source,year\nm01_bla/source.txt,2020\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["parse", str(FIXTURES / "m01_bal"), "-o", str(tmp_path / "o"), "-q", "--meta", str(meta)])
    assert result.exit_code == 0
    assert "meta.csv line 2 matches no report" in result.stderr


def test_wide_and_kinds_files_keep_every_kind_of_the_long_file(batch: Path) -> None:
    cells = _csv(batch / "cells.csv")
    reports = _csv(batch / "reports_wide.csv").set_index("report_id")
    for table in ("table2", "table3", "table4"):
        wide = _csv(batch / f"{table}_wide.csv").set_index("report_id")
        kinds = _csv(batch / f"{table}_wide_kinds.csv").set_index("report_id")
        assert list(kinds.columns) == list(wide.columns) and list(kinds.index) == list(wide.index)
        values = [c.name for c in TABLE_COLUMNS[table] if c.name.startswith(f"t{table[-1]}_")]
        long = cells[cells["table"] == table]
        placed = long[(long["position"] == "exact") & long["col_key"].notna()].drop_duplicates(["report_id", "row_key", "col_key"])
        expected: dict[tuple[str, str], str] = {}
        for cell in placed.itertuples():
            name = cell_column(table, cell.row_key, cell.col_key)
            if name in values:
                expected[(cell.report_id, name)] = cell.kind
        unplaced = long[(long["position"] != "exact") | long["col_key"].isna()]
        for report_id, row in kinds[values].iterrows():
            template = reports.at[report_id, "template"]
            rows_unplaced = set(unplaced.loc[unplaced["report_id"] == report_id, "row_key"].fillna(""))
            for name, kind in row.items():
                # A value in the wide table exactly where the long file has a number.
                assert pd.notna(wide.at[report_id, name]) == (kind == "number"), (report_id, name)
                if (report_id, name) in expected:
                    assert kind == expected[(report_id, name)], (report_id, name)
                elif kind == "not_in_template":
                    assert template not in next(c for c in TABLE_COLUMNS[table] if c.name == name).templates.split()
                elif kind == "unplaced":
                    assert "" in rows_unplaced or name.split("__")[0][3:] in rows_unplaced
                else:
                    assert kind == "not_found", (report_id, name, kind)
        # every kind the long file holds for this table is in the kinds file, blanks and dashes included
        assert set(placed["kind"]) <= set(kinds[values].stack())
    m05 = _csv(batch / "table3_wide_kinds.csv").set_index("source")
    row = m05.loc[next(s for s in m05.index if s.endswith("m05_blank_and_slash.txt"))]
    assert row[cell_column("table3", "denied_state_secret", "natural_person")] == "dash"
