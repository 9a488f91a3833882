"""Counts the narrative states (收到申请17件, 主动公开信息25条 …), each with its sentence.

Used to read pre-2019 reports that have no tables and, for every template, to compare what the
text says with the tables (X-TEXT / D7). Only explicit statements are read; a count stated in
words ("未收到申请", "没有发生行政复议") is read as 0 because the sentence says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from xxgk.ingest.document import Provenance
from xxgk.parsers.model import ParsedSection

_SENTENCE_END = re.compile(r"(?<=[。；;！!？?\n])")
_NUM = r"(\d+(?:\.\d+)?)"
_GAP = r"[^。；;，,、\d]{0,14}?"

# (fact key, unit, pattern giving the number in group 1). Tried in order; one fact per key and
# sentence.
PATTERNS: tuple[tuple[str, str, re.Pattern[str]], ...] = (
    ("active_disclosure_items", "条", re.compile(
        r"主动(?:[^。；;，,、\d]{0,8}?)公开" + _GAP + r"(?:共|计|累计|合计)?\s*" + _NUM + r"\s*条")),
    ("applications_received", "件", re.compile(
        r"(?:收到|受理|新收|接收|共收)" + _GAP + r"申请" + _GAP + _NUM + r"\s*[件条个]")),
    ("applications_completed", "件", re.compile(r"(?:办结|共办理|已办理|答复)" + _GAP + _NUM + r"\s*件")),
    ("carried_forward", "件", re.compile(r"结转(?:下一?年度?|至下一?年度?)" + _GAP + _NUM + r"\s*件")),
    ("admin_review_cases", "件", re.compile(r"行政复议" + _GAP + _NUM + r"\s*[件起]")),
    ("admin_litigation_cases", "件", re.compile(r"行政诉讼" + _GAP + _NUM + r"\s*[件起]")),
    ("complaints", "件", re.compile(r"举报投诉" + _GAP + _NUM + r"\s*[件起]")),
    ("withheld_items", "条", re.compile(r"不予公开" + _GAP + _NUM + r"\s*[条件]")),
    ("fees_charged", "元", re.compile(r"收取" + r"[^。；;\d]{0,16}?" + _NUM + r"\s*(?:元)")),
)

# Statements of none.
ZERO_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("applications_received", re.compile(r"(?:未|没有|无)(?:收到|受理)[^。；;]{0,12}申请|没有依申请公开|无依申请公开|未发生依申请")),
    # "未发生…复议" states none; "未发生…被行政复议纠错" only says none was corrected.
    ("admin_review_cases", re.compile(r"(?:未|没有)(?:发生|出现|涉及|收到)[^。；;，,]{0,14}?复议(?![^。；;]{0,3}纠)")),
    ("admin_litigation_cases", re.compile(r"(?:未|没有)(?:发生|出现|涉及|收到)[^。；;，,]{0,20}?诉讼(?![^。；;]{0,3}纠)")),
    ("withheld_items", re.compile(r"未涉及[“\"]?不予公开|没有不予公开")),
    ("complaints", re.compile(r"(?:未|没有)(?:发生|出现|涉及|收到)[^。；;，,]{0,20}?投诉")),
    ("appeal_cases", re.compile(r"(?:未|没有)(?:发生|出现|涉及|收到)[^。；;，,]{0,24}?申诉")),
    ("fees_charged", re.compile(r"(?:未|没有|不)(?:收取|收费)|没有[^。；;]{0,16}(?:收费|收取)|无收费|免收|未产生[^。；;]{0,6}费")),
)


_DIGIT = re.compile(r"\d")
_NEGATIONS = ("未", "没有", "无", "不", "免")
_NEGATION = re.compile("|".join(map(re.escape, _NEGATIONS)))  # one pass over the sentence for any of them


@dataclass(frozen=True, slots=True)
class Fact:
    key: str
    value: int | Decimal
    unit: str
    section: str
    sentence: str
    prov: Provenance | None


def _number(text: str) -> int | Decimal:
    value = Decimal(text)
    return int(value) if value == int(value) and "." not in text else value


def extract_facts(sections: list[ParsedSection]) -> list[Fact]:
    facts: list[Fact] = []
    for section in sections:
        for item in section.items:
            if item.from_grid or len(item.cells) != 1:
                continue  # table rows are cells, not statements
            text = item.cells[0][0]
            if len(text) < 6:
                continue
            for sentence in _SENTENCE_END.split(text):
                sentence = sentence.strip()
                if sentence:
                    facts.extend(_facts_in(sentence, section.key, item.prov))
    return facts


def _facts_in(sentence: str, section: str, prov: Provenance) -> list[Fact]:
    found: dict[str, Fact] = {}
    compact = sentence.replace(" ", "").replace("\u3000", "")
    has_digit = _DIGIT.search(compact) is not None
    for key, unit, pattern in PATTERNS if has_digit else ():
        match = pattern.search(compact)
        if match and key == "applications_completed" and ("案件" in match[0] or re.search("复议|诉讼", compact[:match.start()])):
            continue  # 行政复议、行政诉讼…共办理相关案件74件 counts cases, not applications
        if match and key not in found:
            if unit == "元" and "万元" in compact[match.end() - 3: match.end() + 1]:
                unit = "万元"
            elif unit != "元":
                unit = compact[match.end() - 1]  # as printed: 不予公开 20 件 counts 件
            found[key] = Fact(key, _number(match[1]), unit, section, sentence, prov)
    negated = _NEGATION.search(compact) is not None
    for key, pattern in ZERO_PATTERNS if negated else ():
        if key not in found and pattern.search(compact):
            found[key] = Fact(key, 0, "件" if key != "fees_charged" else "元", section, sentence, prov)
    return list(found.values())
