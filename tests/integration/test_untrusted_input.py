"""What an outsider or a careless integrator can send: refused with the envelope, never a 500."""

from __future__ import annotations

import pytest

from chalicelib.store import Keys
from tests.helpers import ENVELOPE_KEYS, Api, Tenant
from tools.event_runner import EventRunner


def _refused(r, status: int, code: str) -> None:
    assert (r.status, r.code) == (status, code), r.body
    assert set(r.body) == ENVELOPE_KEYS and r.body["requestId"]


# ---------------------------------------------------------------- ?key= is for publishable keys


def test_an_admin_key_in_the_query_string_is_refused(api: Api, open_tenant: Tenant) -> None:
    t = open_tenant
    for path in (f"/feedback?key={t.admin_key}", f"/feedback?key=%20{t.admin_key}%20"):
        r = api.post(t.path(path), body={"message": "via the URL"})
        _refused(r, 401, "unauthenticated")
        assert t.admin_key not in str(r.body) and "publishable" in r.body["error"]["message"]
    # beside a valid header too: the key is leaked either way, the integrator must hear it
    r = api.post(
        t.path(f"/feedback?key={t.admin_key}"), key=t.pub_key, body={"message": "both ways"}
    )
    _refused(r, 401, "unauthenticated")
    assert api.get(t.path("/feedback"), key=t.admin_key).body["items"] == []
    ok = api.post(t.path(f"/feedback?key={t.pub_key}"), body={"message": "the widget's way"})
    assert ok.status == 201, ok.body
    for method, path in (("GET", "/requests"), ("GET", "/feedback"), ("GET", "")):
        r = api.send(method, t.path(f"{path}?key={t.admin_key}"), key=t.admin_key)
        _refused(r, 401, "unauthenticated")


# ---------------------------------------------------------------- webhook URLs


@pytest.mark.parametrize(
    "url",
    [
        "https://hooks.example.com:99999/h",
        "https://hooks.example.com:abc/h",
        "https://[::1/h",
        "https://hooks.example.com:0/h",
        "https://hooks.example.com:-1/h",
        "https://hooks.example.com/h\r\nX-Injected: 1",
        "https://hooks.example.com/a b",
        "https://[not-an-ip]/h",
        "https://" + "ä" * 300 + ".example/h",
    ],
)
def test_a_malformed_webhook_url_is_a_400_on_its_field(api: Api, tenant: Tenant, url: str) -> None:
    body = {"webhooks": [{"url": url, "events": ["*"]}]}
    patched = api.patch(tenant.path(), key=tenant.admin_key, body=body)
    _refused(patched, 400, "validation_error")
    assert patched.body["error"]["details"][0]["field"] == "webhooks.0.url"
    created = api.post("/v1/apps", key=tenant.admin_key, body={"id": "hooks", "name": "H", **body})
    _refused(created, 400, "validation_error")
    assert created.body["error"]["details"][0]["field"] == "webhooks.0.url"
    assert api.get(tenant.path(), key=tenant.admin_key).body["webhooks"] == []


# ---------------------------------------------------------------- extra fields on feedback


@pytest.mark.parametrize(
    "name",
    ["", " ", "\t", "a\x00b", "line\nbreak", "\u202eevil", "x" * 65],
    ids=["empty", "space", "tab", "nul", "newline", "bidi-override", "65-chars"],
)
def test_an_odd_extra_field_name_is_a_400_and_stores_nothing(
    api: Api, open_tenant: Tenant, name: str
) -> None:
    t = open_tenant
    r = api.post(t.path("/feedback"), key=t.pub_key, body={"message": "x", name: "y"})
    _refused(r, 400, "validation_error")
    assert r.body["error"]["details"][0]["field"] == "body"
    if name.strip():
        assert name not in r.body["error"]["message"]
    listed = api.get(t.path("/feedback"), key=t.admin_key)
    assert listed.status == 200 and listed.body["items"] == []


def test_widget_extra_fields_with_plain_names_are_kept(api: Api, open_tenant: Tenant) -> None:
    from chalicelib.context import get_context

    t = open_tenant
    extras = {"page": "/pricing", "página": "/precios", "user.plan": "pro", "x" * 64: "long"}
    r = api.post(t.path("/feedback"), key=t.pub_key, body={"message": "hi", **extras})
    assert r.status == 201, r.body
    from chalicelib.store import Keys

    stored = get_context().store._get(Keys.feedback(t.id, "web", r.body["id"]))
    assert stored is not None and stored["extra"] == extras
    assert api.get(t.path("/feedback"), key=t.admin_key).body["items"][0]["id"] == r.body["id"]


