"""Moving a request to another board, and finishing a move that stopped between its two writes."""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import suppress
from typing import Any

from ..records import FeatureRequest
from .keys import Keys
from .request_items import _request_item, _request_record
from .standing import Standing
from .table import ConditionFailedError


class RequestMoves(Standing):
    """A request's board is in its keys, so a move writes its items anew on the other board;
    its counter names the board, so a read by id finds it whichever it is on."""

    def _board_op(self, req: FeatureRequest, left_on: str | None = None) -> dict[str, Any]:
        """Name the request's board on its counter: where a read by id finds it; with
        ``left_on``, also the board a move is leaving, until its old items are deleted."""
        values = {":type": "counter", ":b": req.board}
        expression = "SET #type = :type, board = :b"
        if left_on:
            expression += ", leftOn = :l"
            values[":l"] = left_on
        return self._update_op(
            Keys.counter(req.tenant, req.app, req.id), expression, values, names={"#type": "type"}
        )

    def _leftover_ops(self, old: FeatureRequest) -> list[dict[str, Any]]:
        """Delete a move's old items on ``old.board``: the main one only while it is still
        marked ``movedTo`` (so never a request moved back meanwhile), and its tag copies."""
        main = Keys.request(old.tenant, old.app, old.id, board=old.board)
        copies = [Keys.request(old.tenant, old.app, old.id, t, old.board) for t in old.tags]
        return [
            self._delete_op(main, "attribute_exists(movedTo)"),
            *[self._delete_op(k) for k in copies],
        ]

    def _drop_leftovers(self, tenant: str, items: Iterable[dict[str, Any]]) -> None:
        """Delete the old items of moves that stopped between their two writes (``items``
        are their main items, marked ``movedTo``); one a concurrent call deleted is skipped."""
        for item in items:
            with suppress(ConditionFailedError):
                self.transact(self._leftover_ops(_request_record(tenant, item)))

    def finish_move(self, req: FeatureRequest) -> None:
        """Complete a move of ``req`` that stopped between its two writes: delete what it
        left on ``req.left_on`` and take the mark off the counter (a repeat does nothing)."""
        if not req.left_on:
            return
        board = req.left_on
        item = self._get(Keys.request(req.tenant, req.app, req.id, board=board), True)
        ops = self._leftover_ops(_request_record(req.tenant, item)) if item else []
        if item and "movedTo" not in item:
            ops = []  # not a leftover (cannot be while the counter names another board)
        with suppress(ConditionFailedError):  # finished, or moved again, meanwhile
            self.transact([*ops, self._unmark_op(req, board)])

    def _unmark_op(self, req: FeatureRequest, board: str) -> dict[str, Any]:
        """Take ``board`` off the counter as the board a move left items on."""
        return self._update_op(
            Keys.counter(req.tenant, req.app, req.id),
            "REMOVE leftOn",
            {":l": board},
            "leftOn = :l",
        )

    def move_request(self, old: FeatureRequest, new: FeatureRequest) -> None:
        """Move ``old`` to ``new.board`` (nothing else changes): first the new items beside
        the old, the old marked ``movedTo`` and the counter naming the new board and the one
        left (``leftOn``), in one transaction (the stream makes one ``request.updated`` of
        it); then the old items go and the counter's mark with them. A move that stopped
        between the two is finished first (``finish_move``): moving back would find its old
        item in the way. Not while a merge from or into it is under way
        (ConditionFailedError)."""
        self.finish_move(old)
        main = Keys.request(old.tenant, old.app, old.id, board=old.board)
        comments = (  # a comment counted since the read would be lost with the old item
            "commentCount = :cc"
            if old.comment_count
            else "(attribute_not_exists(commentCount) OR commentCount = :cc)"
        )
        ops = [
            self._update_op(
                main,
                "SET movedTo = :b",
                {":b": new.board, ":v": old.version, ":cc": old.comment_count},
                "version = :v AND attribute_not_exists(movedTo) AND attribute_not_exists(mergeStep)"
                f" AND attribute_not_exists(mergesIn) AND {comments}",
            ),
            self._put_op(
                {**_request_item(new), "movedFrom": old.board}, "attribute_not_exists(pk)"
            ),
            self._board_op(new, left_on=old.board),
        ]
        ops += [self._put_op(_request_item(new, tag)) for tag in new.tags]
        self.transact(ops)
        with suppress(ConditionFailedError):  # a later move or a repair finished it meanwhile
            self.transact([*self._leftover_ops(old), self._unmark_op(old, old.board)])
