"""Batches at scale: supervised workers, the store, resume, deterministic exports."""

from __future__ import annotations

import csv
import json
import os
import resource
import signal
import sqlite3
import subprocess
import sys
import time
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner

import xxgk.api
import xxgk.batch
from xxgk.api import parse_file
from xxgk.batch import run_parse
from xxgk.cli import main
from xxgk.executors import InProcessExecutor, Parsed, ProcessExecutor
from xxgk.ingest.reader import content_id, report_id
from xxgk.normalize.schema import Report, report_json
from xxgk.options import ParseOptions
from xxgk.output.export import write_range
from xxgk.output.lines import PER_REPORT_FILES
from xxgk.output.store import PAGE_SIZE, STORED_ROWS, Store, StoreError, report_head
from xxgk.tasks import parse_task

ROOT = Path(__file__).resolve().parent.parent
FILES = ("reports.csv", "cells.csv", "findings.csv", "sections.csv", "reports.jsonl")


# Task functions run in worker processes, so they live at module level (workers import them by name).


def sleepy(path: str, source: str) -> Parsed:
    if "hang" in Path(path).name:
        time.sleep(60)
    return parse_task(path, source)


def crashy(path: str, source: str) -> Parsed:
    if "crash" in Path(path).name:
        os.kill(os.getpid(), signal.SIGSEGV)
    return parse_task(path, source)


def jittery(path: str, source: str) -> Parsed:
    # Finish out of order: later files often come back first.
    time.sleep((zlib.crc32(path.encode()) % 20) / 1000)
    return parse_task(path, source)


def address_limit(path: str, source: str) -> str:
    return str(resource.getrlimit(resource.RLIMIT_AS)[0])


def inherited(path: str, source: str) -> str:
    """Whether this worker's keyword segmenter was loaded before it was forked: objects made before the
    fork were frozen out of the collector there, so the worker's own collector does not list them."""
    import gc

    from xxgk.normalize.tokenizers import keyword_tokenizer

    loaded = keyword_tokenizer()
    time.sleep(0.1)  # long enough for the other worker to be given files too
    return f"{os.getpid()} {not any(o is loaded for o in gc.get_objects())}"


def hungry(path: str, source: str) -> str:
    try:
        bytearray(1 << 30)
    except MemoryError:
        return "MemoryError"
    return "allocated"


def make_reports(folder: Path, seed: str, n: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        path = folder / f"r{i:04d}.txt"
        path.write_text(seed.replace("61 条", f"{61 + i} 条") + f"\n\n编号 {i}\n", encoding="utf-8")
        paths.append(path)
    return paths


def exported(out: Path) -> dict[str, bytes]:
    """Every file the batch wrote into OUT (contract and research files) but its store."""
    files = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file() and not p.name.startswith("xxgk.sqlite")}
    assert set(FILES) <= set(files)
    return files


