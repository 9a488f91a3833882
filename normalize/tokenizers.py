"""The two tokenizers a parse cuts with, each built once per process: the keywords' (jieba's dictionary
and the domain dictionary parsers/data/xxgk_dict.txt) and X-TEXT's statements' (jieba's dictionary and
the report's terms, :data:`TERMS`, kept whole). rjieba when the ``fast`` extra is installed, else jieba.

They cannot be one: each one's words would change how the other cuts. Building one with rjieba is
loading jieba's dictionary, 0.15 s that hold the GIL — a thread would not run beside anything else.
So a run of one file (:func:`built_ahead`) builds both in a process forked at its start, which
cuts for it, while it loads the parser on the other CPU: a third of such a run. Everything else builds
them where it cuts (a batch's workers: once each, before their first file).
"""

from __future__ import annotations

import marshal
import os
import signal
import sys
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from importlib.resources import files
from typing import IO, TYPE_CHECKING

from xxgk.normalize import segmenter
from xxgk.normalize.segmenter import FastTokenizer, fresh_tokenizer

if TYPE_CHECKING:
    import jieba

# Terms kept whole by X-TEXT's tokenizer, so a cue is one token.
TERMS = ("政府信息公开申请", "信息公开申请", "依申请公开", "行政复议", "行政诉讼", "主动公开", "上年结转",
         "上年度结转", "结转下年度", "结转下一年", "办结", "新收", "信息处理费")


def data_lines(name: str) -> list[str]:
    """A word list of parsers/data/, without comments and blank lines."""
    text = files("xxgk.parsers").joinpath(f"data/{name}").read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


@cache
def _domain_words() -> tuple[tuple[str, int, str], ...]:
    words = []
    for line in data_lines("xxgk_dict.txt"):
        word, freq, tag = line.split()
        words.append((word, int(freq), tag))
    return tuple(words)


def _rjieba_keywords() -> FastTokenizer | None:
    tk = segmenter.fast_tokenizer()
    if tk is not None:
        for word, freq, tag in _domain_words():
            tk.add_word(word, freq, tag)
    return tk


def _rjieba_statements() -> FastTokenizer | None:
    tk = segmenter.fast_tokenizer()
    if tk is not None:
        for term in TERMS:
            tk.add_word(term, 100000, "")
    return tk


_RJIEBA: dict[str, Callable[[], FastTokenizer | None]] = {"keywords": _rjieba_keywords, "statements": _rjieba_statements}


@cache
def keyword_jieba() -> jieba.Tokenizer:
    """jieba with the domain dictionary: the reference for :func:`keyword_rjieba`."""
    tk = fresh_tokenizer()
    for word, freq, tag in _domain_words():
        tk.add_word(word, freq, tag)
    return tk


@cache
def keyword_rjieba() -> FastTokenizer | None:
    """rjieba with the domain dictionary; None without the ``fast`` extra."""
    return _AHEAD.tokenizer("keywords") if _AHEAD is not None else _rjieba_keywords()


def keyword_tokenizer() -> FastTokenizer | jieba.Tokenizer:
    """What keywords are cut with: rjieba when installed (the same words, 15× faster), else jieba."""
    return keyword_rjieba() or keyword_jieba()


@cache
def statement_jieba() -> jieba.Tokenizer:
    """jieba with :data:`TERMS`, quiet: the reference, and what clauses are cut with when rjieba is not installed."""
    tk = fresh_tokenizer()
    for term in TERMS:
        tk.add_word(term, freq=100000)
    return tk


@cache
def statement_rjieba() -> FastTokenizer | None:
    """rjieba with :data:`TERMS` (None without the ``fast`` extra): jieba's words on the Chinese runs
    X-TEXT gives it, without loading jieba (half a second) at all."""
    return _AHEAD.tokenizer("statements") if _AHEAD is not None else _rjieba_statements()


# --- built ahead ---------------------------------------------------------------------------------


