"""The staged index lists of a deploy: one index created or deleted per step, new ones
first; an index changed under its own name is refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tools.index_migration import IndexChangeError, staged_templates, stages
from tools.resources import table_properties

TARGET = table_properties()["GlobalSecondaryIndexes"]
RENAMED = {"byStatusKeys": "byStatus", "byTopKeys": "byTop", "byStatusTopKeys": "byStatusTop"}
BEFORE = [  # as deployed before the list indexes projected keys only
    {**i, "IndexName": RENAMED[i["IndexName"]], "Projection": {"ProjectionType": "ALL"}}
    if i["IndexName"] in RENAMED
    else i
    for i in TARGET
]


def _names(indexes: list[dict]) -> set[str]:
    return {i["IndexName"] for i in indexes}


def test_the_old_list_indexes_become_six_steps_one_index_apart() -> None:
    steps = stages(BEFORE, TARGET)
    assert len(steps) == 6
    previous = _names(BEFORE)
    for step in steps:
        assert len(previous ^ _names(step)) == 1
        previous = _names(step)
    assert [len(s) for s in steps] == [5, 6, 7, 6, 5, 4]  # added first, removed last
    assert sorted(steps[-1], key=str) == sorted(TARGET, key=str)


def test_an_index_changed_under_its_own_name_is_refused() -> None:
    changed = [{**i, "Projection": {"ProjectionType": "ALL"}} for i in TARGET]
    with pytest.raises(IndexChangeError, match="byStatusKeys"):
        stages(changed, TARGET)


def test_a_new_or_current_stack_deploys_the_packaged_template_alone(tmp_path: Path) -> None:
    template = tmp_path / "sam.json"
    template.write_text(json.dumps({"Resources": {"AppTable": {"Properties": table_properties()}}}))
    assert stages(TARGET, TARGET) == []
    assert staged_templates(template, None) == [template]
    assert staged_templates(template, TARGET) == [template]
    paths = staged_templates(template, BEFORE)
    assert len(paths) == 6 and paths[-1] == template
    first = json.loads(paths[0].read_text())["Resources"]["AppTable"]["Properties"]
    assert _names(first["GlobalSecondaryIndexes"]) == _names(BEFORE) | {"byStatusKeys"}
    assert staged_templates(template, None) == [template]  # stale stages are cleared
    assert not list(tmp_path.glob("stage-*"))