def rows(out: Path) -> list[dict[str, str]]:
    with open(out / "reports.csv", encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


class Counting(InProcessExecutor):
    """In-process, counting the files it is asked to parse."""

    def __init__(self) -> None:
        super().__init__()
        self.parsed: list[str] = []

    def results(self, tasks):  # type: ignore[no-untyped-def]
        for index, path, source in tasks:
            self.parsed.append(Path(path).name)
            yield index, parse_task(path, source)


@pytest.fixture(scope="module")
def seed(corpus: Path) -> str:
    return (corpus / "s01_xigong_hrss_2023" / "source.txt").read_text(encoding="utf-8")


# executors


@pytest.mark.slow
def test_parallel_export_is_byte_identical_to_sequential(tmp_path: Path, seed: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(xxgk.batch, "EXPORT_CHUNK", 5)  # several export chunks from a small batch
    make_reports(tmp_path / "in", seed, 24)
    (tmp_path / "in" / "empty.txt").write_bytes(b"")
    (tmp_path / "in" / "notes.json").write_text("{}", encoding="utf-8")
    # A copy in the last chunk of the first file, which is in the first chunk.
    (tmp_path / "in" / "z_copy.txt").write_bytes((tmp_path / "in" / "r0000.txt").read_bytes())
    serial = run_parse([tmp_path / "in"], tmp_path / "serial", ParseOptions(jobs=1), executor=InProcessExecutor())
    parallel = run_parse([tmp_path / "in"], tmp_path / "parallel", ParseOptions(jobs=2), executor=ProcessExecutor(2, task=jittery))
    assert exported(tmp_path / "serial") == exported(tmp_path / "parallel")
    assert serial == parallel and serial.statuses == {"ok": 24, "failed": 1, "skipped": 1} and serial.copies == 1
    sources = [r["source"] for r in rows(tmp_path / "parallel")]
    assert sources == sorted(sources)  # discovery order, whatever order the workers finished in
    assert [r["duplicate_of"] for r in rows(tmp_path / "parallel")] == [""] * 26 + [str(tmp_path / "in" / "r0000.txt")]


@pytest.mark.slow
def test_a_hung_file_times_out_and_is_retried_on_rerun(tmp_path: Path, seed: str) -> None:
    make_reports(tmp_path / "in", seed, 3)
    (tmp_path / "in" / "hang.txt").write_text(seed, encoding="utf-8")
    start = time.monotonic()
    summary = run_parse([tmp_path / "in"], tmp_path / "out",
                        executor=ProcessExecutor(2, timeout=3.0, task=sleepy))
    assert time.monotonic() - start < 20
    by_name = {Path(r["source"]).name: r for r in rows(tmp_path / "out")}
    assert by_name["hang.txt"]["status"] == "failed" and by_name["hang.txt"]["error_code"] == "TIMEOUT"
    assert "3 s" in by_name["hang.txt"]["error"]
    assert by_name["hang.txt"]["report_id"] == content_id(tmp_path / "in" / "hang.txt")
    assert summary.statuses == {"ok": 3, "failed": 1}
    # a re-run tries the timed-out file again (this time it parses), and nothing else
    counting = Counting()
    summary = run_parse([tmp_path / "in"], tmp_path / "out", executor=counting)
    assert counting.parsed == ["hang.txt"] and summary.statuses == {"ok": 4}


def test_a_crashing_worker_is_replaced_and_the_batch_goes_on(tmp_path: Path, seed: str) -> None:
    make_reports(tmp_path / "in", seed, 4)
    (tmp_path / "in" / "crash.txt").write_text(seed, encoding="utf-8")
    summary = run_parse([tmp_path / "in"], tmp_path / "out", executor=ProcessExecutor(2, task=crashy))
    by_name = {Path(r["source"]).name: r for r in rows(tmp_path / "out")}
    assert by_name["crash.txt"]["error_code"] == "WORKER_CRASHED"
    assert "SIGSEGV" in by_name["crash.txt"]["error"]
    assert summary.statuses == {"ok": 4, "failed": 1}


def test_workers_have_a_memory_cap() -> None:
    with ProcessExecutor(1, max_memory_mb=512, task=address_limit) as executor:
        assert list(executor.results([(0, "x", "x")])) == [(0, str(512 * 2**20))]
    with ProcessExecutor(1, max_memory_mb=512, task=hungry) as executor:
        assert list(executor.results([(0, "x", "x")])) == [(0, "MemoryError")]


def test_workers_start_with_the_segmenter_loaded_once_where_they_were_forked_from() -> None:
    with ProcessExecutor(2, task=inherited) as executor:
        answers = [answer for _, answer in executor.results([(n, "x", "x") for n in range(6)])]
    pids = {answer.split()[0] for answer in answers}
    assert len(pids) == 2  # both workers answered
    assert {answer.split()[1] for answer in answers} == {"True"}


def test_a_nothing_to_do_run_starts_no_workers() -> None:
    executor = ProcessExecutor(2)
    with executor:
        assert list(executor.results([])) == []
        assert executor._workers == []


@pytest.mark.parametrize("fixture", ["t01_tabs_2021", "t09_template_2019"])
def test_a_one_file_run_with_the_tokenizers_built_ahead_writes_the_same_files(tmp_path: Path, fixture: str) -> None:
    source = ROOT / "fixtures" / fixture / "source.txt"
    run_parse([source], tmp_path / "here", ParseOptions(jobs=1))  # one CPU: built in this process
    run_parse([source], tmp_path / "ahead", ParseOptions(jobs=2))
    names = sorted(p.name for p in (tmp_path / "here").iterdir() if p.name != "xxgk.sqlite")
    assert names == sorted(p.name for p in (tmp_path / "ahead").iterdir() if p.name != "xxgk.sqlite")
    for name in names:
        assert (tmp_path / "ahead" / name).read_bytes() == (tmp_path / "here" / name).read_bytes(), name


def test_a_one_file_text_run_loads_neither_worker_machinery_nor_jieba(tmp_path: Path) -> None:
    # rjieba cuts the keywords and X-TEXT's statements (tests/test_segmenter.py), so jieba is not loaded.
    code = ("import sys; from xxgk.batch import run_parse; from xxgk.options import ParseOptions; "
            f"run_parse([{str(ROOT / 'fixtures/t01_tabs_2021/source.txt')!r}], {str(tmp_path)!r}, ParseOptions(jobs=2)); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('multiprocessing', 'concurrent', 'jieba')))")
    result = subprocess.run([sys.executable, "-W", "error", "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]", result.stderr


@pytest.mark.parametrize(("args", "status"), [
    (["--version"], 0),
    (["parse"], 2),  # a usage error
    (["parse", "fixtures/t01_tabs_2021/source.txt", "-o", "OUT", "-q"], 0),
    (["parse", "fixtures/t12_not_a_report/source.txt", "fixtures/missing.txt", "-o", "OUT", "-q"], 1),
])
def test_the_console_script_exits_with_the_commands_status(tmp_path: Path, args: list[str], status: int) -> None:
    argv = [str(tmp_path / "out") if a == "OUT" else a for a in args]
    result = subprocess.run([sys.executable, "-W", "error", "-c", "from xxgk.cli import run; run()", *argv],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == status, result.stderr
    if "OUT" in args:
        assert (tmp_path / "out" / "reports.csv").read_text(encoding="utf-8-sig").count("\n") - 1 == len(argv) - 4  # a row per input


def test_memory_and_reader_errors_become_failed_reports(tmp_path: Path, seed: str, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "seed.txt"
    path.write_text(seed, encoding="utf-8")

    def no_memory(*args: object) -> None:
        raise MemoryError

    def reader_bug(*args: object) -> None:
        raise ValueError("boom")

    monkeypatch.setattr(xxgk.api, "parse_document", no_memory)
    report = parse_file(path)
    assert (report.status, report.error and report.error.code) == ("failed", "OUT_OF_MEMORY")
    assert report.report_id == content_id(path)
    monkeypatch.setattr(xxgk.api, "read_document", no_memory)
    assert parse_file(path).error.code == "OUT_OF_MEMORY"  # type: ignore[union-attr]
    monkeypatch.setattr(xxgk.api, "read_document", reader_bug)
    report = parse_file(path)
    assert report.error and report.error.code == "READ_ERROR" and "ValueError: boom" in report.error.message


# resume


def test_rerun_parses_only_what_changed(tmp_path: Path, seed: str, monkeypatch: pytest.MonkeyPatch) -> None:
    paths = make_reports(tmp_path / "in", seed, 5)
    first = Counting()
    run_parse([tmp_path / "in"], tmp_path / "out", executor=first)
    assert len(first.parsed) == 5
    before = {name: (tmp_path / "out" / name).stat().st_mtime_ns for name in FILES}

    def no_hashing(path: Path) -> None:
        raise AssertionError(f"{path} was read although it did not change")

    # unchanged files are recognised by their size, times and inode, without being read; the
    # exported files already say the same, so they are left as they are
    with monkeypatch.context() as patch:
        patch.setattr(xxgk.batch, "content_id", no_hashing)
        again = Counting()
        summary = run_parse([tmp_path / "in"], tmp_path / "out", executor=again)
    assert again.parsed == [] and summary.statuses == {"ok": 5}
    assert {name: (tmp_path / "out" / name).stat().st_mtime_ns for name in FILES} == before

    # a touched file with the same content is read (hashed) but not parsed; a changed one is parsed
    os.utime(paths[0], ns=(1, 1))
    paths[1].write_text(seed + "\n补充\n", encoding="utf-8")
    changed = Counting()
    run_parse([tmp_path / "in"], tmp_path / "out", executor=changed)
    assert changed.parsed == ["r0001.txt"]
    fresh = run_parse([tmp_path / "in"], tmp_path / "fresh", executor=InProcessExecutor())
    assert exported(tmp_path / "out") == exported(tmp_path / "fresh") and fresh.statuses == {"ok": 5}

    # --no-resume parses everything again
    everything = Counting()
    run_parse([tmp_path / "in"], tmp_path / "out", ParseOptions(resume=False), executor=everything)
    assert len(everything.parsed) == 5


def test_a_new_parser_version_parses_again(tmp_path: Path, seed: str, monkeypatch: pytest.MonkeyPatch) -> None:
    make_reports(tmp_path / "in", seed, 3)
    run_parse([tmp_path / "in"], tmp_path / "out", executor=InProcessExecutor())

    class NextVersion(Counting):
        def results(self, tasks):  # type: ignore[no-untyped-def]
            for index, parsed in super().results(tasks):
                report = Report.model_validate_json(parsed.report).model_copy(update={"parser_version": "9.9"})
                # The rows the worker rendered are of the report before the change: rendered at export.
                yield index, parsed._replace(report=report_json(report), lines=None, lines_version=None)

    monkeypatch.setattr(xxgk.batch, "PARSER_VERSION", "9.9")
    newer = NextVersion()
    run_parse([tmp_path / "in"], tmp_path / "out", executor=newer)
    assert len(newer.parsed) == 3
    assert {r["parser_version"] for r in rows(tmp_path / "out")} == {"9.9"}
    with sqlite3.connect(tmp_path / "out" / "xxgk.sqlite") as db:
        assert db.execute("SELECT count(*) FROM reports").fetchone() == (6,)  # both versions kept


def test_identical_files_are_parsed_once_but_each_gets_its_row(tmp_path: Path, seed: str) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("a.txt", "b.txt", "c.txt"):
        (folder / name).write_text(seed, encoding="utf-8")
    for name in ("e1.txt", "e2.txt"):  # unread files have ids from their paths: each parsed
        (folder / name).write_bytes(b"")
    counting = Counting()
    run_parse([folder], tmp_path / "out", executor=counting)
    assert counting.parsed == ["a.txt", "e1.txt", "e2.txt"]
    by_name = {Path(r["source"]).name: r for r in rows(tmp_path / "out")}
    assert len({by_name[n]["report_id"] for n in ("a.txt", "b.txt", "c.txt")}) == 1
    assert by_name["e1.txt"]["report_id"] != by_name["e2.txt"]["report_id"]
    assert by_name["c.txt"]["source"] == str(folder / "c.txt")
    # The first in input order is the original; the copies name it and are counted once.
    assert [by_name[n]["duplicate_of"] for n in ("a.txt", "b.txt", "c.txt", "e1.txt")] == ["", str(folder / "a.txt"), str(folder / "a.txt"), ""]
    fresh = run_parse([folder], tmp_path / "fresh", ParseOptions(resume=False), executor=InProcessExecutor())
    assert fresh.statuses == {"ok": 1, "failed": 2} and fresh.copies == 2
    lines = (tmp_path / "out" / "reports.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["source"] for line in lines] == [str(folder / n) for n in sorted(by_name)]


def test_the_export_reads_each_input_by_its_key_not_the_whole_run(tmp_path: Path) -> None:
    """The export's query searches the run's inputs by the run alone only once (listing each content's
    first input), never once per input: that read the whole run for every input, quadratic, the
    slowest part of a 2,000-report export."""
    with Store(tmp_path / "xxgk.sqlite") as store:
        store.begin_run("0", 0)
    db = sqlite3.connect(tmp_path / "xxgk.sqlite")
    plan = {node: (parent, detail) for node, parent, _, detail in db.execute("EXPLAIN QUERY PLAN " + STORED_ROWS, (1, "0", "", "", 1, 0, 9))}
    db.close()
    whole_run = [node for node, (_, detail) in plan.items() if detail.startswith("SEARCH") and detail.endswith("(run_id=?)")]
    assert whole_run and all(plan.get(plan[node][0], (0, ""))[1].startswith("MATERIALIZE") for node in whole_run), plan


def test_a_deleted_export_is_written_again(tmp_path: Path, seed: str) -> None:
    make_reports(tmp_path / "in", seed, 2)
    run_parse([tmp_path / "in"], tmp_path / "out", executor=InProcessExecutor())
    before = exported(tmp_path / "out")
    (tmp_path / "out" / "cells.csv").unlink()
    run_parse([tmp_path / "in"], tmp_path / "out", executor=InProcessExecutor())
    assert exported(tmp_path / "out") == before


# store


def test_report_head_reads_identity_without_decoding_everything(seed: str, tmp_path: Path) -> None:
    path = tmp_path / "seed.txt"
    path.write_text(seed, encoding="utf-8")
    report = parse_file(path)
    head = report_head(report_json(report))
    assert (head.report_id, head.parser_version, head.status, head.error_code) == (
        report.report_id, report.parser_version, report.status, None,
    )
    spaced = report_head(report.model_dump_json(indent=2).encode())  # not compact: read the slow way
    assert spaced == head
    failed = report_json(parse_file(tmp_path / "missing.bin"))
    assert report_head(failed).error_code == "NOT_FOUND"
    # A head longer than the prefix read first (a deep path), cut inside a character: the slow way.
    deep = report.model_copy(update={"source": "/报告" * 2000 + "/seed.txt"})
    assert report_head(report_json(deep)) == head


def test_workers_send_the_json_model_dump_json_makes(seed: str, tmp_path: Path) -> None:
    # The store keeps the bytes a worker sends; the reports' JSON must be what it always was.
    path = tmp_path / "seed.txt"
    path.write_text(seed, encoding="utf-8")
    for report in (parse_file(path), parse_file(tmp_path / "missing.bin")):
        assert report_json(report) == report.model_dump_json().encode()


@pytest.mark.parametrize("existing", [False, True])
def test_a_new_store_has_large_pages_and_an_old_one_keeps_its_own(tmp_path: Path, seed: str, existing: bool) -> None:
    path = tmp_path / "xxgk.sqlite"
    if existing:  # a store made before PAGE_SIZE: SQLite's default pages, already in WAL mode
        with sqlite3.connect(path) as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("CREATE TABLE earlier (x)")
    (tmp_path / "seed.txt").write_text(seed, encoding="utf-8")
    report = parse_file(tmp_path / "seed.txt")
    with Store(path) as store:
        run_id = store.begin_run("test", 1)
        store.put(run_id, 0, "seed.txt", None, report_json(report))
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA page_size").fetchone() == ((4096,) if existing else (PAGE_SIZE,))
        assert db.execute("SELECT json FROM reports").fetchone() == (report.model_dump_json(),)


def test_one_batch_at_a_time_per_output_folder(tmp_path: Path) -> None:
    with Store(tmp_path / "xxgk.sqlite"):
        with pytest.raises(StoreError, match="in use"):
            Store(tmp_path / "xxgk.sqlite")


@pytest.mark.slow
def test_the_journal_is_copied_into_the_database_while_the_run_goes_on(tmp_path: Path) -> None:
    # Without the background copy, SQLite copies only when 40 MB of journal have built up, inside a
    # commit: the database file would stay as created until then.
    from xxgk.normalize.build import failed_report

    path = tmp_path / "xxgk.sqlite"
    with Store(path) as store:
        run_id = store.begin_run("test", 200)
        created = path.stat().st_size
        for n in range(200):  # about 2 MB: far below the writer's own 40 MB
            store.put(run_id, n, f"r{n}.txt", None, report_json(failed_report(f"r{n}.txt", f"{n:064x}", "CORRUPT", "x" * 10_000)))
        store.commit()
        deadline = time.monotonic() + 10
        while path.stat().st_size < created + 1_000_000 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert path.stat().st_size > created + 1_000_000
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT count(*) FROM reports").fetchone() == (200,)


def test_content_id_matches_the_readers_report_id(tmp_path: Path, seed: str) -> None:
    path = tmp_path / "seed.txt"
    path.write_text(seed, encoding="utf-8")
    assert content_id(path) == parse_file(path).report_id
    large = tmp_path / "large.txt"  # past the size read at once: streamed, the same id
    large.write_bytes(seed.encode() * (2 * 2**20 // len(seed.encode()) + 1))
    assert content_id(large) == report_id(large.read_bytes())
    assert content_id(tmp_path) is None and content_id(tmp_path / "missing") is None
    os.mkfifo(tmp_path / "pipe.txt")
    assert content_id(tmp_path / "pipe.txt") is None  # does not wait for a writer


# command line


@pytest.mark.parametrize(
    "extra",
    [["--jobs", "0"], ["--timeout", "0"], ["--max-memory-mb", "10"], ["--executor", "dask"],
     ["--scheduler", "tcp://127.0.0.1:1"], ["--executor", "spark"]],
)
def test_bad_batch_options_are_usage_errors(extra: list[str], tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["parse", str(tmp_path), "-o", str(tmp_path / "out"), *extra])
    assert result.exit_code == 2, result.output


def test_an_output_folder_that_cannot_be_created_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x", encoding="utf-8")
    result = CliRunner().invoke(main, ["parse", str(tmp_path / "file"), "-o", str(tmp_path / "file" / "out"), "-q"])
    assert result.exit_code == 2 and "cannot create the output folder" in result.output


def test_cli_runs_with_jobs_and_keeps_stdout_clean(tmp_path: Path, seed: str) -> None:
    make_reports(tmp_path / "in", seed, 3)
    result = CliRunner().invoke(main, ["parse", str(tmp_path / "in"), "-o", str(tmp_path / "out"), "-j", "2", "-q"])
    assert result.exit_code == 0 and result.stdout == ""
    assert len(rows(tmp_path / "out")) == 3


def report_only(path: str, source: str) -> Parsed:
    return Parsed(parse_task(path, source).report)  # as from a worker that does not count words


def test_keywords_are_the_same_whether_the_workers_or_the_export_counted_the_words(tmp_path: Path, seed: str) -> None:
    """And sections.csv and problems.csv whether the workers or the export rendered their rows."""
    make_reports(tmp_path / "in", seed, 6)
    run_parse([tmp_path / "in"], tmp_path / "workers", executor=ProcessExecutor(2))
    run_parse([tmp_path / "in"], tmp_path / "export", executor=InProcessExecutor(task=report_only))
    for table in ("terms", "lines"):
        with sqlite3.connect(tmp_path / "workers" / "xxgk.sqlite") as db:
            assert db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 6
        with sqlite3.connect(tmp_path / "export" / "xxgk.sqlite") as db:
            assert db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0
    keywords = (tmp_path / "workers" / "keywords.csv").read_bytes()
    assert keywords.count(b"\n") > 6 * 10 and keywords == (tmp_path / "export" / "keywords.csv").read_bytes()
    assert exported(tmp_path / "workers") == exported(tmp_path / "export")
    assert not list((tmp_path / "workers").glob(".*"))  # the word-count spool is not left in OUT


def test_rows_rendered_by_other_code_are_rendered_again(tmp_path: Path, seed: str) -> None:
    make_reports(tmp_path / "in", seed, 4)
    run_parse([tmp_path / "in"], tmp_path / "out", executor=ProcessExecutor(2))
    written = exported(tmp_path / "out")
    store = tmp_path / "out" / "xxgk.sqlite"
    with sqlite3.connect(store) as db:  # rows an older xxgk rendered, differently
        older = {name: "x\r\n" for name in PER_REPORT_FILES}
        db.execute("UPDATE lines SET version = 'older', json = ?", (json.dumps(["r", "s", "ok", [], None, older]),))
        run_id, parser_version = db.execute("SELECT run_id, parser_version FROM runs ORDER BY run_id DESC").fetchone()
    write_range(store, run_id, parser_version, 0, 4, tmp_path / "again", "utf-8-sig")
    assert written["cells.csv"].count(b"\n") > 4 * 50
    for name in PER_REPORT_FILES:
        assert (tmp_path / "again" / name).read_bytes() == written[name], name


def test_a_store_of_the_former_schema_is_read_its_rows_rendered_again(tmp_path: Path, seed: str) -> None:
    """A store written before the table lines (sections.csv and problems.csv rows in narrative): its
    reports are reused, their rows rendered by the export, the former table dropped."""
    make_reports(tmp_path / "in", seed, 3)
    run_parse([tmp_path / "in"], tmp_path / "out", executor=ProcessExecutor(2))
    written = exported(tmp_path / "out")
    with sqlite3.connect(tmp_path / "out" / "xxgk.sqlite") as db:
        db.execute("DROP TABLE lines")
        db.execute("CREATE TABLE narrative (report_id TEXT NOT NULL, parser_version TEXT NOT NULL, version TEXT NOT NULL,"
                   " json TEXT NOT NULL, PRIMARY KEY (report_id, parser_version))")
        db.execute("UPDATE runs SET fingerprint = 'older'")  # written by other code: the files are written again
    for path in (tmp_path / "out").glob("*.csv"):
        path.unlink()
    counting = Counting()
    run_parse([tmp_path / "in"], tmp_path / "out", executor=counting)
    assert counting.parsed == [] and exported(tmp_path / "out") == written
    with sqlite3.connect(tmp_path / "out" / "xxgk.sqlite") as db:
        tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "narrative" not in tables and "lines" in tables
