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
                _clients[service] = found
    return found


def reset_clients() -> None:
    """Forget every client, so tests can point them at a new endpoint."""
    with _lock:
        _clients.clear()
