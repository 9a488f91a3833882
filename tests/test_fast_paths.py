"""Each faster path against the plainer code it replaced (kept here, or in the package, as the
reference): the same answers on every input tried."""

from __future__ import annotations

import csv
import resource
import time
import unicodedata
from collections import Counter
from dataclasses import astuple
from itertools import islice
from pathlib import Path

import pytest

from xxgk import template
from xxgk.api import parse_file
from xxgk.batch import run_parse
from xxgk.executors import InProcessExecutor, Parsed, ProcessExecutor, in_process_suffices
from xxgk.normalize import build, facts, narrative
from xxgk.normalize.audit import narrative as audit_narrative
from xxgk.normalize.audit import text as audit_text
from xxgk.normalize.audit.narrative import Statement, statements
from xxgk.normalize.audit.text import sentences
from xxgk.normalize.checks import CellIndex
from xxgk.normalize.facts import KEY_NAMES, UNITS, StatedFact, _compared, _flat, stated_facts
from xxgk.normalize.narrative import _CHINESE, keyword_tokenizer, prose, section_terms, stop_words, terms, tf_idf
from xxgk.normalize.schema import Cell, NarrativeFact, Report, Section, report_json
from xxgk.options import ParseOptions
from xxgk.output.csvfiles import ContractWriter, open_csv
from xxgk.output.lines import PER_REPORT_FILES, Rendered, render
from xxgk.output.narrative import TERMS_SPOOL, Frequencies, _IdfCache, terms_json
from xxgk.output.research import ResearchWriter
from xxgk.output.terminal import BatchSummary
from xxgk.parsers import bureau, published, region
from xxgk.parsers import facts as facts_parser
from xxgk.parsers.bureau import to_simplified
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
    return Parsed(str(resource.getrlimit(resource.RLIMIT_AS)[0]).encode())


def test_in_process_parses_keep_the_timeout_and_the_memory_cap(tmp_path: Path) -> None:
    path = tmp_path / "hang.txt"
    path.write_text("x", encoding="utf-8")
    before = resource.getrlimit(resource.RLIMIT_AS)
    with InProcessExecutor(_hangs, timeout=0.3) as executor:
        [(index, parsed)] = executor.results([(0, str(path), str(path))])
    report = Report.model_validate_json(parsed.report)
    assert (index, report.status, report.error and report.error.code) == (0, "failed", "TIMEOUT")
    with InProcessExecutor(_address_limit, max_memory_mb=4096) as executor:
        assert [parsed.report for _, parsed in executor.results([(0, "x", "x")])] == [str(4096 * 2**20).encode()]
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


# facts.csv's rows as first written: each sentence looked for by flattening every section again.


def _printed_by_scan(sections: list[Section], sentence: str) -> tuple[str, int | None, int | None] | None:
    target = _flat(sentence)
    for section in sections:
        kept = [i for i, ch in enumerate(section.text) if not ch.isspace()]
        flat = facts.to_simplified("".join(section.text[i] for i in kept))
        at = flat.find(target) if target else -1
        if at < 0 or len(flat) != len(kept):
            continue
        start, end = kept[at], kept[at + len(target) - 1] + 1
        printed = facts.re.sub(r"\s*\n\s*", "", section.text[start:end])
        prov = section.provenance
        line = prov.line + section.text.count("\n", 0, start) if prov is not None and prov.line is not None else None
        return printed, line, prov.page if prov is not None else None
    return None


def _whole_sentence_by_scan(sections: list[Section], fact: NarrativeFact) -> tuple[str, int | None, int | None] | None:
    fragment = _flat(fact.sentence)
    for section in sorted(sections, key=lambda s: s.key != fact.section):
        for sentence in sentences(section.text):
            if fragment and fragment in _flat(sentence):
                return _printed_by_scan([section], sentence)
    return None


def _same_by_scan(fact: NarrativeFact, statement: Statement) -> bool:
    if facts.AUDIT_KEYS.get(fact.key) != statement.key or fact.value != statement.value:
        return False
    a, b = _flat(fact.sentence), _flat(statement.sentence)
    return bool(a) and bool(b) and (a in b or b in a)


