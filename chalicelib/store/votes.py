"""Votes, the voter's set of voted requests, and follows (subscriptions)."""

from __future__ import annotations

import contextlib
from typing import Any

from ..records import FeatureRequest, Person, Vote
from .keys import Keys
from .requests import Requests
from .standing import NOT_BANNED
from .table import ConditionFailedError, Page


def _vote_record(item: dict[str, Any]) -> Vote:
    return Vote(Person.from_dict(item["user"]), item["createdAt"], item.get("origin"))


OPEN = "attribute_not_exists(merging) AND attribute_not_exists(gone)"  # a counter taking votes


class Votes(Requests):
    """A vote is one transaction: the conditional vote item, the request's small counter and
    the voter's set. The request item and its tag copies are not written: the stream
    re-orders them from the counter (``reorder``). A vote is also a follow, with no item
    of its own: the followers are the voters and the followers by choice, less those who
    unfollowed after voting (an ``unfollow`` item in the follow's place, with its time)."""

    # ------------------------------------------------------------ votes

    @staticmethod
    def _subscription(req: FeatureRequest, person: Person) -> dict[str, Any]:
        return {
            **Keys.subscription(req.tenant, req.app, req.id, person.id),
            "type": "subscription",
            "user": person.to_dict(),
            "uk": Keys.user(req.tenant, req.app, person.id),
        }

    def _subscription_op(self, req: FeatureRequest, person: Person) -> dict[str, Any]:
        return self._put_op(self._subscription(req, person))

    def _voted_op(
        self,
        tenant: str,
        app: str,
        user: str,
        request_ids: list[str],
        add: bool,
        unbanned_at: int | None = None,
    ) -> dict[str, Any]:
        """Add request ids to (or take them from) a user's voted set, in a transaction that
        makes or deletes the vote items themselves; with ``unbanned_at`` (now), only if the
        user is not banned then (the set keeps a copy of the ban: see standing.py)."""
        action = "ADD" if add else "DELETE"
        values = {":type": "votedSet", ":ids": set(request_ids)}  # no ``uk``: found by its key
        if unbanned_at is not None:
            values[":now"] = unbanned_at
        return self._update_op(
            Keys.voted(tenant, app, user),
            f"SET #type = :type {action} ids :ids",
            values,
            NOT_BANNED if unbanned_at is not None else None,
            names={"#type": "type"},
        )

    def add_vote(self, req: FeatureRequest, voter: Person, now_ms: int) -> None:
        """Raises ConditionFailedError; ``failed_at(0)`` means the user had already voted,
        ``failed_at(1)`` that a merge of the request began (or it was deleted) since it was
        read, ``failed_at(2)`` (the voted set) that the user is banned."""
        vote = {
            **Keys.vote(req.tenant, req.app, req.id, voter.id),
            "type": "vote",
            "user": voter.to_dict(),
            "createdAt": now_ms,
        }  # no ``uk``: the voter's votes are found from the voted set (``Privacy``)
        self.transact(
            [
                self._put_op(vote, "attribute_not_exists(pk)"),
                self._count_op(req, 1, OPEN),
                self._voted_op(req.tenant, req.app, voter.id, [req.id], True, now_ms),
            ]
        )

    def remove_vote(self, req: FeatureRequest, voter_id: str) -> None:
        """Raises ConditionFailedError; ``failed_at(0)`` means there was no vote."""
        self.transact(
            [
                self._delete_op(
                    Keys.vote(req.tenant, req.app, req.id, voter_id), "attribute_exists(pk)"
                ),
                self._count_op(req, -1, OPEN),
                self._voted_op(req.tenant, req.app, voter_id, [req.id], add=False),
            ]
        )

    def voted(self, tenant: str, app: str, request_ids: list[str], user: str) -> set[str]:
        """Which of ``request_ids`` the user voted for: one read, however many. One request:
        its vote item; more: the user's voted set (a page of 20 would be 20 vote items).
        A merged request keeps its voters' ids (a duplicate has no votes left to show)."""
        if not request_ids:
            return set()
        if len(request_ids) == 1:
            found = self._get(Keys.vote(tenant, app, request_ids[0], user))
            return set(request_ids) if found else set()
        found = self._get(Keys.voted(tenant, app, user)) or {}
        return set(request_ids) & set(found.get("ids", ()))

    def list_voters(self, req: FeatureRequest, limit: int, cursor: str | None) -> Page:
        items, next_cursor = self._query(
            Keys.request_children(req.tenant, req.app, req.id),
            prefix="V#",
            limit=limit,
            cursor=cursor,
        )
        return Page([_vote_record(i) for i in items], next_cursor)

    # ------------------------------------------------------------ subscriptions

    def subscribe(self, req: FeatureRequest, person: Person) -> None:
        self.transact([self._subscription_op(req, person)])

    def keep_following(self, req: FeatureRequest, person: Person) -> None:
        """After an unvote: the follow the vote implied stays, unless the user unfollowed
        (or follows by choice) already."""
        with contextlib.suppress(ConditionFailedError):
            self._put(self._subscription(req, person), "attribute_not_exists(pk)")

    def unsubscribe(self, req: FeatureRequest, user_id: str, now_ms: int) -> None:
        """An ``unfollow`` in the follow's place: it also outweighs the user's earlier vote."""
        unfollow = {
            **Keys.subscription(req.tenant, req.app, req.id, user_id),
            "type": "unfollow",
            "at": now_ms,
            "uk": Keys.user(req.tenant, req.app, user_id),
        }
        self.transact([self._put_op(unfollow)])

    def is_subscribed(self, req: FeatureRequest, user_id: str) -> bool:
        """One BatchGetItem: the follow (or unfollow) and the vote, kept or moved by a merge."""
        keys = [
            Keys.subscription(req.tenant, req.app, req.id, user_id),
            Keys.vote(req.tenant, req.app, req.id, user_id),
            Keys.vote(req.tenant, req.app, req.id, user_id, moved=True),
        ]
        found = {i["sk"][:2]: i for i in self._batch_get(keys)}
        return _follows(found.get("S#"), found.get("V#") or found.get("M#"))

    def followers(self, tenant: str, app: str, request_id: str) -> list[Person]:
        """The followers by choice and the voters, less those who unfollowed since."""
        return [person for person, _ in self.followers_voted(tenant, app, request_id)]

    def followers_voted(self, tenant: str, app: str, request_id: str) -> list[tuple[Person, bool]]:
        """``followers``, each with whether they voted for the request (emails word a merge
        by it). A merge turns a voter's vote into a moved vote (``M#``): they still follow
        the merged request, and voted for it."""
        children = Keys.request_children(tenant, app, request_id)
        follows = {i["sk"][2:]: i for i in self._query_all(children, "S#")}
        votes = {i["sk"][2:]: i for p in ("M#", "V#") for i in self._query_all(children, p)}
        people = []
        for user in dict.fromkeys([*follows, *votes]):
            follow, vote = follows.get(user), votes.get(user)
            if _follows(follow, vote):
                by_choice = follow is not None and follow.get("type") == "subscription"
                person = Person.from_dict((follow if by_choice else vote)["user"])
                people.append((person, vote is not None))
        return people


def _follows(follow: dict[str, Any] | None, vote: dict[str, Any] | None) -> bool:
    """Followed by choice, or voted and not unfollowed since."""
    if follow is not None and follow.get("type") == "subscription":
        return True
    if vote is None:
        return False
    return follow is None or int(vote["createdAt"]) > int(follow.get("at", 0))
