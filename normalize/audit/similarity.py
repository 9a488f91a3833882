"""D15 copied text: a narrative nearly identical to the same body's earlier report or to another
body's, once numbers, dates and the bodies' names are masked.

Each report's masked narrative is reduced to a 128-value MinHash of its 5-character shingles
(one-permutation hashing: every shingle is hashed once and kept if it is the smallest in its
bucket), and candidate pairs come from an LSH index over bands of that sketch, so the batch is never
compared all-pairs. The reported similarity is the sketch's estimate of the shingle sets' Jaccard
index.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Sequence
from itertools import combinations

from xxgk.normalize.audit.body import Body
from xxgk.normalize.audit.registry import Digest, batch_check
from xxgk.normalize.audit.text import SECTION_ORDER, paragraphs
from xxgk.normalize.schema import Finding, Report
from xxgk.types import Severity

SHINGLE = 5
BUCKETS = 128
BANDS, ROWS = 32, 4  # BANDS * ROWS == BUCKETS; a pair at Jaccard 0.9 shares a band with p > 0.999
THRESHOLD = 0.9
MIN_LENGTH = 150  # shorter narratives (无其他需要报告的事项) are alike without being copied
_EMPTY = 1 << 64
_PLACE = re.compile(r".+?(?:省|自治区|自治州|市|州|盟|县|区|旗|乡|镇|街道)")
_NUMBER = re.compile(r"\d+(?:\.\d+)?|[〇零一二三四五六七八九十百千万两]+(?=[年月日件条项个次期])")
_NOISE = re.compile(r"[\W_]+")


def _names(body: Body) -> list[str]:
    """The body's name and its parts ('淮安市', '洪泽区', '洪泽'), longest first."""
    if not body.key:
        return []
    names = {body.key}
    if body.name:
        names.add(body.name)
    rest = body.key
    while (match := _PLACE.match(rest)) and len(match[0]) < len(rest):
        place = match[0]
        names.add(place)
        core = re.sub(r"(?:省|自治区|自治州|市|州|盟|县|区|旗|乡|镇|街道)$", "", place)
        if len(core) >= 2:
            names.add(core)
        rest = rest[len(place):]
    if len(rest) >= 3:
        names.add(rest)
    return sorted(names, key=len, reverse=True)


def masked_narrative(report: Report, body: Body) -> str:
    """The sections' prose (table rows and short heading lines dropped) with names, numbers and
    dates masked and punctuation removed."""
    parts: list[str] = []
    for section in report.sections:
        if section.key in SECTION_ORDER:
            parts.extend(p for p in paragraphs(section.text) if len(p) >= 20)
    text = "".join(parts)
    for name in _names(body):
        text = text.replace(name, "名")
    return _NOISE.sub("", _NUMBER.sub("0", text))


def sketch(report: Report, body: Body) -> tuple[int, ...]:
    text = masked_narrative(report, body)
    if len(text) < MIN_LENGTH:
        return ()
    mins = [_EMPTY] * BUCKETS
    for start in range(len(text) - SHINGLE + 1):
        value = int.from_bytes(hashlib.blake2b(text[start: start + SHINGLE].encode(), digest_size=8).digest(), "big")
        bucket, rest = value % BUCKETS, value // BUCKETS
        if rest < mins[bucket]:
            mins[bucket] = rest
    return tuple(mins)


def similarity(a: tuple[int, ...], b: tuple[int, ...]) -> float:
    used = [(x, y) for x, y in zip(a, b, strict=True) if x != _EMPTY or y != _EMPTY]
    return sum(1 for x, y in used if x == y) / len(used) if used else 0.0


def _candidates(digests: Sequence[Digest]) -> set[tuple[int, int]]:
    bands: dict[tuple[int, tuple[int, ...]], list[int]] = {}
    for position, digest in enumerate(digests):
        if not digest.sketch:
            continue
        for band in range(BANDS):
            rows = digest.sketch[band * ROWS: (band + 1) * ROWS]
            if any(v != _EMPTY for v in rows):
                bands.setdefault((band, rows), []).append(position)
    pairs: set[tuple[int, int]] = set()
    for members in bands.values():
        pairs.update(combinations(members, 2))
    return pairs


def _label(digest: Digest) -> str:
    name = digest.body.shown
    return f"{name}{digest.year or ''}年报告（{digest.source}）"


@batch_check("D15")
def copied_text(digests: Sequence[Digest]) -> Iterator[tuple[int, Finding]]:
    for i, j in sorted(_candidates(digests)):
        a, b = digests[i], digests[j]
        if not (a.in_batch or b.in_batch) or a.report_id == b.report_id:
            continue
        score = similarity(a.sketch, b.sketch)
        if score < THRESHOLD:
            continue
        same_body = bool(a.body.key) and a.body.key == b.body.key
        if same_body and (a.year == b.year or a.year is None or b.year is None):
            continue  # two copies of one report (PDF and web page), not a copy of another
        owners = [(b, a), (a, b)]
        if same_body:
            owners = [(b, a)] if (b.year or 0) > (a.year or 0) else [(a, b)]  # the later report copied
        for owner, other in owners:
            if not owner.in_batch:
                continue
            whose = f"本机关{other.year}年报告（{other.source}）" if same_body else _label(other)
            yield owner.index, Finding(
                code="D15", severity=Severity.WARNING,
                message=f"正文与{whose}雷同：屏蔽数字、日期和机关名称后相似度{score:.2f}（阈值{THRESHOLD}）",
                evidence={"similarity": round(score, 3), "other_source": other.source,
                          "other_report_id": other.report_id, "other_year": other.year},
            )
