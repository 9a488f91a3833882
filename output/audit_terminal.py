"""The audit's table per bureau for the terminal. It is the human report of `xxgk audit`, so the
CLI prints it on stdout (progress and the parse summary stay on stderr)."""

from __future__ import annotations

from collections import Counter

from rich.console import Console
from rich.table import Table

from xxgk.normalize.audit.decisions import DECISION_NAMES
from xxgk.normalize.audit.overview import SEVERITY_NAMES, Overview

_STYLE = {"error": "red", "warning": "yellow"}


def print_audit(overview: Overview, console: Console, out: str) -> None:
    table = Table(title=f"xxgk audit: {overview.report_count} reports → {out}/audit.html", title_justify="left")
    table.add_column("机关", overflow="fold", ratio=3)
    table.add_column("年度", overflow="fold", ratio=1)
    table.add_column("缺年", overflow="fold", ratio=1)
    for severity in ("error", "warning", "info"):
        table.add_column(SEVERITY_NAMES[severity], justify="right", no_wrap=True)
    table.add_column("存在问题的方面", overflow="fold", ratio=3)
    for bureau in overview.bureaus():
        areas = " ".join(
            f"[{_STYLE[worst]}]{area}({'·'.join(defects)})[/]" for area, defects, worst in bureau.areas()
        )
        table.add_row(
            _plain(bureau.name), ",".join(map(str, bureau.years)),
            ",".join(map(str, bureau.missing_years)), str(bureau.severities.get("error", 0)),
            str(bureau.severities.get("warning", 0)), str(bureau.severities.get("info", 0)),
            (areas or "[green]—[/]") + _reading(bureau.reading) + _decided(bureau.decided),
        )
    console.print(table)
    if overview.decided:
        counts = "，".join(f"{DECISION_NAMES[s]}{n}条" for s, n in sorted(overview.decided.items()))
        console.print(f"处理决定：{counts}（误读、排除的不计入退出状态）", markup=False, highlight=False)
    if overview.unread:
        console.print(f"{len(overview.unread)} files not audited (failed or not a report): see {out}/parse/reports.csv",
                      markup=False, highlight=False)


def _reading(count: int) -> str:
    """Problems of our own reading (P- codes), apart from the body's defects and not counted with them."""
    return f"\n[dim]另有读取问题{count}个（非报告本身）[/]" if count else ""


def _decided(decided: Counter[str]) -> str:
    """The supervisor's decisions on the body's findings (misread and dismissed ones are not counted above)."""
    if not decided:
        return ""
    return "\n[dim]处理决定：" + "，".join(f"{DECISION_NAMES[s]}{n}" for s, n in sorted(decided.items())) + "[/]"


def _plain(text: str) -> str:
    """Report text shown literally, never read as rich markup."""
    return text.replace("[", "\\[")
