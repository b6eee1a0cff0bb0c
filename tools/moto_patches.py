"""Make moto's DynamoDB behave like DynamoDB where our invariants depend on it.

moto 5.2's ``transact_write_items`` deep-copies the whole table once per item (so a vote
costs O(table size)) and, when a transaction fails, puts that stale copy back, erasing
writes that other threads made in between. DynamoDB instead checks every condition against
the state before the transaction, then applies all writes or none, isolated from other
writes. ``install()`` gives moto those semantics: item operations are serialised by one lock,
and a transaction evaluates its conditions first, then writes. Local and test only.
"""

from __future__ import annotations

import threading
from typing import Any

__all__ = ["install", "LOCK"]

_LOCK = threading.RLock()
LOCK = _LOCK  # held by every item operation: a snapshot under it sees no half transaction
_LOCKED = ("get_item", "put_item", "update_item", "delete_item", "query", "scan")
_OPS = {"ConditionCheck", "Put", "Delete", "Update"}


def _locked(method: Any) -> Any:
    def call(self: Any, *args: Any, **kwargs: Any) -> Any:
        with _LOCK:
            return method(self, *args, **kwargs)

    call.__wrapped__ = method  # type: ignore[attr-defined]
    return call


def _key(backend: Any, op_type: str, op: dict[str, Any]) -> dict[str, Any]:
    if op_type != "Put":
        return op["Key"]
    table = backend.get_table(op["TableName"])
    key = {table.hash_key_attr: op["Item"][table.hash_key_attr]}
    if table.range_key_attr is not None:
        key[table.range_key_attr] = op["Item"][table.range_key_attr]
    return key


def _transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> None:
    from moto.dynamodb.comparisons import get_filter_expression
    from moto.dynamodb.exceptions import (
        MultipleTransactionsException,
        TooManyTransactionsException,
        TransactionCanceledException,
        TransactWriteSingleOpException,
    )

    if len(transact_items) > 100:
        raise TooManyTransactionsException()
    with _LOCK:
        seen: set[tuple[str, str]] = set()
        planned, reasons = [], []
        for entry in transact_items:
            if len(entry) != 1:
                raise TransactWriteSingleOpException
            op_type, op = next(iter(entry.items()))
            if op_type not in _OPS:
                raise ValueError("Unsupported transaction operation")
            key = _key(self, op_type, op)
            ident = (op["TableName"], str(sorted(key.items())))
            if ident in seen:
                raise MultipleTransactionsException()
            seen.add(ident)
            current = self.get_item(op["TableName"], key)
            condition = op.get("ConditionExpression")
            ok = condition is None or get_filter_expression(
                condition, op.get("ExpressionAttributeNames"), op.get("ExpressionAttributeValues")
            ).expr(current)
            if ok:
                reasons.append((None, None, None))
            else:
                old = (
                    current.to_json()["Attributes"]
                    if current and op.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD"
                    else None
                )
                reasons.append(("ConditionalCheckFailed", "The conditional request failed", old))
            planned.append((op_type, op, key))
        if any(code is not None for code, _, _ in reasons):
            raise TransactionCanceledException(reasons)
        for op_type, op, key in planned:
            names, values = op.get("ExpressionAttributeNames"), op.get("ExpressionAttributeValues")
            if op_type == "Put":
                self.put_item(
                    op["TableName"],
                    op["Item"],
                    expression_attribute_names=names,
                    expression_attribute_values=values,
                )
            elif op_type == "Delete":
                self.delete_item(
                    op["TableName"],
                    key,
                    expression_attribute_names=names,
                    expression_attribute_values=values,
                )
            elif op_type == "Update":
                self.update_item(
                    op["TableName"],
                    key,
                    update_expression=op["UpdateExpression"],
                    expression_attribute_names=names,
                    expression_attribute_values=values,
                )


def install() -> None:
    """Idempotent: patch moto's DynamoDB backend class once per process."""
    from moto.dynamodb.models import DynamoDBBackend

    if getattr(DynamoDBBackend, "_featureboard_patched", False):
        return
    for name in _LOCKED:
        setattr(DynamoDBBackend, name, _locked(getattr(DynamoDBBackend, name)))
    DynamoDBBackend.transact_write_items = _transact_write_items
    DynamoDBBackend._featureboard_patched = True
