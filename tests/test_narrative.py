"""Narrative analysis: sentences, problems of section 五 and their categories, jieba keywords."""

from __future__ import annotations

import csv
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from xxgk.api import parse_file
from xxgk.batch import run_parse
from xxgk.executors import InProcessExecutor
from xxgk.normalize.narrative import (
    CATEGORY_NAMES,
    classify,
    keyword_tokenizer,
    problems,
    prose,
    stop_words,
    terms,
    tf_idf,
    units,
)
from xxgk.normalize.schema import Section
from xxgk.parsers.items import PAGE_FOOTER
from xxgk.parsers.sections import SECTION_TITLES
from xxgk.template import COLUMN_LABELS, LABELS, T3_GROUPS

ROOT = Path(__file__).resolve().parent.parent


def _section(text: str, key: str = "problems") -> list[Section]:
    return [Section(key=key, number="五", title="五、存在的主要问题及改进情况", text=text)]


# One row per rule: a problem sentence (written for this test) and the category the rules give it.
@pytest.mark.parametrize(
    ("sentence", "category"),
    [
        ("依申请公开答复文书规范性有待提升", "依申请办理"),
        ("个别部门对复杂申请件的研判能力不足", "依申请办理"),  # 申请件 outweighs 能力
        ("政策解读形式较为单一", "解读回应"),
        ("政民互动栏目留言回复不够及时", "解读回应"),
        ("政府门户网站检索功能有待完善", "平台建设"),
        ("政务新媒体运维管理还需加强", "平台建设"),
        ("信息公开队伍人员流动性过快", "队伍培训"),
        ("工作人员业务培训不足", "队伍培训"),
        ("主动公开内容不够全面", "公开内容"),
        ("重点领域信息公开深度不够", "公开内容"),
        ("协调处理机制尚需完善", "机制建设"),
        ("考核监督制度不健全", "机制建设"),
        ("工作成效与上级要求仍有差距", "其他"),
        ("政策解读与依申请答复均有待加强", "依申请办理"),  # a tie goes to the earlier category
    ],
)
def test_category_rules(sentence: str, category: str) -> None:
    found, words = classify(sentence)
    assert found == category
    assert (found == "其他") == (not words)


def test_sentences_join_broken_lines_drop_page_numbers_and_split_enumerations() -> None:
    text = "存在的不足主要是：一是渠道\n有待拓宽，二是内容\n— 4 —\n不够丰富。\n（二）改进措施\n将进一步加强。"
    assert list(units(text)) == ["存在的不足主要是：", "一是渠道有待拓宽，", "二是内容不够丰富。", "（二）改进措施", "将进一步加强。"]


def test_problems_stop_at_the_transition_and_skip_the_introduction() -> None:
    text = ("2024年工作取得一定成效，但仍存在一些不足，主要是：答复文书规范性有待提升，政策解读形式还不够丰富。\n"
            "针对上述问题，我们将进一步加强培训，完善网站功能。")
    found = problems(_section(text))
    assert [(p.n, p.sentence, p.category) for p in found] == [
        (1, "答复文书规范性有待提升", "依申请办理"), (2, "政策解读形式还不够丰富。", "解读回应")]


def test_problems_under_headings_and_topic_labels() -> None:
    text = ("（一）存在的问题\n一是机制建设方面。目前工作认识不强。下一步将加大制度建设力度。"
            "二是平台方面。栏目更新不及时。\n（二）改进措施\n网站栏目有待整合。")
    found = problems(_section(text))
    assert [(p.sentence, p.category) for p in found] == [("目前工作认识不强。", "机制建设"), ("栏目更新不及时。", "平台建设")]


def test_problems_heading_lost_inside_another_section() -> None:
    text = "注：数据含上年结转。\n（一）上年问题的改进情况\n网站改版已完成。\n（二）本年存在的主要问题\n一是政策解读不够通俗；二是培训不足。"
    found = problems(_section(text, key="review_litigation"))
    assert [(p.section, p.category) for p in found] == [("review_litigation", "解读回应"), ("review_litigation", "队伍培训")]


