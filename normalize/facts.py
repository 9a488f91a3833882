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
from dataclasses import dataclass

from xxgk.normalize.audit.narrative import Statement, statements
from xxgk.normalize.audit.narrative import _table_values as table_values
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


def _flat(text: str) -> str:
    return to_simplified(re.sub(r"\s+", "", text))


def _printed(sections: list[Section], sentence: str) -> tuple[str, int | None, int | None] | None:
    """(the sentence as printed, its line, its page) for a sentence the audit read (simplified, lines
    joined); the page is the section's first (a section's text does not say where its pages break)."""
    target = _flat(sentence)
    for section in sections:
        kept = [i for i, ch in enumerate(section.text) if not ch.isspace()]
        flat = to_simplified("".join(section.text[i] for i in kept))
        at = flat.find(target) if target else -1
        if at < 0 or len(flat) != len(kept):
            continue
        start, end = kept[at], kept[at + len(target) - 1] + 1
        printed = re.sub(r"\s*\n\s*", "", section.text[start:end])
        prov = section.provenance
        line = prov.line + section.text.count("\n", 0, start) if prov is not None and prov.line is not None else None
        return printed, line, prov.page if prov is not None else None
    return None


def _whole_sentence(sections: list[Section], fact: NarrativeFact) -> tuple[str, int | None, int | None] | None:
    """The sentence a parsed fact was read from, whole (the parse reads line by line, and a PDF's lines
    cut sentences), as :func:`_printed` gives it."""
    fragment = _flat(fact.sentence)
    ordered = sorted(sections, key=lambda s: s.key != fact.section)
    for section in ordered:
        for sentence in sentences(section.text):
            if fragment and fragment in _flat(sentence):
                return _printed([section], sentence)
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


def _same(fact: NarrativeFact, statement: Statement) -> bool:
    if AUDIT_KEYS.get(fact.key) != statement.key or fact.value != statement.value:
        return False
    a, b = _flat(fact.sentence), _flat(statement.sentence)
    return bool(a) and bool(b) and (a in b or b in a)


def stated_facts(report: Report) -> list[StatedFact]:
    """Every number the report's narrative states, in reading order of the readers (X-TEXT's first)."""
    if report.status in ("failed", "skipped"):
        return []
    index = CellIndex(report.cells)
    parsed = list(report.facts)
    rows: list[StatedFact] = []
    for statement in statements(report):
        key = KEY_NAMES[statement.key]
        twin = next((f for f in parsed if _same(f, statement)), None)
        if twin is not None:
            parsed.remove(twin)
        found = _printed(report.sections, statement.sentence)
        sentence, line, page = found if found else (statement.sentence, None, None)
        flat = _flat(statement.sentence)
        # The page a line of the sentence is on, when the parse read one; a section's text only has its first.
        page = next((f.provenance.page for f in report.facts if f.provenance is not None
                     and f.provenance.page is not None and _flat(f.sentence) in flat), page)
        unit = twin.unit if twin is not None else UNITS.get(key, "件")
        table_key, table_value = _compared(index, key, statement.value)
        rows.append(StatedFact(statement.section, key, statement.value, unit, sentence, line, page, table_key, table_value))
    for fact in parsed:
        prov = fact.provenance
        line, page = (prov.line, prov.page) if prov is not None else (None, None)
        sentence = fact.sentence
        if (whole := _whole_sentence(report.sections, fact)) is not None:
            sentence, line = whole[0], whole[1] if whole[1] is not None else line
        table_key, table_value = _compared(index, fact.key, fact.value)
        rows.append(StatedFact(fact.section, fact.key, fact.value, fact.unit, sentence, line, page, table_key, table_value))
    return rows
