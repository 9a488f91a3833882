"""The audit's checks one by one, the real reports, the command line and the page's escaping."""

from __future__ import annotations

import csv
import datetime as dt
import importlib.util
import json
import random
import subprocess
import sys
import time
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from click.testing import CliRunner
from lxml import html as lxml_html

import xxgk
import xxgk.audit
from xxgk.audit import run_audit
from xxgk.batch import run_parse
from xxgk.cli import main
from xxgk.executors import InProcessExecutor
from xxgk.normalize.audit import (
    Digest,
    audit_batch,
    audit_report,
    digest_of,
    subject_of,
)
from xxgk.normalize.audit.body import body_of
from xxgk.normalize.audit.dates import deadline, parse_date
from xxgk.normalize.audit.narrative import statements_in
from xxgk.normalize.audit.similarity import similarity, sketch
from xxgk.normalize.schema import Report, Section
from xxgk.options import AuditOptions
from xxgk.output.audit_findings import AUDIT_FINDING_COLUMNS
from xxgk.output.csvfiles import FINDING_COLUMNS

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "fixtures" / "audit"
APPLICANTS = ("natural_person", "commercial_enterprise", "research_institution", "social_welfare_org",
              "legal_service_org", "other_org")


def generator() -> ModuleType:
    """fixtures/audit/make_audit_fixtures.py, to write reports of our own in a test."""
    if "make_audit_fixtures" not in sys.modules:
        spec = importlib.util.spec_from_file_location("make_audit_fixtures", CASES / "make_audit_fixtures.py")
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        sys.modules["make_audit_fixtures"] = module
        spec.loader.exec_module(module)
    return sys.modules["make_audit_fixtures"]


def findings_csv(out: Path) -> list[dict[str, str]]:
    with open(out / "findings.csv", encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def audit(inputs: list[Path], out: Path, **options: Any) -> list[dict[str, str]]:
    run_audit(inputs, out, AuditOptions(**options), executor=InProcessExecutor())
    return findings_csv(out)


def report(text: str, bureau: str | None = "青禾县文化和旅游局", year: int = 2023, key: str = "overview") -> Report:
    return Report(parser_version="test", report_id=f"r{abs(hash(text)) % 10**8}", source=f"{bureau}.txt", status="ok",
                  template="2021", bureau=bureau, year=year,
                  sections=[Section(key=key, number="一", title="一、总体情况", text=text)])


# --- narrative numbers (X-TEXT, D7) ------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("2024年，区政府办代表区政府受理政府信息公开申请17件，均已在法定期限内予以答复。", [("received", 17)]),
        ("全年收到意见建议17条。", []),  # opinions are not applications
        ("今年共收到政府信息公开申请17件，收到意见17条。", [("received", 17)]),
        ("收到17件政府信息公开申请。", [("received", 17)]),
        ("2023年，我局未收到政府信息公开申请。", [("received", 0)]),
        ("全县共受理政府信息公开申请749件，其中自然人申请741件，法人或其他组织申请8件；", [("received", 749)]),
        ("全市共受理政府信息公开申请3119件，答复3050件（含上年度结转申请34件，另有103件顺延到下年度）。",
         [("received", 3119), ("completed", 3050), ("carried_over", 34)]),
        ("依法做好行政复议、行政诉讼案件的应诉工作，共办理相关案件74件。", []),  # both together: not split
        ("全年未发生因政府信息公开被申请行政复议、提起行政诉讼的情况。", [("admin_review", 0), ("admin_litigation", 0)]),
        ("全年未发生因依申请公开被行政复议纠错的情况。", []),  # none corrected says nothing of how many
        ("共收到申请12件，其中当面申请3件，未收到传真申请。", [("received", 12)]),
        ("全年主动公开市政府规章22件。", []),  # rules, not 政府信息
        ("在政府门户网站主动公开政府信息 61 条；", [("active", 61)]),
        ("全年收到依申请公开信息3条，答复率100%。", [("received", 3)]),
    ],
)
def test_narrative_counts_are_tied_to_what_they_count(sentence: str, expected: list[tuple[str, int]]) -> None:
    assert [(s.key, s.value) for s in statements_in(sentence, "overview")] == expected


