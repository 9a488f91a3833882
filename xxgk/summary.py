"""``xxgk summary OUT``: a parsed batch at a glance, read back from OUT's files.

Counts reports by template, tier and year, sums applications received (表三 一、本年新收 总计) and
granted (（一）予以公开 / （二）部分公开 总计), and lists the most common findings and problem
categories. Each content is counted once: an identical copy of an earlier input (duplicate_of) is
counted apart, in ``copies``. Files are read row by row, so a large batch is never held in memory
(only each content's first source is kept, to tell its rows from a copy's). The chart
(``--chart FILE.png``) needs matplotlib (``xxgk[chart]``).
"""

from __future__ import annotations

import csv
import importlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from rich.console import Console
from rich.table import Table

from xxgk.errors import MissingExtra, SummaryError
from xxgk.output.dictionary import cell_column
from xxgk.types import TableKey


def _rows(path: Path) -> Iterator[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        yield from csv.DictReader(handle)


def _number(text: str) -> Decimal | None:
    try:
        return Decimal(text) if text else None
    except InvalidOperation:
        return None


@dataclass
class Overview:
    statuses: Counter[str] = field(default_factory=Counter)
    templates: Counter[str] = field(default_factory=Counter)
    levels: Counter[str] = field(default_factory=Counter)
    years: Counter[str] = field(default_factory=Counter)
    received: Decimal = Decimal(0)
    granted: Decimal = Decimal(0)
    partially_granted: Decimal = Decimal(0)
    with_table3: int = 0
    findings: Counter[tuple[str, str]] = field(default_factory=Counter)
    problems: Counter[str] = field(default_factory=Counter)
    copies: int = 0  # inputs identical to an earlier one, left out of every other count

    @property
    def reports(self) -> int:
        """Input files that are reports (skipped files left out)."""
        return sum(n for status, n in self.statuses.items() if status != "skipped")


def overview(out: str | Path) -> Overview:
    out = Path(out)
    needed = ("reports_wide.csv", "table3_wide.csv", "findings.csv", "problems.csv")
    absent = [name for name in needed if not (out / name).is_file()]
    if absent:
        raise SummaryError(f"{out} has no {', '.join(absent)}: write it with `xxgk parse INPUT... -o {out}`")
    result = Overview()
    first: dict[str, str] = {}  # report_id → the source its rows are counted from
    for row in _rows(out / "reports_wide.csv"):
        if row["duplicate_of"]:
            result.copies += 1
            continue
        first.setdefault(row["report_id"], row["source"])
        result.statuses[row["status"]] += 1
        if row["status"] != "skipped":
            result.templates[row["template"]] += 1
            result.levels[row["level"] or "unknown"] += 1
            result.years[row["year"] or "unknown"] += 1
    columns = {name: cell_column(TableKey.T3, row, "total") for name, row in
               (("received", "new_requests"), ("granted", "granted"), ("partially_granted", "partially_granted"))}
    def counted(rows: Iterator[dict[str, str]]) -> Iterator[dict[str, str]]:
        return (row for row in rows if first.get(row["report_id"]) == row["source"])

    for row in counted(_rows(out / "table3_wide.csv")):
        result.with_table3 += 1
        for name, column in columns.items():
            value = _number(row[column])
            if value is not None:
                setattr(result, name, getattr(result, name) + value)
    for row in counted(_rows(out / "findings.csv")):
        result.findings[(row["code"], row["severity"])] += 1
    for row in counted(_rows(out / "problems.csv")):
        result.problems[row["category"]] += 1
    return result


def _counts(title: str, counts: Counter[str], order: list[str] | None = None) -> Table:
    table = Table(title=title, title_justify="left", min_width=len(title) + 4)  # a narrow table would wrap its title
    keys = order if order is not None else [k for k, _ in counts.most_common()]
    for key in keys:
        table.add_column(key, justify="right")
    table.add_row(*(str(counts.get(k, 0)) for k in keys))
    return table


def print_overview(view: Overview, console: Console, out: str) -> None:
    copies = f"; {view.copies} identical copies counted once" if view.copies else ""
    console.print(f"[bold]{out}[/bold]: {view.reports} reports "
                  f"({', '.join(f'{n} {s}' for s, n in sorted(view.statuses.items()))}{copies})", highlight=False)
    console.print(_counts("reports by template", view.templates))
    console.print(_counts("reports by level", view.levels))
    console.print(_counts("reports by year", view.years, sorted(view.years)))
    console.print(f"applications received (表三 一、本年新收 总计): {view.received} in {view.with_table3} reports with 表三; "
                  f"granted (予以公开): {view.granted}; partially granted (部分公开): {view.partially_granted}", highlight=False)
    findings = Table(title="most common findings", title_justify="left", min_width=30)
    for name in ("code", "severity", "count"):
        findings.add_column(name, justify="right" if name == "count" else "left")
    for (code, severity), n in view.findings.most_common(10):
        findings.add_row(code, severity, str(n))
    console.print(findings)
    problems = Table(title="problem categories (section 五)", title_justify="left", min_width=36)
    problems.add_column("category")
    problems.add_column("sentences", justify="right")
    for category, n in view.problems.most_common():
        problems.add_row(category, str(n))
    console.print(problems)


# Chart labels when no font with Chinese characters is installed.
_ENGLISH = {"机制建设": "mechanisms", "公开内容": "content", "解读回应": "interpretation", "平台建设": "platforms",
            "队伍培训": "staff/training", "依申请办理": "requests", "其他": "other"}
_CJK_FONTS = ("Noto Sans CJK SC", "Noto Serif CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei", "SimHei", "Microsoft YaHei")


def write_chart(view: Overview, path: str | Path) -> None:
    """A PNG with reports per year, per template and the problem categories."""
    try:
        matplotlib = importlib.import_module("matplotlib")
    except ImportError as exc:
        raise MissingExtra("--chart needs matplotlib, which is not installed: pip install 'xxgk[chart]'") from exc
    matplotlib.use("Agg")  # files only: no display needed
    pyplot = importlib.import_module("matplotlib.pyplot")
    font_manager = importlib.import_module("matplotlib.font_manager")
    installed = {f.name for f in font_manager.fontManager.ttflist}
    cjk = next((name for name in _CJK_FONTS if name in installed), None)
    if cjk:
        matplotlib.rcParams["font.sans-serif"] = [cjk, *matplotlib.rcParams["font.sans-serif"]]
    categories = [(c if cjk else _ENGLISH.get(c, c), n) for c, n in view.problems.most_common()]
    years = sorted((y, n) for y, n in view.years.items() if y != "unknown")
    figure, axes = pyplot.subplots(1, 3, figsize=(13, 4))
    for axis, title, data in (
        (axes[0], "reports by year", years),
        (axes[1], "reports by template", sorted(view.templates.items())),
        (axes[2], "problem categories", categories),
    ):
        axis.bar([str(k) for k, _ in data], [n for _, n in data], color="#4a7ab0")
        axis.set_title(title)
        axis.tick_params(axis="x", labelrotation=45)
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    pyplot.close(figure)
