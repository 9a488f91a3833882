"""The research exports beside the contract files: wide tables, problems, coverage, keywords, dictionary.

Two parts, to fit a batch that writes its files in chunks (possibly in several processes) and then
joins them: :class:`ResearchWriter` works per report (wide CSVs, problems.csv, facts.csv) and sits beside
ContractWriter; :func:`finish` runs once on the joined folder for what needs the whole batch
(coverage.csv) or a single writer (dictionary.csv, label files, Parquet, .xlsx). keywords.csv is
scored per chunk, against the batch's word frequencies (output/narrative.py), before the join.
"""

from __future__ import annotations

import csv
from pathlib import Path
from types import TracebackType

from xxgk.normalize.schema import Report
from xxgk.output import coverage, dictionary, narrative, wide
from xxgk.output.lines import Rendered
from xxgk.output.options import ResearchOptions


class ResearchWriter:
    """Per report: reports_wide.csv, table{2,3,4}_wide.csv, problems.csv, facts.csv and the sections' word counts."""

    def __init__(self, out: Path, encoding: str = "utf-8-sig") -> None:
        self.wide = wide.WideWriter(out, encoding)
        self.problems = narrative.ProblemsWriter(out, encoding)
        self.facts = narrative.FactsWriter(out, encoding)
        self.terms = narrative.TermsWriter(out)

    def write(self, report: Report | None, terms: str | None = None, rendered: Rendered | None = None) -> None:
        """``terms``: the report's section word counts when already made (output/narrative.terms_json);
        ``rendered``: its rows of every file, already rendered (output/lines.py). ``report`` may be None
        when ``rendered`` and ``terms`` are given."""
        lines = rendered.files if rendered is not None else None
        self.wide.write(report, lines)
        self.problems.write(report, lines[self.problems.name] if lines is not None else None)
        self.facts.write(report, lines[self.facts.name] if lines is not None else None)
        if report is not None:
            self.terms.write(report, terms)
        else:
            assert rendered is not None and terms is not None, "a report, or its rendered rows and word counts"
            self.terms.write_counted(rendered.report_id, rendered.source, terms)

    def close(self) -> None:
        self.wide.close()
        self.problems.close()
        self.facts.close()
        self.terms.close()

    def __enter__(self) -> ResearchWriter:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()


def finish(out: Path, encoding: str, options: ResearchOptions = ResearchOptions()) -> list[str]:
    """The batch-wide files, from the per-report ones already in ``out``. Returns warnings for the user."""
    dictionary.write_dictionary(out, encoding)
    wide.write_labels(out, encoding)
    coverage.write_coverage(out, encoding)
    if options.parquet:
        wide.write_parquet(out)
    if options.xlsx:
        wide.write_xlsx(out)
    overrides = options.overrides()
    if overrides is None:
        return []
    with open(out / "reports_wide.csv", encoding="utf-8-sig", newline="") as handle:
        unused = overrides.unmatched((row["report_id"], row["source"]) for row in csv.DictReader(handle))
    return [f"{overrides.path.name} line {line} matches no report in this batch (source or report_id misspelt?)"
            for line in unused]
