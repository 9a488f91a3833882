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
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from xxgk.normalize.facts import stated_facts
from xxgk.normalize.narrative import problems, section_terms, tf_idf
from xxgk.normalize.schema import Report
from xxgk.output.csvfiles import safe
from xxgk.output.dictionary import FACT_COLUMNS, KEYWORD_COLUMNS, PROBLEM_COLUMNS


class ProblemsWriter:
    def __init__(self, out: Path, encoding: str = "utf-8-sig") -> None:
        out.mkdir(parents=True, exist_ok=True)
        self.handle = open(out / "problems.csv", "w", encoding=encoding, newline="")
        self.writer = csv.writer(self.handle)
        self.writer.writerow([c.name for c in PROBLEM_COLUMNS])

    def write(self, report: Report) -> None:
        for problem in problems(report.sections):
            self.writer.writerow([safe(v) for v in (
                report.report_id, report.source, problem.section, problem.n, problem.sentence, problem.category,
                "、".join(problem.keywords),
            )])

    def close(self) -> None:
        self.handle.close()


class FactsWriter:
    """facts.csv: one row per number the narrative states, beside the table cell it should equal."""

    def __init__(self, out: Path, encoding: str = "utf-8-sig") -> None:
        out.mkdir(parents=True, exist_ok=True)
        self.handle = open(out / "facts.csv", "w", encoding=encoding, newline="")
        self.writer = csv.writer(self.handle)
        self.writer.writerow([c.name for c in FACT_COLUMNS])

    def write(self, report: Report) -> None:
        for fact in stated_facts(report):
            self.writer.writerow([safe(v) for v in (
                report.report_id, report.source, fact.section, fact.key, fact.value, fact.unit, fact.sentence,
                fact.line, fact.page, fact.table_key, fact.table_value,
            )])

    def close(self) -> None:
        self.handle.close()


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
        if report.status == "skipped":
            return
        terms = terms or terms_json(report)
        for _, counts in json.loads(terms):
            self.frequencies.documents += 1
            self.frequencies.df.update(counts.keys())
        head = json.dumps([report.report_id, report.source], ensure_ascii=False)
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
    with open(spool, encoding="utf-8") as lines, open(out / "keywords.csv", "w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([c.name for c in KEYWORD_COLUMNS])
        for line in lines:
            report_id, source, sections = json.loads(line)
            for section, counts in sections:
                for rank, (word, weight) in enumerate(
                    tf_idf(Counter(counts), frequencies.df, frequencies.documents, top), start=1
                ):
                    writer.writerow([safe(v) for v in (report_id, source, section, rank, word, f"{weight:.4f}")])
    spool.unlink()
