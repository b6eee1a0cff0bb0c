"""The full-text index, packed so that a query reads a few large items by key: a term's
postings on one board live in ``Keys.term_list`` items, part 0 (the best postings in its map
``p``, with the list's version, the id bounds of its other parts and whether it ever spilled)
and parts 1… (the rest, by request id range, one attribute a posting, and their count ``c``),
each posting ``request id -> "impact status tag…"``; a versioned record per request of what it is indexed under (``Keys.indexed``); the
app's vocabulary by first letter. Written by the search consumer only (and bulk loads)."""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import suppress
from typing import Any, NamedTuple

from .codec import _to_ddb, _values
from .keys import Keys
from .table import ConditionFailedError, Table

ListKey = tuple[str, str, int]  # term, board, part
OLD_LENGTHS = range(1, 41)  # older indexes kept their vocabulary in one item per term length


class IndexRead(NamedTuple):
    """What one ``read_index`` call found."""

    lists: dict[ListKey, dict[str, Any]]
    words: set[str]
    voted: frozenset[str] | None  # the voter's voted set, when one was asked for


class FullText(Table):
    """Part 0 is written whole under its version; parts 1… one posting at a time."""

    def indexed_doc(self, tenant: str, app: str, request_id: str) -> dict[str, Any] | None:
        """What one request was last indexed under: ``w`` (term -> impact), ``f`` (facets),
        ``v`` (version) and ``k`` (2; absent for a record older indexes wrote)."""
        found = self._get(Keys.indexed(tenant, app, request_id), consistent=True)
        return {k: v for k, v in found.items() if k not in ("pk", "sk")} if found else None

    def put_indexed_doc(
        self,
        tenant: str,
        app: str,
        request_id: str,
        doc: dict[str, Any] | None,
        version: int | None,
    ) -> None:
        """Write (None: delete) the record if it is still at ``version`` (None: absent; 0: as
        older code wrote it); ConditionFailedError when another consumer got there first."""
        key = Keys.indexed(tenant, app, request_id)
        condition, values = (
            ("attribute_not_exists(pk)", None)
            if version is None
            else ("attribute_not_exists(v)", None)  # written by older code
            if version == 0
            else ("v = :v", {":v": version})
        )
        kwargs: dict[str, Any] = {"TableName": self.table, "ConditionExpression": condition}
        if values:
            kwargs["ExpressionAttributeValues"] = _values(values)
        if doc is None:
            if version is not None:
                self._call("delete_item", Key=_to_ddb(key), **kwargs)
            return
        self._call("put_item", Item=_to_ddb({**key, **doc, "v": (version or 0) + 1}), **kwargs)

    def read_index(
        self,
        tenant: str,
        app: str,
        lists: list[ListKey],
        bands: Iterable[str] = (),
        consistent: bool = False,
        voter: str | None = None,
    ) -> IndexRead:
        """Parts of posting lists, the vocabulary of some first letters and a voter's voted
        set ("my votes" narrows a search by it), in one BatchGetItem (100 keys or fewer)."""
        wanted = {
            (k["pk"], k["sk"]): ref
            for ref in dict.fromkeys(lists)
            for k in [Keys.term_list(tenant, app, *ref)]
        }
        band_keys = [Keys.vocabulary_band(tenant, app, b) for b in dict.fromkeys(bands)]
        voted_key = [Keys.voted(tenant, app, voter)] if voter else []
        voted_at = [(k["pk"], k["sk"]) for k in voted_key]
        keys = [dict(zip(("pk", "sk"), pair, strict=True)) for pair in wanted]
        keys += band_keys + voted_key
        found: dict[ListKey, dict[str, Any]] = {}
        words: set[str] = set()
        voted: frozenset[str] | None = frozenset() if voter else None
        for item in self._batch_get(keys, consistent=consistent) if keys else []:
            ref = wanted.get((item["pk"], item["sk"]))
            if ref is not None:
                found[ref] = item
            elif (item["pk"], item["sk"]) in voted_at:
                voted = frozenset(item.get("ids", ()))
            else:
                words.update(item.get("w", ()))
        return IndexRead(found, words, voted)

    def put_head(
        self, tenant: str, app: str, ref: ListKey, item: dict[str, Any], version: int | None
    ) -> None:
        """Write part 0 of a list as ``version`` + 1 if it is still at ``version`` (None:
        absent); ConditionFailedError when another writer got there first."""
        whole = {**Keys.term_list(tenant, app, *ref), **item, "v": (version or 0) + 1}
        if version is None:
            self._put(whole, "attribute_not_exists(pk)")
        else:
            self._conditional_put(whole, "v = :v", {":v": version})

    def delete_head(self, tenant: str, app: str, ref: ListKey, version: int) -> None:
        """Delete an emptied part 0 if nobody wrote it since ``version``."""
        self._call(
            "delete_item",
            TableName=self.table,
            Key=_to_ddb(Keys.term_list(tenant, app, *ref)),
            ConditionExpression="v = :v",
            ExpressionAttributeValues=_values({":v": version}),
        )

    def set_posting(
        self, tenant: str, app: str, ref: ListKey, request_id: str, value: str
    ) -> tuple[int, str]:
        """Put one posting into a part 1…; the part's count of postings after (counted only
        when the posting is new to it, so replays and facet changes do not inflate it) and
        the largest request id it holds (returned by the write itself: no read units)."""
        key = _to_ddb(Keys.term_list(tenant, app, *ref))
        names = {"#r": request_id}
        try:
            response = self._call(
                "update_item",
                TableName=self.table,
                Key=key,
                UpdateExpression="SET #r = :v ADD c :one",
                ConditionExpression="attribute_not_exists(#r)",
                ExpressionAttributeNames=names,
                ExpressionAttributeValues=_values({":v": value, ":one": 1}),
                ReturnValues="ALL_NEW",
            )
        except ConditionFailedError:
            response = self._call(
                "update_item",
                TableName=self.table,
                Key=key,
                UpdateExpression="SET #r = :v",
                ExpressionAttributeNames=names,
                ExpressionAttributeValues=_values({":v": value}),
                ReturnValues="NONE",
            )
        found = response.get("Attributes", {})
        ids = [name for name in found if name not in ("pk", "sk", "c")]
        return int(found.get("c", {}).get("N", 0)), max(ids, default=request_id)

    def drop_posting(self, tenant: str, app: str, ref: ListKey, request_id: str) -> None:
        """Take one posting out of a part 1… (nothing when it is not there)."""
        with suppress(ConditionFailedError):
            self._call(
                "update_item",
                TableName=self.table,
                Key=_to_ddb(Keys.term_list(tenant, app, *ref)),
                UpdateExpression="REMOVE #r ADD c :less",
                ConditionExpression="attribute_exists(#r)",
                ExpressionAttributeNames={"#r": request_id},
                ExpressionAttributeValues=_values({":less": -1}),
            )

    def change_vocabulary(self, tenant: str, app: str, add: set[str], drop: set[str]) -> None:
        """Add terms new to a board of the app, drop those a board no longer holds."""
        for action, words in (("ADD", add), ("DELETE", drop)):
            by_first: dict[str, set[str]] = {}
            for word in words:
                by_first.setdefault(word[0], set()).add(word)
            for first, group in by_first.items():
                self._call(
                    "update_item",
                    TableName=self.table,
                    Key=_to_ddb(Keys.vocabulary_band(tenant, app, first)),
                    UpdateExpression=f"{action} w :w",
                    ExpressionAttributeValues={":w": {"SS": sorted(group)}},
                )

    def drop_old_postings(self, tenant: str, app: str, request_id: str, weights: dict) -> None:
        """Delete what an older index held of one request (one item a posting, and the
        terms' counts, which the new lists do not use)."""
        keys = [Keys.posting(tenant, app, t, int(i), request_id) for t, i in weights.items()]
        self._batch_delete(keys + [Keys.term_head(tenant, app, t) for t in weights])

    def drop_old_vocabulary(self, tenant: str, app: str) -> None:
        self._batch_delete(Keys.vocabulary(tenant, app, n) for n in OLD_LENGTHS)

    def bulk_index(
        self,
        tenant: str,
        app: str,
        lists: dict[ListKey, dict[str, Any]],
        docs: dict[str, dict[str, Any]],
        vocabulary: set[str],
    ) -> int:
        """Write a whole index (an app whose index is empty: a bulk load) in batches of 25
        puts: the lists' parts, the requests' records and the vocabulary."""
        items = [{**Keys.term_list(tenant, app, *ref), **item} for ref, item in lists.items()]
        items += [{**Keys.indexed(tenant, app, rid), **doc, "v": 1} for rid, doc in docs.items()]
        by_first: dict[str, set[str]] = {}
        for word in vocabulary:
            by_first.setdefault(word[0], set()).add(word)
        items += [{**Keys.vocabulary_band(tenant, app, c), "w": w} for c, w in by_first.items()]
        for start in range(0, len(items), 25):
            self._write_batch(
                [{"PutRequest": {"Item": _to_ddb(i)}} for i in items[start : start + 25]]
            )
        return len(items)
