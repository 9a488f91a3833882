"""problems.csv and facts.csv (as reports stream in) and keywords.csv (once the batch is written: TF-IDF needs
every section's word counts).

The costly part, cutting each section into words, is done once per report where the work is
spread over processes: by a batch's parse workers (the counts are kept in the store beside the
report, :func:`terms_json`), else as reports are written. :class:`TermsWriter` spools the counts to
a working file beside the exports and counts in how many sections each word occurs; once every
chunk of a batch is written, :func:`write_keywords` scores each chunk's sections against the whole
batch's counts, so the texts are never all in memory.
"""

from __future__ import annotations

import csv
import heapq
import json
import math
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from xxgk.normalize.facts import stated_facts
from xxgk.normalize.narrative import problems, section_terms
from xxgk.normalize.schema import Report
from xxgk.output.csvfiles import open_csv, safe
from xxgk.output.dictionary import FACT_COLUMNS, KEYWORD_COLUMNS, PROBLEM_COLUMNS, Column


class _RowsWriter:
    """A per-report CSV file whose rows start with the report's report_id and source; the others' fields
    may come rendered already (output/lines.py)."""

    name = ""
    columns: tuple[Column, ...] = ()

    def __init__(self, out: Path, encoding: str = "utf-8-sig") -> None:
        out.mkdir(parents=True, exist_ok=True)
        self.handle = open_csv(out / self.name, encoding)
        self.writer = csv.writer(self.handle)
        self.writer.writerow([c.name for c in self.columns])

    def write(self, report: Report | None, lines: str | None = None) -> None:
        """``lines``: the report's rows already rendered (output/lines.py); else ``report``'s are rendered."""
        if lines is not None:
            self.handle.write(lines)
        else:
            assert report is not None, "a report or its rendered rows"
            self.writer.writerows(self.report_rows(report))

    @classmethod
    def report_rows(cls, report: Report) -> Iterator[list[str]]:
        """The file's rows of the report: report_id and source, then :meth:`rows`'s fields."""
        head = [safe(report.report_id), safe(report.source)]
        return ([*head, *row] for row in cls.rows(report))

    @staticmethod
    def rows(report: Report) -> Iterator[list[str]]:
        raise NotImplementedError

    def close(self) -> None:
        self.handle.close()


class ProblemsWriter(_RowsWriter):
    name, columns = "problems.csv", PROBLEM_COLUMNS

    @staticmethod
    def rows(report: Report) -> Iterator[list[str]]:
        for problem in problems(report.sections):
            yield [safe(v) for v in (problem.section, problem.n, problem.sentence, problem.category, "、".join(problem.keywords))]


class FactsWriter(_RowsWriter):
    """facts.csv: one row per number the narrative states, beside the table cell it should equal."""

    name, columns = "facts.csv", FACT_COLUMNS

    @staticmethod
    def rows(report: Report) -> Iterator[list[str]]:
        for fact in stated_facts(report):
            yield [safe(v) for v in (fact.section, fact.key, fact.value, fact.unit, fact.sentence, fact.line, fact.page,
                                     fact.table_key, fact.table_value)]


# Working file of TermsWriter, removed by write_keywords: not one of OUT's files.
TERMS_SPOOL = ".keyword-terms.jsonl"


@dataclass
class Frequencies:
    """In how many sections (``documents``) each word occurs: what a keyword's weight is relative to."""

    documents: int = 0
    df: Counter[str] = field(default_factory=Counter)

    def update(self, other: Frequencies) -> None:
        self.documents += other.documents
        self.df.update(other.df)


class TermsWriter:
    """Each report's section word counts, one JSON line [report_id, source, [[section, {word: n}], …]]
    per report (files that are not reports left out), and their :class:`Frequencies`."""

    def __init__(self, out: Path) -> None:
        out.mkdir(parents=True, exist_ok=True)
        self.handle = open(out / TERMS_SPOOL, "w", encoding="utf-8")
        self.frequencies = Frequencies()

    def write(self, report: Report, terms: str | None = None) -> None:
        """``terms``: the counts as JSON when the parse worker already made them (:func:`terms_json`)."""
        if report.status != "skipped":
            self.write_counted(report.report_id, report.source, terms or terms_json(report))

    def write_counted(self, report_id: str, source: str, terms: str) -> None:
        """A report's counts as JSON (:func:`terms_json`), without the report."""
        for _, counts in json.loads(terms):
            self.frequencies.documents += 1
            self.frequencies.df.update(counts.keys())
        head = json.dumps([report_id, source], ensure_ascii=False)
        self.handle.write(f"{head[:-1]},{terms}]\n")

    def close(self) -> None:
        self.handle.close()


def terms_json(report: Report) -> str:
    """The report's section word counts as JSON, as they are kept in the store."""
    return json.dumps(section_terms(report.sections), ensure_ascii=False, separators=(",", ":"))


def write_keywords(out: Path, encoding: str, frequencies: Frequencies, top: int = 10) -> None:
    """``out``/keywords.csv: the ``top`` keywords of every section spooled there by :class:`TermsWriter`,
    weighed against the whole batch's ``frequencies`` (so chunks of a batch can be scored apart)."""
    spool = out / TERMS_SPOOL
    with open(spool, encoding="utf-8") as lines, open_csv(out / "keywords.csv", encoding) as handle:
        writer = csv.writer(handle)
        writer.writerow([c.name for c in KEYWORD_COLUMNS])
        weight_of = _IdfCache(frequencies)
        for line in lines:
            report_id, source, sections = json.loads(line)
            head = [safe(report_id), safe(source)]
            for section, counts in sections:
                key = safe(section)
                # A rank and a weight (0.1234) cannot start a formula: only the words go through safe.
                writer.writerows([*head, key, rank, safe(word), f"{weight:.4f}"]
                                 for rank, (word, weight) in enumerate(weight_of.top(counts, top), start=1))
    spool.unlink()


class _IdfCache(dict[str, float]):
    """Each word's inverse document frequency in the batch, computed the first time it is met rather
    than in every section it occurs in; :meth:`top` ranks as :func:`tf_idf` (its reference: the same
    words, the same weights to the last bit, tests/test_fast_paths.py)."""

    def __init__(self, frequencies: Frequencies) -> None:
        super().__init__()
        self.df, self.documents = frequencies.df, frequencies.documents

    def __missing__(self, word: str) -> float:
        idf = self[word] = math.log((1 + self.documents) / (1 + self.df[word])) + 1
        return idf

    def top(self, counts: dict[str, int], top: int = 10) -> list[tuple[str, float]]:
        total = sum(counts.values())
        if not total:
            return []
        # (-weight, word) tuples compare as the ranking wants, without a key function per word (negation is exact).
        best = heapq.nsmallest(top, [(-(c / total * self[w]), w) for w, c in counts.items()])
        return [(w, -negated) for negated, w in best]
