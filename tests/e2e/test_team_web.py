"""The team in the console, in Chromium: invite, sign in from the emailed link or its code,
and a moderator's console that shows no button a moderator may not press."""

from __future__ import annotations

import re
from typing import Any

from tests.e2e.test_local_stack import manage
from tests.e2e.test_web import PATIENCE_MS, browser, page, shot, sign_in, site  # noqa: F401
from tests.helpers import unique
from tests.idp import CLIENT_ID, Provider
from tests.team import emailed_text, emailed_token


def _member_page(browser: Any) -> Any:  # noqa: F811
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    context.set_default_timeout(PATIENCE_MS)
    found = context.new_page()
    found.errors = []
    found.on("pageerror", lambda e: found.errors.append(str(e)))
    return found


def test_invite_then_sign_in_from_the_emailed_link_as_a_moderator(
    page: Any,  # noqa: F811
    browser: Any,  # noqa: F811
    site: dict[str, Any],  # noqa: F811
) -> None:
    endpoint, address = site["awsEndpointUrl"], f"mod-{unique()}@example.com"
    sign_in(page, site, "team")
    page.fill("#invite-email", address)
    page.select_option("#invite-role", "moderator")
    page.click("#invite-form button[type=submit]")
    page.wait_for_selector(f"tbody tr[data-email='{address}'] >> text=Invited")
    shot(page, "console-team")

    link = re.search(r"Sign in: (\S+)", emailed_text(address, endpoint)).group(1)
    assert link.startswith(f"{site['site']}/admin/#signin=fr_signin_demo_")
    mod = _member_page(browser)
    mod.goto(link)
    mod.wait_for_selector("#nav:not([hidden])")
    assert "signin" not in mod.url, "the one-time token is wiped from the address bar"
    mod.wait_for_selector("#who >> text=moderator")

    mod.wait_for_selector("tbody tr select")  # triage: statuses, answers, merges
    row = mod.locator("tbody tr", has_text="Time tracking")
    assert row.get_by_role("button", name="Respond").count() == 1
    assert mod.get_by_role("button", name="Delete").count() == 0
    shot(mod, "console-moderator-triage")
    for tab in ("webhooks", "export"):
        assert mod.locator(f"#nav a[data-tab={tab}]").is_hidden()
    mod.goto(f"{site['site']}/admin/#/apps")
    mod.wait_for_selector("h2 >> text=Apps")
    assert mod.get_by_role("button", name="Rotate keys").count() == 0
    assert mod.get_by_role("button", name="Create app").count() == 0
    mod.goto(f"{site['site']}/admin/#/team")
    mod.wait_for_selector(f"tbody tr[data-email='{address}']")
    assert mod.locator("#invite-form").count() == 0
    assert mod.locator("tbody select").count() == 0
    assert mod.get_by_role("button", name="Remove").count() == 0

    session = mod.evaluate("sessionStorage.getItem('fb-admin-key')")
    assert site["http"].get("/v1/session", key=session).body["role"] == "moderator"
    mod.click("#sign-out")
    mod.wait_for_selector("#signin-email")
    assert site["http"].get("/v1/session", key=session).status == 401
    again = _member_page(browser)
    again.goto(link)
    again.wait_for_selector("#messages >> text=used already or has expired")
    assert not mod.errors and not again.errors and not page.errors


def test_sign_in_by_email_and_the_code(browser: Any, site: dict[str, Any]) -> None:  # noqa: F811
    endpoint, address = site["awsEndpointUrl"], f"viewer-{unique()}@example.com"
    added = site["http"].post(
        "/v1/members", key=site["adminKey"], body={"email": address, "role": "viewer"}
    )
    assert added.status == 201, added.body
    viewer = _member_page(browser)
    viewer.goto(f"{site['site']}/admin/")
    viewer.fill("#signin-tenant", "demo")
    viewer.fill("#signin-email", address)
    viewer.click("#signin-email-form button[type=submit]")
    viewer.wait_for_selector("#messages >> text=sign-in link is in its inbox")
    viewer.fill("#signin-code", emailed_token(address, endpoint))
    viewer.click("#signin-code-form button[type=submit]")
    viewer.wait_for_selector("#nav:not([hidden])")
    viewer.wait_for_selector("tbody tr")
    assert viewer.locator("tbody select").count() == 0, "a viewer reads only"
    assert viewer.get_by_role("button").filter(has_text=re.compile("Respond|Merge")).count() == 0
    shot(viewer, "console-viewer-triage")
    assert not viewer.errors


def test_sign_in_with_the_identity_provider(browser: Any, site: dict[str, Any]) -> None:  # noqa: F811
    provider, console = Provider(), f"{site['site']}/admin/"
    try:
        made = manage(
            site["folder"],
            *("tenant", "oidc", "demo", "--issuer", provider.issuer),
            *("--client-id", CLIENT_ID, "--redirect-uri", console),
        )
        assert made.returncode == 0, made.stderr
        provider.next_email = f"sso-{unique()}@example.com"
        added = site["http"].post(
            "/v1/members",
            key=site["adminKey"],
            body={"email": provider.next_email, "role": "admin"},
        )
        assert added.status == 201, added.body
        member = _member_page(browser)
        member.goto(console)
        member.fill("#signin-tenant", "demo")
        member.click("#signin-provider")
        member.wait_for_selector("#who >> text=admin")
        assert "code=" not in member.url and "state=" not in member.url
        assert not member.errors
    finally:
        manage(site["folder"], "tenant", "oidc", "demo")
        provider.server.shutdown()
