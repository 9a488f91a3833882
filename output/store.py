"""OUT/xxgk.sqlite: every parsed report, kept so that a re-run parses only what is new.

Tables:

- ``reports``: one row per (report_id, parser_version) — status, error code, the source it was parsed
  from and the whole Report as JSON (lossless; ``Report.model_validate_json`` loads it back).
  ``revision`` grows whenever a row is written, so an export can tell a re-parsed report from the old one.
- ``files``: what each input path looked like when it was last parsed (size, times, inode) and the
  report it gave — the fast path that recognises an unchanged file without reading it.
- ``runs``: one row per batch; a finished run records what it exported (a fingerprint of its inputs,
  the files written and their summary), so an identical re-run can leave the files as they are.
- ``run_inputs``: the current run's inputs in discovery order → report_id; exports are read from it.
- ``terms``: per report, its sections' word counts for keywords.csv, made by the parse worker, and the
  version of the code that counted them (an export counts again when its code differs).
- ``lines``: per report, its rows of the per-report CSV files rendered by the parse worker
  (output/lines.py), and the version of the code that rendered them (an export renders them again
  when its code differs). It replaced ``narrative`` (sections.csv and problems.csv rows only), which
  opening a store drops: an export renders what an older store lacks from its reports.

Writes are committed every tenth of a second (WAL journal), a few reports per transaction, so a run
killed at any moment leaves a database that opens, holds whole reports only, and lets a re-run finish
the rest — parsing again at most the moment's worth of reports that had not been committed. The
journal is copied into the database by a background thread, so storing never waits for that.
"""

from __future__ import annotations

import fcntl
import json
import sqlite3
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from xxgk.errors import StoreError
from xxgk.types import ErrorCode

STORE_NAME = "xxgk.sqlite"
# A commit per report would cost the parent more than storing it; a kill loses at most this much work.
_COMMIT_SECONDS = 0.1
# How often the journal is copied into the database: a second's worth of reports is a few megabytes.
_CHECKPOINT_SECONDS = 1.0
_COMMIT_ROWS = 500
PAGE_SIZE = 32768

_SCHEMA = """
CREATE TABLE IF NOT EXISTS reports (
    revision INTEGER PRIMARY KEY AUTOINCREMENT,
    report_id TEXT NOT NULL,
    parser_version TEXT NOT NULL,
    status TEXT NOT NULL,
    error_code TEXT,
    source TEXT NOT NULL,
    json TEXT NOT NULL,
    UNIQUE (report_id, parser_version)
);
CREATE TABLE IF NOT EXISTS files (
    source TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    ctime_ns INTEGER NOT NULL,
    inode INTEGER NOT NULL,
    device INTEGER NOT NULL,
    report_id TEXT NOT NULL,
    parser_version TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS runs (
    run_id INTEGER PRIMARY KEY AUTOINCREMENT,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    parser_version TEXT NOT NULL,
    inputs INTEGER NOT NULL,
    fingerprint TEXT,
    exported TEXT,
    summary TEXT
);
CREATE TABLE IF NOT EXISTS terms (
    report_id TEXT NOT NULL,
    parser_version TEXT NOT NULL,
    version TEXT NOT NULL,
    json TEXT NOT NULL,
    PRIMARY KEY (report_id, parser_version)
);
DROP TABLE IF EXISTS narrative;
CREATE TABLE IF NOT EXISTS lines (
    report_id TEXT NOT NULL,
    parser_version TEXT NOT NULL,
    version TEXT NOT NULL,
    json TEXT NOT NULL,
    PRIMARY KEY (report_id, parser_version)
);
CREATE TABLE IF NOT EXISTS run_inputs (
    run_id INTEGER NOT NULL,
    idx INTEGER NOT NULL,
    source TEXT NOT NULL,
    report_id TEXT NOT NULL,
    PRIMARY KEY (run_id, idx)
);
"""


@dataclass(frozen=True)
class FileState:
    """What a file looked like; equal states mean unchanged content, as for make or rsync."""

    size: int
    mtime_ns: int
    ctime_ns: int
    inode: int
    device: int

    @classmethod
    def of(cls, path: Path) -> FileState | None:
        try:
            st = path.stat()
        except OSError:
            return None
        return cls(st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev)


