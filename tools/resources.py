"""Create the AWS resources from the deploy template's own definitions (local and tests).

Only development code imports this; it is never deployed.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "table_properties",
    "create_table_kwargs",
    "ensure_table",
    "ensure_messaging",
    "Messaging",
    "provision",
]

ROOT = Path(__file__).resolve().parent.parent
TABLE_TEMPLATE = ROOT / "templates" / "table.json"
MESSAGING_TEMPLATE = ROOT / "templates" / "messaging.json"
STORAGE_TEMPLATE = ROOT / "templates" / "storage.json"


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
        "StreamSpecification": {
            "StreamEnabled": True,
            "StreamViewType": props["StreamSpecification"]["StreamViewType"],
        },
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
    client.get_waiter("table_exists").wait(
        TableName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 30}
    )
    ttl = table_properties()["TimeToLiveSpecification"]
    client.update_time_to_live(
        TableName=name,
        TimeToLiveSpecification={"AttributeName": ttl["AttributeName"], "Enabled": ttl["Enabled"]},
    )
    return True


@dataclass(frozen=True)
class Messaging:
    topic_arn: str
    webhook_queue_url: str
    webhook_dlq_url: str
    jobs_queue_url: str


def ensure_messaging(sns: Any, sqs: Any) -> Messaging:
    """The topic and queues of templates/messaging.json (creating them is idempotent)."""
    resources = json.loads(MESSAGING_TEMPLATE.read_text())["Resources"]
    topic = sns.create_topic(Name=resources["EventsTopic"]["Properties"]["TopicName"])
    webhooks, webhooks_dlq = _queue_pair(sqs, resources, "WebhookQueue")
    jobs, _ = _queue_pair(sqs, resources, "JobsQueue")
    return Messaging(topic["TopicArn"], webhooks, webhooks_dlq, jobs)


def _queue_pair(sqs: Any, resources: dict[str, Any], name: str) -> tuple[str, str]:
    """A queue and the dead-letter queue its redrive policy names, as the template says."""
    props = resources[name]["Properties"]
    dlq_name = props["RedrivePolicy"]["deadLetterTargetArn"]["Fn::GetAtt"][0]
    dlq_props = resources[dlq_name]["Properties"]
    dlq_url = sqs.create_queue(
        QueueName=dlq_props["QueueName"],
        Attributes={"MessageRetentionPeriod": str(dlq_props["MessageRetentionPeriod"])},
    )["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    redrive = {
        "deadLetterTargetArn": dlq_arn,
        "maxReceiveCount": props["RedrivePolicy"]["maxReceiveCount"],
    }
    url = sqs.create_queue(
        QueueName=props["QueueName"],
        Attributes={
            "VisibilityTimeout": str(props["VisibilityTimeout"]),
            "MessageRetentionPeriod": str(props["MessageRetentionPeriod"]),
            "RedrivePolicy": json.dumps(redrive),
        },
    )["QueueUrl"]
    return url, dlq_url


def ensure_bucket(s3: Any, name: str) -> None:
    """The export bucket of templates/storage.json: encrypted, public access blocked."""
    props = json.loads(STORAGE_TEMPLATE.read_text())["Resources"]["ExportBucket"]["Properties"]
    with contextlib.suppress(s3.exceptions.BucketAlreadyOwnedByYou):
        s3.create_bucket(Bucket=name)
    rules = [
        {"ApplyServerSideEncryptionByDefault": rule["ServerSideEncryptionByDefault"]}
        for rule in props["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    ]
    s3.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration={"Rules": rules})
    s3.put_public_access_block(
        Bucket=name, PublicAccessBlockConfiguration=props["PublicAccessBlockConfiguration"]
    )


def provision(
    table_name: str, sender: str, bucket: str = "featureboard-exports-local"
) -> dict[str, str]:
    """Everything the app needs, made from the templates; returns the settings to export."""
    from chalicelib import aws

    ensure_table(aws.client("dynamodb"), table_name)
    messaging = ensure_messaging(aws.client("sns"), aws.client("sqs"))
    aws.client("ses").verify_email_identity(EmailAddress=sender)
    ensure_bucket(aws.client("s3"), bucket)
    return {
        "TABLE_NAME": table_name,
        "EVENTS_TOPIC_ARN": messaging.topic_arn,
        "WEBHOOK_QUEUE_URL": messaging.webhook_queue_url,
        "WEBHOOK_DLQ_URL": messaging.webhook_dlq_url,
        "JOBS_QUEUE_URL": messaging.jobs_queue_url,
        "SENDER_EMAIL": sender,
        "EXPORT_BUCKET": bucket,
    }
