"""The DOCX reader (and the legacy .doc/.wps route to it): body order, expanded merges, hostile files."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import docx
import pytest
from docx.document import Document as WordDocument
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from xxgk.errors import ConverterMissingError, CorruptFileError, EncryptedError
from xxgk.ingest import docx as docx_reader
from xxgk.ingest import legacy
from xxgk.ingest.document import Document, Grid, Paragraph
from xxgk.ingest.reader import read_document, report_id

W = nsdecls("w")


def save(document: WordDocument) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def read(data: bytes, name: str = "report.docx") -> Document:
    return docx_reader.READER.read(Path(name), data, name)


def outline(doc: Document) -> list[tuple[str, object]]:
    """Each block as ("P", text) or ("G", rows of (text, merged))."""
    return [
        ("P", block.text)
        if isinstance(block, Paragraph)
        else ("G", [[(cell.text, cell.merged) for cell in row] for row in block.rows])
        for block in doc.blocks
    ]


def rezip(data: bytes, changes: dict[str, bytes | None]) -> bytes:
    """The package with some entries replaced (or, for None, removed)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = changes.get(info.filename, source.read(info.filename))
            if content is not None:
                target.writestr(info.filename, content)
    return out.getvalue()


def body_with(*xml: str) -> bytes:
    """A .docx whose body holds the given block XML fragments (with the w: prefix declared)."""
    document = docx.Document()
    body = document.element.body
    for fragment in xml:
        body.insert(len(body) - 1, parse_xml(fragment))  # before the closing w:sectPr
    return save(document)


def report_docx() -> bytes:
    document = docx.Document()
    document.add_paragraph("一、总体情况")
    table = document.add_table(rows=4, cols=3)
    for r in range(4):
        for c in range(3):
            table.cell(r, c).text = f"{r}{c}"
    table.cell(0, 0).merge(table.cell(0, 1)).text = "申请人情况"
    table.cell(1, 0).merge(table.cell(3, 0)).text = "三、本年度办理结果"
    two_lines = table.cell(1, 1)
    two_lines.text = "商业"
    two_lines.add_paragraph("")
    two_lines.add_paragraph("企业")
    split = table.cell(1, 2).paragraphs[0]
    split.text = ""
    for run in ("一", "、本年新收", "政府信息公开申请数量"):
        split.add_run(run)
    inner = table.cell(2, 2).add_table(rows=1, cols=2)
    inner.cell(0, 0).text = "结果维持"
    inner.cell(0, 1).text = "0"
    document.add_paragraph("").add_run("  ")  # blank paragraphs are skipped
    document.add_paragraph("四、结转下年度继续办理")
    return save(document)


def test_blocks_in_order_with_merges_expanded_and_nested_table_after() -> None:
    doc = read(report_docx())
    assert doc.format == "docx" and doc.encoding is None
    assert outline(doc) == [
        ("P", "一、总体情况"),
        (
            "G",
            [
                [("申请人情况", False), ("申请人情况", True), ("02", False)],
                [("三、本年度办理结果", False), ("商业\n企业", False), ("一、本年新收政府信息公开申请数量", False)],
                [("三、本年度办理结果", True), ("21", False), ("22", False)],
                [("三、本年度办理结果", True), ("31", False), ("32", False)],
            ],
        ),
        ("G", [[("结果维持", False), ("0", False)]]),
        ("P", "四、结转下年度继续办理"),
    ]
    outer, inner = (block for block in doc.blocks if isinstance(block, Grid))
    assert (outer.prov.table, inner.prov.table) == (0, 1)
    assert [(c.prov.table, c.prov.row, c.prov.col) for c in outer.rows[3]] == [(0, 3, 0), (0, 3, 1), (0, 3, 2)]
    assert inner.rows[0][1].prov.table == 1
    paragraph = doc.blocks[0].prov
    assert paragraph.line is None and paragraph.table is None


RUN = "<w:r><w:t xml:space='preserve'>{}</w:t></w:r>"
A, B = RUN.format("甲"), RUN.format("乙")
TRACKED = "w:id='1' w:author='a'"
TAB_STOPS = "<w:pPr><w:tabs><w:tab w:val='left' w:pos='720'/></w:tabs></w:pPr>"


@pytest.mark.parametrize(
    ("inner", "expected"),
    [
        (f"{A}<w:ins {TRACKED}>{B}</w:ins>", "甲乙"),  # tracked insertion kept
        (f"{A}<w:del {TRACKED}><w:r><w:delText>删</w:delText></w:r></w:del>", "甲"),  # deletion dropped
        (f"<w:hyperlink>{A}</w:hyperlink><w:smartTag>{B}</w:smartTag>", "甲乙"),
        (f"<w:fldSimple w:instr='PAGE'>{A}</w:fldSimple>", "甲"),  # a field's shown result
        (f"<w:r><w:instrText>PAGE</w:instrText></w:r>{A}", "甲"),  # not its code
        (f"{TAB_STOPS}{A}<w:r><w:tab/><w:t>b</w:t><w:br/><w:t>c</w:t></w:r>", "甲\tb\nc"),
        (f"<w:sdt><w:sdtContent>{A}</w:sdtContent></w:sdt>", "甲"),  # inline content control
    ],
)
def test_paragraph_text(inner: str, expected: str) -> None:
    assert outline(read(body_with(f"<w:p {W}>{inner}</w:p>"))) == [("P", expected)]