def _stated_facts_by_scan(report: Report) -> list[StatedFact]:
    if report.status in ("failed", "skipped"):
        return []
    index = CellIndex(report.cells)
    parsed = list(report.facts)
    rows: list[StatedFact] = []
    for statement in statements(report):
        key = KEY_NAMES[statement.key]
        twin = next((f for f in parsed if _same_by_scan(f, statement)), None)
        if twin is not None:
            parsed.remove(twin)
        found = _printed_by_scan(report.sections, statement.sentence)
        sentence, line, page = found if found else (statement.sentence, None, None)
        flat = _flat(statement.sentence)
        page = next((f.provenance.page for f in report.facts if f.provenance is not None
                     and f.provenance.page is not None and _flat(f.sentence) in flat), page)
        unit = twin.unit if twin is not None else UNITS.get(key, "件")
        table_key, table_value = _compared(index, key, statement.value)
        rows.append(StatedFact(statement.section, key, statement.value, unit, sentence, line, page, table_key, table_value))
    for fact in parsed:
        prov = fact.provenance
        line, page = (prov.line, prov.page) if prov is not None else (None, None)
        sentence = fact.sentence
        if (whole := _whole_sentence_by_scan(report.sections, fact)) is not None:
            sentence, line = whole[0], whole[1] if whole[1] is not None else line
        table_key, table_value = _compared(index, fact.key, fact.value)
        rows.append(StatedFact(fact.section, fact.key, fact.value, fact.unit, sentence, line, page, table_key, table_value))
    return rows


@pytest.fixture(scope="module")
def every_report(corpus: Path) -> list[Report]:
    """Every report of the corpus and the fixtures, parsed."""
    return [parse_file(path) for path in sorted(corpus.glob("*/source.*")) + sorted(FIXTURES.glob("**/source.*"))]


def test_stated_facts_from_sections_flattened_once_are_those_found_by_scanning(every_report: list[Report]) -> None:
    stated = 0
    for report in every_report:
        expected = [astuple(f) for f in _stated_facts_by_scan(report)]
        assert [astuple(f) for f in stated_facts(report)] == expected, report.source
        stated += len(expected)
    assert stated > 100  # the comparison saw facts, of every kind of report


def test_rows_rendered_by_the_worker_are_the_bytes_the_export_writes(every_report: list[Report], tmp_path: Path) -> None:
    """Each per-report file written from the rows output/lines.py rendered (from them alone, the report
    not decoded) is the file written from the reports: the reference.
    So is the batch summary counted from them."""
    for encoding in ("utf-8-sig", "gb18030"):
        rendered, plain = tmp_path / f"rendered-{encoding}", tmp_path / f"plain-{encoding}"
        from_rows, from_reports = BatchSummary(), BatchSummary()
        with ContractWriter(rendered, encoding) as contract_by_lines, ResearchWriter(rendered, encoding) as by_lines, \
                ContractWriter(plain, encoding) as contract_by_reports, ResearchWriter(plain, encoding) as by_reports:
            # d09 prints amounts as 3.00: in memory Decimal('3.00'), stored as the JSON number 3.0, read back as 3.
            for made in [*every_report, parse_file(FIXTURES / "audit" / "d09_overview_part" / "report.txt")]:
                text = report_json(made)  # as the worker made it: its rows are rendered from it
                report = Report.model_validate_json(text)  # as the export reads it from the store
                lines = Rendered.from_json(render(made).to_json())
                # A file that is not a report gets no rows from the workers (xxgk/tasks.py).
                given = None if report.status != "skipped" else report
                contract_by_lines.write(given, text, lines.files)
                by_lines.write(given, terms_json(made), lines)
                contract_by_reports.write(report)
                by_reports.write(report)
                if given is None:
                    lines.add_to(from_rows)
                else:
                    from_rows.add(report)
                from_reports.add(report)
        for name in (*PER_REPORT_FILES, "reports.jsonl", TERMS_SPOOL):
            expected = (plain / name).read_bytes()
            assert (rendered / name).read_bytes() == expected, name
            if name in ("cells.csv", "sections.csv", "problems.csv", "facts.csv", "table3_wide.csv"):
                assert expected.count(b"\n") > 50, name
        assert from_rows == from_reports


def test_simplified_by_a_string_table_is_simplified_by_the_dict_on_every_character() -> None:
    """str.translate maps one character at a time: a text holding every code point the table reaches (and
    some beyond) shows the two tables agree on every text."""
    table = bureau._t2s()
    assert all(len(simplified) == 1 for simplified in table.values())
    every = "".join(map(chr, range(max(table) + 100)))
    assert every.translate(bureau._t2s_string()) == every.translate(table)
    assert bureau.to_simplified("規範 ｆｕｌｌ") == unicodedata.normalize("NFKC", "規範 ｆｕｌｌ").translate(table) == "规范 full"


def _terms_by_filtering_each_word(text: str) -> Counter[str]:
    """The definition: each word cut tested as it comes, the kept ones counted."""
    stop = stop_words()
    return Counter(w for w in keyword_tokenizer().cut(text) if len(w.strip()) >= 2 and w not in stop and _CHINESE.search(w))


