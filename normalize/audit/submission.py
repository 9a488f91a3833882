"""What a batch holds of each body: two versions of one year's report, and one file under two names.

Neither is merged: each report stays a row of its own, and the finding names the others, so a
supervisor decides which version counts (D16).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from xxgk.normalize.audit.registry import Digest, batch_check
from xxgk.normalize.schema import Finding
from xxgk.types import Severity


@batch_check("X-VERSION")
def two_versions(digests: Sequence[Digest]) -> Iterator[tuple[int, Finding]]:
    """Different reports (by content) of one body for one year."""
    by_body_year: dict[tuple[str, int], dict[str, Digest]] = {}
    for digest in digests:
        if digest.in_batch and digest.body.key and digest.year is not None:
            by_body_year.setdefault((digest.body.key, digest.year), {}).setdefault(digest.report_id, digest)
    for (_, year), versions in by_body_year.items():
        if len(versions) < 2:
            continue
        for digest in versions.values():
            others = [d.source for d in versions.values() if d is not digest]
            yield digest.index, Finding(
                code="X-VERSION", severity=Severity.WARNING,
                message=f"本机关{year}年报告在本批中有{len(versions)}个内容不同的版本，另见：{'；'.join(others)}；"
                        f"各版本分别审核，未合并，请确认以哪一版为准",
                evidence={"other_sources": others, "versions": len(versions)},
            )


@batch_check("X-COPY")
def same_file(digests: Sequence[Digest]) -> Iterator[tuple[int, Finding]]:
    """One content (the same report_id) under several file names: every copy after the first says so."""
    first: dict[str, Digest] = {}
    for digest in digests:
        if not digest.in_batch:
            continue
        kept = first.setdefault(digest.report_id, digest)
        if kept is not digest:
            yield digest.index, Finding(
                code="X-COPY", severity=Severity.INFO,
                message=f"与“{kept.source}”内容完全相同（同一文件的副本）；两者均列出，统计时只应计一次",
                evidence={"other_source": kept.source, "duplicate_of": kept.source},
            )