@dataclass(frozen=True)
class Head:
    report_id: str
    parser_version: str
    status: str
    error_code: str | None
    error: dict[str, Any] | None = field(default=None, compare=False)  # the whole ErrorItem, traceback included


_WANTED = ("report_id", "parser_version", "status", "error")
_decode = json.JSONDecoder().raw_decode


# Enough of a report's JSON to hold its head, unless an error's traceback or a long path comes first.
_HEAD_BYTES = 4096


def report_head(data: bytes) -> Head:
    """The identity and status of a Report's JSON (UTF-8), read without decoding its cells.

    Decoding a whole report costs more than parsing one file's worth of results in the parent;
    these fields come first in the schema, so only the few values before them are decoded.
    """
    # A character cut in two at the end of the prefix is dropped: the fields wanted lie before it, or
    # the prefix ends inside them and the slow way reads them.
    text = data[:_HEAD_BYTES].decode("utf-8", "ignore")
    found: dict[str, Any] = {}
    try:
        pos = 1  # after "{"; the JSON is compact (model_dump_json)
        while len(found) < len(_WANTED):
            key, pos = _decode(text, pos)
            value, pos = _decode(text, pos + 1)  # after ":"
            if key in _WANTED:
                found[key] = value
            pos += 1  # after "," or "}"
    except (ValueError, IndexError):
        found = json.loads(data)  # not compact, fields in another order, or a long head: the slow way
    error = found.get("error")
    return Head(found["report_id"], found["parser_version"], found["status"], error["code"] if error else None, error)


def _retried(code: str | None) -> bool:
    """Whether a stored report failed for the run's limits or the machine rather than the file: parsed again."""
    try:
        return code is not None and ErrorCode(code).retried
    except ValueError:  # a code this version does not know
        return False


@dataclass(frozen=True)
class Export:
    """What a finished run left in OUT: the fingerprint of its inputs, the files and their summary."""

    fingerprint: str
    files: dict[str, list[int]]  # name → [size, mtime_ns] after writing
    summary: str


class _Checkpoints(threading.Thread):
    """Copies the journal into the database every second, on its own connection.

    Left to the writer, SQLite does this inside a commit: the batch's parent stopped storing reports,
    and its workers ran out of files, for the quarter second each 40 MB took (fsync included).
    PASSIVE checkpoints never make the writer wait; SQLite releases the GIL while it copies.
    """

    def __init__(self, path: Path) -> None:
        super().__init__(name="xxgk-checkpoints", daemon=True)
        self.path = path
        self.stopping = threading.Event()

    def run(self) -> None:
        try:
            db = sqlite3.connect(self.path)
        except sqlite3.Error:
            return  # the writer's own backstop checkpoints still run
        try:
            while not self.stopping.wait(_CHECKPOINT_SECONDS):
                try:
                    db.execute("PRAGMA wal_checkpoint(PASSIVE)")
                except sqlite3.Error:
                    continue  # a copy that failed loses nothing (the journal stays whole): try again later
        finally:
            db.close()

    def finish(self) -> None:
        self.stopping.set()
        self.join()


