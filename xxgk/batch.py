"""A batch run: every input parsed by an executor, kept in OUT/xxgk.sqlite, exported to OUT's files.

A re-run into the same OUT parses only what is new: a file whose content (report_id) was already
parsed by this parser version is taken from the store, found without reading the file when its
size, times and inode are unchanged. The exported files are written at the end, from the store, in
discovery order — whatever order the workers finished in — and left as they are when a re-run finds
the same inputs with the same reports.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import logging
import os
import shutil
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from xxgk.errors import BatchError, SummaryError
from xxgk.executors import (
    DaskExecutor,
    Executor,
    InProcessExecutor,
    ParseTask,
    ProcessExecutor,
    Result,
    Task,
    available_cpus,
    in_process_suffices,
    worker_context,
)
from xxgk.ingest.files import discover
from xxgk.ingest.reader import content_id, reader_modules
from xxgk.normalize.tokenizers import built_ahead
from xxgk.options import ParseOptions
from xxgk.output.options import code_fingerprint
from xxgk.output.store import STORE_NAME, Export, FileState, Head, Store
from xxgk.output.terminal import BatchSummary
from xxgk.progress import ProgressSink, Silent
from xxgk.version import PARSER_VERSION

if TYPE_CHECKING:
    from xxgk.normalize.schema import Report
    from xxgk.summary import Overview

# Below this many reports per process, writing in parallel costs more than it saves.
EXPORT_CHUNK = 200
_STAGING = ".xxgk-export"
log = logging.getLogger(__name__)


def run_parse(
    inputs: Sequence[str | os.PathLike[str]],
    out: str | os.PathLike[str],
    options: ParseOptions = ParseOptions(),
    *,
    executor: Executor | None = None,
    progress: ProgressSink | None = None,
) -> BatchSummary:
    """Parse every input into OUT (store and contract files). Returns the batch summary; prints nothing
    (``progress`` is told of each file and of warnings).

    Files are parsed on ``options.jobs`` local worker processes (default: every CPU this process may
    use), each file within ``options.timeout`` seconds and ``options.max_memory_mb`` of memory; with
    ``options.scheduler`` on that Dask cluster instead; or on any given ``executor``. With
    ``options.resume`` (the default) files already in OUT's store are not parsed again.
    ``options.research`` asks for the optional Parquet/.xlsx copies and applies a metadata corrections
    file to every exported file (output/research.py). Raises :class:`~xxgk.errors.XxgkError` only
    when the batch as a whole cannot run; a bad input file is a failed row, never an exception.
    """
    progress = progress or Silent()
    out = Path(out)
    jobs = options.jobs or available_cpus()
    files = list(discover(inputs, options.exclude))
    ahead = False  # the tokenizers built in another process while this one loads the parser
    if executor is None:
        readers = reader_modules({path.suffix for path, _ in files})
        chosen: DaskExecutor | ProcessExecutor | InProcessExecutor
        if options.scheduler:
            chosen = DaskExecutor(options.scheduler, timeout=options.timeout)
        elif in_process_suffices(len(files), readers):
            chosen = InProcessExecutor(timeout=options.timeout, max_memory_mb=options.max_memory_mb)
            ahead = jobs > 1
        else:
            chosen = ProcessExecutor(jobs, timeout=options.timeout, max_memory_mb=options.max_memory_mb, preload=readers)
        if options.ocr != "auto":  # the default options leave the workers their default task
            chosen.task = ParseTask(options.ocr)
        executor = chosen
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BatchError(f"cannot create the output folder {out}: {exc.strerror or exc}") from exc
    # Forked before the store starts its thread; stopped when the run ends.
    with built_ahead(ahead), Store(out / STORE_NAME) as store:
        run_id = store.begin_run(PARSER_VERSION, len(files))
        _Parse(files, store, run_id, options.resume, progress.phase("parsing", len(files))).run(executor)
        return _export(store, run_id, len(files), out, jobs, progress, options)


class Batch:
    """A finished batch in OUT, read back: its reports (from reports.jsonl, streaming) and its
    summary at a glance (from the wide files, as ``xxgk summary`` shows it)."""

    def __init__(self, out: str | os.PathLike[str], reports_file: str | os.PathLike[str] | None = None) -> None:
        self.out = Path(out)
        self.reports_file = Path(reports_file) if reports_file is not None else self.out / "reports.jsonl"

    def reports(self) -> Iterator[Report]:
        """Every report of the batch, in input order, one at a time."""
        from xxgk.normalize.schema import Report

        if not self.reports_file.is_file():
            raise SummaryError(f"{self.out} holds no reports.jsonl: write it with `xxgk parse INPUT... -o {self.out}`")
        with open(self.reports_file, encoding="utf-8") as handle:
            for line in handle:
                if line.strip():
                    yield Report.model_validate_json(line)

    def summary(self) -> Overview:
        """Reports by template, tier and year, applications, findings and problems (``xxgk summary``)."""
        from xxgk.summary import overview

        return overview(self.out)


class _Parse:
    """The parse phase: which inputs the store already holds, which go to the executor, and storing what comes back."""

    def __init__(
        self, files: list[tuple[Path, str]], store: Store, run_id: int, resume: bool, advance: Callable[[], None]
    ) -> None:
        self.files, self.store, self.run_id, self.resume, self.advance = files, store, run_id, resume, advance
        self.states: dict[int, FileState | None] = {}  # of the files in flight
        self.sent: set[str] = set()  # content ids sent to the executor in this run
        self.parsed: set[str] = set()  # report ids stored in this run
        self.copies: list[int] = []  # inputs whose content was in flight when they came up
        self.importing = False

    def run(self, executor: Executor) -> None:
        with executor:
            self._store(executor.results(self._tasks(range(len(self.files)), defer_copies=True)))
            # Identical files are parsed once: the copies get the first one's report, or are parsed
            # now if its report turned out not to be of their content (a file that was not read).
            self._store(executor.results(self._tasks(self.copies, defer_copies=False)))
        self.store.commit()

    def _tasks(self, indices: Iterable[int], defer_copies: bool) -> Iterator[Task]:
        for index in indices:
            path, source = self.files[index]
            state = FileState.of(path)
            known = self._report_id(path, source, state)
            if known is not None:
                if known in self.parsed or (self.resume and self.store.reusable(known, PARSER_VERSION)):
                    self.store.link(self.run_id, index, source, state, known, PARSER_VERSION)
                    self.advance()
                    continue
                if defer_copies and known in self.sent:
                    self.copies.append(index)
                    continue
                self.sent.add(known)
            self.states[index] = state
            if not self.importing:
                self.importing = True
                _import_export_code()
            yield index, str(path), source

    def _report_id(self, path: Path, source: str, state: FileState | None) -> str | None:
        if state is None:
            return None  # gone or unreadable: the parse says why
        if self.resume and (known := self.store.known_id(source, state, PARSER_VERSION)):
            return known
        return content_id(path)

    def _store(self, results: Iterable[Result]) -> None:
        for index, parsed in results:
            source = self.files[index][1]
            head = self.store.put(self.run_id, index, source, self.states.pop(index), *parsed)
            self.parsed.add(head.report_id)
            _log_error(source, head)
            self.advance()


def _import_export_code() -> None:
    """Load the export's code (the schema and the writers: a third of a second) in a thread while the
    workers start and parse, rather than after the last report: meanwhile this process only waits
    for them. A run that parses nothing never needs it."""
    threading.Thread(target=importlib.import_module, args=("xxgk.output.export",), name="xxgk-import", daemon=True).start()


def _log_error(source: str, head: Head) -> None:
    """Log a report's error here, in the parent, where the log is written: a worker's failure comes
    inside its report (an internal error with its traceback)."""
    error = head.error
    if not error:
        return
    line = f"{source}: {error['code']}: {error['message']}"
    if error.get("category") == "internal":
        log.error("%s%s", line, f"\n{error['traceback'].rstrip()}" if error.get("traceback") else "")
    elif head.status == "failed":
        log.warning("%s", line)
    else:
        log.debug("%s", line)  # skipped: not a report


def _export(
    store: Store, run_id: int, count: int, out: Path, jobs: int, progress: ProgressSink, options: ParseOptions
) -> BatchSummary:
    """Write OUT's contract files from the store — unless the files there already say exactly this."""
    encoding, research = options.encoding, options.research
    # What the files would hold: every input's source and report (revision), how they are written.
    digest = hashlib.sha256(f"{PARSER_VERSION}\0{encoding}\0".encode())
    digest.update(code_fingerprint())  # changed code writes again
    digest.update(research.fingerprint())
    stored = 0
    for source, report_id, revision in store.inputs(run_id, PARSER_VERSION):
        digest.update(f"{source}\0{report_id}\0{revision}\n".encode("utf-8", "surrogatepass"))
        stored += 1
    if stored != count:
        raise BatchError(f"the store holds {stored} of this run's {count} reports")
    fingerprint = digest.hexdigest()
    last = store.last_export(run_id)
    if last is not None and last.fingerprint == fingerprint and _file_states(out, last.files) == last.files:
        store.finish_run(run_id, last)
        return _summary_from_json(last.summary)

    from xxgk.output.export import concatenate, write_range
    from xxgk.output.narrative import Frequencies, write_keywords
    from xxgk.output.research import finish

    staging = out / _STAGING  # written aside, then moved in: a killed export leaves the old files whole
    shutil.rmtree(staging, ignore_errors=True)
    ranges = _ranges(count, jobs)
    advance = progress.phase("writing", len(ranges))
    if len(ranges) == 1:
        summary, frequencies = write_range(store.path, run_id, PARSER_VERSION, 0, count, staging, encoding, research)
        write_keywords(staging, encoding, frequencies)
        advance()
    else:
        from concurrent.futures import ProcessPoolExecutor, as_completed  # export processes, for large batches only

        parts = [staging / f"part{n:05d}" for n in range(len(ranges))]
        summaries: list[BatchSummary] = [BatchSummary()] * len(ranges)
        frequencies = Frequencies()
        with ProcessPoolExecutor(min(jobs, len(ranges)), mp_context=worker_context()) as pool:
            futures = {
                pool.submit(write_range, store.path, run_id, PARSER_VERSION, start, stop, part, "utf-8", research): n
                for n, ((start, stop), part) in enumerate(zip(ranges, parts))
            }
            for future in as_completed(futures):
                summaries[futures[future]], part_frequencies = future.result()
                frequencies.update(part_frequencies)
                advance()
            # Keywords weigh each word against the whole batch: scored once every chunk is counted.
            list(pool.map(write_keywords, parts, ["utf-8"] * len(parts), [frequencies] * len(parts)))
        concatenate(parts, staging, encoding)
        for part in parts:
            shutil.rmtree(part)
        summary = _merged(summaries)
    for warning in finish(staging, encoding, research):
        progress.warn(warning)
    names = sorted(entry.name for entry in staging.iterdir())
    for name in names:
        os.replace(staging / name, out / name)
    staging.rmdir()
    store.finish_run(run_id, Export(fingerprint, _file_states(out, names), _summary_to_json(summary)))
    return summary


