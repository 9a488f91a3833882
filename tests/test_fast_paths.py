"""Each faster path against the plainer code it replaced (kept here, or in the package, as the
reference): the same answers on every input tried."""

from __future__ import annotations

import csv
import resource
import time
from collections import Counter
from pathlib import Path

import pytest

from xxgk import template
from xxgk.api import parse_file
from xxgk.batch import run_parse
from xxgk.executors import InProcessExecutor, Parsed, ProcessExecutor, in_process_suffices
from xxgk.normalize.narrative import section_terms, tf_idf
from xxgk.normalize.schema import Report
from xxgk.options import ParseOptions
from xxgk.output.csvfiles import open_csv
from xxgk.output.narrative import Frequencies, _IdfCache
from xxgk.parsers import region
from xxgk.parsers.region import Division
from xxgk.template import LABELS, identities
from xxgk.types import TableKey

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def _one_away_by_scan(word: str) -> list[Division]:
    """The definition: every division of the word's shape whose name differs from it in one character."""
    return [d for d in region._same_shape(len(word), word[-1]) if sum(a != b for a, b in zip(d.name, word, strict=True)) == 1]


def _words() -> list[str]:
    names = [d.name for d in region._index().by_code.values()]
    words = names[::37]  # names in the list: their look-alikes, not themselves
    words += [name[:-2] + "某" + name[-1] for name in names[::53] if len(name) >= 3]  # one character off
    words += ["沐阳县", "临川市", "某某区", "白鹭区", "县", "州"]
    return words


@pytest.mark.parametrize("word", _words())
def test_one_away_finds_what_comparing_every_name_finds(word: str) -> None:
    assert region.one_away(word) == _one_away_by_scan(word)


def _exported(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in out.iterdir() if p.is_file() and not p.name.startswith("xxgk.sqlite")}


@pytest.mark.parametrize(("files", "readers", "in_process"), [
    (1, ["xxgk.ingest.text"], True),
    (1, ["xxgk.ingest.html", "xxgk.ingest.docx"], True),
    (1, ["xxgk.ingest.html", "xxgk.ingest.pdf"], False),  # PDFium is native code: a worker contains its crash
    (1, ["xxgk.ingest.legacy"], False),
    (2, ["xxgk.ingest.text"], False),
    (0, [], False),
])
def test_only_a_single_file_read_by_python_code_is_parsed_in_process(files: int, readers: list[str], in_process: bool) -> None:
    assert in_process_suffices(files, readers) is in_process


def test_a_single_file_parsed_in_process_writes_what_a_worker_writes(tmp_path: Path) -> None:
    source = next(FIXTURES.glob("**/source.txt"))
    run_parse([source], tmp_path / "in-process", ParseOptions(jobs=1))
    run_parse([source], tmp_path / "worker", ParseOptions(jobs=1), executor=ProcessExecutor(1))
    assert _exported(tmp_path / "in-process") == _exported(tmp_path / "worker")


def _hangs(path: str, source: str) -> Parsed:
    while True:
        time.sleep(0.05)


def _address_limit(path: str, source: str) -> Parsed:
    return Parsed(str(resource.getrlimit(resource.RLIMIT_AS)[0]))


def test_in_process_parses_keep_the_timeout_and_the_memory_cap(tmp_path: Path) -> None:
    path = tmp_path / "hang.txt"
    path.write_text("x", encoding="utf-8")
    before = resource.getrlimit(resource.RLIMIT_AS)
    with InProcessExecutor(_hangs, timeout=0.3) as executor:
        [(index, parsed)] = executor.results([(0, str(path), str(path))])
    report = Report.model_validate_json(parsed.report)
    assert (index, report.status, report.error and report.error.code) == (0, "failed", "TIMEOUT")
    with InProcessExecutor(_address_limit, max_memory_mb=4096) as executor:
        assert [parsed.report for _, parsed in executor.results([(0, "x", "x")])] == [str(4096 * 2**20)]
    assert resource.getrlimit(resource.RLIMIT_AS) == before  # only while the file was parsed


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8"])
def test_csv_files_opened_for_speed_hold_the_bytes_of_the_codec(tmp_path: Path, encoding: str) -> None:
    rows = [["report_id", "text"], ["a", "表三 自然人"], ["b", "=1+1"]]
    for handle in (open(tmp_path / "codec.csv", "w", encoding=encoding, newline=""), open_csv(tmp_path / "fast.csv", encoding)):
        with handle:
            csv.writer(handle).writerows(rows)
    assert (tmp_path / "fast.csv").read_bytes() == (tmp_path / "codec.csv").read_bytes()


@pytest.mark.parametrize("table", [TableKey.T3, TableKey.T4, TableKey.T2])
def test_identities_made_once_per_set_of_rows_are_those_made_each_time(table: TableKey) -> None:
    rows = list(LABELS.get(table, {}))
    for present in (rows, rows[::2], rows[1:], [], ["other_handling", *rows[:3]]):
        assert identities(table, present) == list(template._identities.__wrapped__(table, frozenset(present)))
        assert identities(table, iter(present)) == identities(table, present)


def test_keyword_weights_from_cached_idf_are_tf_idf_to_the_last_bit(corpus: Path) -> None:
    reports = [parse_file(path) for path in sorted(corpus.glob("*/source.txt"))[:12]]
    frequencies = Frequencies()
    sections = [counts for report in reports for _, counts in section_terms(report.sections)]
    for counts in sections:
        frequencies.documents += 1
        frequencies.df.update(counts.keys())
    cache = _IdfCache(frequencies)
    for counts in sections:
        for top in (3, 10, 1000):
            assert cache.top(dict(counts), top) == tf_idf(counts, frequencies.df, frequencies.documents, top)
    assert cache.top({}, 10) == tf_idf(Counter(), frequencies.df, frequencies.documents, 10) == []
