"""The local stack's memory: what moto holds, written to ``.local/table.jsonl`` and read back.

moto keeps nothing when its process ends, so the stack saves a snapshot every few seconds
(when something changed) and when it stops. A snapshot is more than the table: it also
holds the work the event pipeline had not finished, so a restart carries on where it
stopped, as Lambda's event source mappings do after an outage:

- the table's items (DynamoDB JSON, as ``scan`` returns them);
- the stream records after the stream worker's checkpoint (a restored table gets a fresh
  stream that knows nothing of them, so they are replayed before the new stream is read);
- every message waiting in a queue (the SNS consumers' queues, webhooks, jobs, dead letters),
  with the delay it still had to wait.

The three are taken in an order that loses nothing: the checkpoint first, then the queues,
then the stream under the patched table lock (the items are the stream's records folded).
Whatever was consumed before the queues were read has its effect in the items read after;
whatever was not is in the snapshot and runs again. Consumers are idempotent on the event id (derived from the
record's ``eventID``, which the replay keeps), so running again is harmless.

The file is written beside its final name, flushed to disk, then renamed over it: a save
that fails or is interrupted leaves the previous snapshot whole. Development only.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "Mirror",
    "Snapshot",
    "fingerprint",
    "read_snapshot",
    "restore_messages",
    "restore_items",
    "stream_end",
    "write_snapshot",
]

FORMAT = "featureboard-local-snapshot/2"


@dataclass
class Snapshot:
    items: list[dict[str, Any]] = field(default_factory=list)
    records: list[dict[str, Any]] = field(default_factory=list)  # stream records not handled
    messages: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # by queue name
    item_lines: list[str] = field(default_factory=list)  # items already encoded, as written

    def lines(self) -> Iterator[str]:
        yield json.dumps({"format": FORMAT, "saved": time.time()})
        yield from self.item_lines
        for item in self.items:
            yield json.dumps({"item": item})
        for record in self.records:
            yield json.dumps({"record": record})
        for queue, messages in self.messages.items():
            for message in messages:
                yield json.dumps({"queue": queue, "message": message})


def write_snapshot(path: Path, snapshot: Snapshot | Iterable[str]) -> int:
    """Write the snapshot next to ``path``, then rename it over ``path``: all or nothing.

    ``snapshot`` may also be any iterable of lines (the items of a scan): if producing them
    fails half way, the half-written file is removed and ``path`` is left as it was.
    Returns how many lines were written after the header.
    """
    lines = snapshot.lines() if isinstance(snapshot, Snapshot) else snapshot
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    count = -1 if isinstance(snapshot, Snapshot) else 0
    try:
        with temporary.open("w", encoding="utf-8") as out:
            for line in lines:
                out.write(line + "\n")
                count += 1
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    _sync_folder(path.parent)
    return count


def _sync_folder(folder: Path) -> None:
    """Make the rename itself survive a power cut (best effort: not every OS allows it)."""
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)


def read_snapshot(path: Path) -> Snapshot:
    """Read a snapshot; a file of bare items (what earlier versions saved) is items only."""
    found = Snapshot()
    if not path.exists():
        return found
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    if not lines or json.loads(lines[0]).get("format") != FORMAT:
        found.items = [json.loads(line) for line in lines]
        return found
    for line in lines[1:]:
        entry = json.loads(line)
        if "item" in entry:
            found.items.append(entry["item"])
        elif "record" in entry:
            found.records.append(entry["record"])
        else:
            found.messages.setdefault(entry["queue"], []).append(entry["message"])
    return found


# ---------------------------------------------------------------- in-process moto


def _backends(backend_dict: Any) -> Iterator[Any]:
    for account in list(backend_dict.keys()):
        regions = backend_dict[account]
        for region in list(regions.keys()):
            yield regions[region]


def _table(name: str) -> Any:
    from moto.dynamodb.models import dynamodb_backends

    for backend in _backends(dynamodb_backends):
        if name in backend.tables:
            return backend.tables[name]
    raise LookupError(f"no table {name!r} in this process's moto")


def stream_end(table_name: str) -> dict[str, int]:
    """The last sequence number of each shard of the table's stream (nothing handled yet
    past it): where a runner that starts at LATEST now has its checkpoint."""
    from .moto_patches import LOCK

    with LOCK:
        shard = _table(table_name).stream_shard
        return {shard.id: shard.starting_sequence_number + len(shard.items) - 1}


def _queues() -> Iterator[Any]:
    from moto.sqs.models import sqs_backends

    for backend in _backends(sqs_backends):
        yield from list(backend.queues.values())


def _message(message: Any, now_ms: float) -> dict[str, Any]:
    wait_ms = max(message.visible_at, message.delayed_until) - now_ms
    return {
        "body": message.body,
        "attributes": message.message_attributes,
        "delaySeconds": min(900, max(0, round(wait_ms / 1000))),
    }


def fingerprint(table_name: str) -> tuple[Any, ...]:
    """Changes whenever the table or a queue changes: a cheap test for "save again?"."""
    from .moto_patches import LOCK

    with LOCK:
        writes = len(_table(table_name).stream_shard.items)
    queues = tuple(
        (
            q.name,
            tuple(m.id for m in list(q._messages)),
            sum(m.receipt_handle is not None for m in list(q._messages)),
        )
        for q in _queues()
    )
    return writes, queues


class Mirror:
    """The table as its stream tells it, kept up to date between snapshots.

    Every write to the stack's table since moto made it (the restore's own puts included)
    is a stream record carrying the item's new image, so folding the records in order gives
    the table without scanning it. A snapshot then holds moto's lock only to take the new
    records, not to copy thousands of items (which would stall every request meanwhile),
    and only changed items are encoded again.
    """

    def __init__(self, table_name: str) -> None:
        self.table_name = table_name
        self._lines: dict[str, str] = {}  # item key -> its snapshot line
        self._applied = 0  # how many of the shard's records are folded in

    def capture(self, checkpoints: dict[str, int], replay: list[dict[str, Any]]) -> Snapshot:
        """Everything a restart needs (see the module's docstring).

        ``checkpoints`` is the stream worker's last handled sequence number per shard and
        ``replay`` the records of an earlier snapshot it has not replayed yet, both read by
        the caller before this call.
        """
        from .moto_patches import LOCK

        now_ms = time.time() * 1000
        messages = {
            q.name: [_message(m, now_ms) for m in list(q._messages)]
            for q in _queues()
            if q._messages
        }
        with LOCK:  # records never change once written: references are enough
            shard = _table(self.table_name).stream_shard
            fresh = shard.items[self._applied :]
            after = checkpoints.get(shard.id, shard.starting_sequence_number - 1)
            pending = shard.items[max(0, after + 1 - shard.starting_sequence_number) :]
        for record in fresh:
            data = record.record["dynamodb"]
            key = json.dumps(data["Keys"], sort_keys=True)
            if record.record["eventName"] == "REMOVE":
                self._lines.pop(key, None)
            elif "NewImage" in data:
                self._lines[key] = json.dumps({"item": data["NewImage"]})
        self._applied += len(fresh)
        records = [_portable(r.record) for r in pending]
        return Snapshot([], [*replay, *records], messages, list(self._lines.values()))


def _portable(record: dict[str, Any]) -> dict[str, Any]:
    data = dict(record["dynamodb"])
    created = data.get("ApproximateCreationDateTime")
    if hasattr(created, "timestamp"):
        data["ApproximateCreationDateTime"] = created.timestamp()
    return {**record, "dynamodb": data}


# ---------------------------------------------------------------- back into a fresh moto


def restore_items(table: str, items: list[dict[str, Any]]) -> tuple[int, int]:
    """Put the items back, 25 a call; an item the table refuses is skipped, not fatal.

    Returns (restored, skipped): one bad item must not keep the stack from starting.
    """
    from chalicelib import aws

    client = aws.client("dynamodb")
    restored = skipped = 0
    for start in range(0, len(items), 25):
        chunk = items[start : start + 25]
        try:
            pending = {table: [{"PutRequest": {"Item": i}} for i in chunk]}
            while pending:
                pending = client.batch_write_item(RequestItems=pending).get("UnprocessedItems")
            restored += len(chunk)
        except client.exceptions.ClientError:
            for item in chunk:
                try:
                    client.put_item(TableName=table, Item=item)
                    restored += 1
                except client.exceptions.ClientError:
                    skipped += 1
    return restored, skipped


def restore_messages(messages: dict[str, list[dict[str, Any]]]) -> int:
    """Send the saved messages again to the queues of the same names (delays kept)."""
    from chalicelib import aws

    sqs, sent = aws.client("sqs"), 0
    for name, saved in messages.items():
        try:
            url = sqs.get_queue_url(QueueName=name)["QueueUrl"]
        except sqs.exceptions.ClientError:
            continue  # a queue this version no longer has
        for start in range(0, len(saved), 10):
            entries = [
                {
                    "Id": str(n),
                    "MessageBody": m["body"],
                    "DelaySeconds": int(m.get("delaySeconds", 0)),
                    **({"MessageAttributes": m["attributes"]} if m.get("attributes") else {}),
                }
                for n, m in enumerate(saved[start : start + 10])
            ]
            sqs.send_message_batch(QueueUrl=url, Entries=entries)
            sent += len(entries)
    return sent