# Categories of every problem sentence of 五 in the complete reports (r08 through the HTML reader, r02/r03
# through the PDF reader; r06 lost its 五 heading in conversion, its problems sit under 四).
EXPECTED = {
    "r02": {"依申请办理": 2, "机制建设": 1, "解读回应": 1, "平台建设": 1},
    "r03": {"解读回应": 1, "队伍培训": 1},
    "r04": {"解读回应": 2, "依申请办理": 1},
    "r06": {"平台建设": 2, "依申请办理": 1},
    "r08": {"解读回应": 2, "队伍培训": 1},
    "s01": {"机制建设": 1, "解读回应": 1},
}


@pytest.mark.parametrize("folder", sorted(EXPECTED))
def test_problems_of_the_corpus(corpus: Path, folder: str) -> None:
    path = next(next(corpus.glob(f"{folder}_*")).glob("source.*"))
    found = problems(parse_file(path).sections)
    assert Counter(p.category for p in found) == EXPECTED[folder]
    assert all(p.category in CATEGORY_NAMES and p.keywords for p in found)


def test_domain_terms_stay_whole() -> None:
    words = terms("深化政务公开，规范依申请公开，加强政策解读，依法收取信息处理费。")
    assert {"政务公开", "依申请公开", "政策解读", "信息处理费"} <= set(words)
    assert "的" not in words and not any(w.isdigit() for w in words)


def test_tf_idf_prefers_words_the_batch_rarely_uses() -> None:
    df = Counter({"政务公开": 10, "信息处理费": 1})
    ranked = tf_idf(Counter({"政务公开": 3, "信息处理费": 2}), df, documents=10)
    assert [w for w, _ in ranked] == ["信息处理费", "政务公开"]


def test_jieba_loads_quietly_without_warnings() -> None:
    code = "from xxgk.normalize.narrative import terms; terms('政务公开')"
    result = subprocess.run([sys.executable, "-W", "error", "-c", code], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


def test_the_fast_dictionary_load_gives_jiebas_own_dictionary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import tempfile

    import jieba

    from xxgk.normalize.segmenter import fresh_tokenizer

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    (tmp_path / "jieba.cache").write_bytes(b"not a cache")  # unreadable: jieba builds the dictionary and caches it
    built = fresh_tokenizer()
    assert (tmp_path / "jieba.cache").stat().st_size > 1_000_000
    cached = fresh_tokenizer()  # from that cache, read our way
    plain = jieba.Tokenizer()
    plain.initialize()  # from the same cache, read jieba's way
    assert built.FREQ == cached.FREQ == plain.FREQ and built.total == cached.total == plain.total
    text = "本机关依申请公开办理及时，政府信息公开工作年度报告按时发布"
    assert list(cached.cut(text)) == list(plain.cut(text))
    cached.add_word("按时发布", 100000)  # each tokenizer adds its words to its own copy of the dictionary
    again = fresh_tokenizer()
    assert "按时发布" in cached.FREQ and "按时发布" not in again.FREQ and again.FREQ == plain.FREQ


# --- prose: sections without their tables -----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # rows of label and numbers (a text copy), with the header lines above them
        ("第二十条第（一）项\n信息内容 本年制发件数 本年废止件数 现行有效件数\n规章 0 0 0\n行政规范性文件 5 1 25",
         "[表二]"),
        # one cell per line, blank cells as empty lines, cut off inside a label
        ("全年收到申请3件。\n申请人情况\n自然人\n一、本年新收政府信息公开申请数量\n3\n\n0\n三、本年度办理结果\n（二）部分公",
         "全年收到申请3件。\n[表三]"),
        # a row label with punctuation still ends in bare numbers; 表四 after 表三 in one run
        ("1. 申请人无正当理由逾期不补正, 行政机关不再处理其政府信息公开申请 9 0 0 0 0 0 9\n（七）总计 20 0 0 0 0 0 20\n"
         "行政复议\n结果维持 结果纠正 其他结果 尚未审结 总计\n0 0 0 0 0", "[表三]\n[表四]"),
        # prose that names table words, a wrapped PDF line full of 、, a heading and a signature stay
        ("全年梳理公开信息内容清理行动，清理过期信息697条。\n情况、政府信息公开行政复议和行政诉讼情况、存在的主要问题及改进情况\n"
         "（一）主动公开情况\n本单位无其他需要报告的事项。\n某县某局\n2024年1月20日",
         None),
        # the single table of a pre-2019 report
        ("指标名称 单位 数量\n一、主动公开情况 — —\n（一）主动公开政府信息数 条 356\n二、依申请公开情况 — —", "[表]"),
        # a page number alone is layout, not a table
        ("第一段。\n— 4 —\n第二段。", None),
    ],
)
def test_prose_replaces_tables_by_markers(text: str, expected: str | None) -> None:
    assert prose(text) == (text if expected is None else expected)