def test_a_continuing_sentence_keeps_its_subject() -> None:
    assert [(s.key, s.value) for s in statements_in("共办理718件，结转下一年31件。", "overview", True)] == [
        ("completed", 718), ("carried_forward", 31)]


# --- the real reports ----------------------------------------------------------------------------


def test_seed_audits_without_errors(corpus: Path, tmp_path: Path) -> None:
    rows = audit([corpus / "s01_xigong_hrss_2023" / "source.txt"], tmp_path / "out")
    assert not [r for r in rows if r["severity"] == "error"]
    # The two warnings are the seed's own: its 六 reads only “无其他需要报告的事项。”, saying nothing on
    # 信息处理费 (D13, which the 2021 format asks for), and its 五 lists this year's shortcomings and next
    # steps without a word on how last year's problems were dealt with (D19). Everything else holds:
    # six sections, the five parts of 一 for a department, 未收到申请 = 表三 0, no dates to check.
    assert sorted((r["code"], r["severity"]) for r in rows) == [("D13", "warning"), ("D19", "warning")]
    assert {r["bureau_key"] for r in rows} == {"西工区人力资源和社会保障局"}


def test_r02_and_its_previous_year_break_carry_over_exactly_where_they_differ(corpus: Path, tmp_path: Path) -> None:
    truth = json.loads((corpus / "r02_hongze_district_2024" / "truth.json").read_text(encoding="utf-8"))
    carried = {col: truth["cells"][f"table3.carried_over.{col}"] for col in APPLICANTS}
    forward = {**carried, "natural_person": carried["natural_person"] + 3,
               "legal_service_org": carried["legal_service_org"] + 1}
    make = generator()
    tables = make.build_tables(2023, carried_forward=forward)
    # r02 prints 行政规范性文件 制发3 废止0 现行有效8: last year's 5 keeps X-YEAR-T2 out of the way.
    tables = make._t2_set(tables, "normative_docs", "in_force", "5")
    previous = tmp_path / "洪泽区2023.txt"
    previous.write_text(make.render(make.Spec("淮安市洪泽区人民政府", 2023, 0, tables, government=True)), encoding="utf-8")
    r02 = corpus / "r02_hongze_district_2024" / "source.pdf"

    rows = audit([previous, r02], tmp_path / "out")
    carry = [r for r in rows if r["code"] == "X-YEAR-T3"]
    assert {r["col_key"] for r in carry} == {"natural_person", "legal_service_org", "total"}
    assert all(r["source"] == str(r02) and r["severity"] == "error" and r["related_source"] == str(previous)
               and r["row_key"] == "carried_over" for r in carry)
    assert "相差3" in next(r["message"] for r in carry if r["col_key"] == "natural_person")
    assert {r["bureau_key"] for r in rows if r["source"] == str(r02)} == {"淮安市洪泽区人民政府"}
    # r02's narrative says 受理…申请17件 while 表三 counts 95 new ones: D7 catches it.
    assert any(r["code"] == "X-TEXT" and "17" in r["message"] and "95" in r["message"] for r in rows)

    # The same year given with --previous instead of in the batch, as an earlier run's OUT folder.
    earlier = tmp_path / "earlier"
    run_parse([previous], earlier, executor=InProcessExecutor())
    for given in (earlier, earlier / "reports.jsonl", earlier / "xxgk.sqlite", previous.parent / "only"):
        if given.name == "only":
            given.mkdir()
            (given / previous.name).write_bytes(previous.read_bytes())  # a folder of reports: parsed now
        again = audit([r02], tmp_path / f"again-{given.name}", previous=[given])
        assert {r["col_key"] for r in again if r["code"] == "X-YEAR-T3"} == {"natural_person", "legal_service_org", "total"}


# --- single checks --------------------------------------------------------------------------------


