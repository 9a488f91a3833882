"""problems.csv (as reports stream in) and keywords.csv (once the batch is written: TF-IDF needs
every section's word counts).

Keywords are read from OUT/sections.csv: each section's word counts are spooled to an anonymous
temporary file while the batch's document frequencies are counted, then each section is scored, so
the texts are never all in memory.
"""

from __future__ import annotations

import csv
import json
import tempfile
from collections import Counter
from pathlib import Path

from normalize.narrative import problems, terms, tf_idf
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


def write_keywords(out: Path, encoding: str, top: int = 10) -> None:
    """OUT/keywords.csv: the ``top`` keywords of every section of OUT/sections.csv (files that are
    not reports, per OUT/reports_wide.csv, left out)."""
    with open(out / "reports_wide.csv", encoding="utf-8-sig", newline="") as handle:
        skipped = {(r["report_id"], r["source"]) for r in csv.DictReader(handle) if r["status"] == "skipped"}
    df: Counter[str] = Counter()
    documents = 0
    with tempfile.TemporaryFile("w+", encoding="utf-8") as spool:
        with open(out / "sections.csv", encoding="utf-8-sig", newline="") as handle:
            for row in csv.DictReader(handle):
                if (row["report_id"], row["source"]) in skipped:
                    continue
                counts = terms(row["text"])
                if counts:
                    documents += 1
                    df.update(counts.keys())
                    spool.write(json.dumps([row["report_id"], row["source"], row["section"], counts], ensure_ascii=False) + "\n")
        spool.seek(0)
        with open(out / "keywords.csv", "w", encoding=encoding, newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow([c.name for c in KEYWORD_COLUMNS])
            for line in spool:
                report_id, source, section, counts = json.loads(line)
                for rank, (word, weight) in enumerate(tf_idf(Counter(counts), df, documents, top), start=1):
                    writer.writerow([safe(v) for v in (report_id, source, section, rank, word, f"{weight:.4f}")])
