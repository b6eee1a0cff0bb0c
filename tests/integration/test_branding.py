"""Per-app branding: set and cleared through PATCH /v1/apps/{appId}, checked field by field,
shown to the board and the widget by GET …/public, and carried by the emails."""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers import Api, Tenant
from tests.integration.test_events import sent_to
from tools.event_runner import EventRunner

NAVY = {
    "name": "Acme Ideas ✨",
    "logoUrl": "https://cdn.example/acme.svg",
    "accentColor": "#1A237E",
}


def brand(api: Api, tenant: Tenant, branding: Any) -> Any:
    return api.patch(tenant.path(), key=tenant.admin_key, body={"branding": branding})


def test_branding_is_set_merged_cleared_and_public(api: Api, tenant: Tenant) -> None:
    r = brand(api, tenant, NAVY)
    assert r.status == 200, r.body
    expected = {**NAVY, "accentColor": "#1a237e", "accentText": "#ffffff"}
    assert r.body["branding"] == expected
    public = api.get(tenant.path("/public"), key=tenant.pub_key)
    assert public.status == 200, public.body
    assert public.body == {"id": "web", "name": "Acme Ideas ✨", "branding": expected}
    assert set(public.body) == {"id", "name", "branding"}  # no settings, keys or webhooks

    r = brand(api, tenant, {"accentColor": "#FFE14D"})  # one field changes, the rest stay
    assert r.body["branding"]["accentText"] == "#000000"
    assert r.body["branding"]["name"] == "Acme Ideas ✨"
    r = brand(api, tenant, {"logoUrl": None, "name": None})  # null removes
    assert r.body["branding"] == {"accentColor": "#ffe14d", "accentText": "#000000"}
    assert api.get(tenant.path("/public"), key=tenant.pub_key).body["name"] == "Web"
    r = brand(api, tenant, {"accentColor": None})
    assert r.body["branding"] == {}
    assert api.get(tenant.path(), key=tenant.admin_key).body["branding"] == {}


@pytest.mark.parametrize(
    ("branding", "field"),
    [
        ({"accentColor": "red"}, "branding.accentColor"),
        ({"accentColor": "#12345"}, "branding.accentColor"),
        ({"accentColor": "#1234567"}, "branding.accentColor"),
        ({"accentColor": "#ggg000"}, "branding.accentColor"),
        ({"accentColor": 0x2F4FD1}, "branding.accentColor"),
        ({"logoUrl": "http://cdn.example/a.png"}, "branding.logoUrl"),
        ({"logoUrl": "javascript:alert(1)"}, "branding.logoUrl"),
        ({"logoUrl": "data:image/svg+xml,<svg onload=alert(1)>"}, "branding.logoUrl"),
        ({"logoUrl": 'https://cdn.example/a.png" onerror="alert(1)'}, "branding.logoUrl"),
        ({"logoUrl": "https://cdn.example/a.png)"}, None),  # a parenthesis is a fine URL char
        ({"logoUrl": "https:///nohost.png"}, "branding.logoUrl"),
        ({"logoUrl": "https://user:pw@cdn.example/a.png"}, "branding.logoUrl"),
        ({"logoUrl": "https://cdn.example:99999/a.png"}, "branding.logoUrl"),
        ({"logoUrl": "https://cdn.example/" + "a" * 2100}, "branding.logoUrl"),
        ({"name": ""}, "branding.name"),
        ({"name": "x" * 81}, "branding.name"),
        ({"name": "two\nlines"}, "branding.name"),
        ({"name": ["Acme"]}, "branding.name"),
        ({"colour": "#000000"}, "branding.colour"),
        ("Acme", "branding"),
    ],
)
def test_each_bad_branding_is_a_400_on_its_field(
    api: Api, tenant: Tenant, branding: Any, field: str | None
) -> None:
    r = brand(api, tenant, branding)
    if field is None:
        assert r.status == 200, r.body
        return
    assert r.status == 400, r.body
    assert r.code == "validation_error"
    assert field in [d["field"] for d in r.body["error"]["details"]], r.body
    assert api.get(tenant.path(), key=tenant.admin_key).body["branding"] == {}


def test_public_info_needs_the_apps_own_key(api: Api, tenant: Tenant, other: Tenant) -> None:
    assert brand(api, tenant, NAVY).status == 200
    assert api.get(tenant.path("/public")).status == 401
    # the same path with another tenant's key is that tenant's own app "web", not this one
    theirs = api.get(tenant.path("/public"), key=other.pub_key)
    assert theirs.status == 200 and theirs.body["branding"] == {}
    other.make_app("shop")
    assert api.get(tenant.path("/public", "shop"), key=tenant.admin_key).status == 404
    # another tenant's admin key never sees this tenant's brand
    assert "Acme" not in str(api.get(tenant.path("/public"), key=other.admin_key).body)
    # and a publishable key may not change it
    r = api.patch(tenant.path(), key=tenant.pub_key, body={"branding": {"name": "Mine"}})
    assert r.status in (401, 403)


def test_emails_use_the_brand(api: Api, tenant: Tenant, runner: EventRunner) -> None:
    assert brand(api, tenant, NAVY).status == 200
    made = tenant.create("Branded emails", as_user="fan")
    follower = "fan-follows@example.com"
    r = api.put(
        tenant.path(f"/requests/{made['id']}/subscription"),
        key=tenant.pub_key,
        token=tenant.token("fan2", email=follower),
    )
    assert r.status in (200, 201), r.body
    current = api.get(tenant.path(f"/requests/{made['id']}"), key=tenant.admin_key)
    r = api.patch(
        tenant.path(f"/requests/{made['id']}"),
        key=tenant.admin_key,
        headers={"If-Match": current.headers["etag"]},
        body={"status": "planned"},
    )
    assert r.status == 200, r.body
    runner.drain()
    (message,) = sent_to(follower)
    assert "Acme Ideas ✨" in message["subject"] + message["text"]
    assert '<img src="https://cdn.example/acme.svg"' in message["html"]
    assert "border-bottom:3px solid #1a237e" in message["html"]
    assert 'style="color:#1a237e;">Unsubscribe' in message["html"]
