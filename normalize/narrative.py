"""Narrative analysis: sentences, section keywords, and the problems section 五 states, by category.

Sentences: a section's lines are joined (PDF copies break lines mid-sentence and print page numbers
inside the text), then split after 。！？； — and after the colon that opens a list of problems, and
before each item of an enumeration (一是…，二是…).

Problems: in section 五 (or, when its heading was lost, from a stray 存在的主要问题 heading on) a
sentence is a stated problem when it says something falls short (有待/不足/不够/仍需/单一/…), is not
an announcement of improvements (下一步/将进一步/…), and is not the sentence that introduces the
list (…存在一些不足，主要是：). Everything after a transition (针对上述问题…) or an improvement heading
(（二）整改措施) is improvement, not problem. Each problem gets the category whose rule words weigh
most (CATEGORIES; ties go to the earlier category), 其他 when none is present; a sentence under a
"一是机制建设方面" label takes that label's category.

Keywords: jieba words (with the domain dictionary parsers/data/xxgk_dict.txt, so 政务公开, 依申请公开,
政策解读, 信息处理费 stay whole) minus a stop-word list, ranked by TF-IDF against the batch. The words are
cut by rjieba when the ``fast`` extra is installed — the same words, found 15× faster — else by jieba.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib.metadata import version
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING

from xxgk.normalize import segmenter, tokenizers
from xxgk.normalize.schema import Section
from xxgk.normalize.segmenter import FastTokenizer
from xxgk.normalize.tokenizers import data_lines, keyword_tokenizer
from xxgk.parsers import cellvalue, items
from xxgk.parsers.cellvalue import classify as cell_kind
from xxgk.parsers.items import PAGE_FOOTER

if TYPE_CHECKING:
    import jieba

OTHER = "其他"
# (category, {rule word: weight}). Weight 2 for words that name the topic, 1 for words that lean to it.
# Order settles ties: the more specific categories come first, the generic ones (内容, 机制) last.
CATEGORIES: tuple[tuple[str, dict[str, int]], ...] = (
    ("依申请办理", {"依申请": 2, "申请件": 2, "申请量": 2, "答复": 2, "办件": 2, "告知书": 2, "申请": 1, "文书": 1,
               "复议": 1, "诉讼": 1, "纠错": 1}),
    ("解读回应", {"解读": 2, "政民互动": 2, "互动": 2, "留言": 2, "舆情": 2, "联系群众": 2, "新闻发布": 2, "回应": 1,
              "关切": 1, "回复": 1, "咨询": 1, "诉求": 1, "宣传": 1, "参与": 1}),
    ("平台建设", {"平台": 2, "网站": 2, "门户": 2, "专栏": 2, "新媒体": 2, "公众号": 2, "专区": 2, "用户体验": 2,
              "客户端": 2, "栏目": 1, "微信": 1, "微博": 1, "渠道": 1, "检索": 1, "页面": 1, "信息化": 1, "查阅": 1}),
    ("队伍培训", {"队伍": 2, "培训": 2, "业务能力": 2, "兼职": 2, "专人": 2, "人手": 2, "人员": 1, "专业": 1,
              "意识": 1, "认识": 1, "配备": 1, "素质": 1, "能力": 1, "力量": 1, "流动性": 1}),
    ("公开内容", {"公开内容": 2, "重点领域": 2, "公开质量": 2, "数据开放": 2, "内容": 1, "主动公开": 1, "及时性": 1,
              "不及时": 1, "时效": 1, "更新": 1, "深度": 1, "广度": 1, "信息发布": 1, "政策文件": 1, "集成": 1,
              "分散": 1}),
    ("机制建设", {"机制": 2, "制度": 2, "齐抓共管": 2, "工作体系": 2, "流程": 1, "考核": 1, "监督": 1, "责任": 1,
              "统筹": 1, "协调": 1, "牵头": 1, "标准化": 1, "规范化": 1, "审查": 1, "审核": 1, "公开属性": 1, "联动": 1}),
)
CATEGORY_NAMES = (*(name for name, _ in CATEGORIES), OTHER)

_SHORTFALL = re.compile(
    r"不足|不够|有待|待加强|待提高|待完善|仍需|尚需|还需|需进一步|需要进一步|亟需|亟待|欠缺|缺乏|单一|不强|不高|不及时|"
    r"不到位|不完善|不健全|不规范|不便|不均衡|不平衡|不精准|不全面|不能满足|滞后|薄弱|松懈|偏少|较少|偏弱|较弱|差距|短板|过快|不理想"
)
_IMPROVING = re.compile(
    r"^(?:[一二三四五六七八九十]是)?[，,]?\s*(?:下一步|下步|今后|明年)"
    r"|(?<![未没不])将(?:进一步|继续|持续|加大|加强|着力|切实|始终|不断|全面|深入|积极|重点|坚持|强化|推动|推进|完善|"
    r"建立|健全|提升|提高|做好|抓好|优化|丰富|拓宽|严格|认真|围绕|按照)"
)
_TRANSITION = re.compile(r"^(?:针对|对照)(?:以上|上述|存在的?|这些|前述|此类)?(?:主要)?(?:问题|不足|短板)|^(?:为此|对此)")
_NUMBERED = re.compile(r"^\s*(?:[（(]\s*[一二三四五六七八九十]\s*[）)]|[一二三四五六七八九十]\s*[、.．])")
# Unnumbered headings: only the usual wording, so a short sentence ("二是培训不足。") is never one.
_PLAIN_HEADING = re.compile(r"^(?:存在的?(?:主要)?(?:问题|不足)|主要问题|(?:改进|整改)(?:措施|情况)|下一?步(?:工作)?(?:打算|计划|措施))")
_IMPROVEMENT_HEADING = re.compile(r"改进|整改|措施|下一步|下步|打算|计划|方向|努力")
_PROBLEM_HEADING = re.compile(r"问题|不足|短板")
_TOPIC = re.compile(r"^[一二三四五六七八九十]是(?P<topic>.{2,12}?)(?:方面|问题)[。.．]?$")
_ENUMERATION = re.compile(r"^[（(]?[一二三四五六七八九十][是）)]")
_INTRO = re.compile(r"问题|不足|短板|表现|如下|方面|主要是|不少|差距")
_SENTENCE_END = re.compile(r"(?<=[。！？!?；;])")
_HEADING_PUNCT = re.compile(r"[。；;，,:：]")  # a heading holds none of them
_ENUM_SPLIT = re.compile(r"(?<=[，,、])(?=[二三四五六七八九十]是)")


@dataclass(frozen=True, slots=True)
class Problem:
    section: str
    n: int
    sentence: str
    category: str
    keywords: tuple[str, ...]


def _is_heading(line: str) -> bool:
    core = line.strip().rstrip("。.．:：")
    if len(core) > 40 or _HEADING_PUNCT.search(core):
        return False
    return bool(_NUMBERED.match(core)) or (len(core) <= 16 and bool(_PLAIN_HEADING.match(core)))


def units(text: str) -> Iterator[str]:
    """Headings and sentences in reading order, lines broken by PDF copies joined again."""
    paragraph = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not line or PAGE_FOOTER.match(line):
            continue
        if _is_heading(line):
            yield from _sentences(paragraph)
            paragraph = ""
            yield line
        else:
            paragraph += line
    yield from _sentences(paragraph)


def _sentences(paragraph: str) -> Iterator[str]:
    for sentence in _SENTENCE_END.split(paragraph):
        head, colon, rest = sentence.partition("：") if "：" in sentence else sentence.partition(":")
        if colon and rest and _INTRO.search(head):
            yield head + colon
            items = [p for p in _ENUM_SPLIT.split(rest) if p.strip()]
            if len(items) == 1 and not _ENUMERATION.match(rest):
                items = _comma_list(rest)
            yield from (item.strip() for item in items)
        else:
            yield from (p.strip() for p in _ENUM_SPLIT.split(sentence) if p.strip())


def _comma_list(text: str) -> list[str]:
    """'A不足，B有待提升，C尚需完善。' → three problems, when every piece states one; else the whole."""
    pieces = [p for p in re.split(r"(?<=[，,])", text) if p.strip()]
    if len(pieces) > 1 and all(_SHORTFALL.search(p) for p in pieces):
        return pieces
    return [text]


def classify(sentence: str) -> tuple[str, tuple[str, ...]]:
    """The category a problem sentence belongs to, with the rule words that decided it."""
    best, best_score = OTHER, 0
    best_words: tuple[str, ...] = ()
    for name, words in CATEGORIES:
        found = tuple(w for w in words if w in sentence)
        score = sum(words[w] for w in found)
        if score > best_score:
            best, best_score, best_words = name, score, found
    return best, best_words


def problem_text(sections: Iterable[Section]) -> tuple[str, str] | None:
    """(section key, text) holding the stated problems: section 五, else the text from a stray
    problems heading on (the heading of 五 lost in conversion leaves its text inside 四 or 六)."""
    sections = list(sections)
    for section in sections:
        if section.key == "problems":
            return section.key, section.text
    for section in sections:
        if section.key in ("review_litigation", "other", "requests"):
            lines = section.text.splitlines()
            for index, line in enumerate(lines):
                if _is_heading(line) and _PROBLEM_HEADING.search(line):
                    return section.key, "\n".join(lines[index:])
    return None


def problems(sections: Iterable[Section]) -> list[Problem]:
    """The problems a report states in 五, each with its category (rules in the module docstring)."""
    found = problem_text(sections)
    if found is None:
        return []
    key, text = found
    improving = False
    topic: str | None = None
    result: list[Problem] = []
    for unit in units(text):
        if _is_heading(unit):
            improving = bool(_IMPROVEMENT_HEADING.search(unit)) or not _PROBLEM_HEADING.search(unit)
            topic = None
            continue
        if improving or _TRANSITION.match(unit):
            improving = True
            continue
        if unit.endswith((":", "：")) or _IMPROVING.search(unit):
            continue
        label = _TOPIC.match(unit)
        if label:
            topic = classify(label["topic"])[0]
            continue
        if _ENUMERATION.match(unit):
            topic = None
        if not _SHORTFALL.search(unit):
            continue
        category, words = classify(unit)
        if topic and topic != OTHER:
            category, words = topic, tuple(w for w in dict(CATEGORIES)[topic] if w in unit) or words
        result.append(Problem(key, len(result) + 1, unit.rstrip("，,；;"), category, words))
    return result


# --- prose: the sections without their tables ---------------------------------------------------

# Words that make a line part of a statistics table (a header or row label of 表二/表三/表四) and say which.
_TABLE_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("表二", ("第二十条", "信息内容", "本年制发", "本年废止", "现行有效", "本年新制作", "本年新公开", "对外公开总数量",
             "上一年项目数量", "本年增/减", "处理决定数量", "本年收费金额", "采购项目数量", "采购总金额", "规章",
             "规范性文件", "行政许可", "行政处罚", "行政强制", "行政事业性收费", "政府集中采购", "其他对外管理服务事项")),
    ("表四", ("结果维持", "结果纠正", "其他结果", "尚未审结", "未经复议直接起诉", "复议后起诉", "行政复议", "行政诉讼", "审结")),
    ("表三", ("申请人情况", "勾稽关系", "本年新收", "上年结转", "本年度办理结果", "自然人", "法人或其他组织", "商业企业",
             "科研机构", "社会公益组织", "法律服务机构", "予以公开", "部分公开", "不予公开", "无法提供", "不予处理",
             "其他处理", "结转下年度", "总计", "国家秘密", "三安全一稳定", "第三方合法权益", "内部事务", "过程性信息",
             "行政执法案卷", "不予公开", "现成信息", "补正后", "信访举报投诉", "重复申请", "公开出版物", "无正当理由",
             "确认或重新出具", "逾期未按收费", "其他")),
)
# A line that heads a table whatever punctuation it holds (勾稽关系's note has commas), or its title.
_TABLE_HEAD = re.compile(
    r"^[#\s|（(]*(?:第二十条|信息内容|申请人情况|指标名称|表[二三四]\s*[：:])|^.{0,12}本列数据的勾稽关系")
# The tables of the reports before 2019 (one table of 指标名称 单位 数量), marked [表].
_PRE2019_TABLE = re.compile(r"指标名称|收到申请数|主动公开政府信息数")
_TOKEN_SPLIT = re.compile(r"[\s|\u3000]+")
_BRACKETED = re.compile(r"[（(][^（()）]*[）)]")
_OPEN_NOTE = re.compile(r"[（(][^（()）]*$")
_CLOSED_NOTE = re.compile(r"^[^（()）]*[）)]")
_NUMBERED_LABEL = re.compile(r"^\s*(?:\d+\s*[.．、]|[（(][一二三四五六七八九十]+[）)]|[一二三四五六七八九十]、)")
_PROSE_PUNCT = re.compile(r"[。；;！!？?，,：:]")
_LIST_PUNCT = re.compile(r"[。；;！!？?，,：:、]")
TABLE_MARKER = re.compile(r"^\[表[二三四]?\]$")


def _line_kind(line: str) -> str:
    """blank · cells (one or two values alone) · row (a label and its values, or three values or more) · head ·
    label (short, unpunctuated) · prose."""
    text = line.strip()
    if not text.strip("| "):
        return "blank"
    if PAGE_FOOTER.match(text) and not text.isdigit():
        return "blank"  # — 4 —; a bare number may be a page's or a cell's, its neighbours tell
    # str.split() splits at the whitespace \s matches (str.isspace): the pattern is needed for pipes only.
    tokens = [t for t in _TOKEN_SPLIT.split(text) if t] if "|" in text else text.split()
    values = 0
    while values < len(tokens) and cell_kind(tokens[-1 - values])[0] != "text":  # is_value, without its call
        values += 1
    if values == len(tokens):
        return "row" if values >= 3 else "cells"  # a row whose label stands on another line
    core = _unbracketed(text)
    if _TABLE_HEAD.match(text) or (not _LIST_PUNCT.search(core) and _two_words_in(text)):
        return "head"
    if values >= 3 or (values and not _PROSE_PUNCT.search(_unbracketed(" ".join(tokens[: len(tokens) - values])))):
        return "row"  # prose never ends in a run of bare numbers (the label is read only when values end the line)
    if len(core) <= 40 and not _PROSE_PUNCT.search(core):
        return "label"
    return "prose"


def _unbracketed(text: str) -> str:
    """The text without its bracketed notes, also one a line break left open (（区分处理的，只计这一情 / 形）)."""
    if "（" not in text and "(" not in text and "）" not in text and ")" not in text:  # nothing for them to take
        return text
    text = _BRACKETED.sub("", text)
    return _OPEN_NOTE.sub("", _CLOSED_NOTE.sub("", text))


_EVERY_TABLE_WORD = tuple(dict.fromkeys(w for _, words in _TABLE_WORDS for w in words))  # once each (不予公开 is twice)
# Per table, a search for any of its words: one pass of the line instead of one per word.
_ANY_TABLE_WORD = tuple((name, re.compile("|".join(map(re.escape, words)))) for name, words in _TABLE_WORDS)


# The table words by their first character: a word can be in a line only if its first character is.
_TABLE_WORDS_BY_FIRST: dict[str, tuple[str, ...]] = {
    first: tuple(w for w in _EVERY_TABLE_WORD if w[0] == first) for first in dict.fromkeys(w[0] for w in _EVERY_TABLE_WORD)
}
_FIRST_CHARACTERS = frozenset(_TABLE_WORDS_BY_FIRST)


def _two_words_in(line: str) -> bool:
    """Whether the line holds two different table words or more: only the words whose first character the
    line holds are looked for (tests/test_fast_paths.py keeps the plain scan of every word)."""
    found = 0
    for first in _FIRST_CHARACTERS.intersection(line):
        for word in _TABLE_WORDS_BY_FIRST[first]:
            if word in line:
                found += 1
                if found == 2:
                    return True
    return False


def _tables_named(lines: list[str]) -> list[str]:
    """The tables a run of lines holds, in their order (表二 … 表四: a word of 表三 after 表四, such as
    总计, is 表四's), by their header and row words."""
    if any(_PRE2019_TABLE.search(line) for line in lines):
        return ["表"]
    found: list[str] = []
    for line in lines:
        for name, any_word in _ANY_TABLE_WORD:
            if any_word.search(line):
                if not found or name > found[-1]:
                    found.append(name)
                break
    return found or ["表"]


# A parse worker reads each section's prose twice: for its keywords, then for sections.csv's rows.
@lru_cache(maxsize=64)
def prose(text: str) -> str:
    """A section's text with every statistics table printed inside it (rows of labels and numbers, one
    cell per line, header lines) replaced by one marker line per table, ``[表二]`` ``[表三]`` ``[表四]``
    (``[表]`` when its words name none). A run of non-prose lines is a table when it holds a header
    line (第二十条, 勾稽关系, 信息内容, 申请人情况), a row (a label followed by values) or two lines of bare
    values; short unpunctuated lines at its edges stay prose unless they are table words (a heading, a
    signature, a line a PDF wrapped)."""
    lines = text.split("\n")
    kinds = [_line_kind(line) for line in lines]
    out: list[str] = []
    index = 0
    while index < len(lines):
        if kinds[index] == "prose":
            out.append(lines[index])
            index += 1
            continue
        end = index
        while end < len(lines) and kinds[end] != "prose":
            end += 1
        out.extend(_table_run(lines[index:end], kinds[index:end], end == len(lines)))
        index = end
    return "\n".join(out)


def _table_run(lines: list[str], kinds: list[str], ends_text: bool) -> list[str]:
    strong = sum(1 for k in kinds if k in ("head", "row"))
    if not strong and sum(1 for k in kinds if k == "cells") < 2:
        return lines
    worded = {name for name, _ in _TABLE_WORDS}
    in_table = [kind in ("head", "row", "cells") or (kind == "label" and _tables_named([line])[0] in worded)
                for line, kind in zip(lines, kinds, strict=True)]
    first = in_table.index(True)
    last = len(in_table) - 1 - in_table[::-1].index(True)
    if ends_text:  # a copy cut off inside the table ends on a fragment of a label (1. / 三、本年度)
        while last + 1 < len(lines) and (kinds[last + 1] == "blank" or _NUMBERED_LABEL.match(lines[last + 1])):
            last += 1
    markers = [f"[{name}]" for name in _tables_named(lines[first: last + 1])]
    return [*lines[:first], *markers, *lines[last + 1:]]


# --- keywords ------------------------------------------------------------------------------------


@cache
def stop_words() -> frozenset[str]:
    """stopwords.txt (function words, connectives) and template_words.txt (the template's own vocabulary:
    headings, table labels, the title and the boilerplate every report prints)."""
    return frozenset(data_lines("stopwords.txt")) | frozenset(data_lines("template_words.txt"))


_CHINESE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")


def terms(text: str, tk: FastTokenizer | jieba.Tokenizer | None = None) -> Counter[str]:
    """Word counts of a text: Chinese jieba words of two or more characters, stop words left out.
    ``tk``: the tokenizer to cut with (default :func:`keyword_tokenizer`)."""
    stop = stop_words()
    cut = (tk or keyword_tokenizer()).cut
    # Every word counted, then the words tested: once each, not once per occurrence (the same counts, in
    # the same order: that of each kept word's first occurrence).
    counted = Counter(cut(text))
    if len(_KEPT) > _KEPT_LIMIT:
        _KEPT.clear()
    kept: dict[str, int] = {}
    for word, n in counted.items():
        keep = _KEPT.get(word)
        if keep is None:  # a word is tested the first time it is met, not in every section it is in
            keep = _KEPT[word] = len(word.strip()) >= 2 and word not in stop and _CHINESE.search(word) is not None
        if keep:
            kept[word] = n
    return Counter(kept)


# Whether :func:`terms` keeps each word it has met (its verdict depends on the word alone); bounded, as a
# long batch's segmenter finds new words.
_KEPT: dict[str, bool] = {}
_KEPT_LIMIT = 200_000


def section_terms(sections: Iterable[Section]) -> list[tuple[str, Counter[str]]]:
    """Each section's word counts, from its prose (:func:`prose`: tables left out; sections without words
    left out): what its keywords are scored from."""
    return [(section.key, counts) for section in sections if (counts := terms(_without_markers(prose(section.text))))]


def _without_markers(text: str) -> str:
    return "\n".join(line for line in text.split("\n") if not TABLE_MARKER.match(line))


@cache
def terms_version() -> str:
    """Changes whenever the words :func:`terms` finds could: this code, its dictionary, its stop words,
    the segmenter and its version, and the parse's cell values and page numbers :func:`prose` reads lines by."""
    engine = segmenter.keyword_engine()
    digest = hashlib.sha256(Path(__file__).read_bytes() + Path(segmenter.__file__).read_bytes())
    digest.update(Path(tokenizers.__file__).read_bytes())
    digest.update(Path(cellvalue.__file__).read_bytes() + Path(items.__file__).read_bytes())
    digest.update(f"{engine} {version(engine)}".encode())
    for name in ("xxgk_dict.txt", "stopwords.txt", "template_words.txt"):
        digest.update(files("xxgk.parsers").joinpath(f"data/{name}").read_bytes())
    return digest.hexdigest()[:16]


def tf_idf(counts: Counter[str], df: Counter[str], documents: int, top: int = 10) -> list[tuple[str, float]]:
    """The top words of one document: term frequency × smoothed inverse document frequency."""
    total = sum(counts.values())
    if not total:
        return []
    scored = ((w, c / total * (math.log((1 + documents) / (1 + df[w])) + 1)) for w, c in counts.items())
    return sorted(scored, key=lambda x: (-x[1], x[0]))[:top]
