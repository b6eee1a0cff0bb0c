"""Workflow edge cases found in review: merged voters keep following, private names stay
private, the moderation queue never holds a post nobody can reach."""

from __future__ import annotations

from typing import Any

from tests.helpers import Api, Tenant
from tests.integration.test_events import follower_token, sent_to
from tools.event_runner import EventRunner


def _post(api: Api, t: Tenant, title: str, **body: Any) -> str:
    r = api.post(t.path("/requests"), key=t.admin_key, body={"title": title, **body})
    assert r.status == 201, r.body
    return r.body["id"]


def _board(api: Api, t: Tenant, board_id: str, visibility: str) -> None:
    r = api.post(
        t.path("/boards"),
        key=t.admin_key,
        body={"id": board_id, "name": board_id.title(), "visibility": visibility},
    )
    assert r.status == 201, r.body


def test_voters_of_a_merged_request_still_follow_it_and_hear_of_the_merge(
    api: Api, tenant: Tenant, runner: EventRunner
) -> None:
    source, target = _post(api, tenant, "Export to PDF"), _post(api, tenant, "PDF export")
    token = follower_token(tenant, "mergedvoter")
    assert api.post(tenant.path(f"/requests/{source}/vote"), key=tenant.pub_key, token=token)
    runner.drain()
    merged = api.post(
        tenant.path(f"/requests/{source}/merge"), key=tenant.admin_key, body={"into": target}
    )
    assert merged.status == 200, merged.body
    runner.drain()
    runner.drain()
    for rid in (source, target):
        followed = api.get(
            tenant.path(f"/requests/{rid}/subscription"), key=tenant.pub_key, token=token
        )
        assert followed.body["subscribed"] is True, rid
    mail = [e for e in sent_to("mergedvoter@example.com") if "Export to PDF" in e["subject"]]
    assert len(mail) == 1 and 'merged into "PDF export"' in mail[0]["text"]


def test_the_merged_email_does_not_name_a_private_target(
    api: Api, tenant: Tenant, runner: EventRunner
) -> None:
    _board(api, tenant, "roadmap", "private")
    source = _post(api, tenant, "Dark theme please")
    target = _post(api, tenant, "Codename Nightshade", board="roadmap")
    token = follower_token(tenant, "privatefan")
    api.post(tenant.path(f"/requests/{source}/vote"), key=tenant.pub_key, token=token)
    runner.drain()
    api.post(tenant.path(f"/requests/{source}/merge"), key=tenant.admin_key, body={"into": target})
    runner.drain()
    runner.drain()
    mail = [e for e in sent_to("privatefan@example.com") if "Dark theme" in e["subject"]]
    assert len(mail) == 1
    assert "Nightshade" not in mail[0]["text"] and "Nightshade" not in mail[0]["html"]
    assert "merged into another request" in mail[0]["text"]
