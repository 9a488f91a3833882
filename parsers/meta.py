"""Metadata guesses with their evidence: title, bureau, report year, template."""

from __future__ import annotations

import re

from xxgk.parsers.labels import simplify
from xxgk.parsers.model import Evidence, Item, ParsedCell
from xxgk.template import OTHER_ROWS
from xxgk.types import TableKey

_TITLE = re.compile(
    r"^[#\s]*(?P<bureau>.*?)\s*(?P<year>(?:19|20)\d{2})\s*年\s*度?\s*"
    r"(?:政府|政务)?\s*信\s*息\s*公\s*开\s*(?:工\s*作)?\s*(?:年\s*度)?\s*(?:报\s*告|年\s*报)?"
)
# 2025年上海市人民政府办公厅政府信息公开工作年度报告: the year first, the body after it.
_YEAR_FIRST_TITLE = re.compile(
    r"^[#\s]*(?P<year>(?:19|20)\d{2})\s*年\s*度?\s*(?P<bureau>[^\d]{2,40}?)\s*(?:政府|政务)?\s*信\s*息\s*公\s*开"
)
# A body's name alone on the line above a title that starts with the year (淮安市人民政府 / 2024年…报告).
_NAME_LINE = re.compile(
    r"^[\u4e00-\u9fff（）()]{2,30}(?:人民政府|政府|办公厅|办公室|办事处|管委会|委员会|局|委|办|厅|署|部|院|中心|所|站|队|会|乡|镇|街道)$"
)
_PERIOD = re.compile(r"统计期限[^0-9]{0,12}((?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日")
_YEAR_WORK = re.compile(r"((?:19|20)\d{2})\s*年(?:度)?[，,]?\s*(?:我|全|本|在)")
_FILENAME_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
_BUREAU_TAIL = re.compile(r"(关于)?$")


_SENTENCE_PUNCT = "。，,；;:："


def _wrapped(text: str, nxt: str) -> bool:
    """Whether ``nxt`` is the rest of a title a line break cut (…工作 / 年度报告, …工作年 / 度报告,
    …政府信 / 息公开工作年度报告): short, unpunctuated, and the two make the words a title ends with."""
    rest = nxt.replace(" ", "")
    if not rest or len(rest) > 16 or any(p in rest for p in _SENTENCE_PUNCT):
        return False
    joined = (text + nxt).replace(" ", "")
    return "信息公开" in joined and joined.endswith(("报告", "年报")) and not text.replace(" ", "").endswith(("报告", "年报"))


def find_title(items: list[Item], limit: int = 25) -> tuple[str, Item | None]:
    """The report's title line, joined with the next line when it was broken (…工作 / 年度报告,
    …工作年 / 度报告, …政府信 / 息公开…)."""
    head = [i for i in items[:limit] if not i.from_grid and len(i.cells) == 1]
    for index, item in enumerate(head):
        text = simplify(item.cells[0][0]).strip()
        nxt = simplify(head[index + 1].cells[0][0]).strip() if index + 1 < len(head) else ""
        wrapped = _wrapped(text, nxt)
        if ("信息公开" not in text.replace(" ", "") and not wrapped) or len(text) > 80 or any(
            p in text for p in _SENTENCE_PUNCT
        ):
            continue  # a sentence that mentions reports is not a title
        joined = text + nxt if wrapped else text
        if ("报告" in joined or "年报" in joined) and (_TITLE.search(joined) or _YEAR_FIRST_TITLE.search(joined)):
            match = _TITLE.search(joined)
            if match and not match["bureau"].strip("# ") and index > 0:
                above = simplify(head[index - 1].cells[0][0]).strip("# ").replace(" ", "")
                if _NAME_LINE.match(above):
                    joined = above + joined.lstrip("# ")
            return joined.lstrip("# ").strip(), item
    return "", None


