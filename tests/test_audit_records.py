"""What the audit hands a supervisor beyond the page: note markers shown as such, decisions kept across
runs, the rectification lists per body, the run record, OCR'd cells told apart."""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from lxml import html as lxml_html

import xxgk.audit
from xxgk.audit import run_audit
from xxgk.batch import run_parse
from xxgk.cli import main
from xxgk.executors import InProcessExecutor
from xxgk.options import AuditOptions

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
CASES = FIXTURES / "audit"


def findings_csv(out: Path) -> list[dict[str, str]]:
    with open(out / "findings.csv", encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def audit(inputs: list[Path], out: Path, **options: Any) -> list[dict[str, str]]:
    run_audit(inputs, out, AuditOptions(**options), executor=InProcessExecutor())
    return findings_csv(out)


def test_note_markers_are_shown_apart_from_the_number(tmp_path: Path) -> None:
    rows = audit([FIXTURES / "x19_note_markers" / "source.txt"], tmp_path / "out")
    marked = [r for r in rows if r["code"] == "P-NOTE-MARK"]
    assert len(marked) == 5 and all(r["severity"] == "warning" and r["area"] == "读取" for r in marked)
    page = lxml_html.fromstring((tmp_path / "out" / "audit.html").read_bytes())
    cell = page.xpath('//td[@data-cell="table3.new_requests.legal_service_org"]')[0]
    assert cell.xpath('span[@class="notemark"]/text()') == ["¹¹"]
    assert (cell.text or "").strip() == "2"
    assert "flag-warning" in cell.get("class")


@pytest.fixture
def in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI's parse batch in this process: no worker start-up in a unit test."""
    monkeypatch.setattr(xxgk.audit, "run_parse", lambda *a, **k: run_parse(*a, **{**k, "executor": InProcessExecutor()}))


def cli(*args: str | Path) -> Result:
    return CliRunner().invoke(main, ["audit", *map(str, args)])


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def write_csv(path: Path, rows: list[dict[str, str]]) -> None:
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


# --- decisions ----------------------------------------------------------------------------------


def test_finding_ids_are_stable_across_runs_folders_and_input_order(tmp_path: Path) -> None:
    inputs = [CASES / "d02_t3_balance" / "report.txt", CASES / "d19_no_follow_up" / "report.txt", CASES / "d05_t4_sum" / "report.txt"]
    first = audit(inputs, tmp_path / "a")
    second = audit(list(reversed(inputs)), tmp_path / "b")
    # (the X-VERSION message lists the other versions in input order: not part of the id)
    ids = {(r["source"], r["code"], r["table"], r["row_key"], r["col_key"]): r["finding_id"] for r in first}
    assert len(set(ids.values())) == len(ids) == len(first)  # one id per finding
    assert all(re.fullmatch("F[0-9a-f]{12}", i) for i in ids.values())
    assert {(r["source"], r["code"], r["table"], r["row_key"], r["col_key"]): r["finding_id"] for r in second} == ids
    moved = tmp_path / "elsewhere" / "报告.txt"
    moved.parent.mkdir()
    moved.write_bytes(inputs[0].read_bytes())
    alone = [r["finding_id"] for r in audit([inputs[0]], tmp_path / "c")]
    assert [r["finding_id"] for r in audit([moved], tmp_path / "d")] == alone


def test_decisions_round_trip(tmp_path: Path, in_process: None) -> None:
    source = CASES / "d02_t3_balance" / "report.txt"
    out = tmp_path / "out"
    assert cli(source, "-o", out).exit_code == 1
    template = read_csv(out / "decisions.csv")
    findings = findings_csv(out)
    assert [r["finding_id"] for r in template] == [r["finding_id"] for r in findings]
    assert all(r["status"] == "" for r in template)
    errors = [r for r in template if r["severity"] == "error"]
    assert errors
    for row in template:
        if row["severity"] == "error":
            row.update(status="dismissed", note="已核实原件无误")
        elif row["code"] == "D11":
            row.update(status="confirmed", note="请整改")
    given = tmp_path / "decisions.csv"
    write_csv(given, [*template, {**template[0], "finding_id": "F0123456789ab", "status": "misread", "note": "旧问题"}])

    second = cli(source, "-o", out, "--decisions", given)
    assert second.exit_code == 0, second.output  # the errors are dismissed: out of the exit status
    assert "stale decision F0123456789ab" in second.stderr
    decided = {r["finding_id"]: (r["decision"], r["decision_note"]) for r in findings_csv(out)}
    assert all(decided[r["finding_id"]] == ("dismissed", "已核实原件无误") for r in errors)
    kept = read_csv(out / "decisions.csv")
    assert {r["finding_id"]: r["status"] for r in kept if not r["stale"]} == {r["finding_id"]: r["status"] for r in template}
    assert [(r["finding_id"], r["status"], r["note"]) for r in kept if r["stale"]] == [("F0123456789ab", "misread", "旧问题")]
    page = lxml_html.fromstring((out / "audit.html").read_bytes())
    row = page.xpath(f'//tr[@data-finding-id="{errors[0]["finding_id"]}"]')[0]
    assert row.get("data-decision") == "dismissed" and "aside" in row.get("class")
    assert "已核实原件无误" in row.text_content()
    assert page.xpath('//ul[@class="stale"]/li/@data-finding-id') == ["F0123456789ab"]
    flagged = page.xpath('//td[@data-cell="table3.new_requests.natural_person"]')[0]
    assert "flag-error" not in flagged.get("class")  # its only error is dismissed: noted, no longer flagged
    assert "（已排除）" in page.xpath('//li[@class="note"][@data-code="T3-BAL"]')[0].text_content()
    assert any("│" in line and "处理决定：已排除2" in line for line in second.stdout.splitlines())  # the body's row
    assert "处理决定：已排除2条" in second.stdout  # and the batch's

    # the template OUT wrote, given back, decides the same findings the same way
    third = cli(source, "-o", tmp_path / "again", "--decisions", out / "decisions.csv")
    assert third.exit_code == 0, third.output
    assert read_csv(tmp_path / "again" / "decisions.csv") == kept
    # without the decisions the errors count again
    assert cli(source, "-o", tmp_path / "plain").exit_code == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [("finding_id,status\nabc,maybe\n", "not one of"), ("id,decision\nabc,dismissed\n", "needs the columns")],
)
def test_bad_decisions_exit_2(content: str, message: str, tmp_path: Path, in_process: None) -> None:
    given = tmp_path / "d.csv"
    given.write_text(content, encoding="utf-8")
    result = cli(CASES / "d02_t3_balance" / "report.txt", "-o", tmp_path / "out", "--decisions", given)
    assert result.exit_code == 2 and message in result.stderr