def test_block_content_controls_are_looked_into() -> None:
    xml = f"<w:sdt {W}><w:sdtContent><w:p>{A}</w:p><w:tbl><w:tr>{cell('1')}</w:tr></w:tbl></w:sdtContent></w:sdt>"
    assert outline(read(body_with(xml))) == [("P", "甲"), ("G", [[("1", False)]])]


def cell(text: str, props: str = "") -> str:
    return f"<w:tc><w:tcPr>{props}</w:tcPr><w:p>{RUN.format(text) if text else ''}</w:p></w:tc>"


def table(*rows: str) -> str:
    return f"<w:tbl {W}><w:tblPr/>{''.join(rows)}</w:tbl>"


def test_grid_before_vmerge_without_val_and_sdt_rows() -> None:
    xml = table(
        "<w:tr>" + cell("A", "<w:vMerge w:val='restart'/>") + cell("B") + cell("C") + "</w:tr>",
        # a row that starts one grid column in, and a continued merge written without w:val
        "<w:tr><w:trPr><w:gridBefore w:val='1'/></w:trPr>" + cell("E", "<w:gridSpan w:val='2'/>") + "</w:tr>",
        "<w:sdt><w:sdtContent><w:tr>" + cell("", "<w:vMerge/>") + cell("F") + "</w:tr></w:sdtContent></w:sdt>",
    )
    ((_, rows),) = outline(read(body_with(xml)))
    assert rows == [
        [("A", False), ("B", False), ("C", False)],
        [("", False), ("E", False), ("E", True)],
        [("", False), ("F", False), ("", False)],
    ]


def test_vmerge_continue_copies_from_the_restart_cell() -> None:
    xml = table(
        "<w:tr>" + cell("A", "<w:vMerge w:val='restart'/>") + cell("1") + "</w:tr>",
        "<w:tr>" + cell("", "<w:vMerge w:val='continue'/>") + cell("2") + "</w:tr>",
        "<w:tr>" + cell("stray", "<w:vMerge/>") + cell("3") + "</w:tr>",
    )
    ((_, rows),) = outline(read(body_with(xml)))
    assert rows == [[("A", False), ("1", False)], [("A", True), ("2", False)], [("A", True), ("3", False)]]


def test_layout_tables_are_read_in_place() -> None:
    long_text = "本机关" * 120
    frame = table(
        "<w:tr><w:tc><w:p>" + RUN.format("前言") + "</w:p>"
        + table("<w:tr>" + cell("规章") + cell("0") + "</w:tr>")
        + "<w:p>" + RUN.format("后记") + "</w:p></w:tc></w:tr>"
    )
    prose = table("<w:tr>" + cell(long_text) + cell("x") + "</w:tr>")
    doc = read(body_with(frame, prose))
    assert outline(doc) == [
        ("P", "前言"),
        ("G", [[("规章", False), ("0", False)]]),
        ("P", "后记"),
        ("P", long_text),
        ("P", "x"),
    ]
    assert [block.prov.table for block in doc.blocks if isinstance(block, Grid)] == [0]


def test_oversized_spans_are_bounded() -> None:
    wide = read(body_with(table("<w:tr>" + cell("x", "<w:gridSpan w:val='99999'/>") + cell("y") + "</w:tr>")))
    ((_, rows),) = outline(wide)
    assert len(rows[0]) == 1000 and rows[0][-1] == ("x", True)
    row = "<w:tr>" + cell("x", "<w:gridSpan w:val='1000'/>") + "</w:tr>"
    huge = read(body_with(table(*[row] * 201), f"<w:p {W}>{RUN.format('after')}</w:p>"))
    assert outline(huge) == [("P", "after")]
    assert [code for code, _ in huge.warnings] == ["table-too-large"]


def test_empty_tables_take_no_index() -> None:
    doc = read(body_with(table("<w:tr>" + cell("") + "</w:tr>"), table("<w:tr>" + cell("a") + "</w:tr>")))
    assert [(block.prov.table, block.rows[0][0].text) for block in doc.blocks if isinstance(block, Grid)] == [(0, "a")]


def test_core_properties_become_metadata() -> None:
    document = docx.Document()
    document.add_paragraph("x")
    props = document.core_properties
    props.title, props.author = "2023年政府信息公开工作年度报告", "办公室"
    props.created = dt.datetime(2024, 1, 10, 9, 30)
    props.modified = dt.datetime(2024, 1, 11, 8, 0)
    assert read(save(document)).metadata == {
        "title": "2023年政府信息公开工作年度报告",
        "author": "办公室",
        "created": "2024-01-10T09:30:00+00:00",
        "modified": "2024-01-11T08:00:00+00:00",
    }