def bureau_and_year(title: str, text: str, filename: str) -> tuple[Evidence, Evidence]:
    bureau = Evidence(None, "", 0.0)
    year = Evidence(None, "", 0.0)
    match = _TITLE.search(title) if title else None
    if match:
        name = re.sub(r"\s+", "", match["bureau"]).strip("#：:（）() ")
        if 2 <= len(name) <= 40:
            bureau = Evidence(name, f"标题：{title}", 0.9)
        year = Evidence(int(match["year"]), f"标题：{title}", 0.95)
    elif title and (first := _YEAR_FIRST_TITLE.search(title)):
        name = re.sub(r"\s+", "", first["bureau"])
        name += "政府" if name.endswith("人民") else ""  # 人民政府信息公开: 政府 belongs to both
        bureau = Evidence(name, f"标题：{title}", 0.85)
        year = Evidence(int(first["year"]), f"标题：{title}", 0.95)
    if year.value is None:
        period = _PERIOD.search(text)
        if period:
            year = Evidence(int(period[1]), f"统计期限：{period[0]}", 0.9)
    if year.value is None:
        work = _YEAR_WORK.search(text[:3000])
        if work:
            year = Evidence(int(work[1]), f"正文：{work[0]}", 0.6)
    if year.value is None:
        found = _FILENAME_YEAR.search(filename)
        if found:
            year = Evidence(int(found[1]), f"文件名：{filename}", 0.5)
    if bureau.value is None:
        bureau = body_in_first_sentences(text)
    if bureau.value is None and filename:
        stem = re.sub(r"\.[A-Za-z0-9]+$", "", filename)
        fmatch = _TITLE.search(stem)
        if fmatch and 2 <= len(fmatch["bureau"].strip()) <= 40:
            bureau = Evidence(fmatch["bureau"].strip(), f"文件名：{filename}", 0.6)
    return bureau, year


# 2020年，周矶街道办事处全面贯彻…: a body that names itself as the subject of a sentence near the top, before
# what it did. Only a name that starts with its own place: 区政府办…, 县发展和改革局… name no body on their own.
_SUBJECT = re.compile(
    r"(?:^|[。；;\n])\s*(?:(?:19|20)\d{2}\s*年度?\s*[，,、]?\s*)?"
    r"(?P<name>[\u4e00-\u9fff（）()]{2,30}?(?:人民政府办公室|人民政府办公厅|人民政府|街道办事处|办事处|管委会|委员会|"
    r"局|委|办公室|办公厅|厅|署|院|中心|乡人民政府|镇人民政府|街道))"
    r"(?:始终|坚持|全面|认真|深入|严格|积极|紧紧|紧密|按照|围绕|高度|持续|进一步|切实|扎实|继续|立足|聚焦|不断|大力|着力|"
    r"以习近平|在[^，,。]{0,12}(?:领导|指导)下|牢固|深化|依法|贯彻|落实|推进|注重|强化|加强|共)"
)
_NOT_A_NAME_START = "我本该区县市省州全各其此在对为由根按从经于"


def body_in_first_sentences(text: str, limit: int = 1500) -> Evidence:
    """The body a sentence near the top names as its subject (2020年，周矶街道办事处全面贯彻…), or none."""
    for match in _SUBJECT.finditer(text[:limit]):
        name = re.sub(r"\s+", "", match["name"])
        if name[0] in _NOT_A_NAME_START or len(name) < 4 or any(w in name for w in ("工作", "信息", "公开", "报告")):
            continue
        said = re.sub(r"\s+", "", text[match.start(): match.end() + 6]).lstrip("。；;")
        return Evidence(name, f"正文：{said}…", 0.7)
    return Evidence(None, "", 0.0)


_TEMPLATE_2021_COLS = {"made", "repealed", "in_force", "amount_wan_yuan"}
_TEMPLATE_2019_COLS = {"new_made", "new_published", "total_published", "prev_items", "delta", "projects", "amount"}
_T3_SPLIT_OTHER = frozenset(OTHER_ROWS)  # （六）其他处理 in three rows: the 2021 template
_PRE2019_WORDS = ("申请总数", "同意公开答复", "收费及减免", "收费和减免", "不予公开信息", "依申请公开信息的情况")
# What each table's own layout shows (the evidence strings of detect_template and mixed_templates).
_T2_SAYS = {"2021": "表二列为本年制发件数/本年废止件数/现行有效件数", "2019": "表二列为本年新制作数量/上一年项目数量等"}
_T3_SAYS = {"2021": "表三（六）其他处理分三行", "2019": "表三（六）其他处理为一行"}
TEMPLATE_NAMES = {
    "2019": "2019年试行格式（国办公开办函〔2019〕60号）",
    "2021": "2021年修订格式（国办公开办函〔2021〕30号）",
}


