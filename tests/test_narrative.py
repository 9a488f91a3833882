"""Narrative analysis: sentences, problems of section 五 and their categories, jieba keywords."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from xxgk.api import parse_file
from xxgk.normalize.narrative import (
    CATEGORY_NAMES,
    classify,
    problems,
    terms,
    tf_idf,
    units,
)
from xxgk.normalize.schema import Section

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
