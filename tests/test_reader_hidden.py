"""HTML hidden in other text (ingest/embedded.py): what is sniffed as HTML, how strings are decoded, and that
ordinary .txt, .json and .js files keep what they had: text, or a clean `skipped`."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from xxgk import parse_file
from xxgk.ingest.document import Grid, Paragraph
from xxgk.ingest.embedded import find_html
from xxgk.ingest.reader import read_document
from xxgk.normalize.schema import Finding

ROOT = Path(__file__).resolve().parent.parent
# A small page: enough tags to count as HTML, a table, an attribute, Chinese text.
PAGE = (
    '<html><head><title>青禾县2024年报告</title></head><body>\n'
    '<p class="t">一、总体情况</p>\n'
    '<table border="1"><tr><td colspan="2">本年新收</td></tr>\n'
    '<tr><td>自然人</td><td>12</td></tr></table>\n'
    '<p>完</p></body></html>'
)


def js(text: str, quote: str = '"') -> str:
    """``text`` as a JavaScript string body: quote, backslash, line breaks and tabs escaped."""
    out = text.replace("\\", "\\\\").replace(quote, "\\" + quote).replace("\n", "\\n").replace("\t", "\\t")
    return out.replace("</", "<\\/")


def uescape(text: str) -> str:
    """Every non-ASCII character as \\uXXXX (surrogate pairs beyond the BMP); the rest as it is."""
    return "".join(json.dumps(ch)[1:-1] if ord(ch) > 0x7E else ch for ch in text)


# (case, suffix, file text, what the HTML must come out as — None: not HTML, text stays text)
CASES = [
    ("page saved as .txt", ".txt", PAGE, PAGE),
    ("upper-case tags", ".txt", PAGE.upper(), PAGE.upper()),
    ("page after blank lines and a BOM", ".txt", "\ufeff\n\n" + PAGE, "\ufeff\n\n" + PAGE),
    ("JSON string, whole file", ".json", json.dumps(PAGE, ensure_ascii=False), PAGE),
    ("JSON string, \\uXXXX for Chinese", ".json", json.dumps(PAGE), PAGE),
    ("JSON object, nested", ".json", json.dumps({"data": {"list": [{"id": 1, "content": PAGE}]}}), PAGE),
    ("JSON with < > escaped as \\u003c (Go, .NET)", ".json",
     json.dumps({"content": PAGE}).replace("<", "\\u003c").replace(">", "\\u003e"), PAGE),
    ("JSON in a .txt", ".txt", json.dumps({"content": PAGE}, ensure_ascii=False), PAGE),
    ("JS var, double quotes", ".js", f'var content = "{js(PAGE)}";\n', PAGE),
    ("JS var, \\uXXXX and \\t", ".js", f'var content = "{uescape(js(PAGE.replace("<tr>", chr(9) + "<tr>")))}";',
     PAGE.replace("<tr>", "\t<tr>")),
    ("JS single quotes, \\' and \\x3c", ".js",
     "var s = '" + js(PAGE, "'").replace("<", "\\x3c") + "';", PAGE),
    ("JS literals concatenated", ".js",
     'var a = "' + js(PAGE[:90]) + '" +\n  "' + js(PAGE[90:]) + '";', PAGE),
    ("document.write per line", ".js",
     "\n".join(f"document.write('{js(line, chr(39))}');" for line in PAGE.split("\n")), PAGE.replace("\n", "")),
    ("JSONP callback", ".js", f"jsonp_123({json.dumps({'content': PAGE})});", PAGE),
    ("JS with a comment holding a quote", ".js", f"// don't edit\nvar c = \"{js(PAGE)}\";", PAGE),
    ("JS line continuation", ".js", 'var c = "' + js(PAGE).replace("\\n", "\\\n", 1) + '";', PAGE.replace("\n", "", 1)),
    ("JS literal cut short (file truncated)", ".js", f'var c = "{js(PAGE)}', PAGE),
    ("JSON nested too deep to decode: its string literal", ".json",
     "[" * 50_000 + json.dumps(PAGE) + "]" * 50_000, PAGE),
    ("escaped string body in a .txt", ".txt", js(PAGE), PAGE),
    ("escaped body, tabs before tags", ".txt", js(PAGE.replace("\n<", "\n\t\t<")), PAGE.replace("\n<", "\n\t\t<")),
    ("surrogate pair escaped", ".js", f'var c = "{js(PAGE.replace("完", "𠮷"))}";'.replace("𠮷", "\\ud842\\udfb7"),
     PAGE.replace("完", "𠮷")),
    # negatives: text stays text, data stays data
    ("text report mentioning <td> once", ".txt", "2024年报告\n一、总体情况\n表格以<td>单元格发布。\n二、主动公开\n", None),
    ("seven tags only", ".txt", "<p>一</p><p>二</p><p>三</p><br>", None),
    ("prose first, a table after", ".txt", "2024年报告\n一、总体情况\n" + PAGE.split("<body>")[1], None),
    ("JSON numbers (a truth file)", ".json", json.dumps({"cells": {"table3.granted.total": 50}, "year": 2024}), None),
    ("JSON whose tags are spread over strings", ".json",
     json.dumps({"a": "<p>x</p><p>y</p>", "b": "<td>1</td><td>2</td>", "c": "<br><br>"}), None),
    ("package.json", ".json", json.dumps({"name": "site", "scripts": {"build": "vite build"}}), None),
    ("script without markup", ".js", 'var hits = 1024;\ndocument.getElementById("hits").innerHTML = hits;\n', None),
]


@pytest.mark.parametrize(("case", "suffix", "text", "expected"), CASES, ids=[c[0] for c in CASES])
def test_find_html(case: str, suffix: str, text: str, expected: str | None) -> None:
    found = find_html(text, suffix)
    if expected is None:
        assert found is None
        return
    assert found is not None and found.html == expected
    assert found.unescaped == (found.html != text)
    assert suffix in found.how


@pytest.mark.parametrize(
    "text",
    [
        PAGE,  # as saved: quotes, line breaks and closing tags plain
        PAGE.replace("<body>", '<body><script>var s = "a\\nb\\n" + "<p class=\\"x\\">";</script>'),  # escapes in a script
        PAGE.replace("\n", ""),  # minified
    ],
)
def test_a_page_as_saved_is_not_unescaped(text: str) -> None:
    found = find_html(text, ".txt")
    assert found is not None and not found.unescaped and found.html == text


@pytest.mark.parametrize(
    "text",
    [
        "x" + '"\\' * 200_000 + "<p>" * 8,  # one line of quotes that never close
        "x" + "<" + " " * 200_000 + "<p>" * 8,  # whitespace after "<"
        "x" + "'\\\n" * 100_000 + "<p>" * 8,  # literals continued over lines
        "x" + "/*" * 100_000 + "<p>" * 8,  # comments that never close
    ],
    ids=["open quotes", "spaces after <", "continued lines", "open comments"],
)
def test_sniffing_stays_linear(text: str) -> None:
    started = time.perf_counter()
    find_html(text, ".js")
    assert time.perf_counter() - started < 2


def write(tmp_path: Path, name: str, data: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


@pytest.mark.parametrize(
    ("name", "data", "converted", "warned"),
    [
        ("page.txt", PAGE, "HTML page saved as a .txt file", False),
        ("api.json", json.dumps({"data": {"title": "青禾县2024年报告", "content": PAGE}}), "$.data.content", True),
        ("article.js", f'var content = "{js(PAGE)}";', "a JavaScript string literal", True),
        ("body.txt", js(PAGE), "written as a JavaScript/JSON string", True),
        ("gbk.js", f'var content = "{js(PAGE)}";'.encode("gbk"), "a JavaScript string literal", True),
    ],
)
def test_document_says_what_was_done(tmp_path: Path, name: str, data: str | bytes, converted: str, warned: bool) -> None:
    doc = read_document(write(tmp_path, name, data))
    assert doc.format == "html" and converted in doc.metadata["converted"]
    assert [code for code, _ in doc.warnings if code == "embedded-html"] == (["embedded-html"] if warned else [])
    assert doc.encoding == ("gbk" if name.startswith("gbk") else "utf-8")
    grid = next(block for block in doc.blocks if isinstance(block, Grid))
    assert [[cell.text for cell in row] for row in grid.rows] == [["本年新收", "本年新收"], ["自然人", "12"]]
    assert "一、总体情况" in [block.text for block in doc.blocks if isinstance(block, Paragraph)]


def test_the_json_title_beside_the_content_is_the_pages_title(tmp_path: Path) -> None:
    body = PAGE.split("<body>")[1].split("</body>")[0]
    api = {"data": {"title": "临川市白鹭区教育局2024年政府信息公开工作年度报告", "content": body}}
    doc = read_document(write(tmp_path, "api.json", json.dumps(api, ensure_ascii=False)))
    assert doc.metadata["title"] == api["data"]["title"]
    assert "title" in doc.metadata["converted"]
    # the page's own <title> wins
    doc = read_document(write(tmp_path, "page.json", json.dumps({"title": "别的标题", "content": PAGE})))
    assert doc.metadata["title"] == "青禾县2024年报告"


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("notes.json", "{}"),
        ("truth.json", json.dumps({"cells": {"table3.granted.total": 50}, "notes": "a <td> cell"})),
        ("package.json", json.dumps({"name": "site", "version": "1.0.0"})),
        ("broken.json", '{"content": "<p>'),
        ("empty.json", ""),
        ("blank.js", "  \n"),
        ("binary.js", bytes(range(256)) * 8),
        ("site.js", 'var hits = 1024;\ndocument.getElementById("hits").innerHTML = hits;\n'),
    ],
)
def test_json_and_js_without_html_are_skipped(tmp_path: Path, name: str, data: str | bytes) -> None:
    report = parse_file(write(tmp_path, name, data))
    assert report.status == "skipped" and report.error is not None and report.error.code == "UNSUPPORTED"
    assert f"{Path(name).suffix} file without an HTML page inside" in report.error.message
    assert report.cells == [] and report.findings == []


def test_a_text_report_mentioning_markup_stays_text(tmp_path: Path) -> None:
    seed = (ROOT / "fixtures" / "t02_pipes_2021" / "source.txt").read_text(encoding="utf-8")
    text = seed.replace("一、总体情况", "一、总体情况（网页版表格以<table>、<tr>、<td>标签排版）", 1)
    report = parse_file(write(tmp_path, "report.txt", text))
    assert report.format == "text" and "converted" not in report.metadata and report.status == "ok"


def test_every_truth_file_stays_skipped(corpus: Path) -> None:
    truths = sorted((ROOT / "fixtures").glob("*/truth.json"))
    truths += sorted(corpus.glob("*/truth.json"))
    assert len(truths) > 30
    for truth in truths:
        report = parse_file(truth)
        assert (report.status, report.error.code if report.error else None) == ("skipped", "UNSUPPORTED"), truth


@pytest.mark.parametrize("name", ["h03_html_as_txt", "h04_html_in_json", "h05_html_in_js", "h06_html_escaped_txt",
                                  "h07_html_document_write"])
def test_hidden_fixtures_read_as_the_page_itself(name: str) -> None:
    page = parse_file(ROOT / "fixtures" / "h01_html_rowspan" / "source.html")
    report = parse_file(next((ROOT / "fixtures" / name).glob("source.*")))
    assert report.format == "html" and report.metadata["converted"]
    assert [(c.table, c.row_key, c.col_key, c.raw, c.label) for c in report.cells] == [
        (c.table, c.row_key, c.col_key, c.raw, c.label) for c in page.cells
    ]
    # h04 and h07 carry the article without the page around it (navigation, info line, related links)
    assert [s.key for s in report.sections] == [s.key for s in page.sections]
    assert all(ours.text in its.text for ours, its in zip(report.sections[1:], page.sections[1:]))
    if name in ("h03_html_as_txt", "h05_html_in_js", "h06_html_escaped_txt"):
        assert [s.text for s in report.sections] == [s.text for s in page.sections]
    own = [f for f in report.findings if f.code == "embedded-html"]
    assert len(own) == (0 if name == "h03_html_as_txt" else 1)
    def said(findings: list[Finding]) -> list[tuple[str, str, str, str, str, str]]:
        return [(f.code, f.severity, f.table, f.row_key, f.col_key, f.message) for f in findings]

    assert said([f for f in report.findings if f.code != "embedded-html"]) == said(page.findings)
