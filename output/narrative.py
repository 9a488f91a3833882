"""problems.csv (as reports stream in) and keywords.csv (once the batch is written: TF-IDF needs
every section's word counts).

The costly part, cutting each section into words, is done once per report where the work is
spread over processes: by a batch's parse workers (the counts are kept in the store beside the
report, :func:`terms_json`), else as reports are written. :class:`TermsWriter` spools the counts to
a working file beside the exports; :func:`write_keywords` then counts document frequencies over the
joined spool and scores each section, so the texts are never all in memory.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

from normalize.narrative import problems, section_terms, tf_idf
from normalize.schema import Report
from output.csvfiles import safe
from output.dictionary import KEYWORD_COLUMNS, PROBLEM_COLUMNS


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


# Working file of TermsWriter, removed by write_keywords: not one of OUT's files.
TERMS_SPOOL = ".keyword-terms.jsonl"


class TermsWriter:
    """Each report's section word counts, one JSON line [report_id, source, [[section, {word: n}], …]]
    per report (files that are not reports left out)."""

    def __init__(self, out: Path) -> None:
        out.mkdir(parents=True, exist_ok=True)
        self.handle = open(out / TERMS_SPOOL, "w", encoding="utf-8")

    def write(self, report: Report, terms: str | None = None) -> None:
        """``terms``: the counts as JSON when the parse worker already made them (:func:`terms_json`)."""
        if report.status == "skipped":
            return
        head = json.dumps([report.report_id, report.source], ensure_ascii=False)
        self.handle.write(f"{head[:-1]},{terms or terms_json(report)}]\n")

    def close(self) -> None:
        self.handle.close()


def terms_json(report: Report) -> str:
    """The report's section word counts as JSON, as they are kept in the store."""
    return json.dumps(section_terms(report.sections), ensure_ascii=False, separators=(",", ":"))


def write_keywords(out: Path, encoding: str, top: int = 10) -> None:
    """OUT/keywords.csv: the ``top`` keywords of every section spooled by :class:`TermsWriter` in ``out``."""
    spool = out / TERMS_SPOOL
    df: Counter[str] = Counter()
    documents = 0
    with open(spool, encoding="utf-8") as lines:
        for line in lines:
            for _, counts in json.loads(line)[2]:
                df.update(counts.keys())
                documents += 1
    with open(spool, encoding="utf-8") as lines, open(out / "keywords.csv", "w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([c.name for c in KEYWORD_COLUMNS])
        for line in lines:
            report_id, source, sections = json.loads(line)
            for section, counts in sections:
                for rank, (word, weight) in enumerate(tf_idf(Counter(counts), df, documents, top), start=1):
                    writer.writerow([safe(v) for v in (report_id, source, section, rank, word, f"{weight:.4f}")])
    spool.unlink()
