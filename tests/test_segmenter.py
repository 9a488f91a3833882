"""rjieba (the ``fast`` extra) finds jieba's keyword words: jieba stays the reference.

Compared on the words :func:`terms` counts — of two or more characters, one of them Chinese (jieba
yields a CJK extension character alone, rjieba a space for it) — on every section of
every report of the corpus and the fixtures, and on strings built to meet the places the two differ
(characters jieba does not cut, digits and Latin letters inside Chinese, the domain dictionary).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import pytest

from xxgk.api import parse_file
from xxgk.normalize.narrative import fast_tokenizer, keyword_tokenizer, terms, tokenizer

ROOT = Path(__file__).resolve().parent.parent
_CHINESE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")


def _words(cut: Iterable[str]) -> list[str]:
    return [w for w in cut if len(w.strip()) >= 2 and _CHINESE.search(w)]


def _fast():  # type: ignore[no-untyped-def]
    fast = fast_tokenizer()
    assert fast is not None, "rjieba is part of the test extra: pip install -e '.[test]'"
    return fast


def _section_texts(paths: Iterable[Path]) -> list[tuple[str, str]]:
    return [(f"{path.parent.name}/{section.key}", section.text) for path in paths for section in parse_file(path).sections]


def _assert_same(texts: list[tuple[str, str]]) -> None:
    fast, reference = _fast(), tokenizer()
    assert texts
    for name, text in texts:
        assert _words(fast.cut(text)) == _words(reference.cut(text)), name
        assert terms(text, fast) == terms(text, reference), name


def test_same_words_as_jieba_on_the_corpus(corpus: Path) -> None:
    _assert_same(_section_texts(sorted(corpus.glob("*/source.*"))))


def test_same_words_as_jieba_on_the_fixtures() -> None:
    _assert_same(_section_texts(sorted(ROOT.glob("fixtures/**/source.*"))))


@pytest.mark.parametrize("text", [
    "本机㐀关未收取信息公开处理费",  # CJK extension A: jieba does not cut it, so 本机 and 关未… are apart
    "信息内容 本年𠀀处理决定数量",  # CJK extension B
    "政府豈信息公开",  # a compatibility ideograph
    "鿖鿕鿗政务公开",  # past jieba's range (U+9FD5)
    "联系电话：0000-7654321，地址：青禾路12号",  # digits and hyphens, kept whole by rjieba
    "2021年收到政府信息公开申请12件，其中A级3件、C++类2件，增长2.5%",
    "20.15年Ⅱ2.5%未收到信息公开的申请和未涉及“不予公开”的政府㐀.信息。",
    "深化政务公开，规范依申请公开，加强政策解读，依法收取信息处理费。",  # the domain dictionary
    "第二十条第（六）项\n信息内容\t本年处理决定数量\r\n行政许可  44x-y7228",
    "ａｂｃ政府信息公开ＡＢＣ１２３工作年度报告の한국어",
])
def test_same_words_as_jieba_where_they_could_differ(text: str) -> None:
    assert _words(_fast().cut(text)) == _words(tokenizer().cut(text))


def test_the_domain_dictionary_holds_with_either_engine() -> None:
    text = "深化政务公开，规范依申请公开，加强政策解读，依法收取信息处理费。"
    for tk in (_fast(), tokenizer()):
        assert {"政务公开", "依申请公开", "政策解读", "信息处理费"} <= set(terms(text, tk))


def test_keywords_are_cut_by_rjieba_when_installed() -> None:
    assert keyword_tokenizer() is _fast()