def test_body_kind_decides_rules_deadlines_and_parts() -> None:
    for name, makes_rules, people in [("江苏省人民政府", True, True), ("淮安市人民政府", True, True),
                                      ("昆山市人民政府", False, True), ("青禾县人民政府", False, True),
                                      ("自然资源部", True, False), ("西工区人力资源和社会保障局", False, False)]:
        body = body_of(report("", bureau=name))
        assert (body.makes_rules, body.people_government) == (makes_rules, people), name
    assert body_of(report("", bureau=None)).key == ""
    assert deadline(2023, False) == dt.date(2024, 1, 31) and deadline(2023, True) == dt.date(2024, 3, 31)
    assert deadline(2015, False) == dt.date(2016, 3, 31)  # the 2008 条例: 3月31日 for everyone


def test_name_above_a_title_that_starts_with_the_year(tmp_path: Path) -> None:
    # The parser reads the name; the audit groups by what it read.
    path = tmp_path / "report.txt"
    path.write_text("淮安市洪泽区人民政府\n2024年政府信息公开工作年度报告\n本报告由……编制。\n一、总体情况\n正文。\n", encoding="utf-8")
    subject = subject_of(xxgk.parse_file(path))
    assert subject.body.key == "320813:政府"  # 洪泽区's division code and the kind of body


def test_dates() -> None:
    assert parse_date("发布时间：2021-01-25 10:00") == dt.date(2021, 1, 25)
    assert parse_date("2024年2月30日") is None
    found = audit_report(subject_of(report("我局于2023年2月30日、4月31日召开会议。2月29日完成。")))
    assert sorted(f.message for f in found if f.code == "D21") == ["正文日期“2023年2月30日”不存在", "正文日期“4月31日”不存在"]


def test_copied_text_scales_with_an_index() -> None:
    """400 reports of distinct text plus one planted copy (names and numbers changed): found alone, fast."""
    rng = random.Random(7)
    pool = "政府信息公开工作推进平台建设依法主动申请办理答复监督保障制度完善加强规范群众服务"
    texts = ["".join(rng.choice(pool) for _ in range(700)) for _ in range(400)]
    reports = [report(t, bureau=None) for t in texts]  # unnamed: only the two planted ones are looked up
    copied = texts[10].replace("政府", "政府", 1)
    reports.append(report(f"远山县林业局2023年{copied}共56件", bureau="远山县林业局"))
    reports[10] = report(f"青禾县第10局2023年{texts[10]}共12件", bureau="青禾县第10局")
    start = time.perf_counter()
    digests = [digest_of(subject_of(r), i) for i, r in enumerate(reports)]
    found = audit_batch(digests)
    assert time.perf_counter() - start < 5
    assert sorted(owner for owner, fs in found.items() if any(f.code == "D15" for f in fs)) == [10, 400]
    a, b = digests[10].sketch, digests[400].sketch
    assert similarity(a, b) == 1.0 and similarity(a, digests[11].sketch) < 0.5
    assert sketch(report("太短"), body_of(report("太短"))) == ()


def test_previous_reports_are_compared_with_but_never_reported_on() -> None:
    make = generator()
    first, second = make._series(330, (1, 2), carry_shift={"natural_person": -1})
    reports = [report(make.render(spec), bureau=None) for spec in (first, second)]
    digest: list[Digest] = [digest_of(subject_of(r), i, in_batch=i == 1) for i, r in enumerate(reports)]
    assert set(audit_batch(digest)) <= {1}


# --- command line, output files, page -------------------------------------------------------------


@pytest.fixture()
def in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI's parse batch in this process: no worker start-up in a unit test."""
    monkeypatch.setattr(xxgk.audit, "run_parse", lambda *a, **k: run_parse(*a, **{**k, "executor": InProcessExecutor()}))


