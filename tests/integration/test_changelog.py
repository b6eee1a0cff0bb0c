"""The changelog: drafts, sanitised Markdown, publishing (one email per follower, webhooks,
completed requests), the public list and an Atom feed that the Atom schema accepts."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from lxml import etree
from lxml import html as lxml_html

from tests.atom_schema import atom_schema
from tests.helpers import Api, Receiver, Tenant
from tests.integration.test_events import follower_token, sent_to
from tools.event_runner import EventRunner

ATOM = "{http://www.w3.org/2005/Atom}"
HOSTILE = """# Release <script>alert(1)</script>

<img src=x onerror="alert(2)"> <iframe src="https://evil.example"></iframe>
[click](javascript:alert(3)) [data](data:text/html;base64,PHNjcmlwdD4=)
<a href="https://ok.example" onclick="alert(4)">raw link</a>
![pic](javascript:alert(5) "t") [fine](https://example.com/x?a=1&b=2)
<style>body{display:none}</style> <svg onload=alert(6)>
"""


def write(api: Api, tenant: Tenant, **body: Any) -> Any:
    body = {"title": "Dark mode is here", "body": "We **shipped** it.", **body}
    return api.post(tenant.path("/changelog"), key=tenant.admin_key, body=body)


def draft(api: Api, tenant: Tenant, **body: Any) -> dict[str, Any]:
    r = write(api, tenant, **body)
    assert r.status == 201, r.body
    return r.body


def publish(api: Api, tenant: Tenant, entry_id: str) -> dict[str, Any]:
    r = api.post(tenant.path(f"/changelog/{entry_id}/publish"), key=tenant.admin_key)
    assert r.status == 200, r.body
    return r.body


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found = Receiver()
    yield found
    found.server.shutdown()


def test_a_draft_is_written_edited_and_deleted_by_the_team_only(api: Api, tenant: Tenant) -> None:
    rid = tenant.create("Dark mode")["id"]
    entry = draft(api, tenant, requestIds=[rid, rid])
    assert entry["status"] == "draft" and entry["publishedAt"] is None
    assert (
        entry["requestIds"] == [rid] and entry["html"] == "<p>We <strong>shipped</strong> it.</p>\n"
    )
    path = tenant.path(f"/changelog/{entry['id']}")
    r = api.patch(path, key=tenant.admin_key, body={"body": "## Now\n\n- one"})
    assert r.status == 200 and r.body["version"] == 2
    assert r.body["html"] == "<h2>Now</h2>\n<ul>\n<li>one</li>\n</ul>\n"
    drafts = api.get(tenant.path("/changelog?status=draft"), key=tenant.admin_key).body["items"]
    assert [d["id"] for d in drafts] == [entry["id"]]
    # end users see neither the draft nor the list of drafts
    assert api.get(path, key=tenant.pub_key).status == 404
    assert api.get(tenant.path("/changelog?status=draft"), key=tenant.pub_key).status == 403
    assert api.get(tenant.path("/changelog"), key=tenant.pub_key).body["items"] == []
    assert api.post(tenant.path("/changelog"), key=tenant.pub_key, body={"title": "Nope", "body": "x"}).status == 403  # fmt: skip
    assert api.delete(path, key=tenant.admin_key).status == 204
    assert api.get(path, key=tenant.admin_key).status == 404
    preview = api.post(tenant.path("/changelog/preview"), key=tenant.admin_key, body={"body": "*hi* <b>"})  # fmt: skip
    assert preview.status == 200 and preview.body == {"html": "<p><em>hi</em> &lt;b&gt;</p>\n"}
    assert api.post(tenant.path("/changelog/preview"), key=tenant.pub_key, body={"body": "x"}).status == 403  # fmt: skip


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"title": "Ok title"}, 400, "body"),
        ({"title": "x", "body": "b"}, 400, "title"),
        ({"title": "Ok title", "body": "x" * 20001}, 400, "body"),
        ({"title": "Ok title", "body": "   "}, 400, "body"),
        ({"title": "Ok title", "body": "b", "requestIds": "r1"}, 400, "requestIds"),
        ({"title": "Ok title", "body": "b", "requestIds": ["r"] * 21}, 400, "requestIds"),
        ({"title": "Ok title", "body": "b", "completeLinked": "yes"}, 400, "completeLinked"),
        ({"title": "Ok title", "body": "b", "html": "<b>"}, 400, "html"),
    ],
)
def test_each_bad_draft_is_a_clear_400(
    api: Api, tenant: Tenant, body: dict[str, Any], status: int, field: str
) -> None:
    r = api.post(tenant.path("/changelog"), key=tenant.admin_key, body=body)
    assert r.status == status and r.code == "validation_error", r.body
    assert r.body["error"]["details"][0]["field"].startswith(field)


def test_links_only_to_requests_of_the_same_app(api: Api, tenant: Tenant, other: Tenant) -> None:
    theirs = other.create("Their request")["id"]
    r = write(api, tenant, requestIds=[theirs])
    assert r.status == 404 and r.code == "not_found"
    tenant.make_app("mobile")
    mobile = api.post(
        tenant.path("/requests", "mobile"),
        key=tenant.admin_key,
        headers={"X-User-Id": "u-9"},
        body={"title": "Mobile only"},
    ).body["id"]
    assert write(api, tenant, requestIds=[mobile]).status == 404
    entry = draft(api, tenant)
    path = tenant.path(f"/changelog/{entry['id']}")
    assert api.patch(path, key=tenant.admin_key, body={"requestIds": [theirs]}).status == 404
    # another tenant's key never finds this tenant's entry
    for method in ("GET", "PATCH", "DELETE"):
        body = {"title": "Taken over"} if method == "PATCH" else None
        r = api.send(method, path, key=other.admin_key, body=body)
        assert r.status == 404, (method, r.body)
    assert api.post(path + "/publish", key=other.admin_key).status == 404


def test_hostile_markdown_renders_inert(api: Api, tenant: Tenant) -> None:
    entry = draft(api, tenant, body=HOSTILE)
    assert entry["body"] == HOSTILE.strip()
    tree = lxml_html.fragment_fromstring(entry["html"], create_parent="div")
    tags = {el.tag for el in tree.iter() if isinstance(el.tag, str)}
    assert not tags & {"script", "iframe", "style", "svg", "object", "embed"}
    for el in tree.iter():
        if not isinstance(el.tag, str):
            continue
        assert not [a for a in el.attrib if a.lower().startswith("on")], el.attrib
        for name in ("href", "src"):
            if name in el.attrib:
                assert el.attrib[name].split(":")[0] in ("https", "http", "mailto"), el.attrib
    assert "<script" not in entry["html"] and '="javascript:' not in entry["html"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in entry["html"]  # shown as text
    assert tree.xpath("//a[@href='https://example.com/x?a=1&b=2']/@rel") == [
        "noopener noreferrer nofollow"
    ]


def test_publish_emails_each_follower_once_sends_webhooks_and_completes_requests(
    api: Api, tenant: Tenant, runner: EventRunner, receiver: Receiver
) -> None:
    r = api.patch(
        tenant.path(),
        key=tenant.admin_key,
        body={"webhooks": [{"url": receiver.url, "events": ["changelog.published"]}]},
    )
    assert r.status == 200, r.body
    ada, bo = follower_token(tenant, "ada"), follower_token(tenant, "bo")
    both = tenant.path("/requests")
    first = api.post(both, key=tenant.pub_key, token=ada, body={"title": "Shipped one"}).body
    second = api.post(both, key=tenant.pub_key, token=bo, body={"title": "Shipped two"}).body
    api.post(tenant.path(f"/requests/{second['id']}/vote"), key=tenant.pub_key, token=ada)
    entry = draft(
        api, tenant, title="Both <shipped> & done", requestIds=[first["id"], second["id"]],
        completeLinked=True,
    )  # fmt: skip
    runner.drain()
    published = publish(api, tenant, entry["id"])
    assert published["status"] == "published" and published["publishedAt"]
    assert api.post(tenant.path(f"/changelog/{entry['id']}/publish"), key=tenant.admin_key).status == 409  # fmt: skip
    path = tenant.path(f"/changelog/{entry['id']}")
    assert api.patch(path, key=tenant.admin_key, body={"title": "Too late"}).status == 409
    assert api.delete(path, key=tenant.admin_key).status == 409
    runner.drain()
    runner.drain()

    to_ada = [e for e in sent_to("ada@example.com") if "Shipped" in e["text"] or "Both" in e["subject"]]  # fmt: skip
    to_bo = [e for e in sent_to("bo@example.com") if "Both" in e["subject"]]
    assert len(to_ada) == 1 and len(to_bo) == 1  # ada follows both, one email; no status email
    assert to_ada[0]["subject"] == "New in Web: Both <shipped> & done"
    assert "Both &lt;shipped&gt; &amp; done" in to_ada[0]["html"]
    assert "Shipped one" in to_ada[0]["text"] and "Shipped two" in to_ada[0]["text"]
    assert "Shipped one" not in to_bo[0]["text"] and "Shipped two" in to_bo[0]["text"]
    for rid in (first["id"], second["id"]):
        assert api.get(tenant.path(f"/requests/{rid}"), key=tenant.pub_key).body["status"] == "completed"  # fmt: skip
    (event,) = receiver.events("changelog.published")
    assert event["data"]["entry"]["id"] == entry["id"]
    assert event["data"]["entry"]["html"] == published["html"]


def test_public_list_is_newest_published_first_with_a_cursor(api: Api, tenant: Tenant) -> None:
    first, second, third = (draft(api, tenant, title=f"Release {n}") for n in (1, 2, 3))
    draft(api, tenant, title="Still a draft")
    for entry in (second, first, third):  # published in another order than written
        publish(api, tenant, entry["id"])
    seen, cursor = [], None
    while True:
        query = "?limit=2" + (f"&cursor={cursor}" if cursor else "")
        r = api.get(tenant.path("/changelog" + query), key=tenant.pub_key)
        assert r.status == 200, r.body
        seen += [e["title"] for e in r.body["items"]]
        cursor = r.body["nextCursor"]
        if not cursor:
            break
    assert seen == ["Release 3", "Release 1", "Release 2"]
    assert api.get(tenant.path("/changelog?limit=0"), key=tenant.pub_key).status == 400
    assert api.get(tenant.path("/changelog?cursor=forged"), key=tenant.pub_key).status == 400


def test_the_atom_feed_validates_and_escapes(api: Api, tenant: Tenant, other: Tenant) -> None:
    schema = atom_schema()  # RFC 4287's own Appendix B schema
    empty = api.get(tenant.path(f"/changelog/feed.atom?key={tenant.pub_key}"))
    assert empty.status == 200, empty.body
    assert schema.errors(etree.fromstring(empty.body.encode())) == []
    entry = draft(api, tenant, title='Fixed <b>"quotes"</b> & ampersands', body=HOSTILE)
    publish(api, tenant, entry["id"])
    publish(api, tenant, draft(api, tenant, title="Second")["id"])
    r = api.get(tenant.path(f"/changelog/feed.atom?key={tenant.pub_key}"))
    assert r.status == 200 and r.headers["content-type"].startswith("application/atom+xml")
    doc = etree.fromstring(r.body.encode())
    assert schema.errors(doc) == []
    entries = doc.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == [
        "Second",
        'Fixed <b>"quotes"</b> & ampersands',
    ]
    assert doc.findtext(f"{ATOM}updated") == entries[0].findtext(f"{ATOM}updated")
    content = entries[1].find(f"{ATOM}content")
    assert content.get("type") == "html" and "<script" not in content.text
    assert len({e.findtext(f"{ATOM}id") for e in entries}) == 2
    # a schema that is not just permissive: each of the RFC's rules can fail
    broken = etree.fromstring(r.body.encode())
    broken.remove(broken.find(f"{ATOM}id"))
    assert schema.errors(broken)
    broken = etree.fromstring(r.body.encode())
    broken.find(f"{ATOM}updated").text = "yesterday"
    assert schema.errors(broken)
    broken = etree.fromstring(r.body.encode())
    broken.remove(broken.find(f"{ATOM}author"))
    assert any("must have an atom:author" in e for e in schema.errors(broken))
    broken = etree.fromstring(r.body.encode())
    for item in broken.findall(f"{ATOM}entry"):
        for gone in item.findall(f"{ATOM}link") + item.findall(f"{ATOM}content"):
            item.remove(gone)
    assert any("atom:link element" in e for e in schema.errors(broken))
    assert api.get(tenant.path("/changelog/feed.atom")).status == 401
    tenant.make_app("news")  # another tenant's key finds no app "news" of its own
    assert api.get(tenant.path(f"/changelog/feed.atom?key={other.pub_key}", "news")).status == 404


def test_export_and_load_keep_the_changelog(ctx: Any, api: Api, tenant: Tenant) -> None:
    entry = draft(api, tenant, title="Kept in backups")
    publish(api, tenant, entry["id"])
    draft(api, tenant, title="A draft too")
    records = [json.loads(json.dumps(r, default=str)) for r in ctx.store.dump_app(tenant.id, "web")]
    kept = [r for r in records if r["kind"] == "changelog"]
    assert sorted(r["title"] for r in kept) == ["A draft too", "Kept in backups"]
    tenant.make_app("copy")
    assert ctx.store.load_app(tenant.id, "copy", kept, 0) == {"changelog": 2}
    r = api.get(tenant.path("/changelog", "copy"), key=tenant.apps["copy"]["pub"])
    assert [e["title"] for e in r.body["items"]] == ["Kept in backups"]
    assert r.body["items"][0]["html"] == entry["html"]