class Store:
    """The database of one OUT folder, held by one batch at a time."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            # A second batch writing the same OUT would interleave its exports with ours.
            self._lock = open(path, "ab")
            try:
                fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError as exc:
                self._lock.close()
                raise StoreError(f"{path} is in use by another xxgk run") from exc
            self._db = sqlite3.connect(path)
            # A new database only (an existing one keeps its own): a report's 60-odd kB take two pages
            # rather than fifteen, written to the journal and copied into the database in fewer, larger
            # writes — a third less of the parent's storing CPU, for a file 6 % larger.
            self._db.execute(f"PRAGMA page_size={PAGE_SIZE}")
            # In WAL mode NORMAL still survives a killed process; only power loss may drop the last commits.
            # Set first, so that turning a new database to WAL syncs less too (two fewer fdatasyncs).
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("PRAGMA journal_mode=WAL")
            # Every 40 MB the writer checkpoints itself, which lets the journal start over; _Checkpoints
            # has copied all but the last second's pages by then, so that takes milliseconds.
            self._db.execute("PRAGMA wal_autocheckpoint=10000")
            self._db.executescript(_SCHEMA)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open {path}: {exc}") from exc
        except OSError as exc:
            raise StoreError(f"cannot open {path}: {exc.strerror or exc}") from exc
        self._pending = 0
        self._committed_at = time.monotonic()
        self._checkpoints = _Checkpoints(path)
        self._checkpoints.start()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        self._checkpoints.finish()
        self._db.commit()
        self._db.close()
        self._lock.close()

    # runs

    def begin_run(self, parser_version: str, inputs: int) -> int:
        cursor = self._db.execute(
            "INSERT INTO runs (started_at, parser_version, inputs) VALUES (?, ?, ?)", (_now(), parser_version, inputs)
        )
        run_id = int(cursor.lastrowid or 0)
        # Only the current run's input list is needed; older ones would grow the database forever.
        self._db.execute("DELETE FROM run_inputs WHERE run_id <> ?", (run_id,))
        self._db.commit()
        return run_id

    def last_export(self, run_id: int) -> Export | None:
        """The export of the latest finished run before this one: the files now in OUT, if untouched."""
        row = self._db.execute(
            "SELECT fingerprint, exported, summary FROM runs WHERE finished_at IS NOT NULL AND run_id < ?"
            " ORDER BY run_id DESC LIMIT 1",
            (run_id,),
        ).fetchone()
        if row is None or row[1] is None:
            return None
        return Export(row[0], json.loads(row[1]), row[2])

    def finish_run(self, run_id: int, export: Export) -> None:
        self._db.execute(
            "UPDATE runs SET finished_at = ?, fingerprint = ?, exported = ?, summary = ? WHERE run_id = ?",
            (_now(), export.fingerprint, json.dumps(export.files), export.summary, run_id),
        )
        self._db.commit()

    # looking up what is already parsed

    def known_id(self, source: str, state: FileState, parser_version: str) -> str | None:
        """The report_id this source had when it last looked exactly like this."""
        row = self._db.execute(
            "SELECT report_id FROM files WHERE source = ? AND size = ? AND mtime_ns = ? AND ctime_ns = ?"
            " AND inode = ? AND device = ? AND parser_version = ?",
            (source, state.size, state.mtime_ns, state.ctime_ns, state.inode, state.device, parser_version),
        ).fetchone()
        return row[0] if row else None

    def reusable(self, report_id: str, parser_version: str) -> bool:
        """Whether this report is stored and final (not a failure that a re-run should try again)."""
        row = self._db.execute(
            "SELECT error_code FROM reports WHERE report_id = ? AND parser_version = ?", (report_id, parser_version)
        ).fetchone()
        return row is not None and not _retried(row[0])

    # writing

    def put(
        self, run_id: int, index: int, source: str, state: FileState | None, report: bytes,
        terms: bytes | None = None, terms_version: str | None = None,
        lines: bytes | None = None, lines_version: str | None = None,
    ) -> Head:
        """Store one parsed report (its JSON, with its word counts and rendered rows when made, each as
        UTF-8) as input ``index`` of the run; returns its identity and status. Its rows are committed
        together, with those of the moment's other reports."""
        head = report_head(report)
        # CAST stores the bytes as they are, as TEXT (what json_extract reads), without Python decoding
        # them into a str for SQLite to encode again.
        self._db.execute(
            "INSERT OR REPLACE INTO reports (report_id, parser_version, status, error_code, source, json)"
            " VALUES (?, ?, ?, ?, ?, CAST(? AS TEXT))",
            (head.report_id, head.parser_version, head.status, head.error_code, source, report),
        )
        for table, made, version in (("terms", terms, terms_version), ("lines", lines, lines_version)):
            if made is not None and version is not None:
                self._db.execute(
                    f"INSERT OR REPLACE INTO {table} VALUES (?, ?, ?, CAST(? AS TEXT))",
                    (head.report_id, head.parser_version, version, made),
                )
            else:  # what an earlier parse of this content made would not be of this report
                self._db.execute(
                    f"DELETE FROM {table} WHERE report_id = ? AND parser_version = ?", (head.report_id, head.parser_version)
                )
        if state is not None:
            self._remember(source, state, head.report_id, head.parser_version)
        self._db.execute(
            "INSERT OR REPLACE INTO run_inputs (run_id, idx, source, report_id) VALUES (?, ?, ?, ?)",
            (run_id, index, source, head.report_id),
        )
        self._wrote()
        return head

    def link(self, run_id: int, index: int, source: str, state: FileState | None, report_id: str, parser_version: str) -> None:
        """Record a stored report as input ``index`` of the run."""
        if state is not None:
            self._remember(source, state, report_id, parser_version)
        self._db.execute(
            "INSERT OR REPLACE INTO run_inputs (run_id, idx, source, report_id) VALUES (?, ?, ?, ?)",
            (run_id, index, source, report_id),
        )
        self._wrote()

    def commit(self) -> None:
        self._db.commit()
        self._pending = 0
        self._committed_at = time.monotonic()

    def _wrote(self) -> None:
        self._pending += 1
        if self._pending >= _COMMIT_ROWS or time.monotonic() - self._committed_at >= _COMMIT_SECONDS:
            self.commit()

    def _remember(self, source: str, state: FileState, report_id: str, parser_version: str) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (source, state.size, state.mtime_ns, state.ctime_ns, state.inode, state.device, report_id, parser_version),
        )

    # reading a run back

    def inputs(self, run_id: int, parser_version: str) -> Iterator[tuple[str, str, int]]:
        """(source, report_id, revision) of every input of the run, in discovery order."""
        yield from self._db.execute(
            "SELECT i.source, i.report_id, r.revision FROM run_inputs i"
            " JOIN reports r ON r.report_id = i.report_id AND r.parser_version = ?"
            " WHERE i.run_id = ? ORDER BY i.idx",
            (parser_version, run_id),
        )


