"""Reading a report's narrative: its sections, without table rows, as sentences."""

from __future__ import annotations

import re
from functools import lru_cache

from xxgk.normalize.schema import Report, Section
from xxgk.parsers.bureau import to_simplified

# A row of a table copied as text: two or more numbers side by side, or tab/pipe separated cells.
_TABLE_ROW = re.compile(r"\t|\s\|\s|^\||(?:\d+(?:\.\d+)?[ \u3000]+){2,}\S*\d")
_SENTENCE_END = "。；;！!？?"
_AFTER_SENTENCE_END = re.compile(f"(?<=[{_SENTENCE_END}])")
_PARAGRAPH_END = _SENTENCE_END + "：:"
_HEADING_PUNCT = re.compile("[，,。；;]")  # a line without them, and short, is a heading
_CLAUSE_PUNCT = re.compile(r"[，,、：:（）()“”\"]")
_PAGE_NUMBER = re.compile(r"^[-—－\s]*\d{1,3}[-—－\s]*$")

SECTION_ORDER = ("overview", "active_disclosure", "requests", "review_litigation", "problems", "other")


def section(report: Report, key: str) -> Section | None:
    return next((s for s in report.sections if s.key == key), None)


def not_in_copy(report: Report) -> set[str]:
    """Sections the copy read does not reach (it ends early or starts late: the parse's P-TRUNCATED):
    their absence is a limit of the copy, not a defect of the report."""
    return {
        str(key) for f in report.findings if f.code == "P-TRUNCATED" for key in f.evidence.get("sections", ())
    }


def narrative_lines(text: str) -> list[str]:
    """The section's lines that are prose: table rows, page numbers and blank lines dropped."""
    lines = []
    # NFKC, and 規範 → 规范 for mirror sites' copies: of the whole text at once, the same lines (NFKC keeps
    # line breaks and composes nothing across one; the table maps one character at a time).
    for line in to_simplified(text).splitlines():
        line = line.strip()
        if line and not _table_row(line) and not _PAGE_NUMBER.match(line):
            lines.append(line)
    return lines


def _table_row(line: str) -> bool:
    """Whether :data:`_TABLE_ROW` finds a row in the line, searched for only in lines holding a character
    each of its patterns needs (a tab, a pipe, a space between numbers): most prose lines hold none."""
    return ("\t" in line or "|" in line or " " in line or "\u3000" in line) and _TABLE_ROW.search(line) is not None


def paragraphs(text: str) -> list[str]:
    """Lines joined back into paragraphs: a PDF wraps a sentence over several lines, so a line that
    does not end a sentence (and is not a short heading) continues on the next one."""
    joined: list[str] = []
    current = ""
    for line in narrative_lines(text):
        current += line.replace(" ", "").replace("\u3000", "")
        heading = len(line) < 20 and not _HEADING_PUNCT.search(line)
        if current[-1] in _PARAGRAPH_END or heading:
            joined.append(current)
            current = ""
    if current:
        joined.append(current)
    return joined


# A parse worker reads each section's sentences for X-TEXT, the contents check and facts.csv's rows.
@lru_cache(maxsize=64)
def sentences(text: str) -> tuple[str, ...]:
    found: list[str] = []
    for paragraph in paragraphs(text):
        found.extend(s for s in _AFTER_SENTENCE_END.split(paragraph) if s.strip())
    return tuple(found)


def flat(text: str) -> str:
    """The text on one line without spaces, for patterns that a line break may cut."""
    return re.sub(r"\s+", "", to_simplified(text))
