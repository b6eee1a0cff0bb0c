"""`manage.py import --from TOOL`: each tool's sample export (tests/data/imports/, made from
its documented format) becomes requests, votes and comments, quietly; a second run adds
nothing; a bad file says what is wrong and writes nothing."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from chalicelib.context import get_context
from manage import cli
from tests.helpers import Api, Receiver, Tenant
from tests.integration.test_events import sent_to
from tools.event_runner import EventRunner

DATA = Path(__file__).resolve().parents[1] / "data" / "imports"
GENERIC_MAP = [
    "id=Key",
    "title=Subject",
    "description=Details",
    "status=State",
    "tags=Labels",
    "author_name=Reporter",
    "author_email=Reporter email",
    "created=Opened",
    "voters=Upvoters",
    "comment=Note",
    "comment_author=Note by",
]


def run(*args: str, code: int = 0) -> Any:
    result = CliRunner().invoke(cli, ["import", *args])
    assert result.exit_code == code, result.output
    return json.loads(result.stdout) if code == 0 and "--json" in args else result.output


def board(tenant: Tenant) -> dict[str, dict[str, Any]]:
    """Each request of the app by title, with its voters and comments from the table."""
    store = get_context().store
    found: dict[str, dict[str, Any]] = {}
    for record in store.dump_app(tenant.id, "web"):
        if record["kind"] == "request":
            found[record["id"]] = {**record, "voters": [], "comments": []}
        elif record["kind"] == "vote":
            found[record["requestId"]]["voters"].append(record["user"]["id"])
        elif record["kind"] == "comment":
            found[record["requestId"]]["comments"].append(record)
    return {r["title"]: r for r in found.values()}


# tool, file, extra arguments, votes per title, comments, status per title, users
CASES = [
    (
        "canny",
        "canny",
        [],
        {"Dark mode": 3, "Export to CSV": 1, "Offline mode": 0},
        3,
        {"Dark mode": "planned", "Export to CSV": "in_progress", "Offline mode": "open"},
        3,
    ),
    (
        "fider",
        "fider.zip",
        [],
        {"Dark mode": 3, "Export to CSV": 1, "Offline mode": 0},
        3,
        {"Dark mode": "planned", "Export to CSV": "in_progress", "Offline mode": "open"},
        3,
    ),
    (
        "uservoice",
        "uservoice.csv",
        [],
        {"Dark mode": 3, "Export to CSV": 1, "Offline mode": 0},
        0,  # UserVoice's CSV carries no comments
        {"Dark mode": "planned", "Export to CSV": "in_progress", "Offline mode": "open"},
        4,  # the three voters and the stand-in author
    ),
    (
        "github",
        "github.json",
        [],
        {"Dark mode": 3, "Export to CSV": 1, "Offline mode": 0},  # 👍 only, not ❤
        3,
        {"Dark mode": "open", "Export to CSV": "completed", "Offline mode": "declined"},
        8,  # ana-lima, bo-chen, cy-park, ghost and four anonymous 👍
    ),
    (
        "csv",
        "generic.csv",
        [a for m in GENERIC_MAP for a in ("--map", m)],
        {"Dark mode": 3, "Export to CSV": 1, "Offline mode": 0},
        3,
        {"Dark mode": "planned", "Export to CSV": "in_progress", "Offline mode": "open"},
        3,
    ),
]


@pytest.mark.parametrize(("tool", "name", "extra", "votes", "comments", "statuses", "users"), CASES)
def test_each_tool_imports_quietly_once(
    api: Api,
    tenant: Tenant,
    runner: EventRunner,
    tmp_path: Path,
    tool: str,
    name: str,
    extra: list[str],
    votes: dict[str, int],
    comments: int,
    statuses: dict[str, str],
    users: int,
) -> None:
    source = DATA / name
    if name.endswith(".zip"):  # Fider's backup is a .zip of its tables
        source = Path(shutil.make_archive(str(tmp_path / "fider"), "zip", DATA / "fider"))
    receiver = Receiver()
    try:
        r = api.patch(
            tenant.path(),
            key=tenant.admin_key,
            body={
                "notifyEmails": ["team@import.example"],
                "webhooks": [{"url": receiver.url, "events": ["*"]}],
            },
        )
        assert r.status == 200, r.body
        runner.drain()
        args = [tenant.id, "web", str(source), "--from", tool, *extra, "--json"]

        dry = run(*args, "--dry-run")
        assert dry["dryRun"] and dry["created"]["requests"] == 3
        assert board(tenant) == {}  # a dry run writes nothing

        first = run(*args)
        assert first["created"] == {
            "requests": 3,
            "votes": sum(votes.values()),
            "comments": comments,
        }
        assert first["users"] == users
        found = board(tenant)
        assert {t: len(r["voters"]) for t, r in found.items()} == votes
        assert {t: r["votes"] for t, r in found.items()} == votes
        assert {t: r["status"] for t, r in found.items()} == statuses
        assert sum(len(r["comments"]) for r in found.values()) == comments
        assert all(r["commentCount"] == len(r["comments"]) for r in found.values())
        dark = found["Dark mode"]
        assert dark["description"] == "A dark theme, following the system setting."
        assert dark["author"]["id"].startswith(f"{tool}:")
        assert len(set(dark["voters"])) == len(dark["voters"])  # voters de-duplicated
        if comments:
            said = sorted(c["body"] for c in dark["comments"])
            assert said == ["Please make the charts dark too.", "Yes, and the sidebar."]

        second = run(*args)
        assert second["created"] == {"requests": 0, "votes": 0, "comments": 0}
        reasons = [i["reason"] for i in second["skipped"]["items"]]
        assert reasons.count("already imported") == 3  # and Fider's deleted post, each time
        assert sorted(reasons) == sorted(
            [i["reason"] for i in first["skipped"]["items"]] + ["already imported"] * 3
        )
        assert board(tenant) == found

        runner.drain()
        assert sent_to("team@import.example") == []  # no email
        assert receiver.received == []  # no webhook
        stats = api.get(tenant.path("/analytics"), key=tenant.admin_key).body
        assert stats["requests"] == 3 and stats["totalVotes"] == sum(votes.values())
    finally:
        receiver.server.shutdown()


def test_the_summary_names_what_was_skipped(tenant: Tenant) -> None:
    text = run(tenant.id, "web", "--from", "canny", str(DATA / "canny"))  # API.md's order
    assert "created 3 requests, 4 votes, 3 comments in " in text
    assert "(3 canny users in the file)" in text
    assert "skipped 0 requests and 1 repeated votes" in text
    again = run(tenant.id, "web", str(DATA / "canny"), "--from", "canny", "--json")
    assert {i["reason"] for i in again["skipped"]["items"]} == {"already imported"}


def _write(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return path


def test_bad_files_say_what_is_wrong_and_write_nothing(tenant: Tenant, tmp_path: Path) -> None:
    posts = (DATA / "canny" / "posts.csv").read_text()
    huge = posts.replace("Read and edit on the subway.", "x" * 100_001)
    long_title = posts.replace("Offline mode", "O" * 121)
    cases: list[tuple[str, Path, str]] = [
        ("csv", _write(tmp_path / "empty.csv", ""), "empty.csv is empty"),
        ("csv", _write(tmp_path / "blank.csv", "\n\n"), "blank.csv is empty"),
        ("uservoice", _write(tmp_path / "latin1.csv", "suggestion.id\n\xe9t\xe9\n".encode("latin-1")), "is not UTF-8"),
        ("uservoice", _write(tmp_path / "cols.csv", "suggestion.id,title\n1,x\n"), "lacks the column(s) suggestion.title, suggestion.created_timestamp"),
        ("canny", _write(tmp_path / "huge" / "posts.csv", huge).parent, "is over 100,000 characters"),
        ("canny", _write(tmp_path / "long" / "posts.csv", long_title).parent, "posts.csv row 4: title must be 3 to 120 characters"),
        ("canny", _write(tmp_path / "orphan" / "posts.csv", posts), ""),
        ("fider", _write(tmp_path / "notzip.zip", "PK? no"), "neither a .zip nor a folder"),
        ("fider", tmp_path / "long", "holds no posts.json: is it a Fider backup?"),
        ("github", _write(tmp_path / "gh.json", '{"number": 1}'), "gh.json is not a list of rows"),
        ("github", _write(tmp_path / "gh2.json", '[{"number": 1, "title": "Hello"}]'), "gh2.json row 1 lacks createdAt, author, state"),
        ("github", _write(tmp_path / "gh3.json", "[{"), "gh3.json is not JSON"),
    ]  # fmt: skip
    _write(
        tmp_path / "orphan" / "votes.csv", "postID,voterID,created\nnope,u1,2024-01-01T00:00:00Z\n"
    )
    cases[6] = ("canny", tmp_path / "orphan", "votes.csv row 2: post 'nope' is not in the posts")
    for tool, path, said in cases:
        output = run(tenant.id, "web", str(path), "--from", tool, code=1)
        assert said in output, (tool, path, output)
    output = run(
        tenant.id, "web", str(DATA / "generic.csv"), "--from", "csv", "--map", "name=Key", code=1
    )
    assert "--map names unknown field(s) name" in output
    output = run(tenant.id, "web", str(DATA / "generic.csv"), "--from", "csv", *[a for m in GENERIC_MAP for a in ("--map", m)], "--map", "comment_created=When", code=1)  # fmt: skip
    assert "lacks the column(s) When" in output
    output = run(tenant.id, "web", str(DATA / "generic.csv"), "--from", "csv", code=1)
    assert "lacks the column(s) id, title, created" in output
    output = run(tenant.id, "web", str(DATA / "github.json"), "--from", "jira", code=2)
    assert "'jira' is not one of" in output
    output = run(tenant.id, "nope", str(DATA / "github.json"), "--from", "github", code=1)
    assert "create it first" in output
    assert board(tenant) == {}
