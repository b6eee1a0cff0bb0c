"""``Idempotency-Key`` on the comment and feedback creates, as on the request create: a repeat
within 24 h answers as the first call did and makes nothing new; the key is the caller's own
(another user, app or tenant sending it makes its own), and the same key with another body
or on another route is 409, never someone else's answer."""

from __future__ import annotations

from typing import Any

from tests.helpers import Api, Tenant
from tests.integration.test_moderation import held


def _comment(api: Api, t: Tenant, rid: str, body: str, once: str, **who: Any) -> Any:
    """POST a comment with ``Idempotency-Key: <once>``."""
    who = {"key": t.pub_key, **who}
    headers = {"Idempotency-Key": once}
    return api.post(
        t.path(f"/requests/{rid}/comments"), body={"body": body}, headers=headers, **who
    )


def _bodies(api: Api, t: Tenant, rid: str, **who: Any) -> list[str]:
    who = {"key": t.admin_key, **who}
    r = api.get(t.path(f"/requests/{rid}/comments"), **who)
    assert r.status == 200, r.body
    return [c["body"] for c in r.body["items"]]


def _count(api: Api, t: Tenant, rid: str) -> int:
    return int(api.get(t.path(f"/requests/{rid}"), key=t.pub_key).body["commentCount"])


def test_a_repeated_comment_answers_the_first_and_comments_once(api: Api, tenant: Tenant) -> None:
    rid = tenant.create("Keyboard shortcuts")["id"]
    ada = tenant.token("ada")
    first = _comment(api, tenant, rid, "Please add vim keys", "c-1", token=ada)
    again = _comment(api, tenant, rid, "Please add vim keys", "c-1", token=ada)
    assert (first.status, again.status) == (201, 201), again.body
    assert "idempotent-replayed" not in first.headers
    assert again.headers.get("idempotent-replayed") == "true" and again.body == first.body
    assert _bodies(api, tenant, rid) == ["Please add vim keys"]
    assert _count(api, tenant, rid) == 1
    # another body, or the same key on another route, is the caller's mistake: 409
    other = _comment(api, tenant, rid, "Emacs keys too", "c-1", token=ada)
    assert (other.status, other.code) == (409, "conflict")
    rid2 = tenant.create("Dark mode")["id"]
    elsewhere = _comment(api, tenant, rid2, "Please add vim keys", "c-1", token=ada)
    assert (elsewhere.status, elsewhere.code) == (409, "conflict")
    made = api.post(
        tenant.path("/requests"),
        key=tenant.pub_key,
        token=ada,
        headers={"Idempotency-Key": "c-1"},
        body={"title": "Please add vim keys"},
    )
    assert (made.status, made.code) == (409, "conflict")
    assert _bodies(api, tenant, rid2) == [] and _bodies(api, tenant, rid) == ["Please add vim keys"]
    # without a key, the same body is another comment; a key too long is 400
    assert _comment(api, tenant, rid, "x", "k" * 256, token=ada).code == "validation_error"
    plain = api.post(
        tenant.path(f"/requests/{rid}/comments"),
        key=tenant.pub_key,
        token=ada,
        body={"body": "Please add vim keys"},
    )
    assert plain.status == 201 and plain.body["id"] != first.body["id"]


def test_a_comment_key_is_its_callers_own(api: Api, open_tenant: Tenant, other: Tenant) -> None:
    t = open_tenant
    rid = t.create("Offline mode")["id"]
    mine = _comment(api, t, rid, "Same words", "shared", token=t.token("ada"))
    theirs = _comment(api, t, rid, "Same words", "shared", token=t.token("bob"))
    visitor = _comment(api, t, rid, "Same words", "shared")  # anonymous
    team = _comment(api, t, rid, "Same words", "shared", key=t.admin_key)
    for reply in (theirs, visitor, team):
        assert reply.status == 201 and "idempotent-replayed" not in reply.headers, reply.body
    ids = {r.body["id"] for r in (mine, theirs, visitor, team)}
    assert len(ids) == 4
    # the anonymous visitor's repeat is theirs to replay
    repeat = _comment(api, t, rid, "Same words", "shared")
    assert repeat.headers.get("idempotent-replayed") == "true"
    assert repeat.body["id"] == visitor.body["id"]
    # another tenant: the same key and user on its own request is its own comment; on ours, 404
    rid_other = other.create("Offline mode")["id"]
    foreign = _comment(api, other, rid_other, "Same words", "shared", token=other.token("ada"))
    assert foreign.status == 201 and foreign.body["id"] not in ids
    assert "idempotent-replayed" not in foreign.headers
    stranger = _comment(api, other, rid, "Same words", "fresh", token=other.token("ada"))
    assert stranger.status == 404  # our request does not exist for them, keyed or not
    assert len(_bodies(api, t, rid)) == 4


def test_a_held_comment_replayed_is_still_held_once(api: Api, tenant: Tenant) -> None:
    rid = tenant.create("Export to PDF")["id"]
    held(api, tenant)
    gus = tenant.token("gus")
    first = _comment(api, tenant, rid, "held words", "h-1", token=gus)
    again = _comment(api, tenant, rid, "held words", "h-1", token=gus)
    assert first.body["moderation"] == "pending" and again.body == first.body
    assert again.headers.get("idempotent-replayed") == "true"
    queue = api.get(tenant.path("/moderation"), key=tenant.admin_key).body["items"]
    assert [q["body"] for q in queue if q["kind"] == "comment"] == ["held words"]
    # approved since: the replay is still the first answer, and nothing is held again
    cid = first.body["id"]
    approved = api.post(
        tenant.path(f"/requests/{rid}/comments/{cid}/approve"), key=tenant.admin_key
    )
    assert approved.status == 200, approved.body
    late = _comment(api, tenant, rid, "held words", "h-1", token=gus)
    assert late.body == first.body and late.headers.get("idempotent-replayed") == "true"
    queue = api.get(tenant.path("/moderation"), key=tenant.admin_key).body["items"]
    assert [q for q in queue if q["kind"] == "comment"] == []
    assert _bodies(api, tenant, rid) == ["held words"] and _count(api, tenant, rid) == 1


