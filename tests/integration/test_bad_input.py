"""Every body field and query parameter, fed bad input: exact status and code, nothing saved."""

from __future__ import annotations

import pytest

from tests.helpers import ENVELOPE_KEYS, Api, Tenant

LONG = "x" * 121
BAD_REQUEST_BODIES = [
    ({}, "validation_error", "title"),
    ({"title": ""}, "validation_error", "title"),
    ({"title": "  ab  "}, "validation_error", "title"),
    ({"title": LONG}, "validation_error", "title"),
    ({"title": 123}, "validation_error", "title"),
    ({"title": None}, "validation_error", "title"),
    ({"title": ["Dark mode"]}, "validation_error", "title"),
    ({"title": "Bell\x07 title"}, "validation_error", "title"),
    ({"title": "Fine", "description": "d" * 5001}, "validation_error", "description"),
    ({"title": "Fine", "description": 5}, "validation_error", "description"),
    ({"title": "Fine", "priority": "urgent"}, "validation_error", "priority"),
    ({"title": "Fine", "tags": "ui"}, "validation_error", "tags"),
    ({"title": "Fine", "tags": ["UI"]}, "validation_error", "tags"),
    ({"title": "Fine", "tags": [""]}, "validation_error", "tags"),
    ({"title": "Fine", "tags": ["t" * 33]}, "validation_error", "tags"),
    ({"title": "Fine", "tags": [f"t{n}" for n in range(11)]}, "validation_error", "tags"),
    ({"title": "Fine", "tags": [1]}, "validation_error", "tags.0"),
    ({"title": "Fine", "status": "planned"}, "validation_error", "status"),
    ({"title": "Fine", "votes": 100}, "validation_error", "votes"),
]


@pytest.mark.parametrize(("body", "code", "field"), BAD_REQUEST_BODIES)
def test_create_request_rejects_bad_bodies(
    api: Api, tenant: Tenant, body: dict, code: str, field: str
) -> None:
    r = api.post(tenant.path("/requests"), key=tenant.pub_key, token=tenant.token("u"), body=body)
    assert (r.status, r.code) == (400, code), r.body
    assert set(r.body) == ENVELOPE_KEYS and r.body["requestId"]
    assert field in [d["field"] for d in r.body["error"]["details"]]
    assert r.body["error"]["message"].startswith(field)
    assert api.get(tenant.path("/requests"), key=tenant.pub_key).body["items"] == []


def test_unicode_titles_count_characters_not_bytes(api: Api, tenant: Tenant) -> None:
    made = api.post(
        tenant.path("/requests"),
        key=tenant.pub_key,
        token=tenant.token("u"),
        body={"title": "🌙" * 120, "description": "مرحبا <script>x</script>"},
    )
    assert made.status == 201 and made.body["title"] == "🌙" * 120
    assert made.body["description"] == "مرحبا <script>x</script>"
    too_long = api.post(
        tenant.path("/requests"),
        key=tenant.pub_key,
        token=tenant.token("u"),
        body={"title": "🌙" * 121},
    )
    assert (too_long.status, too_long.code) == (400, "validation_error")


