"""The command line: options parsed here, work done by the library."""

from __future__ import annotations

import sys

import click

from normalize.build import PARSER_VERSION


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(PARSER_VERSION, prog_name="xxgk")
def main() -> None:
    """Turn 政府信息公开工作年度报告 into clean, audited data."""


@main.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path())
@click.option("-o", "--output", "out", required=True, type=click.Path(file_okay=False), help="Folder for the output files.")
@click.option("--encoding", type=click.Choice(["utf-8-sig", "utf-8"]), default="utf-8-sig", show_default=True,
              help="CSV encoding; utf-8 drops the BOM.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar and no summary.")
def parse(inputs: tuple[str, ...], out: str, encoding: str, quiet: bool) -> None:
    """Parse reports (files or folders, walked recursively) into OUT.

    Exit status: 0 when every input was read, 1 when any input failed, 2 for a usage error.
    """
    from xxgk.batch import run_parse

    summary = run_parse(inputs, out, encoding=encoding, quiet=quiet)
    sys.exit(1 if summary.statuses.get("failed") else 0)
