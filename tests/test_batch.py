"""A batch from the command line: every input gets a reports.csv row; bad files never stop it."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from xxgk.cli import main
from xxgk.output.csvfiles import safe


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture()
def mixed(tmp_path: Path, corpus: Path) -> Path:
    folder = tmp_path / "输入 文件夹"
    (folder / "子目录").mkdir(parents=True)
    seed = (corpus / "s01_xigong_hrss_2023" / "source.txt").read_text(encoding="utf-8")
    (folder / "seed.txt").write_text(seed, encoding="utf-8")
    (folder / "子目录" / "年报 GBK.txt").write_bytes(seed.encode("gbk"))
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 8)
    (folder / "notes.json").write_text("{}", encoding="utf-8")
    return folder


def test_mixed_folder_finishes_with_one_row_per_file(mixed: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["parse", str(mixed), "-o", str(out), "-q"])
    assert result.exit_code == 1, result.output  # two inputs failed
    rows = {Path(r["source"]).name: r for r in _rows(out / "reports.csv")}
    assert set(rows) == {"seed.txt", "年报 GBK.txt", "empty.txt", "binary.txt", "notes.json"}
    assert rows["seed.txt"]["status"] == "ok"
    assert rows["年报 GBK.txt"]["status"] == "ok" and rows["年报 GBK.txt"]["encoding"] == "gbk"
    assert rows["年报 GBK.txt"]["report_id"] != rows["seed.txt"]["report_id"]  # different bytes
    assert rows["empty.txt"]["status"] == "failed" and "empty" in rows["empty.txt"]["error"]
    assert rows["binary.txt"]["status"] == "failed" and "binary" in rows["binary.txt"]["error"]
    assert rows["notes.json"]["status"] == "skipped" and rows["notes.json"]["error"]
    # the source column is the input folder joined with the file's relative path
    assert rows["年报 GBK.txt"]["source"] == str(mixed / "子目录" / "年报 GBK.txt")
    # both readings of the same report give the same cells
    cells = _rows(out / "cells.csv")
    by_file: dict[str, list[tuple[str, str, str, str]]] = {}
    for c in cells:
        by_file.setdefault(Path(c["source"]).name, []).append((c["table"], c["row_key"], c["col_key"], c["raw"]))
    assert by_file["seed.txt"] == by_file["年报 GBK.txt"] and len(by_file["seed.txt"]) == 200
    lines = (out / "reports.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 5 and all(json.loads(line)["schema_version"] for line in lines)


def test_contract_columns_and_bom(mixed: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    CliRunner().invoke(main, ["parse", str(mixed / "seed.txt"), "-o", str(out), "-q"])
    required = {
        "reports.csv": ["report_id", "source", "status", "template", "bureau", "year", "error"],
        "cells.csv": ["report_id", "source", "table", "row_key", "col_key", "value", "raw", "kind"],
        "findings.csv": ["report_id", "source", "code", "severity", "table", "row_key", "col_key", "message"],
        "sections.csv": ["report_id", "source", "section", "title", "text"],
    }
    for name, columns in required.items():
        data = (out / name).read_bytes()
        assert data.startswith(b"\xef\xbb\xbf"), name
        header = data[3:].split(b"\r\n", 1)[0].decode("utf-8").split(",")
        assert header[: len(columns)] == columns, name
    sections = {r["section"] for r in _rows(out / "sections.csv")}
    assert {"overview", "requests", "other"} <= sections


def test_encoding_option_drops_the_bom(mixed: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    CliRunner().invoke(main, ["parse", str(mixed / "seed.txt"), "-o", str(out), "-q", "--encoding", "utf-8"])
    assert not (out / "reports.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_clean_batch_exits_zero_and_prints_summary(mixed: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["parse", str(mixed / "seed.txt"), "-o", str(tmp_path / "o")])
    assert result.exit_code == 0
    assert "ok" in result.output and "partial" in result.output


@pytest.mark.parametrize("args", [["parse"], ["parse", "x.txt"], ["nonsense"], ["parse", "x.txt", "-o", "o", "--encoding", "latin1"]])
def test_usage_errors_exit_2(args: list[str]) -> None:
    assert CliRunner().invoke(main, args).exit_code == 2


def test_missing_input_is_a_failed_row(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["parse", str(tmp_path / "nope.txt"), "-o", str(out), "-q"])
    assert result.exit_code == 1
    (row,) = _rows(out / "reports.csv")
    assert row["status"] == "failed" and row["error"]


@pytest.mark.parametrize(
    ("value", "written"),
    [("=1+1", "'=1+1"), ("+cmd", "'+cmd"), ("@SUM(A1)", "'@SUM(A1)"), ("-x", "'-x"), ("-1942", "-1942"),
     ("+43", "+43"), ("正常文本", "正常文本"), ("", ""), (None, ""), (3, "3")],
)
def test_formula_injection_is_neutralised(value: object, written: str) -> None:
    assert safe(value) == written


def test_formula_in_a_report_reaches_csv_as_text(tmp_path: Path, corpus: Path) -> None:
    seed = (corpus / "s01_xigong_hrss_2023" / "source.txt").read_text(encoding="utf-8")
    evil = seed.replace("无其他需要报告的事项。", "=HYPERLINK(\"http://x\")")
    (tmp_path / "evil.txt").write_text(evil, encoding="utf-8")
    CliRunner().invoke(main, ["parse", str(tmp_path / "evil.txt"), "-o", str(tmp_path / "out"), "-q"])
    other = next(r for r in _rows(tmp_path / "out" / "sections.csv") if r["section"] == "other")
    assert other["text"].startswith("'=HYPERLINK")


def test_input_files_are_not_modified(mixed: Path, tmp_path: Path) -> None:
    before = {p: p.read_bytes() for p in mixed.rglob("*") if p.is_file()}
    CliRunner().invoke(main, ["parse", str(mixed), "-o", str(tmp_path / "out"), "-q"])
    assert {p: p.read_bytes() for p in mixed.rglob("*") if p.is_file()} == before
    shutil.rmtree(tmp_path / "out")
