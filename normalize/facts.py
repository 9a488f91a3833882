"""The numbers a report's narrative states, one per row of facts.csv, each beside the table cell it should
equal where the tables have one.

Two readers find them. The audit's (normalize/audit/narrative.py, X-TEXT) ties each count to the noun it
counts with jieba and knows the table cells to compare with; the parse's patterns (parsers/facts.py) also
read what X-TEXT leaves aside — 不予公开 N 条, 信息处理费 N 元, 投诉, a count stated as none in words
(未收到申请) — and are what pre-2019 reports, which have no tables, are read by. A number both read in
the same sentence is one row. Where the tables hold the count, ``table_key`` names the cell (or the sum of
cells, joined by ``+``) and ``table_value`` its value — the very comparison X-TEXT makes: of the values it
accepts (收到申请 may be the year's new requests or those plus last year's carried over) the one the text
states, else the first.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from xxgk.normalize.audit.narrative import Statement, statements, table_values
from xxgk.normalize.audit.text import sentences
from xxgk.normalize.checks import CellIndex
from xxgk.normalize.schema import NarrativeFact, Number, Report, Section
from xxgk.parsers.bureau import to_simplified

# X-TEXT's keys, named as the parse's facts are (parsers/facts.py): one vocabulary in facts.csv.
KEY_NAMES = {
    "received": "applications_received",
    "completed": "applications_completed",
    "carried_over": "carried_over",
    "carried_forward": "carried_forward",
    "admin_review": "admin_review_cases",
    "admin_litigation": "admin_litigation_cases",
    "active": "active_disclosure_items",
}
AUDIT_KEYS = {name: key for key, name in KEY_NAMES.items()}
UNITS = {"active_disclosure_items": "条"}


@dataclass(frozen=True, slots=True)
class StatedFact:
    section: str
    key: str
    value: Number
    unit: str
    sentence: str
    line: int | None
    page: int | None
    table_key: str = ""
    table_value: Number | None = None


_SPACES = re.compile(r"\s+")


def _flat(text: str) -> str:
    return to_simplified(_SPACES.sub("", text))


class _Sections:
    """A report's sections as the sentences the audit read are looked up in: each section flattened (and
    cut into sentences) once per report rather than once per fact — what made facts.csv cost as much as
    the rest of the export (tests/test_fast_paths.py keeps the plain lookups as reference)."""

    def __init__(self, sections: list[Section]) -> None:
        self.sections = sections
        self._flattened: dict[int, tuple[str, int, list[int], list[int]]] = {}
        self._sentences: dict[int, list[tuple[str, str]]] = {}

    def _flat_section(self, index: int) -> tuple[str, int, list[int], list[int]]:
        """(the section's text flattened, how many characters it keeps, and where its runs of spaces
        fall: at each run's place in the kept characters, how many characters come before it)."""
        if index not in self._flattened:
            text = self.sections[index].text
            at, skipped = [], [0]
            for run in _SPACES.finditer(text):  # \s is str.isspace: the characters _flat drops
                at.append(run.start() - skipped[-1])
                skipped.append(skipped[-1] + run.end() - run.start())
            self._flattened[index] = to_simplified(_SPACES.sub("", text)), len(text) - skipped[-1], at, skipped
        return self._flattened[index]

    def _original(self, index: int, kept: int) -> int:
        """Where the ``kept``-th kept character of section ``index`` is in its text."""
        _, _, at, skipped = self._flat_section(index)
        return kept + skipped[bisect_right(at, kept)]

    def printed(self, sentence: str, among: list[int] | None = None) -> tuple[str, int | None, int | None] | None:
        """(the sentence as printed, its line, its page) for a sentence the audit read (simplified, lines
        joined), looked for in the sections ``among`` (all by default); the page is the section's first (a
        section's text does not say where its pages break)."""
        target = _flat(sentence)
        for index in range(len(self.sections)) if among is None else among:
            section = self.sections[index]
            flat, kept, _, _ = self._flat_section(index)
            at = flat.find(target) if target else -1
            if at < 0 or len(flat) != kept:
                continue
            start, end = self._original(index, at), self._original(index, at + len(target) - 1) + 1
            printed = re.sub(r"\s*\n\s*", "", section.text[start:end])
            prov = section.provenance
            line = prov.line + section.text.count("\n", 0, start) if prov is not None and prov.line is not None else None
            return printed, line, prov.page if prov is not None else None
        return None

    def whole_sentence(self, fact: NarrativeFact) -> tuple[str, int | None, int | None] | None:
        """The sentence a parsed fact was read from, whole (the parse reads line by line, and a PDF's lines
        cut sentences), as :meth:`printed` gives it."""
        fragment = _flat(fact.sentence)
        if not fragment:
            return None
        ordered = sorted(range(len(self.sections)), key=lambda i: self.sections[i].key != fact.section)
        for index in ordered:
            if index not in self._sentences:
                self._sentences[index] = [(s, _flat(s)) for s in sentences(self.sections[index].text)]
            for sentence, flat in self._sentences[index]:
                if fragment in flat:
                    return self.printed(sentence, [index])
        return None


def _compared(index: CellIndex, key: str, value: Number) -> tuple[str, Number | None]:
    """(table_key, table_value): the cell or sum X-TEXT compares a stated count with."""
    audit_key = AUDIT_KEYS.get(key)
    if audit_key is None:
        return "", None
    options, _, cells = table_values(index, audit_key)
    if not options:
        return "", None
    if audit_key == "received":
        keys = [cells[0], "+".join(cells)]
    elif audit_key == "admin_litigation":
        keys = ["+".join(cells)]
    else:
        keys = [cells[0]]
    at = next((i for i, (v, _) in enumerate(options) if v == value), 0)
    return keys[at], options[at][0]


def _same(fact_flat: str, fact: NarrativeFact, statement: Statement, statement_flat: str) -> bool:
    if AUDIT_KEYS.get(fact.key) != statement.key or fact.value != statement.value:
        return False
    return bool(fact_flat) and bool(statement_flat) and (fact_flat in statement_flat or statement_flat in fact_flat)


def stated_facts(report: Report) -> list[StatedFact]:
    """Every number the report's narrative states, in reading order of the readers (X-TEXT's first)."""
    if report.status in ("failed", "skipped"):
        return []
    # The facts are compared with column totals alone (table_values): an index of those holds the same ones.
    index = CellIndex(c for c in report.cells if c.col_key == "total")
    sections = _Sections(report.sections)
    flats = {id(f): _flat(f.sentence) for f in report.facts}
    parsed = list(report.facts)
    # The pages the parse read lines on, with those lines: a section's text only has its first page.
    pages = [(f.provenance.page, flats[id(f)]) for f in report.facts
             if f.provenance is not None and f.provenance.page is not None]
    rows: list[StatedFact] = []
    for statement in statements(report):
        key = KEY_NAMES[statement.key]
        flat = _flat(statement.sentence)
        twin = next((f for f in parsed if _same(flats[id(f)], f, statement, flat)), None)
        if twin is not None:
            parsed.remove(twin)
        found = sections.printed(statement.sentence)
        sentence, line, page = found if found else (statement.sentence, None, None)
        page = next((p for p, line_flat in pages if line_flat in flat), page)
        unit = twin.unit if twin is not None else UNITS.get(key, "件")
        table_key, table_value = _compared(index, key, statement.value)
        rows.append(StatedFact(statement.section, key, statement.value, unit, sentence, line, page, table_key, table_value))
    for fact in parsed:
        prov = fact.provenance
        line, page = (prov.line, prov.page) if prov is not None else (None, None)
        sentence = fact.sentence
        if (whole := sections.whole_sentence(fact)) is not None:
            sentence, line = whole[0], whole[1] if whole[1] is not None else line
        table_key, table_value = _compared(index, fact.key, fact.value)
        rows.append(StatedFact(fact.section, fact.key, fact.value, fact.unit, sentence, line, page, table_key, table_value))
    return rows
