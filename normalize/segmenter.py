"""A jieba tokenizer with the general dictionary loaded: quietly, and from jieba's cache in a third of
the time jieba takes (it unmarshals the 9 MB cache from the open file in small reads); and, when the
``fast`` extra is installed, rjieba (jieba-rs) cutting text into the same words.

Each user adds its own words to its own tokenizer (the keyword export its domain dictionary, the
audit the report's terms), so each asks for a fresh one.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import logging
import marshal
import re
import sys
import tempfile
import warnings
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    import jieba
    import rjieba


def fresh_tokenizer() -> jieba.Tokenizer:
    with warnings.catch_warnings():
        # jieba 0.42 imports pkg_resources (deprecated in recent setuptools) and has invalid escapes.
        warnings.filterwarnings("ignore", category=DeprecationWarning)
        warnings.filterwarnings("ignore", category=SyntaxWarning)
        warnings.filterwarnings("ignore", message=r".*pkg_resources", category=UserWarning)
        import jieba
    jieba.setLogLevel(logging.WARNING)  # it logs "Building prefix dict…" to stderr otherwise
    tokenizer = jieba.Tokenizer()
    # The cache jieba itself writes for its default dictionary (where Tokenizer.initialize looks).
    loaded = _default_dictionary(Path(tokenizer.tmp_dir or tempfile.gettempdir()) / "jieba.cache")
    if loaded is not None:
        tokenizer.FREQ, tokenizer.total, tokenizer.initialized = dict(loaded[0]), loaded[1], True
    tokenizer.initialize()  # without a cache we can read, jieba builds (and caches) the dictionary itself
    return tokenizer


# jieba's default dictionary read from its cache, once per process: each tokenizer adds its own words
# to a copy, which takes a twentieth of the time of reading the cache again (two tokenizers, the
# keywords' and X-TEXT's, are made in an export without rjieba).
_LOADED: dict[Path, tuple[dict[str, int], int]] = {}


def _default_dictionary(cache: Path) -> tuple[dict[str, int], int] | None:
    if cache not in _LOADED:
        try:
            freq, total = marshal.loads(cache.read_bytes())
        except (OSError, ValueError, EOFError, TypeError):
            return None  # no cache yet, or not one we can read
        if not (isinstance(freq, dict) and isinstance(total, int) and freq):
            return None
        _LOADED[cache] = freq, total
    return _LOADED[cache]


# The characters jieba cuts into words, in runs (jieba.re_han_default). Anything else it yields one
# character, or one run of spaces, at a time: never a word of two characters.
_NOT_CUT = re.compile(r"[^\u4E00-\u9FD5a-zA-Z0-9+#&._%\-]+")


class FastTokenizer:
    """rjieba, the binding of jieba-rs: the same dictionary, the same algorithm (prefix DAG, HMM for
    unknown words), in Rust — 15× faster than jieba on reports, and its dictionary loads in a tenth of
    a second rather than most of one.

    It gives jieba's words of two or more characters that hold a Chinese character — the keywords'
    words (tests/test_segmenter.py checks it on every report of the corpus and the fixtures). Elsewhere
    it may differ: it keeps 0000-7654321 whole where jieba cuts it in three, and yields a space for
    each run of characters jieba never cuts (jieba yields them one by one).
    Those runs are what it is given instead, because rjieba also cuts CJK extension and compatibility
    ideographs into words, which would join what jieba keeps apart (本机㐀关 is two runs for jieba).
    """

    def __init__(self) -> None:
        self._jieba = rjieba_class()()

    def add_word(self, word: str, freq: int, tag: str) -> None:
        self._jieba.add_word(word, freq, tag)

    def cut(self, text: str) -> list[str]:
        return self._jieba.cut(_NOT_CUT.sub(" ", text))


def rjieba_class() -> type[rjieba.Jieba]:
    """rjieba's Jieba class. Taken from its compiled module alone, when rjieba itself is not yet
    imported: rjieba/__init__.py builds a default tokenizer of its own (0.17 s, a third of a worker's
    start) that xxgk never uses. The compiled module is registered under its own name, so a later
    ``import rjieba`` finds it loaded (PyO3 modules initialise once per process)."""
    package = sys.modules.get("rjieba")
    if package is None and "rjieba.rjieba" not in sys.modules:
        spec = importlib.util.find_spec("rjieba")  # finds the package without running it
        if spec is None or not spec.submodule_search_locations:
            raise ImportError("rjieba is not installed")
        compiled = importlib.machinery.PathFinder.find_spec("rjieba.rjieba", list(spec.submodule_search_locations))
        if compiled is None or compiled.loader is None:
            import rjieba  # an unusual layout: the package's own way

            return rjieba.Jieba
        module = importlib.util.module_from_spec(compiled)
        sys.modules["rjieba.rjieba"] = module
        compiled.loader.exec_module(module)
    return cast("type[rjieba.Jieba]", (package or sys.modules["rjieba.rjieba"]).Jieba)


# jieba's own patterns: the Chinese characters its HMM reads (finalseg.re_han), the characters it cuts
# into words (re_han_default), the Latin-and-digit runs its HMM keeps whole (finalseg.re_skip).
_CHINESE_RUN = re.compile(r"([\u4E00-\u9FD5]+)")
_CUT_RUN = re.compile(r"([\u4E00-\u9FD5a-zA-Z0-9+#&._%\-]+)")
_LATIN_DIGITS = re.compile(r"([a-zA-Z0-9]+(?:\.\d+)?%?)")


def chinese_words(text: str, cut: Callable[[str], Iterable[str]]) -> list[str]:
    """The text's words with ``cut`` (jieba's or rjieba's) given its runs of Chinese characters only,
    and the rest cut here the way jieba's HMM cuts what is not Chinese: Latin-and-digit runs whole
    (12, 2.5%, 0000), anything else one character at a time, spaces dropped.

    Both engines then cut the very same strings, where they agree word for word; outside Chinese
    they do not (rjieba keeps 0000-7654321 and 12+3 whole: jieba-rs's version of re_skip does not
    escape its dot), and for numbers glued to units (收到申请12件) only this split decides. No
    dictionary word spans a Chinese run and what follows it except jieba's few mixed ones (4S店,
    1号店, T恤), which come out in pieces: the audit reads Chinese words and numbers, not those
    (tests/test_segmenter.py compares the statements with jieba cutting the whole clause).
    """
    words: list[str] = []
    for part in _CHINESE_RUN.split(text):
        if not part:
            continue
        if "\u4e00" <= part[0] <= "\u9fd5":  # a Chinese run (split's captured group)
            words.extend(cut(part))
            continue
        for block in _CUT_RUN.split(part):
            if _CUT_RUN.fullmatch(block):
                words.extend(w for w in _LATIN_DIGITS.split(block) if w)
            else:
                words.extend(c for c in block if not c.isspace())
    return words


def keyword_engine() -> str:
    """The package keywords are cut with, found without loading it (an export only names it)."""
    return "rjieba" if importlib.util.find_spec("rjieba") is not None else "jieba"


def fast_tokenizer() -> FastTokenizer | None:
    """A :class:`FastTokenizer` when rjieba is installed (``pip install 'xxgk[fast]'``), else None."""
    try:
        return FastTokenizer()
    except ImportError:
        return None