# --- OCR'd cells --------------------------------------------------------------------------------


def test_ocr_cells_are_shown_with_their_confidence() -> None:
    from xxgk.ingest.document import Provenance
    from xxgk.normalize.audit.body import Body
    from xxgk.normalize.audit.evidence import with_places
    from xxgk.normalize.schema import Cell, Finding, Report
    from xxgk.output.audit_findings import places_text
    from xxgk.output.audit_html import render_report, where

    def cell(col: str, raw: str, prov: Provenance) -> Cell:
        return Cell(table="table3", row_key="new_requests", col_key=col, raw=raw, kind="number", value=int(raw), provenance=prov)

    read = Provenance(page=2, bbox=(100, 200, 130, 215), ocr=True, confidence=0.83)
    printed = Provenance(page=2, bbox=(140, 200, 170, 215))
    report = Report(parser_version="test", report_id="r1", source="scan.pdf", status="ok", template="2021",
                    bureau="青禾县文化和旅游局", year=2023,
                    cells=[cell("natural_person", "58", read), cell("commercial_enterprise", "7", printed)])
    finding = Finding(code="T3-COLSUM", severity="error", table="table3", row_key="new_requests", message="不相等")
    (placed,) = with_places([finding], report)
    assert places_text(placed) == ("table3.new_requests.natural_person@p2[OCR 0.83]; "
                                   "table3.new_requests.commercial_enterprise@p2")
    assert where(placed) == "第2页，OCR识别，置信度0.83"
    page = lxml_html.fromstring(render_report(0, report, Body("青禾县文化和旅游局", "k", None, None, None, None), [placed]))
    ocr_cell = page.xpath('//td[@data-cell="table3.new_requests.natural_person"]')[0]
    assert "ocr" in ocr_cell.get("class").split() and ocr_cell.xpath('span[@class="ocrmark"]/text()') == ["OCR"]
    assert "置信度0.83" in ocr_cell.get("title")
    other = page.xpath('//td[@data-cell="table3.new_requests.commercial_enterprise"]')[0]
    assert "ocr" not in other.get("class").split()


