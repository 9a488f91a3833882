"""A batch run: every input parsed, written to OUT as it comes, summarised at the end."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from ingest.files import discover
from output.csvfiles import ContractWriter
from output.terminal import BatchSummary, print_summary
from xxgk.api import parse_file


def run_parse(
    inputs: Sequence[str | os.PathLike[str]],
    out: str | os.PathLike[str],
    *,
    encoding: str = "utf-8-sig",
    quiet: bool = False,
    console: Console | None = None,
) -> BatchSummary:
    """Parse every input into OUT's contract files. Returns the batch summary."""
    console = console or Console(stderr=True)
    files = list(discover(inputs))
    summary = BatchSummary()
    show = not quiet and console.is_terminal
    with ContractWriter(Path(out), encoding=encoding) as writer, Progress(
        TextColumn("parsing"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=console, disable=not show, transient=True,
    ) as progress:
        task = progress.add_task("parse", total=len(files))
        for path, source in files:
            report = parse_file(path, source)
            writer.write(report)
            summary.add(report)
            progress.advance(task)
    if not quiet:
        print_summary(summary, console, str(out))
    return summary