def test_terms_counted_then_filtered_are_those_filtered_then_counted(every_report: list[Report]) -> None:
    words = 0
    for report in every_report:
        for section in report.sections:
            for text in (section.text, prose(section.text)):
                expected = _terms_by_filtering_each_word(text)
                found = terms(text)
                assert list(found.items()) == list(expected.items()), report.source  # the order JSON keeps too
                words += len(found)
    assert words > 1000


def test_lines_tidied_from_either_end_are_the_ends_of_every_line_tidied(every_report: list[Report]) -> None:
    """The signature is looked for among the last lines and a date under the title among the first: only
    those ends are tidied, as the plain reference tidies every line and keeps its ends."""
    texts = [[line for section in report.sections for line in section.text.splitlines()] for report in every_report]
    texts += [["— 5 —", " ", "甲", "第 2 页", "乙 ", "#"], [], ["  "]]
    for lines in texts:
        tidied = list(published._tidy(lines))
        for n in (1, 6, 8, 1000):
            assert published._last(lines, n) == tidied[-n:]
            assert list(islice(published._tidy(lines), n)) == tidied[:n]


def test_table_rows_looked_for_only_where_a_pattern_can_match_are_those_found_everywhere(every_report: list[Report]) -> None:
    lines = [line.strip() for report in every_report for section in report.sections
             for line in to_simplified(section.text).splitlines()]
    lines += ["1 2 3", "1\u30002\u30003", "a\tb", "| a | b |", "甲 | 乙", "12件 5件", "共1、2、3件"]
    assert [audit_text._table_row(line) for line in lines] == [bool(audit_text._TABLE_ROW.search(line)) for line in lines]
    assert sum(map(audit_text._table_row, lines)) > 100


def test_sums_of_an_index_are_side_totals_of_its_values(every_report: list[Report]) -> None:
    """CellIndex.total sums in one loop what the identities' definition sums: side_total of each cell's value."""
    compared = 0
    for report in every_report:
        index = CellIndex(report.cells)
        for table in (TableKey.T3, TableKey.T4):
            for identity in identities(table, index.tables.get(table, ())):
                for keys in (identity.lhs, identity.rhs, identity.cells):
                    expected = template.side_total(index.value(table, row, col) for row, col in keys)
                    assert index.total(table, keys) == expected
                    assert type(index.total(table, keys)) is type(expected)
                    compared += 1
    assert compared > 1000


def test_words_found_by_one_pattern_are_those_found_one_by_one(every_report: list[Report]) -> None:
    """A regular expression of alternatives finds one of them in a text exactly when one of them is in it."""
    texts = [s for report in every_report for section in report.sections for s in sentences(section.text)]
    texts += [*facts_parser._NEGATIONS, *audit_narrative.OTHER_NOUNS, "", "没", "有"]
    for text in texts:
        assert bool(facts_parser._NEGATION.search(text)) == any(w in text for w in facts_parser._NEGATIONS)
        assert bool(audit_narrative._OTHER_NOUN.search(text)) == any(w in text for w in audit_narrative.OTHER_NOUNS)


def test_cells_validated_as_one_list_are_those_validated_one_by_one(every_report: list[Report]) -> None:
    fields = [{**cell.__dict__} for report in every_report for cell in report.cells]
    one_by_one = [Cell(**f) for f in fields]
    assert build._CELLS.validate_python(fields) == one_by_one
    assert build._CELLS.dump_json(build._CELLS.validate_python(fields)) == build._CELLS.dump_json(one_by_one)
    assert len(fields) > 1000


def _two_words_by_scan(line: str) -> bool:
    """The definition: two different table words or more in the line, every word looked for."""
    return sum(1 for word in narrative._EVERY_TABLE_WORD if word in line) >= 2


def test_table_words_looked_for_by_first_character_are_those_found_by_scanning(every_report: list[Report]) -> None:
    lines = [line for report in every_report for section in report.sections for line in section.text.splitlines()]
    lines += ["其他处理", "其他", "行政复议行政诉讼", "总计总计", "", "予以公开 部分公开"]
    assert [narrative._two_words_in(line) for line in lines] == [_two_words_by_scan(line) for line in lines]
    assert sum(map(narrative._two_words_in, lines)) > 100


def test_lines_split_at_whitespace_are_split_as_the_token_pattern_splits_them(every_report: list[Report]) -> None:
    """_line_kind splits a line without pipes by str.split(): the tokens _TOKEN_SPLIT leaves, on every line
    and on every whitespace character."""
    lines = [line.strip() for report in every_report for section in report.sections for line in section.text.splitlines()]
    lines.append("a" + "a".join(chr(c) for c in range(0x3100) if chr(c).isspace() or c in (0x85, 0xa0, 0x3000)) + "b")
    for line in lines:
        if "|" not in line:
            assert line.split() == [t for t in narrative._TOKEN_SPLIT.split(line) if t], line
