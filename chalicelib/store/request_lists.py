"""Lists of requests: a page is one Query on the index built for its filters; reads board by board."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from ..records import FeatureRequest
from .keys import Keys
from .request_items import GENERAL, _records
from .request_moves import RequestMoves
from .table import Page


class RequestLists(RequestMoves):
    """Every list the API offers, each one Query (and one BatchGetItem for the items an
    index or a tag's copies do not hold); what an unfinished move left is dropped on the way."""

    def board_ids(self, tenant: str, app: str) -> list[str]:
        """The ids of an app's boards, ``general`` first (read from the app's item)."""
        item = self._get(Keys.app(tenant, app)) or {}
        others = [b["id"] for b in item.get("boards") or () if b["id"] != GENERAL]
        return [GENERAL, *others]

    def iter_requests(
        self, tenant: str, app: str, page_size: int = 200, boards: Iterable[str] | None = None
    ) -> Iterator[FeatureRequest]:
        """Every request of these boards (all of the app's by default), board by board,
        newest first, one page in memory at a time."""
        for board in self.board_ids(tenant, app) if boards is None else boards:
            cursor = None
            while True:
                items, cursor = self._query(
                    Keys.requests(tenant, app, board=board),
                    forward=False,
                    limit=page_size,
                    cursor=cursor,
                )
                yield from _records(tenant, items)
                if not cursor:
                    break

    def list_requests(
        self,
        tenant: str,
        app: str,
        *,
        status: str | None,
        tag: str | None,
        sort: str,
        limit: int,
        cursor: str | None,
        viewer: str | None = None,
        board: str = GENERAL,
    ) -> Page:
        """One Query, on the index built for this combination of filters; from an index or
        a tag's copies, one BatchGetItem more for the requests themselves, which also reads
        the ``viewer``'s voted set (so a page stays within four calls, auth included)."""
        if status:
            partition = Keys.status_list(tenant, app, status, tag, board)
            index = "byStatusTop" if sort == "top" else "byStatus"
            attr = "lk"
        else:
            partition = Keys.requests(tenant, app, tag, board)
            index = "byTop" if sort == "top" else None
            attr = "pk"
        items, next_cursor = self._query(
            partition, index=index, partition_attr=attr, forward=False, limit=limit, cursor=cursor
        )
        also = [Keys.voted(tenant, app, viewer)] if viewer and items else []
        if index or tag:
            # the list indexes project keys only and tag copies hold no description, so a
            # vote's re-order writes small items: the page's requests come from here
            ids = [Keys.request_id(i["sk"]) for i in items]
            items, sets = self._request_items(tenant, app, ids, also, board)
        else:
            sets = [found for found in map(self._get, also) if found]
        voted = frozenset(sets[0].get("ids", ())) if sets else frozenset()
        return Page(_records(tenant, items), next_cursor, voted if viewer else None)

    def with_status(
        self, tenant: str, app: str, status: str, boards: Iterable[str], limit: int
    ) -> list[FeatureRequest]:
        """Up to ``limit`` requests in ``status``, from each board's status list."""
        return self._board_by_board(
            tenant, app, boards, limit, lambda b: Keys.status_list(tenant, app, status, board=b)
        )

    def with_tag(
        self, tenant: str, app: str, tag: str, boards: Iterable[str], limit: int
    ) -> list[FeatureRequest]:
        """Up to ``limit`` listed requests that have ``tag``, from each board's copies of it
        (a request awaiting moderation has no copies yet)."""
        return self._board_by_board(
            tenant, app, boards, limit, lambda b: Keys.requests(tenant, app, tag, b), index=None
        )

    def _board_by_board(
        self,
        tenant: str,
        app: str,
        boards: Iterable[str],
        limit: int,
        partition: Callable[[str], str],
        index: str | None = "byStatus",
    ) -> list[FeatureRequest]:
        """Up to ``limit`` requests of one list per board, board by board: per board that has
        any, one Query and one BatchGetItem."""
        found: list[FeatureRequest] = []
        for board in boards:
            cursor = None
            while len(found) < limit:
                items, cursor = self._query(
                    partition(board),
                    index=index,
                    partition_attr="lk" if index else "pk",
                    limit=limit - len(found),
                    cursor=cursor,
                )
                ids = [Keys.request_id(i["sk"]) for i in items]
                read = self._request_items(tenant, app, ids, board=board)[0] if ids else []
                live = [i for i in read if "movedTo" not in i]
                self._drop_leftovers(tenant, (i for i in read if "movedTo" in i))
                found += _records(tenant, live)
                if not cursor or len(live) == len(ids):  # nothing stale took a place
                    break
        return found

    def board_is_empty(self, tenant: str, app: str, board: str) -> bool:
        """No request on it; what an unfinished move left there is deleted, not counted."""
        while True:
            items, _ = self._query(Keys.requests(tenant, app, board=board), limit=1)
            if not items or "movedTo" not in items[0]:
                return not items
            self._drop_leftovers(tenant, items)

    def _request_items(
        self,
        tenant: str,
        app: str,
        ids: list[str],
        also: list[dict[str, str]] = (),
        board: str = GENERAL,
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """The items of these requests of one board in this order, and those of the keys
        ``also`` that exist, in one BatchGetItem (per 100)."""
        keys = [Keys.request(tenant, app, r, board=board) for r in ids]
        found = self._batch_get(keys + list(also))
        requests = {i["id"]: i for i in found if i.get("type") == "request"}
        others = [i for i in found if i.get("type") != "request"]
        return [requests[r] for r in ids if r in requests], others

    def requests_on_board(
        self, tenant: str, app: str, board: str, ids: list[str], viewer: str | None = None
    ) -> Page:
        """These requests of one board in this order, one item each, and the ``viewer``'s
        voted set, in one BatchGetItem (a search page, whose board is known); one moved away
        or deleted is left out."""
        keys = [Keys.request(tenant, app, r, board=board) for r in ids]
        also = [Keys.voted(tenant, app, viewer)] if viewer and ids else []
        read = self._batch_get(keys + also)
        found = {i["id"]: i for i in read if i.get("type") == "request"}
        sets = [i for i in read if also and i["pk"] == also[0]["pk"] and i["sk"] == also[0]["sk"]]
        voted = frozenset(sets[0].get("ids", ())) if sets else frozenset()
        records = _records(tenant, [found[r] for r in ids if r in found])
        return Page(records, None, voted if viewer else None)