@pytest.mark.parametrize(
    ("case", "fail_on", "code"),
    [("d02_t3_balance", None, 1), ("d02_t3_balance", "never", 0), ("d19_no_follow_up", None, 0),
     ("d19_no_follow_up", "warning", 1), ("d19_no_follow_up", "error", 0), ("clean_department_2023", "warning", 0)],
)
def test_exit_status_follows_fail_on(case: str, fail_on: str | None, code: int, tmp_path: Path, in_process: None) -> None:
    args = ["audit", str(CASES / case / "report.txt"), "-o", str(tmp_path / "out")]
    result = CliRunner().invoke(main, args + (["--fail-on", fail_on] if fail_on else []))
    assert result.exit_code == code, result.output
    assert (tmp_path / "out" / "audit.html").exists()
    if case == "d02_t3_balance":
        assert "青禾县文化和旅游局" in result.stdout and "表格勾稽(D2)" in result.stdout  # the table on stdout


def test_usage_errors_exit_2(tmp_path: Path, in_process: None) -> None:
    source = str(CASES / "clean_department_2023" / "report.txt")
    bad_csv = tmp_path / "dates.csv"
    bad_csv.write_text("name,when\nx,2024-01-01\n", encoding="utf-8")
    bad_date = tmp_path / "bad.csv"
    bad_date.write_text("source,date\nreport.txt,someday\n", encoding="utf-8")
    for args in (["audit"], ["audit", source, "--fail-on", "sometimes"], ["audit", source, "--previous", str(tmp_path / "nope")],
                 ["audit", source, "--published", str(bad_csv)], ["audit", source, "--published", str(bad_date)]):
        result = CliRunner().invoke(main, [*args, "-o", str(tmp_path / "out")])
        assert result.exit_code == 2, (args, result.output)


def test_findings_csv_holds_parse_and_audit_findings_with_the_body(tmp_path: Path) -> None:
    rows = audit([CASES / "d02_t3_balance" / "report.txt", CASES / "d19_no_follow_up" / "report.txt"], tmp_path / "out")
    data = (tmp_path / "out" / "findings.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    header = tuple(data[3:].split(b"\r\n", 1)[0].decode().split(","))
    assert header == AUDIT_FINDING_COLUMNS and header[: len(FINDING_COLUMNS)] == FINDING_COLUMNS
    # Parse-time and audit findings in one file; the two cases are one body's 2023 report in two
    # versions, which the audit says of both (X-VERSION).
    assert {r["code"] for r in rows} == {"T3-BAL", "D19", "X-VERSION"}
    assert {r["bureau_key"] for r in rows} == {"青禾县文化和旅游局"}
    assert (tmp_path / "out" / "parse" / "reports.jsonl").exists()


def test_page_escapes_every_report_text(tmp_path: Path) -> None:
    text = (CASES / "d07_text_vs_table" / "report.txt").read_text(encoding="utf-8")
    evil = text.replace("全年新收政府信息公开申请", "全年<script>alert('x')</script>新收政府信息公开申请", 1)
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "<b>evil<i>.txt").write_text(evil, encoding="utf-8")
    rows = audit([folder], tmp_path / "out")
    assert any("<script>" in r["message"] for r in rows if r["code"] == "X-TEXT")  # the data keeps it as printed
    page = (tmp_path / "out" / "audit.html").read_text(encoding="utf-8")
    assert "<script" not in page.lower() and "<b>evil" not in page and "<i>" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page and "&lt;b&gt;evil&lt;i&gt;.txt" in page
    assert "http://" not in page and "https://" not in page  # self-contained: nothing to fetch


def test_page_marks_cells_and_shows_coverage(tmp_path: Path) -> None:
    make = generator()
    gap = tmp_path / "gap"
    gap.mkdir()
    for year, seed in ((2021, 51), (2023, 52)):  # 2022 missing
        spec = make.Spec("松溪县统计局", year, year - 2021, make.build_tables(seed))
        (gap / f"{year}.txt").write_text(make.render(spec), encoding="utf-8")
    case = CASES / "d06_carry_over"
    audit([case / "2022.txt", case / "2023.txt", gap], tmp_path / "out")
    page = (tmp_path / "out" / "audit.html").read_text(encoding="utf-8")
    assert 'class="num flag-error" data-cell="table3.carried_over.natural_person"' in page
    assert "跨年衔接 D6" in page and 'data-bureau="远山县水利局"' in page
    assert '<td class="present" data-year="2022">' in page
    assert '<td class="missing" data-year="2022">缺</td>' in page and "松溪县统计局：缺少2022年报告" in page


