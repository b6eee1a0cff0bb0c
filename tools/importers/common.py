"""What every importer shares: reading a file safely, the source-neutral shape of a post,
and turning posts into the portable records ``Store.load_app`` writes quietly."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from chalicelib.ids import stable_id
from chalicelib.models import CommentCreate, RequestCreate
from chalicelib.records import Person

__all__ = [
    "ImportSourceError",
    "SourcePost",
    "SourceComment",
    "People",
    "read_text",
    "read_csv",
    "read_bundle",
    "parse_time",
    "status_of",
    "tag_of",
    "plan",
    "Plan",
]

FILE_MAX_BYTES = 200 * 1024 * 1024
FIELD_MAX_CHARS = 100_000  # csv's own limit is 131,072; a cell past this is not a post


class ImportSourceError(ValueError):
    """The file cannot be imported as it is; the message says what to fix. Nothing is written."""


@dataclass
class SourceComment:
    source_id: str
    author: Person
    body: str
    created_ms: int


@dataclass
class SourcePost:
    """One post of another tool, in our terms; ``where`` names it in error messages."""

    source_id: str
    where: str
    title: str
    description: str
    status: str
    tags: list[str]
    author: Person
    created_ms: int
    voters: list[tuple[Person, int]] = field(default_factory=list)
    comments: list[SourceComment] = field(default_factory=list)
    response: str | None = None
    skip: str | None = None  # why it is left out (deleted in the source, say)


class People:
    """Imported users, one per source id and one per email address: the same person under
    two source ids (or voting twice) counts once."""

    def __init__(self, tool: str) -> None:
        self.tool = tool
        self._by_key: dict[str, Person] = {}

    def get(self, source_id: str | None, name: str | None, email: str | None) -> Person:
        email = (email or "").strip().lower() or None
        source_id = (source_id or "").strip() or None
        keys = [k for k in (email and f"e:{email}", source_id and f"i:{source_id}") if k]
        if not keys:
            keys = ["anonymous"]
        for key in keys:
            if key in self._by_key:
                person = self._by_key[key]
                break
        else:
            person = Person(
                f"{self.tool}:{source_id or email or 'anonymous'}"[:128],
                (name or "").strip()[:80] or None,
                email,
            )
        for key in keys:
            self._by_key.setdefault(key, person)
        return person

    def __len__(self) -> int:
        return len({p.id for p in self._by_key.values()})


def read_text(path: Path) -> str:
    """The file as UTF-8 text (a BOM is fine), or a clear error."""
    if not path.is_file():
        raise ImportSourceError(f"{path.name}: no such file")
    size = path.stat().st_size
    if size == 0:
        raise ImportSourceError(f"{path.name} is empty")
    if size > FILE_MAX_BYTES:
        raise ImportSourceError(f"{path.name} is over {FILE_MAX_BYTES // 1024 // 1024} MB")
    return decode(path.read_bytes(), path.name)


def decode(raw: bytes, name: str) -> str:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportSourceError(
            f"{name} is not UTF-8 (byte {raw[exc.start]:#04x} at offset {exc.start});"
            " export it again as UTF-8, or convert it with iconv"
        ) from None
    if not text.strip():
        raise ImportSourceError(f"{name} is empty")
    return text


def read_csv(text: str, name: str, required: Iterable[str]) -> list[dict[str, str]]:
    """Rows as dicts by heading; every required heading must be there, every cell sane."""
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        rows = list(reader)
    except csv.Error as exc:
        raise ImportSourceError(f"{name} line {reader.line_num}: {exc}") from None
    headings = reader.fieldnames or []
    missing = [c for c in required if c not in headings]
    if missing:
        raise ImportSourceError(
            f"{name} lacks the column(s) {', '.join(missing)}; it has {', '.join(headings) or 'none'}"
        )
    for number, row in enumerate(rows, 2):
        for heading, value in row.items():
            if isinstance(value, list) or heading is None:
                raise ImportSourceError(f"{name} row {number}: more cells than headings")
            if value is not None and len(value) > FIELD_MAX_CHARS:
                raise ImportSourceError(
                    f"{name} row {number}: {heading!r} is over {FIELD_MAX_CHARS:,} characters"
                )
    if not rows:
        raise ImportSourceError(f"{name} has headings but no rows")
    return rows


def read_bundle(path: Path, names: Iterable[str]) -> dict[str, str]:
    """Named files from a .zip or a folder (an export that is several files), as text; a
    file that is not there is left out, and the caller says whether it may be."""
    wanted = list(names)
    found: dict[str, str] = {}
    if path.is_dir():
        for name in wanted:
            if (path / name).is_file():
                found[name] = read_text(path / name)
        return found
    if not path.is_file():
        raise ImportSourceError(f"{path.name}: no such file or folder")
    if not zipfile.is_zipfile(path):
        raise ImportSourceError(f"{path.name} is neither a .zip nor a folder")
    with zipfile.ZipFile(path) as archive:
        by_base = {Path(i.filename).name: i for i in archive.infolist() if not i.is_dir()}
        for name in wanted:
            info = by_base.get(name)
            if info is None:
                continue
            if info.file_size > FILE_MAX_BYTES:
                raise ImportSourceError(f"{path.name}: {name} is over {FILE_MAX_BYTES} bytes")
            found[name] = decode(archive.read(info), f"{path.name}:{name}")
    return found


def parse_time(value: Any, where: str) -> int:
    """Milliseconds since the epoch from ISO 8601 (``Z``, an offset, or `` UTC``); a time
    without a zone is taken as UTC."""
    text = str(value or "").strip()
    if not text:
        raise ImportSourceError(f"{where}: no date")
    text = re.sub(r"\s*UTC$", "+00:00", text).replace("Z", "+00:00")
    text = re.sub(r"(\.\d{6})\d+", r"\1", text)  # Go writes nanoseconds
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ImportSourceError(f"{where}: {value!r} is not an ISO 8601 date") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp() * 1000)


_STATUS_WORDS = {
    "open": "open",
    "new": "open",
    "underreview": "under_review",
    "review": "under_review",
    "planned": "planned",
    "started": "in_progress",
    "inprogress": "in_progress",
    "working": "in_progress",
    "complete": "completed",
    "completed": "completed",
    "done": "completed",
    "shipped": "completed",
    "released": "completed",
    "closed": "declined",
    "declined": "declined",
    "rejected": "declined",
    "notplanned": "declined",
    "duplicate": "declined",  # ours is only a merge's result: it needs the request merged into
}


def status_of(name: str | None) -> str:
    """Another tool's status name as one of ours (an unknown one is ``open``)."""
    return _STATUS_WORDS.get(re.sub(r"[^a-z]", "", (name or "").lower()), "open")


