"""Everything of one user, found and forgotten."""

from __future__ import annotations

from typing import Any

from .keys import Keys
from .table import Table


class Privacy(Table):
    """Finds a user's items through ``byUser`` and their votes through their voted set;
    forgets them by deleting or anonymising."""

    def user_items(self, tenant: str, app: str, user: str) -> list[dict[str, Any]]:
        """Everything of one user in an app: what ``byUser`` holds, the voted set and the
        vote items it names (neither carries a ``uk`` any more, one index write less each;
        those written before that carry one and are found both ways, once)."""
        keys, cursor = [], None
        while True:
            found, cursor = self._query(
                Keys.user(tenant, app, user),
                index="byUser",
                partition_attr="uk",
                limit=500,
                cursor=cursor,
            )
            keys += [{"pk": i["pk"], "sk": i["sk"]} for i in found]
            if not cursor:
                break
        voted = self._get(Keys.voted(tenant, app, user)) or {}
        votes = [Keys.vote(tenant, app, request_id, user) for request_id in voted.get("ids", ())]
        seen = {(k["pk"], k["sk"]) for k in keys}
        keys += [k for k in votes if (k["pk"], k["sk"]) not in seen]
        items = self._batch_get(keys)
        if voted and (voted["pk"], voted["sk"]) not in seen:  # not in ``byUser`` since issue 12
            items.append(voted)
        opt_out = self._get(Keys.opt_out(tenant, app, user))
        return items + self._replays(tenant, app, user) + ([opt_out] if opt_out else [])

    def _replays(self, tenant: str, app: str, user: str) -> list[dict[str, Any]]:
        """The stored answers of the user's Idempotency-Keys (kept 24 h): they repeat what
        the user wrote, name and email too. Their keys begin with the user's id."""
        partition = Keys.idempotency(tenant, app, "")["pk"]
        found = self._query_all(partition, f"{user}#")
        return [i for i in found if i["sk"].rsplit("#", 1)[0] == user]  # not "user#x"'s

    def forget_item(self, item: dict[str, Any], anonymous: dict[str, str]) -> None:
        """Make one item no longer about its user: delete it, or strip who wrote it."""
        key = {"pk": item["pk"], "sk": item["sk"]}
        kind = item.get("type")
        if kind == "votedSet" and "bannedUntil" in item:  # the copy of a ban votes check
            self._call("update_item", **self._update_op(key, "REMOVE ids, uk")["Update"])
        elif kind in (
            "subscription",
            "unfollow",
            "movedVote",
            "optOut",
            "votedSet",
            "heldComment",
            "idempotency",
        ):
            self.transact([self._delete_op(key)])
        elif kind == "reactions":
            self.forget_reactions(item)  # type: ignore[attr-defined]  # Comments, in Store
        elif kind in ("comment", "request"):
            copies = [key]
            if kind == "request":
                tenant, app, _ = Keys.scope(item["pk"])
                board = item.get("board", "general")
                copies += [
                    Keys.request(tenant, app, item["id"], t, board) for t in item.get("tags", [])
                ]
            self.transact(
                [
                    self._update_op(
                        k, "SET author = :a REMOVE uk", {":a": anonymous}, "attribute_exists(pk)"
                    )
                    for k in copies
                ]
            )
        elif kind == "feedback":
            self.transact(
                [
                    self._update_op(
                        key,
                        "REMOVE uk, userId, #n, email",
                        None,
                        "attribute_exists(pk)",
                        {"#n": "name"},
                    )
                ]
            )
