"""The thin shared layer: every call to the table goes through ``Table._call``, which counts
its calls, capacity and items read in the thread's ``Meter``; the operation builders
(``_put_op``, ``_update_op`` …) that the aggregates put into one transaction; one page of one
partition with a signed cursor."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from .. import aws, signed
from . import indexes
from .codec import _from_ddb, _to_ddb, _values

TX_LIMIT = 100  # items in one TransactWriteItems


class ConditionFailedError(Exception):
    """A conditional write lost: ``reasons`` has one code per item of a transaction."""

    def __init__(self, reasons: list[str] | None = None) -> None:
        super().__init__(",".join(reasons or ["ConditionalCheckFailed"]))
        self.reasons = reasons or ["ConditionalCheckFailed"]

    def failed_at(self, index: int) -> bool:
        return index < len(self.reasons) and self.reasons[index] == "ConditionalCheckFailed"


# ---------------------------------------------------------------- metering


@dataclass
class Meter:
    """DynamoDB calls and capacity, and billable messages (SQS requests, SNS publishes,
    SES emails), of the current thread's work (one API request)."""

    calls: int = 0
    read_units: float = 0.0
    write_units: float = 0.0
    items_read: int = 0
    by_operation: dict[str, int] = field(default_factory=dict)
    messages: dict[str, int] = field(default_factory=dict)


_local = threading.local()


def meter() -> Meter:
    found = getattr(_local, "meter", None)
    if found is None:
        found = _local.meter = Meter()
    return found


def reset_meter() -> Meter:
    _local.meter = Meter()
    return _local.meter


@contextmanager
def metered_apart() -> Iterator[Meter]:
    """Calls made inside are counted in a meter of their own, not in the current call's."""
    saved = meter()
    try:
        yield reset_meter()
    finally:
        _local.meter = saved


def _readable(items: list[dict[str, Any]], mapper: Any) -> list[Any]:
    """Each item as a record; one that cannot be read (written by older code, or by hand) is
    left out and logged with its key, so one bad item never fails a whole list."""
    records = []
    for item in items:
        try:
            records.append(mapper(item))
        except (KeyError, TypeError, ValueError, AttributeError):
            from .. import logs

            logs.logger().warning(
                "unreadable item left out of a list",
                extra={"pk": item.get("pk"), "sk": item.get("sk")},
            )
    return records


@dataclass(frozen=True)
class Page:
    items: list[Any]
    next_cursor: str | None
    voted: frozenset[str] | None = None  # a list page's: the viewer's voted set, if asked


def _cursor_context(
    index: str | None, partition: str, prefix: str | None, forward: bool, extra: str
) -> str:
    """What a ``_query`` cursor is bound to: handed to another list, it is refused."""
    return f"{index or 'table'}|{partition}|{prefix or ''}|{forward}|{extra}"


