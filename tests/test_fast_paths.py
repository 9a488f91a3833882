"""Each faster path against the plainer code it replaced (kept here, or in the package, as the
reference): the same answers on every input tried."""

from __future__ import annotations

from pathlib import Path

import pytest

from xxgk.ingest.reader import read_document
from xxgk.ingest.text import decode, lines_as_paragraphs
from xxgk.normalize.build import build_report
from xxgk.parsers import region
from xxgk.parsers.region import Division
from xxgk.parsers.report import parse_document

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def _one_away_by_scan(word: str) -> list[Division]:
    """The definition: every division of the word's shape whose name differs from it in one character."""
    return [d for d in region._same_shape(len(word), word[-1]) if sum(a != b for a, b in zip(d.name, word, strict=True)) == 1]


def _words() -> list[str]:
    names = [d.name for d in region._index().by_code.values()]
    words = names[::37]  # names in the list: their look-alikes, not themselves
    words += [name[:-2] + "某" + name[-1] for name in names[::53] if len(name) >= 3]  # one character off
    words += ["沐阳县", "临川市", "某某区", "白鹭区", "县", "州"]
    return words


@pytest.mark.parametrize("word", _words())
def test_one_away_finds_what_comparing_every_name_finds(word: str) -> None:
    assert region.one_away(word) == _one_away_by_scan(word)


def _same_built_both_ways(path: Path) -> None:
    if path.suffix in (".txt", ".md"):
        text, _ = decode(path.read_bytes())
        assert lines_as_paragraphs(text) == lines_as_paragraphs(text, validate=True)
    doc = read_document(path)
    parsed = parse_document(doc)
    fast, checked = build_report(doc, parsed), build_report(doc, parsed, validate=True)
    assert fast.model_dump_json() == checked.model_dump_json()
    assert fast == checked


@pytest.mark.parametrize(
    "path", [p for p in sorted(FIXTURES.glob("**/source.*")) if p.suffix != ".pdf"], ids=lambda p: f"{p.parent.name}{p.suffix}"
)
def test_reports_built_without_validation_are_those_built_with_it(path: Path) -> None:
    """The text reader's paragraphs and the report's cells (of every format), made by model_construct,
    give the same JSON (reports.jsonl, the store) and compare equal to the validated ones."""
    _same_built_both_ways(path)


@pytest.mark.slow
def test_pdf_and_corpus_reports_built_without_validation_are_those_built_with_it(corpus: Path) -> None:
    for path in sorted(FIXTURES.glob("**/source.pdf")) + sorted(corpus.glob("*/source.*")):
        _same_built_both_ways(path)
