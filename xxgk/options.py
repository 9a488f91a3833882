"""What a batch is asked to do, as frozen objects passed whole (the command line builds them)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field

from xxgk.ingest.ocr import OcrMode
from xxgk.output.options import ResearchOptions


@dataclass(frozen=True, slots=True)
class ParseOptions:
    """How ``xxgk parse`` runs a batch: workers, limits, re-use of OUT's store, extra exports."""

    encoding: str = "utf-8-sig"  # of the CSV files; "utf-8" drops the BOM
    jobs: int | None = None  # local worker processes; None: every CPU this process may use
    timeout: float = 120.0  # seconds one file may take before its worker is stopped (TIMEOUT)
    max_memory_mb: int | None = 2048  # each worker's memory cap (OUT_OF_MEMORY)
    scheduler: str | None = None  # a Dask scheduler's address: parse on that cluster instead
    resume: bool = True  # files OUT's store already holds are not parsed again
    # Pages without a usable text layer are read by OCR when the extra is installed (auto); never;
    # or every page, whatever its text layer (always).
    ocr: OcrMode = "auto"
    research: ResearchOptions = field(default_factory=ResearchOptions)
    exclude: tuple[str, ...] = ()  # folders never read as input (an audit's own OUT)


@dataclass(frozen=True, slots=True)
class AuditOptions:
    """What ``xxgk audit`` compares with, and how it parses."""

    previous: Sequence[str | os.PathLike[str]] = ()  # earlier reports to compare with (never reported on)
    published: str | os.PathLike[str] | None = None  # CSV of publication dates
    bodies: str | os.PathLike[str] | None = None  # roster CSV: aliases and the years each body must report
    decisions: str | os.PathLike[str] | None = None  # CSV of finding_id, status, note (normalize/audit/decisions.py)
    parse: ParseOptions = field(default_factory=ParseOptions)
