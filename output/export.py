"""The contract files written from the store, in discovery order, by one process or by several in chunks."""

from __future__ import annotations

import codecs
import os
import shutil
from pathlib import Path

from xxgk.normalize.narrative import terms_version
from xxgk.normalize.schema import Report
from xxgk.output.csvfiles import ContractWriter
from xxgk.output.lines import Rendered, lines_version
from xxgk.output.narrative import Frequencies
from xxgk.output.options import ResearchOptions
from xxgk.output.research import ResearchWriter
from xxgk.output.store import stored_rows
from xxgk.output.terminal import BatchSummary


def write_range(
    store: Path, run_id: int, parser_version: str, start: int, stop: int, folder: Path, encoding: str,
    research: ResearchOptions = ResearchOptions(),
) -> tuple[BatchSummary, Frequencies]:
    """Write the run's inputs ``start`` ≤ index < ``stop`` into ``folder``'s contract files, one report
    in memory at a time. Returns their summary and word frequencies (keywords.csv is scored from the
    whole batch's: :func:`output.narrative.write_keywords`)."""
    summary = BatchSummary()
    overrides = research.overrides()
    with ContractWriter(folder, encoding=encoding) as writer, ResearchWriter(folder, encoding) as extra:
        rows_made = stored_rows(store, run_id, parser_version, start, stop, terms_version(), lines_version())
        for source, stored, terms, lines, first in rows_made:
            rendered = Rendered.from_json(lines) if lines is not None else None
            if rendered is not None and (rendered.source != source or first is not None or overrides):
                rendered = None  # rows of the report as stored, which the export changes (a copy, a correction)
            report: Report | None = None
            text: bytes | None = stored  # written as stored while the export changes nothing in it
            if rendered is None or terms is None:
                report = Report.model_validate_json(stored)
                if report.source != source or first is not None:  # the same content was parsed under another path
                    report = report.model_copy(update={"source": source, "duplicate_of": first})
                    text = None
                if overrides:
                    report = overrides.apply(report)
                    text = None
            writer.write(report, text, rendered.files if rendered is not None else None)
            extra.write(report, terms, rendered)
            if report is not None:
                summary.add(report)
            else:
                assert rendered is not None
                rendered.add_to(summary)
    return summary, extra.terms.frequencies


def concatenate(parts: list[Path], folder: Path, encoding: str) -> None:
    """Join the chunks' files (written in plain UTF-8) in order: one header per CSV file, and the BOM
    when ``encoding`` asks for one — the same bytes one writer would have written."""
    for name in sorted(os.listdir(parts[0])):
        csv = name.endswith(".csv")
        with open(folder / name, "wb") as target:
            if csv and encoding == "utf-8-sig":
                target.write(codecs.BOM_UTF8)
            for n, part in enumerate(parts):
                with open(part / name, "rb") as chunk:
                    if csv and n:
                        chunk.readline()  # the header, already written by the first chunk
                    shutil.copyfileobj(chunk, target, 1 << 20)
