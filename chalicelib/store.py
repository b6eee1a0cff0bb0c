"""The one DynamoDB table. Every key format and index name lives here and nowhere else.

Layout (``t`` tenant, ``a`` app, ``r`` request id, ``u`` user id):

============================  ================  =========================================
pk                            sk                what
============================  ================  =========================================
REGISTRY                      TENANT#t          the operator's list of tenants
T#t#TENANT                    META              a tenant
T#t#KEYS                      KEY#keyid         an admin key (hash only)
T#t#APPS                      APP#a             an app (publishable key hash, settings)
T#t#A#a#REQS                  R#r               a feature request (newest first by sk)
T#t#A#a#TAG#tag               R#r               a copy of the request per tag, for tag lists
T#t#A#a#R#r                   V#u / M#u         a vote / a vote moved away by a merge
T#t#A#a#R#r                   S#u / C#id        a subscription / a comment
T#t#A#a#FB                    F#id              feedback
T#t#A#a#IDEM                  scope             an idempotent response, 24 h TTL
T#t#RL#subject                window            a rate-limit counter, TTL
============================  ================  =========================================

Indexes: ``byStatus`` (lk, sk) and ``byStatusTop`` (lk, top) list one status, ``byTop``
(pk, top) lists all statuses by votes; ``top`` is votes * 10^13 + created ms, so ties go
to the newest. ``byUser`` (uk, sk) finds everything of one user in an app.
Every list the API offers is one Query on one of these: its cost does not grow with the
table. Counters change only inside transactions with the item that justifies them.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from . import aws, signed
from .records import AdminKey, App, Comment, FeatureRequest, Feedback, Person, Tenant, Vote

__all__ = [
    "Keys",
    "Store",
    "ConditionFailedError",
    "Page",
    "Change",
    "change_from_stream",
    "meter",
    "TOP_UNIT",
]

TOP_UNIT = 10**13  # one vote in the ``top`` sort number; below it, the creation time in ms
TX_LIMIT = 100  # items in one TransactWriteItems


class ConditionFailedError(Exception):
    """A conditional write lost: ``reasons`` has one code per item of a transaction."""

    def __init__(self, reasons: list[str] | None = None) -> None:
        super().__init__(",".join(reasons or ["ConditionalCheckFailed"]))
        self.reasons = reasons or ["ConditionalCheckFailed"]

    def failed_at(self, index: int) -> bool:
        return index < len(self.reasons) and self.reasons[index] == "ConditionalCheckFailed"


class Keys:
    """Pure key builders: the only place that knows the key formats."""

    @staticmethod
    def registry(tenant: str) -> dict[str, str]:
        return {"pk": "REGISTRY", "sk": f"TENANT#{tenant}"}

    @staticmethod
    def tenant(tenant: str) -> dict[str, str]:
        return {"pk": f"T#{tenant}#TENANT", "sk": "META"}

    @staticmethod
    def admin_keys(tenant: str) -> str:
        return f"T#{tenant}#KEYS"

    @staticmethod
    def admin_key(tenant: str, key_id: str) -> dict[str, str]:
        return {"pk": Keys.admin_keys(tenant), "sk": f"KEY#{key_id}"}

    @staticmethod
    def apps(tenant: str) -> str:
        return f"T#{tenant}#APPS"

    @staticmethod
    def app(tenant: str, app: str) -> dict[str, str]:
        return {"pk": Keys.apps(tenant), "sk": f"APP#{app}"}

    @staticmethod
    def app_prefix(tenant: str, app: str) -> str:
        return f"T#{tenant}#A#{app}"

    @staticmethod
    def requests(tenant: str, app: str, tag: str | None = None) -> str:
        base = Keys.app_prefix(tenant, app)
        return f"{base}#TAG#{tag}" if tag else f"{base}#REQS"

    @staticmethod
    def request(tenant: str, app: str, request_id: str, tag: str | None = None) -> dict[str, str]:
        return {"pk": Keys.requests(tenant, app, tag), "sk": f"R#{request_id}"}

    @staticmethod
    def status_list(tenant: str, app: str, status: str, tag: str | None = None) -> str:
        return f"{Keys.requests(tenant, app, tag)}#ST#{status}"

    @staticmethod
    def request_children(tenant: str, app: str, request_id: str) -> str:
        return f"{Keys.app_prefix(tenant, app)}#R#{request_id}"

    @staticmethod
    def vote(tenant: str, app: str, request_id: str, user: str, moved: bool = False) -> dict:
        prefix = "M#" if moved else "V#"
        return {"pk": Keys.request_children(tenant, app, request_id), "sk": prefix + user}

    @staticmethod
    def voted(tenant: str, app: str, user: str) -> dict[str, str]:
        """The set of requests one user votes for: a list page reads it in one GetItem."""
        return {"pk": Keys.user(tenant, app, user), "sk": "VOTED"}

    @staticmethod
    def subscription(tenant: str, app: str, request_id: str, user: str) -> dict[str, str]:
        return {"pk": Keys.request_children(tenant, app, request_id), "sk": f"S#{user}"}

    @staticmethod
    def comment(tenant: str, app: str, request_id: str, comment_id: str) -> dict[str, str]:
        return {"pk": Keys.request_children(tenant, app, request_id), "sk": f"C#{comment_id}"}

    @staticmethod
    def user(tenant: str, app: str, user: str) -> str:
        return f"{Keys.app_prefix(tenant, app)}#U#{user}"

    @staticmethod
    def feedback(tenant: str, app: str, feedback_id: str = "") -> dict[str, str]:
        return {"pk": f"{Keys.app_prefix(tenant, app)}#FB", "sk": f"F#{feedback_id}"}

    @staticmethod
    def idempotency(tenant: str, app: str, scope: str) -> dict[str, str]:
        return {"pk": f"{Keys.app_prefix(tenant, app)}#IDEM", "sk": scope}

    @staticmethod
    def rate(tenant: str, subject: str, window: int) -> dict[str, str]:
        return {"pk": f"T#{tenant}#RL#{subject}", "sk": str(window)}

    @staticmethod
    def top(votes: int, created_ms: int) -> int:
        return votes * TOP_UNIT + created_ms

    @staticmethod
    def marker(tenant: str, event_id: str, consumer: str) -> dict[str, str]:
        return {"pk": f"T#{tenant}#EVT#{event_id}", "sk": consumer}

    @staticmethod
    def insights(tenant: str, app: str) -> dict[str, str]:
        return {"pk": f"{Keys.app_prefix(tenant, app)}#INSIGHTS", "sk": "LATEST"}

    @staticmethod
    def search_shard(tenant: str, app: str, shard: int) -> dict[str, str]:
        return {"pk": f"{Keys.app_prefix(tenant, app)}#SEARCH", "sk": f"S#{shard}"}

    @staticmethod
    def vector(tenant: str, app: str, request_id: str = "") -> dict[str, str]:
        return {"pk": f"{Keys.app_prefix(tenant, app)}#VEC", "sk": f"V#{request_id}"}

    @staticmethod
    def audit(tenant: str) -> str:
        return f"T#{tenant}#AUDIT"

    @staticmethod
    def stats(tenant: str, app: str) -> dict[str, str]:
        return {"pk": f"{Keys.app_prefix(tenant, app)}#STATS", "sk": "TOTALS"}

    @staticmethod
    def deliveries(tenant: str, app: str) -> str:
        return f"{Keys.app_prefix(tenant, app)}#WH"

    @staticmethod
    def opt_out(tenant: str, app: str, recipient: str) -> dict[str, str]:
        return {"pk": Keys.user(tenant, app, recipient), "sk": "OPTOUT"}

    @staticmethod
    def scope(pk: str) -> tuple[str, str | None, str]:
        """``(tenant, app or None, rest)`` of a partition key: how a stream record is placed."""
        parts = pk.split("#")
        if len(parts) < 3 or parts[0] != "T":
            return "", None, pk
        if parts[2] == "A" and len(parts) >= 4:
            return parts[1], parts[3], "#".join(parts[4:])
        return parts[1], None, "#".join(parts[2:])


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


# ---------------------------------------------------------------- serialisation


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


# ---------------------------------------------------------------- record mapping


def _request_item(req: FeatureRequest, tag: str | None = None) -> dict[str, Any]:
    item = {
        **Keys.request(req.tenant, req.app, req.id, tag),
        "lk": Keys.status_list(req.tenant, req.app, req.status, tag),
        "top": Keys.top(req.votes, req.created_ms),
        "type": "request",
        "id": req.id,
        "appId": req.app,
        "title": req.title,
        "description": req.description,
        "status": req.status,
        "priority": req.priority,
        "tags": list(req.tags),
        "votes": req.votes,
        "commentCount": req.comment_count,
        "author": req.author.to_dict(),
        "response": req.response,
        "duplicateOf": req.duplicate_of,
        "statusBeforeMerge": req.status_before_merge,
        "insights": req.insights,
        "createdAt": req.created_ms,
        "updatedAt": req.updated_ms,
        "updatedBy": req.updated_by,
        "version": req.version,
    }
    if tag is None:
        item["uk"] = Keys.user(req.tenant, req.app, req.author.id)
    return item


def _request_record(tenant: str, item: dict[str, Any]) -> FeatureRequest:
    return FeatureRequest(
        tenant=tenant,
        app=item["appId"],
        id=item["id"],
        title=item["title"],
        description=item.get("description", ""),
        author=Person.from_dict(item["author"]),
        created_ms=item["createdAt"],
        updated_ms=item["updatedAt"],
        status=item["status"],
        priority=item["priority"],
        tags=tuple(item.get("tags", ())),
        votes=item.get("votes", 0),
        comment_count=item.get("commentCount", 0),
        response=item.get("response"),
        duplicate_of=item.get("duplicateOf"),
        status_before_merge=item.get("statusBeforeMerge"),
        insights=item.get("insights"),
        version=item["version"],
        updated_by=item.get("updatedBy"),
    )


def _app_item(app: App) -> dict[str, Any]:
    return {
        **Keys.app(app.tenant, app.id),
        "type": "app",
        "id": app.id,
        "name": app.name,
        "pubKeyHash": app.pub_key_hash,
        "userSecretSalt": app.user_secret_salt,
        "allowAnonymous": app.allow_anonymous,
        "notifyEmails": list(app.notify_emails),
        "webhooks": list(app.webhooks),
        "createdAt": app.created_ms,
        "updatedAt": app.updated_ms,
        "version": app.version,
    }


def _app_record(tenant: str, item: dict[str, Any]) -> App:
    return App(
        tenant=tenant,
        id=item["id"],
        name=item["name"],
        pub_key_hash=item["pubKeyHash"],
        user_secret_salt=item["userSecretSalt"],
        created_ms=item["createdAt"],
        updated_ms=item["updatedAt"],
        allow_anonymous=bool(item.get("allowAnonymous")),
        notify_emails=tuple(item.get("notifyEmails", ())),
        webhooks=tuple(item.get("webhooks", ())),
        version=item.get("version", 1),
    )


def _comment_record(tenant: str, app: str, item: dict[str, Any]) -> Comment:
    return Comment(
        tenant=tenant,
        app=app,
        request_id=item["requestId"],
        id=item["id"],
        body=item["body"],
        author=Person.from_dict(item["author"]),
        created_ms=item["createdAt"],
    )


def _feedback_record(tenant: str, item: dict[str, Any]) -> Feedback:
    return Feedback(
        tenant=tenant,
        app=item["appId"],
        id=item["id"],
        message=item["message"],
        created_ms=item["createdAt"],
        rating=item.get("rating"),
        type=item.get("feedbackType"),
        name=item.get("name"),
        email=item.get("email"),
        user_id=item.get("userId"),
        page=item.get("page"),
        sentiment=item.get("sentiment"),
        extra=item.get("extra") or {},
    )


def _readable(items: list[dict[str, Any]], mapper: Any) -> list[Any]:
    """Each item as a record; one that cannot be read (written by older code, or by hand) is
    left out and logged with its key, so one bad item never fails a whole list."""
    records = []
    for item in items:
        try:
            records.append(mapper(item))
        except (KeyError, TypeError, ValueError, AttributeError):
            from . import logs

            logs.logger().warning(
                "unreadable item left out of a list",
                extra={"pk": item.get("pk"), "sk": item.get("sk")},
            )
    return records


@dataclass(frozen=True)
class Page:
    items: list[Any]
    next_cursor: str | None


# ---------------------------------------------------------------- the store


class Store:
    """Intent-level access to the table; hides pagination, conditions and key formats."""

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
        if index:
            kwargs["IndexName"] = index
        if projection:
            kwargs["ProjectionExpression"] = ", ".join(f"#p{n}" for n in range(len(projection)))
            kwargs["ExpressionAttributeNames"] = {f"#p{n}": a for n, a in enumerate(projection)}
        context = f"{index or 'table'}|{partition}|{prefix or ''}|{forward}|{context_extra}"
        if cursor:
            kwargs["ExclusiveStartKey"] = signed.decode(self._secret, context, cursor)
        response = self._call("query", **kwargs)
        items = [_from_ddb(i) for i in response.get("Items", [])]
        last = response.get("LastEvaluatedKey")
        next_cursor = signed.encode(self._secret, context, last) if last and items else None
        return items, next_cursor

    def _query_all(self, partition: str, prefix: str) -> Iterator[dict[str, Any]]:
        cursor = None
        while True:
            items, cursor = self._query(partition, prefix=prefix, limit=500, cursor=cursor)
            yield from items
            if not cursor:
                return

    def _batch_get(self, keys: list[dict[str, str]]) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        for start in range(0, len(keys), 100):
            pending = {self.table: {"Keys": [_to_ddb(k) for k in keys[start : start + 100]]}}
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

    # ------------------------------------------------------------ tenants and keys

    def create_tenant(self, tenant: Tenant) -> None:
        record = {
            "type": "tenant",
            "id": tenant.id,
            "name": tenant.name,
            "createdAt": tenant.created_ms,
        }
        self.transact(
            [
                self._put_op({**Keys.tenant(tenant.id), **record}, "attribute_not_exists(pk)"),
                self._put_op({**Keys.registry(tenant.id), **record}),
            ]
        )

    def get_tenant(self, tenant: str) -> Tenant | None:
        item = self._get(Keys.tenant(tenant))
        return Tenant(item["id"], item["name"], item["createdAt"]) if item else None

    def list_tenants(self) -> list[Tenant]:
        return [
            Tenant(i["id"], i["name"], i["createdAt"])
            for i in self._query_all("REGISTRY", "TENANT#")
        ]

    def put_admin_key(self, key: AdminKey) -> None:
        self._put(
            {
                **Keys.admin_key(key.tenant, key.key_id),
                "type": "adminKey",
                "keyId": key.key_id,
                "keyHash": key.key_hash,
                "label": key.label,
                "createdAt": key.created_ms,
                "revoked": key.revoked,
            },
            "attribute_not_exists(pk)",
        )

    def get_admin_key(self, tenant: str, key_id: str) -> AdminKey | None:
        item = self._get(Keys.admin_key(tenant, key_id))
        return self._admin_key(tenant, item) if item else None

    @staticmethod
    def _admin_key(tenant: str, item: dict[str, Any]) -> AdminKey:
        return AdminKey(
            tenant,
            item["keyId"],
            item["keyHash"],
            item["createdAt"],
            item.get("label", ""),
            bool(item.get("revoked")),
        )

    def list_admin_keys(self, tenant: str) -> list[AdminKey]:
        return [
            self._admin_key(tenant, i) for i in self._query_all(Keys.admin_keys(tenant), "KEY#")
        ]

    def revoke_admin_key(self, tenant: str, key_id: str) -> None:
        self.transact(
            [
                self._update_op(
                    Keys.admin_key(tenant, key_id),
                    "SET revoked = :t",
                    {":t": True},
                    "attribute_exists(pk)",
                )
            ]
        )

    # ------------------------------------------------------------ apps

    def create_app(self, app: App) -> None:
        self._put(_app_item(app), "attribute_not_exists(pk)")

    def get_app(self, tenant: str, app_id: str) -> App | None:
        item = self._get(Keys.app(tenant, app_id))
        return _app_record(tenant, item) if item else None

    def list_apps(self, tenant: str) -> list[App]:
        return [_app_record(tenant, i) for i in self._query_all(Keys.apps(tenant), "APP#")]

    def replace_app(self, app: App, expected_version: int) -> None:
        """Write the whole app, only if nobody changed it since ``expected_version``."""
        self._conditional_put(
            _app_item(app), "attribute_exists(pk) AND version = :v", {":v": expected_version}
        )

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

    # ------------------------------------------------------------ requests

    def get_request(self, tenant: str, app: str, request_id: str) -> FeatureRequest | None:
        item = self._get(Keys.request(tenant, app, request_id))
        return _request_record(tenant, item) if item else None

    def create_request(
        self, req: FeatureRequest, idempotency: dict[str, Any] | None, subscriber: Person
    ) -> None:
        """The request, one copy per tag, the author's subscription and the replay record."""
        ops = [self._put_op(_request_item(req), "attribute_not_exists(pk)")]
        ops += [self._put_op(_request_item(req, tag)) for tag in req.tags]
        ops.append(self._subscription_op(req, subscriber))
        if idempotency is not None:
            ops.append(self._put_op(idempotency, "attribute_not_exists(pk)"))
        self.transact(ops)

    def iter_requests(
        self, tenant: str, app: str, page_size: int = 200
    ) -> Iterator[FeatureRequest]:
        """Every request of an app, newest first, one page in memory at a time."""
        cursor = None
        while True:
            items, cursor = self._query(
                Keys.requests(tenant, app), forward=False, limit=page_size, cursor=cursor
            )
            yield from (_request_record(tenant, i) for i in items)
            if not cursor:
                return

    def bulk_put_requests(self, reqs: Iterable[FeatureRequest]) -> int:
        """Load many requests (with their tag copies) in batches: imports and benchmarks."""
        batch, count = [], 0
        for req in reqs:
            for tag in (None, *req.tags):
                batch.append({"PutRequest": {"Item": _to_ddb(_request_item(req, tag))}})
                if len(batch) == 25:
                    count += self._write_batch(batch)
                    batch = []
        if batch:
            count += self._write_batch(batch)
        return count

    def list_requests(
        self,
        tenant: str,
        app: str,
        *,
        status: str | None,
        tag: str | None,
        sort: str,
        limit: int,
        cursor: str | None,
    ) -> Page:
        """One Query, on the index built for this combination of filters."""
        if status:
            partition = Keys.status_list(tenant, app, status, tag)
            index = "byStatusTop" if sort == "top" else "byStatus"
            attr = "lk"
        else:
            partition = Keys.requests(tenant, app, tag)
            index = "byTop" if sort == "top" else None
            attr = "pk"
        items, next_cursor = self._query(
            partition, index=index, partition_attr=attr, forward=False, limit=limit, cursor=cursor
        )
        return Page(_readable(items, lambda i: _request_record(tenant, i)), next_cursor)

    def update_request(self, old: FeatureRequest, new: FeatureRequest) -> None:
        """Write the changed fields of ``new`` if ``old`` is still current.

        Counters (votes, comments) are never written from a read value except for a new tag
        copy, and then the transaction also checks that the counters are unchanged.
        """
        fields = _request_item(new)
        changed = {
            k: v
            for k, v in fields.items()
            if k not in ("pk", "sk", "uk", "votes", "commentCount", "top", "lk")
            and _request_item(old).get(k) != v
        }
        changed["version"] = new.version
        changed["updatedAt"] = new.updated_ms
        condition = "attribute_exists(pk) AND version = :expected"
        values: dict[str, Any] = {":expected": old.version}
        added = [t for t in new.tags if t not in old.tags]
        if added:
            condition += " AND votes = :votes AND commentCount = :comments"
            values |= {":votes": old.votes, ":comments": old.comment_count}
        ops = [
            self._set_op(
                Keys.request(new.tenant, new.app, new.id),
                changed,
                Keys.status_list(new.tenant, new.app, new.status),
                condition,
                values,
            )
        ]
        for tag in new.tags:
            if tag in added:
                ops.append(self._put_op(_request_item(new, tag)))
            else:
                ops.append(
                    self._set_op(
                        Keys.request(new.tenant, new.app, new.id, tag),
                        changed,
                        Keys.status_list(new.tenant, new.app, new.status, tag),
                    )
                )
        ops += [
            self._delete_op(Keys.request(old.tenant, old.app, old.id, tag))
            for tag in old.tags
            if tag not in new.tags
        ]
        self.transact(ops)

    def _set_op(
        self,
        key: dict[str, str],
        fields: dict[str, Any],
        status_list: str,
        condition: str | None = None,
        values: dict[str, Any] | None = None,
    ) -> dict:
        names = {f"#f{i}": name for i, name in enumerate(fields)}
        sets, removes, vals = ["#lk = :lk"], [], dict(values or {})
        names["#lk"] = "lk"
        vals[":lk"] = status_list
        for alias, name in names.items():
            if name == "lk":
                continue
            value = fields[name]
            if value is None:
                removes.append(alias)
            else:
                sets.append(f"{alias} = :{alias[1:]}")
                vals[f":{alias[1:]}"] = value
        expression = "SET " + ", ".join(sets) + (" REMOVE " + ", ".join(removes) if removes else "")
        return self._update_op(key, expression, vals, condition, names)

    # ------------------------------------------------------------ audit trail

    def add_audit(self, tenant: str, entry: dict[str, Any], at_ms: int, expires_at: int) -> None:
        self._put(
            {
                "pk": Keys.audit(tenant),
                "sk": f"{at_ms:015d}#{entry['requestId']}",
                "type": "audit",
                **entry,
                "at": at_ms,
                "expiresAt": expires_at,
            }
        )

    def list_audit(self, tenant: str, limit: int, cursor: str | None) -> Page:
        items, next_cursor = self._query(
            Keys.audit(tenant), forward=False, limit=limit, cursor=cursor
        )
        return Page(
            [
                {k: v for k, v in i.items() if k not in ("pk", "sk", "type", "expiresAt")}
                for i in items
            ],
            next_cursor,
        )

    # ------------------------------------------------------------ privacy

    def user_items(self, tenant: str, app: str, user: str) -> list[dict[str, Any]]:
        """Everything of one user in an app, found through the ``byUser`` index."""
        keys, cursor = [], None
        while True:
            found, cursor = self._query(
                Keys.user(tenant, app, user),
                index="byUser",
                partition_attr="uk",
                limit=500,
                cursor=cursor,
            )
            keys += [{"pk": i["pk"], "sk": i["sk"]} for i in found]
            if not cursor:
                break
        items = self._batch_get(keys)
        opt_out = self._get(Keys.opt_out(tenant, app, user))
        return items + ([opt_out] if opt_out else [])

    def forget_item(self, item: dict[str, Any], anonymous: dict[str, str]) -> None:
        """Make one item no longer about its user: delete it, or strip who wrote it."""
        key = {"pk": item["pk"], "sk": item["sk"]}
        kind = item.get("type")
        if kind in ("subscription", "movedVote", "optOut", "votedSet"):
            self.transact([self._delete_op(key)])
        elif kind in ("comment", "request"):
            copies = [key]
            if kind == "request":
                tenant, app, _ = Keys.scope(item["pk"])
                copies += [Keys.request(tenant, app, item["id"], t) for t in item.get("tags", [])]
            self.transact(
                [
                    self._update_op(
                        k, "SET author = :a REMOVE uk", {":a": anonymous}, "attribute_exists(pk)"
                    )
                    for k in copies
                ]
            )
        elif kind == "feedback":
            self.transact(
                [
                    self._update_op(
                        key,
                        "REMOVE uk, userId, #n, email",
                        None,
                        "attribute_exists(pk)",
                        {"#n": "name"},
                    )
                ]
            )

    # ------------------------------------------------------------ the search index

    SEARCH_SHARDS = 4  # each item holds ~3,000 titles; the index is read in one BatchGetItem

    def _shard_of(self, request_id: str) -> int:
        import zlib

        return zlib.crc32(request_id.encode()) % self.SEARCH_SHARDS

    def index_request(self, tenant: str, app: str, request_id: str, entry: str | None) -> None:
        """Put (or, with None, remove) one request's ``status|title`` in the search index."""
        key = Keys.search_shard(tenant, app, self._shard_of(request_id))
        names = {"#e": "e", "#id": request_id}
        if entry is None:
            self.transact([self._update_op(key, "REMOVE #e.#id", None, None, names)])
            return
        try:
            self.transact(
                [
                    self._update_op(
                        key, "SET #e.#id = :v", {":v": entry}, "attribute_exists(#e)", names
                    )
                ]
            )
        except ConditionFailedError:  # the shard's first entry: create its map
            self.transact(
                [
                    self._update_op(
                        key,
                        "SET #e = if_not_exists(#e, :m)",
                        {":m": {request_id: entry}},
                        None,
                        {"#e": "e"},
                    )
                ]
            )
            self.transact([self._update_op(key, "SET #e.#id = :v", {":v": entry}, None, names)])

    def search_entries(self, tenant: str, app: str) -> dict[str, str]:
        """Every indexed ``id -> status|title`` of the app, in one call."""
        shards = self._batch_get(
            [Keys.search_shard(tenant, app, n) for n in range(self.SEARCH_SHARDS)]
        )
        return {k: v for shard in shards for k, v in (shard.get("e") or {}).items()}

    # ------------------------------------------------------------ stored sentence vectors

    def put_vector(
        self, tenant: str, app: str, request_id: str, vector: bytes, text_hash: str
    ) -> None:
        """A request title's embedding (``ai.embed``), and a hash of the text it was made of.
        Kept as base64 text, so backups, the local stack's file and exports read it as JSON."""
        import base64

        item = {"v": base64.b64encode(vector).decode(), "h": text_hash}
        self._put({**Keys.vector(tenant, app, request_id), **item})

    def delete_vector(self, tenant: str, app: str, request_id: str) -> None:
        self._call(
            "delete_item", TableName=self.table, Key=_to_ddb(Keys.vector(tenant, app, request_id))
        )

    def vector_hash(self, tenant: str, app: str, request_id: str) -> str | None:
        item = self._get(Keys.vector(tenant, app, request_id))
        return item.get("h") if item else None

    def vectors(self, tenant: str, app: str) -> dict[str, bytes]:
        """Every stored ``request id -> vector`` of the app: one Query, about 1 KB a request."""
        import base64

        partition = Keys.vector(tenant, app)
        return {
            item["sk"].removeprefix(partition["sk"]): base64.b64decode(item["v"])
            for item in self._query_all(partition["pk"], partition["sk"])
        }

    def get_requests(self, tenant: str, app: str, ids: list[str]) -> list[FeatureRequest]:
        found = {
            i["id"]: _request_record(tenant, i)
            for i in self._batch_get([Keys.request(tenant, app, r) for r in ids])
        }
        return [found[r] for r in ids if r in found]

    def set_insights(self, req: FeatureRequest, insights: dict[str, Any]) -> bool:
        """Put the analysis on the request and its tag copies; False if it was deleted."""
        ops = [
            self._update_op(
                Keys.request(req.tenant, req.app, req.id, tag),
                "SET insights = :i",
                {":i": insights},
                "attribute_exists(pk)",
            )
            for tag in (None, *req.tags)
        ]
        try:
            self.transact(ops)
            return True
        except ConditionFailedError:
            return False

    def put_insights_run(self, tenant: str, app: str, run: dict[str, Any]) -> None:
        self._put({**Keys.insights(tenant, app), "type": "insightsRun", **run})

    def get_insights_run(self, tenant: str, app: str) -> dict[str, Any] | None:
        item = self._get(Keys.insights(tenant, app))
        return {k: v for k, v in item.items() if k not in ("pk", "sk", "type")} if item else None

    def delete_request(self, req: FeatureRequest) -> None:
        """Remove the request and its copies at once, then its votes, comments and follows."""
        ops = [self._delete_op(Keys.request(req.tenant, req.app, req.id), "attribute_exists(pk)")]
        ops += [self._delete_op(Keys.request(req.tenant, req.app, req.id, t)) for t in req.tags]
        self.transact(ops)
        children = Keys.request_children(req.tenant, req.app, req.id)
        self._batch_delete({"pk": i["pk"], "sk": i["sk"]} for i in self._query_all(children, ""))

    def _counter_ops(
        self, req: FeatureRequest, votes: int = 0, comments: int = 0, expect_version: bool = True
    ) -> list[dict[str, Any]]:
        """ADD to the counters of the request and every tag copy, in the caller's transaction."""
        expression = "ADD votes :v, commentCount :c, #top :t"
        values = {":v": votes, ":c": comments, ":t": votes * TOP_UNIT}
        names = {"#top": "top"}
        main_condition = "attribute_exists(pk)"
        main_values = dict(values)
        if expect_version:
            main_condition += " AND version = :expected"
            main_values[":expected"] = req.version
        ops = [
            self._update_op(
                Keys.request(req.tenant, req.app, req.id),
                expression,
                main_values,
                main_condition,
                names,
            )
        ]
        ops += [
            self._update_op(
                Keys.request(req.tenant, req.app, req.id, tag),
                expression,
                values,
                "attribute_exists(pk)",
                names,
            )
            for tag in req.tags
        ]
        return ops

    # ------------------------------------------------------------ votes

    def _subscription_op(self, req: FeatureRequest, person: Person) -> dict[str, Any]:
        return self._put_op(
            {
                **Keys.subscription(req.tenant, req.app, req.id, person.id),
                "type": "subscription",
                "user": person.to_dict(),
                "uk": Keys.user(req.tenant, req.app, person.id),
            }
        )

    def _voted_op(
        self, tenant: str, app: str, user: str, request_ids: list[str], add: bool
    ) -> dict[str, Any]:
        """Add request ids to (or take them from) a user's voted set, in a transaction that
        makes or deletes the vote items themselves."""
        action = "ADD" if add else "DELETE"
        return self._update_op(
            Keys.voted(tenant, app, user),
            f"SET #type = :type, uk = :uk {action} ids :ids",
            {":type": "votedSet", ":uk": Keys.user(tenant, app, user), ":ids": set(request_ids)},
            names={"#type": "type"},
        )

    def add_vote(self, req: FeatureRequest, voter: Person, now_ms: int) -> None:
        """Raises ConditionFailedError; ``failed_at(0)`` means the user had already voted."""
        vote = {
            **Keys.vote(req.tenant, req.app, req.id, voter.id),
            "type": "vote",
            "user": voter.to_dict(),
            "createdAt": now_ms,
            "uk": Keys.user(req.tenant, req.app, voter.id),
        }
        self.transact(
            [
                self._put_op(vote, "attribute_not_exists(pk)"),
                *self._counter_ops(req, votes=1),
                self._subscription_op(req, voter),
                self._voted_op(req.tenant, req.app, voter.id, [req.id], add=True),
            ]
        )

    def remove_vote(self, req: FeatureRequest, voter_id: str) -> None:
        """Raises ConditionFailedError; ``failed_at(0)`` means there was no vote."""
        self.transact(
            [
                self._delete_op(
                    Keys.vote(req.tenant, req.app, req.id, voter_id), "attribute_exists(pk)"
                ),
                *self._counter_ops(req, votes=-1),
                self._voted_op(req.tenant, req.app, voter_id, [req.id], add=False),
            ]
        )

    def voted(self, tenant: str, app: str, request_ids: list[str], user: str) -> set[str]:
        """Which of ``request_ids`` the user voted for: one read, however many. One request:
        its vote item; more: the user's voted set (a page of 20 would be 20 vote items).
        A merged request keeps its voters' ids (with no votes left, nobody asks about it)."""
        if not request_ids:
            return set()
        if len(request_ids) == 1:
            found = self._get(Keys.vote(tenant, app, request_ids[0], user))
            return set(request_ids) if found else set()
        found = self._get(Keys.voted(tenant, app, user)) or {}
        return set(request_ids) & set(found.get("ids", ()))

    def list_voters(self, req: FeatureRequest, limit: int, cursor: str | None) -> Page:
        items, next_cursor = self._query(
            Keys.request_children(req.tenant, req.app, req.id),
            prefix="V#",
            limit=limit,
            cursor=cursor,
        )
        return Page([self._vote(i) for i in items], next_cursor)

    @staticmethod
    def _vote(item: dict[str, Any]) -> Vote:
        return Vote(Person.from_dict(item["user"]), item["createdAt"], item.get("origin"))

    def _votes(self, req: FeatureRequest, moved: bool) -> list[dict[str, Any]]:
        prefix = "M#" if moved else "V#"
        return list(self._query_all(Keys.request_children(req.tenant, req.app, req.id), prefix))

    def move_votes(self, source: FeatureRequest, target: FeatureRequest) -> int:
        """Move every vote of ``source`` to ``target``, remembering each one's way back.

        A voter of both keeps one vote on the target. Each chunk is one transaction with its
        counter updates, so the counts are right even if the merge stops half-way.
        """
        return self._in_chunks(
            self._votes(source, moved=False), lambda chunk: self._move_chunk(source, target, chunk)
        )

    def _in_chunks(self, items: list[dict[str, Any]], work: Any, size: int = 15) -> int:
        """``work`` on each run of ``size`` items (one transaction each), retried on conflict.
        15 voters x 4 items + 2 x 11 counter items stays under a transaction's 100."""
        return sum(
            self._retrying(lambda c=items[i : i + size]: work(c))
            for i in range(0, len(items), size)
        )

    def _target_votes(
        self, target: FeatureRequest | None, users: list[str]
    ) -> dict[str, dict[str, Any]]:
        if target is None:
            return {}
        found = self._batch_get([Keys.vote(target.tenant, target.app, target.id, u) for u in users])
        return {i["sk"][2:]: i for i in found}

    def _move_chunk(
        self, source: FeatureRequest, target: FeatureRequest, chunk: list[dict[str, Any]]
    ) -> int:
        users = [i["sk"][2:] for i in chunk]
        has = self._target_votes(target, users)
        ops, created = [], 0
        for item, user in zip(chunk, users, strict=True):
            ops.append(
                self._delete_op(
                    Keys.vote(source.tenant, source.app, source.id, user), "attribute_exists(pk)"
                )
            )
            ops.append(
                self._put_op(
                    {
                        **Keys.vote(source.tenant, source.app, source.id, user, moved=True),
                        "type": "movedVote",
                        "user": item["user"],
                        "createdAt": item["createdAt"],
                        "origin": item.get("origin"),
                        "movedTo": target.id,
                        "createdOnTarget": user not in has,
                        "uk": Keys.user(source.tenant, source.app, user),
                    }
                )
            )
            if user not in has:
                created += 1
                ops.append(
                    self._put_op(
                        {
                            **Keys.vote(target.tenant, target.app, target.id, user),
                            "type": "vote",
                            "user": item["user"],
                            "createdAt": item["createdAt"],
                            "origin": source.id,
                            "uk": Keys.user(target.tenant, target.app, user),
                        },
                        "attribute_not_exists(pk)",
                    )
                )
                ops.append(self._voted_op(target.tenant, target.app, user, [target.id], add=True))
        ops += self._counter_ops(source, votes=-len(chunk), expect_version=False)
        if created:
            ops += self._counter_ops(target, votes=created, expect_version=False)
        self.transact(ops)
        return len(chunk)

    def restore_votes(self, source: FeatureRequest, target: FeatureRequest | None) -> int:
        """Undo ``move_votes``: each moved vote goes back; the copies it made leave the target
        (a target deleted since took its copies with it)."""
        return self._in_chunks(
            self._votes(source, moved=True),
            lambda chunk: self._restore_chunk(source, target, chunk),
        )

    def _restore_chunk(
        self, source: FeatureRequest, target: FeatureRequest | None, chunk: list[dict[str, Any]]
    ) -> int:
        users = [i["sk"][2:] for i in chunk]
        on_target = self._target_votes(target, users)
        ops, removed = [], 0
        for item, user in zip(chunk, users, strict=True):
            ops.append(
                self._delete_op(
                    Keys.vote(source.tenant, source.app, source.id, user, moved=True),
                    "attribute_exists(pk)",
                )
            )
            ops.append(
                self._put_op(
                    {
                        **Keys.vote(source.tenant, source.app, source.id, user),
                        "type": "vote",
                        "user": item["user"],
                        "createdAt": item["createdAt"],
                        "origin": item.get("origin"),
                        "uk": Keys.user(source.tenant, source.app, user),
                    }
                )
            )
            copy = on_target.get(user)
            if target and item.get("createdOnTarget") and copy and copy.get("origin") == source.id:
                removed += 1
                delete = self._delete_op(
                    Keys.vote(target.tenant, target.app, target.id, user), "origin = :o"
                )
                delete["Delete"]["ExpressionAttributeValues"] = _values({":o": source.id})
                ops.append(delete)
                ops.append(self._voted_op(target.tenant, target.app, user, [target.id], add=False))
        ops += self._counter_ops(source, votes=len(chunk), expect_version=False)
        if target and removed:
            ops += self._counter_ops(target, votes=-removed, expect_version=False)
        self.transact(ops)
        return len(chunk)

    @staticmethod
    def _retrying(work: Any, attempts: int = 6) -> Any:
        """Run ``work`` again when a transaction lost to a concurrent one."""
        for attempt in range(attempts):
            try:
                return work()
            except ConditionFailedError:
                if attempt == attempts - 1:
                    raise
                time.sleep(0.02 * 2**attempt)
        return None

    # ------------------------------------------------------------ subscriptions

    def subscribe(self, req: FeatureRequest, person: Person) -> None:
        self.transact([self._subscription_op(req, person)])

    def unsubscribe(self, req: FeatureRequest, user_id: str) -> None:
        self.transact([self._delete_op(Keys.subscription(req.tenant, req.app, req.id, user_id))])

    def is_subscribed(self, req: FeatureRequest, user_id: str) -> bool:
        return self._get(Keys.subscription(req.tenant, req.app, req.id, user_id)) is not None

    # ------------------------------------------------------------ comments

    def add_comment(self, req: FeatureRequest, comment: Comment) -> None:
        item = {
            **Keys.comment(req.tenant, req.app, req.id, comment.id),
            "type": "comment",
            "id": comment.id,
            "requestId": req.id,
            "body": comment.body,
            "author": comment.author.to_dict(),
            "createdAt": comment.created_ms,
            "uk": Keys.user(req.tenant, req.app, comment.author.id),
        }
        self.transact(
            [
                self._put_op(item, "attribute_not_exists(pk)"),
                *self._counter_ops(req, comments=1, expect_version=False),
                self._subscription_op(req, comment.author),
            ]
        )

    def get_comment(self, req: FeatureRequest, comment_id: str) -> Comment | None:
        item = self._get(Keys.comment(req.tenant, req.app, req.id, comment_id))
        return _comment_record(req.tenant, req.app, item) if item else None

    def delete_comment(self, req: FeatureRequest, comment_id: str) -> None:
        self.transact(
            [
                self._delete_op(
                    Keys.comment(req.tenant, req.app, req.id, comment_id), "attribute_exists(pk)"
                ),
                *self._counter_ops(req, comments=-1, expect_version=False),
            ]
        )

    def list_comments(self, req: FeatureRequest, limit: int, cursor: str | None) -> Page:
        items, next_cursor = self._query(
            Keys.request_children(req.tenant, req.app, req.id),
            prefix="C#",
            limit=limit,
            cursor=cursor,
        )
        return Page(
            _readable(items, lambda i: _comment_record(req.tenant, req.app, i)), next_cursor
        )

    # ------------------------------------------------------------ whole apps (the way out)

    def dump_app(self, tenant: str, app: str) -> Iterator[dict[str, Any]]:
        """Every request of an app, each followed by its votes, moved votes, followers and
        comments, then the app's feedback: portable records without table keys (times in ms
        since the epoch), what tools/postgres/load.sql loads into PostgreSQL."""
        for req in self._query_all(Keys.requests(tenant, app), "R#"):
            yield _portable(req)
            children = self._query_all(Keys.request_children(tenant, app, req["id"]), "")
            yield from (_portable(c, req["id"]) for c in children if c["type"] in PORTABLE)
        yield from (_portable(f) for f in self._query_all(Keys.feedback(tenant, app)["pk"], "F#"))

    def load_app(
        self, tenant: str, app: str, records: Iterable[dict[str, Any]], feedback_days: int
    ) -> dict[str, int]:
        """Write dumped records into an app, ids kept, 25 to a batch. Loading the same records
        twice writes the same items again. Items are marked ``imported``: their events update
        statistics and search but send no email and no webhook."""
        counts: dict[str, int] = {}
        batch: list[dict[str, Any]] = []
        voted: dict[str, list[str]] = {}
        for number, record in enumerate(records, 1):
            try:
                items = _items_of(tenant, app, record, feedback_days)
            except (KeyError, TypeError, ValueError) as exc:
                raise ValueError(f"record {number}: {type(exc).__name__} {exc}") from None
            for item in items:
                batch.append({"PutRequest": {"Item": _to_ddb({**item, "imported": True})}})
                if len(batch) == 25:
                    self._write_batch(batch)
                    batch = []
            counts[record["kind"]] = counts.get(record["kind"], 0) + 1
            if record["kind"] == "vote":
                voted.setdefault(record["user"]["id"], []).append(str(record["requestId"]))
        if batch:
            self._write_batch(batch)
        for user, request_ids in voted.items():
            self._call(
                "update_item", **self._voted_op(tenant, app, user, request_ids, True)["Update"]
            )
        return counts

    # ------------------------------------------------------------ feedback

    def add_feedback(self, fb: Feedback) -> None:
        item = {
            **Keys.feedback(fb.tenant, fb.app, fb.id),
            "type": "feedback",
            "id": fb.id,
            "appId": fb.app,
            "message": fb.message,
            "rating": fb.rating,
            "feedbackType": fb.type,
            "name": fb.name,
            "email": fb.email,
            "userId": fb.user_id,
            "page": fb.page,
            "sentiment": fb.sentiment,
            "createdAt": fb.created_ms,
            "extra": fb.extra or None,
        }
        if fb.user_id:
            item["uk"] = Keys.user(fb.tenant, fb.app, fb.user_id)
        if fb.expires_at:
            item["expiresAt"] = fb.expires_at
        self._put(item, "attribute_not_exists(pk)")

    # what the list shows: not ``extra``, whose keys came from outside (an empty one, stored
    # by older code, made moto answer JSON that botocore cannot parse: the whole page failed)
    FEEDBACK_LISTED = (
        "pk", "sk", "id", "appId", "message", "createdAt", "rating", "feedbackType", "name",
        "email", "userId", "page", "sentiment",
    )  # fmt: skip

    def list_feedback(self, tenant: str, app: str, limit: int, cursor: str | None) -> Page:
        items, next_cursor = self._query(
            Keys.feedback(tenant, app)["pk"],
            prefix="F#",
            forward=False,
            limit=limit,
            cursor=cursor,
            projection=self.FEEDBACK_LISTED,
        )
        return Page(_readable(items, lambda i: _feedback_record(tenant, i)), next_cursor)

    # ------------------------------------------------------------ idempotency and rates

    def idempotency_item(
        self,
        tenant: str,
        app: str,
        scope: str,
        fingerprint: str,
        status: int,
        body: dict[str, Any],
        expires_at: int,
    ) -> dict[str, Any]:
        return {
            **Keys.idempotency(tenant, app, scope),
            "type": "idempotency",
            "fingerprint": fingerprint,
            "status": status,
            "body": body,
            "expiresAt": expires_at,
        }

    def get_idempotent(self, tenant: str, app: str, scope: str) -> dict[str, Any] | None:
        return self._get(Keys.idempotency(tenant, app, scope), consistent=True)

    # ------------------------------------------------------------ event consumers

    def claim(self, tenant: str, event_id: str, consumer: str, expires_at: int) -> bool:
        """Mark an event as handled by ``consumer``; False if it already was (a redelivery)."""
        try:
            self._put(
                {**Keys.marker(tenant, event_id, consumer), "expiresAt": expires_at},
                "attribute_not_exists(pk)",
            )
            return True
        except ConditionFailedError:
            return False

    def claimed(self, tenant: str, event_id: str, consumer: str) -> bool:
        return self._get(Keys.marker(tenant, event_id, consumer), consistent=True) is not None

    def release(self, tenant: str, event_id: str, consumer: str) -> None:
        """Undo ``claim`` when the work failed, so the retry does it."""
        self.transact([self._delete_op(Keys.marker(tenant, event_id, consumer))])

    def add_to_stats(
        self, tenant: str, app: str, deltas: dict[str, int], event_id: str, expires_at: int
    ) -> bool:
        """ADD each delta once per event: the marker and the counters in one transaction."""
        names = {f"#c{i}": name for i, name in enumerate(deltas)}
        values = {f":c{i}": delta for i, delta in enumerate(deltas.values())}
        expression = "ADD " + ", ".join(f"#c{i} :c{i}" for i in range(len(deltas)))
        marker = {**Keys.marker(tenant, event_id, "stats"), "expiresAt": expires_at}
        ops = [self._put_op(marker, "attribute_not_exists(pk)")]
        if deltas:
            ops.append(self._update_op(Keys.stats(tenant, app), expression, values, None, names))
        try:
            self.transact(ops)
            return True
        except ConditionFailedError as exc:
            if exc.failed_at(0):
                return False
            raise

    def set_feedback_sentiment(
        self,
        tenant: str,
        app: str,
        feedback_id: str,
        sentiment: str,
        event_id: str,
        expires_at: int,
    ) -> bool:
        """Label one feedback and count the label, once per event, in one transaction."""
        marker = {**Keys.marker(tenant, event_id, "sentiment"), "expiresAt": expires_at}
        try:
            self.transact(
                [
                    self._put_op(marker, "attribute_not_exists(pk)"),
                    self._update_op(
                        Keys.feedback(tenant, app, feedback_id),
                        "SET sentiment = :s",
                        {":s": sentiment},
                        "attribute_exists(pk)",
                    ),
                    self._update_op(
                        Keys.stats(tenant, app),
                        "ADD #c :one",
                        {":one": 1},
                        None,
                        {"#c": f"sent_{sentiment}"},
                    ),
                ]
            )
            return True
        except ConditionFailedError as exc:
            if exc.failed_at(0) or exc.failed_at(1):  # seen already, or the feedback is gone
                return False
            raise

    def get_stats(self, tenant: str, app: str) -> dict[str, int]:
        item = self._get(Keys.stats(tenant, app)) or {}
        return {k: v for k, v in item.items() if k not in ("pk", "sk")}

    def followers(self, tenant: str, app: str, request_id: str) -> list[Person]:
        children = Keys.request_children(tenant, app, request_id)
        return [Person.from_dict(i["user"]) for i in self._query_all(children, "S#")]

    def opt_out(self, tenant: str, app: str, recipient: str) -> None:
        self._put({**Keys.opt_out(tenant, app, recipient), "type": "optOut"})

    def opted_out(self, tenant: str, app: str, recipients: list[str]) -> set[str]:
        found = self._batch_get([Keys.opt_out(tenant, app, r) for r in recipients])
        prefix = Keys.user(tenant, app, "")
        return {i["pk"][len(prefix) :] for i in found}

    def add_delivery(
        self, tenant: str, app: str, attempt: dict[str, Any], at_ms: int, expires_at: int
    ) -> None:
        """One webhook attempt, kept a week, listed newest first."""
        sk = f"D#{at_ms:015d}#{attempt['eventId']}#{attempt['attempt']}#{attempt['url'][:200]}"
        self._put(
            {
                "pk": Keys.deliveries(tenant, app),
                "sk": sk,
                "type": "delivery",
                **attempt,
                "at": at_ms,
                "expiresAt": expires_at,
            }
        )

    def list_deliveries(self, tenant: str, app: str, limit: int, cursor: str | None) -> Page:
        items, next_cursor = self._query(
            Keys.deliveries(tenant, app), prefix="D#", forward=False, limit=limit, cursor=cursor
        )
        keep = (
            "eventId",
            "eventType",
            "url",
            "statusCode",
            "attempt",
            "at",
            "error",
            "nextRetryAt",
        )
        return Page([{k: i.get(k) for k in keep} for i in items], next_cursor)

    def hit_rate(
        self,
        tenant: str,
        subject: str,
        window: int,
        expires_at: int,
        step: int = 1,
        writes: int = 0,
    ) -> tuple[int, int]:
        """Count ``step`` more calls (``writes`` of them writes) in a fixed window, in one
        small UpdateItem; returns the calls and writes counted so far."""
        response = self._call(
            "update_item",
            TableName=self.table,
            Key=_to_ddb(Keys.rate(tenant, subject, window)),
            UpdateExpression="ADD hits :step, writes :w SET expiresAt = :exp",
            ExpressionAttributeValues=_values({":step": step, ":w": writes, ":exp": expires_at}),
            ReturnValues="ALL_NEW",
        )
        found = response["Attributes"]
        return int(found["hits"]["N"]), int(found.get("writes", {}).get("N", 0))


