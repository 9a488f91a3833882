"""`xxgk audit`: parse a batch, run every audit check, write findings.csv and audit.html.

OUT receives:

- ``parse/`` — the parse batch (xxgk.batch.run_parse) exactly as ``xxgk parse`` writes it;
- ``findings.csv`` — parse-time and audit findings, the contract's columns plus bureau, bureau_key, body_id,
  year, defect, area, related_source, places (the page or line of every cell of the evidence);
- ``findings.jsonl`` — the same findings, one JSON object a line, with their evidence;
- ``decisions.csv`` — every finding's stable id and its decision (normalize/audit/decisions.py): the
  template a supervisor fills in and gives back with ``--decisions``, stale decisions kept at its end;
- ``audit.html`` — the page for supervisors (output/audit_html.py);
- ``problems.xlsx`` and ``整改通知/<body>.docx`` — each body's defects with their evidence, to send
  (output/audit_rectify.py; the workbook needs the xlsx extra, without it a note says so);
- ``run.json`` — versions, time, options as given and the SHA-256 of every input (output/audit_run.py);
- ``previous-N/`` — only when a --previous folder of reports had to be parsed.

Reports are read back from ``parse/reports.jsonl`` one line at a time, twice: once for the per-report
checks and the small digests the cross-report checks need, once to write the findings and the page.
The batch is never held in memory whole.
"""

from __future__ import annotations

import csv
import dataclasses
import os
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xxgk.batch import Batch, run_parse
from xxgk.errors import AuditInputError
from xxgk.executors import Executor
from xxgk.normalize.audit import (
    DatedEvidence,
    Digest,
    audit_batch,
    audit_report,
    digest_of,
    subject_of,
)
from xxgk.normalize.audit.body import Body
from xxgk.normalize.audit.dates import parse_date
from xxgk.normalize.audit.decisions import Decision, Decisions, Versions, body_key
from xxgk.normalize.audit.evidence import with_places
from xxgk.normalize.audit.overview import Overview
from xxgk.normalize.audit.roster import Roster, load_roster
from xxgk.normalize.locate import locate
from xxgk.normalize.schema import Finding
from xxgk.options import AuditOptions, ParseOptions
from xxgk.output.audit_decisions import DecisionsTemplate
from xxgk.output.audit_findings import AuditFindingsWriter, places_text
from xxgk.output.audit_html import AuditPage
from xxgk.output.audit_rectify import Rectification
from xxgk.output.audit_run import RunRecord
from xxgk.progress import ProgressSink, Silent
from xxgk.types import Severity

FAIL_ON = ("error", "warning", "never")
DEFAULT_OUT = "audit-out"


@dataclass(frozen=True)
class AuditSummary:
    out: Path
    reports: int
    severities: Counter[str]
    overview: Overview  # per bureau, for the table the command line prints
    notes: tuple[str, ...] = field(default=())  # about the inputs: links read from outside, earlier audits left out
    stale: tuple[Decision, ...] = ()  # decisions given whose finding this run did not produce

    def fails(self, fail_on: str) -> bool:
        """True when the findings reach the --fail-on level."""
        if fail_on == "never":
            return False
        if fail_on == "warning":
            return bool(self.severities.get("error") or self.severities.get("warning"))
        return bool(self.severities.get("error"))


class PublishedDates:
    """--published CSV: columns ``source`` (or ``file``/``filename``) and ``date``. A row matches a
    report by its source as given, else by file name."""

    SOURCE_COLUMNS = ("source", "file", "filename", "file_name")
    DATE_COLUMNS = ("date", "published", "publication_date")

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self.by_source: dict[str, DatedEvidence] = {}
        self.by_name: dict[str, DatedEvidence] = {}
        if path is not None:
            self._load(Path(path))

    def _load(self, path: Path) -> None:
        try:
            with open(path, encoding="utf-8-sig", newline="") as handle:
                reader = csv.DictReader(handle)
                fields = {name.strip().lower(): name for name in reader.fieldnames or ()}
                source_col = next((fields[c] for c in self.SOURCE_COLUMNS if c in fields), None)
                date_col = next((fields[c] for c in self.DATE_COLUMNS if c in fields), None)
                if source_col is None or date_col is None:
                    raise AuditInputError(f"--published {path}: needs a 'source' (or 'file') column and a 'date' column")
                for number, row in enumerate(reader, start=2):
                    source, raw = (row.get(source_col) or "").strip(), (row.get(date_col) or "").strip()
                    if not source:
                        continue
                    date = parse_date(raw)
                    if date is None:
                        raise AuditInputError(f"--published {path} line {number}: '{raw}' is not a date (2024-01-25 or 2024年1月25日)")
                    evidence = DatedEvidence(date, f"发布日期清单（{path.name}）")
                    self.by_source[source] = evidence
                    self.by_name[Path(source).name] = evidence
        except (OSError, UnicodeDecodeError, csv.Error) as exc:
            raise AuditInputError(f"--published {path}: {exc}") from exc

    def lookup(self, source: str) -> DatedEvidence | None:
        return self.by_source.get(source) or self.by_name.get(Path(source).name)


