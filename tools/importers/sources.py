"""One reader per tool: its documented export in, ``SourcePost``s out. Where each field comes
from is in tools/importers/README.md; the sample files are in tests/data/imports/."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

from chalicelib.records import Person

from .common import (
    ImportSourceError,
    People,
    SourceComment,
    SourcePost,
    parse_time,
    read_bundle,
    read_csv,
    read_text,
    status_of,
)

__all__ = ["canny", "fider", "uservoice", "github", "generic", "GENERIC_FIELDS"]


def _split(cell: str | None, separators: str = ",;") -> list[str]:
    text = cell or ""
    for sep in separators[1:]:
        text = text.replace(sep, separators[0])
    return [part.strip() for part in text.split(separators[0]) if part.strip()]


def canny(path: Path, people: People, mapping: dict[str, str]) -> list[SourcePost]:
    """Canny's export: posts.csv, votes.csv and comments.csv in a .zip or a folder."""
    files = read_bundle(path, ["posts.csv", "votes.csv", "comments.csv"])
    if "posts.csv" not in files:
        raise ImportSourceError(f"{path.name} holds no posts.csv")
    posts_rows = read_csv(files["posts.csv"], "posts.csv", ["id", "title", "created"])
    votes_rows = (
        read_csv(files["votes.csv"], "votes.csv", ["postID", "voterID", "created"])
        if "votes.csv" in files
        else []
    )
    comment_rows = (
        read_csv(files["comments.csv"], "comments.csv", ["id", "postID", "value", "created"])
        if "comments.csv" in files
        else []
    )
    posts: dict[str, SourcePost] = {}
    for number, row in enumerate(posts_rows, 2):
        where = f"posts.csv row {number}"
        posts[row["id"]] = SourcePost(
            source_id=row["id"],
            where=where,
            title=row["title"],
            description=row.get("details") or "",
            status=status_of(row.get("status")),
            tags=_split(row.get("tags")) + _split(row.get("category")),
            author=people.get(row.get("authorID"), row.get("authorName"), row.get("authorEmail")),
            created_ms=parse_time(row["created"], where),
        )
    for number, row in enumerate(votes_rows, 2):
        post = _owner(posts, row["postID"], f"votes.csv row {number}")
        voter = people.get(row["voterID"], row.get("voterName"), row.get("voterEmail"))
        post.voters.append((voter, parse_time(row["created"], f"votes.csv row {number}")))
    for number, row in enumerate(comment_rows, 2):
        where = f"comments.csv row {number}"
        post = _owner(posts, row["postID"], where)
        post.comments.append(
            SourceComment(
                row["id"],
                people.get(row.get("authorID"), row.get("authorName"), row.get("authorEmail")),
                row["value"],
                parse_time(row["created"], where),
            )
        )
    return list(posts.values())


def _owner(posts: dict[str, SourcePost], post_id: str, where: str) -> SourcePost:
    if post_id not in posts:
        raise ImportSourceError(f"{where}: post {post_id!r} is not in the posts")
    return posts[post_id]


# Fider's PostStatus enum (app/models/enum/post_status.go)
FIDER_STATUSES = {0: "open", 1: "started", 2: "completed", 3: "declined", 4: "planned"}
FIDER_DUPLICATE, FIDER_DELETED = 5, 6


def _json_rows(text: str | None, name: str, required: list[str]) -> list[dict[str, Any]]:
    if text is None:
        return []
    try:
        rows = json.loads(text)
    except ValueError as exc:
        raise ImportSourceError(f"{name} is not JSON ({exc})") from None
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise ImportSourceError(f"{name} is not a list of rows")
    for n, row in enumerate(rows, 1):
        missing = [c for c in required if c not in row]
        if missing:
            raise ImportSourceError(f"{name} row {n} lacks {', '.join(missing)}")
    return rows