def test_feedback_stored_with_an_empty_field_name_does_not_break_the_list(
    api: Api, tenant: Tenant, _session_runner: EventRunner
) -> None:
    """Older code stored ``{"": "y"}``; the admin's list answered 500 from then on."""
    from chalicelib.context import get_context
    from chalicelib.records import Feedback

    store = get_context().store
    for n, extra in enumerate(({"": "y"}, {"ok": "z"})):
        store.add_feedback(
            Feedback(tenant.id, "web", f"01OLD{n}", f"old {n}", 1_700_000_000_000 + n, extra=extra)
        )
    try:
        listed = api.get(tenant.path("/feedback"), key=tenant.admin_key)
        assert listed.status == 200, listed.body
        assert [f["message"] for f in listed.body["items"]] == ["old 1", "old 0"]
    finally:
        # Real DynamoDB cannot hold this item and moto's stream cannot hand its record to
        # botocore: remove both, so the later tests sharing this moto and runner are not
        # stuck behind it.
        store._batch_delete([Keys.feedback(tenant.id, "web", "01OLD0")])
        _session_runner.skip_to_latest()


def test_an_unreadable_stored_item_is_left_out_of_its_list(api: Api, tenant: Tenant) -> None:
    from chalicelib.context import get_context
    from chalicelib.store import Keys

    store = get_context().store
    good = api.post(
        tenant.path("/feedback"),
        key=tenant.pub_key,
        token=tenant.token("u"),
        body={"message": "readable"},
    )
    store._put({**Keys.feedback(tenant.id, "web", "01BROKEN"), "type": "feedback", "id": "x"})
    rid = tenant.create("Readable request")["id"]
    store._put({**Keys.request(tenant.id, "web", "01BROKEN"), "type": "request", "title": 5})
    feedback = api.get(tenant.path("/feedback"), key=tenant.admin_key)
    assert feedback.status == 200 and [f["id"] for f in feedback.body["items"]] == [good.body["id"]]
    requests = api.get(tenant.path("/requests"), key=tenant.pub_key)
    assert requests.status == 200 and [r["id"] for r in requests.body["items"]] == [rid]
    # the export (and the nightly export of every app after it) leaves it out too
    exported = api.get(tenant.path("/export?format=json"), key=tenant.admin_key)
    assert exported.status == 200 and [r["id"] for r in exported.body["items"]] == [rid]


# ---------------------------------------------------------------- email addresses from outside

HEADER_TRICKS = [
    "a@b.test\r\nBcc: spy@evil.test",
    "c@alpha.test, spy2@evil.test",
    "Ada <ada@alpha.test>",
    "ada@alpha.test\n",
    "undisclosed:spy@evil.test;",
    "x" * 250 + "@b.test",
    "no-at-sign",
]


@pytest.mark.parametrize("claim", HEADER_TRICKS)
def test_a_token_email_claim_that_is_not_one_address_is_ignored(
    api: Api, tenant: Tenant, claim: str
) -> None:
    token = tenant.token("claimer", name="Claire", email=claim)
    made = api.post(
        tenant.path("/requests"), key=tenant.pub_key, token=token, body={"title": "Hello there"}
    )
    assert made.status == 201, made.body
    seen = api.get(tenant.path(f"/requests/{made.body['id']}"), key=tenant.admin_key).body
    assert seen["author"] == {"id": "claimer", "name": "Claire", "email": None}


def test_a_token_email_claim_of_the_wrong_type_is_ignored(api: Api, tenant: Tenant) -> None:
    import jwt

    for wrong in (5, ["a@b.test"], {"a": "b"}, True):
        claims = {"sub": "typed", "email": wrong, "exp": 2_000_000_000}
        odd = jwt.encode(claims, tenant.user_secret, algorithm="HS256")
        r = api.put(tenant.path("/requests/nope/subscription"), key=tenant.pub_key, token=odd)
        assert (r.status, r.code) == (404, "not_found"), (wrong, r.body)


