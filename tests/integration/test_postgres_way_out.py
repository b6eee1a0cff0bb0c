"""The way out and back: an app's full export loads into PostgreSQL (a real server, from the
pgserver wheel) with the documented schema, and `manage.py import` reads it back into
another app: the same records, the same numbers, and not one email or webhook."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from click.testing import CliRunner

from chalicelib.context import get_context
from manage import cli
from tests.helpers import Api, Tenant
from tests.integration.test_events import sent_to
from tools.event_runner import EventRunner


@pytest.fixture(scope="module")
def postgres(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    import pgserver

    server = pgserver.get_server(tmp_path_factory.mktemp("pg"), cleanup_mode="stop")
    try:
        yield server.get_uri()
    finally:
        server.cleanup()


def cli_json(*args: str) -> Any:
    result = CliRunner().invoke(cli, [*args, "--json"])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def canonical(tenant: str, app: str) -> list[str]:
    return sorted(json.dumps(r, sort_keys=True) for r in get_context().store.dump_app(tenant, app))


HOSTILE_MD = "We **shipped** it <script>alert(1)</script>\n\n- ünïcödé — 'quoted' \\ ✓"


def build_app(api: Api, t: Tenant) -> dict[str, str]:
    """Requests with tags and hostile text, votes, a merge, followers, comments, feedback, a
    published changelog entry linked to a request and a draft."""
    ids = {}
    for name, title, tags, who in (
        ("dark", "Dark mode 🌙", ["ui"], "ana"),
        ("night", "Night theme, please", ["ui", "themes"], "bo"),
        ("csv", '=Export "CSV" with ünïcödé and <b>tags</b>', [], "cy"),
    ):
        made = t.create(
            title, as_user=who, tags=tags, description=f"from {who}:\n— \\ ✓ \t 'quoted'"
        )
        ids[name] = made["id"]
    for user, name in (("ana", "dark"), ("bo", "dark"), ("cy", "dark"), ("ana", "night")):
        r = api.post(t.path(f"/requests/{ids[name]}/vote"), key=t.pub_key, token=t.token(user))
        assert r.status in (200, 201), r.body
    comment = api.post(
        t.path(f"/requests/{ids['dark']}/comments"),
        key=t.pub_key,
        token=t.token("bo", name="Bo", email="bo@example.com"),
        body={"body": "+1 <script>alert(1)</script> 👍"},
    )
    assert comment.status == 201, comment.body
    on_comment = t.path(f"/requests/{ids['dark']}/comments/{comment.body['id']}")
    edited = api.patch(
        on_comment, key=t.admin_key, body={"body": "+1 <script>alert(1)</script> 👍!"}
    )
    assert edited.status == 200, edited.body
    for user, reaction in (("ana", "%2B1"), ("ana", "heart"), ("cy", "%2B1")):
        r = api.put(f"{on_comment}/reactions/{reaction}", key=t.pub_key, token=t.token(user))
        assert r.status == 200, r.body
    note = api.post(
        t.path(f"/requests/{ids['dark']}/comments"),
        key=t.admin_key,
        body={"body": "Acme needs this", "internal": True},
    )
    assert note.status == 201, note.body
    follow = api.put(
        t.path(f"/requests/{ids['csv']}/subscription"),
        key=t.pub_key,
        token=t.token("dee", name="Dee", email="dee@example.com"),
    )
    assert follow.status in (200, 201, 204), follow.body
    merged = api.post(
        t.path(f"/requests/{ids['night']}/merge"), key=t.admin_key, body={"into": ids["dark"]}
    )
    assert merged.status == 200, merged.body
    current = api.get(t.path(f"/requests/{ids['csv']}"), key=t.admin_key)
    planned = api.patch(
        t.path(f"/requests/{ids['csv']}"),
        key=t.admin_key,
        headers={"If-Match": current.headers["etag"]},
        body={"status": "planned", "response": "Next month."},
    )
    assert planned.status == 200, planned.body
    for message, rating in (("Love it", 5), ("Crashes on start — 😡", 1)):
        r = api.post(
            t.path("/feedback"),
            key=t.pub_key,
            token=t.token("eve", email="eve@example.com"),
            body={"message": message, "rating": rating},
        )
        assert r.status == 201, r.body
    shipped = api.post(
        t.path("/changelog"),
        key=t.admin_key,
        body={
            "title": "Dark mode 🌙 <b>is here</b>",
            "body": HOSTILE_MD,
            "requestIds": [ids["dark"]],
        },
    )
    assert shipped.status == 201, shipped.body
    r = api.post(t.path(f"/changelog/{shipped.body['id']}/publish"), key=t.admin_key)
    assert r.status == 200, r.body
    draft = api.post(t.path("/changelog"), key=t.admin_key, body={"title": "Next", "body": "Soon"})
    assert draft.status == 201, draft.body
    return ids


def test_export_to_postgresql_and_import_back(
    api: Api, tenant: Tenant, runner: EventRunner, postgres: str, tmp_path: Path
) -> None:
    ids = build_app(api, tenant)
    runner.drain()
    dump = tmp_path / "web.jsonl"
    exported = cli_json(
        "export", tenant.id, "web", "--format", "jsonl", "--full", "--out", str(dump)
    )
    assert exported["records"] == {
        "request": 3,
        "vote": 3,  # ana, bo, cy on "dark" (ana's vote on "night" was already there)
        "movedVote": 1,  # the merge's memory of ana's vote on "night"
        # dark: ana (author), bo (comment), the team (its note); night: bo; csv: cy, dee
        # (a vote is a follow without an item of its own)
        "subscription": 6,
        "comment": 2,  # one internal note
        "reactions": 2,  # ana's two, cy's one
        "feedback": 2,
        "changelog": 2,  # one published, one draft
    }

    loaded = cli_json("postgres", "load", str(dump), "--dsn", postgres, "--app", f"{tenant.id}/web")
    assert loaded["lines"] == len(dump.read_text().splitlines())
    with psycopg.connect(postgres) as conn:
        rows = conn.execute(
            "SELECT id, title, votes, status, duplicate_of, tags FROM fb_requests"
            " WHERE tenant = %s ORDER BY votes DESC, id",
            (tenant.id,),
        ).fetchall()
        assert rows[0][:3] == (ids["dark"], "Dark mode 🌙", 3)
        night = next(r for r in rows if r[0] == ids["night"])
        assert night[3:] == ("duplicate", ids["dark"], ["ui", "themes"])
        comments = conn.execute(
            "SELECT body, author_email, internal, edited_at IS NOT NULL, reactions"
            " FROM fb_comments WHERE tenant = %s ORDER BY id",
            (tenant.id,),
        ).fetchall()
        assert comments == [
            (
                "+1 <script>alert(1)</script> 👍!",
                "bo@example.com",
                False,
                True,
                {"+1": 2, "heart": 1},
            ),
            ("Acme needs this", None, True, False, {}),
        ]
        reactions = conn.execute(
            "SELECT user_id, reactions FROM fb_reactions WHERE tenant = %s ORDER BY user_id",
            (tenant.id,),
        ).fetchall()
        assert reactions == [("ana", ["+1", "heart"]), ("cy", ["+1"])]
        ratings = conn.execute(
            "SELECT rating FROM fb_feedback WHERE tenant = %s ORDER BY rating", (tenant.id,)
        ).fetchall()
        assert ratings == [(1,), (5,)]
        entries = conn.execute(
            "SELECT title, body, status, request_ids, published_at IS NOT NULL, html"
            " FROM fb_changelog WHERE tenant = %s ORDER BY status DESC",
            (tenant.id,),
        ).fetchall()
        assert [e[:5] for e in entries] == [
            ("Dark mode 🌙 <b>is here</b>", HOSTILE_MD, "published", [ids["dark"]], True),
            ("Next", "Soon", "draft", [], False),
        ]
        assert "<script" not in entries[0][5] and "<strong>shipped</strong>" in entries[0][5]

    tenant.make_app("copy")
    api.patch(
        tenant.path("", "copy"), key=tenant.admin_key, body={"notifyEmails": ["team@copy.example"]}
    )
    before = {
        a: len(sent_to(a)) for a in ("dee@example.com", "bo@example.com", "team@copy.example")
    }
    imported = cli_json("import", tenant.id, "copy", postgres, "--from-app", f"{tenant.id}/web")
    assert imported["records"] == exported["records"]
    assert canonical(tenant.id, "copy") == canonical(tenant.id, "web")

    runner.drain()
    after = {a: len(sent_to(a)) for a in before}
    assert after == before  # an import tells nobody
    source = api.get(tenant.path("/analytics"), key=tenant.admin_key).body
    copy = api.get(tenant.path("/analytics", "copy"), key=tenant.admin_key).body
    assert copy == source and copy["requests"] == 3 and copy["totalVotes"] == 3
    listed = api.get(tenant.path("/requests?tag=ui&sort=top", "copy"), key=tenant.admin_key).body
    assert [(r["id"], r["votes"]) for r in listed["items"]][:1] == [(ids["dark"], 3)]
    public = api.get(tenant.path("/changelog", "copy"), key=tenant.admin_key).body["items"]
    assert [(e["title"], e["requestIds"]) for e in public] == [
        ("Dark mode 🌙 <b>is here</b>", [ids["dark"]])
    ]

    again = cli_json("import", tenant.id, "copy", str(dump))  # a file works too; twice is once
    assert again["records"] == exported["records"]
    assert canonical(tenant.id, "copy") == canonical(tenant.id, "web")


def test_import_refuses_bad_records_with_a_clear_message(tenant: Tenant, tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    for text, said in (
        ('{"kind": "request", "id": "r1"}\n', "record 1: KeyError"),
        ('{"kind": "poll", "id": "x"}\n', "unknown kind 'poll'"),
        ("not json\n", "line 1 is not JSON"),
    ):
        bad.write_text(text)
        result = CliRunner().invoke(cli, ["import", tenant.id, "web", str(bad)])
        assert result.exit_code == 1 and said in result.output, result.output
    missing = CliRunner().invoke(cli, ["import", tenant.id, "nope", str(bad)])
    assert missing.exit_code == 1 and "create it first" in missing.output
    nowhere = "postgresql://nobody@127.0.0.1:1/none?connect_timeout=2"
    for args in (
        ["import", tenant.id, "web", nowhere],
        ["postgres", "load", str(bad), "--dsn", nowhere, "--app", f"{tenant.id}/web"],
    ):
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 1 and "OperationalError" in result.output, result.output
    result = CliRunner().invoke(cli, ["postgres", "load", str(bad), "--dsn", nowhere, "--app", "x"])
    assert result.exit_code == 2 and "TENANT/APP" in result.output


def test_statuses_and_boards_go_out_and_back(
    api: Api, tenant: Tenant, postgres: str, tmp_path: Path
) -> None:
    statuses = api.get(tenant.path(), key=tenant.admin_key).body["statuses"]
    statuses.insert(1, {"id": "shipped", "name": "Shipped 🚀", "color": "#00aa00", "kind": "done"})
    assert api.patch(tenant.path(), key=tenant.admin_key, body={"statuses": statuses}).status == 200
    board = {"id": "inner", "name": "Inner", "visibility": "private"}
    assert api.post(tenant.path("/boards"), key=tenant.admin_key, body=board).status == 201
    rid = api.post(
        tenant.path("/requests"),
        key=tenant.admin_key,
        body={"title": "Only the team", "board": "inner", "tags": ["x"]},
    ).body["id"]
    api.patch(tenant.path(f"/requests/{rid}"), key=tenant.admin_key, body={"status": "shipped"})
    dump = tmp_path / "web.jsonl"
    cli_json("export", tenant.id, "web", "--format", "jsonl", "--full", "--out", str(dump))
    assert json.loads(dump.read_text().splitlines()[0])["kind"] == "settings"
    cli_json("postgres", "load", str(dump), "--dsn", postgres, "--app", f"{tenant.id}/web")
    with psycopg.connect(postgres) as conn:
        row = conn.execute(
            "SELECT board, status FROM fb_requests WHERE tenant = %s AND id = %s", (tenant.id, rid)
        ).fetchone()
        assert row == ("inner", "shipped")
        apps = conn.execute("SELECT boards FROM fb_apps WHERE tenant = %s", (tenant.id,)).fetchone()
        assert [b["id"] for b in apps[0]] == ["inner"]

    tenant.make_app("back")
    imported = cli_json("import", tenant.id, "back", postgres, "--from-app", f"{tenant.id}/web")
    assert imported["records"]["settings"] == 1
    assert canonical(tenant.id, "back") == canonical(tenant.id, "web")
    app = api.get(tenant.path("", "back"), key=tenant.admin_key).body
    assert [s["id"] for s in app["statuses"]] == [s["id"] for s in statuses]
    assert [b["id"] for b in app["boards"]] == ["general", "inner"]
    got = api.get(tenant.path(f"/requests/{rid}", "back"), key=tenant.admin_key).body
    assert (got["board"], got["status"]) == ("inner", "shipped")
    listed = api.get(tenant.path("/requests?board=inner&tag=x", "back"), key=tenant.admin_key)
    assert [i["id"] for i in listed.body["items"]] == [rid]
    hidden = api.get(tenant.path(f"/requests/{rid}", "back"), key=tenant.apps["back"]["pub"])
    assert hidden.status == 404


def test_moderation_state_goes_out_and_back(
    api: Api, tenant: Tenant, runner: EventRunner, postgres: str, tmp_path: Path
) -> None:
    """Approved and still pending posts keep their state through PostgreSQL; a pending one
    comes back into the queue, not into the lists."""
    api.patch(tenant.path(), key=tenant.admin_key, body={"moderation": "all"})
    approved = tenant.create("Approved one", as_user="ann")["id"]
    assert (
        api.post(tenant.path(f"/requests/{approved}/approve"), key=tenant.admin_key).status == 200
    )
    waiting = tenant.create("Still waiting", as_user="bob", tags=["ui"])["id"]
    said = api.post(
        tenant.path(f"/requests/{approved}/comments"),
        key=tenant.pub_key,
        token=tenant.token("cat"),
        body={"body": "held comment"},
    ).body["id"]
    runner.drain()  # the export's progress bar counts the app's requests from its statistics
    dump = tmp_path / "held.jsonl"
    cli_json("export", tenant.id, "web", "--format", "jsonl", "--full", "--out", str(dump))
    cli_json("postgres", "load", str(dump), "--dsn", postgres, "--app", f"{tenant.id}/web")
    with psycopg.connect(postgres) as conn:
        rows = conn.execute(
            "SELECT id, moderation FROM fb_requests WHERE tenant = %s ORDER BY id", (tenant.id,)
        ).fetchall()
        assert rows == [(approved, "approved"), (waiting, "pending")]
        comments = conn.execute(
            "SELECT id, moderation FROM fb_comments WHERE tenant = %s", (tenant.id,)
        ).fetchall()
        assert comments == [(said, "pending")]
    tenant.make_app("copy")
    cli_json("import", tenant.id, "copy", postgres, "--from-app", f"{tenant.id}/web")
    assert canonical(tenant.id, "copy") == canonical(tenant.id, "web")
    listed = api.get(tenant.path("/requests?tag=ui", "copy"), key=tenant.admin_key).body["items"]
    assert listed == []
    queued = api.get(tenant.path("/moderation", "copy"), key=tenant.admin_key).body["items"]
    assert [q["id"] for q in queued] == [waiting, said]
    # and its author still sees the held comment, as before the way out
    theirs = api.get(
        tenant.path(f"/requests/{approved}/comments", "copy"),
        key=tenant.apps["copy"]["pub"],
        token=tenant.token("cat", "copy"),
    ).body["items"]
    assert [(c["id"], c["moderation"]) for c in theirs] == [(said, "pending")]