def _ranges(count: int, jobs: int) -> list[tuple[int, int]]:
    """Index ranges for the export: one when small, else the same number (up to four) for each process,
    so that all finish together."""
    if jobs < 2 or count < 2 * EXPORT_CHUNK:
        return [(0, count)]
    chunks = jobs * max(1, min(4, count // (EXPORT_CHUNK * jobs)))
    bounds = [count * n // chunks for n in range(chunks + 1)]
    return list(zip(bounds, bounds[1:]))


def _file_states(out: Path, names: Iterable[str]) -> dict[str, list[int]]:
    states = {}
    for name in names:
        try:
            st = (out / name).stat()
        except OSError:
            continue
        states[name] = [st.st_size, st.st_mtime_ns]
    return states


def _merged(parts: list[BatchSummary]) -> BatchSummary:
    total = BatchSummary()
    for part in parts:
        total.statuses.update(part.statuses)
        total.findings.update(part.findings)
        total.failures.extend(part.failures)
        total.copies += part.copies
    return total


def _summary_to_json(summary: BatchSummary) -> str:
    findings = [[code, severity, n] for (code, severity), n in summary.findings.items()]
    return json.dumps({"statuses": summary.statuses, "findings": findings, "failures": summary.failures,
                       "copies": summary.copies}, ensure_ascii=False)


def _summary_from_json(text: str) -> BatchSummary:
    data = json.loads(text)
    return BatchSummary(
        statuses=Counter(data["statuses"]),
        findings=Counter({(code, severity): n for code, severity, n in data["findings"]}),
        failures=[(source, error) for source, error in data["failures"]],
        copies=data["copies"],  # the code that stored it is this code (code_fingerprint)
    )