def tag_of(name: str) -> str | None:
    """A label or category as a tag: lower case, a-z 0-9 and -, at most 32."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")[:32].strip("-") or None


@dataclass
class Plan:
    """What an import writes (portable records, each request after its votes and comments,
    so a request that is there had all of its children written) and the summary."""

    records: list[dict[str, Any]]
    summary: dict[str, Any]


def _said(error: Any) -> str:
    return str(error["msg"]).removeprefix("Value error, ")


def _checked(post: SourcePost) -> RequestCreate:
    tags = [t for t in dict.fromkeys(filter(None, map(tag_of, post.tags)))][:10]
    try:
        return RequestCreate(title=post.title, description=post.description, tags=tags)
    except ValidationError as exc:
        problem = "; ".join(f"{'.'.join(map(str, e['loc']))} {_said(e)}" for e in exc.errors())
        raise ImportSourceError(f"{post.where}: {problem}") from None


def _comment_body(post: SourcePost, comment: SourceComment) -> str | None:
    if not comment.body.strip():
        return None
    try:
        return CommentCreate(body=comment.body).body
    except ValidationError as exc:
        problem = "; ".join(_said(e) for e in exc.errors())
        raise ImportSourceError(
            f"{post.where}, comment {comment.source_id}: body {problem}"
        ) from None


def plan(
    tool: str,
    posts: list[SourcePost],
    exists: Callable[[str], bool],
    people: People,
) -> Plan:
    """Check every post (any bad one stops the import before anything is written), give each
    a stable id from its source id, drop repeated voters, and skip the requests ``exists``
    already finds (an earlier run of the same import)."""
    records: list[dict[str, Any]] = []
    created = {"requests": 0, "votes": 0, "comments": 0}
    duplicate_votes = 0
    skipped: list[dict[str, str]] = []
    seen: set[str] = set()
    for post in posts:
        if post.skip:
            skipped.append({"source": post.source_id, "reason": post.skip})
            continue
        checked = _checked(post)
        key = f"{tool}:{post.source_id}"
        if key in seen:
            skipped.append({"source": post.source_id, "reason": "repeated in the file"})
            continue
        seen.add(key)
        request_id = stable_id(post.created_ms, key)
        bodies = [(c, _comment_body(post, c)) for c in post.comments]
        if exists(request_id):
            skipped.append({"source": post.source_id, "reason": "already imported"})
            continue
        voters: dict[str, int] = {}
        vote_records = []
        for person, at in post.voters:
            if person.id in voters:
                duplicate_votes += 1
                continue
            voters[person.id] = at
            vote_records.append(
                {"kind": "vote", "requestId": request_id, "user": person.to_dict(), "createdAt": at}
            )
        comment_records = [
            {
                "kind": "comment",
                "requestId": request_id,
                "id": stable_id(c.created_ms, f"{key}:comment:{c.source_id}"),
                "body": body,
                "author": c.author.to_dict(),
                "createdAt": c.created_ms,
            }
            for c, body in bodies
            if body is not None
        ]
        updated = max([post.created_ms, *(c["createdAt"] for c in comment_records)])
        records += vote_records + comment_records
        records.append(
            {
                "kind": "request",
                "id": request_id,
                "title": checked.title,
                "description": checked.description,
                "status": post.status,
                "priority": "medium",
                "tags": checked.tags,
                "votes": len(vote_records),
                "commentCount": len(comment_records),
                "author": post.author.to_dict(),
                "response": (post.response or "").strip()[:5000] or None,
                "createdAt": post.created_ms,
                "updatedAt": updated,
                "version": 1,
            }
        )
        created["requests"] += 1
        created["votes"] += len(vote_records)
        created["comments"] += len(comment_records)
    summary = {
        "tool": tool,
        "created": created,
        "skipped": {
            "requests": len(skipped),
            "duplicateVotes": duplicate_votes,
            "items": skipped,
        },
        "users": len(people),
    }
    return Plan(records, summary)


def requests_in(
    records: Iterable[dict[str, Any]], tick: Callable[[], None]
) -> Iterator[dict[str, Any]]:
    """The records as they are written, calling ``tick`` after each request (a progress bar)."""
    for record in records:
        yield record
        if record["kind"] == "request":
            tick()
