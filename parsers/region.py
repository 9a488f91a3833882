"""Where a body sits: the place names a body's name starts with, resolved to division codes.

``data/divisions.csv`` (source and licence in its header) lists every province, prefecture-level city
and county-level division with its six-digit code and parent. A name is read from its start:
江苏省淮安市洪泽区… gives province → city → county; a name that starts below the province
(西工区人力资源和社会保障局) is completed from the parents. A name several divisions share (朝阳区,
鼓楼区) is settled by its printed parents or by the parents the report's text mentions, and otherwise
stays unresolved with the candidates in the evidence — never picked at random. A place that is not in
the list (an OCR slip such as 沐阳县 for 沭阳县) stays unresolved too; look-alike names are only named.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib.resources import files

LEVELS = ("province", "city", "county")


@dataclass(frozen=True, slots=True)
class Division:
    code: str
    name: str
    level: str  # province · city · county
    parent: str  # "" for a province


@dataclass(frozen=True, slots=True)
class Place:
    """A resolved place: the chain of divisions from the province down, and what follows it in the name."""

    chain: tuple[Division, ...]
    printed: str  # the place names as printed at the start of the name
    rest: str  # the name after them: 人民政府, 统计局, 桂花坪街道办事处 …
    evidence: str
    confidence: float

    def at(self, level: str) -> Division | None:
        return next((d for d in self.chain if d.level == level), None)

    @property
    def deepest(self) -> Division:
        return self.chain[-1]


@dataclass(frozen=True, slots=True)
class Unresolved:
    """Leading place words that name no division in the list (or several, with nothing to choose by)."""

    printed: str
    rest: str
    evidence: str


@dataclass(slots=True)
class _Index:
    by_code: dict[str, Division]
    names: dict[str, list[Division]]  # full names
    aliases: dict[str, list[Division]]  # 河南 → 河南省, 洛阳 → 洛阳市 (provinces and cities only)
    longest: int


_PROVINCE_SUFFIX = re.compile(r"(?:壮族自治区|回族自治区|维吾尔自治区|自治区|特别行政区|省|市)$")
_CITY_SUFFIX = re.compile(r"(?:地区|盟|市)$")
_COUNTY_SUFFIX = re.compile(r"(?:自治县|自治旗|县|区|市|旗)$")


@cache
def _index() -> _Index:
    by_code: dict[str, Division] = {}
    names: dict[str, list[Division]] = defaultdict(list)
    aliases: dict[str, list[Division]] = defaultdict(list)
    text = files("xxgk.parsers").joinpath("data/divisions.csv").read_text(encoding="utf-8")
    rows = csv.reader(line for line in text.splitlines() if not line.startswith("#"))
    header = next(rows)
    columns = [header.index(name) for name in ("code", "name", "level", "parent")]
    suffixes = {"province": _PROVINCE_SUFFIX, "city": _CITY_SUFFIX}
    for row in rows:  # 3,400 of them, read by every process that parses: plain rows, not DictReader's dicts
        division = Division(*(row[n] for n in columns))
        by_code[division.code] = division
        names[division.name].append(division)
        suffix = suffixes.get(division.level)
        if suffix:
            short = suffix.sub("", division.name)
            if len(short) >= 2 and short != division.name:
                aliases[short].append(division)
    return _Index(by_code, dict(names), dict(aliases), max(len(n) for n in names))


def division(code: str) -> Division | None:
    """The division with this six-digit code (a 12-digit 统计用区划代码 is cut to six)."""
    return _index().by_code.get(code.strip()[:6])


def ancestry(div: Division) -> tuple[Division, ...]:
    """The division and its parents, province first."""
    index = _index()
    chain = [div]
    while chain[0].parent:
        chain.insert(0, index.by_code[chain[0].parent])
    return tuple(chain)


def place_for_code(code: str) -> Place | None:
    found = division(code)
    if found is None:
        return None
    return Place(ancestry(found), "", "", f"区划代码{found.code}", 1.0)


def _is_below(child: Division, parent: Division) -> bool:
    return any(d.code == parent.code for d in ancestry(child)[:-1])


def _matches(name: str, start: int, allow_county_alias: bool) -> tuple[int, list[Division]]:
    """The longest division name (or alias) printed at ``start``: its length and the divisions it names."""
    index = _index()
    for length in range(min(index.longest, len(name) - start), 1, -1):
        word = name[start:start + length]
        found = list(index.names.get(word, ()))
        found += index.aliases.get(word, [])
        if allow_county_alias:
            found += [d for d in index.names.get(word + "县", []) + index.names.get(word + "区", []) if d.level == "county"]
        if found:
            return length, found
    return 0, []


def _mentions(context: str, div: Division) -> int:
    """How often the text names the division's parents (full name or short form)."""
    count = 0
    for parent in ancestry(div)[:-1]:
        short = (_PROVINCE_SUFFIX if parent.level == "province" else _CITY_SUFFIX).sub("", parent.name)
        count += context.count(short if len(short) >= 2 else parent.name)
    return count


