"""The AI analysis of an app: run it (job or schedule), store it, show it."""

from __future__ import annotations

import json
from typing import Any

from .. import aws
from ..ai.analyzer import Item, get_analyzer
from ..auth import Caller
from ..context import Context
from ..ids import iso
from ..models import PageQuery
from ..records import App
from ..workflow import status_kind
from . import vectors

__all__ = ["run", "latest", "queue", "nightly"]


def run(ctx: Context, tenant: str, app_id: str) -> dict[str, Any]:
    """Analyse every request of the app; write only the insights that changed."""
    settings = ctx.settings
    analyzer = get_analyzer(
        settings.ai_provider,
        settings.bedrock_model_id,
        settings.export_bucket,
        settings.bedrock_embed_model_id,
    )
    requests = list(ctx.store.iter_requests(tenant, app_id))
    app = ctx.store.get_app(tenant, app_id)
    stored = vectors.ensure(ctx, tenant, app_id, requests)  # written by the stream: read back
    now = ctx.clock()
    result = analyzer.analyze(
        [
            Item(
                r.id,
                r.title,
                r.description,
                r.votes,
                r.priority,
                r.created_ms,
                status_kind(app, r.status) if app else "open",
                stored.get(r.id),
            )
            for r in requests
        ],
        now,
    )
    by_id = {r.id: r for r in requests}
    written = 0
    for insight in result.requests:
        values = insight.to_dict()
        values.pop("id")
        current = by_id[insight.id].insights or {}
        if {k: current.get(k) for k in values} != values:
            written += ctx.store.set_insights(by_id[insight.id], {**values, "analyzedAt": iso(now)})
    summary = {
        "ranAt": iso(now),
        "provider": result.provider,
        "analyzed": len(requests),
        "written": written,
        "usage": result.usage,
        "duplicateGroups": [
            {"ids": g.ids, "score": g.score, "reason": g.reason} for g in result.groups
        ],
    }
    ctx.store.put_insights_run(tenant, app_id, summary)
    return summary


def latest(ctx: Context, caller: Caller, app: App, query: PageQuery) -> dict[str, Any]:
    """The last run's groups, and a page of per-request insights (newest requests first)."""
    caller.require_admin()
    ran = ctx.store.get_insights_run(app.tenant, app.id) or {}
    page = ctx.store.list_requests(
        app.tenant,
        app.id,
        status=None,
        tag=None,
        sort="new",
        limit=query.limit,
        cursor=query.cursor,
    )
    return {
        "ranAt": ran.get("ranAt"),
        "provider": ran.get("provider"),
        "requests": [
            {"id": r.id, **{k: v for k, v in r.insights.items() if k != "analyzedAt"}}
            for r in page.items
            if r.insights
        ],
        "duplicateGroups": ran.get("duplicateGroups", []),
        "nextCursor": page.next_cursor,
    }


def queue(ctx: Context, caller: Caller, app: App) -> dict[str, Any]:
    caller.require_admin()
    aws.client("sqs").send_message(
        QueueUrl=ctx.settings.jobs_queue_url,
        MessageBody=json.dumps({"kind": "insights", "tenant": app.tenant, "appId": app.id}),
    )
    return {"status": "queued", "appId": app.id}


def nightly(ctx: Context) -> int:
    count = 0
    for tenant in ctx.store.list_tenants():
        for app in ctx.store.list_apps(tenant.id):
            run(ctx, tenant.id, app.id)
            count += 1
    return count
