"""Where files are parsed: supervised local worker processes, this process, or a Dask cluster.

Every executor takes tasks ``(index, path, source)`` and yields ``(index, Parsed)`` as results
arrive, in any order; the batch stores them and exports in discovery order. All of them run the same
pure per-file function, :func:`xxgk.tasks.parse_task`, imported only where files are parsed: a batch
that finds everything already parsed never loads the parser.
"""

from __future__ import annotations

import os
import resource
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol, Self

from xxgk.errors import ExecutorError
from xxgk.ingest.ocr import OcrMode
from xxgk.types import ErrorCode

if TYPE_CHECKING:  # multiprocessing is imported by the executor that starts workers: a one-file run has none
    from multiprocessing.connection import Connection
    from multiprocessing.context import BaseContext
    from multiprocessing.process import BaseProcess


class Parsed(NamedTuple):
    """What the per-file function sends back, as the store writes it (UTF-8 text, so that this process
    neither decodes what a worker encoded nor encodes it again for SQLite): the Report's JSON and, made
    where the work is spread over processes, its sections' word counts for keywords.csv (None for a
    file that is not a report) and its rows of the per-report CSV files (output/lines.render), each
    with the version of the code that made them."""

    report: bytes
    terms: bytes | None = None
    terms_version: str | None = None
    lines: bytes | None = None
    lines_version: str | None = None


Task = tuple[int, str, str]  # (index in discovery order, path, source)
Result = tuple[int, Parsed]
TaskFunction = Callable[[str, str], Parsed]

# A worker that cannot import the parser within this long will not do better later.
STARTUP_SECONDS = 60.0


def _parse_task() -> TaskFunction:
    from xxgk.tasks import parse_task

    return parse_task


@dataclass(frozen=True)
class ParseTask:
    """:func:`xxgk.tasks.parse_task` with the batch's reading options; sent to every worker, it imports
    the parser only there."""

    ocr: OcrMode = "auto"

    def __call__(self, path: str, source: str) -> Parsed:
        from xxgk.tasks import parse_task

        return parse_task(path, source, self.ocr)


def _failure(path: str, source: str, code: ErrorCode, message: str) -> Parsed:
    from xxgk.tasks import failure

    return failure(path, source, code, message)


def available_cpus() -> int:
    """The CPUs this process may run on (a Slurm job or taskset may allow fewer than the machine has)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def worker_context(preload: Sequence[str] = ()) -> BaseContext:
    """forkserver where available: workers fork from a process that has already loaded the parser,
    the keyword segmenter (:mod:`xxgk.preload`) and the ``preload`` modules (the readers a batch
    needs: :func:`xxgk.ingest.reader.reader_modules`), so starting or replacing one costs
    milliseconds, and nothing of the parent (open database, threads) is inherited. Elsewhere spawn.

    The forkserver is started once per process, with the modules asked for by then."""
    import multiprocessing

    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload([*preload, "xxgk.preload"])  # xxgk.preload freezes what is loaded before it
        return context
    return multiprocessing.get_context("spawn")


class Executor(Protocol):
    def __enter__(self) -> Self: ...

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None: ...

    def results(self, tasks: Iterable[Task]) -> Iterator[Result]:
        """Run every task; yield each result as it arrives. Pulls tasks only as workers free up."""
        ...


class _TimedOut(BaseException):
    """Raised into a file's parse by its alarm: not an Exception, so the parse's own handlers (which
    turn a parser bug into a failed report) let it through."""


class InProcessExecutor:
    """Parses in the calling process, one file after another.

    Without limits, for library use and debugging: a hostile file can hang or exhaust this process.
    With ``timeout`` (seconds; from the main thread only) a file still running then is stopped by an
    alarm between two Python instructions and gets a TIMEOUT report; with ``max_memory_mb`` this
    process's address space is capped while a file is parsed, so a file that would need more fails
    with OUT_OF_MEMORY. What it cannot contain is a crash in native code: the batch uses it for a
    single file read by Python code only (:func:`in_process_suffices`), where starting a worker would
    take longer than the parse.
    """

    def __init__(
        self, task: TaskFunction | None = None, *, timeout: float | None = None, max_memory_mb: int | None = None
    ) -> None:
        self.task = task  # None: xxgk.tasks.parse_task
        self.timeout = timeout
        self.max_memory_mb = max_memory_mb

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        pass

    def results(self, tasks: Iterable[Task]) -> Iterator[Result]:
        task = self.task
        for index, path, source in tasks:
            task = task or _parse_task()  # the parser is loaded by the first file to parse, if any
            yield index, self._run(task, path, source)

    def _run(self, task: TaskFunction, path: str, source: str) -> Parsed:
        alarm = bool(self.timeout) and threading.current_thread() is threading.main_thread()
        limits = _cap_memory(self.max_memory_mb) if self.max_memory_mb else None
        previous = signal.signal(signal.SIGALRM, _alarm) if alarm else None
        try:
            if alarm:
                signal.setitimer(signal.ITIMER_REAL, self.timeout or 0.0)
            return task(path, source)
        except _TimedOut:
            return _failure(path, source, ErrorCode.TIMEOUT, f"not finished after {self.timeout:g} s: it was stopped")
        finally:
            if alarm:
                signal.setitimer(signal.ITIMER_REAL, 0)
                signal.signal(signal.SIGALRM, previous)
            if limits is not None:
                resource.setrlimit(resource.RLIMIT_AS, limits)


def _alarm(signum: int, frame: object) -> None:
    raise _TimedOut


def _cap_memory(max_memory_mb: int) -> tuple[int, int] | None:
    """Cap this process's address space at ``max_memory_mb``, as a worker's; returns the limits to restore."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = max_memory_mb * 2**20
    try:
        resource.setrlimit(resource.RLIMIT_AS, (limit if hard == resource.RLIM_INFINITY else min(limit, hard), hard))
    except (ValueError, OSError):
        return None  # the system cannot cap address space (macOS): the timeout still bounds a runaway file
    return soft, hard


