"""The full-text index: one small item per (term, request), sorted by impact in the term's
partition, a head counting the term's requests, a record of what each request is indexed
under, and the app's vocabulary by term length (for typos). Written by the search consumer
only; a query reads one partition per term, never the table."""

from __future__ import annotations

from typing import Any

from .codec import _to_ddb
from .keys import Keys
from .table import Table

Postings = tuple[int, list[tuple[int, str, dict[str, Any]]], bool]  # df, best first, cut short


class FullText(Table):
    """Postings are written in batches of 25; heads and vocabulary by small updates."""

    def indexed_doc(self, tenant: str, app: str, request_id: str) -> dict[str, Any] | None:
        """``{"w": {term: impact}, "f": facets}`` as last indexed, or None."""
        found = self._get(Keys.indexed(tenant, app, request_id), consistent=True)
        return {"w": found.get("w") or {}, "f": found.get("f") or {}} if found else None

    def write_postings(
        self,
        tenant: str,
        app: str,
        request_id: str,
        put: dict[str, int],
        drop: dict[str, int],
        facets: dict[str, Any],
    ) -> None:
        """Put the postings of ``put`` (term -> impact) with the request's facets, delete
        those of ``drop`` (term -> the impact it was put with)."""
        writes: list[dict[str, Any]] = [
            {"DeleteRequest": {"Key": _to_ddb(Keys.posting(tenant, app, t, i, request_id))}}
            for t, i in drop.items()
        ] + [
            {
                "PutRequest": {
                    "Item": _to_ddb({**Keys.posting(tenant, app, t, i, request_id), **facets})
                }
            }
            for t, i in put.items()
        ]
        for start in range(0, len(writes), 25):
            self._write_batch(writes[start : start + 25])

    def count_terms(self, tenant: str, app: str, deltas: dict[str, int]) -> dict[str, int]:
        """Add each delta to its term's head; the counts after, by term."""
        counts = {}
        for term, delta in deltas.items():
            response = self._call(
                "update_item",
                **self._update_op(Keys.term_head(tenant, app, term), "ADD df :d", {":d": delta})[
                    "Update"
                ],
                ReturnValues="UPDATED_NEW",
            )
            counts[term] = int(response["Attributes"]["df"]["N"])
        return counts

    def change_vocabulary(self, tenant: str, app: str, add: set[str], drop: set[str]) -> None:
        """Add terms new to the app, drop those no request holds any more (by length)."""
        for action, words in (("ADD", add), ("DELETE", drop)):
            by_length: dict[int, set[str]] = {}
            for word in words:
                by_length.setdefault(len(word), set()).add(word)
            for length, group in by_length.items():
                self._call(
                    "update_item",
                    TableName=self.table,
                    Key=_to_ddb(Keys.vocabulary(tenant, app, length)),
                    UpdateExpression=f"{action} w :w",
                    ExpressionAttributeValues={":w": {"SS": sorted(group)}},
                )

    def put_indexed_doc(
        self, tenant: str, app: str, request_id: str, doc: dict[str, Any] | None
    ) -> None:
        key = Keys.indexed(tenant, app, request_id)
        if doc is None:
            self._call("delete_item", TableName=self.table, Key=_to_ddb(key))
        else:
            self._put({**key, **doc})

    def bulk_index(
        self,
        tenant: str,
        app: str,
        docs: dict[str, tuple[dict[str, int], dict[str, Any]]],
        vocabulary: set[str],
    ) -> int:
        """Index many requests of an app whose index is empty, in batches of 25 puts
        (heads and vocabulary written once, counted here): what a bulk load uses."""
        from collections import Counter

        df: Counter[str] = Counter()
        items: list[dict[str, Any]] = []
        for request_id, (weights, facets) in docs.items():
            items += [
                {**Keys.posting(tenant, app, t, i, request_id), **facets}
                for t, i in weights.items()
            ]
            items.append({**Keys.indexed(tenant, app, request_id), "w": weights, "f": facets})
            df.update(weights.keys())  # one per request, whatever the impact
        items += [{**Keys.term_head(tenant, app, t), "df": n} for t, n in df.items()]
        by_length: dict[int, set[str]] = {}
        for word in vocabulary & set(df):
            by_length.setdefault(len(word), set()).add(word)
        items += [{**Keys.vocabulary(tenant, app, n), "w": words} for n, words in by_length.items()]
        for start in range(0, len(items), 25):
            self._write_batch(
                [{"PutRequest": {"Item": _to_ddb(i)}} for i in items[start : start + 25]]
            )
        return len(items)

    def postings(self, tenant: str, app: str, term: str, best: int) -> Postings:
        """The term's head and its ``best`` postings, highest impact first, in one Query."""
        items, more = self._query(Keys.term(tenant, app, term), forward=False, limit=best + 1)
        df = 0
        found = []
        for item in items:
            if item["sk"] == Keys.term_head(tenant, app, term)["sk"]:
                df = int(item.get("df", 0))
                continue
            impact, request_id = Keys.posting_request(item["sk"])
            found.append((impact, request_id, {k: item[k] for k in item if k not in ("pk", "sk")}))
        return max(df, len(found)), found, more is not None

    def vocabulary(self, tenant: str, app: str, lengths: list[int]) -> set[str]:
        """The app's terms of these lengths, in one BatchGetItem."""
        items = self._batch_get([Keys.vocabulary(tenant, app, n) for n in lengths])
        return {word for item in items for word in item.get("w", ())}