class _Remote(FastTokenizer):
    """A tokenizer of the process built ahead: it cuts there, with the tokenizer this process would
    have built (the same code, forked), so the words are the same."""

    def __init__(self, ahead: _Ahead, name: str) -> None:  # no dictionary of its own
        self._ahead, self._name = ahead, name

    def cut(self, text: str) -> list[str]:
        return self._ahead.cut(self._name, text)


class _Ahead:
    """The forked process holding both rjieba tokenizers: one request (name, text) at a time, each
    answered with the words. Should it fail, this process builds the tokenizers itself."""

    def __init__(self) -> None:
        requests, self._request_end = os.pipe()
        self._reply_end, replies = os.pipe()
        # Forked while the parser is not yet loaded: the child runs nothing but the tokenizers and the
        # pipes (no import, no lock another thread could hold), and leaves by os._exit.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # Python 3.12 warns of any fork beside threads
            self.pid = os.fork()
        if self.pid == 0:
            os.close(self._request_end)
            os.close(self._reply_end)
            _serve(os.fdopen(requests, "rb"), os.fdopen(replies, "wb"))
        os.close(requests)
        os.close(replies)
        self._requests = os.fdopen(self._request_end, "wb")
        self._replies = os.fdopen(self._reply_end, "rb")
        self._local: dict[str, FastTokenizer | None] | None = None  # built here once the process failed

    def tokenizer(self, name: str) -> FastTokenizer:
        return _Remote(self, name)

    def cut(self, name: str, text: str) -> list[str]:
        if self._local is None:
            words = None
            try:
                marshal.dump((name, text), self._requests)
                self._requests.flush()
                words = marshal.load(self._replies)
            except (OSError, EOFError, ValueError, TypeError):
                pass
            except BaseException:  # stopped mid-request (a timeout, Ctrl-C): its reply would answer the next one
                self._fail()
                raise
            if isinstance(words, list):
                return words
            self._fail()
        assert self._local is not None
        if name not in self._local:
            self._local[name] = _RJIEBA[name]()
        tk = self._local[name]
        assert tk is not None  # built ahead only with rjieba installed
        return tk.cut(text)

    def _fail(self) -> None:
        self.close()
        self._local = {}

    def close(self) -> None:
        if self.pid:
            for handle in (self._requests, self._replies):
                try:
                    handle.close()
                except OSError:
                    pass
            os.kill(self.pid, signal.SIGKILL)  # it holds nothing worth finishing
            os.waitpid(self.pid, 0)
            self.pid = 0


def _serve(requests: IO[bytes], replies: IO[bytes]) -> None:
    """The forked process: build, then cut until the requests end. Never returns."""
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the parent, which then ends this one
        built = {name: build() for name, build in _RJIEBA.items()}
        while True:
            try:
                name, text = marshal.load(requests)
            except EOFError:
                break
            tk = built[name]
            assert tk is not None
            marshal.dump(tk.cut(text), replies)
            replies.flush()
    finally:
        os._exit(0)  # no atexit handler, no flush of what the parent had buffered


_AHEAD: _Ahead | None = None


@contextmanager
def built_ahead(wanted: bool = True) -> Iterator[None]:
    """While in this block, the rjieba tokenizers are built in a forked process and cut there (when
    ``wanted``, on a system that forks, with rjieba installed and neither tokenizer built yet). After
    it, this process builds its own when asked."""
    global _AHEAD
    # Not on macOS, whose system libraries are not safe in a forked child (multiprocessing spawns there).
    if not (wanted and _AHEAD is None and hasattr(os, "fork") and sys.platform != "darwin"
            and segmenter.keyword_engine() == "rjieba"
            and not keyword_rjieba.cache_info().currsize and not statement_rjieba.cache_info().currsize):
        yield
        return
    _domain_words()  # read here: the child imports nothing
    segmenter.rjieba_class()
    try:
        _AHEAD = _Ahead()
    except OSError:  # cannot fork now (out of processes or memory): built here, as anywhere else
        yield
        return
    try:
        yield
    finally:
        _AHEAD.close()
        _AHEAD = None
        keyword_rjieba.cache_clear()
        statement_rjieba.cache_clear()
