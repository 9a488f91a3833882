"""The command line: options parsed here, work done by the library."""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import click

from xxgk.errors import UsageError, XxgkError
from xxgk.ingest.ocr import OcrMode
from xxgk.version import PARSER_VERSION

if TYPE_CHECKING:
    from rich.console import Console


@contextmanager
def _errors() -> Iterator[None]:
    """Usage errors as click's (exit status 2, with usage); a run that cannot go on at all — not
    any one file's fault — as one line (exit status 2)."""
    try:
        yield
    except UsageError as exc:
        raise click.UsageError(str(exc)) from exc
    except XxgkError as exc:
        click.echo(f"xxgk: error: {exc}", err=True)
        sys.exit(2)


class _Warnings:
    """The progress of a quiet run: no bars; each warning one whole line on stderr, as the bars' console writes it."""

    def phase(self, name: str, total: int) -> Callable[[], None]:
        return lambda: None

    def warn(self, message: str) -> None:
        click.echo(f"xxgk: warning: {message}", err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(PARSER_VERSION, prog_name="xxgk")
def main() -> None:
    """Turn 政府信息公开工作年度报告 into clean, audited data."""


def run() -> None:
    """The ``xxgk`` command: :func:`main`, then an exit that does not walk the run's objects.

    At exit Python collects garbage over every object still alive (the parser's modules, pydantic's
    schemas, what the command made): 60 ms of a one-file parse, a tenth of it. Frozen out of the
    collector they are still freed as their modules go; those only a reference cycle keeps alive are
    left to the operating system, finalizers unrun — the commands have closed every file by then.
    """
    try:
        main()
    finally:
        gc.freeze()


def _log_options(command: click.decorators.FC) -> click.decorators.FC:
    """-v/--verbose and --log-level of a command with an OUT: while it runs, the library's log goes to
    OUT/xxgk.log (xxgk/logs.py), and with -v its errors (internal ones with their tracebacks) to stderr too."""
    import functools

    from xxgk.logs import LEVELS, LOG_NAME

    @click.option("-v", "--verbose", count=True,
                  help=f"Write OUT/{LOG_NAME} (-v: INFO, -vv: DEBUG) and show internal errors' tracebacks on stderr.")
    @click.option("--log-level", type=click.Choice(LEVELS, case_sensitive=False),
                  help=f"Write OUT/{LOG_NAME} at this level (instead of -v's).")
    @functools.wraps(command)
    def run(*args: object, verbose: int, log_level: str | None, **kwargs: object) -> object:
        from xxgk.logs import level_of, start_log

        level = level_of(verbose, log_level)
        if level is None:
            return command(*args, **kwargs)
        out = str(kwargs["out"])
        try:
            stop = start_log(out, level, stderr=verbose > 0,
                             first=f"xxgk {PARSER_VERSION} {click.get_current_context().info_name} into {out}")
        except OSError as exc:
            click.echo(f"xxgk: error: cannot write the log in {out}: {exc.strerror or exc}", err=True)
            sys.exit(2)
        try:
            return command(*args, **kwargs)
        finally:
            stop()

    return run  # type: ignore[return-value]


@main.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path())
@click.option("-o", "--output", "out", required=True, type=click.Path(file_okay=False), help="Folder for the output files.")
@click.option("--encoding", type=click.Choice(["utf-8-sig", "utf-8"]), default="utf-8-sig", show_default=True,
              help="CSV encoding; utf-8 drops the BOM.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar and no summary.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), help="Worker processes  [default: every CPU available]")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=120.0, show_default=True,
              help="Seconds one file may take; then its worker is stopped and the file fails (TIMEOUT).")
@click.option("--max-memory-mb", type=click.IntRange(min=256), default=2048, show_default=True,
              help="Memory cap of each worker; a file that needs more fails (OUT_OF_MEMORY).")
@click.option("--executor", type=click.Choice(["local", "dask"]), default="local", show_default=True,
              help="Parse on local worker processes, or on a Dask cluster (--scheduler).")
@click.option("--scheduler", metavar="ADDRESS", help="Dask scheduler address, e.g. tcp://10.0.0.5:8786.")
@click.option("--resume/--no-resume", default=True, show_default=True,
              help="Skip files whose reports OUT/xxgk.sqlite already holds; --no-resume parses everything again.")
@click.option("--ocr", type=click.Choice(["auto", "never", "always"]), default="auto", show_default=True,
              help="OCR pages without a text layer (auto, needs xxgk[ocr]), no page, or every page.")
@click.option("--meta", type=click.Path(exists=True, dir_okay=False),
              help="CSV of metadata corrections: source or report_id, then any of bureau, bureau_key, level, "
              "is_government, region_code, year, template.")
@click.option("--parquet", is_flag=True, help="Also write the wide tables as .parquet (needs xxgk[parquet]).")
@click.option("--xlsx", is_flag=True, help="Also write the wide tables as wide.xlsx (needs xxgk[xlsx]).")
@_log_options
def parse(inputs: tuple[str, ...], out: str, encoding: str, quiet: bool, jobs: int | None, timeout: float,
          max_memory_mb: int, executor: str, scheduler: str | None, resume: bool, ocr: OcrMode, meta: str | None,
          parquet: bool, xlsx: bool) -> None:
    """Parse reports (files or folders, walked recursively) into OUT.

    Exit status: 0 when every input was read, 1 when any input failed, 2 for a usage error.
    """
    from xxgk.batch import run_parse
    from xxgk.options import ParseOptions
    from xxgk.output.options import ResearchOptions

    if (executor == "dask") != (scheduler is not None):
        raise click.UsageError("--executor dask and --scheduler ADDRESS go together")
    research = ResearchOptions(parquet=parquet, xlsx=xlsx, meta=meta)
    options = ParseOptions(encoding=encoding, jobs=jobs, timeout=timeout, max_memory_mb=max_memory_mb,
                           scheduler=scheduler, resume=resume, ocr=ocr, research=research)
    if quiet:  # no bars, no tables: rich is not even loaded
        with _errors():
            research.check()
            summary = run_parse(inputs, out, options, progress=_Warnings())
        sys.exit(1 if summary.statuses.get("failed") else 0)
    from rich.console import Console

    from xxgk.output.terminal import RichProgress, print_summary

    console = Console(stderr=True)
    with _errors():
        research.check()
        with RichProgress(console, quiet) as progress:
            summary = run_parse(inputs, out, options, progress=progress)
    print_summary(summary, console, out)
    sys.exit(1 if summary.statuses.get("failed") else 0)