# Readers written in Python (and lxml): a file they read cannot crash the process in native code.
_IN_PROCESS_READERS = frozenset({"xxgk.ingest.text", "xxgk.ingest.html", "xxgk.ingest.embedded", "xxgk.ingest.docx"})


def in_process_suffices(files: int, readers: Sequence[str]) -> bool:
    """Whether a batch is parsed in its own process: one file, which no reader of native code
    (PDFium, a converter) may be asked to read. A worker would start a fresh interpreter and load the
    parser there before parsing, while this process waits: most of a one-file run."""
    return files == 1 and set(readers) <= _IN_PROCESS_READERS


# ---------------------------------------------------------------------------------------------
# Local worker processes under a supervisor


def _serve(conn: Connection, task: TaskFunction | None, max_memory_mb: int | None) -> None:
    """A worker: cap its memory, load the readers and jieba once, then parse one file per message until told to stop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the parent, which then stops the workers
    if max_memory_mb:
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = max_memory_mb * 2**20
        try:
            resource.setrlimit(resource.RLIMIT_AS, (limit if hard == resource.RLIM_INFINITY else min(limit, hard), hard))
        except (ValueError, OSError):
            pass  # the system cannot cap address space (macOS): the timeout still bounds a runaway file
    from xxgk import tasks

    tasks.warm_up()  # already done where it forked from, unless started by spawn
    task = task or tasks.parse_task
    try:
        conn.send(None)  # ready: the parent starts this worker's clock only now
        while (item := conn.recv()) is not None:
            index, path, source = item
            parsed = task(path, source)  # never raises for bad input; anything else ends this worker
            conn.send((index, parsed))
    except (EOFError, BrokenPipeError, ConnectionResetError):
        pass  # the parent has gone away


@dataclass
class _Worker:
    process: BaseProcess
    conn: Connection
    since: float  # when it was started, or began its current task
    ready: bool = False
    tasks: deque[Task] = field(default_factory=deque)  # sent to it, in order: the first is the one it is parsing


def _how_it_died(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        hint = {"SIGKILL": " (out of memory?)", "SIGSEGV": " (a crash in native code)", "SIGABRT": " (a crash in native code)"}
        return f"killed by {name}{hint.get(name, '')}"
    return f"exited with code {exitcode}"


# Files sent to a worker ahead of time, so that it goes on to the next while the parent stores the last.
_AHEAD = 2


class ProcessExecutor:
    """Parses on ``jobs`` local worker processes, each parsing one file at a time, with the next one
    already sent.

    The parent knows which file each worker is parsing and since when: a worker that exceeds
    ``timeout`` seconds on one file is killed and replaced, and that file gets a failed report
    (TIMEOUT); a worker that dies (out of memory, a crash in native code) is replaced and its file
    gets WORKER_CRASHED. The file it held next goes to another worker.
    Each worker's address space is capped at ``max_memory_mb``, so a hostile file ends in a
    MemoryError inside the parse (OUT_OF_MEMORY) rather than taking the machine's memory.
    """

    def __init__(
        self,
        jobs: int | None = None,
        *,
        timeout: float = 120.0,
        max_memory_mb: int | None = 2048,
        task: TaskFunction | None = None,  # None: xxgk.tasks.parse_task
        preload: Sequence[str] = (),  # modules the workers start with (worker_context)
    ) -> None:
        self.jobs = jobs or available_cpus()
        self.timeout = timeout
        self.max_memory_mb = max_memory_mb
        self.task = task
        self._context = worker_context(preload)
        self._workers: list[_Worker] = []
        self._backlog: deque[Task] = deque()  # taken back from lost workers, or pulled from the source

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        """Stop every worker: idle ones are asked to finish, busy ones are killed."""
        for worker in self._workers:
            if worker.ready and not worker.tasks:
                try:
                    worker.conn.send(None)
                except OSError:
                    pass
        deadline = time.monotonic() + 1.0
        for worker in list(self._workers):
            if worker.ready and not worker.tasks:
                worker.process.join(max(0.0, deadline - time.monotonic()))
            self._drop(worker)

    def results(self, tasks: Iterable[Task]) -> Iterator[Result]:
        source = iter(tasks)
        self._backlog = backlog = deque[Task]()

        def more() -> bool:
            if not backlog:
                task = next(source, None)
                if task is None:
                    return False
                backlog.append(task)
            return True

        arrived: list[Result] = []
        while True:
            if more():  # workers start with the first task, so a run with nothing to parse starts none
                while len(self._workers) < self.jobs:
                    self._start()
            for worker in list(self._workers):
                while worker.ready and len(worker.tasks) < _AHEAD and more():
                    if not self._assign(worker, backlog):
                        break
            # Handed over only now, so that the workers parse on while the caller stores these.
            yield from arrived
            if not any(w.tasks for w in self._workers) and not more():
                return
            arrived = list(self._events())

    def _start(self) -> None:
        parent, child = self._context.Pipe()
        # Every concrete context has Process; BaseContext as typed does not.
        process = self._context.Process(  # type: ignore[attr-defined]
            target=_serve, args=(child, self.task, self.max_memory_mb), name="xxgk-worker", daemon=True
        )
        process.start()
        child.close()  # else the parent would never see EOF when the worker dies
        self._workers.append(_Worker(process, parent, time.monotonic()))

    def _assign(self, worker: _Worker, backlog: deque[Task]) -> bool:
        task = backlog.popleft()
        try:
            worker.conn.send(task)
        except OSError:  # it died: this task goes to another worker; its death is seen to in _events
            backlog.appendleft(task)
            return False
        if not worker.tasks:
            worker.since = time.monotonic()
        worker.tasks.append(task)
        return True

    def _events(self) -> Iterator[Result]:
        """Wait for a message, a death or a deadline; yield the results this produces."""
        from multiprocessing.connection import wait

        now = time.monotonic()
        deadlines = [w.since + (self.timeout if w.ready else STARTUP_SECONDS) for w in self._workers if w.tasks or not w.ready]
        ready = wait(
            [w.conn for w in self._workers] + [w.process.sentinel for w in self._workers],
            max(0.0, min(deadlines) - now) if deadlines else None,
        )
        for worker in list(self._workers):
            if worker.conn in ready:
                try:
                    message = worker.conn.recv()
                except (EOFError, OSError):
                    pass  # it died: handled below
                else:
                    if message is None:
                        worker.ready, worker.since = True, time.monotonic()
                    else:
                        worker.tasks.popleft()
                        worker.since = time.monotonic()  # when it began the next one, if any
                        yield message
                    continue
            if worker.process.sentinel in ready or worker.conn in ready:
                yield from self._lost(worker, _how_it_died(self._drop(worker)))
        now = time.monotonic()
        for worker in list(self._workers):
            if worker.tasks and now - worker.since > self.timeout:
                self._drop(worker)
                how = f"not finished after {self.timeout:g} s: its worker was stopped"
                yield from self._lost(worker, how, ErrorCode.TIMEOUT)
            elif not worker.ready and now - worker.since > STARTUP_SECONDS:
                self._drop(worker)
                raise ExecutorError(f"a worker process did not start within {STARTUP_SECONDS:g} s")

    def _lost(self, worker: _Worker, how: str, code: ErrorCode = ErrorCode.WORKER_CRASHED) -> Iterator[Result]:
        if not worker.tasks:
            if not worker.ready:
                limit = f"; or is --max-memory-mb {self.max_memory_mb} too low?" if self.max_memory_mb else ""
                raise ExecutorError(f"a worker process could not start: {how} (its error is above{limit})")
            return  # died while idle: nothing lost
        index, path, source = worker.tasks.popleft()
        self._backlog.extendleft(reversed(worker.tasks))  # not begun: parsed by another worker
        if code == ErrorCode.WORKER_CRASHED:
            how = f"the worker process parsing this file {how}"
        yield index, _failure(path, source, code, how)

    def _drop(self, worker: _Worker) -> int | None:
        """Kill (if still alive) and forget a worker; returns its exit code."""
        if worker.process.is_alive():
            worker.process.kill()
        worker.process.join()
        worker.conn.close()
        self._workers.remove(worker)
        return worker.process.exitcode


# ---------------------------------------------------------------------------------------------
# Dask


class DaskExecutor:
    """Sends :func:`xxgk.tasks.parse_task` for each file to a Dask cluster (which must see the same paths).

    At most ``window`` files are in flight (default: four per worker thread), so a 100 000-file run
    never holds 100 000 futures. A file that runs longer than ``timeout`` seconds (as seen from the
    scheduler, checked every few seconds) gets a TIMEOUT report and its Dask worker is restarted
    through its nanny, which stops the stuck thread; the worker's other files are run again by
    Dask. Memory limits are the cluster's (``--memory-limit`` of the workers): a file that kills its
    worker each time it is tried (KilledWorker) gets a WORKER_CRASHED report.
    """

    def __init__(
        self,
        scheduler: str,
        *,
        timeout: float = 120.0,
        window: int | None = None,
        connect_timeout: float = 30.0,
        task: TaskFunction | None = None,  # None: xxgk.tasks.parse_task
    ) -> None:
        self.scheduler = scheduler
        self.timeout = timeout
        self.window = window
        self.connect_timeout = connect_timeout
        self.task = task
        self._client: Any = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def _connect(self) -> Any:
        try:
            from distributed import Client
        except ImportError as exc:
            raise ExecutorError("the dask executor needs the dask extra: pip install 'xxgk[dask]'") from exc
        try:
            self._client = Client(self.scheduler, timeout=self.connect_timeout)
        except (OSError, TimeoutError, ValueError) as exc:
            raise ExecutorError(f"cannot reach the Dask scheduler at {self.scheduler}: {exc}") from exc
        return self._client

    def results(self, tasks: Iterable[Task]) -> Iterator[Result]:
        source = iter(tasks)
        first = next(source, None)
        if first is None:
            return  # nothing to parse: no need to reach the cluster
        from distributed import wait as wait_for

        task = self.task or _parse_task()
        client = self._client or self._connect()
        window = self.window or max(16, 4 * sum(client.nthreads().values()))
        poll = min(self.timeout / 4, 5.0)
        in_flight: dict[Any, Task] = {}
        watch = _Watch(client, self.timeout)

        def submit(batch: list[Task]) -> None:
            if batch:
                futures = client.map(task, [t[1] for t in batch], [t[2] for t in batch], pure=False)
                in_flight.update(zip(futures, batch))

        submit([first, *(t for _, t in zip(range(window - 1), source))])
        while in_flight:
            try:
                done, _ = wait_for(list(in_flight), timeout=poll, return_when="FIRST_COMPLETED")
            except TimeoutError:
                done = set()
            for future in done:
                index, path, src = in_flight.pop(future)
                try:
                    parsed = future.result()
                except Exception as exc:  # KilledWorker, or the task raised: that file's row says so
                    how = f"the Dask task failed: {type(exc).__name__}: {exc}"
                    parsed = _failure(path, src, ErrorCode.WORKER_CRASHED, how)
                future.release()
                yield index, parsed
            for future in watch.overdue(in_flight):
                index, path, src = in_flight.pop(future)
                how = f"not finished after {self.timeout:g} s: its Dask worker was restarted"
                yield index, _failure(path, src, ErrorCode.TIMEOUT, how)
            if len(in_flight) <= window // 2:  # refill in batches: fewer round trips than one by one
                submit([t for _, t in zip(range(window - len(in_flight)), source)])


class _Watch:
    """Which Dask tasks have been running too long, from the scheduler's view (polled, not pushed)."""

    def __init__(self, client: Any, timeout: float) -> None:
        self.client, self.timeout = client, timeout
        self.since: dict[Any, tuple[str, float]] = {}  # key → (worker, first seen processing there)
        self.next_check = 0.0

    def overdue(self, in_flight: dict[Any, Task]) -> list[Any]:
        now = time.monotonic()
        if now < self.next_check:
            return []
        self.next_check = now + min(self.timeout / 4, 5.0)
        processing: dict[str, list[Any]] = self.client.processing()
        threads: dict[str, int] = self.client.nthreads()
        since = {}
        for worker, keys in processing.items():
            for key in keys:
                where, when = self.since.get(key, (worker, now))
                since[key] = (worker, when if where == worker else now)  # rescheduled: its clock starts again
        self.since = since
        futures = {future.key: future for future in in_flight}
        overdue = []
        for worker, keys in processing.items():
            # A worker also holds tasks queued behind the running ones: only its oldest can be running.
            running = sorted((k for k in keys if k in futures), key=lambda k: since[k][1])[: threads.get(worker, 1)]
            expired = [futures[k] for k in running if now - since[k][1] > self.timeout]
            if expired:
                for future in expired:
                    future.cancel()
                # Only killing the process stops a stuck thread; its nanny starts a fresh one.
                try:
                    self.client.restart_workers([worker])
                except Exception:  # no nanny, or it did not come back: Dask reschedules elsewhere
                    pass
                for key in keys:
                    self.since.pop(key, None)
                overdue.extend(expired)
        return overdue
