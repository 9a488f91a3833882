"""xxgk.load(OUT): typed frames a researcher can join and a body × year panel across templates."""

from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path

import pandas as pd
import pytest

import xxgk
from xxgk.batch import Batch, run_parse
from xxgk.errors import MissingExtra, UsageError
from xxgk.executors import InProcessExecutor
from xxgk.loader import typed_frame
from xxgk.output.csvfiles import CELL_COLUMNS
from xxgk.output.dictionary import PANDAS_DTYPES, TABLE_COLUMNS, columns, harmonised_columns, read_csv_options
from xxgk.template import OTHER_ROWS

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    src = tmp_path_factory.mktemp("in")
    for name in ("t01_tabs_2021", "t09_template_2019", "m05_blank_and_slash"):
        folder = src / name
        folder.mkdir()
        shutil.copy(next((FIXTURES / name).glob("source.*")), folder)
    shutil.copy(src / "t01_tabs_2021" / "source.txt", src / "copy.txt")  # one content, two files
    out = tmp_path_factory.mktemp("out")
    run_parse([src], out, executor=InProcessExecutor())
    return src, out


def _truth(name: str) -> dict:
    return json.loads((FIXTURES / name / "truth.json").read_text(encoding="utf-8"))


def test_columns_come_typed(batch: tuple[Path, Path]) -> None:
    _, out = batch
    loaded = xxgk.load(out)
    reports = loaded.reports
    assert reports["year"].dtype == "Int64" and reports["cells"].dtype == "Int64"
    assert reports["is_government"].dtype == "boolean" and str(reports["published"].dtype).startswith("datetime64")
    assert reports["report_id"].dtype == "string"
    cells = loaded.cells
    assert cells["value"].dtype == "Float64"  # decimals exist in 表二 (万元)
    assert cells["page"].dtype == "Int64" and cells["line"].dtype == "Int64"
    # A blank stays <NA>, never 0: m05 prints '/' and blanks where the model had 0.
    m05 = cells[cells["source"].str.contains("m05") & (cells["row_key"] == "denied_state_secret")
                & (cells["col_key"] == "natural_person")]
    assert m05["value"].isna().all() and (m05["raw"] == "/").all()


