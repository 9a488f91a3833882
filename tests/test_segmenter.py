"""rjieba (the ``fast`` extra) finds jieba's keyword words, and cuts X-TEXT's clauses into jieba's
words: jieba stays the reference.

Compared on the words :func:`terms` counts — of two or more characters, one of them Chinese (jieba
yields a CJK extension character alone, rjieba a space for it) — on every section of
every report of the corpus and the fixtures, and on strings built to meet the places the two differ
(characters jieba does not cut, digits and Latin letters inside Chinese, the domain dictionary).
"""

from __future__ import annotations

import os
import re
import signal
import sys
from collections.abc import Iterable
from functools import cache
from pathlib import Path

import pytest

from xxgk.api import parse_file
from xxgk.normalize import tokenizers
from xxgk.normalize.audit import narrative as audit
from xxgk.normalize.audit.text import SECTION_ORDER, sentences
from xxgk.normalize.narrative import terms
from xxgk.normalize.segmenter import chinese_words
from xxgk.normalize.tokenizers import keyword_jieba, keyword_rjieba, keyword_tokenizer, statement_jieba, statement_rjieba

ROOT = Path(__file__).resolve().parent.parent
_parsed = cache(parse_file)  # each report parsed once for the keywords' and the statements' comparisons
_CHINESE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")


def _words(cut: Iterable[str]) -> list[str]:
    return [w for w in cut if len(w.strip()) >= 2 and _CHINESE.search(w)]


def _fast():  # type: ignore[no-untyped-def]
    fast = keyword_rjieba()
    assert fast is not None, "rjieba is part of the test extra: pip install -e '.[test]'"
    return fast


def _section_texts(paths: Iterable[Path]) -> list[tuple[str, str]]:
    return [(f"{path.parent.name}/{section.key}", section.text) for path in paths for section in _parsed(path).sections]


def _assert_same(texts: list[tuple[str, str]]) -> None:
    fast, reference = _fast(), keyword_jieba()
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
    assert _words(_fast().cut(text)) == _words(keyword_jieba().cut(text))


def test_the_domain_dictionary_holds_with_either_engine() -> None:
    text = "深化政务公开，规范依申请公开，加强政策解读，依法收取信息处理费。"
    for tk in (_fast(), keyword_jieba()):
        assert {"政务公开", "依申请公开", "政策解读", "信息处理费"} <= set(terms(text, tk))


def test_keywords_are_cut_by_rjieba_when_installed() -> None:
    assert keyword_tokenizer() is _fast()


# --- X-TEXT's clauses -----------------------------------------------------------------------------


def _jieba_whole(clause: str) -> list[str]:
    """How X-TEXT cut a clause before: jieba given the whole clause (the reference)."""
    return [t for t in statement_jieba().lcut(clause) if t.strip()]


def _jieba_runs(clause: str) -> list[str]:
    return chinese_words(clause, statement_jieba().lcut)


def _rjieba_runs(clause: str) -> list[str]:
    fast = statement_rjieba()
    assert fast is not None, "rjieba is part of the test extra: pip install -e '.[test]'"
    return chinese_words(clause, fast.cut)


def _sentences(paths: Iterable[Path]) -> list[tuple[str, str, bool]]:
    """Every sentence X-TEXT reads, with its section and whether the one before spoke of applications."""
    found = []
    for path in paths:
        report = _parsed(path)
        for key in SECTION_ORDER:
            for section in (s for s in report.sections if s.key == key):
                previous = ""
                for sentence in sentences(section.text):
                    found.append((sentence, key, "申请" in previous))
                    previous = sentence
    return found


def _assert_same_statements(found: list[tuple[str, str, bool]]) -> None:
    """rjieba and jieba cut the same Chinese runs into the same words (so the statements are the same
    by construction), and the statements are those of jieba given the whole clause."""
    assert found
    for sentence, key, about in found:
        for clause in [sentence, *audit.clauses(sentence)]:
            assert _rjieba_runs(clause) == _jieba_runs(clause), clause
        reference = audit.statements_in(sentence, key, about, _jieba_whole)
        assert audit.statements_in(sentence, key, about, _rjieba_runs) == reference, sentence
        assert audit.statements_in(sentence, key, about, _jieba_runs) == reference, sentence
        assert audit.statements_in(sentence, key, about) == reference, sentence  # the default: rjieba


def test_the_same_statements_as_jieba_on_the_corpus(corpus: Path) -> None:
    _assert_same_statements(_sentences(sorted(corpus.glob("*/source.*"))))


def test_the_same_statements_as_jieba_on_the_fixtures() -> None:
    _assert_same_statements(_sentences(sorted(ROOT.glob("fixtures/**/source.*"))))


