"""Each request's sentence vector is stored from the stream, follows its title, and is read
back (not recomputed) by the analysis."""

from __future__ import annotations

from typing import Any

from chalicelib.ai import embed
from chalicelib.services import vectors
from tests.helpers import Api, Tenant
from tools.event_runner import EventRunner


def test_vector_is_stored_on_write_follows_the_title_and_goes_with_the_request(
    api: Api, tenant: Tenant, runner: EventRunner, ctx: Any
) -> None:
    made = tenant.create("Offline mode for the mobile app")
    runner.drain()
    store = ctx.store
    first = store.vectors(tenant.id, tenant.app_id)[made["id"]]
    assert len(first) == 2 * embed.DIM
    api.patch(
        tenant.path(f"/requests/{made['id']}"), key=tenant.admin_key, body={"priority": "high"}
    )
    runner.drain()
    assert store.vectors(tenant.id, tenant.app_id)[made["id"]] == first  # title unchanged
    api.patch(
        tenant.path(f"/requests/{made['id']}"),
        key=tenant.admin_key,
        body={"title": "Export invoices as PDF"},
    )
    runner.drain()
    edited = store.vectors(tenant.id, tenant.app_id)[made["id"]]
    assert float(embed.from_bytes(edited) @ embed.from_bytes(first)) < 0.9
    api.delete(tenant.path(f"/requests/{made['id']}"), key=tenant.admin_key)
    runner.drain()
    assert made["id"] not in store.vectors(tenant.id, tenant.app_id)


def test_analysis_reads_stored_vectors_and_fills_only_missing_ones(
    tenant: Tenant, runner: EventRunner, ctx: Any, monkeypatch: Any
) -> None:
    kept = tenant.create("Dark mode")
    runner.drain()
    requests = list(ctx.store.iter_requests(tenant.id, tenant.app_id))
    ctx.store.delete_vector(tenant.id, tenant.app_id, kept["id"])
    encoded: list[list[str]] = []
    real = embed.encoder().encode
    monkeypatch.setattr(
        embed.encoder(), "encode", lambda texts: encoded.append(texts) or real(texts)
    )
    found = vectors.ensure(ctx, tenant.id, tenant.app_id, requests)
    assert encoded == [["Dark mode"]] and kept["id"] in found
    vectors.ensure(ctx, tenant.id, tenant.app_id, requests)
    assert encoded == [["Dark mode"]]  # stored: never encoded again
