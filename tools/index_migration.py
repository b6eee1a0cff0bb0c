"""Staged templates for a deployed table whose indexes changed.

CloudFormation cannot change a global secondary index in place (its key schema or its
projection) and creates or deletes at most one per update. So a deploy to an existing stack
whose table's indexes differ from templates/table.json by more than one goes through
staged templates: the full packaged template each time, its table one index apart from the
previous one, indexes added first and old ones removed last (the code reads whichever of an
index's names exists, see ``chalicelib.store.indexes``). `make deploy` deploys them in
order, the packaged template last; a fresh stack or one already up to date gets the packaged template alone.
"""

from __future__ import annotations

import argparse
import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3

from .deploy import stack_name
from .resources import ROOT

__all__ = ["IndexChangeError", "normal", "stages", "staged_templates", "deployed_indexes"]

Index = dict[str, Any]


class IndexChangeError(ValueError):
    """An index keeps its name but changes its keys or projection: it needs a new name."""


def normal(index: Index) -> Index:
    """The parts of an index CloudFormation compares, as the template or DescribeTable give
    them."""
    projection = {"ProjectionType": index["Projection"]["ProjectionType"]}
    if index["Projection"].get("NonKeyAttributes"):
        projection["NonKeyAttributes"] = sorted(index["Projection"]["NonKeyAttributes"])
    return {
        "IndexName": index["IndexName"],
        "KeySchema": [
            {"AttributeName": k["AttributeName"], "KeyType": k["KeyType"]}
            for k in index["KeySchema"]
        ],
        "Projection": projection,
    }


def stages(deployed: list[Index], target: list[Index]) -> list[list[Index]]:
    """The table's index lists, one create or delete apart, from ``deployed`` to ``target``:
    every new index first, then every old one removed. Empty when nothing changes."""
    now = {i["IndexName"]: normal(i) for i in deployed}
    wanted = {i["IndexName"]: normal(i) for i in target}
    changed = sorted(n for n in now.keys() & wanted.keys() if now[n] != wanted[n])
    if changed:
        raise IndexChangeError(
            f"index {', '.join(changed)} changes in place; give the new one a new name"
        )
    steps: list[list[Index]] = []
    current = list(now.values())
    for name in [n for n in wanted if n not in now]:
        current = [*current, wanted[name]]
        steps.append(current)
    for name in [n for n in now if n not in wanted]:
        current = [i for i in current if i["IndexName"] != name]
        steps.append(current)
    return steps


def _with_indexes(template: dict[str, Any], indexes: list[Index]) -> dict[str, Any]:
    """The template with its table holding ``indexes`` and exactly the attribute
    definitions its keys use (CloudFormation refuses unused ones)."""
    staged = copy.deepcopy(template)
    props = staged["Resources"]["AppTable"]["Properties"]
    defined = {d["AttributeName"]: d for d in props["AttributeDefinitions"]}
    used = [k["AttributeName"] for k in props["KeySchema"]] + [
        k["AttributeName"] for i in indexes for k in i["KeySchema"]
    ]
    props["GlobalSecondaryIndexes"] = indexes
    props["AttributeDefinitions"] = [defined[n] for n in dict.fromkeys(used)]
    return staged


def staged_templates(template: Path, deployed: list[Index] | None) -> list[Path]:
    """Write the templates to deploy in order beside ``template`` (its code paths are
    relative to it) and return them, the packaged template itself last; it alone when the
    stack is new (``deployed`` None) or its indexes already match."""
    for old in template.parent.glob("stage-*.json"):
        old.unlink()
    body = json.loads(template.read_text())
    target = body["Resources"]["AppTable"]["Properties"]["GlobalSecondaryIndexes"]
    steps = stages(deployed, target) if deployed is not None else []
    paths = []
    for number, indexes in enumerate(steps[:-1], 1):
        names = "+".join(sorted(i["IndexName"] for i in indexes))
        path = template.parent / f"stage-{number:02d}-{names}.json"
        path.write_text(json.dumps(_with_indexes(body, indexes), indent=2))
        paths.append(path)
    return [*paths, template]


def deployed_indexes(
    stage: str, clients: Callable[[str], Any] = boto3.client
) -> list[Index] | None:
    """The indexes of the stage's table as deployed; None when the stack does not exist."""
    cfn = clients("cloudformation")
    try:
        found = cfn.describe_stack_resource(
            StackName=stack_name(stage), LogicalResourceId="AppTable"
        )
    except cfn.exceptions.ClientError as exc:
        if "does not exist" in str(exc):
            return None
        raise
    table = found["StackResourceDetail"]["PhysicalResourceId"]
    described = clients("dynamodb").describe_table(TableName=table)["Table"]
    return [normal(i) for i in described.get("GlobalSecondaryIndexes", [])]


def main() -> None:
    parser = argparse.ArgumentParser(description="Write the staged templates of a deploy.")
    parser.add_argument("stage", choices=["dev", "prod"])
    args = parser.parse_args()
    template = ROOT / "build" / args.stage / "package" / "sam.json"
    paths = staged_templates(template, deployed_indexes(args.stage))
    print("\n".join(str(p.relative_to(ROOT)) for p in paths))


if __name__ == "__main__":
    main()