@dataclass(frozen=True)
class InputSurvey:
    """What the audit must know of its input folders before parsing them: earlier audits' OUT
    folders inside them (never read as reports: their audit.html draws the tables) and links to
    files outside them (read, but said)."""

    earlier_audits: tuple[str, ...] = ()
    outside_links: tuple[tuple[str, str], ...] = ()  # (source, resolved target)

    @classmethod
    def of(cls, inputs: Iterable[str | os.PathLike[str]], out: Path) -> InputSurvey:
        audits: list[str] = []
        links: list[tuple[str, str]] = []
        own = os.path.realpath(out)
        for item in inputs:
            given = os.fspath(item)
            if not os.path.isdir(given) or os.path.islink(given):
                continue
            root = os.path.realpath(given)
            for dirpath, dirnames, filenames in os.walk(given, followlinks=False):
                if is_audit_out(Path(dirpath)) and os.path.realpath(dirpath) != own:
                    audits.append(dirpath)
                    dirnames[:] = []
                    continue
                dirnames[:] = [d for d in sorted(dirnames) if os.path.realpath(os.path.join(dirpath, d)) != own]
                for name in sorted(filenames):
                    path = os.path.join(dirpath, name)
                    if os.path.islink(path):
                        target = os.path.realpath(path)
                        if os.path.commonpath([root, target]) != root:
                            links.append((os.path.join(given, os.path.relpath(path, given)), target))
        return cls(tuple(audits), tuple(links))

    def notes(self) -> tuple[str, ...]:
        return (
            *(f"{folder} holds an earlier audit: not read as input" for folder in self.earlier_audits),
            *(f"{source} links outside the input folder, to {target}: read" for source, target in self.outside_links),
        )


def is_audit_out(folder: Path) -> bool:
    """An OUT folder of ``xxgk audit``: its findings, its page and its parse batch."""
    return (folder / "findings.csv").is_file() and (folder / "parse" / "reports.jsonl").is_file()


def under_input(source: str, inputs: Sequence[str | os.PathLike[str]]) -> str:
    """The file's path under the input folder it was found in (``a/source.txt``), its name when given
    itself: how the audit names a body whose name is unknown, so files named alike stay apart."""
    file = os.path.abspath(source)
    folders = [os.path.abspath(given) for given in inputs if os.path.isdir(given)]
    paths = [os.path.relpath(file, folder) for folder in folders if os.path.commonpath([folder, file]) == folder]
    return min(paths, key=len, default=os.path.basename(source)).replace(os.sep, "/")


def previous_reports(path: Path, out: Path, number: int, options: ParseOptions, executor: Executor | None = None) -> Batch:
    """The reports.jsonl holding an earlier year's reports: given directly, in an earlier run's OUT
    (a parse OUT, or an audit OUT with parse/), beside an xxgk.sqlite store, or — for a folder of
    report files — parsed now into OUT/previous-N."""
    if not path.exists():
        raise AuditInputError(f"--previous {path}: no such file or folder")
    if path.is_file() and path.suffix == ".jsonl":
        return Batch(path.parent, path)
    if path.is_file() and path.suffix in (".sqlite", ".sqlite3", ".db"):
        # The store's tables belong to the batch engine; its run writes reports.jsonl beside it.
        beside = path.parent / "reports.jsonl"
        if beside.exists():
            return Batch(path.parent)
        raise AuditInputError(f"--previous {path}: no reports.jsonl beside the store; pass the run's OUT folder")
    if path.is_dir():
        for candidate in (path / "reports.jsonl", path / "parse" / "reports.jsonl"):
            if candidate.exists():
                return Batch(candidate.parent)
    target = out / f"previous-{number}"
    run_parse([path], target, options, executor=executor)
    return Batch(target)


