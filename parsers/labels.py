"""Label normalisation and matching: printed row labels and headers → canonical keys.

Labels arrive damaged: spaces and line breaks inside, half- or full-width punctuation, numbering
with or without 、/./．, Traditional characters, typos. Matching works on a normalised form and
keeps a score so that a doubtful match stays visible.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache

from xxgk.template import T3_GROUPS, T3_ROWS, RowDef

# Traditional → Simplified for the characters that occur in the templates' labels and headings
# (mirror sites republish reports in Traditional characters).
_T2S = str.maketrans({
    t: s for t, s in zip(
        "規範檔許處罰強費採購請數結轉開國屬於祕險穩護權類務過執決詢項無機關沒現製補復訪舉報訴訟複獲確認繳納總計團織構學體會業與維糾審實錄資訊門發廢證應對營單區縣鎮鄉衛勞動級經濟聯將廳辦況議庫財產說見為問題進內這還當後從並時們來書圍號條導據統額歷達傳徵準責頒佈辦觀點",
        "规范档许处罚强费采购请数结转开国属于秘险稳护权类务过执决询项无机关没现制补复访举报诉讼复获确认缴纳总计团织构学体会业与维纠审实录资讯门发废证应对营单区县镇乡卫劳动级经济联将厅办况议库财产说见为问题进内这还当后从并时们来书围号条导据统额历达传征准责颁布办观点",
        strict=True,
    )
})
# Whole-word substitutions a character map cannot make.
_PHRASES = (("档案", "文件"),)

_PUNCT = re.compile(r"[\s\u3000（）()【】\[\]、，,。.．:：;；“”\"'‘’「」『』《》<>〈〉\-—–_/／·・|]+")
_NUMBERING = re.compile(
    r"^\s*(?:(?P<top>[一二三四五六七八九十]{1,3})\s*[、.．,，]"
    r"|[（(]\s*(?P<paren>[一二三四五六七八九十]{1,3})\s*[）)]\s*[、.．]?"
    r"|(?P<arabic>\d{1,2})\s*(?:[、.．)）]|\s)(?!\d)"
    r"|[（(]\s*(?P<parab>\d{1,2})\s*[）)])"
)


# The parse simplifies a line for each reader of it (the tables' regions, the label tests, squash), and
# a template's labels recur in every report.
@lru_cache(maxsize=65536)
def simplify(text: str) -> str:
    """NFKC plus Traditional → Simplified for label vocabulary."""
    text = unicodedata.normalize("NFKC", text).translate(_T2S)
    for old, new in _PHRASES:
        text = text.replace(old, new)
    return text


@lru_cache(maxsize=65536)
def squash(text: str) -> str:
    """The comparable core of a label: simplified, without spaces and punctuation."""
    return _PUNCT.sub("", simplify(text))


@dataclass(frozen=True, slots=True)
class Numbering:
    style: str  # "top" 一、 · "paren" （一） · "arabic" 1. · "" none
    number: str


@lru_cache(maxsize=65536)
def split_numbering(text: str) -> tuple[Numbering, str]:
    """Split a leading 一、 / （一） / 1. / (1) from a label."""
    text = simplify(text).strip()
    match = _NUMBERING.match(text)
    if not match:
        return Numbering("", ""), text
    for style in ("top", "paren", "arabic", "parab"):
        if match[style]:
            return Numbering("arabic" if style == "parab" else style, match[style]), text[match.end():]
    return Numbering("", ""), text  # pragma: no cover - the regex always names a group


@dataclass(frozen=True, slots=True)
class RowMatch:
    key: str
    score: float  # 1.0 for a keyword hit; fuzzy similarity otherwise


_T3_BODIES = {row.key: squash(split_numbering(row.label)[1]) for row in T3_ROWS}


def _fuzzy(body: str, rows: tuple[RowDef, ...], bodies: dict[str, str], floor: float) -> RowMatch | None:
    best: RowMatch | None = None
    for row in rows:
        target = bodies[row.key]
        if not target or abs(len(target) - len(body)) > max(len(target), len(body)) // 2:
            continue
        ratio = SequenceMatcher(None, body, target, autojunk=False).ratio()
        if ratio >= floor and (best is None or ratio > best.score):
            best = RowMatch(row.key, round(ratio, 3))
    return best


@lru_cache(maxsize=65536)
def match_t3_row(text: str, group: str | None = None) -> RowMatch | None:
    """Match a 表三 row label. ``group`` is the group label in force (e.g. （六）其他处理)."""
    if match_t3_group(text):
        return None
    numbering, rest = split_numbering(text)
    body = squash(rest)
    if not body:
        return None
    if body.startswith("总计") and (numbering.style == "paren" or len(body) <= 4):
        return RowMatch("total_processed", 1.0)
    if body in {"其他", "其它"} and (numbering.style == "arabic" or group == "（六）其他处理"):
        return RowMatch("other_misc", 1.0)
    if body in {"其他", "其它"} and numbering.style == "paren":
        return RowMatch("other_handling", 0.9)  # （六）其他 — the group printed without 处理
    hits = [row for row in T3_ROWS if any(k in body for k in row.keywords)]
    if hits:
        # 本年新收 and 上年结转 also appear in long header texts; prefer the row whose label
        # is closest in length when several keywords hit.
        row = min(hits, key=lambda r: abs(len(_T3_BODIES[r.key]) - len(body)))
        target = _T3_BODIES[row.key]
        if body.startswith(target) or target.startswith(body):
            return RowMatch(row.key, 1.0)
        # A keyword hit on an altered label (typo, extra words): keep how far it is (D11).
        ratio = SequenceMatcher(None, body, target, autojunk=False).ratio()
        return RowMatch(row.key, round(max(0.8, min(ratio, 0.99)), 3))
    if len(body) < 3:
        return None
    return _fuzzy(body, T3_ROWS, _T3_BODIES, 0.72)


_T3_FULL = {row.key: squash(split_numbering(row.label)[1]) for row in T3_ROWS}


@lru_cache(maxsize=16384)
def t3_candidates(text: str) -> tuple[str, ...]:
    """Rows whose official label contains this fragment (at least 6 characters), in table order."""
    body = squash(split_numbering(text)[1])
    if len(body) < 6:
        return ()
    return tuple(key for key, full in _T3_FULL.items() if body in full)


@lru_cache(maxsize=4096)
def match_t3_group(text: str) -> str | None:
    """Return the group a label opens (三、本年度办理结果, （三）不予公开 …), if it is one."""
    numbering, rest = split_numbering(text)
    body = squash(rest)
    for name, keywords in T3_GROUPS:
        for keyword in keywords:
            if body.startswith(keyword) and len(body) <= len(keyword) + 2:
                return name
    return None


_T3_HEADERS = {squash(label): key for key, label in (
    ("natural_person", "自然人"), ("commercial_enterprise", "商业企业"),
    ("research_institution", "科研机构"), ("social_welfare_org", "社会公益组织"),
    ("social_welfare_org", "社会公益"), ("legal_service_org", "法律服务机构"),
    ("other_org", "其他"), ("other_org", "其它"), ("total", "总计"),
)}


def match_t3_header(text: str) -> str | None:
    return _T3_HEADERS.get(squash(text))
