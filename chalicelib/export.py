"""Exports of an app's requests: CSV, JSON and JSONL, written piece by piece.

Every writer takes an iterator of requests and yields text, so memory stays flat however
many requests there are. CSV cells that a spreadsheet would run as a formula are
neutralised with a leading apostrophe.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Any

from .ids import iso
from .records import FeatureRequest

__all__ = [
    "FORMATS",
    "COLUMNS",
    "row",
    "chunks",
    "neutralise",
    "write_gzip",
    "Written",
    "CONTENT_TYPES",
    "SCHEMA_VERSION",
]

SCHEMA_VERSION = 1
FORMATS = ("csv", "json", "jsonl")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "jsonl": "application/x-ndjson",
    "full": "application/x-ndjson",
}
COLUMNS = (
    "id",
    "title",
    "description",
    "status",
    "priority",
    "tags",
    "votes",
    "commentCount",
    "authorId",
    "authorName",
    "authorEmail",
    "response",
    "duplicateOf",
    "createdAt",
    "updatedAt",
    "insights",
    "board",  # last: columns are only ever added, so positional readers keep working
    "moderation",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def row(req: FeatureRequest) -> dict[str, Any]:
    """One request as an export row (admins' view: the author's email is included)."""
    return {
        "id": req.id,
        "board": req.board,
        "title": req.title,
        "description": req.description,
        "status": req.status,
        "priority": req.priority,
        "tags": list(req.tags),
        "votes": req.votes,
        "commentCount": req.comment_count,
        "authorId": req.author.id,
        "authorName": req.author.name,
        "authorEmail": req.author.email,
        "response": req.response,
        "duplicateOf": req.duplicate_of,
        "createdAt": iso(req.created_ms),
        "updatedAt": iso(req.updated_ms),
        "insights": req.insights,
        "moderation": req.moderation,
    }


def neutralise(value: Any) -> str:
    """Text for a CSV cell that no spreadsheet will evaluate."""
    if value is None:
        return ""
    if isinstance(value, list):
        value = ";".join(value)
    elif isinstance(value, dict):
        value = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _csv(requests: Iterable[FeatureRequest]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for req in requests:
        values = row(req)
        writer.writerow([neutralise(values[c]) for c in COLUMNS])
        if buffer.tell() > 64 * 1024:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _jsonl(requests: Iterable[FeatureRequest]) -> Iterator[str]:
    for req in requests:
        yield json.dumps(row(req), ensure_ascii=False, separators=(",", ":")) + "\n"


def _json(requests: Iterable[FeatureRequest]) -> Iterator[str]:
    yield f'{{"schemaVersion":{SCHEMA_VERSION},"items":['
    for n, req in enumerate(requests):
        yield ("," if n else "") + json.dumps(row(req), ensure_ascii=False, separators=(",", ":"))
    yield "]}\n"


def _full(records: Iterable[dict[str, Any]]) -> Iterator[str]:
    """Every record of an app (``Store.dump_app``), a JSON object a line."""
    for record in records:
        yield json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n"


_WRITERS: dict[str, Callable[[Iterable[Any]], Iterator[str]]] = {
    "csv": _csv,
    "json": _json,
    "jsonl": _jsonl,
    "full": _full,
}


def chunks(fmt: str, rows: Iterable[Any]) -> Iterator[str]:
    """The export as text pieces: ``rows`` are requests, or records for ``full``."""
    return _WRITERS[fmt](rows)


@dataclass(frozen=True)
class Written:
    file: IO[bytes]  # rewound, ready to upload
    count: int
    size: int
    sha256: str


class _Counting:
    """Counts the rows that pass through, for the manifest."""

    def __init__(self, rows: Iterable[Any]) -> None:
        self.rows, self.count = rows, 0

    def __iter__(self) -> Iterator[Any]:
        for row in self.rows:
            self.count += 1
            yield row


def write_gzip(fmt: str, requests: Iterable[Any]) -> Written:
    """Gzip the export into a temporary file (Lambda's /tmp), never holding it in memory."""
    counted = _Counting(requests)
    target = tempfile.TemporaryFile()  # noqa: SIM115 - handed to the caller, who closes it
    with gzip.GzipFile(fileobj=target, mode="wb", mtime=0) as archive:
        for piece in chunks(fmt, counted):
            archive.write(piece.encode("utf-8"))
    size = target.tell()
    target.seek(0)
    digest = hashlib.sha256()
    for block in iter(lambda: target.read(1 << 20), b""):
        digest.update(block)
    target.seek(0)
    return Written(target, counted.count, size, digest.hexdigest())