def resolve(name: str, context: str = "") -> Place | Unresolved | None:
    """The place a (simplified, unspaced) body name starts with.

    ``context`` is text to settle a name several divisions share (the report's text). None when
    the name starts with no place word at all.
    """
    pos = 0
    chain: list[Division] = []
    candidates: list[Division] = []
    while pos < len(name) and len(chain) < 3:
        length, found = _matches(name, pos, allow_county_alias=bool(chain))
        if chain:
            found = [d for d in found if _is_below(d, chain[-1])]
        found = list({d.code: d for d in found}.values())
        if not found:
            break
        if len(found) > 1:
            candidates = found
            pos += length
            break
        chain.append(found[0])
        pos += length
    printed, rest = name[:pos], name[pos:]
    if candidates:
        scored = sorted(((_mentions(context, d), d) for d in candidates), key=lambda x: -x[0])
        listing = "；".join(f"{'/'.join(a.name for a in ancestry(d))}（{d.code}）" for d in candidates)
        if scored[0][0] > 0 and (len(scored) == 1 or scored[0][0] > scored[1][0]):
            best = scored[0][1]
            return Place(ancestry(best), printed, rest, f"“{printed}”同名区划：{listing}；按正文提及的上级区划取{best.code}", 0.7)
        return Unresolved(printed, rest, f"“{printed}”同名区划：{listing}；无从判断")
    if chain:
        full = ancestry(chain[-1])
        evidence = f"名称开头“{printed}”→ {'/'.join(d.name for d in full)}（{full[-1].code}）"
        confidence = 0.9 if len(chain) > 1 or chain[0].level == "province" else 0.85
        return Place(full, printed, rest, evidence, confidence)
    return _unlisted(name, context)


_PLACE_SUFFIX = r"(?:特别行政区|自治区|自治州|自治县|自治旗|省|州|盟|县|区|市|旗)"
_PLACE_WORD = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]{1,7}?" + _PLACE_SUFFIX)
# After the first place word, two characters at least: 城市管理局 is a department, not a place 城市.
_NEXT_PLACE_WORD = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]{2,7}?" + _PLACE_SUFFIX)


@lru_cache(maxsize=4096)
def _same_shape(length: int, last: str) -> tuple[Division, ...]:
    """Divisions whose name has this length and last character (scanned once per shape)."""
    return tuple(d for d in _index().by_code.values() if len(d.name) == length and d.name[-1] == last)


@lru_cache(maxsize=4096)
def _by_deletion(length: int, last: str) -> dict[tuple[int, str], list[int]]:
    """The divisions of a shape (their places in :func:`_same_shape`) under each (i, name without its
    i-th character): two names of one length differ in exactly the i-th character only when they
    share that key and are not equal."""
    found: dict[tuple[int, str], list[int]] = defaultdict(list)
    for n, d in enumerate(_same_shape(length, last)):
        for i in range(length):
            found[(i, d.name[:i] + d.name[i + 1:])].append(n)
    return dict(found)


def one_away(word: str) -> list[Division]:
    """The divisions whose name is ``word`` with exactly one character changed (not the last, which
    is the place word's ending), in the order of the list: a few key lookups instead of comparing
    the word with every name of its shape (a fifth of a text report's parse went there)."""
    shape = _same_shape(len(word), word[-1])
    index = _by_deletion(len(word), word[-1])
    places = sorted({n for i in range(len(word)) for n in index.get((i, word[:i] + word[i + 1:]), ())})
    return [shape[n] for n in places if shape[n].name != word]


def _unlisted(name: str, context: str) -> Unresolved | None:
    words: list[str] = []
    while match := (_NEXT_PLACE_WORD if words else _PLACE_WORD).match(name, sum(len(w) for w in words)):
        words.append(match.group(0))
    if not words:
        return None
    word = words[0]
    # Names one character away are named (not chosen) so a reader can correct an OCR slip with --meta;
    # those whose parents the text mentions first, and only a short list.
    alike = one_away(word)
    mentioned = [d for d in alike if _mentions(context, d)]
    shown = mentioned or (alike if len(alike) <= 5 else [])
    hint = "；一字之差的区划：" + "、".join(f"{d.name}（{d.code}）" for d in shown) if shown else ""
    printed = "".join(words)
    return Unresolved(printed, name[len(printed):], f"“{printed}”不在区划表中{hint}")


def _word_level(word: str) -> str | None:
    if word.endswith(("省", "自治区", "特别行政区")):
        return "province"
    if word.endswith(("自治州", "州", "盟")):
        return "city"
    if word.endswith(("县", "旗", "区")):
        return "county"
    return None  # 市: a city or a county-level city


def level_of_place_words(printed: str) -> str | None:
    """The deepest tier the endings of unlisted place words tell (临川市白鹭区 → county)."""
    levels = [_word_level(m.group(0)) for m in _PLACE_WORD.finditer(printed)]
    known = [LEVELS.index(level) for level in levels if level]
    return LEVELS[max(known)] if known else None
