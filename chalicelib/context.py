"""The dependencies every use case needs, built once per process and swappable in tests."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from .ids import new_id, now_ms
from .settings import Settings, get_settings
from .store import Store

__all__ = ["Context", "get_context"]


@dataclass(frozen=True)
class Context:
    store: Store
    settings: Settings
    clock: Callable[[], int] = now_ms
    make_id: Callable[[], str] = field(default=new_id)

    @property
    def secret(self) -> bytes:
        return self.settings.secret_bytes()


@lru_cache(maxsize=1)
def get_context() -> Context:
    settings = get_settings()
    return Context(store=Store(settings.table_name, settings.secret_bytes()), settings=settings)