@pytest.mark.parametrize("header", HEADER_TRICKS)
def test_x_user_email_that_is_not_one_address_is_a_400(
    api: Api, tenant: Tenant, header: str
) -> None:
    r = api.post(
        tenant.path("/requests"),
        key=tenant.admin_key,
        headers={"X-User-Id": "acted", "X-User-Email": header.replace("\r\n", " ")},
        body={"title": "Acting"},
    )
    _refused(r, 400, "bad_request")
    assert api.get(tenant.path("/requests"), key=tenant.admin_key).body["items"] == []


def _status_event(tenant: Tenant, rid: str) -> object:
    from chalicelib.events import DomainEvent

    return DomainEvent(
        f"ev-{rid}",
        "request.status_changed",
        1_700_000_000_000,
        tenant.id,
        "web",
        {"request": {"id": rid, "title": "Followed"}, "from": "open", "to": "planned"},
    )


def _sent_to(address: str) -> int:
    from moto.backends import get_backend

    ses = get_backend("ses")["123456789012"]["us-east-1"]
    return sum(address in m.destinations for m in ses.sent_messages if hasattr(m, "destinations"))


def test_a_bad_recipient_never_blocks_the_other_followers(api: Api, tenant: Tenant) -> None:
    """A follower stored by older code with a header-breaking address comes first in order."""
    from chalicelib.context import get_context
    from chalicelib.notify import email
    from chalicelib.records import Person

    ctx = get_context()
    rid = tenant.create("Followed", as_user="zz-author")["id"]
    req = ctx.store.get_request(tenant.id, "web", rid)
    ctx.store.subscribe(req, Person("aa-old", email="a@b.test\r\nBcc: spy@evil.test"))
    good = [f"good{n}@{tenant.id}.example.com" for n in range(2)]
    for n, address in enumerate(good):
        ctx.store.subscribe(req, Person(f"mm-good{n}", email=address))
    assert email.notify(ctx, _status_event(tenant, rid)) == 2
    assert [_sent_to(a) for a in good] == [1, 1] and _sent_to("spy@evil.test") == 0
    assert email.notify(ctx, _status_event(tenant, rid)) == 0  # a redelivery sends nothing


def test_ses_refusing_one_recipient_does_not_stop_the_rest(
    api: Api, tenant: Tenant, monkeypatch: pytest.MonkeyPatch
) -> None:
    from botocore.exceptions import ClientError

    from chalicelib import aws
    from chalicelib.context import get_context
    from chalicelib.notify import email
    from chalicelib.records import Person

    ctx = get_context()
    rid = tenant.create("Followed", as_user="zz-author")["id"]
    req = ctx.store.get_request(tenant.id, "web", rid)
    rejected, fine = f"rejected@{tenant.id}.example.com", f"fine@{tenant.id}.example.com"
    ctx.store.subscribe(req, Person("aa-rejected", email=rejected))
    ctx.store.subscribe(req, Person("bb-fine", email=fine))
    ses = aws.client("ses")
    real, tried = ses.send_raw_email, []

    def picky(**kwargs: object) -> object:
        tried.append(kwargs["Destinations"])
        if kwargs["Destinations"] == [rejected]:
            raise ClientError(
                {"Error": {"Code": "MessageRejected", "Message": "Address blacklisted"}},
                "SendRawEmail",
            )
        return real(**kwargs)

    monkeypatch.setattr(ses, "send_raw_email", picky)
    assert email.notify(ctx, _status_event(tenant, rid)) == 1
    assert _sent_to(fine) == 1
    assert email.notify(ctx, _status_event(tenant, rid)) == 0
    assert tried == [[rejected], [fine]]  # refused for good: not tried again


def test_a_token_name_claim_with_line_breaks_is_ignored(api: Api, tenant: Tenant) -> None:
    token = tenant.token("named", name="Ada\r\nBcc: spy@evil.test")
    made = api.post(
        tenant.path("/requests"), key=tenant.pub_key, token=token, body={"title": "Named"}
    )
    assert made.status == 201 and made.body["author"] == {"id": "named", "name": None}
    long = tenant.token("long", name="  " + "n" * 200)
    made = api.post(
        tenant.path("/requests"), key=tenant.pub_key, token=long, body={"title": "L" * 3}
    )
    assert made.status == 201 and made.body["author"]["name"] == "n" * 120
