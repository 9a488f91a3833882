"""Report metadata: bureau key, tier and kind, region, publication date, and the --meta corrections."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from xxgk.api import parse_file
from xxgk.normalize.metadata import with_metadata
from xxgk.normalize.overrides import MetaOverrides, OverrideError
from xxgk.normalize.schema import Report
from xxgk.parsers.bureau import bureau_key, describe, to_simplified
from xxgk.parsers.published import find_signature, parse_date
from xxgk.parsers.region import (
    Place,
    Unresolved,
    ancestry,
    division,
    place_for_code,
    resolve,
)


@pytest.fixture(scope="module")
def reports(corpus: Path) -> dict[str, Report]:
    return {folder.name[:3]: parse_file(next(folder.glob("source.*"))) for folder in sorted(corpus.iterdir()) if folder.is_dir()}


# Checked by hand against each source: (bureau as printed, level, is_government, province, city, county, code).
PRINTED = {
    "s01": ("西工区人力资源和社会保障局", "county", False, "河南省", "洛阳市", "西工区", "410303"),
    "q03": ("永嘉县统计局", "county", False, "浙江省", "温州市", "永嘉县", "330324"),
    "q01": ("道县文广新局", "county", False, "湖南省", "永州市", "道县", "431124"),
    "p06": ("信丰县卫生健康委", "county", False, "江西省", "赣州市", "信丰县", "360722"),  # the excerpt's title shortens 委员会
    "r02": ("淮安市洪泽区人民政府", "county", True, "江苏省", "淮安市", "洪泽区", "320813"),  # name on the line above the title
    "r03": ("淮安市人民政府", "city", True, "江苏省", "淮安市", None, "320800"),
    "r06": ("上海市人民政府办公厅", "province", False, "上海市", None, None, "310000"),  # year-first title
    "p05": ("长沙市天心区桂花坪街道办事处", "township", True, "湖南省", "长沙市", "天心区", "430103"),  # from the signature
}


@pytest.mark.parametrize("folder", sorted(PRINTED))
def test_metadata_of_reports_that_print_their_name(reports: dict[str, Report], folder: str) -> None:
    report = reports[folder]
    bureau, level, government, province, city, county, code = PRINTED[folder]
    assert (report.bureau, report.level, report.is_government) == (bureau, level, government)
    assert report.region is not None
    assert (report.region.province, report.region.city, report.region.county, report.region.code) == (province, city, county, code)
    assert report.bureau_key == bureau
    assert report.guesses["region"].confidence >= 0.85 and code in report.guesses["region"].evidence


def test_year_and_template_match_the_corpus_truth(reports: dict[str, Report], corpus: Path) -> None:
    for folder in sorted(p for p in corpus.iterdir() if p.is_dir()):
        truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
        report = reports[folder.name[:3]]
        assert (report.year, report.template) == (truth["year"], truth["template"]), folder.name


def test_an_ocr_slip_in_the_name_leaves_the_region_open(reports: dict[str, Report]) -> None:
    # r04 is 沭阳县人民政府, printed 沐阳县 in the OCR copy: no such county, so no region is guessed;
    # the tier and kind still follow from 县 and 人民政府.
    report = reports["r04"]
    assert report.bureau == "沐阳县人民政府" and report.region is None
    assert (report.level, report.is_government) == ("county", True)
    assert "不在区划表中" in report.guesses["level"].evidence


def test_reports_that_do_not_print_their_name_have_no_metadata_guessed(reports: dict[str, Report]) -> None:
    for folder in ("p01", "p02", "p04", "p07", "q02", "r08"):
        report = reports[folder]
        assert report.bureau is None and report.level is None and report.region is None, folder


@pytest.mark.parametrize(
    ("folder", "published", "confidence"),
    [("q03", "2016-02-14", 0.9), ("p05", "2021-01-25", 0.9), ("q01", "2014-03-25", 0.8), ("r04", "2026-01-23", 0.8),
     ("r02", "2025-02-25", 0.5)],
)
def test_publication_date_and_its_evidence(reports: dict[str, Report], folder: str, published: str, confidence: float) -> None:
    report = reports[folder]
    assert report.published == dt.date.fromisoformat(published)
    assert report.guesses["published"].confidence == confidence


# --- bureau names ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("淮安市洪泽区人民政府 2024年政府信息公开工作年度报告", "淮安市洪泽区人民政府"),
        ("西工區人力資源和社會保障局2023年政府信息公開工作年度報告", "西工区人力资源和社会保障局"),
        ("关于青禾县档案馆2022年度政府信息公开工作的报告", "青禾县档案馆"),
        ("淮安市人民政府信息公开工作年度报告", "淮安市人民政府"),
        ("《远山县水利局》2021年政务信息公开年报", "远山县水利局"),
        ("远山县 水利局（2020年度）", "远山县水利局"),
    ],
)
def test_bureau_key_is_stable_across_years_and_spellings(name: str, key: str) -> None:
    assert bureau_key(name) == key


@pytest.mark.parametrize(
    ("name", "level", "government", "code"),
    [
        ("沭阳县发展和改革局", "county", False, "321322"),
        ("江苏省淮安市洪泽区人民政府办公室", "county", False, "320813"),
        ("潜江市周矶街道办事处", "township", True, "429005"),  # a county-level city the province administers
        ("北京市朝阳区人民政府", "county", True, "110105"),
        ("淮安洪泽区人民政府", "county", True, "320813"),  # short city name followed by its district
        ("广西壮族自治区人民政府", "province", True, "450000"),
        ("远山县某某镇人民政府", "township", True, None),
        ("桂花坪街道", "township", True, None),
        ("临川市白鹭区教育局", "county", False, None),
        ("国家统计局", "national", False, None),
        ("信息公开办", None, False, None),
    ],
)
def test_describe(name: str, level: str | None, government: bool | None, code: str | None) -> None:
    info = describe(name)
    assert (info.level, info.is_government) == (level, government)
    assert (info.place.deepest.code if info.place else None) == code


def test_a_shared_county_name_is_settled_only_by_the_text() -> None:
    assert isinstance(resolve("朝阳区教育委员会"), Unresolved)
    place = resolve("朝阳区教育委员会", context="为进一步推进长春市政务公开工作……")
    assert isinstance(place, Place) and place.deepest.code == "220104" and place.rest == "教育委员会"


def test_division_list() -> None:
    assert division("410303000000").name == "西工区"  # type: ignore[union-attr]
    assert [d.name for d in ancestry(division("330324"))] == ["浙江省", "温州市", "永嘉县"]  # type: ignore[arg-type]
    assert division("110100") is None  # the 直辖市 placeholder row is not kept
    place = place_for_code("110105")
    assert place is not None and [d.level for d in place.chain] == ["province", "county"]


def test_traditional_to_simplified() -> None:
    assert to_simplified("臺灣省縣級區劃") == "台湾省县级区划"


@pytest.mark.parametrize(
    ("text", "date"),
    [("发布时间：2024-01-20 来源", dt.date(2024, 1, 20)), ("二〇二四年一月二十日", dt.date(2024, 1, 20)),
     ("2023年12月31日", dt.date(2023, 12, 31)), ("2024/2/30 2024/3/1", dt.date(2024, 3, 1)), ("无日期", None)],
)
def test_parse_date(text: str, date: dt.date | None) -> None:
    assert parse_date(text) == date


def test_signature_skips_page_numbers_and_names_the_signer() -> None:
    found = find_signature(["……特此报告。", "远山县水利局", "二〇二四年一月十九日", "— 5 —"])
    assert found is not None and found.name == "远山县水利局" and found.date == dt.date(2024, 1, 19)
    assert find_signature(["……特此报告。", "联系电话：12345"]) is None


def test_a_failed_file_is_placed_by_its_name(tmp_path: Path) -> None:
    path = tmp_path / "远山县水利局2022年政府信息公开工作年度报告.txt"
    path.write_bytes(b"")
    report = parse_file(path)
    assert report.status == "failed" and (report.bureau, report.year) == ("远山县水利局", 2022)
    assert report.guesses["year"].evidence.startswith("文件名")


# --- --meta corrections --------------------------------------------------------------------------


def _meta(tmp_path: Path, text: str, encoding: str = "utf-8-sig") -> Path:
    path = tmp_path / "meta.csv"
    path.write_text(text, encoding=encoding)
    return path


def test_overrides_fix_an_ocr_slip_and_a_missing_name(tmp_path: Path, reports: dict[str, Report]) -> None:
    meta = _meta(tmp_path, "source,bureau,year,note\n"
                           "r04_shuyang_county_2025/source.txt,沭阳县人民政府,,OCR: 沐阳\n"
                           f"{reports['r08'].source},沭阳县发展和改革局,,name not printed\n")
    table = MetaOverrides.load(meta)
    fixed = table.apply(reports["r04"])
    assert fixed.region is not None and (fixed.region.province, fixed.region.city, fixed.region.county) == ("江苏省", "宿迁市", "沭阳县")
    assert fixed.year == 2025 and fixed.bureau_key == "沭阳县人民政府"
    assert fixed.guesses["bureau"].evidence == "人工校正：meta.csv 第2行" and fixed.guesses["bureau"].confidence == 1.0
    r08 = table.apply(reports["r08"])
    assert (r08.bureau, r08.level, r08.is_government) == ("沭阳县发展和改革局", "county", False)
    assert r08.region is not None and r08.region.code == "321322"
    assert table.apply(reports["s01"]) is reports["s01"]  # no row for it
    assert table.unmatched([(reports["r04"].report_id, reports["r04"].source)]) == [3]  # r08's row matched nothing here


def test_overrides_by_report_id_in_gb18030(tmp_path: Path, reports: dict[str, Report]) -> None:
    report = reports["s01"]
    meta = _meta(tmp_path, f"report_id,level,region_code,template,year,is_government\n{report.report_id},city,410300,2019,2022,是\n",
                 encoding="gb18030")
    fixed = MetaOverrides.load(meta).apply(report)
    assert (fixed.level, fixed.template, fixed.year, fixed.is_government) == ("city", "2019", 2022, True)
    assert fixed.region is not None and (fixed.region.city, fixed.region.county, fixed.region.code) == ("洛阳市", None, "410300")


@pytest.mark.parametrize(
    ("text", "message"),
    [("source,bureua\nx.txt,甲局\n", "unknown column"), ("bureau\n甲局\n", "source or report_id"),
     ("source,level\nx.txt,district\n", "level"), ("source,region_code\nx.txt,999999\n", "region_code"),
     ("source,year\nx.txt,23\n", "year"), ("source,year\n,2023\n", "neither source nor report_id")],
)
def test_bad_overrides_say_where(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(OverrideError, match=message):
        MetaOverrides.load(_meta(tmp_path, text))


@pytest.mark.parametrize(
    ("title", "signer", "bureau"),
    [("桂花坪街道", "长沙市天心区桂花坪街道办事处", "长沙市天心区桂花坪街道办事处"),
     ("青禾县人民政府", "青禾县人民政府办公室", "青禾县人民政府"),  # the office signing for the government is another body
     (None, "远山县水利局", "远山县水利局")],
)
def test_the_signature_completes_a_shortened_name(title: str | None, signer: str, bureau: str) -> None:
    report = Report(parser_version="t", report_id="x", source="x.txt", status="ok", bureau=title)
    found = with_metadata(report, ["……特此报告。", signer, "2024年1月19日"])
    assert found.bureau == bureau and found.published == dt.date(2024, 1, 19)


# --- body names printed outside the title's one line ------------------------------------------------


@pytest.mark.parametrize(
    "lines",
    [
        ["某县某局2023年政府信息公开工作年", "度报告"],
        ["某县某局2023年政府信息公开工作", "年度报告"],
        ["某县某局2023年政府信", "息公开工作年度报告"],
        ["某县某局2023年政府信息公开工作年度报告"],
    ],
)
def test_titles_broken_over_two_lines(lines: list[str]) -> None:
    from xxgk.ingest.document import Provenance
    from xxgk.parsers.meta import bureau_and_year, find_title
    from xxgk.parsers.model import Item

    title, _ = find_title([Item([(line, Provenance())], Provenance()) for line in [*lines, "一、总体情况"]])
    assert title == "某县某局2023年政府信息公开工作年度报告"
    bureau, year = bureau_and_year(title, "", "")
    assert (bureau.value, year.value) == ("某县某局", 2023)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("2020年，周矶街道办事处全面贯彻落实《中华人民共和国政府信息公开条例》，积极主动公开政府信息。", "周矶街道办事处"),
        ("根据《条例》，特将本年度工作报告如下。\n2023年，青禾县文化和旅游局坚持以人民为中心。", "青禾县文化和旅游局"),
        ("2024年，区政府办代表区政府受理政府信息公开申请17件。", None),  # names no place: not a body's name
        ("2023年，县发展和改革局严格落实《条例》。", None),
        ("2023年，在县委、县政府的正确领导下，我委坚持公开为常态。", None),
        ("本报告由淮安市洪泽区人民政府办公室根据《条例》编制。", None),  # who compiled it, not whose report
    ],
)
def test_a_body_named_as_the_subject_of_a_first_sentence(text: str, name: str | None) -> None:
    from xxgk.parsers.meta import body_in_first_sentences

    found = body_in_first_sentences(text)
    assert found.value == name
    assert (found.confidence, found.evidence.startswith("正文：")) == ((0.7, True) if name else (0.0, False))


# Every corpus report's body as printed somewhere in it (title, first sentence or signature); None when the
# name is not printed in full (q02 names no body; p07 and r08 only 区统计局, 县发展和改革局: no place).
BODIES = {
    "p01": None, "p02": None, "p03": "周矶街道办事处", "p04": None, "p05": "长沙市天心区桂花坪街道办事处",
    "p06": "信丰县卫生健康委", "p07": None, "q01": "道县文广新局", "q02": None, "q03": "永嘉县统计局",
    "r02": "淮安市洪泽区人民政府", "r03": "淮安市人民政府", "r04": "沐阳县人民政府", "r06": "上海市人民政府办公厅",
    "r08": None, "s01": "西工区人力资源和社会保障局",
}


def test_every_corpus_report_that_prints_its_body_has_it(reports: dict[str, Report], corpus: Path) -> None:
    assert set(BODIES) == set(reports)
    for folder, name in BODIES.items():
        report = reports[folder]
        assert report.bureau == name, folder
        truth = json.loads((next(corpus.glob(f"{folder}_*")) / "truth.json").read_text(encoding="utf-8"))["bureau"]
        if name is not None:  # the truth's name, or the name the truth gives in full or in brackets
            assert name in truth or truth.split(" ")[0].endswith(name.removeprefix("沐阳县").removeprefix("信丰县")), folder
            assert report.guesses["bureau"].evidence and report.guesses["bureau"].confidence >= 0.7
    p03 = reports["p03"]
    assert (p03.level, p03.is_government) == ("township", True)
    assert p03.guesses["bureau"].evidence.startswith("正文：2020年,周矶街道办事处全面贯彻")
