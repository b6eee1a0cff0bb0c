"""Lazy boto3 clients: importing this module costs nothing; the first call pays for boto3.

boto3 reads ``AWS_ENDPOINT_URL`` itself, so the same code talks to moto locally and to AWS
when deployed.
"""

from __future__ import annotations

import threading
from typing import Any

__all__ = ["client", "reset_clients"]

_clients: dict[str, Any] = {}
_lock = threading.Lock()


def client(service: str) -> Any:
    """One shared client per service for the life of the process (they are thread-safe)."""
    found = _clients.get(service)
    if found is None:
        with _lock:
            found = _clients.get(service)
            if found is None:
                import boto3
                from botocore.config import Config

                config = Config(
                    retries={"mode": "standard", "max_attempts": 4}, max_pool_connections=50
                )
                found = boto3.session.Session().client(service, config=config)
                if service in BILLED_PER_MESSAGE:
                    found.meta.events.register(
                        f"provide-client-params.{service}.*", _count_messages(service)
                    )
                _clients[service] = found
    return found


# services billed per message or request; what one call counts as
BILLED_PER_MESSAGE = {
    "sqs": lambda operation, params: 1,
    "sns": lambda operation, params: (
        len(params.get("PublishBatchRequestEntries", ()))
        if operation == "PublishBatch"
        else int(operation == "Publish")
    ),
    "ses": lambda operation, params: (
        max(1, len(params.get("Destinations", ())))
        if operation == "SendRawEmail"
        else int(operation == "SendEmail")
    ),
}


def _count_messages(service: str) -> Any:
    """A botocore hook adding each call's billable messages to the request's meter."""

    def count(params: dict[str, Any], model: Any, **_: Any) -> None:
        from .store import meter  # at call time: store imports this module

        found = BILLED_PER_MESSAGE[service](model.name, params)
        if found:
            messages = meter().messages
            messages[service] = messages.get(service, 0) + found

    return count


def reset_clients() -> None:
    """Forget every client, so tests can point them at a new endpoint."""
    with _lock:
        _clients.clear()
