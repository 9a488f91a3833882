"""One body, many name forms: the body_id joins them, the audit compares their years, and what a
batch holds twice (two versions, one file under two names) is a finding, never a silent merge."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_audit import APPLICANTS, findings_csv, generator

from xxgk.audit import run_audit
from xxgk.executors import InProcessExecutor
from xxgk.options import AuditOptions
from xxgk.parsers.bureau import describe


@pytest.mark.parametrize(("forms", "body_id"), [
    (["淮安市洪泽区人民政府", "洪泽区人民政府", "洪泽区政府", "江苏省淮安市洪泽区人民政府"], "320813:政府"),
    (["洛阳市西工区人力资源和社会保障局", "西工区人力资源和社会保障局", "西工区人社局"], "410303:人力资源和社会保障局"),
    (["上海市科委", "上海市科学技术委员会", "上海市科學技術委員會"], "310000:科学技术委员会"),
    (["沭阳县发改委", "宿迁市沭阳县发展和改革委员会"], "321322:发展和改革委员会"),
    (["国务院办公厅", "國務院辦公廳"], "国务院办公厅"),  # no place in the name: the name itself
])
def test_the_name_forms_of_one_body_share_its_id(forms: list[str], body_id: str) -> None:
    assert {describe(name).body_id for name in forms} == {body_id}


@pytest.mark.parametrize(("one", "other"), [
    ("洪泽区人民政府", "洪泽区人民政府办公室"),  # a government and its office
    ("洪泽区人民政府", "淮安市人民政府"),  # a district and its city
    ("淮安市洪泽区统计局", "淮安市统计局"),
    ("西工区人力资源和社会保障局", "西工区自然资源局"),
])
def test_different_bodies_keep_different_ids(one: str, other: str) -> None:
    assert describe(one).body_id != describe(other).body_id


def _write(path: Path, body: str, year: int, variant: int = 0) -> Path:
    make = generator()
    path.write_text(make.render(make.Spec(body, year, variant, make.build_tables(year), government=True)),
                    encoding="utf-8")
    return path


def test_a_batch_of_name_forms_versions_and_copies(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    make = generator()
    # Two years of one body under two name forms: continuity runs between them (a planted break).
    tables_2023 = make.build_tables(2023, carried_forward={**dict.fromkeys(APPLICANTS, 0), "natural_person": 9})
    (src / "2023.txt").write_text(make.render(make.Spec("洪泽区人民政府", 2023, 0, tables_2023, government=True)),
                                  encoding="utf-8")
    _write(src / "2024.txt", "淮安市洪泽区人民政府", 2024)
    # A second, different version of the 2024 report; an identical copy of the first under another name.
    _write(src / "2024-修订版.txt", "淮安市洪泽区人民政府", 2024, variant=1)
    (src / "副本.txt").write_bytes((src / "2024.txt").read_bytes())
    # Another body of the same district: never merged with the government.
    _write(src / "办公室.txt", "淮安市洪泽区人民政府办公室", 2024)

    summary = run_audit([src], tmp_path / "out", AuditOptions(), executor=InProcessExecutor())
    rows = findings_csv(tmp_path / "out")
    by_file = {name: {r["code"] for r in rows if Path(r["source"]).name == name} for name in
               ("2023.txt", "2024.txt", "2024-修订版.txt", "副本.txt", "办公室.txt")}
    assert "X-YEAR-T3" in by_file["2024.txt"]
    assert "X-VERSION" in by_file["2024.txt"] and "X-VERSION" in by_file["2024-修订版.txt"]
    assert "X-COPY" in by_file["副本.txt"] and "X-COPY" not in by_file["2024.txt"]
    assert not by_file["办公室.txt"] & {"X-VERSION", "X-COPY", "X-YEAR-T3"}
    bodies = {b.key: len(b.reports) for b in summary.overview.bureaus()}
    assert bodies == {"320813:政府": 4, "320813:政府办公室": 1}
    assert {r["body_id"] for r in rows if Path(r["source"]).name == "2023.txt"} == {"320813:政府"}


def test_reports_whose_body_is_unknown_stay_apart(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    for n in (1, 2):
        text = _write(tmp_path / f"{n}.txt", "远山县水利局", 2023, variant=n).read_text(encoding="utf-8")
        # The name printed nowhere: title and every mention gone.
        (src / f"无名{n}.txt").write_text(text.replace("远山县水利局", ""), encoding="utf-8")
    summary = run_audit([src], tmp_path / "out", AuditOptions(), executor=InProcessExecutor())
    rows = [b for b in summary.overview.bureaus() if not b.known]
    assert sorted(len(b.reports) for b in rows) == [1, 1]
    assert sorted(b.name[-7:] for b in rows) == ["无名1.txt", "无名2.txt"]


def test_a_roster_names_aliases_and_the_bodies_that_did_not_report(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    _write(src / "2023.txt", "洪泽区人民政府", 2023)
    _write(src / "2024.txt", "淮安市洪泽区人民政府", 2024)
    _write(src / "sw.txt", "远山县水利局", 2024)  # a name the roster gives as an alias
    roster = tmp_path / "roster.csv"
    roster.write_text("body,aliases,years\n淮安市洪泽区人民政府,,2022-2024\n远山县水务局,远山县水利局,2023;2024\n"
                      "淮安市洪泽区统计局,,\n", encoding="utf-8")
    summary = run_audit([src], tmp_path / "out", AuditOptions(bodies=roster), executor=InProcessExecutor())
    missing = sorted((r["bureau"], r["year"]) for r in findings_csv(tmp_path / "out") if r["code"] == "X-MISSING")
    # 2022 for the government; 2023 for the water bureau, whose 2024 report came under its alias; both
    # years of the batch for the statistics bureau, which the roster lists without years.
    assert missing == [("淮安市洪泽区人民政府", "2022"), ("淮安市洪泽区统计局", "2023"), ("淮安市洪泽区统计局", "2024"),
                       ("远山县水务局", "2023")]
    assert {b.key for b in summary.overview.bureaus()} == {"320813:政府", "远山县水务局", "320813:统计局"}
    assert summary.fails("warning") and summary.severities["warning"] >= 4
    lines = (tmp_path / "out" / "findings.jsonl").read_text(encoding="utf-8").splitlines()
    assert sum('"X-MISSING"' in line for line in lines) == len(missing)  # the JSON holds them too


def test_a_bad_roster_is_a_usage_error(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from xxgk.cli import main

    roster = tmp_path / "roster.csv"
    roster.write_text("body,years\n洪泽区人民政府,去年\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["audit", str(tmp_path), "-o", str(tmp_path / "out"), "--bodies", str(roster)])
    assert result.exit_code == 2 and "去年" in result.output
