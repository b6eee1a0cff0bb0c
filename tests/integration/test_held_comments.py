"""A comment held for moderation is its author's to see in ``GET …/comments`` (marked
``"moderation": "pending"``, where it was posted) until the team decides: nobody else sees
it, not another user, not an anonymous visitor, not another tenant; approved it is listed
once, as any comment; rejected or its author forgotten, it is gone for its author too."""

from __future__ import annotations

from typing import Any

from chalicelib.store import meter, reset_meter
from tests.helpers import Api, Tenant
from tests.integration.test_moderation import held


def _comment(api: Api, t: Tenant, rid: str, body: str, **who: Any) -> str:
    who = {"key": t.pub_key, **who}
    r = api.post(t.path(f"/requests/{rid}/comments"), body={"body": body}, **who)
    assert r.status == 201, r.body
    return str(r.body["id"])


def _listed(api: Api, t: Tenant, rid: str, query: str = "", **who: Any) -> list[dict[str, Any]]:
    """Every comment the caller is shown, page after page."""
    seen: list[dict[str, Any]] = []
    cursor = ""
    while True:
        r = api.get(t.path(f"/requests/{rid}/comments?{query}{cursor}"), key=t.pub_key, **who)
        assert r.status == 200, r.body
        seen += r.body["items"]
        if not r.body["nextCursor"]:
            return seen
        cursor = f"&cursor={r.body['nextCursor']}"


def _bodies(items: list[dict[str, Any]]) -> list[tuple[str, str | None]]:
    return [(c["body"], c.get("moderation")) for c in items]


def test_the_author_alone_sees_a_held_comment_where_it_was_posted(
    api: Api, tenant: Tenant, other: Tenant
) -> None:
    rid = tenant.create("Offline mode", as_user="fay")["id"]
    _comment(api, tenant, rid, "first", token=tenant.token("fay"))
    held(api, tenant)
    gus = tenant.token("gus")
    cid = _comment(api, tenant, rid, "held one", token=gus)
    _comment(api, tenant, rid, "team says", key=tenant.admin_key)  # the team's never wait
    mine = [("first", None), ("held one", "pending"), ("team says", None)]
    assert _bodies(_listed(api, tenant, rid, token=gus)) == mine
    # page by page (one a page, two a page), each shown once, in place
    assert _bodies(_listed(api, tenant, rid, "limit=1", token=gus)) == mine
    assert _bodies(_listed(api, tenant, rid, "limit=2", token=gus)) == mine
    shown = [("first", None), ("team says", None)]
    assert _bodies(_listed(api, tenant, rid, token=tenant.token("hal"))) == shown
    assert _bodies(_listed(api, tenant, rid)) == shown  # anonymous
    # the team decides in the queue; its list shows what everyone sees
    team = api.get(tenant.path(f"/requests/{rid}/comments"), key=tenant.admin_key)
    assert _bodies(team.body["items"]) == shown
    # another tenant's key, with the author's name on its own token: no such request
    stranger = api.get(
        other.path(f"/requests/{rid}/comments"),
        key=other.pub_key,
        token=other.token("gus"),
    )
    assert stranger.status == 404
    # the held comment cannot be reacted to, edited or deleted by its author meanwhile
    react = tenant.path(f"/requests/{rid}/comments/{cid}/reactions/heart")
    assert api.put(react, key=tenant.pub_key, token=gus).status == 404
    # approved: listed once, as any comment, for everyone
    ok = api.post(tenant.path(f"/requests/{rid}/comments/{cid}/approve"), key=tenant.admin_key)
    assert ok.status == 200, ok.body
    approved = [("first", None), ("held one", "approved"), ("team says", None)]
    assert _bodies(_listed(api, tenant, rid, token=gus)) == approved
    assert _bodies(_listed(api, tenant, rid)) == approved
    # and the author may react to it now (the copy it had is gone, the key is free)
    assert api.put(react, key=tenant.pub_key, token=gus).status == 200
    assert _listed(api, tenant, rid, token=gus)[1]["reacted"] == ["heart"]


def test_a_rejected_comment_is_gone_for_its_author_too(api: Api, tenant: Tenant) -> None:
    rid = tenant.create("Dark mode")["id"]
    held(api, tenant)
    gus = tenant.token("gus")
    cid = _comment(api, tenant, rid, "spam spam", token=gus)
    assert _bodies(_listed(api, tenant, rid, token=gus)) == [("spam spam", "pending")]
    no = api.post(tenant.path(f"/requests/{rid}/comments/{cid}/reject"), key=tenant.admin_key)
    assert no.status == 204
    assert _listed(api, tenant, rid, token=gus) == []


def test_an_anonymous_author_sees_theirs_and_another_visitor_does_not(
    api: Api, open_tenant: Tenant
) -> None:
    t = open_tenant
    rid = t.create("Widget colours")["id"]
    held(api, t, "anonymous")
    mine = {"headers": {"X-Anonymous-Id": "browser-a-0123456789abcdef"}}
    _comment(api, t, rid, "anonymous idea", **mine)
    assert _bodies(_listed(api, t, rid, **mine)) == [("anonymous idea", "pending")]
    assert _listed(api, t, rid, headers={"X-Anonymous-Id": "browser-b-0123456789abcdef"}) == []


def test_a_forgotten_author_no_longer_has_a_copy(api: Api, tenant: Tenant) -> None:
    rid = tenant.create("Exports")["id"]
    held(api, tenant)
    gus = tenant.token("gus")
    _comment(api, tenant, rid, "mine to forget", token=gus)
    assert api.delete(tenant.path("/users/gus"), key=tenant.admin_key).status in (200, 204)
    assert _listed(api, tenant, rid, token=gus) == []


def test_the_authors_page_costs_one_query_more_whatever_waits(api: Api, tenant: Tenant) -> None:
    """The comments, then one Query of the viewer's reactions and held comments together."""
    rid = tenant.create("Calendar")["id"]
    for n in range(25):
        _comment(api, tenant, rid, f"approved {n}", key=tenant.admin_key)
    held(api, tenant)
    gus = tenant.token("gus")
    for n in range(3):
        _comment(api, tenant, rid, f"held {n}", token=gus)
    reset_meter()
    r = api.get(tenant.path(f"/requests/{rid}/comments?limit=20"), key=tenant.pub_key, token=gus)
    assert r.status == 200 and r.body["nextCursor"] and len(r.body["items"]) == 20
    assert meter().by_operation.get("query") == 2
    last = api.get(
        tenant.path(f"/requests/{rid}/comments?limit=20&cursor={r.body['nextCursor']}"),
        key=tenant.pub_key,
        token=gus,
    )
    assert [c["body"] for c in last.body["items"]][-3:] == ["held 0", "held 1", "held 2"]
    assert len(last.body["items"]) == 8