def run_audit(
    inputs: Sequence[str | os.PathLike[str]],
    out: str | os.PathLike[str] = DEFAULT_OUT,
    options: AuditOptions = AuditOptions(),
    *,
    executor: Executor | None = None,
    progress: ProgressSink | None = None,
    invocation: Mapping[str, Any] | None = None,
) -> AuditSummary:
    """Audit every input into OUT; prints nothing (``progress`` follows the parse). ``executor`` goes
    to the parse batch; ``invocation`` (the command line, its parameters) is recorded in run.json. Raises AuditInputError
    for unusable arguments, XxgkError when the batch cannot run at all."""
    out = Path(out)
    dates = PublishedDates(options.published)
    kept = out / "decisions.csv"
    # OUT's decisions.csv, filled in place, is read when no other file is given: a re-run never empties it.
    decisions_file = options.decisions or (kept if kept.is_file() else None)
    decisions = Decisions.load(decisions_file)
    record = RunRecord(inputs, options, invocation or {}, decisions_file)
    roster = load_roster(options.bodies) if options.bodies else Roster()
    survey = InputSurvey.of(inputs, out)
    # The OUT folder and earlier audits inside the inputs are never read as reports.
    parse_options = dataclasses.replace(options.parse, exclude=(*options.parse.exclude, str(out), *survey.earlier_audits))
    progress = progress or Silent()
    if options.decisions is None and decisions.given:
        progress.warn(f"using the {len(decisions.given)} decisions in {kept} (--decisions gives another file)")
    if (out / "findings.csv").exists() or (out / "audit.html").exists():
        progress.warn(f"overwriting the earlier audit in {out}")
    for note in survey.notes():
        progress.warn(note)
    out.mkdir(parents=True, exist_ok=True)
    earlier = [
        previous_reports(Path(p), out, n, parse_options, executor) for n, p in enumerate(options.previous, start=1)
    ]
    run_parse(inputs, out / "parse", parse_options, executor=executor, progress=progress)
    batch = Batch(out / "parse")

    bodies: list[Body] = []
    own: list[list[Finding]] = []
    digests: list[Digest] = []
    for index, report in enumerate(batch.reports()):
        subject = roster.subject(subject_of(report, dates.lookup(report.source), under_input(report.source, inputs)))
        bodies.append(subject.body)
        own.append(audit_report(subject))
        if report.status != "skipped":  # not a report: nothing to compare with the others
            digests.append(digest_of(subject, index))
    versions = Versions((body_key(d.body.key, d.source), d.year, d.report_id, d.source) for d in digests)
    seen = {d.report_id for d in digests}
    for previous in earlier:
        for report in previous.reports():
            if report.report_id not in seen and report.status not in ("failed", "skipped"):
                seen.add(report.report_id)
                digests.append(digest_of(roster.subject(subject_of(report)), -len(digests) - 1, in_batch=False))
    cross = audit_batch(digests)

    overview = Overview()
    writer = AuditFindingsWriter(out / "findings.csv", options.parse.encoding, out / "findings.jsonl")
    template = DecisionsTemplate(out / "decisions.csv", options.parse.encoding)
    with writer as findings_csv, template, AuditPage(out / "audit.html") as page, Rectification(out) as lists:
        for index, report in enumerate(batch.reports()):
            # Audit findings about a cell, row or column take the provenance of the report's cell.
            placed = with_places([*report.findings, *locate([*own[index], *cross.get(index, [])], report.cells)], report)
            own[index] = []  # written: let it go
            record.add(report.source, report.status)
            key = body_key(bodies[index].key, report.source)
            findings = decisions.mark_all(key, report.year, placed, versions.of(key, report.year, report.report_id, report.source))
            findings_csv.write(report, bodies[index], findings)
            for finding in findings:
                template.add(finding, bodies[index].shown, report.year, places_text(finding))
            entry = overview.add(index, report, bodies[index], findings)
            lists.add(report, bodies[index], findings)
            if entry not in overview.unread:
                page.add_report(index, report, bodies[index], findings)
        for body, year in roster.expected(overview.year_span()):
            if not overview.reported(body.key, year):
                finding = Finding(code="X-MISSING", severity=Severity.WARNING,
                                  message=f"应报未报：名单上的“{body.name}”没有{year}年度的报告",
                                  evidence={"body_id": body.key, "year": year})
                finding = decisions.mark_all(body.key, year, [finding])[0]
                findings_csv.write_unreported(body.name, body.key, year, finding)
                template.add(finding, body.name, year, "")
                lists.add_unreported(body.key, body.name, year, finding)
                overview.add_unreported(body.key, body.name, year, finding)
        stale = decisions.stale()
        template.add_stale(stale)
        page.finish(overview, survey.outside_links, stale)
        written = lists.write()
    for note in written:
        progress.warn(note)
    record.write(out / "run.json")
    return AuditSummary(out, overview.report_count, overview.severities, overview, (*survey.notes(), *written), tuple(stale))