# --- the run record -----------------------------------------------------------------------------


def test_run_json_records_versions_options_and_every_input_hash(tmp_path: Path, in_process: None) -> None:
    import datetime as dt
    import hashlib
    import json

    from xxgk.version import PARSER_VERSION

    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_bytes((CASES / "d02_t3_balance" / "report.txt").read_bytes())
    (folder / "sub" / "b.txt").write_bytes((CASES / "d19_no_follow_up" / "report.txt").read_bytes())
    (folder / "sub" / "empty.txt").write_bytes(b"")
    single = CASES / "d05_t4_sum" / "report.txt"
    dates = tmp_path / "dates.csv"
    dates.write_text("source,date\na.txt,2024-01-20\n", encoding="utf-8")
    out = tmp_path / "out"
    result = cli(folder, single, "-o", out, "--published", dates, "--fail-on", "never")
    assert result.exit_code == 0, result.output
    record = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert record["tool"] == "xxgk" and record["parser_version"] == PARSER_VERSION and record["tool_version"]
    started, finished = (dt.datetime.fromisoformat(record[k]) for k in ("started", "finished"))
    assert started.utcoffset() == dt.timedelta(0) and started <= finished
    assert record["inputs"] == [str(folder), str(single)]
    assert record["options"]["published"] == str(dates) and record["options"]["parse"]["encoding"] == "utf-8-sig"
    assert record["invocation"]["params"]["fail_on"] == "never"
    assert record["option_files"]["published"]["sha256"] == hashlib.sha256(dates.read_bytes()).hexdigest()

    def digest(path: Path) -> str:
        return hashlib.sha256(path.read_bytes()).hexdigest()

    files = {(f["input"], f["path"]): f for f in record["files"]}
    assert {k: f["sha256"] for k, f in files.items()} == {
        (str(folder), "a.txt"): digest(folder / "a.txt"),
        (str(folder), "sub/b.txt"): digest(folder / "sub" / "b.txt"),
        (str(folder), "sub/empty.txt"): digest(folder / "sub" / "empty.txt"),
        (str(single), "report.txt"): digest(single),
    }
    assert files[(str(folder), "sub/empty.txt")]["status"] in ("failed", "skipped")


# --- rectification lists ------------------------------------------------------------------------


