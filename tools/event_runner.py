"""Lambda's event sources, on a laptop: feeds app.py's handlers the events Lambda would.

- the table's stream (moto's ``dynamodbstreams``) -> ``on_table_change``, in batches;
- the events topic -> one SQS queue per SNS consumer (moto delivers inside ``publish``) ->
  that consumer, one message per call, retried until it lands in a dead-letter queue;
- the webhook queue -> ``deliver_webhooks``, honouring visibility timeouts and redrive;
- the jobs queue -> ``run_jobs``.

``start()`` gives each of those sources its own worker thread, as Lambda runs one poller per
event source mapping: a slow or failing consumer holds up only itself. Tests call ``step()``
or ``drain()`` instead, on their own thread. The stream worker keeps a checkpoint (the last
sequence number it handled) and can first replay records an earlier run left unhandled, so
the local stack resumes its stream across a restart (see ``tools/snapshot.py``).

moto's stream records lack ``eventSourceARN`` and carry a datetime: they are converted to
Lambda's shape here. Development only: never imported by app.py.
"""

from __future__ import annotations

import functools
import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from chalicelib.consumers import FILTERS

__all__ = ["EventRunner"]

SNS_CONSUMERS = tuple(FILTERS)  # the handlers in app.py that SNS invokes
LOCAL_RETRIES = 3  # Lambda tries an async (SNS) event 3 times before its dead-letter queue
IDLE_WAIT = (0.05, 0.5)  # a worker that found nothing waits longer each time, up to this
STREAM_RETRIES = 5  # the stream mapping's MaximumRetryAttempts in the deploy template
SHARD_CHECK_SECONDS = 5.0  # how often the stream worker looks for new shards


def _passes_filter(consumer: str, note: dict[str, Any]) -> bool:
    """Whether the consumer's subscription filter policy (the deployed one) lets the SNS
    notification through. Applied here, not by moto's SNS: moto refuses some valid
    policies as "too complex" (it multiplies ``$or`` branches by their depth)."""
    from tools.cost import matches

    attributes = {
        key: {"DataType": value["Type"], "StringValue": value["Value"]}
        for key, value in (note.get("MessageAttributes") or {}).items()
    }
    return matches(FILTERS[consumer], attributes)


@functools.lru_cache(maxsize=64)
def _queue_arn(queue_url: str) -> str:
    """A queue's ARN never changes: asked once per queue, not once per batch."""
    from chalicelib import aws

    return aws.client("sqs").get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]


class _Context:
    """The few LambdaContext fields handlers may read."""

    function_name = "featureboard-local"
    aws_request_id = "local"
    memory_limit_in_mb = 512

    @staticmethod
    def get_remaining_time_in_millis() -> int:
        return 60_000