def detect_template(cells: list[ParsedCell], text: str, year: int | None) -> Evidence:
    """The template the report follows, from the tables first, then wording, then the year."""
    # Only columns the report printed tell 表二's template: defaults we gave a header-less 表二 do not.
    t2_cols = {c.col_key for c in cells if c.table == TableKey.T2 and c.printed_column}
    t3_rows = {c.row_key for c in cells if c.table == TableKey.T3}
    votes_2021 = []
    votes_2019 = []
    if t2_cols & _TEMPLATE_2021_COLS:
        votes_2021.append(_T2_SAYS["2021"])
    if t2_cols & _TEMPLATE_2019_COLS:
        votes_2019.append(_T2_SAYS["2019"])
    if t3_rows & _T3_SPLIT_OTHER:
        votes_2021.append(_T3_SAYS["2021"])
    elif "other_handling" in t3_rows:
        votes_2019.append(_T3_SAYS["2019"])
    if "2021〕30号" in text or "2021]30号" in text:
        votes_2021.append("正文引用国办公开办函〔2021〕30号")
    if votes_2021 or votes_2019:
        if len(votes_2021) >= len(votes_2019):
            return Evidence("2021", "；".join(votes_2021 + votes_2019), len(votes_2021) / (len(votes_2021) + len(votes_2019)))
        return Evidence("2019", "；".join(votes_2019 + votes_2021), len(votes_2019) / (len(votes_2021) + len(votes_2019)))
    if any(w in text for w in _PRE2019_WORDS) or (year is not None and year < 2019):
        return Evidence("pre2019", "旧版年报用语或报告年度早于2019年", 0.7 if year and year < 2019 else 0.5)
    if year is not None:
        return Evidence("2021" if year >= 2021 else "2019", f"无表格可据，按报告年度{year}年推定", 0.4)
    return Evidence("unknown", "无表格、无年度可据", 0.0)


def mixed_templates(cells: list[ParsedCell], year: int | None) -> tuple[str, str] | None:
    """(the templates 表二 and 表三 follow, as "2019"/"2021") when they differ, else None.

    Only the tables' own layouts count, as printed (a header-less 表二's default columns do not):
    表二 by its printed columns, all of one template's; 表三 by its （六）其他处理, split
    into three rows only in 2021. 表四 is the same in both. A one-row （六） beside a 2021 表二 is a known
    2021 variant (reported as D11), so it counts as the 2019 table only in a 2019 or 2020 report, whose
    year calls for it.
    """
    t2_cols = {c.col_key for c in cells if c.table == TableKey.T2 and c.printed_column}
    t3_rows = {c.row_key for c in cells if c.table == TableKey.T3}
    is_2021, is_2019 = bool(t2_cols & _TEMPLATE_2021_COLS), bool(t2_cols & _TEMPLATE_2019_COLS)
    if is_2019 and not is_2021 and t3_rows & _T3_SPLIT_OTHER:
        return "2019", "2021"
    if is_2021 and not is_2019 and "other_handling" in t3_rows and not t3_rows & _T3_SPLIT_OTHER:
        if year in (2019, 2020):
            return "2021", "2019"
    return None


def mixed_message(t2: str, t3: str, year: int | None) -> str:
    """The D1 finding of a report whose 表二 and 表三 follow different templates, naming both."""
    message = f"表二按{TEMPLATE_NAMES[t2]}、表三按{TEMPLATE_NAMES[t3]}填报，格式混用"
    if year is not None and year >= 2019:
        message += f"；{year}年度报告应统一使用{TEMPLATE_NAMES['2021' if year >= 2021 else '2019']}"
    return f"{message}（依据：{_T2_SAYS[t2]}；{_T3_SAYS[t3]}）"