class Table:
    """The table, its client and the low-level calls every aggregate shares."""

    def __init__(self, table_name: str, secret: bytes, client: Any | None = None) -> None:
        self.table = table_name
        self._secret = secret
        self._client = client

    @property
    def client(self) -> Any:
        return self._client or aws.client("dynamodb")

    # ------------------------------------------------------------ low level

    def _call(self, operation: str, **kwargs: Any) -> dict[str, Any]:
        """Every call goes through here so its capacity is counted (and costed later)."""
        kwargs.setdefault("ReturnConsumedCapacity", "TOTAL")
        m = meter()
        m.calls += 1
        m.by_operation[operation] = m.by_operation.get(operation, 0) + 1
        try:
            response = getattr(self.client, operation)(**kwargs)
        except self.client.exceptions.ConditionalCheckFailedException as exc:
            raise ConditionFailedError() from exc
        except self.client.exceptions.TransactionCanceledException as exc:
            reasons = [r.get("Code", "None") for r in exc.response.get("CancellationReasons", [])]
            raise ConditionFailedError(reasons) from exc
        capacity = response.get("ConsumedCapacity")
        for unit in capacity if isinstance(capacity, list) else [capacity] if capacity else []:
            m.read_units += unit.get("ReadCapacityUnits", 0) or 0
            m.write_units += unit.get("WriteCapacityUnits", 0) or 0
            if not unit.get("ReadCapacityUnits") and not unit.get("WriteCapacityUnits"):
                total = unit.get("CapacityUnits", 0) or 0
                if operation in ("get_item", "query", "batch_get_item"):
                    m.read_units += total
                else:
                    m.write_units += total
        if operation == "query":
            m.items_read += response.get("ScannedCount", response.get("Count", 0))
        elif operation == "get_item":
            m.items_read += 1
        elif operation == "batch_get_item":
            m.items_read += sum(len(v["Keys"]) for v in kwargs["RequestItems"].values())
        return response

    def _get(self, key: dict[str, str], consistent: bool = False) -> dict[str, Any] | None:
        found = self._call(
            "get_item", TableName=self.table, Key=_to_ddb(key), ConsistentRead=consistent
        ).get("Item")
        return _from_ddb(found) if found else None

    def _put(self, item: dict[str, Any], condition: str | None = None) -> None:
        kwargs: dict[str, Any] = {"TableName": self.table, "Item": _to_ddb(item)}
        if condition:
            kwargs["ConditionExpression"] = condition
        self._call("put_item", **kwargs)

    def _put_op(self, item: dict[str, Any], condition: str | None = None) -> dict[str, Any]:
        op: dict[str, Any] = {"TableName": self.table, "Item": _to_ddb(item)}
        if condition:
            op["ConditionExpression"] = condition
        return {"Put": op}

    def _put_unless_live_op(self, item: dict[str, Any], now_ms: int) -> dict[str, Any]:
        """Put an item with a TTL unless a live one holds its key: TTL deletes lag (by up to
        days), so one past its ``expiresAt`` (seconds) that is still there is replaced."""
        op = self._put_op(item, "attribute_not_exists(pk) OR expiresAt < :now")
        op["Put"]["ExpressionAttributeValues"] = _values({":now": now_ms // 1000})
        return op

    def _delete_op(self, key: dict[str, str], condition: str | None = None) -> dict[str, Any]:
        op: dict[str, Any] = {"TableName": self.table, "Key": _to_ddb(key)}
        if condition:
            op["ConditionExpression"] = condition
        return {"Delete": op}

    def _update_op(
        self,
        key: dict[str, str],
        expression: str,
        values: dict[str, Any] | None = None,
        condition: str | None = None,
        names: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        op: dict[str, Any] = {
            "TableName": self.table,
            "Key": _to_ddb(key),
            "UpdateExpression": expression,
        }
        if values:
            op["ExpressionAttributeValues"] = _values(values)
        if names:
            op["ExpressionAttributeNames"] = names
        if condition:
            op["ConditionExpression"] = condition
        return {"Update": op}

    def _check_op(
        self, key: dict[str, str], condition: str, values: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        op: dict[str, Any] = {
            "TableName": self.table,
            "Key": _to_ddb(key),
            "ConditionExpression": condition,
        }
        if values:
            op["ExpressionAttributeValues"] = _values(values)
        return {"ConditionCheck": op}

    def transact(self, operations: list[dict[str, Any]]) -> None:
        if not operations:
            return
        if len(operations) > TX_LIMIT:
            raise ValueError("a transaction holds at most 100 items")
        self._call("transact_write_items", TransactItems=operations)

    def _query(
        self,
        partition: str,
        *,
        index: str | None = None,
        partition_attr: str = "pk",
        prefix: str | None = None,
        forward: bool = True,
        limit: int,
        cursor: str | None = None,
        context_extra: str = "",
        projection: tuple[str, ...] = (),
        consistent: bool = False,
    ) -> tuple[list[dict[str, Any]], str | None]:
        """One page of one partition, with a signed cursor bound to that partition; with a
        ``projection``, only those attributes come back (the cost stays the same)."""
        condition = f"{partition_attr} = :p"
        values: dict[str, Any] = {":p": partition}
        if prefix:
            condition += " AND begins_with(sk, :prefix)"
            values[":prefix"] = prefix
        kwargs: dict[str, Any] = {
            "TableName": self.table,
            "KeyConditionExpression": condition,
            "ExpressionAttributeValues": _values(values),
            "ScanIndexForward": forward,
            "Limit": limit,
        }
        if consistent:
            kwargs["ConsistentRead"] = True
        if projection:
            kwargs["ProjectionExpression"] = ", ".join(f"#p{n}" for n in range(len(projection)))
            kwargs["ExpressionAttributeNames"] = {f"#p{n}": a for n, a in enumerate(projection)}
        context = _cursor_context(index, partition, prefix, forward, context_extra)
        if cursor:
            kwargs["ExclusiveStartKey"] = signed.decode(self._secret, context, cursor)
        response = self._query_on(index, kwargs)
        items = [_from_ddb(i) for i in response.get("Items", [])]
        last = response.get("LastEvaluatedKey")
        next_cursor = signed.encode(self._secret, context, last) if last and items else None
        return items, next_cursor

    def _page_start(self, partition: str, prefix: str, cursor: str | None) -> str:
        """The sort key a page of ``_query`` (the table's, forward) starts after ("": the
        first page)."""
        if not cursor:
            return ""
        context = _cursor_context(None, partition, prefix, True, "")
        return str(_from_ddb(signed.decode(self._secret, context, cursor))["sk"])

    def _query_on(self, index: str | None, kwargs: dict[str, Any]) -> dict[str, Any]:
        """One Query on the table or on whichever name of ``index`` the table has (see
        ``indexes``: the list indexes are renamed over several deploys)."""
        if not index:
            return self._call("query", **kwargs)
        from botocore.exceptions import ClientError

        asked = indexes.physical(index)
        try:
            return self._call("query", IndexName=asked, **kwargs)
        except ClientError as exc:
            other = indexes.fallback(index, asked, exc)
            if other is None:
                raise
            return self._call("query", IndexName=other, **kwargs)

    def _query_between(self, partition: str, low: str, high: str) -> list[dict[str, Any]]:
        """Every item of one partition whose sort key is from ``low`` to ``high``, page by
        page (a page is up to 1 MB)."""
        found: list[dict[str, Any]] = []
        kwargs: dict[str, Any] = {
            "TableName": self.table,
            "KeyConditionExpression": "pk = :p AND sk BETWEEN :low AND :high",
            "ExpressionAttributeValues": _values({":p": partition, ":low": low, ":high": high}),
        }
        while True:
            response = self._call("query", **kwargs)
            found += [_from_ddb(i) for i in response.get("Items", [])]
            if not response.get("LastEvaluatedKey"):
                return found
            kwargs["ExclusiveStartKey"] = response["LastEvaluatedKey"]

    def _query_all(self, partition: str, prefix: str) -> Iterator[dict[str, Any]]:
        cursor = None
        while True:
            items, cursor = self._query(partition, prefix=prefix, limit=500, cursor=cursor)
            yield from items
            if not cursor:
                return

    def _batch_get(
        self, keys: list[dict[str, str]], consistent: bool = False
    ) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        for start in range(0, len(keys), 100):
            chunk = [_to_ddb(k) for k in keys[start : start + 100]]
            pending = {self.table: {"Keys": chunk, "ConsistentRead": consistent}}
            for attempt in range(8):
                response = self._call("batch_get_item", RequestItems=pending)
                found += [_from_ddb(i) for i in response.get("Responses", {}).get(self.table, [])]
                pending = response.get("UnprocessedKeys") or {}
                if not pending:
                    break
                time.sleep(min(1.0, 0.05 * 2**attempt))
        return found

    def _batch_delete(self, keys: Iterable[dict[str, str]]) -> int:
        count, chunk = 0, []
        for key in keys:
            chunk.append({"DeleteRequest": {"Key": _to_ddb(key)}})
            if len(chunk) == 25:
                count += self._write_batch(chunk)
                chunk = []
        if chunk:
            count += self._write_batch(chunk)
        return count

    def _write_batch(self, requests: list[dict[str, Any]]) -> int:
        pending = {self.table: requests}
        for attempt in range(8):
            response = self._call("batch_write_item", RequestItems=pending)
            pending = response.get("UnprocessedItems") or {}
            if not pending:
                break
            time.sleep(min(1.0, 0.05 * 2**attempt))
        return len(requests)

    # ------------------------------------------------------------ health

    def ping(self) -> None:
        """One cheap read that fails when the table cannot be reached."""
        self._get({"pk": "HEALTH", "sk": "HEALTH"})

    def _conditional_put(
        self, item: dict[str, Any], condition: str, values: dict[str, Any]
    ) -> None:
        self._call(
            "put_item",
            TableName=self.table,
            Item=_to_ddb(item),
            ConditionExpression=condition,
            ExpressionAttributeValues=_values(values),
        )
