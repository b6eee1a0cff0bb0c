"""Issues in other trackers linked to requests: the link under its request, and an index item
by the issue's reference so a tracker's webhook finds the request in one read."""

from __future__ import annotations

from typing import Any

from ..records import FeatureRequest
from .keys import Keys
from .table import Table


def ref_of(provider: str, repo: str, number: int) -> str:
    return f"{provider}#{repo}#{number}"


class Links(Table):
    def add_link(self, req: FeatureRequest, link: dict[str, Any]) -> None:
        ref = ref_of(link["provider"], link["repo"], link["number"])
        self.transact(
            [
                self._put_op(
                    {**Keys.link(req.tenant, req.app, req.id, ref), "type": "link", **link}
                ),
                self._put_op({**Keys.linked(req.tenant, req.app, ref), "requestId": req.id}),
            ]
        )

    def links_of(self, req: FeatureRequest) -> list[dict[str, Any]]:
        items = self._query_all(Keys.request_children(req.tenant, req.app, req.id), "L#")
        return [{k: i[k] for k in ("provider", "repo", "url", "number", "state")} for i in items]

    def linked_request(self, tenant: str, app: str, ref: str) -> str | None:
        item = self._get(Keys.linked(tenant, app, ref))
        return item["requestId"] if item else None

    def set_link_state(self, tenant: str, app: str, request_id: str, ref: str, state: str) -> None:
        self._call(
            "update_item",
            **self._update_op(
                Keys.link(tenant, app, request_id, ref),
                "SET #s = :s",
                {":s": state},
                "attribute_exists(pk)",
                {"#s": "state"},
            )["Update"],
        )