def test_identical_files_are_marked_and_counted_once(batch: tuple[Path, Path]) -> None:
    src, out = batch
    reports = xxgk.load(out).reports
    pair = reports[reports["report_id"] == reports.loc[reports["source"] == str(src / "copy.txt"), "report_id"].iloc[0]]
    assert set(pair["source"]) == {str(src / "copy.txt"), str(src / "t01_tabs_2021" / "source.txt")}
    # The first in the batch's order is the original; the other names it.
    first, second = pair["source"].tolist()
    assert pair["duplicate_of"].isna().tolist() == [True, False] and pair["duplicate_of"].iloc[1] == first
    assert xxgk.load(out).panel("table3")["report_id"].tolist().count(pair["report_id"].iloc[0]) == 1
    # Every file says so, and every total counts the content once.
    for name in ("reports.csv", "reports_wide.csv", "table3_wide.csv"):
        written = pd.read_csv(out / name, dtype=str, keep_default_na=False).set_index("source")["duplicate_of"]
        assert written[second] == first and written[first] == "", name
    jsonl = [json.loads(line) for line in (out / "reports.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["duplicate_of"] for r in jsonl if r["report_id"] == pair["report_id"].iloc[0]] == [None, first]
    view = Batch(out).summary()
    assert (view.reports, view.copies, view.with_table3) == (3, 1, 3)
    findings = pd.read_csv(out / "findings.csv", dtype=str)
    assert view.findings.total() == (findings["source"] != second).sum()
    coverage = pd.read_csv(out / "coverage.csv", dtype=str)
    assert coverage["reports"].astype(int).sum() == 3
    assert run_parse([src], out.parent / "again", executor=InProcessExecutor()).copies == 1


def test_the_panel_harmonises_2019_and_2021(batch: tuple[Path, Path]) -> None:
    _, out = batch
    panel = xxgk.load(out).panel("table3")
    assert panel.index.names == ["body_id", "year"] and panel.index.is_unique
    assert not [c for c in panel.columns if re.match(r"t3_other_(?!handling)", c)]
    by_template = panel.reset_index().set_index("template")
    for name, template in (("t01_tabs_2021", "2021"), ("t09_template_2019", "2019")):
        truth = _truth(name)["cells"]
        row = by_template.loc[template]
        assert row["t3_new_requests__total"] == truth["table3.new_requests.total"]
        if template == "2021":
            parts = [truth[f"table3.{r}.total"] for r in OTHER_ROWS
                     if f"table3.{r}.total" in truth]
            expected = sum(parts) if len(parts) == 3 and None not in parts else None
        else:
            expected = truth["table3.other_handling.total"]
        assert row["t3_other_handling__total"] == expected
    raw = xxgk.load(out).panel("table3", harmonised=False)
    assert any(c.startswith("t3_other_fee") for c in raw.columns)


def test_readme_builds_a_panel_in_ten_lines(batch: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    _, out = batch
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    code = re.search(r"<!-- panel example -->\n```python\n(.*?)```", readme, re.S)
    assert code, "README: the panel example is missing"
    lines = code[1].strip().split("\n")
    assert len(lines) <= 10
    monkeypatch.chdir(out.parent)
    (out.parent / "out").exists() or (out.parent / "out").symlink_to(out)
    scope: dict = {}
    exec(compile(code[1], "README.md", "exec"), scope)  # noqa: S102 — the README's own example
    assert isinstance(scope["panel"], pd.DataFrame) and len(scope["panel"]) >= 2


def test_not_an_output_folder(tmp_path: Path) -> None:
    with pytest.raises(UsageError):
        xxgk.load(tmp_path)


@pytest.mark.parametrize(("table", "kept"), [
    ("table2", ["t2_licensing__decisions", "t2_penalty__decisions", "t2_coercion__decisions"]),
    ("table4", [c.name for c in TABLE_COLUMNS["table4"] if "__" in c.name]),
    ("table3", [c.name for c in TABLE_COLUMNS["table3"] if "__" in c.name and not re.match(r"t3_other_(?!handling)", c.name)]),
])
def test_the_harmonised_panel_keeps_the_columns_both_templates_fill(batch: tuple[Path, Path], table: str, kept: list[str]) -> None:
    _, out = batch
    panel = xxgk.load(out).panel(table)
    assert [c for c in panel.columns if "__" in c] == kept == harmonised_columns(table)
    everything = xxgk.load(out).panel(table, harmonised=False)
    assert [c for c in everything.columns if "__" in c] == [c.name for c in TABLE_COLUMNS[table] if "__" in c.name]


def test_a_sum_of_partly_blank_rows_is_marked_not_filled(batch: tuple[Path, Path], tmp_path: Path) -> None:
    _, out = batch
    for path in out.glob("*.csv"):
        shutil.copy(path, tmp_path / path.name)
    wide = pd.read_csv(tmp_path / "table3_wide.csv", dtype=str, keep_default_na=False)
    is_2021 = wide["template"] == "2021"
    wide.loc[is_2021, "t3_other_misc__total"] = ""  # one of the three parts blank
    wide.to_csv(tmp_path / "table3_wide.csv", index=False)
    panel = xxgk.load(tmp_path).panel("table3").reset_index().set_index("template")
    assert pd.isna(panel.at["2021", "t3_other_handling__total"])
    assert panel.at["2021", "not_comparable"] == "t3_other_handling__total"
    assert pd.isna(panel.at["2019", "not_comparable"]) and pd.notna(panel.at["2019", "t3_other_handling__total"])


@pytest.mark.parametrize(("written", "dtype", "values"), [
    (["1", "", "3"], "Int64", [1, None, 3]),
    (["1", "2.5", ""], "Float64", [1.0, 2.5, None]),  # a count printed with a fraction (T3-INT): kept, not rounded
    (["12.0", "0"], "Int64", [12, 0]),
])
def test_a_count_column_is_int64_unless_a_fraction_was_printed(written: list[str], dtype: str, values: list) -> None:
    frame = typed_frame(pd.DataFrame({"t3_new_requests__total": written}), "table3_wide.csv")
    column = frame["t3_new_requests__total"]
    assert column.dtype == dtype and [None if pd.isna(v) else v for v in column] == values


def test_facts_load_when_written(batch: tuple[Path, Path], tmp_path: Path) -> None:
    _, out = batch
    facts = xxgk.load(out).facts
    written = pd.read_csv(out / "facts.csv", dtype=str, keep_default_na=False)
    assert len(facts) == len(written) > 0 and facts["sentence"].tolist() == written["sentence"].tolist()
    assert facts["value"].dtype == "Float64" and facts["line"].dtype == "Int64" and facts["key"].dtype == "string"
    described = {c.name: c.type for c in columns() if c.file == "facts.csv"}
    assert {name: str(facts[name].dtype) for name in facts.columns} == {name: PANDAS_DTYPES[described[name]] for name in facts.columns}
    for path in out.glob("*.csv"):  # a batch written before facts.csv existed
        if path.name != "facts.csv":
            shutil.copy(path, tmp_path / path.name)
    with pytest.raises(UsageError, match="facts.csv"):
        _ = xxgk.load(tmp_path).facts


def test_kinds_come_beside_the_values(batch: tuple[Path, Path]) -> None:
    _, out = batch
    loaded = xxgk.load(out)
    kinds, wide = loaded.kinds("table3"), pd.read_csv(out / "table3_wide.csv", **read_csv_options("table3_wide.csv"))
    assert kinds["source"].tolist() == wide["source"].tolist()
    m05 = kinds[kinds["source"].str.contains("m05")].iloc[0]
    assert m05["t3_denied_state_secret__natural_person"] == "dash"


@pytest.mark.parametrize("table", ["table2", "table3", "table4"])
def test_kinds_and_labels_files_read_typed_with_read_csv_options(batch: tuple[Path, Path], table: str) -> None:
    _, out = batch
    wide = pd.read_csv(out / f"{table}_wide.csv", **read_csv_options(f"{table}_wide.csv"))
    kinds = pd.read_csv(out / f"{table}_wide_kinds.csv", **read_csv_options(f"{table}_wide_kinds.csv"))
    labels = pd.read_csv(out / f"{table}_wide_labels.csv", **read_csv_options(f"{table}_wide_labels.csv"))
    assert list(kinds.columns) == list(wide.columns) == list(labels.columns)
    cells = [c for c in kinds.columns if c.startswith(("t2_", "t3_", "t4_"))]
    assert cells and all(kinds[c].dtype == "string" for c in cells)
    assert set(kinds[cells].stack().dropna()) <= {"number", "blank", "dash", "word", "text", "unplaced", "not_in_template", "not_found"}
    # ids and years keep the wide file's types (report ids with leading zeros stay text)
    for name in (c for c in kinds.columns if c not in cells):
        assert kinds[name].dtype == wide[name].dtype, name
    assert all(labels[c].dtype == "string" for c in labels.columns) and len(labels) == 1


def test_one_report_as_a_frame() -> None:
    report = xxgk.parse_file(FIXTURES / "m05_blank_and_slash" / "source.txt")
    frame = report.to_frame()
    assert list(frame.columns) == list(CELL_COLUMNS) and len(frame) == len(report.cells)
    assert frame["value"].dtype == "Float64" and frame["line"].dtype == "Int64" and frame["raw"].dtype == "string"
    truth = _truth("m05_blank_and_slash")["cells"]
    cells = frame.set_index(["table", "row_key", "col_key"])
    assert cells.at[("table3", "new_requests", "total"), "value"] == truth["table3.new_requests.total"]
    dash = cells.loc[("table3", "denied_state_secret", "natural_person")]
    assert pd.isna(dash["value"]) and dash["kind"] == "dash"  # never 0


def test_to_frame_without_pandas_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    report = xxgk.parse_file(FIXTURES / "m05_blank_and_slash" / "source.txt")
    monkeypatch.setitem(sys.modules, "pandas", None)  # import pandas raises ImportError
    with pytest.raises(MissingExtra, match=r"pip install 'xxgk\[pandas\]'"):
        report.to_frame()


def test_a_clean_panel_reads_findings_on_no_table_as_not_this_table(tmp_path: Path) -> None:
    # x14's D1 is on no table: with pyarrow strings its empty `table` is <NA>, which `&` cannot decide.
    src = tmp_path / "in"
    for name in ("t01_tabs_2021", "x14_mixed_2019_table2_2022"):
        (src / name).mkdir(parents=True)
        shutil.copy(next((FIXTURES / name).glob("source.*")), src / name)
    run_parse([src], tmp_path / "out", executor=InProcessExecutor())
    loaded = xxgk.load(tmp_path / "out")
    assert loaded.findings["table"].isna().any()
    everyone = loaded.panel("table3", harmonised=True)
    clean = loaded.panel("table3", harmonised=True, clean=True)
    doubted = set(loaded.findings.loc[loaded.findings["code"].str.startswith("P-").fillna(False)
                                      & loaded.findings["table"].eq("table3").fillna(False), "source"])
    assert len(clean) == len(everyone) - len(doubted) and len(everyone) == 2
