"""Python values to DynamoDB's typed JSON and back: decimals for numbers, plain ints and
floats out."""

from __future__ import annotations

from typing import Any


def _codec() -> tuple[Any, Any]:
    from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

    return TypeSerializer(), TypeDeserializer()


def _exact(value: Any) -> Any:
    """DynamoDB numbers are decimals: floats (scores) go in as their shortest decimal."""
    from decimal import Decimal

    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, dict):
        return {k: _exact(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_exact(v) for v in value]
    return value


def _to_ddb(item: dict[str, Any]) -> dict[str, Any]:
    ser = _codec()[0]
    return {k: ser.serialize(_exact(v)) for k, v in item.items() if v is not None}


def _plain(value: Any) -> Any:
    from decimal import Decimal

    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, set):
        return sorted(_plain(v) for v in value)
    return value


def _from_ddb(item: dict[str, Any]) -> dict[str, Any]:
    de = _codec()[1]
    return {k: _plain(de.deserialize(v)) for k, v in item.items()}


def _values(values: dict[str, Any]) -> dict[str, Any]:
    ser = _codec()[0]
    return {k: ser.serialize(_exact(v)) for k, v in values.items()}
