"""Reports hidden inside other text: an HTML page saved as .txt, or carried in a JSON or JavaScript string.

Sites serve an article's HTML from a JSON API (``{"data": {"content": "<p>…"}}``) or from a script
(``var content = "…";``, ``document.write('…')``), and crawls save pages as .txt. Such a file is read by the
HTML reader (ingest/html.py), after the string's escapes are undone when it is a string, and its Document
says so: ``format`` "html", ``metadata["converted"]`` saying what was done and, when escapes were undone (the
lines of its provenance are then those of the decoded HTML, not of the file), an ``embedded-html`` warning.

What counts as HTML: at least :data:`MIN_TAGS` tags of common elements (``<td``, ``<p``, ``\\u003ctable``…),
and then one of: the whole file is one JSON value with a string holding them; the file begins with markup
(``<``) — as saved, or with its quotes, line breaks or brackets escaped as in a string; or JavaScript string
literals hold them. A text report that mentions a tag or two stays text; a .json/.js file without such HTML
is not a report (the caller skips it, as it skipped every .json/.js before).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from xxgk.errors import IngestError, UnsupportedFormatError
from xxgk.ingest.document import Document
from xxgk.ingest.reader import report_id
from xxgk.ingest.text import decode as decode_text

# Read only for the HTML report they carry; any other such file is skipped (xxgk/api.py).
EXTENSIONS = (".json", ".js")
# A page with a report table has hundreds of tags; a text report that quotes markup has a few.
MIN_TAGS = 8
_NO_HTML = "not a report: a {} file without an HTML page inside"

_NAMES = r"(?:html|head|body|title|meta|table|tbody|thead|tr|td|th|p|div|span|font|br|h[1-6]|ul|ol|li|strong|section|article)"
_END = r"(?=[\s/>\\])"
_TAG = re.compile(rf"<\s*+/?\s*+{_NAMES}{_END}", re.I)
# the same tags with "<" escaped as JSON encoders (Go, .NET) and JavaScript write it
_ESCAPED_TAG = re.compile(rf"(?:\\u003c|\\x3c)\s*+/?\s*+{_NAMES}{_END}", re.I)
# The markup's own quotes, line breaks and slashes, escaped as in a string literal (<td colspan=\"5\">\n<\/td>)
# or as written in a page (<td colspan="5">, a real line break before a tag, </td>).
_MARKUP_ESCAPES = re.compile(r"""=\\["']|>\\[nrt]|\\[nrt][ \t]*<|\\[nrt](?:\\t)+<|<\\/|\\u003[cC]|\\x3[cC]""")
_MARKUP_PLAIN = re.compile(r"""=["']|>\r?\n|\n[ \t]*<|</""")
# JavaScript string literals ("…", '…', `…`: the body in group 1, 2 or 3) and the comments around them, which
# may hold quotes. A literal left open (a file cut short) runs to the end of its line; every token that starts
# matches, so the scan stays linear whatever the text.
_JS_TOKEN = re.compile(
    r""""((?:[^"\\\n]|\\[\s\S])*+)"?|'((?:[^'\\\n]|\\[\s\S])*+)'?|`((?:[^`\\]|\\[\s\S])*+)`?"""
    r"""|//[^\n]*|/\*[\s\S]*?(?:\*/|\Z)"""
)
_JS_ESCAPE = re.compile(r"\\(u\{[0-9a-fA-F]{1,6}\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|\r\n|[\s\S])")
_JS_SIMPLE = {
    "n": "\n", "r": "\r", "t": "\t", "b": "\b", "f": "\f", "v": "\v",
    "0": "",  # NUL: nothing a page can show
    # a backslash before a line break continues the literal on the next line
    "\n": "", "\r": "", "\r\n": "", "\u2028": "", "\u2029": "",
}


@dataclass(frozen=True, slots=True)
class Found:
    """HTML found in a file's text, and what was done to get it."""

    html: str
    how: str  # for metadata["converted"]
    unescaped: bool  # a string's escapes were undone: lines are those of the decoded HTML
    title: str = ""  # a JSON string beside the HTML named "title" (APIs often keep the title out of the body)


def _count(pattern: re.Pattern[str], text: str, limit: int | None = None) -> int:
    count = 0
    for _ in pattern.finditer(text):
        count += 1
        if count == limit:
            break
    return count