# ---------------------------------------------------------------- stream changes


@dataclass(frozen=True)
class Change:
    """One table change, as records: what the stream says happened, keys already parsed."""

    kind: str  # "request", "vote", "comment", "feedback"
    tenant: str
    app: str
    old: Any
    new: Any
    request_id: str | None = None


def _vote_record(item: dict[str, Any]) -> Vote:
    return Vote(Person.from_dict(item["user"]), item["createdAt"], item.get("origin"))


PORTABLE = ("request", "vote", "movedVote", "subscription", "comment", "feedback")
_TABLE_ONLY = {"pk", "sk", "uk", "lk", "top", "type", "appId", "imported", "expiresAt"}


def _portable(item: dict[str, Any], request_id: str | None = None) -> dict[str, Any]:
    record = {"kind": item["type"], **{k: v for k, v in item.items() if k not in _TABLE_ONLY}}
    if request_id is not None:
        record["requestId"] = request_id
    return record


def _items_of(
    tenant: str, app: str, record: dict[str, Any], feedback_days: int
) -> list[dict[str, Any]]:
    """The table items one portable record becomes (a request: one per tag copy too)."""
    kind = record["kind"]
    if kind not in PORTABLE:
        raise ValueError(f"unknown kind {kind!r}; expected one of {', '.join(PORTABLE)}")
    body = {k: v for k, v in record.items() if k not in ("kind", "requestId")}
    if kind == "request":
        req = _request_record(tenant, {**body, "appId": app})
        return [_request_item(req, tag) for tag in (None, *req.tags)]
    if kind == "feedback":
        fb = _feedback_record(tenant, {**body, "appId": app})
        item = {**Keys.feedback(tenant, app, fb.id), "type": kind, "appId": app, **body}
        if fb.user_id:
            item["uk"] = Keys.user(tenant, app, fb.user_id)
        if feedback_days:
            item["expiresAt"] = fb.created_ms // 1000 + feedback_days * 86400
        return [item]
    request_id = str(record["requestId"])
    if kind == "comment":
        comment = _comment_record(tenant, app, {**body, "requestId": request_id})
        key, user = Keys.comment(tenant, app, request_id, comment.id), comment.author.id
        body["requestId"] = request_id
    else:
        user = Person.from_dict(body["user"]).id
        key = (
            Keys.subscription(tenant, app, request_id, user)
            if kind == "subscription"
            else Keys.vote(tenant, app, request_id, user, moved=kind == "movedVote")
        )
    return [{**key, "type": kind, **body, "uk": Keys.user(tenant, app, user)}]


def change_from_stream(record: dict[str, Any]) -> Change | None:
    """The change of a Lambda-shaped stream record, or None for items no event is made of.

    Tolerates key-only images (moto emits one for an UpdateItem that creates an item).
    """
    data = record.get("dynamodb", {})
    old = _from_ddb(data["OldImage"]) if data.get("OldImage") else None
    new = _from_ddb(data["NewImage"]) if data.get("NewImage") else None
    if old is not None and "type" not in old:
        old = None
    if new is not None and "type" not in new:
        new = None
    image = new or old
    if image is None:
        return None
    tenant, app, rest = Keys.scope(image["pk"])
    kind = image["type"]
    if not app or (kind == "request" and rest != "REQS"):  # tag copies make no events
        return None
    convert = {
        "request": lambda i: _request_record(tenant, i),
        "vote": _vote_record,
        "comment": lambda i: _comment_record(tenant, app, i),
        "feedback": lambda i: _feedback_record(tenant, i),
    }.get(kind)
    if convert is None:
        return None
    request_id = image["id"] if kind == "request" else (rest[2:] if rest.startswith("R#") else None)
    return Change(kind, tenant, app, old and convert(old), new and convert(new), request_id)