@pytest.mark.parametrize(("sentence", "expected"), [
    ("本年新收政府信息公开申请12件，上年结转3件，共办理15件。", [("received", 12), ("carried_over", 3), ("completed", 15)]),
    ("本年度新收申请12件，办结11件，结转下年度1件。", [("received", 12), ("completed", 11), ("carried_forward", 1)]),
    ("上年度结转政府信息公开申请2件", [("carried_over", 2)]),
    ("结转下一年度继续办理的申请4件", [("carried_forward", 4)]),
    ("已办结申请20件", [("completed", 20)]),
    ("本年度办结政府信息公开申请25件", [("completed", 25)]),
    ("办结上年结转申请3件", [("carried_over", 3)]),
    ("全年共受理政府信息公开申请718件，已全部办结", [("received", 718)]),
    ("收到17件政府信息公开申请", [("received", 17)]),
    ("新收依申请公开申请9件", [("received", 9)]),
    ("本年共新收申请书10件", [("received", 10)]),  # 新收 only a word with X-TEXT's terms
    ("新收12件、办结3件", []),
    ("共办理718件", []),
    ("收到申请12件、3件", [("received", 12)]),
    ("收到申请12件3件", [("received", 12), ("received", 3)]),
    ("共收到申请3 件", [("received", 3)]),  # a space between number and unit
    ("收到申请１２件", [("received", 2)]),  # full-width digits are single characters to jieba (text.py's NFKC comes first)
    ("未收到政府信息公开申请", [("received", 0)]),
    ("未发生行政复议、行政诉讼", [("admin_review", 0), ("admin_litigation", 0)]),
    ("发生行政复议2起、行政诉讼1起", [("admin_review", 2), ("admin_litigation", 1)]),
    ("主动公开政府信息61条", [("active", 61)]),
    ("依申请公开信息3条", []),
    ("收到意见建议17条", []),
    ("本年新收42件其中自然人40件", []),
    ("新收申请较上年增加5件", []),
    # digits and symbols that rjieba, given them, would cut otherwise (0000-7654321, 12+3 whole)
    ("联系电话0000-7654321共收到申请5件", [("received", 5)]),
    ("2021年共收到申请1-2件", [("received", 2)]),
    ("2020-2021年度收到申请3件", [("received", 3)]),
    ("收到申请12+3件", [("received", 3)]),
    ("收到申请2.5件", []),
    ("收到申请50%件", []),
    ("收到申请3_4件", [("received", 4)]),
    ("收到C++申请3件", [("received", 3)]),
    ("收到AT&T申请3件", [("received", 3)]),
    ("Received 3件 applications 收到申请4件", [("received", 4)]),
    # jieba's words mixing Latin or digits with Chinese, which the Chinese runs cut apart
    ("1号店收到申请3件", [("received", 3)]),
    ("4S店新收申请2件", [("received", 2)]),
    ("T恤N年收到申请3件", [("received", 3)]),
    ("本机㐀关收到申请3件", [("received", 3)]),  # CJK extension A: not cut by jieba
    ("收到申请\t3件\u3000，办结2件", [("received", 3), ("completed", 2)]),
])
def test_the_same_statements_as_jieba_where_they_could_differ(sentence: str, expected: list[tuple[str, int]]) -> None:
    _assert_same_statements([(sentence, "requests", False)])
    assert [(s.key, s.value) for s in audit.statements_in(sentence, "requests")] == expected


# --- built ahead in another process -----------------------------------------------------------------

_AHEAD_TEXTS = [
    "深化政务公开，规范依申请公开，加强政策解读，依法收取信息处理费。",
    "本年度收到政府信息公开申请12件，上年结转2件，办结14件，结转下年度0件。",
    "本机㐀关未收取信息公开处理费，联系电话：0000-7654321",
]


def _cuts() -> list[list[str]]:
    return [tk.cut(text) for tk in (tokenizers.keyword_rjieba(), tokenizers.statement_rjieba()) if tk
            for text in _AHEAD_TEXTS]


def _local_cuts() -> list[list[str]]:
    tokenizers.keyword_rjieba.cache_clear()
    tokenizers.statement_rjieba.cache_clear()
    return _cuts()


@pytest.mark.skipif(sys.platform == "darwin" or not hasattr(os, "fork"), reason="built ahead only where a child may fork")
@pytest.mark.parametrize("child_dies", [False, True])
def test_tokenizers_built_ahead_cut_the_same_words(child_dies: bool) -> None:
    expected = _local_cuts()
    tokenizers.keyword_rjieba.cache_clear()
    tokenizers.statement_rjieba.cache_clear()
    with tokenizers.built_ahead():
        ahead = tokenizers._AHEAD
        assert ahead is not None and ahead.pid
        pid = ahead.pid
        if child_dies:  # killed: this process builds them itself, with the same words
            os.kill(pid, signal.SIGKILL)
        assert _cuts() == expected
    assert tokenizers._AHEAD is None
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # reaped
    assert _cuts() == expected  # built here after the block
    assert tokenizers.keyword_rjieba() is not None and not isinstance(tokenizers.keyword_rjieba(), tokenizers._Remote)


def test_tokenizers_already_built_are_not_built_ahead() -> None:
    tokenizers.keyword_rjieba()
    with tokenizers.built_ahead():
        assert tokenizers._AHEAD is None
    with tokenizers.built_ahead(wanted=False):
        assert tokenizers._AHEAD is None