def find_html(text: str, suffix: str) -> Found | None:
    """The HTML the decoded ``text`` of a ``suffix`` file carries, or None when it carries none."""
    if _count(_TAG, text, MIN_TAGS) + _count(_ESCAPED_TAG, text, MIN_TAGS) < MIN_TAGS:
        return None  # cheap for the usual text report: no tags at all
    where = f"a {suffix} file" if suffix else "a file without extension"
    body = text.lstrip("\ufeff \t\r\n")
    if body[:1] in ('{', '[', '"'):
        try:
            value = json.loads(body)
        except (ValueError, RecursionError):
            pass  # not one JSON value (JSONP, a script, a fragment) or nested too deep to decode: see below
        else:
            return _in_json(value, where)
    if body.startswith("<"):
        if _count(_MARKUP_ESCAPES, body) > _count(_MARKUP_PLAIN, body):
            how = f"HTML inside {where}, written as a JavaScript/JSON string: its escapes (\\\" \\n \\t \\uXXXX …) undone"
            return Found(_js_unescape(body), how, True)
        return Found(text, f"HTML page saved as {where}, read as HTML", False)
    literals = [_js_unescape(next(body for body in m.groups() if body is not None))
                for m in _JS_TOKEN.finditer(text) if m.group()[0] in "\"'`"]
    carrying = [literal for literal in literals if _TAG.search(literal)]
    joined = "".join(carrying)
    if _count(_TAG, joined, MIN_TAGS) < MIN_TAGS:
        return None
    if len(carrying) == 1:
        return Found(joined, f"HTML inside {where}: a JavaScript string literal, its escapes undone", True)
    how = f"HTML inside {where}: {len(carrying)} JavaScript string literals, their escapes undone, joined in order"
    return Found(joined, how, True)


def _in_json(value: object, where: str) -> Found | None:
    """The string of the JSON value with the most tags (at least MIN_TAGS), with its path and a sibling title."""
    best: tuple[int, str, str, str] | None = None  # tags, path, string, title
    stack: list[tuple[str, object, str]] = [("$", value, "")]
    while stack:
        path, node, title = stack.pop()
        if isinstance(node, str):
            tags = _count(_TAG, node)
            if tags >= MIN_TAGS and (best is None or tags > best[0]):
                best = (tags, path, node, title)
        elif isinstance(node, dict):
            titles = [v for k, v in node.items() if isinstance(v, str) and k.lower() == "title"]
            sibling = titles[0].strip() if titles else ""
            stack.extend((f"{path}.{k}", v, sibling) for k, v in reversed(node.items()))
        elif isinstance(node, list):
            stack.extend((f"{path}[{i}]", v, "") for i, v in reversed(list(enumerate(node))))
    if best is None:
        return None
    _, path, found, title = best
    return Found(found, f"HTML inside {where}: the JSON string at {path}, its escapes undone", True, title)


def _js_escape(match: re.Match[str]) -> str:
    escape = match.group(1)
    if escape[0] == "u" and len(escape) > 1:
        code = int(escape[2:-1] if escape[1] == "{" else escape[1:], 16)
        return chr(code) if code <= 0x10FFFF else "\ufffd"
    if escape[0] == "x" and len(escape) == 3:
        return chr(int(escape[1:], 16))
    return _JS_SIMPLE.get(escape, escape)  # \" \' \\ \/ and any other character stand for themselves


def _js_unescape(body: str) -> str:
    """A string literal's body with JavaScript's escapes undone (a superset of JSON's); escaped surrogate pairs
    are joined and lone ones replaced."""
    text = _JS_ESCAPE.sub(_js_escape, body)
    if any("\ud800" <= ch <= "\udfff" for ch in text):
        text = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    return text


def document(found: Found, path: Path, data: bytes, source: str, encoding: str | None) -> Document:
    """The HTML reader's Document for the HTML ``found`` in the file, saying what was done."""
    from xxgk.ingest import html  # lxml: loaded with the readers (ingest/reader.py), not with this module

    if found.unescaped:
        doc = html.from_text(found.html, source=source, report_id=report_id(data), encoding=encoding)
    else:
        doc = html.READER.read(path, data, source)  # the page as saved: read exactly as a .html file
    metadata = dict(doc.metadata)
    how = found.how
    if found.title and "title" not in metadata:
        metadata["title"] = found.title
        how += "; its title from the JSON string \"title\" beside it"
    metadata["converted"] = how
    warnings = doc.warnings
    if found.unescaped:
        note = f"{how}; line numbers are those of the decoded HTML, not of the file"
        warnings = (("embedded-html", note), *warnings)
    return doc.model_copy(update={"metadata": metadata, "warnings": warnings})


def not_a_report(path: Path, exc: IngestError) -> str:
    """Why a .json/.js file is skipped."""
    if isinstance(exc, UnsupportedFormatError):
        return str(exc)
    return f"{_NO_HTML.format(path.suffix.lower())} ({exc})"


class EmbeddedHtmlReader:
    """.json and .js files, read only for the HTML report they carry."""

    format = "html"
    extensions = EXTENSIONS

    def accepts(self, path: Path, head: bytes) -> bool:
        return path.suffix.lower() in self.extensions

    def read(self, path: Path, data: bytes, source: str) -> Document:
        text, encoding = decode_text(data)  # NotTextError for binary data
        found = find_html(text, path.suffix.lower())
        if found is None:
            raise UnsupportedFormatError(_NO_HTML.format(path.suffix.lower()))
        return document(found, path, data, source, encoding)


READER = EmbeddedHtmlReader()
