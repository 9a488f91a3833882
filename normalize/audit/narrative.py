"""X-TEXT (D7): the counts the narrative states agree with the tables and with each other.

Each sentence is cut into clauses and segmented (rjieba when installed, else jieba: the same words,
normalize/segmenter.py chinese_words), so that the number is tied to the noun
it counts: “收到政府信息公开申请17件” counts applications, “收到意见建议17条” does not. A count of
received applications may be the year's new ones (表三 一) or those plus last year's carried over
(一+二): either is accepted. 主动公开 N 条 has no counterpart in the tables and is compared only
between sentences. Sub-counts (其中…, 自然人…), comparisons with last year and clauses that name
复议 and 诉讼 together are not read, rather than read wrongly. A sentence that yields several different
numbers for the same count (收到申请12件，收到申请15件…) cannot be pinned to one: unless every reading
agrees with the tables, it is reported once as unreadable (P-TEXT, info) and compared with nothing —
never as one contradiction per reading.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from xxgk.normalize.audit.registry import Subject, report_check
from xxgk.normalize.audit.text import SECTION_ORDER, section, sentences
from xxgk.normalize.checks import CellIndex
from xxgk.normalize.schema import Finding, Number, Report
from xxgk.normalize.segmenter import chinese_words
from xxgk.normalize.tokenizers import statement_jieba, statement_rjieba
from xxgk.parsers.sections import SECTION_TITLES
from xxgk.types import Severity, TableKey

UNITS = frozenset({"件", "条", "个", "起", "宗"})
RECEIVED = frozenset({"收到", "受理", "新收", "接收", "共收", "接到", "收"})
COMPLETED = frozenset({"办结", "答复", "办理", "已办理", "办理完毕", "处理完毕", "完成"})
OTHER_NOUNS = (
    "意见", "建议", "留言", "咨询", "来信", "诉求", "投诉", "举报", "信件", "提案", "议案", "来电", "热线", "规章", "文件", "政策",
)
SUBCOUNT = frozenset({"其中", "自然人", "法人", "企业", "组织", "同比", "较", "比", "增长", "下降", "增加", "减少", "占",
                      "当面", "网络", "网上", "信函", "传真", "电子邮件", "邮寄"})
LAST_YEAR = ("上年", "上一年", "去年", "前一年")
NEXT_YEAR = ("下年", "下一年", "次年", "下一年度")
NEGATION = frozenset({"未", "没有", "无", "均未", "尚未", "未曾"})
_OTHER_NOUN = re.compile("|".join(map(re.escape, OTHER_NOUNS)))  # one pass over a token for any of them
_COUNT = re.compile(r"\d\s*[件条个起宗]")
_NONE = re.compile(r"(?:未|没有|无)[^，,；;]*(?:申请|复议|诉讼)")

KEYS: dict[str, str] = {
    "received": "收到申请",
    "completed": "办结申请",
    "carried_over": "上年结转申请",
    "carried_forward": "结转下年度申请",
    "admin_review": "行政复议",
    "admin_litigation": "行政诉讼",
    "active": "主动公开政府信息",
}


Words = Callable[[str], list[str]]


def words(clause: str, cut: Words | None = None) -> list[str]:
    """The clause's words, spaces left out. ``cut``: what cuts its Chinese runs (default rjieba's
    when installed, else jieba's)."""
    if cut is None:
        fast = statement_rjieba()
        cut = fast.cut if fast is not None else statement_jieba().lcut
    return chinese_words(clause, cut)


@dataclass(frozen=True, slots=True)
class Statement:
    key: str
    value: int
    sentence: str
    section: str


_CLAUSE_END = re.compile(r"[，,、：:（）()；;。！？!?“”]")
_PARTS = re.compile(r"[，,；;。！？!?]")  # what a statement of none reaches over: 、 does not end it


def clauses(text: str) -> list[str]:
    return [c for c in _CLAUSE_END.split(text) if c]


