"""Merging a request into another and undoing it, a chunk of voters per transaction, each
step conditional so that a rerun or a race counts every voter once."""

from __future__ import annotations

from typing import Any

from ..records import FeatureRequest
from .codec import _values
from .keys import Keys
from .votes import Votes

MOVE_CHUNK = 15  # voters a merge moves per transaction: 15 x 4 items + 2 counters < 100
STEP = "merging = :step"  # the source's counter: still in the step that this chunk belongs to


class Merges(Votes):
    """The merge state on both requests and the moves of their votes."""

    def _incoming_op(
        self,
        source_id: str,
        target: FeatureRequest,
        add: bool,
        idle: bool = False,
        unmerged: bool = False,
    ) -> dict[str, Any]:
        """``source_id`` into (or out of) the set of merges under way into ``target``, which
        must exist (with ``idle``, in no merge of its own; with ``unmerged``, not merged)."""
        condition, values, names = "attribute_exists(pk)", {":ids": {source_id}}, None
        if idle:
            condition += " AND attribute_not_exists(mergeStep)"
        if unmerged:
            condition += " AND #status <> :dup"
            values[":dup"], names = "duplicate", {"#status": "status"}
        return self._update_op(
            Keys.request(target.tenant, target.app, target.id, board=target.board),
            f"{'ADD' if add else 'DELETE'} mergesIn :ids",
            values,
            condition,
            names,
        )

    def begin_merge(self, old: FeatureRequest, new: FeatureRequest, target: FeatureRequest) -> None:
        """``old`` becomes ``new`` (``merging`` into ``target``) and the target records it, at
        once. The source must not be a running merge's target; the target must be neither
        merged nor merging. A concurrent merge, unmerge or delete makes one of them lose."""
        self.update_request(
            old,
            new,
            condition="attribute_not_exists(mergesIn)",
            also=[
                self._incoming_op(new.id, target, add=True, idle=True, unmerged=True),
                self._step_op(old, "merging"),
            ],
        )

    def begin_unmerge(
        self, old: FeatureRequest, new: FeatureRequest, target: FeatureRequest | None
    ) -> None:
        """``old`` becomes ``new`` (``unmerging``); the target, if it still exists, records it
        (so it is neither merged away nor deleted while its copies of the votes leave)."""
        also = [self._step_op(old, "unmerging")]
        if target is not None:
            also.append(self._incoming_op(new.id, target, add=True, idle=True))
        self.update_request(old, new, also=also)

    def end_merge(
        self, old: FeatureRequest, new: FeatureRequest, target: FeatureRequest | None
    ) -> None:
        """The last step of a merge or unmerge: ``old`` becomes ``new`` (its merge state
        cleared) and leaves the target's set of merges under way, at once."""
        also = [self._step_op(old, None)]
        if target is not None:
            also.append(self._incoming_op(new.id, target, add=False))
        self.update_request(old, new, also=also)

    def _votes_of(self, req: FeatureRequest | None, users: list[str]) -> dict[str, dict[str, Any]]:
        """The votes these users have on ``req`` (strongly consistent), by user."""
        if req is None:
            return {}
        keys = [Keys.vote(req.tenant, req.app, req.id, u) for u in users]
        return {i["sk"][2:]: i for i in self._batch_get(keys, consistent=True)}

    def _first_votes(self, req: FeatureRequest, moved: bool) -> list[dict[str, Any]]:
        """Up to ``MOVE_CHUNK`` of the votes still on ``req`` (or moved away from it)."""
        children = Keys.request_children(req.tenant, req.app, req.id)
        prefix = "M#" if moved else "V#"
        return self._query(children, prefix=prefix, limit=MOVE_CHUNK, consistent=True)[0]

    def move_votes_chunk(self, source: FeatureRequest, target: FeatureRequest) -> int:
        """Move up to ``MOVE_CHUNK`` voters of ``source`` to ``target`` in one transaction;
        0 when none are left.

        ``source`` must be as just read: its counter must still be in the ``merging`` step.
        Each voter's ``V#`` on the source must still exist and becomes an
        ``M#`` that remembers whether it made the target's vote; the target gets a ``V#``
        unless the user has one there, which must then still exist. So a chunk that raced a
        vote, an unvote, an unmerge or another run of the same merge fails whole, and run
        again on fresh reads it moves each remaining voter exactly once.
        """
        chunk = self._first_votes(source, moved=False)
        if not chunk:
            return 0
        users = [i["sk"][2:] for i in chunk]
        has = self._votes_of(target, users)
        ops, created = [], 0
        for item, user in zip(chunk, users, strict=True):
            on_target = Keys.vote(target.tenant, target.app, target.id, user)
            ops.append(
                self._delete_op(
                    Keys.vote(source.tenant, source.app, source.id, user), "attribute_exists(pk)"
                )
            )
            ops.append(
                self._put_op(
                    {
                        **Keys.vote(source.tenant, source.app, source.id, user, moved=True),
                        "type": "movedVote",
                        "user": item["user"],
                        "createdAt": item["createdAt"],
                        "origin": item.get("origin"),
                        "movedTo": target.id,
                        "createdOnTarget": user not in has,
                        "uk": Keys.user(source.tenant, source.app, user),
                    }
                )
            )
            if user in has:
                ops.append(self._check_op(on_target, "attribute_exists(pk)"))
                continue
            created += 1
            ops.append(
                self._put_op(
                    {
                        **on_target,
                        "type": "vote",
                        "user": item["user"],
                        "createdAt": item["createdAt"],
                        "origin": source.id,
                    },
                    "attribute_not_exists(pk)",
                )
            )
            ops.append(self._voted_op(target.tenant, target.app, user, [target.id], add=True))
        ops.append(self._count_op(source, -len(chunk), STEP, {":step": "merging"}))
        if created:
            ops.append(self._count_op(target, created, "attribute_not_exists(gone)"))
        self.transact(ops)
        return len(chunk)

    def restore_votes_chunk(self, source: FeatureRequest, target: FeatureRequest | None) -> int:
        """Undo ``move_votes_chunk`` for up to ``MOVE_CHUNK`` voters in one transaction; 0
        when none are left. Each ``M#`` becomes the source's ``V#`` again, and the copy it
        made leaves the target if it is still there (a target deleted since took its copies
        with it). Conditional like the move, so a rerun restores each voter exactly once."""
        chunk = self._first_votes(source, moved=True)
        if not chunk:
            return 0
        users = [i["sk"][2:] for i in chunk]
        on_target = self._votes_of(target, users)
        ops, removed = [], 0
        for item, user in zip(chunk, users, strict=True):
            ops.append(
                self._delete_op(
                    Keys.vote(source.tenant, source.app, source.id, user, moved=True),
                    "attribute_exists(pk)",
                )
            )
            ops.append(
                self._put_op(
                    {
                        **Keys.vote(source.tenant, source.app, source.id, user),
                        "type": "vote",
                        "user": item["user"],
                        "createdAt": item["createdAt"],
                        "origin": item.get("origin"),
                    },
                    "attribute_not_exists(pk)",
                )
            )
            copy = on_target.get(user)
            if target and item.get("createdOnTarget") and copy and copy.get("origin") == source.id:
                removed += 1
                delete = self._delete_op(
                    Keys.vote(target.tenant, target.app, target.id, user), "origin = :o"
                )
                delete["Delete"]["ExpressionAttributeValues"] = _values({":o": source.id})
                ops.append(delete)
                ops.append(self._voted_op(target.tenant, target.app, user, [target.id], add=False))
        ops.append(self._count_op(source, len(chunk), STEP, {":step": "unmerging"}))
        if target and removed:
            ops.append(self._count_op(target, -removed, "attribute_not_exists(gone)"))
        self.transact(ops)
        return len(chunk)