# The rows stored_rows streams. The first input of each content is looked up over the whole run: a
# copy's original may lie in another export chunk. Its source is a subquery by primary key: as a join,
# SQLite searched the original by run_id alone, reading the whole run for every input (quadratic: 2.3 s
# of a 2,000-report export; tests/test_scale.py checks the plan).
STORED_ROWS = (
    "WITH firsts AS (SELECT report_id, MIN(idx) AS idx FROM run_inputs WHERE run_id = ? GROUP BY report_id)"
    " SELECT i.source, CAST(r.json AS BLOB), t.json, n.json,"
    " CASE WHEN f.idx < i.idx THEN (SELECT o.source FROM run_inputs o WHERE o.run_id = i.run_id AND o.idx = f.idx) END"
    " FROM run_inputs i"
    " JOIN reports r ON r.report_id = i.report_id AND r.parser_version = ?"
    " LEFT JOIN terms t ON t.report_id = i.report_id AND t.parser_version = r.parser_version AND t.version = ?"
    " LEFT JOIN lines n ON n.report_id = i.report_id AND n.parser_version = r.parser_version AND n.version = ?"
    " JOIN firsts f ON f.report_id = i.report_id"
    " WHERE i.run_id = ? AND i.idx >= ? AND i.idx < ? ORDER BY i.idx"
)


def stored_rows(
    path: Path, run_id: int, parser_version: str, start: int, stop: int, terms_version: str, lines_version: str
) -> Iterator[tuple[str, bytes, str | None, str | None, str | None]]:
    """(source, report JSON (UTF-8, as reports.jsonl writes it), its word counts if made by code of ``terms_version``, its rendered rows if
    rendered by code of ``lines_version``, the source of the run's first input with the same content
    when that is an earlier one) of the run's inputs ``start`` ≤ index < ``stop``, streamed, read-only.

    Opens its own connection, so export workers in other processes read while the batch holds the store.
    """
    db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        yield from db.execute(STORED_ROWS, (run_id, parser_version, terms_version, lines_version, run_id, start, stop))
    finally:
        db.close()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