def test_a_replay_after_the_comment_was_deleted_makes_nothing(api: Api, tenant: Tenant) -> None:
    rid = tenant.create("Calendar sync")["id"]
    ada = tenant.token("ada")
    first = _comment(api, tenant, rid, "Google first", "d-1", token=ada)
    path = tenant.path(f"/requests/{rid}/comments/{first.body['id']}")
    assert api.delete(path, key=tenant.pub_key, token=ada).status == 204
    again = _comment(api, tenant, rid, "Google first", "d-1", token=ada)
    assert again.status == 201 and again.body == first.body
    assert again.headers.get("idempotent-replayed") == "true"
    assert _bodies(api, tenant, rid) == [] and _count(api, tenant, rid) == 0


def test_repeated_feedback_is_kept_once(api: Api, tenant: Tenant) -> None:
    def send(message: str) -> Any:
        return api.post(
            tenant.path("/feedback"),
            key=tenant.pub_key,
            token=tenant.token("ada"),
            headers={"Idempotency-Key": "fb-1"},
            body={"message": message, "rating": 4},
        )

    first, again = send("Love the new editor"), send("Love the new editor")
    assert (first.status, again.status) == (201, 201)
    assert again.body == first.body and again.headers.get("idempotent-replayed") == "true"
    assert send("Something else").code == "conflict"
    listed = api.get(tenant.path("/feedback"), key=tenant.admin_key).body["items"]
    assert [f["message"] for f in listed] == ["Love the new editor"]


def test_a_forgotten_user_leaves_no_stored_answer(api: Api, tenant: Tenant) -> None:
    """The stored answer repeats what the user wrote: forgetting the user deletes it, so the
    same key afterwards is a new call (and another user's answers stay)."""
    rid = tenant.create("Keyboard shortcuts")["id"]
    first = _comment(api, tenant, rid, "mine", "f-1", token=tenant.token("gone", name="Gone"))
    kept = _comment(api, tenant, rid, "theirs", "f-1", token=tenant.token("gone#2"))
    assert first.status == kept.status == 201
    assert api.delete(tenant.path("/users/gone"), key=tenant.admin_key).status == 204
    again = _comment(api, tenant, rid, "mine", "f-1", token=tenant.token("gone"))
    assert again.status == 201 and "idempotent-replayed" not in again.headers
    assert again.body["id"] != first.body["id"]
    repeat = _comment(api, tenant, rid, "theirs", "f-1", token=tenant.token("gone#2"))
    assert repeat.headers.get("idempotent-replayed") == "true"


def test_a_key_whose_answer_expired_is_a_new_call(ctx: Any, api: Api, tenant: Tenant) -> None:
    """TTL deletes lag (up to days): an answer past its 24 h still in the table is not
    replayed, and does not stop the new call from being made and kept."""
    import hashlib

    rid = tenant.create("Keyboard shortcuts")["id"]
    scope = f"ada#{hashlib.sha256(b'old').hexdigest()}"
    for made in ("request", f"comment {rid}", "feedback"):  # any fingerprint: it expired
        stale = ctx.store.idempotency_item(tenant.id, "web", scope, made, 201, {}, 1)
        ctx.store._put(stale)
        first = _comment(api, tenant, rid, "new words", "old", token=tenant.token("ada"))
        assert first.status == 201 and "idempotent-replayed" not in first.headers, first.body
        again = _comment(api, tenant, rid, "new words", "old", token=tenant.token("ada"))
        assert again.headers.get("idempotent-replayed") == "true" and again.body == first.body
    assert _bodies(api, tenant, rid) == ["new words"] * 3
    for path, body in (("/requests", {"title": "Fresh title"}), ("/feedback", {"message": "hi"})):
        ctx.store._put(stale)
        made = api.post(
            tenant.path(path),
            key=tenant.pub_key,
            token=tenant.token("ada"),
            headers={"Idempotency-Key": "old"},
            body=body,
        )
        assert made.status == 201 and "idempotent-replayed" not in made.headers, made.body


def test_the_same_json_spaced_or_ordered_otherwise_is_a_replay(api: Api, tenant: Tenant) -> None:
    """A client that builds its JSON again on a retry (other spacing, other key order) sends
    the same body: a replay, not a 409 (found by an outside check)."""
    rid = tenant.create("Offline mode")["id"]
    sent = []
    for raw in (b'{"body": "Works on the train", "internal": false}',
                b'{ "internal" : false ,\n  "body" : "Works on the train" }'):  # fmt: skip
        sent.append(
            api.post(
                tenant.path(f"/requests/{rid}/comments"),
                key=tenant.admin_key,
                raw=raw,
                headers={"Idempotency-Key": "spaced-1", "Content-Type": "application/json"},
            )
        )
    assert [r.status for r in sent] == [201, 201], sent[1].body
    assert sent[1].headers.get("idempotent-replayed") == "true"
    assert sent[1].body["id"] == sent[0].body["id"]
    assert _bodies(api, tenant, rid) == ["Works on the train"]