def statements_in(sentence: str, section_key: str, about_applications: bool = False,
                  cut: Words = words) -> list[Statement]:
    """Every count the sentence states, with what it counts. `about_applications`: the sentence
    before spoke of applications, so “共办理718件” continues it. ``cut``: a clause's words, spaces
    left out (tests give the reference ways)."""
    found: list[Statement] = []
    # A clause or part is a piece of the sentence: a sentence with no count nor denial in it has none in them.
    counts, denies = _COUNT.search(sentence) is not None, _NONE.search(sentence) is not None
    if not counts and not denies:
        return found  # most sentences
    about_applications = about_applications or "申请" in sentence
    for clause in clauses(sentence) if counts else ():
        if not _COUNT.search(clause):
            continue  # segmenting is the slow part: only clauses that state a count
        tokens = cut(clause)
        for index, token in enumerate(tokens[:-1]):
            if token.isdigit() and tokens[index + 1] in UNITS:
                key = _counted(tokens[:index], tokens[index + 2: index + 5], about_applications)
                if key is not None:
                    found.append(Statement(key, int(token), sentence, section_key))
    # A statement of none reaches over 、 (未发生…行政复议、行政诉讼 denies both), and yields to a count
    # the same sentence gives (收到申请12件，…，未收到传真申请 speaks of one channel).
    counted = {s.key for s in found}
    for part in _PARTS.split(sentence) if denies else ():
        if not _NONE.search(part):
            continue
        for key in _stated_none(cut(part)):
            if key not in counted:
                found.append(Statement(key, 0, sentence, section_key))
    return found


def _counted(before: list[str], after: list[str], about_applications: bool) -> str | None:
    """What the number right after `before` counts, from the nearest cues before it (or the noun
    just after it: 收到17件政府信息公开申请)."""
    text = "".join(before)
    if not SUBCOUNT.isdisjoint(before) or (any(m in text for m in LAST_YEAR) and "结转" not in text):
        return None
    review, litigation = "复议" in text, "诉讼" in text
    if review or litigation:
        return None if review and litigation else ("admin_review" if review else "admin_litigation")
    if "结转" in text:
        last = max(text.rfind(m) for m in LAST_YEAR)
        if last >= 0 and last < text.rfind("结转"):
            return "carried_over"
        return "carried_forward" if any(m in text for m in NEXT_YEAR) or "结转" in before[-2:] else None
    noun = _nearest_noun(before) or _nearest_noun(list(reversed(after)))
    if noun == "application":
        if not RECEIVED.isdisjoint(before):
            return "received"
        if not COMPLETED.isdisjoint(before):
            return "completed"
        return None
    if noun is None and about_applications and before and before[-1] in COMPLETED | {"共办理", "共答复"}:
        return "completed"  # 共办理718件: the sentence is about applications
    if noun == "information" and "主动公开" in text:
        return "active"
    return None


def _nearest_noun(tokens: list[str]) -> str | None:
    for index in range(len(tokens) - 1, -1, -1):
        token = tokens[index]
        if "申请" in token and token != "申请人":
            return "application"
        if _OTHER_NOUN.search(token):
            return "other"
        if token.endswith("信息"):
            # 依申请公开信息3条 counts applications; 政府信息61条 counts information
            return "application" if index and "申请" in tokens[index - 1] else "information"
    return None


def _stated_none(tokens: list[str]) -> list[str]:
    """未收到政府信息公开申请 → none received; 未发生…行政复议、行政诉讼 → none of either
    (but 未发生…被复议纠错 says nothing about how many were filed)."""
    text = "".join(tokens)
    if not any(t in NEGATION for t in tokens) or any(w in text for w in ("纠错", "纠正", "败诉")) or any(
        t in SUBCOUNT for t in tokens
    ):
        return []
    first_negation = next(i for i, t in enumerate(tokens) if t in NEGATION)
    rest = tokens[first_negation + 1:]
    rest_text = "".join(rest)
    keys = []
    if any(t in RECEIVED for t in rest) and "申请" in rest_text:
        keys.append("received")
    if "复议" in rest_text:
        keys.append("admin_review")
    if "诉讼" in rest_text:
        keys.append("admin_litigation")
    return keys


def statements(report: Report, cut: Words = words) -> list[Statement]:
    found: list[Statement] = []
    for key in SECTION_ORDER:
        part = section(report, key)
        if part is not None:
            previous = ""
            for sentence in sentences(part.text):
                found.extend(statements_in(sentence, key, "申请" in previous, cut))
                previous = sentence
    return found


