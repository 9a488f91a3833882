"""The batch summary and progress bar, on stderr: stdout and output files hold data only."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # rich is imported where it draws: a batch and a quiet command line do without it
    from rich.console import Console

    from xxgk.normalize.schema import Report


@dataclass
class BatchSummary:
    statuses: Counter[str] = field(default_factory=Counter)
    findings: Counter[tuple[str, str]] = field(default_factory=Counter)
    failures: list[tuple[str, str]] = field(default_factory=list)
    copies: int = 0  # inputs identical to an earlier one: not counted again in statuses or findings

    def add(self, report: Report) -> None:
        if report.duplicate_of is not None:
            self.copies += 1
            return
        self.statuses[report.status] += 1
        for finding in report.findings:
            self.findings[(finding.code, finding.severity)] += 1
        if report.status == "failed" and report.error:
            self.failures.append((report.source, f"{report.error.code}: {report.error.message}"))

    @property
    def total(self) -> int:
        """Input files of different content (each identical copy counted once)."""
        return sum(self.statuses.values())


def print_summary(summary: BatchSummary, console: Console, out: str) -> None:
    from rich.markup import escape
    from rich.table import Table

    copies = f" (and {summary.copies} identical copies, counted once)" if summary.copies else ""
    docs = Table(title=f"xxgk: {summary.total} files{copies} → {out}", title_justify="left")
    for status in ("ok", "partial", "failed", "skipped"):
        docs.add_column(status, justify="right")
    docs.add_row(*(str(summary.statuses.get(s, 0)) for s in ("ok", "partial", "failed", "skipped")))
    console.print(docs)
    if summary.findings:
        table = Table(title="findings by code", title_justify="left")
        table.add_column("code")
        table.add_column("severity")
        table.add_column("count", justify="right")
        order = {"error": 0, "warning": 1, "info": 2}
        for (code, severity), count in sorted(summary.findings.items(), key=lambda kv: (order[kv[0][1]], kv[0][0])):
            table.add_row(code, severity, str(count))
        console.print(table)
    for source, error in summary.failures[:20]:
        # escape: a source or message may hold brackets ('xxgk[ocr]') that rich would take for markup and drop
        console.print(f"[red]failed[/red] {escape(source)}: {escape(error)}", markup=True, highlight=False)
    if len(summary.failures) > 20:
        console.print(f"… and {len(summary.failures) - 20} more failed files (see reports.csv)")


class RichProgress:
    """Progress bars on a console for the command line; silent when it is not a terminal or quiet."""

    def __init__(self, console: Console, quiet: bool = False) -> None:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self.console = console
        self.bars = Progress(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            console=console, disable=quiet or not console.is_terminal, transient=True,
        )

    def __enter__(self) -> RichProgress:
        self.bars.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.bars.__exit__(None, None, None)

    def phase(self, name: str, total: int) -> Callable[[], None]:
        task = self.bars.add_task(name, total=total)
        return lambda: self.bars.advance(task)

    def warn(self, message: str) -> None:
        self.console.print(f"xxgk: warning: {message}", highlight=False, markup=False, soft_wrap=True)  # whole lines, never folded
