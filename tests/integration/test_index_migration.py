"""The list pages work on a table at every stage of the move from the list indexes that
projected every attribute (``byStatus``, ``byTop``, ``byStatusTop``) to the keys-only ones
(``byStatusKeys`` …): old indexes only, both, new only, and a cursor across a switch."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import boto3
import pytest

from chalicelib.store import indexes
from tests.helpers import Api, new_tenant, unique
from tools.index_migration import stages
from tools.resources import create_table_kwargs

FORMER = {new: old for old, (new, _) in indexes.NAMES.items()}
LISTS = ("?sort=top&limit=20", "?status=open&limit=20", "?status=open&sort=top&limit=20")


def _old_indexes(template_indexes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The indexes as the table had them before: the list indexes under their old names,
    projecting every attribute."""
    return [
        {**i, "IndexName": FORMER[i["IndexName"]], "Projection": {"ProjectionType": "ALL"}}
        if i["IndexName"] in FORMER
        else i
        for i in template_indexes
    ]


def _move_to(client: Any, table: str, wanted: list[dict[str, Any]]) -> None:
    """One UpdateTable, as CloudFormation makes it: create or delete one index."""
    have = {
        i["IndexName"]
        for i in client.describe_table(TableName=table)["Table"].get("GlobalSecondaryIndexes", [])
    }
    added = [i for i in wanted if i["IndexName"] not in have]
    dropped = have - {i["IndexName"] for i in wanted}
    assert len(added) + len(dropped) == 1
    update = {"Create": added[0]} if added else {"Delete": {"IndexName": dropped.pop()}}
    client.update_table(TableName=table, GlobalSecondaryIndexUpdates=[update])


@pytest.fixture
def old_table(aws_mock: None, settings_env: Any, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setattr(indexes, "_chosen", {})
    kwargs = create_table_kwargs(f"fb-before-keys-only-{unique()}")
    kwargs["GlobalSecondaryIndexes"] = _old_indexes(kwargs["GlobalSecondaryIndexes"])
    boto3.client("dynamodb").create_table(**kwargs)
    settings_env(TABLE_NAME=kwargs["TableName"])
    return kwargs["TableName"]


def _ids(api: Api, t: Any, query: str, cursor: str = "") -> tuple[list[str], str | None]:
    r = api.get(t.path(f"/requests{query}{cursor}"), key=t.pub_key, token=t.token("viewer"))
    assert r.status == 200, (query, r.body)
    return [i["id"] for i in r.body["items"]], r.body.get("nextCursor")


def test_list_pages_work_before_during_and_after_the_index_move(old_table: str, api: Api) -> None:
    client = boto3.client("dynamodb")
    tenant = new_tenant(api)
    made = {tenant.create(f"Idea {n}", as_user=f"author{n}")["id"] for n in range(3)}
    first, cursor = _ids(api, tenant, "?sort=top&limit=2")  # a page on the old index
    assert len(first) == 2 and cursor
    target = create_table_kwargs("any")["GlobalSecondaryIndexes"]
    deployed = client.describe_table(TableName=old_table)["Table"]["GlobalSecondaryIndexes"]
    steps = stages(deployed, target)
    assert len(steps) == 6  # three added, then three removed
    for number, step in enumerate(steps, 1):  # each index read by whichever name exists
        _move_to(client, old_table, step)
        for query in LISTS:
            assert set(_ids(api, tenant, query)[0]) == made, (number, query)
    assert {indexes.physical(n) for n in indexes.NAMES} == set(FORMER)
    rest, _ = _ids(api, tenant, "?sort=top&limit=2", f"&cursor={quote(cursor)}")
    assert set(first) | set(rest) == made  # a cursor from the old index goes on
    names = {
        i["IndexName"]
        for i in client.describe_table(TableName=old_table)["Table"]["GlobalSecondaryIndexes"]
    }
    assert names == {i["IndexName"] for i in target}
