"""Data from before statuses and boards: items written the old way, loaded from a `.local/`
snapshot, read and listed with no re-keying."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from boto3.dynamodb.types import TypeSerializer

from tests.helpers import Api, Tenant
from tools.snapshot import Snapshot, read_snapshot, restore_items, write_snapshot

OLD_ID = "01JOLDREQUEST0000000000001"


def _old_request(tenant: str, tag: str | None = None) -> dict[str, Any]:
    """A request item exactly as the code before boards wrote it (no ``board``)."""
    base = f"T#{tenant}#A#web"
    part = f"{base}#TAG#{tag}" if tag else f"{base}#REQS"
    created = int(time.time() * 1000) - 86_400_000
    item = {
        "pk": part,
        "sk": f"R#{OLD_ID}",
        "lk": f"{part}#ST#planned",
        "top": 2 * 10**13 + created,
        "type": "request",
        "id": OLD_ID,
        "appId": "web",
        "title": "Written before boards",
        "status": "planned",
        "priority": "medium",
        "tags": ["ui"],
        "votes": 2,
        "commentCount": 0,
        "author": {"id": "u-old", "name": "Old"},
        "createdAt": created,
        "updatedAt": created,
        "version": 1,
    }
    if tag is None:
        item |= {"description": "from an old snapshot", "uk": f"{base}#U#u-old"}
    return item


def test_an_old_snapshot_loads_lists_and_moves(api: Api, tenant: Tenant, tmp_path: Path) -> None:
    from chalicelib.context import get_context
    from chalicelib.store import Keys

    ctx = get_context()
    app_item = ctx.store._get(Keys.app(tenant.id, "web"))
    assert "statuses" not in app_item and "boards" not in app_item  # as old code wrote it
    ser = TypeSerializer()
    items = [
        {k: ser.serialize(v) for k, v in _old_request(tenant.id, tag).items()}
        for tag in (None, "ui")
    ]
    path = tmp_path / "table.jsonl"
    path.write_text("".join(json.dumps(i) + "\n" for i in items))  # bare items, as of old
    write_snapshot(tmp_path / "copy.jsonl", Snapshot(items=read_snapshot(path).items))
    restored, skipped = restore_items(
        ctx.settings.table_name, read_snapshot(tmp_path / "copy.jsonl").items
    )
    assert (restored, skipped) == (2, 0)

    app = api.get(tenant.path(), key=tenant.admin_key).body
    assert len(app["statuses"]) == 7 and [b["id"] for b in app["boards"]] == ["general"]
    got = api.get(tenant.path(f"/requests/{OLD_ID}"), key=tenant.pub_key).body
    assert (got["board"], got["status"], got["votes"]) == ("general", "planned", 2)
    for query in ("", "?sort=top", "?status=planned", "?tag=ui", "?board=general&tag=ui&sort=top"):
        listed = api.get(tenant.path(f"/requests{query}"), key=tenant.pub_key).body["items"]
        assert [i["id"] for i in listed] == [OLD_ID], query

    api.post(tenant.path("/boards"), key=tenant.admin_key, body={"id": "later", "name": "Later"})
    moved = api.patch(
        tenant.path(f"/requests/{OLD_ID}"), key=tenant.admin_key, body={"board": "later"}
    )
    assert moved.status == 200 and moved.body["votes"] == 2
    assert api.get(tenant.path("/requests?tag=ui"), key=tenant.pub_key).body["items"] == []
    back = api.patch(
        tenant.path(f"/requests/{OLD_ID}"), key=tenant.admin_key, body={"board": "general"}
    )
    assert back.status == 200
    listed = api.get(tenant.path("/requests?status=planned"), key=tenant.pub_key).body["items"]
    assert [i["id"] for i in listed] == [OLD_ID]
    vote = api.post(
        tenant.path(f"/requests/{OLD_ID}/vote"), key=tenant.pub_key, token=tenant.token("new-v")
    )
    assert vote.status == 200 and vote.body["votes"] == 3