def table_values(index: CellIndex, key: str) -> tuple[list[tuple[Number, str]], str, list[str]]:
    """(acceptable values with how they are made, table description, cells compared) for a key."""
    def t3(row: str) -> Number | None:
        return index.value(TableKey.T3, row, "total")

    def t4(row: str) -> Number | None:
        return index.value(TableKey.T4, row, "total")

    if key == "received":
        new, carried = t3("new_requests"), t3("carried_over")
        options = [(new, "表三“一、本年新收政府信息公开申请数量”总计")] if new is not None else []
        if new is not None and carried is not None:
            options.append((new + carried, "加“二、上年结转政府信息公开申请数量”"))
        return options, "表三", ["table3.new_requests.total", "table3.carried_over.total"]
    if key in ("completed", "carried_over", "carried_forward"):
        row = {"completed": "total_processed", "carried_over": "carried_over", "carried_forward": "carried_forward"}[key]
        label = {"completed": "（七）总计", "carried_over": "二、上年结转政府信息公开申请数量",
                 "carried_forward": "四、结转下年度继续办理"}[key]
        value = t3(row)
        return ([(value, f"表三“{label}”总计")] if value is not None else []), "表三", [f"table3.{row}.total"]
    if key == "admin_review":
        value = t4("review")
        return ([(value, "表四 行政复议总计")] if value is not None else []), "表四", ["table4.review.total"]
    if key == "admin_litigation":
        direct, after = t4("litigation_direct"), t4("litigation_after_review")
        options = [(direct + after, "表四 行政诉讼（未经复议直接起诉+复议后起诉）总计")] if direct is not None and after is not None else []
        return options, "表四", ["table4.litigation_direct.total", "table4.litigation_after_review.total"]
    return [], "", []


def _where(statement: Statement) -> str:
    return f"第{SECTION_TITLES[statement.section].split('、')[0]}部分"


def _quote(sentence: str, limit: int = 80) -> str:
    return sentence if len(sentence) <= limit else sentence[: limit - 1] + "…"


def _pinned(stated: list[Statement]) -> tuple[list[Statement], list[list[Statement]]]:
    """The statements whose sentence gives one number for their count, and the groups (one per sentence)
    that give several."""
    by_sentence: dict[str, list[Statement]] = {}
    for statement in stated:
        by_sentence.setdefault(statement.sentence, []).append(statement)
    single = [s for group in by_sentence.values() if len({x.value for x in group}) == 1 for s in group]
    several = [group for group in by_sentence.values() if len({x.value for x in group}) > 1]
    return single, several


@report_check("X-TEXT")
def narrative_vs_tables(subject: Subject) -> Iterator[Finding]:
    report = subject.report
    if report.status in ("failed", "skipped"):
        return
    index = CellIndex(report.cells)
    by_key: dict[str, list[Statement]] = {}
    for statement in statements(report):
        by_key.setdefault(statement.key, []).append(statement)
    for key, all_stated in by_key.items():
        options, table, cells = table_values(index, key)
        table_name = {"表三": TableKey.T3, "表四": TableKey.T4}.get(table, "")
        stated, several = _pinned(all_stated)
        for group in several:
            readings = list(dict.fromkeys(s.value for s in group))
            if options and all(any(v == value for value, _ in options) for v in readings):
                continue  # 新收95件…共收到98件: each reading is one the tables allow
            yield Finding(
                code="P-TEXT", severity=Severity.INFO,
                message=f"{_where(group[0])}“{_quote(group[0].sentence)}”中{KEYS[key]}有{len(readings)}种读法"
                f"（{'、'.join(map(str, readings))}），无法确定所指，未作核对",
                evidence={"stated": readings, "sentence": group[0].sentence, "key": key},
            )
        if options:
            reported: set[int] = set()
            for statement in stated:
                if any(statement.value == value for value, _ in options) or statement.value in reported:
                    continue
                reported.add(statement.value)
                said = "、".join(f"{how}为{value}" for value, how in options)
                primary = cells[0].split(".")
                yield Finding(
                    code="X-TEXT", severity=Severity.WARNING, table=table_name, row_key=primary[1], col_key=primary[2],
                    message=f"{_where(statement)}“{_quote(statement.sentence)}”称{KEYS[key]}{statement.value}，而{said}，不一致",
                    evidence={"stated": statement.value, "table": [str(v) for v, _ in options], "highlight": cells,
                              "sentence": statement.sentence},
                )
        elif len({s.value for s in stated}) > 1:
            values = "；".join(f"{_where(s)}“{_quote(s.sentence, 40)}”（{s.value}）" for s in stated)
            yield Finding(
                code="X-TEXT", severity=Severity.WARNING,
                message=f"正文前后所述{KEYS[key]}数量不一致：{values}",
                evidence={"stated": sorted({s.value for s in stated})},
            )