# --- nothing to audit, the output folder, overwriting, pipes and links (issue 17) ------------------


@pytest.mark.parametrize("case", ["mistyped", "empty", "corrupt"])
@pytest.mark.parametrize("fail_on", ["error", "warning", "never"])
def test_nothing_audited_says_no_report_found_and_exits_2(case: str, fail_on: str, tmp_path: Path, in_process: None) -> None:
    folder = tmp_path / "in"
    if case != "mistyped":
        folder.mkdir()
    if case == "corrupt":
        (folder / "a.pdf").write_bytes(b"%PDF-1.4 not really")
        (folder / "b.docx").write_bytes(b"PK\x03\x04 broken")
        (folder / "c.txt").write_bytes(b"")
    result = CliRunner().invoke(main, ["audit", str(folder), "-o", str(tmp_path / "out"), "--fail-on", fail_on])
    assert result.exit_code == 2, result.output
    assert "no report found" in result.stderr
    if case == "mistyped":
        assert str(folder) in result.stderr and "does not exist" in result.stderr
    assert result.stdout == ""  # no table of nothing


def test_the_output_folder_inside_the_input_is_never_read(tmp_path: Path, in_process: None) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "report.txt").write_text((CASES / "d02_t3_balance" / "report.txt").read_text(encoding="utf-8"), encoding="utf-8")
    out = folder / "audit-out"
    first = CliRunner().invoke(main, ["audit", str(folder), "-o", str(out)])
    assert first.exit_code == 1 and "overwrit" not in first.stderr
    before = findings_csv(out)
    second = CliRunner().invoke(main, ["audit", str(folder), "-o", str(out)])
    assert second.exit_code == 1
    assert findings_csv(out) == before  # audit.html of the first run was not read as a report
    with open(out / "parse" / "reports.csv", encoding="utf-8-sig", newline="") as handle:
        assert [r["source"] for r in csv.DictReader(handle)] == [str(folder / "report.txt")]
    assert f"overwriting the earlier audit in {out}" in second.stderr
    # an earlier audit's folder under another name is not read either
    third = CliRunner().invoke(main, ["audit", str(folder), "-o", str(tmp_path / "elsewhere")])
    assert findings_csv(tmp_path / "elsewhere") == before, third.stderr


def test_piped_table_does_not_fold_names(tmp_path: Path, in_process: None) -> None:
    make = generator()
    name = "临川市白鹭区人力资源和社会保障局驻区政务服务中心窗口办公室"
    spec = make.Spec(name, 2023, 0, make.build_tables(7))
    (tmp_path / "r.txt").write_text(make.render(spec), encoding="utf-8")
    result = CliRunner().invoke(main, ["audit", str(tmp_path / "r.txt"), "-o", str(tmp_path / "out")],
                                env={"COLUMNS": None})
    assert name in result.stdout, result.stdout


def test_links_out_of_the_input_folder_are_noted(tmp_path: Path, in_process: None) -> None:
    outside = tmp_path / "elsewhere.txt"
    outside.write_text((CASES / "clean_department_2023" / "report.txt").read_text(encoding="utf-8"), encoding="utf-8")
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "linked.txt").symlink_to(outside)
    (folder / "inside.txt").write_text("x", encoding="utf-8")
    (folder / "near.txt").symlink_to("inside.txt")
    result = CliRunner().invoke(main, ["audit", str(folder), "-o", str(tmp_path / "out"), "-q"])
    assert f"{folder / 'linked.txt'} links outside the input folder, to {outside}" in result.stderr, result.stderr
    assert "near.txt" not in result.stderr
    page = (tmp_path / "out" / "audit.html").read_text(encoding="utf-8")
    assert "linked.txt" in page and "指向输入文件夹以外" in page


# --- evidence on every finding (issue 17, problem 4) -----------------------------------------------