def fider(path: Path, people: People, mapping: dict[str, str]) -> list[SourcePost]:
    """Fider's backup (Site Settings → Export → backup): a .zip of one JSON file per table."""
    tables = ("posts", "users", "post_votes", "comments", "tags", "post_tags")
    files = read_bundle(path, [f"{table}.json" for table in tables])
    for needed in ("posts.json", "users.json"):
        if needed not in files:
            raise ImportSourceError(f"{path.name} holds no {needed}: is it a Fider backup?")
    users = {u["id"]: u for u in _json_rows(files["users.json"], "users.json", ["id", "name"])}

    def person(user_id: Any, where: str) -> Person:
        if user_id not in users:
            raise ImportSourceError(f"{where}: user {user_id!r} is not in users.json")
        u = users[user_id]
        return people.get(str(u["id"]), u.get("name"), u.get("email"))

    tags = {
        t["id"]: t["name"] for t in _json_rows(files.get("tags.json"), "tags.json", ["id", "name"])
    }
    tagged: dict[Any, list[str]] = defaultdict(list)
    for link in _json_rows(files.get("post_tags.json"), "post_tags.json", ["post_id", "tag_id"]):
        if link["tag_id"] in tags:
            tagged[link["post_id"]].append(tags[link["tag_id"]])
    post_rows = _json_rows(
        files["posts.json"],
        "posts.json",
        ["id", "title", "description", "user_id", "created_at", "status"],
    )
    posts: dict[Any, SourcePost] = {}
    for n, row in enumerate(post_rows, 1):
        where = f"posts.json row {n} (#{row.get('number', row['id'])})"
        status = "duplicate" if row["status"] == FIDER_DUPLICATE else None
        posts[row["id"]] = SourcePost(
            source_id=str(row["id"]),
            where=where,
            title=row["title"],
            description=row["description"] or "",
            status=status_of(status or FIDER_STATUSES.get(row["status"])),
            tags=tagged.get(row["id"], []),
            author=person(row["user_id"], where),
            created_ms=parse_time(row["created_at"], where),
            response=row.get("response"),
            skip="deleted in Fider" if row["status"] == FIDER_DELETED else None,
        )
    for n, vote in enumerate(
        _json_rows(
            files.get("post_votes.json"), "post_votes.json", ["post_id", "user_id", "created_at"]
        ),
        1,
    ):
        if vote["post_id"] in posts:
            where = f"post_votes.json row {n}"
            posts[vote["post_id"]].voters.append(
                (person(vote["user_id"], where), parse_time(vote["created_at"], where))
            )
    for n, comment in enumerate(
        _json_rows(
            files.get("comments.json"),
            "comments.json",
            ["id", "post_id", "user_id", "content", "created_at"],
        ),
        1,
    ):
        if comment["post_id"] in posts and not comment.get("deleted_at"):
            where = f"comments.json row {n}"
            posts[comment["post_id"]].comments.append(
                SourceComment(
                    str(comment["id"]),
                    person(comment["user_id"], where),
                    comment["content"],
                    parse_time(comment["created_at"], where),
                )
            )
    return list(posts.values())


def uservoice(path: Path, people: People, mapping: dict[str, str]) -> list[SourcePost]:
    """UserVoice's idea export as CSV: one row per idea and voter (its ``suggestion.*`` and
    ``user.*`` fields); the export has no comments and no idea creator."""
    rows = read_csv(
        read_text(path),
        path.name,
        ["suggestion.id", "suggestion.title", "suggestion.created_timestamp"],
    )
    author = people.get("uservoice-import", "UserVoice import", None)
    posts: dict[str, SourcePost] = {}
    for number, row in enumerate(rows, 2):
        where = f"{path.name} row {number}"
        idea = row["suggestion.id"]
        if idea not in posts:
            posts[idea] = SourcePost(
                source_id=idea,
                where=where,
                title=row["suggestion.title"],
                description=row.get("suggestion.body") or "",
                status=status_of(row.get("suggestion.status.name")),
                tags=_split(row.get("suggestion.labels.name"))
                + _split(row.get("suggestion.category.name")),
                author=author,
                created_ms=parse_time(row["suggestion.created_timestamp"], where),
            )
        if row.get("user.id") or row.get("user.email_address"):
            voter = people.get(
                row.get("user.id"), row.get("user.name"), row.get("user.email_address")
            )
            at = row.get("supporter.created_timestamp")
            posts[idea].voters.append(
                (voter, parse_time(at, where) if at else posts[idea].created_ms)
            )
    return list(posts.values())


