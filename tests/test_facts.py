import pytest

from xxgk.ingest.document import Provenance
from xxgk.parsers.facts import extract_facts
from xxgk.parsers.model import Item, ParsedSection


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