PDF_FIXTURES = sorted((ROOT / "fixtures").glob("f0*_pdf_*/source.pdf"))


def test_every_table_text_and_defect_finding_has_a_page_or_line(tmp_path: Path) -> None:
    inputs = sorted({p for p in CASES.glob("*/*.txt")}) + PDF_FIXTURES
    rows = audit(inputs, tmp_path / "out")
    coded = [r for r in rows if r["code"][0] in "TXD"]
    assert {r["code"][0] for r in coded} == {"T", "X", "D"} and any(r["source"].endswith(".pdf") for r in coded)
    missing = [(r["source"], r["code"], r["message"]) for r in coded if not (r["page"] or r["line"])]
    assert missing == []
    for r in coded:  # the places column names each one, a PDF's by page, a text's by line
        assert r["places"], r
        assert all(("@p" in p) if r["source"].endswith(".pdf") else ("@L" in p) for p in r["places"].split("; ")), r
    # an identity names each of its terms, at its own line
    (balance,) = [r for r in rows if r["code"] == "T3-BAL" and "d02_t3_balance" in r["source"] and r["col_key"] == "natural_person"]
    places = dict(p.split("@") for p in balance["places"].split("; "))
    assert set(places) == {f"table3.{row}.natural_person" for row in ("new_requests", "carried_over", "total_processed", "carried_forward")}
    lines = Path(balance["source"]).read_text(encoding="utf-8").splitlines()
    assert all(lines[int(where[1:]) - 1].strip() for where in places.values())
    # a date that cannot exist is found on its own line
    (date,) = [r for r in rows if r["code"] == "D21" and "d21" in r["source"] and "不存在" in r["message"]]
    quoted = date["message"].split("“")[1].split("”")[0]
    assert quoted in Path(date["source"]).read_text(encoding="utf-8").splitlines()[int(date["line"]) - 1]
    # the JSON holds the same places
    records = [json.loads(line) for line in (tmp_path / "out" / "findings.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(records) == len(rows)
    (bal,) = [r for r in records if r["code"] == "T3-BAL" and "d02_t3_balance" in r["source"] and r["col_key"] == "natural_person"]
    assert {p["cell"] for p in bal["places"]} == set(places) and all(p["line"] for p in bal["places"])


def test_pdf_findings_show_a_crop_of_the_table(tmp_path: Path) -> None:
    source = ROOT / "fixtures" / "f03_pdf_row_split_label" / "source.pdf"
    rows = audit([source], tmp_path / "out")
    assert any(r["code"] == "T3-ROWSUM" and r["page"] for r in rows)
    page = (tmp_path / "out" / "audit.html").read_text(encoding="utf-8")
    crops = lxml_html.fromstring(page).xpath('//figure[@class="crop"]/img')
    assert crops and all(img.get("src").startswith("data:image/png;base64,") for img in crops)
    assert all(len(img.get("src")) < 200_000 for img in crops)  # bounded
    assert "第4页" in page


def test_checks_run_in_the_modules_order_whatever_was_imported_first() -> None:
    """The check modules load when an audit runs; a parse may have loaded X-TEXT's and the contents'
    before (registering their checks first): the order, and so the findings', stays the package's."""
    code = ("import xxgk.normalize.audit.narrative, xxgk.normalize.audit.contents, sys; "
            "from xxgk.normalize.audit import REPORT_CHECKS, BATCH_CHECKS, _in_order; "
            "assert 'xxgk.normalize.audit.values' not in sys.modules; "
            "print([c for f in _in_order(REPORT_CHECKS) for c, g in REPORT_CHECKS.items() if g is f]); "
            "print([c for f in _in_order(BATCH_CHECKS) for c, g in BATCH_CHECKS.items() if g is f])")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.splitlines() == [
        "['D13', 'D19', 'D14', 'D21', 'X-TEXT', 'D8', 'D9', 'D9b', 'D22', 'D1', 'D17', 'D12']",
        "['X-YEAR-T3', 'X-YEAR-T2', 'D15', 'X-VERSION', 'X-COPY']",
    ]