def github(path: Path, people: People, mapping: dict[str, str]) -> list[SourcePost]:
    """``gh issue list --state all --json number,title,body,author,createdAt,labels,state,
    stateReason,comments,reactionGroups``: 👍 (THUMBS_UP) on an issue are its votes. gh gives
    only their count, so each becomes an anonymous imported voter of that issue."""
    issues = _json_rows(
        read_text(path), path.name, ["number", "title", "createdAt", "author", "state"]
    )
    posts = []
    for issue in issues:
        where = f"{path.name} issue #{issue['number']}"
        closed = str(issue["state"]).upper() == "CLOSED"
        declined = str(issue.get("stateReason") or "").upper() == "NOT_PLANNED"
        created = parse_time(issue["createdAt"], where)
        post = SourcePost(
            source_id=str(issue["number"]),
            where=where,
            title=issue["title"],
            description=issue.get("body") or "",
            status=("declined" if declined else "completed") if closed else "open",
            tags=[label["name"] for label in issue.get("labels") or [] if label.get("name")],
            author=_github_person(people, issue.get("author")),
            created_ms=created,
        )
        thumbs = sum(
            (group.get("users") or {}).get("totalCount", 0)
            for group in issue.get("reactionGroups") or []
            if group.get("content") == "THUMBS_UP"
        )
        post.voters = [
            (people.get(f"issue-{issue['number']}-thumbs-up-{k}", "GitHub 👍", None), created)
            for k in range(1, int(thumbs) + 1)
        ]
        for n, comment in enumerate(issue.get("comments") or [], 1):
            post.comments.append(
                SourceComment(
                    str(comment.get("id") or n),
                    _github_person(people, comment.get("author")),
                    comment.get("body") or "",
                    parse_time(comment.get("createdAt"), f"{where} comment {n}"),
                )
            )
        posts.append(post)
    return posts


def _github_person(people: People, author: dict[str, Any] | None) -> Person:
    login = (author or {}).get("login") or "ghost"  # GitHub's name for a deleted account
    return people.get(login, (author or {}).get("name") or login, None)


GENERIC_FIELDS = {
    "id": "the row's id in the source (rows with the same id are one request)",
    "title": "the request's title",
    "created": "when it was made (ISO 8601)",
    "description": "its description",
    "status": "its status (open, planned, in progress, completed, declined, …)",
    "tags": "tags, separated by , or ;",
    "author_id": "the author's id in the source",
    "author_name": "the author's name",
    "author_email": "the author's email",
    "voters": "voters' emails or ids, separated by , or ;",
    "comment": "a comment (one per row)",
    "comment_author": "the comment's author (email or id)",
    "comment_created": "when the comment was made (ISO 8601; default: created)",
}
GENERIC_REQUIRED = ("id", "title", "created")


def generic(path: Path, people: People, mapping: dict[str, str]) -> list[SourcePost]:
    """Any CSV: ``mapping`` names the column for each of ``GENERIC_FIELDS`` (a field not
    mapped is read from the column of its own name)."""
    unknown = sorted(set(mapping) - set(GENERIC_FIELDS))
    if unknown:
        raise ImportSourceError(
            f"--map names unknown field(s) {', '.join(unknown)}; the fields are "
            + ", ".join(GENERIC_FIELDS)
        )
    column = {name: mapping.get(name, name) for name in GENERIC_FIELDS}
    named = [column[f] for f in GENERIC_REQUIRED] + [
        c for f, c in mapping.items() if f not in GENERIC_REQUIRED
    ]
    rows = read_csv(read_text(path), path.name, named)  # a column --map names must be there

    def cell(row: dict[str, str], name: str) -> str:
        return (row.get(column[name]) or "").strip()

    posts: dict[str, SourcePost] = {}
    for number, row in enumerate(rows, 2):
        where = f"{path.name} row {number}"
        key = cell(row, "id")
        if not key:
            raise ImportSourceError(f"{where}: the id ({column['id']}) is empty")
        post = posts.get(key)
        if post is None:
            post = posts[key] = SourcePost(
                source_id=key,
                where=where,
                title=cell(row, "title"),
                description=row.get(column["description"]) or "",
                status=status_of(cell(row, "status")),
                tags=_split(cell(row, "tags")),
                author=people.get(
                    cell(row, "author_id"), cell(row, "author_name"), cell(row, "author_email")
                ),
                created_ms=parse_time(cell(row, "created"), where),
            )
        for voter in _split(cell(row, "voters")):
            email = voter if "@" in voter else None
            post.voters.append((people.get(None if email else voter, None, email), post.created_ms))
        if cell(row, "comment"):
            by = cell(row, "comment_author")
            email = by if "@" in by else None
            at = cell(row, "comment_created")
            post.comments.append(
                SourceComment(
                    f"row-{number}",
                    people.get(None if email else by, None, email),
                    row[column["comment"]],
                    parse_time(at, where) if at else post.created_ms,
                )
            )
    return list(posts.values())
