"""Create the AWS resources from the deploy template's own definitions (local and tests).

Only development code imports this; it is never deployed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

__all__ = ["table_properties", "create_table_kwargs", "ensure_table"]

ROOT = Path(__file__).resolve().parent.parent
TABLE_TEMPLATE = ROOT / "templates" / "table.json"


def table_properties() -> dict[str, Any]:
    return json.loads(TABLE_TEMPLATE.read_text())["Resources"]["AppTable"]["Properties"]


def create_table_kwargs(name: str) -> dict[str, Any]:
    """CloudFormation's table properties, as DynamoDB's CreateTable takes them."""
    props = table_properties()
    return {
        "TableName": name,
        "BillingMode": props["BillingMode"],
        "AttributeDefinitions": props["AttributeDefinitions"],
        "KeySchema": props["KeySchema"],
        "GlobalSecondaryIndexes": props["GlobalSecondaryIndexes"],
        "StreamSpecification": {"StreamEnabled": True,
                                "StreamViewType": props["StreamSpecification"]["StreamViewType"]},
        "SSESpecification": {"Enabled": props["SSESpecification"]["SSEEnabled"]},
    }


def ensure_table(client: Any, name: str) -> bool:
    """Create the table if it is missing; True when it was created now."""
    try:
        client.describe_table(TableName=name)
        return False
    except client.exceptions.ResourceNotFoundException:
        pass
    client.create_table(**create_table_kwargs(name))
    client.get_waiter("table_exists").wait(TableName=name,
                                           WaiterConfig={"Delay": 1, "MaxAttempts": 30})
    ttl = table_properties()["TimeToLiveSpecification"]
    client.update_time_to_live(TableName=name, TimeToLiveSpecification={
        "AttributeName": ttl["AttributeName"], "Enabled": ttl["Enabled"]})
    return True
