"""Each request's sentence embedding, stored when the request is written.

The search consumer calls ``keep`` for every request event, so a vector is ready within the
stream's delay and an analysis or a search never encodes the app's requests again. The text
hash makes a repeated or reordered event, or an edit that does not touch the title, free.
Where no model is installed (``ai.embed.model_source`` is None) nothing is stored and the
lexical index alone serves.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from ..context import Context
from ..records import FeatureRequest

__all__ = ["keep", "ensure", "text_hash", "available"]


def available() -> bool:
    from ..ai.embed import model_source

    return model_source() is not None


def text_hash(title: str) -> str:
    return hashlib.sha256(f"minilm-l6-v2\n{title}".encode()).hexdigest()[:16]


def keep(
    ctx: Context, tenant: str, app: str, request_id: str, current: FeatureRequest | None
) -> bool:
    """Bring one request's vector in line with its title; True if it was (re)computed."""
    if current is None:
        ctx.store.delete_vector(tenant, app, request_id)
        return False
    wanted = text_hash(current.title)
    if not available() or ctx.store.vector_hash(tenant, app, request_id) == wanted:
        return False
    from ..ai.embed import encoder, to_bytes

    ctx.store.put_vector(
        tenant, app, request_id, to_bytes(encoder().encode([current.title])[0]), wanted
    )
    return True


def ensure(
    ctx: Context, tenant: str, app: str, requests: Iterable[FeatureRequest]
) -> dict[str, bytes]:
    """The stored vectors of ``requests``; any missing (imported, written before the model
    was installed) are encoded and stored now, so the next run finds them."""
    stored = ctx.store.vectors(tenant, app)
    missing = [r for r in requests if r.id not in stored]
    if missing and available():
        from ..ai.embed import encoder, to_bytes

        for request, vector in zip(
            missing, encoder().encode([r.title for r in missing]), strict=True
        ):
            stored[request.id] = to_bytes(vector)
            ctx.store.put_vector(
                tenant, app, request.id, stored[request.id], text_hash(request.title)
            )
    return stored
