"""Report metadata beyond the title: the bureau's key, tier, kind and region, and the publication date.

Each value comes with its evidence and a confidence in ``Report.guesses`` (keys ``bureau``,
``bureau_key``, ``level``, ``region``, ``published``) so a misdetection is visible and can be
corrected with an overrides file (normalize/overrides.py).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from pathlib import PurePath

from xxgk.normalize.schema import Guess, Region, Report
from xxgk.parsers.bureau import bureau_key, describe
from xxgk.parsers.meta import bureau_and_year
from xxgk.parsers.published import find_published, find_signature
from xxgk.parsers.region import Place


def region_of(place: Place | None) -> Region | None:
    if place is None:
        return None
    county = place.at("county")
    city = place.at("city")
    province = place.at("province")
    return Region(
        province=province.name if province else None, city=city.name if city else None,
        county=county.name if county else None, code=place.deepest.code,
    )


def bureau_fields(name: str | None, context: str = "") -> tuple[dict[str, object], dict[str, Guess]]:
    """Report fields and guesses that follow from the bureau's name."""
    if not name:
        return {"bureau_key": None, "body_id": None, "level": None, "is_government": None, "region": None}, {}
    info = describe(name, context)
    fields: dict[str, object] = {"bureau_key": info.key, "body_id": info.body_id, "level": info.level,
                                 "is_government": info.is_government, "region": region_of(info.place)}
    guesses = {
        "bureau_key": Guess(value=info.key, evidence=f"由机关名称“{name}”规范化", confidence=1.0),
        "body_id": Guess(value=info.body_id, evidence=f"区划代码加机关类别，由机关名称“{name}”得出",
                         confidence=info.place.confidence if info.place else 1.0),
        "level": Guess(value=info.level, evidence=info.evidence, confidence=info.confidence),
        "region": Guess(value=info.place.deepest.code if info.place else None, evidence=info.evidence,
                        confidence=info.place.confidence if info.place else 0.0),
    }
    return fields, guesses


def _fuller(signed: str, title: str) -> bool:
    """Whether the signature prints the full name the title shortens: 桂花坪街道 → 长沙市天心区桂花坪街道办事处,
    信丰县卫生健康委 → 信丰县卫生健康委员会 — but not another body (…人民政府 → …人民政府办公室)."""
    at = signed.find(title)
    return signed != title and at >= 0 and signed[at + len(title):] in ("", "办事处", "员会", "人民政府")


def _body_before_year(filename: str) -> str | None:
    """'西工区人力资源和社会保障局2022年报.pdf' → '西工区人力资源和社会保障局' (when it names a body)."""
    name = re.split(r"(?:19|20)\d{2}", PurePath(filename).stem)[0].strip(" _-—（(【[")
    return name if 2 <= len(name) <= 40 and describe(name).is_government is not None else None


def with_metadata(report: Report, lines: Sequence[str]) -> Report:
    """The report with its metadata filled in from its text lines (in reading order)."""
    guesses = dict(report.guesses)
    update: dict[str, object] = {}
    bureau = report.bureau
    signature = find_signature(lines)
    if signature and signature.name:
        signed = signature.name
        if not bureau or _fuller(bureau_key(signed), bureau_key(bureau)):
            before = f"；标题作“{bureau}”" if bureau else ""
            bureau = signed
            update["bureau"] = signed
            guesses["bureau"] = Guess(value=signed, evidence=f"落款：{signature.line}{before}", confidence=0.85)
    if report.status == "failed" and (bureau is None or report.year is None):
        # An unreadable file still has a name; coverage places it by what the name says.
        filename = PurePath(report.source).name
        name_bureau, name_year = bureau_and_year("", "", filename)
        if bureau is None and (name := name_bureau.value if isinstance(name_bureau.value, str) else _body_before_year(filename)):
            bureau = update["bureau"] = name
            guesses["bureau"] = Guess(value=name, evidence=f"文件名：{filename}", confidence=0.5)
        if report.year is None and isinstance(name_year.value, int):
            update["year"] = name_year.value
            guesses["year"] = Guess(value=name_year.value, evidence=name_year.evidence, confidence=name_year.confidence)
    fields, derived = bureau_fields(bureau, "\n".join(lines))
    update.update(fields)
    guesses.update(derived)
    published = find_published(report.metadata, lines, signature)
    if isinstance(published.value, str):
        update["published"] = dt.date.fromisoformat(published.value)
        guesses["published"] = Guess(value=published.value, evidence=published.evidence, confidence=published.confidence)
    update["guesses"] = guesses
    return report.model_copy(update=update)
