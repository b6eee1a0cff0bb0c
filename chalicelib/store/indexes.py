"""The list indexes' names while a stack moves from indexes that projected every attribute
to the keys-only ones.

CloudFormation cannot change an index's projection in place, so the keys-only indexes got
new names (``byStatusKeys`` …) and an existing stack gains them beside the old ones over
several deploys (docs/operations.md, "Moving the list indexes"). The code names an index as
it always did (``byStatus`` …); the table is asked by the name that worked last in this
process, and the other name is tried when the table answers that the index is missing or
still filling. Both projections answer with the same keys, so cursors carry over.
"""

from __future__ import annotations

from typing import Any

__all__ = ["NAMES", "physical", "fallback"]

# the name in the code -> the names on a table, the one templates/table.json makes first
NAMES: dict[str, tuple[str, str]] = {
    "byStatus": ("byStatusKeys", "byStatus"),
    "byTop": ("byTopKeys", "byTop"),
    "byStatusTop": ("byStatusTopKeys", "byStatusTop"),
}
_chosen: dict[str, str] = {}  # per process: the name the table last answered to
# DynamoDB's answers (ValidationException) for a missing or filling index; moto's differs
UNUSABLE = ("does not have the specified index", "backfilling", "Invalid index")
CODES = ("ValidationException", "ResourceNotFoundException")


def physical(index: str) -> str:
    """The name to ask the table for now."""
    return _chosen.get(index) or NAMES.get(index, (index,))[0]


def fallback(index: str, asked: str, error: Any) -> str | None:
    """The other name, remembered, when ``error`` (a botocore ClientError) says ``asked`` is
    missing or still filling; None when it says anything else or there is no other name."""
    response = getattr(error, "response", {}) or {}
    detail = response.get("Error", {})
    if detail.get("Code") not in CODES:
        return None
    if not any(words in detail.get("Message", "") for words in UNUSABLE):
        return None
    others = [name for name in NAMES.get(index, ()) if name != asked]
    if not others:
        return None
    _chosen[index] = others[0]
    return others[0]
