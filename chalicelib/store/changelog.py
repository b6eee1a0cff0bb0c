"""Changelog entries: drafts the team edits, published ones everybody reads.

An entry is one item in its app's ``CL`` partition. It sits in one of two lists on
``byStatusTop``: drafts by creation time, published entries by publishing time, so each list
is one Query (keys only) and one batch read, newest first. Only a draft may change; publishing moves it to the other list.
"""

from __future__ import annotations

from typing import Any

from ..records import ChangelogEntry
from .codec import _to_ddb, _values
from .keys import Keys
from .table import Page, Table, _readable

DRAFT, PUBLISHED = "draft", "published"
STILL_DRAFT = "version = :v AND attribute_not_exists(publishedAt)"  # a draft has no publishedAt


def _entry_item(entry: ChangelogEntry) -> dict[str, Any]:
    return {
        **Keys.changelog(entry.tenant, entry.app, entry.id),
        "lk": Keys.changelog_list(entry.tenant, entry.app, entry.status),
        "top": entry.published_ms if entry.status == PUBLISHED else entry.created_ms,
        "type": "changelog",
        "id": entry.id,
        "appId": entry.app,
        "title": entry.title,
        "body": entry.body,
        "html": entry.html,
        "requestIds": list(entry.request_ids),
        "completeLinked": entry.complete_linked,
        "status": entry.status,
        "createdAt": entry.created_ms,
        "updatedAt": entry.updated_ms,
        "publishedAt": entry.published_ms,
        "version": entry.version,
    }


def _entry_record(tenant: str, item: dict[str, Any]) -> ChangelogEntry:
    return ChangelogEntry(
        tenant=tenant,
        app=item["appId"],
        id=item["id"],
        title=item["title"],
        body=item["body"],
        html=item["html"],
        created_ms=item["createdAt"],
        updated_ms=item["updatedAt"],
        request_ids=tuple(item.get("requestIds", ())),
        complete_linked=bool(item.get("completeLinked")),
        status=item["status"],
        published_ms=item.get("publishedAt"),
        version=item["version"],
    )


class Changelog(Table):
    """Create, read, list, change and publish entries; every change is conditional."""

    def create_entry(self, entry: ChangelogEntry) -> None:
        self._put(_entry_item(entry), "attribute_not_exists(pk)")

    def get_entry(self, tenant: str, app: str, entry_id: str) -> ChangelogEntry | None:
        item = self._get(Keys.changelog(tenant, app, entry_id), consistent=True)
        return _entry_record(tenant, item) if item else None

    def replace_entry(self, old: ChangelogEntry, new: ChangelogEntry) -> None:
        """Write ``new`` while ``old`` is the current draft (else ConditionFailedError)."""
        self._conditional_put(_entry_item(new), STILL_DRAFT, {":v": old.version})

    def delete_entry(self, entry: ChangelogEntry) -> None:
        self._call(
            "delete_item",
            TableName=self.table,
            Key=_to_ddb(Keys.changelog(entry.tenant, entry.app, entry.id)),
            ConditionExpression=STILL_DRAFT,
            ExpressionAttributeValues=_values({":v": entry.version}),
        )

    def list_entries(
        self, tenant: str, app: str, status: str, limit: int, cursor: str | None
    ) -> Page:
        items, next_cursor = self._query(
            Keys.changelog_list(tenant, app, status),
            index="byStatusTop",
            partition_attr="lk",
            forward=False,
            limit=limit,
            cursor=cursor,
        )
        # the index projects keys only: the entries themselves come in one batch read, in order
        found = {
            i["sk"]: i for i in self._batch_get([{"pk": i["pk"], "sk": i["sk"]} for i in items])
        }
        ordered = [found[i["sk"]] for i in items if i["sk"] in found]
        return Page(_readable(ordered, lambda i: _entry_record(tenant, i)), next_cursor)
