"""The body a report belongs to: a key that stays the same from year to year and file to file, its
tier (province … township) and whether it is a people's government or one of its departments.

Everything is read from the name alone (plus the report's text to settle a place name several
divisions share); a name that tells nothing leaves the answer None rather than a guess.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from array import array
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


@cache
def _t2s_string() -> str:
    """:func:`_t2s` as a string that holds at each code point up to the last Traditional one the character it
    becomes (itself, mostly): str.translate looks a character up there by its index, where a dict raises
    and catches a KeyError for every character it does not map (the Simplified ones, the punctuation).
    Each Traditional character becomes one Simplified character (tests/test_fast_paths.py).

    Built as UTF-32 code units, not as 180,000 one-character strings joined: a worker built those in
    0.03 s when fresh, 0.08–0.28 s after loading the segmenters' dictionaries."""
    table = _t2s()
    units = array("I", range(max(table) + 1))
    for code, simplified in table.items():
        units[code] = ord(simplified)
    # The identity runs through the surrogates' code points too: kept as they are, as chr() would.
    return units.tobytes().decode(f"utf-32-{'le' if sys.byteorder == 'little' else 'be'}", "surrogatepass")


def to_simplified(text: str) -> str:
    """NFKC, then every Traditional character to its Simplified form (OpenCC's character table)."""
    return unicodedata.normalize("NFKC", text).translate(_t2s_string())


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


# Short forms bodies print for themselves, written out: 上海市科委 and 上海市科学技术委员会 are one body.
# Longest first, so that 发改委 is not read as 改委.
_ALIASES = tuple(sorted({
    "发改委": "发展和改革委员会", "发改局": "发展和改革局", "科委": "科学技术委员会", "科技局": "科学技术局",
    "经信委": "经济和信息化委员会", "经信局": "经济和信息化局", "工信局": "工业和信息化局",
    "人社局": "人力资源和社会保障局", "人社厅": "人力资源和社会保障厅", "卫健委": "卫生健康委员会",
    "卫健局": "卫生健康局", "住建局": "住房和城乡建设局", "住建委": "住房和城乡建设委员会",
    "住建厅": "住房和城乡建设厅", "市场监管局": "市场监督管理局", "文旅局": "文化和旅游局",
    "文广旅局": "文化广电和旅游局", "教体局": "教育和体育局", "交通局": "交通运输局", "应急局": "应急管理局",
    "医保局": "医疗保障局", "退役军人局": "退役军人事务局",
}.items(), key=lambda pair: -len(pair[0])))


def _core(rest: str) -> str:
    """The kind of body, in one spelling: 人民政府 and 政府 are one word, short forms written out."""
    core = rest.replace("人民政府", "政府")
    for short, full in _ALIASES:
        if core.endswith(short) and not core.endswith(full):
            core = core[: -len(short)] + full
            break
    return core


def body_id(key: str, place: Place | None) -> str:
    """The id that joins the name forms of one body: the code of its division (GB/T 2260) and the rest
    of its name in one spelling — 淮安市洪泽区人民政府 and 洪泽区人民政府 are both ``320813:政府``. A name
    whose place is not known to the division list keeps the whole normalised name (no code)."""
    if place is None:
        return _core(key)
    return f"{place.deepest.code}:{_core(place.rest)}"


@dataclass(frozen=True, slots=True)
class Bureau:
    key: str
    level: str | None  # national · province · city · county · township
    is_government: bool | None  # 人民政府, 街道办事处, 乡/镇: True; 局/委/办/厅/中心…: False
    place: Place | None
    evidence: str
    confidence: float  # of the level and kind; the place carries its own
    body_id: str = ""  # body_id(): the key across name forms


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
        return Bureau(key, "national", False, None, f"“{key}”为中央国家机关", 0.8, body_id(key, None))
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
        body_id(key, found if isinstance(found, Place) else None),
    )