@pytest.mark.parametrize(
    ("raw", "content_type", "status", "code"),
    [
        (b"{not json", "application/json", 400, "bad_request"),
        (b"[1, 2]", "application/json", 400, "bad_request"),
        (b'"a string"', "application/json", 400, "bad_request"),
        (b"", "application/json", 400, "bad_request"),
        (
            b'{"title": "Form post"}',
            "application/x-www-form-urlencoded",
            415,
            "unsupported_media_type",
        ),
        (b'{"title": "Text"}', "text/plain", 415, "unsupported_media_type"),
        (b'{"title": "' + b"x" * (64 * 1024) + b'"}', "application/json", 413, "payload_too_large"),
        (b'\xff\xfe{"title": 1}', "application/json", 400, "bad_request"),
    ],
)
def test_bodies_that_are_not_json_objects(
    api: Api, tenant: Tenant, raw: bytes, content_type: str, status: int, code: str
) -> None:
    r = api.post(
        tenant.path("/requests"),
        key=tenant.pub_key,
        token=tenant.token("u"),
        raw=raw,
        headers={"Content-Type": content_type},
    )
    assert (r.status, r.code) == (status, code), r.body
    assert set(r.body) == ENVELOPE_KEYS


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("limit=abc", "limit"),
        ("limit=-1", "limit"),
        ("limit=1.5", "limit"),
        ("sort=old", "sort"),
        ("status=done", "status"),
        ("tag=Bad%20Tag", "tag"),
        ("tag=" + "t" * 33, "tag"),
        ("cursor=", "cursor"),
        ("cursor=not-a-cursor", "cursor"),
        ("colour=red", "colour"),
    ],
)
def test_list_rejects_bad_query_parameters(
    api: Api, tenant: Tenant, query: str, field: str
) -> None:
    r = api.get(tenant.path(f"/requests?{query}"), key=tenant.pub_key)
    assert (r.status, r.code) == (400, "validation_error"), r.body
    assert r.body["error"]["details"][0]["field"] == field


def test_altered_cursor_is_refused(api: Api, tenant: Tenant) -> None:
    for n in range(3):
        tenant.create(f"Page item {n}")
    cursor = api.get(tenant.path("/requests?limit=1"), key=tenant.pub_key).body["nextCursor"]
    flipped = cursor[:-2] + ("A" if cursor[-2] != "A" else "B") + cursor[-1]
    r = api.get(tenant.path(f"/requests?limit=1&cursor={flipped}"), key=tenant.pub_key)
    assert (r.status, r.code) == (400, "validation_error")
    # a good cursor from one list is no good on another (other sort, other filter)
    moved = api.get(tenant.path(f"/requests?limit=1&sort=top&cursor={cursor}"), key=tenant.pub_key)
    assert (moved.status, moved.code) == (400, "validation_error")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "body"),
        ({"status": "duplicate"}, "status"),
        ({"status": "shipped"}, "status"),
        ({"title": None}, "title"),
        ({"response": "r" * 5001}, "response"),
        ({"priority": 3}, "priority"),
        ({"id": "new-id"}, "id"),
    ],
)
def test_patch_rejects_bad_bodies(api: Api, tenant: Tenant, body: dict, field: str) -> None:
    rid = tenant.create("Patch target")["id"]
    r = api.patch(tenant.path(f"/requests/{rid}"), key=tenant.admin_key, body=body)
    assert (r.status, r.code) == (400, "validation_error"), r.body
    assert r.body["error"]["details"][0]["field"] == field
    assert api.get(tenant.path(f"/requests/{rid}"), key=tenant.admin_key).body["version"] == 1


