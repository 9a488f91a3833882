"""The body a report belongs to: a key that stays the same from year to year and file to file, its
tier (province … township) and whether it is a people's government or one of its departments.

Everything is read from the name alone (plus the report's text to settle a place name several
divisions share); a name that tells nothing leaves the answer None rather than a guess.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from xxgk.parsers.region import Place, Unresolved, level_of_place_words, resolve

_YEARS = re.compile(r"(?:19|20)\d{2}\s*年?\s*度?")
_REPORT_WORDS = re.compile(
    r"(?:关于)?(?:政府|政务)?信息公开(?:工作)?(?:情况)?(?:年度)?的?(?:报告|年报)?$|(?:工作)?年度?报告$|年报$"
)
_PUNCT = re.compile(r"[\s\u3000#*（）()【】\[\]《》<>“”\"'‘’、，,。.．:：;；·—\-_/|]+")


@cache
def _t2s() -> dict[int, str]:
    table: dict[int, str] = {}
    with files("xxgk.parsers").joinpath("data/t2s_chars.txt").open(encoding="utf-8") as handle:
        for line in handle:
            if not line.startswith("#") and "\t" in line:
                traditional, simplified = line.rstrip("\n").split("\t")
                table[ord(traditional)] = simplified
    return table


def to_simplified(text: str) -> str:
    """NFKC, then every Traditional character to its Simplified form (OpenCC's character table)."""
    return unicodedata.normalize("NFKC", text).translate(_t2s())


def bureau_key(name: str) -> str:
    """'淮安市洪泽区人民政府 2024年政府信息公开工作年度报告' → '淮安市洪泽区人民政府'."""
    text = _PUNCT.sub("", _YEARS.sub("", to_simplified(name)))
    text = text.removeprefix("关于")
    previous = None
    while previous != text:  # 信息公开工作年度报告 may leave 政府 behind on a first pass
        previous, text = text, _REPORT_WORDS.sub("", text)
    if text.endswith("人民"):  # 人民政府信息公开…: the 政府 belonged to the name
        text += "政府"
    return text


@dataclass(frozen=True, slots=True)
class Bureau:
    key: str
    level: str | None  # national · province · city · county · township
    is_government: bool | None  # 人民政府, 街道办事处, 乡/镇: True; 局/委/办/厅/中心…: False
    place: Place | None
    evidence: str
    confidence: float  # of the level and kind; the place carries its own


_NATIONAL = re.compile(r"^(?:国务院|国家|中华人民共和国)")
_TOWNSHIP = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fff]{1,10}?(?:街道办事处|街道|民族乡|镇|乡|苏木)(?:人民政府|政府|办事处)?$")
_GOVERNMENT = ("人民政府", "政府")
_DEPARTMENT = re.compile(
    r"(?:局|委员会|委|办公室|办公厅|办|厅|中心|院|署|会|所|队|站|部|处|馆|室|司|社|公司|集团)$"
)


def describe(name: str, context: str = "") -> Bureau:
    """Key, tier, kind and place of a body from its printed name; ``context`` settles shared place names."""
    key = bureau_key(name)
    if _NATIONAL.match(key):
        return Bureau(key, "national", False, None, f"“{key}”为中央国家机关", 0.8)
    found = resolve(key, context)
    tier: str | None
    if isinstance(found, Place):
        rest, tier, tier_confidence, said = found.rest, found.deepest.level, 0.9, found.evidence
    elif isinstance(found, Unresolved):
        rest, tier, tier_confidence, said = found.rest, level_of_place_words(found.printed), 0.6, found.evidence
    else:
        rest, tier, tier_confidence, said = key, None, 0.0, "名称开头无可识别的地名"
    body = rest.removeprefix("人民政府") if rest != "人民政府" else rest
    level: str | None
    government: bool | None
    if _TOWNSHIP.match(body):
        level, government, kind = "township", True, "乡镇人民政府或街道办事处"
        tier_confidence = max(tier_confidence, 0.7)
    elif rest in _GOVERNMENT or (not rest and found is not None):
        level, government, kind = tier, True, "人民政府"
    elif _DEPARTMENT.search(rest):
        level, government, kind = tier, False, "政府工作部门或机构"
    else:
        level, government, kind = tier, None, "机关类型不明"
    return Bureau(
        key, level, government, found if isinstance(found, Place) else None,
        f"{said}；“{rest or key}”→{kind}", tier_confidence if level else 0.0,
    )