def _table_row(line: str) -> bool:
    """A label followed by numbers (or numbers alone): what a table row looks like in text (a page number
    such as — 7 — is not one)."""
    if PAGE_FOOTER.match(line.strip()):
        return False
    tokens = [t for t in re.split(r"[\s|\u3000]+", line.strip()) if t]
    values = 0
    while values < len(tokens) and re.fullmatch(r"[+-]?\d+(?:\.\d+)?|[-—/／－]", tokens[-1 - values]):
        values += 1
    label = " ".join(tokens[: len(tokens) - values])
    return values >= 2 or (values == 1 and bool(label) and not re.search(r"[。；，,]", label))


@pytest.fixture(scope="module")
def corpus_out(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("prose") / "out"
    run_parse([corpus], out, executor=InProcessExecutor())
    return out


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_sections_csv_of_the_corpus_holds_no_table_row(corpus_out: Path) -> None:
    sections = _rows(corpus_out / "sections.csv")
    rows = [(s["source"], line) for s in sections for line in s["text"].splitlines() if _table_row(line)]
    assert rows == []
    markers = Counter(line for s in sections for line in s["text"].splitlines() if line.startswith("[表"))
    assert markers["[表二]"] >= 10 and markers["[表三]"] >= 10 and markers["[表四]"] >= 5


# Words of the template that name what a report is about: they may be a report's keywords.
TOPICS = frozenset({
    "规章", "行政规范性文件", "行政许可", "行政处罚", "行政强制", "行政事业性收费", "政府集中采购", "国家", "秘密", "法律", "法规",
    "三安全一稳定", "第三方", "合法权益", "内部事务信息", "过程性信息", "行政执法案卷", "信访", "举报", "投诉", "出版物", "收费",
    "费用", "企业", "科研机构", "社会", "组织", "机构", "采购", "管理", "服务", "要求", "统计",
})


def _template_vocabulary() -> set[str]:
    texts = [label for table in LABELS.values() for label in table.values()]
    texts += [label for table in COLUMN_LABELS.values() for label in table.values()]
    texts += [group for group, _ in T3_GROUPS] + list(SECTION_TITLES.values())
    texts += ["第二十条第（一）项", "信息内容", "申请人情况", "自然人", "法人或其他组织", "三、本年度办理结果", "四、结转下年度继续办理",
              "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", "政府信息公开工作年度报告",
              "中华人民共和国政府信息公开条例", "本报告所列数据的统计期限自2024年1月1日起至2024年12月31日止"]
    cut = keyword_tokenizer().cut
    return {w for text in texts for w in cut(text) if len(w) >= 2 and re.search(r"[\u4e00-\u9fff]", w)} - TOPICS


def test_the_template_stop_list_holds_the_templates_words() -> None:
    assert _template_vocabulary() - stop_words() == set()
    assert not TOPICS & stop_words()


def test_top_keywords_of_the_corpus_are_no_template_words(corpus_out: Path) -> None:
    weight: Counter[str] = Counter()
    for row in _rows(corpus_out / "keywords.csv"):
        weight[row["keyword"]] += float(row["weight"])
    top = [word for word, _ in weight.most_common(20)]
    assert len(top) == 20
    assert not set(top) & (_template_vocabulary() | {"第二十条", "审结", "尚未", "表二", "表三", "表四"}), top