def test_no_core_properties_means_no_metadata() -> None:
    data = save(docx.Document())
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        rels = archive.read("_rels/.rels").decode()
    start = rels.rfind("<Relationship", 0, rels.index("core-properties"))
    end = rels.index("/>", start) + 2
    data = rezip(data, {"docProps/core.xml": None, "_rels/.rels": (rels[:start] + rels[end:]).encode()})
    assert read(data).metadata == {}


OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)


@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        (lambda: b"this is not a zip", CorruptFileError, "not a Word .docx file"),
        (lambda: rezip(report_docx(), {"[Content_Types].xml": None}), CorruptFileError, "not a Word .docx file"),
        (lambda: rezip(report_docx(), {"word/document.xml": None}), CorruptFileError, "not a Word .docx file"),
        (lambda: report_docx()[:2000], CorruptFileError, "not a Word .docx file"),
        (lambda: rezip(report_docx(), {"word/document.xml": b"<w:document"}), CorruptFileError, "damaged Word file"),
        (lambda: OLE + "EncryptedPackage".encode("utf-16-le"), EncryptedError, "password"),
        (lambda: OLE + "WordDocument".encode("utf-16-le"), CorruptFileError, "legacy Word .doc"),
        # 20 MB of spaces deflate to ~20 KB: far beyond what Word XML compresses to
        (lambda: rezip(report_docx(), {"word/document.xml": b" " * (20 * 2**20)}), CorruptFileError, "zip bomb"),
    ],
)
def test_refused_files(make: Callable[[], bytes], error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        read(make())


def test_total_unpacked_size_is_capped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(docx_reader, "MAX_UNPACKED_BYTES", 10_000)
    with pytest.raises(CorruptFileError, match=r"suspicious compressed size \(zip bomb\?\)"):
        read(report_docx())


def _with_doctype(doctype: str, entity: str) -> bytes:
    data = report_docx()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = archive.read("word/document.xml").decode("utf-8")
    root = xml.index("<w:document")
    xml = xml[:root].replace("?>", "?>" + doctype, 1) + xml[root:].replace("一、总体情况", entity, 1)
    return rezip(data, {"word/document.xml": xml.encode("utf-8")})


def test_entity_expansion_bomb_is_refused_quickly() -> None:
    levels = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    data = _with_doctype(f'<!DOCTYPE d [<!ENTITY l0 "lol">{levels}]>', "&l9;")
    start = time.perf_counter()
    try:
        doc = read(data)
    except CorruptFileError:
        pass
    else:  # left unexpanded is as good as refused
        assert all(len(block.text) < 1000 for block in doc.blocks if isinstance(block, Paragraph))
    assert time.perf_counter() - start < 2


def test_external_entities_are_not_loaded(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET", encoding="utf-8")
    data = _with_doctype(f'<!DOCTYPE d [<!ENTITY x SYSTEM "{secret.as_uri()}">]>', "&x;")
    try:
        doc = read(data)
    except CorruptFileError:
        return
    assert not any("TOP-SECRET" in block.text for block in doc.blocks if isinstance(block, Paragraph))


@pytest.mark.parametrize(
    ("name", "expected"), [("a.docx", True), ("A.DOCX", True), ("a.doc", False), ("a.html", False)]
)
def test_accepts(name: str, expected: bool) -> None:
    assert docx_reader.READER.accepts(Path(name), b"PK\x03\x04") is expected


def test_registry_picks_the_docx_reader(tmp_path: Path) -> None:
    path = tmp_path / "年报.docx"
    path.write_bytes(report_docx())
    doc = read_document(path)
    assert doc.format == "docx" and doc.source == str(path)
    assert doc.report_id == report_id(path.read_bytes())


# --- legacy .doc / .wps ---------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".doc", ".wps", ".DOC"])
def test_legacy_without_libreoffice_says_how_to_get_it(monkeypatch: pytest.MonkeyPatch, suffix: str) -> None:
    monkeypatch.setattr(legacy.shutil, "which", lambda name: None)
    assert legacy.READER.accepts(Path(f"a{suffix}"), OLE)
    with pytest.raises(ConverterMissingError, match="apt-get install libreoffice-writer"):
        legacy.READER.read(Path(f"a{suffix}"), OLE, "a")


def test_legacy_name_on_a_docx_needs_no_converter(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(legacy.shutil, "which", lambda name: None)
    data = report_docx()
    doc = legacy.READER.read(Path("old.doc"), data, "old.doc")
    assert doc.format == "docx" and doc.source == "old.doc" and doc.report_id == report_id(data)
    assert outline(doc) == outline(read(data))


SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.slow
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_legacy_doc_is_converted(tmp_path: Path) -> None:
    source = tmp_path / "report.docx"
    source.write_bytes(report_docx())
    subprocess.run(
        [str(SOFFICE), "--headless", "--convert-to", "doc", "--outdir", str(tmp_path), str(source)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    data = (tmp_path / "report.doc").read_bytes()
    doc = legacy.READER.read(tmp_path / "report.doc", data, "report.doc")
    assert doc.format == "docx" and doc.source == "report.doc" and doc.report_id == report_id(data)
    assert ("P", "一、总体情况") in outline(doc)
    assert any(isinstance(block, Grid) for block in doc.blocks)