@pytest.mark.parametrize("if_match", ["abc", '"x1"', "1.5", "-1"])
def test_malformed_if_match_is_412(api: Api, tenant: Tenant, if_match: str) -> None:
    rid = tenant.create("Etag target")["id"]
    r = api.patch(
        tenant.path(f"/requests/{rid}"),
        key=tenant.admin_key,
        headers={"If-Match": if_match},
        body={"priority": "low"},
    )
    assert (r.status, r.code) == (412, "precondition_failed")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "body"),
        ({"body": ""}, "body"),
        ({"body": "   "}, "body"),
        ({"body": "b" * 5001}, "body"),
        ({"body": 7}, "body"),
        ({"body": "ok", "extra": 1}, "extra"),
    ],
)
def test_comment_rejects_bad_bodies(api: Api, tenant: Tenant, body: dict, field: str) -> None:
    rid = tenant.create("Comment target")["id"]
    r = api.post(
        tenant.path(f"/requests/{rid}/comments"),
        key=tenant.pub_key,
        token=tenant.token("u"),
        body=body,
    )
    assert (r.status, r.code) == (400, "validation_error"), r.body
    assert r.body["error"]["details"][0]["field"] == field


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "message"),
        ({"message": ""}, "message"),
        ({"message": "ok", "rating": 0}, "rating"),
        ({"message": "ok", "rating": 6}, "rating"),
        ({"message": "ok", "rating": "5"}, "rating"),
        ({"message": "ok", "rating": 4.5}, "rating"),
        ({"message": "ok", "email": "nope"}, "email"),
        ({"message": "m" * 5001}, "message"),
    ],
)
def test_feedback_rejects_bad_bodies(api: Api, tenant: Tenant, body: dict, field: str) -> None:
    r = api.post(tenant.path("/feedback"), key=tenant.pub_key, token=tenant.token("u"), body=body)
    assert (r.status, r.code) == (400, "validation_error"), r.body
    assert r.body["error"]["details"][0]["field"] == field


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"id": "x", "name": "X"}, "id"),
        ({"id": "Has Caps", "name": "X"}, "id"),
        ({"id": "a" * 41, "name": "X"}, "id"),
        ({"id": "ok-id", "name": ""}, "name"),
        ({"id": "ok-id", "name": "X", "allowAnonymous": "yes"}, "allowAnonymous"),
        ({"id": "ok-id", "name": "X", "notifyEmails": ["not-an-email"]}, "notifyEmails.0"),
        (
            {"id": "ok-id", "name": "X", "webhooks": [{"url": "ftp://x.example", "events": ["*"]}]},
            "webhooks.0.url",
        ),
        (
            {
                "id": "ok-id",
                "name": "X",
                "webhooks": [{"url": "https://93.184.215.14/hook", "events": ["nope"]}],
            },
            "webhooks.0.events",
        ),
        (
            {
                "id": "ok-id",
                "name": "X",
                "webhooks": [{"url": "https://93.184.215.14/hook", "events": []}],
            },
            "webhooks.0.events",
        ),
    ],
)
def test_create_app_rejects_bad_bodies(api: Api, tenant: Tenant, body: dict, field: str) -> None:
    r = api.post("/v1/apps", key=tenant.admin_key, body=body)
    assert (r.status, r.code) == (400, "validation_error"), r.body
    assert r.body["error"]["details"][0]["field"] == field
    assert [a["id"] for a in api.get("/v1/apps", key=tenant.admin_key).body["items"]] == ["web"]


def test_duplicate_app_id_is_409(api: Api, tenant: Tenant) -> None:
    r = api.post("/v1/apps", key=tenant.admin_key, body={"id": "web", "name": "Again"})
    assert (r.status, r.code) == (409, "conflict")


def test_merge_body_and_unknown_ids(api: Api, tenant: Tenant) -> None:
    rid = tenant.create("Merge source")["id"]
    for body, status in (
        ({}, 400),
        ({"into": ""}, 400),
        ({"into": 5}, 400),
        ({"into": "x" * 65}, 400),
    ):
        r = api.post(tenant.path(f"/requests/{rid}/merge"), key=tenant.admin_key, body=body)
        assert (r.status, r.code) == (status, "validation_error")
    for path in ("/requests/nope", "/requests/" + "z" * 200, "/requests/nope/comments"):
        r = api.get(tenant.path(path), key=tenant.pub_key)
        assert (r.status, r.code) == (404, "not_found")


@pytest.mark.parametrize(
    ("body", "said"),
    [
        ({"message": "hi", "email": "not-an-email"}, "email: must be an email address"),
        ({"message": "hi", "rating": "5"}, "rating: must be a whole number"),
        ({"message": ""}, "message: must be 1 to 5000 characters"),
        ({"message": 7}, "message: must be a string"),
        ({"message": "hi", "type": "t" * 41}, "type: must be at most 40 characters"),
    ],
)
def test_a_bad_field_is_explained_in_the_apis_words(
    api: Api, tenant: Tenant, body: dict, said: str
) -> None:
    """Not pydantic's ("String should match pattern '^[^@\\s]+…'"): a client's developer
    reads what to send (an outside check found the email's regular expression shown)."""
    r = api.post(tenant.path("/feedback"), key=tenant.pub_key, token=tenant.token("u"), body=body)
    assert (r.status, r.code) == (400, "validation_error"), r.body
    message = r.body["error"]["message"]
    assert message.startswith(said), message
    assert not any(c in message for c in "^[]\\"), message  # no regular expression
