"""What an outsider or a careless integrator can send: refused with the envelope, never a 500."""

from __future__ import annotations

import pytest

from tests.helpers import ENVELOPE_KEYS, Api, Tenant


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