@dataclass
class EventRunner:
    region: str
    table_name: str
    topic_arn: str
    webhook_queue_url: str
    jobs_queue_url: str = ""
    consumer_queues: dict[str, str] = field(default_factory=dict)
    dead_letter_url: str = ""
    wait_seconds: int = 0  # SQS long polling for workers; 0 keeps step() non-blocking
    on_consumed: Callable[[str, dict[str, Any]], None] | None = None  # (consumer, SNS note)
    checkpoints: dict[str, int] = field(default_factory=dict)  # shard -> last handled seq
    _iterators: dict[str, str] = field(default_factory=dict)
    _replay: list[dict[str, Any]] = field(default_factory=list)
    _shards_checked: float = 0.0
    _caught_up: bool = False  # the last stream read found nothing new
    _position: threading.Lock = field(default_factory=threading.Lock)
    _stop: threading.Event = field(default_factory=threading.Event)
    threads: list[threading.Thread] = field(default_factory=list)
    _failures: int = 0  # times in a row the stream's current batch has failed

    # ------------------------------------------------------------ setup

    def subscribe(self) -> None:
        """One queue per SNS consumer, subscribed to the topic, with a dead-letter queue."""
        from chalicelib import aws

        sqs, sns = aws.client("sqs"), aws.client("sns")
        self.dead_letter_url = sqs.create_queue(QueueName="local-events-dlq")["QueueUrl"]
        dlq_arn = self._arn(self.dead_letter_url)
        for name in SNS_CONSUMERS:
            url = sqs.create_queue(
                QueueName=f"local-{name}",
                Attributes={
                    "VisibilityTimeout": "1",
                    "RedrivePolicy": json.dumps(
                        {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": LOCAL_RETRIES}
                    ),
                },
            )["QueueUrl"]
            sns.subscribe(TopicArn=self.topic_arn, Protocol="sqs", Endpoint=self._arn(url))
            self.consumer_queues[name] = url

    @staticmethod
    def _arn(queue_url: str) -> str:
        return _queue_arn(queue_url)

    def start_at_latest(self) -> None:
        """Begin after what the table already holds (restored data makes no events)."""
        self._open_shards("LATEST")

    def skip_to_latest(self) -> None:
        """Leave every record not yet read unhandled: for a test that wrote one no consumer can
        read (moto stores what real DynamoDB refuses)."""
        with self._position:
            self._iterators.clear()
        self._open_shards("LATEST")

    def replay(self, records: list[dict[str, Any]]) -> None:
        """Records an earlier run saved unhandled: the stream worker handles them first."""
        with self._position:
            self._replay = list(records)

    def position(self) -> tuple[dict[str, int], list[dict[str, Any]]]:
        """The checkpoints and the records still to replay, read together (for a snapshot)."""
        with self._position:
            return dict(self.checkpoints), list(self._replay)

    def _open_shards(self, position: str) -> None:
        from chalicelib import aws

        ddb, streams = aws.client("dynamodb"), aws.client("dynamodbstreams")
        arn = ddb.describe_table(TableName=self.table_name)["Table"]["LatestStreamArn"]
        for shard in streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]:
            if shard["ShardId"] not in self._iterators:
                self._iterators[shard["ShardId"]] = streams.get_shard_iterator(
                    StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType=position
                )["ShardIterator"]

    # ------------------------------------------------------------ one pass

    def sources(self) -> dict[str, Callable[[], int]]:
        """Each event source by name, as a call that feeds it once and says how much moved."""
        found: dict[str, Callable[[], int]] = {"stream": self._stream}
        found |= {name: partial(self._sns_consumer, name) for name in SNS_CONSUMERS}
        found["webhooks"] = partial(self._sqs_worker, self.webhook_queue_url, "deliver_webhooks")
        if self.jobs_queue_url:
            found["jobs"] = partial(self._sqs_worker, self.jobs_queue_url, "run_jobs")
        return found

    def step(self) -> int:
        """Feed every source once; returns how many records or messages were handled."""
        return sum(self._step().values())

    def _step(self) -> dict[str, int]:
        return {name: feed() for name, feed in self.sources().items()}

    def drain(self, timeout: float = 300.0) -> None:
        """Run until nothing moves and no message is waiting out a retry delay."""
        deadline = time.monotonic() + timeout
        idle = 0
        while idle < 2:
            moved = self._step()
            idle = 0 if sum(moved.values()) or self._in_flight() else idle + 1
            if time.monotonic() > deadline:
                busy = {name: n for name, n in moved.items() if n}
                raise TimeoutError(
                    f"events were still flowing after the timeout: last pass {busy}, "
                    f"{self._in_flight()} messages in flight"
                )
            if not sum(moved.values()):
                time.sleep(0.1)

    def _in_flight(self) -> int:
        """Messages received but neither deleted nor visible again yet (being retried)."""
        from chalicelib import aws

        sqs = aws.client("sqs")
        return sum(
            int(
                sqs.get_queue_attributes(
                    QueueUrl=url, AttributeNames=["ApproximateNumberOfMessagesNotVisible"]
                )["Attributes"]["ApproximateNumberOfMessagesNotVisible"]
            )
            for url in (
                *self.consumer_queues.values(),
                self.webhook_queue_url,
                *([self.jobs_queue_url] if self.jobs_queue_url else []),
            )
        )

    def settled(self) -> bool:
        """Nothing left to do: no record to replay, the stream read to its end, every queue
        empty (none waiting, none in flight). For "ready" after a start."""
        from chalicelib import aws

        if self._replay or not self._caught_up:
            return False
        sqs = aws.client("sqs")
        names = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
        for url in (*self.consumer_queues.values(), self.webhook_queue_url):
            counts = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=names)["Attributes"]
            if any(int(counts[n]) for n in names):
                return False
        return self._caught_up

    def start(self) -> None:
        """One daemon thread per event source; ``stop()`` then ``join()`` ends them."""
        for name, feed in self.sources().items():
            thread = threading.Thread(
                target=self._work, args=(name, feed), daemon=True, name=f"events-{name}"
            )
            thread.start()
            self.threads.append(thread)

    def _work(self, name: str, feed: Callable[[], int]) -> None:
        """Feed one source until stopped; a failed pass is retried, as Lambda would."""
        log = logging.getLogger("featureboard.runner")
        idle = IDLE_WAIT[0]
        while not self._stop.is_set():
            try:
                moved = feed()
            except Exception as exc:
                log.warning("%s: pass failed (%s); retrying", name, str(exc)[:200])
                self._stop.wait(1)
                continue
            if moved:
                idle = IDLE_WAIT[0]
            else:
                self._stop.wait(idle)
                idle = min(idle * 2, IDLE_WAIT[1])

    def stop(self) -> None:
        self._stop.set()

    def join(self, timeout: float = 30.0) -> None:
        """Wait for every worker to finish the batch it is on."""
        deadline = time.monotonic() + timeout
        for thread in self.threads:
            thread.join(max(0.0, deadline - time.monotonic()))

    # ------------------------------------------------------------ sources

    def _stream(self) -> int:
        from chalicelib import aws

        if self._replay:
            return self._replay_some()
        if time.monotonic() - self._shards_checked > SHARD_CHECK_SECONDS:
            self._open_shards("TRIM_HORIZON")  # shards created since start begin at their start
            self._shards_checked = time.monotonic()
        streams, handled = aws.client("dynamodbstreams"), 0
        for shard, iterator in list(self._iterators.items()):
            if not iterator:
                continue
            page = streams.get_records(ShardIterator=iterator, Limit=100)
            records = [self._lambda_record(r) for r in page["Records"]]
            if records and not self._handle_stream(records):
                handled += len(records)  # not moved on: the same batch is read again
                continue
            handled += len(records)
            self._caught_up = not records
            with self._position:
                if records:
                    self.checkpoints[shard] = max(
                        int(r["dynamodb"]["SequenceNumber"]) for r in records
                    )
                self._iterators[shard] = page.get("NextShardIterator")
        return handled

    def _replay_some(self) -> int:
        """Handle the next 100 saved records; they leave the list only once handled."""

        with self._position:
            batch = [self._lambda_record(r) for r in self._replay[:100]]
        if self._handle_stream(batch):
            with self._position:
                del self._replay[: len(batch)]
        return len(batch)

    def _handle_stream(self, records: list[dict[str, Any]]) -> bool:
        """Hand a batch to the stream handler; False when it is to be tried again. As the
        deployed mapping does (``MaximumRetryAttempts``), a batch that still fails after its
        retries goes to the dead-letter queue and the stream moves on past it, so one bad
        record never stops the rest."""
        import app as handlers

        try:
            self._handle(handlers.on_table_change, records)
        except RuntimeError as exc:
            self._failures += 1
            if self._failures <= STREAM_RETRIES:
                logging.getLogger("featureboard.runner").warning("stream: %s", exc)
                return False
            self._park(records)
        self._failures = 0
        return True

    def _park(self, records: list[dict[str, Any]]) -> None:
        from chalicelib import aws

        note = {
            "source": "stream",
            "retries": STREAM_RETRIES,
            "records": [
                {"eventID": r.get("eventID"), "keys": r["dynamodb"].get("Keys")} for r in records
            ],
        }
        logging.getLogger("featureboard.runner").warning(
            "stream batch of %d records parked after %d retries", len(records), STREAM_RETRIES
        )
        if self.dead_letter_url:
            aws.client("sqs").send_message(
                QueueUrl=self.dead_letter_url, MessageBody=json.dumps(note, default=str)
            )

    @staticmethod
    def _handle(handler: Any, records: list[dict[str, Any]]) -> None:
        result = handler({"Records": records}, _Context())
        failed = {f["itemIdentifier"] for f in (result or {}).get("batchItemFailures", [])}
        if failed:  # Lambda retries the batch from the first failure: so do we
            raise RuntimeError(f"{len(failed)} stream records failed; will retry")

    def _lambda_record(self, record: dict[str, Any]) -> dict[str, Any]:
        data = dict(record["dynamodb"])
        created = data.get("ApproximateCreationDateTime")
        if hasattr(created, "timestamp"):
            data["ApproximateCreationDateTime"] = created.timestamp()
        return {
            **record,
            "dynamodb": data,
            "eventSource": "aws:dynamodb",
            "awsRegion": self.region,
            "eventSourceARN": f"arn:aws:dynamodb:{self.region}:000000000000:table/"
            f"{self.table_name}/stream/local",
        }

    def _receive(self, queue_url: str, limit: int) -> list[dict[str, Any]]:
        from chalicelib import aws

        return (
            aws.client("sqs")
            .receive_message(
                QueueUrl=queue_url,
                MaxNumberOfMessages=limit,
                WaitTimeSeconds=self.wait_seconds,
                AttributeNames=["All"],
                MessageAttributeNames=["All"],
            )
            .get("Messages", [])
        )

    def _delete(self, queue_url: str, receipts: list[str]) -> None:
        """Delete handled messages, ten to a call (one call per message costs the runner)."""
        from chalicelib import aws

        for start in range(0, len(receipts), 10):
            entries = [
                {"Id": str(n), "ReceiptHandle": r}
                for n, r in enumerate(receipts[start : start + 10])
            ]
            aws.client("sqs").delete_message_batch(QueueUrl=queue_url, Entries=entries)

    def _sns_consumer(self, name: str) -> int:
        import app as handlers

        url = self.consumer_queues[name]
        messages, done = self._receive(url, 10), []
        for message in messages:
            note = json.loads(message["Body"])
            if not _passes_filter(name, note):  # SNS would not have invoked this consumer
                done.append(message["ReceiptHandle"])
                continue
            event = {
                "Records": [
                    {
                        "EventSource": "aws:sns",
                        "EventVersion": "1.0",
                        "EventSubscriptionArn": f"{self.topic_arn}:local",
                        "Sns": {**note, "Subject": note.get("Subject")},
                    }
                ]
            }
            try:
                getattr(handlers, name)(event, _Context())
            except Exception:  # left in its queue: it comes back, then goes to the DLQ
                continue
            done.append(message["ReceiptHandle"])
            if self.on_consumed is not None:
                self.on_consumed(name, note)
        self._delete(url, done)
        return len(messages)

    def fire(self, schedule: str) -> Any:
        """Run a scheduled handler now, with the event EventBridge would send."""
        import app as handlers

        name = schedule.replace("-", "_")
        event = {
            "version": "0",
            "id": "local",
            "detail-type": "Scheduled Event",
            "source": "aws.events",
            "account": "000000000000",
            "time": "",
            "region": self.region,
            "resources": [f"local/{schedule}"],
            "detail": {},
        }
        return getattr(handlers, name)(event, _Context())

    def _sqs_worker(self, queue_url: str, handler: str) -> int:
        import app as handlers

        messages = self._receive(queue_url, 10)
        if not messages:
            return 0
        arn = self._arn(queue_url)
        records = [
            {
                "messageId": m["MessageId"],
                "receiptHandle": m["ReceiptHandle"],
                "body": m["Body"],
                "attributes": m.get("Attributes", {}),
                "messageAttributes": m.get("MessageAttributes", {}),
                "md5OfBody": m.get("MD5OfBody"),
                "eventSource": "aws:sqs",
                "eventSourceARN": arn,
                "awsRegion": self.region,
            }
            for m in messages
        ]
        result = getattr(handlers, handler)({"Records": records}, _Context()) or {}
        failed = {f["itemIdentifier"] for f in result.get("batchItemFailures", [])}
        self._delete(
            queue_url, [r["receiptHandle"] for r in records if r["messageId"] not in failed]
        )
        return len(records)