def listed_rows(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """findings.csv rows a rectification list must hold: the report's defects, error or warning (or a
    confirmed 提示), not decided misread or dismissed."""
    return [r for r in rows if r["area"] != "读取" and r["decision"] not in ("misread", "dismissed")
            and (r["severity"] in ("error", "warning") or r["decision"] == "confirmed")]


def test_rectification_lists_hold_the_defects_with_their_evidence(tmp_path: Path, in_process: None) -> None:
    import docx
    openpyxl = pytest.importorskip("openpyxl")

    inputs = [CASES / "d02_t3_balance" / "report.txt", FIXTURES / "f03_pdf_row_split_label" / "source.pdf",
              FIXTURES / "x19_note_markers" / "source.txt"]
    out = tmp_path / "out"
    cli(*inputs, "-o", out)
    rows = findings_csv(out)
    bal = [r for r in rows if r["code"] == "T3-BAL"]
    assert len(bal) == 2 and any(r["code"] == "P-NOTE-MARK" for r in rows)
    # f03's PDF has 提示 only: one confirmed goes on the list, with its picture
    info = next(r for r in rows if r["code"] == "T3-ROWSUM" and r["source"].endswith(".pdf"))
    decisions = tmp_path / "decisions.csv"
    decisions.write_text(f"finding_id,status,note\n{bal[0]['finding_id']},dismissed,原件无误\n"
                         f"{bal[1]['finding_id']},confirmed,请更正\n{info['finding_id']},confirmed,\n", encoding="utf-8")
    cli(*inputs, "-o", out, "--decisions", decisions)
    rows = findings_csv(out)
    expected = listed_rows(rows)
    assert bal[0]["finding_id"] not in {r["finding_id"] for r in expected}
    assert not any(r["code"].startswith("P-") for r in expected)

    book = openpyxl.load_workbook(out / "problems.xlsx", read_only=True)
    sheet = list(book["问题清单"].iter_rows(values_only=True))
    head, body = sheet[0], [dict(zip(sheet[0], row, strict=True)) for row in sheet[1:]]
    assert head[:3] == ("机关", "机关标识", "年度")
    assert sorted(r["finding_id"] for r in body) == sorted(r["finding_id"] for r in expected)
    by_id = {r["finding_id"]: r for r in body}
    confirmed = by_id[bal[1]["finding_id"]]
    assert confirmed["处理决定"] == "已确认" and confirmed["处理备注"] == "请更正"
    assert confirmed["页/行"].startswith("第") and "：" in confirmed["原文数值"]
    rowsum = next(r for r in body if r["代码"] == "T3-ROWSUM")
    assert rowsum["页/行"] == "第4页"

    from xxgk.output.audit_rectify import safe_name

    notices = {}
    for path in (out / "整改通知").glob("*.docx"):
        document = docx.Document(str(path))
        notices[path.stem] = "\n".join(p.text for p in document.paragraphs), len(document.inline_shapes)
    assert set(notices) == {safe_name(r["bureau"]) for r in expected}
    for r in expected:
        text, _ = notices[safe_name(r["bureau"])]
        assert r["finding_id"] in text and r["message"] in text
    pdf_body = next(r["bureau"] for r in expected if r["source"].endswith(".pdf"))
    text, pictures = notices[safe_name(pdf_body)]
    assert pictures == 1 and "原文截图（第4页）" in text
    text, _ = notices[safe_name(bal[1]["bureau"])]
    assert "审查意见：已确认，请更正" in text and "原件无误" not in text
    # in the order of the report: by line
    lines = [int(r["line"]) for r in expected if r["source"].endswith("report.txt") and r["line"]]
    assert lines == sorted(lines)


@pytest.mark.parametrize(
    ("name", "safe"),
    [("青禾县文化和旅游局", "青禾县文化和旅游局"), ("../../etc/passwd", "etc_passwd"), ("a\\b:c*?", "a_b_c"),
     ("", "机关名称未识别"), ("..", "机关名称未识别"), ("（机关名称未识别）x.pdf", "（机关名称未识别）x_pdf")],
)
def test_notice_file_names_are_safe(name: str, safe: str) -> None:
    from xxgk.output.audit_rectify import safe_name

    assert safe_name(name) == safe


def test_without_openpyxl_the_workbook_is_skipped_with_a_note(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "openpyxl", None)  # import openpyxl raises ImportError
    summary = run_audit([CASES / "d02_t3_balance" / "report.txt"], tmp_path / "out", executor=InProcessExecutor())
    assert not (tmp_path / "out" / "problems.xlsx").exists()
    assert any("pip install 'xxgk[xlsx]'" in note for note in summary.notes)
    assert list((tmp_path / "out" / "整改通知").glob("*.docx"))


def test_a_year_not_reported_is_on_the_list_unless_dismissed(tmp_path: Path) -> None:
    import docx

    source = CASES / "clean_department_2023" / "report.txt"
    roster = tmp_path / "roster.csv"
    roster.write_text("body,aliases,years\n青禾县统计局,,2023\n", encoding="utf-8")
    rows = audit([source], tmp_path / "out", bodies=roster)
    (missing,) = [r for r in rows if r["code"] == "X-MISSING"]
    notice = tmp_path / "out" / "整改通知" / "青禾县统计局.docx"
    text = "\n".join(p.text for p in docx.Document(str(notice)).paragraphs)
    assert "应报未报" in text and missing["finding_id"] in text
    decisions = tmp_path / "decisions.csv"
    decisions.write_text(f"finding_id,status,note\n{missing['finding_id']},dismissed,当年未设立\n", encoding="utf-8")
    summary = run_audit([source], tmp_path / "out", AuditOptions(bodies=roster, decisions=decisions), executor=InProcessExecutor())
    assert not notice.exists()  # the earlier run's notice is gone with the defect
    assert not summary.fails("warning")  # the clean report's only warning was the dismissed X-MISSING
    assert [r["decision"] for r in findings_csv(tmp_path / "out") if r["code"] == "X-MISSING"] == ["dismissed"]


def test_decisions_saved_back_by_a_spreadsheet_are_read(tmp_path: Path) -> None:
    """GB18030 (Excel on a Chinese Windows) and the statuses as the page names them."""
    source = CASES / "d02_t3_balance" / "report.txt"
    rows = [r for r in audit([source], tmp_path / "a") if r["severity"] == "error"]
    given = tmp_path / "decisions.csv"
    content = "finding_id,status,note\n" + "".join(f"{r['finding_id']},已排除,原件无误\n" for r in rows)
    given.write_bytes(content.encode("gb18030"))
    summary = run_audit([source], tmp_path / "b", AuditOptions(decisions=given), executor=InProcessExecutor())
    assert not summary.fails("error")
    assert {(r["decision"], r["decision_note"]) for r in findings_csv(tmp_path / "b") if r["severity"] == "error"} == {("dismissed", "原件无误")}


def test_decisions_filled_in_out_are_kept_by_a_run_without_decisions(tmp_path: Path, in_process: None) -> None:
    import json

    source = CASES / "d02_t3_balance" / "report.txt"
    out = tmp_path / "out"
    cli(source, "-o", out)
    template = read_csv(out / "decisions.csv")
    for row in template:
        if row["severity"] == "error":
            row.update(status="dismissed", note="原件无误")
    write_csv(out / "decisions.csv", template)
    result = cli(source, "-o", out)
    assert result.exit_code == 0, result.output
    assert f"decisions in {out / 'decisions.csv'}" in result.stderr
    assert read_csv(out / "decisions.csv") == template
    assert json.loads((out / "run.json").read_text(encoding="utf-8"))["option_files"]["decisions"]["path"] == str(out / "decisions.csv")


UNKNOWN = "（机关名称未识别）"
NAMELESS_LAYOUTS = [  # (files under the input folder, what is given, the names the audit shows)
    (("a/source.txt", "b/source.txt"), ".", {"a/source.txt", "b/source.txt"}),
    (("x/2023/source.txt", "y/2023/source.txt"), "x", {"2023/source.txt", "source.txt"}),
    (("one/source.txt",), "one/source.txt", {"source.txt"}),
]


@pytest.mark.parametrize(("files", "given", "names"), NAMELESS_LAYOUTS, ids=[g for _, g, _ in NAMELESS_LAYOUTS])
def test_a_body_whose_name_is_not_read_is_named_by_its_file_under_the_input(
    files: tuple[str, ...], given: str, names: set[str], tmp_path: Path
) -> None:
    """Files all named source.txt in different folders stay told apart: in the terminal's table, the
    page, findings.csv and the notices' file names (sanitised: no path in them)."""
    text = (CASES / "clean_department_2023" / "report.txt").read_text(encoding="utf-8").replace("青禾县文化和旅游局", "")
    folder = tmp_path / "in"
    for number, name in enumerate(files):
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text.replace("着力提升", "着力" * number + "提升"), encoding="utf-8")
    inputs = [folder / given] if given != "x" else [folder / "x", folder / "y" / "2023" / "source.txt"]
    out = tmp_path / "out"
    summary = run_audit(inputs, out, AuditOptions(), executor=InProcessExecutor())
    shown = {UNKNOWN + name for name in names}
    assert {b.name for b in summary.overview.bureaus()} == shown
    page = (out / "audit.html").read_text(encoding="utf-8")
    assert all(name in page for name in shown)
    rows = findings_csv(out)
    assert {r["bureau"] for r in rows} <= shown and (len(files) == 1 or {r["bureau"] for r in rows} == shown)
    notices = {p.stem for p in (out / "整改通知").glob("*.docx")}
    assert notices == ({re.sub(r"[/.]", "_", name) for name in shown} if rows else set())
