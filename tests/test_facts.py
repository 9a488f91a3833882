import csv
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest

from xxgk.audit import run_audit
from xxgk.executors import InProcessExecutor
from xxgk.ingest.document import Provenance
from xxgk.options import AuditOptions
from xxgk.parsers.bureau import to_simplified
from xxgk.parsers.facts import extract_facts
from xxgk.parsers.model import Item, ParsedSection

ROOT = Path(__file__).resolve().parent.parent


def facts_of(text: str, section: str = "overview") -> dict[str, object]:
    prov = Provenance(line=1)
    found = extract_facts([ParsedSection(section, "一", "一、总体情况", [Item([(text, prov)], prov)])])
    return {f.key: f.value for f in found}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("全年主动公开政府信息 61 条。", {"active_disclosure_items": 61}),
        ("2023年,我局主动在门户网站公开政府信息50条。", {"active_disclosure_items": 50}),
        ("全年收到依申请公开信息3条,答复率100%。", {"applications_received": 3}),
        ("共受理政府信息公开申请 749 件，共办理 718 件，结转下一年 31 件。",
         {"applications_received": 749, "applications_completed": 718, "carried_forward": 31}),
        ("2023年，我局未收到政府信息公开申请。", {"applications_received": 0}),
        ("2013年所有信息公开都没有发生行政复议、行政诉讼的情况。", {"admin_review_cases": 0, "admin_litigation_cases": 0}),
        ("全年未发生因依申请公开被行政复议纠错或败诉的情况。", {}),  # says none corrected, not none filed
        ("本年度共收取信息处理费380元。", {"fees_charged": 380}),
        ("本单位没有向依申请公开对象收取复印、传真等任何费用。", {"fees_charged": 0}),
        ("收到意见建议17条。", {}),  # not an application
        ("行政诉讼（未经复议直接起诉）", {}),
    ],
)
def test_stated_counts(text: str, expected: dict[str, object]) -> None:
    assert facts_of(text) == expected


def test_cases_of_review_and_litigation_are_not_applications() -> None:
    assert facts_of("依法做好相关行政复议、行政诉讼案件的应诉工作，全县共办理相关案件 74 件。") == {}


def test_the_unit_is_the_printed_one() -> None:
    prov = Provenance(line=1)
    found = extract_facts([ParsedSection("overview", "一", "一、总体情况", [Item([("不予公开 20 件。", prov)], prov)])])
    assert [(f.key, f.value, f.unit) for f in found] == [("withheld_items", 20, "件")]


# --- facts.csv ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def audited(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The corpus and the two X-TEXT fixtures, parsed and audited: OUT/parse/facts.csv, OUT/findings.csv."""
    out = tmp_path_factory.mktemp("facts") / "out"
    inputs = [corpus, ROOT / "fixtures" / "audit" / "d07_text_vs_table", ROOT / "fixtures" / "audit" / "d07_text_vs_text"]
    run_audit(inputs, out, AuditOptions(), executor=InProcessExecutor())
    return out


def _csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_facts_csv_has_the_contract_columns(audited: Path) -> None:
    with open(audited / "parse" / "facts.csv", encoding="utf-8-sig", newline="") as handle:
        assert next(csv.reader(handle)) == [
            "report_id", "source", "section", "key", "value", "unit", "sentence", "line", "page", "table_key", "table_value"]


@pytest.mark.parametrize("prefix", ["q01", "q02", "q03"])
def test_facts_csv_holds_the_counts_pre2019_reports_state(corpus: Path, audited: Path, prefix: str) -> None:
    folder = next(corpus.glob(f"{prefix}_*"))
    truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))["pre2019"]
    rows = [r for r in _csv(audited / "parse" / "facts.csv") if Path(r["source"]).parent.name == folder.name]
    stated = {(r["key"], Decimal(r["value"])) for r in rows}
    expected = {(k, Decimal(str(v))) for k, v in truth.items() if isinstance(v, (int, float))}
    assert expected and expected <= stated
    assert all(r["sentence"] and r["line"] for r in rows)


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", to_simplified(text))


def test_facts_csv_carries_the_comparisons_x_text_makes(audited: Path) -> None:
    rows = _csv(audited / "parse" / "facts.csv")
    compared = [r for r in rows if r["table_key"]]
    assert compared and all(r["table_key"].startswith(("table3.", "table4.")) for r in compared)
    # every disagreement X-TEXT reports between a sentence and the tables is a row whose value is not its table's
    differ = {(r["source"], _flat(r["sentence"]), r["value"], r["table_value"]) for r in compared if r["value"] != r["table_value"]}
    x_text = [r for r in _csv(audited / "findings.csv") if r["code"] == "X-TEXT"]
    with_table = [r for r in x_text if r["table"]]
    assert {Path(r["source"]).parent.name for r in with_table} == {"r02_hongze_district_2024", "d07_text_vs_table"}
    for finding in with_table:
        assert any(source == finding["source"] and value in finding["message"] and table in finding["message"]
                   and sentence[:20] in _flat(finding["message"]) for source, sentence, value, table in differ), finding
    # the comparisons between sentences (no table): every value the finding lists is a row of that report
    for finding in (r for r in x_text if not r["table"]):
        values = {r["value"] for r in rows if r["source"] == finding["source"] and r["key"] == "active_disclosure_items"}
        assert len(values) > 1 and all(f"（{v}）" in finding["message"] for v in values)
    r02 = next(r for r in compared if "r02_" in r["source"])
    assert (r02["key"], r02["value"], r02["table_key"], r02["table_value"]) == (
        "applications_received", "17", "table3.new_requests.total", "95")