@main.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path())
@click.option("-o", "--output", "out", default="audit-out", show_default=True, type=click.Path(file_okay=False),
              help="Folder for findings.csv, audit.html and the parse output (parse/).")
@click.option("--fail-on", type=click.Choice(["error", "warning", "never"]), default="error", show_default=True,
              help="Exit 1 when a finding of this severity (or worse) is found.")
@click.option("--previous", multiple=True, type=click.Path(exists=True),
              help="Earlier reports to compare with (carry-over, copied text): a folder of reports, an earlier "
              "OUT folder, its reports.jsonl or xxgk.sqlite. Repeatable.")
@click.option("--published", type=click.Path(exists=True, dir_okay=False),
              help="CSV of publication dates: columns source (or file name) and date.")
@click.option("--bodies", type=click.Path(exists=True, dir_okay=False),
              help="Roster CSV of the bodies that must report: columns body (name or body_id), aliases "
              "(other names, ;-separated), years (2022-2024; empty: every year of the batch). A missing year is 应报未报.")
@click.option("--decisions", type=click.Path(exists=True, dir_okay=False),
              help="CSV of decisions on findings: columns finding_id, status (confirmed, misread, dismissed), note. "
              "OUT/decisions.csv is the template to fill in; misread and dismissed findings leave the exit status.")
@click.option("--encoding", type=click.Choice(["utf-8-sig", "utf-8"]), default="utf-8-sig", show_default=True,
              help="CSV encoding; utf-8 drops the BOM.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar, no summary and no table.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), help="Worker processes for parsing  [default: every CPU available]")
@_log_options
def audit(inputs: tuple[str, ...], out: str, fail_on: str, previous: tuple[str, ...], published: str | None,
          bodies: str | None, decisions: str | None, encoding: str, quiet: bool, jobs: int | None) -> None:
    """Audit reports for supervisors: every check; findings.csv, audit.html, decisions.csv, the
    rectification lists (problems.xlsx, 整改通知/) and run.json in OUT.

    The table per bureau is printed on stdout (it is the human report); progress goes to stderr.
    Exit status: 1 when findings reach --fail-on, else 0; 2 for a usage error or when no report
    was found (a mistyped path, an empty folder, only unreadable files).
    """
    from rich.console import Console

    from xxgk.audit import run_audit
    from xxgk.options import AuditOptions, ParseOptions
    from xxgk.output.audit_terminal import print_audit
    from xxgk.output.terminal import RichProgress

    options = AuditOptions(previous=previous, published=published, bodies=bodies, decisions=decisions,
                           parse=ParseOptions(encoding=encoding, jobs=jobs))
    console = Console(stderr=True)
    with _errors(), RichProgress(console, quiet) as progress:
        invocation = {"argv": sys.argv, "params": click.get_current_context().params}
        summary = run_audit(inputs, out, options, progress=progress, invocation=invocation)
    if not summary.reports:
        # Nothing to process: never a clean exit, whatever --fail-on says.
        click.echo(f"xxgk: no report found in {' '.join(inputs)}", err=True)
        for entry in summary.overview.unread[:20]:
            click.echo(f"  {entry.source}: {entry.error or 'not a report'}", err=True)
        sys.exit(2)
    for decision in summary.stale:
        # Said even with -q: a decision whose finding is gone must not go unnoticed.
        click.echo(f"xxgk: stale decision {decision.finding_id} ({decision.status}): its finding is gone; "
                   f"kept in {out}/decisions.csv", err=True)
    if not quiet:
        print_audit(summary.overview, _stdout(), out)
    sys.exit(1 if summary.fails(fail_on) else 0)


def _stdout() -> Console:
    """The console for the human report. Piped, rich would fold it at 80 columns, cutting names in
    the middle; a pipe gets whole lines instead (COLUMNS, when set, still rules)."""
    from rich.console import Console

    console = Console()
    if not console.is_terminal and not os.environ.get("COLUMNS"):
        console = Console(width=_PIPE_WIDTH)
    return console


_PIPE_WIDTH = 400


@main.command()
@click.argument("out", type=click.Path(exists=True, file_okay=False))
@click.option("--chart", type=click.Path(dir_okay=False), help="Also draw a PNG chart (needs xxgk[chart]).")
def summary(out: str, chart: str | None) -> None:
    """Print a parsed batch (OUT of xxgk parse) at a glance: reports by template, level and year,
    applications received and granted, the most common findings and problem categories.

    The summary is printed on stdout (it is the human report).
    """
    from rich.console import Console

    from xxgk.batch import Batch
    from xxgk.summary import print_overview, write_chart

    with _errors():
        view = Batch(out).summary()
        if chart:
            write_chart(view, chart)
    print_overview(view, Console(), out)
