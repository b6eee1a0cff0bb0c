"""Exports: small ones answer at once, large ones become a file in S3 written by a job."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from .. import aws, export
from ..auth import Caller
from ..context import Context
from ..errors import ValidationFailedError
from ..ids import iso
from ..records import App

__all__ = ["export_now", "run_job", "nightly", "write_to_s3", "LINK_TTL_S"]

LINK_TTL_S = 3600


def _check_format(fmt: str | None, full: bool = False) -> str:
    """The writer to use: a public format, or ``full`` (everything, as JSON lines)."""
    if fmt not in export.FORMATS:
        raise ValidationFailedError.for_field("format", "must be csv, json or jsonl")
    if full and fmt != "jsonl":
        raise ValidationFailedError.for_field("full", "a full export is JSON lines: format=jsonl")
    return "full" if full else fmt


def _rows(ctx: Context, tenant: str, app_id: str, writer: str) -> Any:
    if writer == "full":
        return ctx.store.dump_app(tenant, app_id)
    return ctx.store.iter_requests(tenant, app_id)


def export_now(
    ctx: Context, caller: Caller, app: App, fmt: str | None, full: bool = False
) -> tuple[int, Any, dict[str, str]]:
    """(status, body, headers): the file itself, or 202 with where it will be.

    ``full`` is everything of the app (votes, followers, comments, feedback too), the
    records `manage.py import` and tools/postgres read: a tenant's own way out."""
    caller.require_admin()
    writer = _check_format(fmt, full)
    suffix = "full.jsonl" if full else writer
    count = ctx.store.get_stats(app.tenant, app.id).get("requests", 0)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    if count <= ctx.settings.export_inline_max:
        body = "".join(export.chunks(writer, _rows(ctx, app.tenant, app.id, writer)))
        return (
            200,
            body,
            {
                "Content-Type": export.CONTENT_TYPES[writer],
                "Content-Disposition": f'attachment; filename="{app.id}-{stamp}.{suffix}"',
            },
        )
    key = f"on-demand/{app.tenant}/{app.id}/{stamp}-{ctx.make_id()}.{suffix}.gz"
    job = {
        "kind": "export",
        "tenant": app.tenant,
        "appId": app.id,
        "format": fmt,
        "full": full,
        "key": key,
    }
    aws.client("sqs").send_message(
        QueueUrl=ctx.settings.jobs_queue_url, MessageBody=json.dumps(job)
    )
    url = aws.client("s3").generate_presigned_url(
        "get_object",
        Params={"Bucket": ctx.settings.export_bucket, "Key": key},
        ExpiresIn=LINK_TTL_S,
    )
    return (
        202,
        {
            "status": "pending",
            "format": fmt,
            "requests": count,
            "url": url,
            "expiresAt": iso(ctx.clock() + LINK_TTL_S * 1000),
        },
        {},
    )


def write_to_s3(ctx: Context, tenant: str, app_id: str, fmt: str, key: str) -> dict[str, Any]:
    """Stream one app's export (``fmt`` a format or ``full``), gzipped, to ``key``; returns
    its manifest entry (``requests`` counts records for ``full``)."""
    written = export.write_gzip(fmt, _rows(ctx, tenant, app_id, fmt))
    with written.file:
        aws.client("s3").upload_fileobj(
            written.file,
            ctx.settings.export_bucket,
            key,
            ExtraArgs={"ContentType": export.CONTENT_TYPES[fmt], "ContentEncoding": "gzip"},
        )
    return {
        "key": key,
        "format": fmt,
        "requests": written.count,
        "bytes": written.size,
        "sha256": written.sha256,
    }


def run_job(ctx: Context, job: dict[str, Any]) -> dict[str, Any]:
    """A queued job: an export, or an analysis."""
    if job.get("kind") == "export":
        writer = _check_format(job["format"], job.get("full", False))
        return write_to_s3(ctx, job["tenant"], job["appId"], writer, job["key"])
    if job.get("kind") == "insights":
        from . import insights

        return insights.run(ctx, job["tenant"], job["appId"])
    raise ValueError(f"unknown job kind {job.get('kind')!r}")


def nightly(ctx: Context, day: str | None = None, progress: Any = None) -> list[dict[str, Any]]:
    """Every app of every tenant, in every format, under ``<tenant>/<app>/<day>.*``.

    A manifest per app lists the files with their counts and checksums; a tenant's files
    never share a prefix with another tenant's.
    """
    day = day or datetime.now(UTC).strftime("%Y-%m-%d")
    manifests = []
    for tenant in ctx.store.list_tenants():
        for app in ctx.store.list_apps(tenant.id):
            files = [
                write_to_s3(ctx, tenant.id, app.id, fmt, f"{tenant.id}/{app.id}/{day}.{fmt}.gz")
                for fmt in export.FORMATS
            ]
            manifest = {
                "schemaVersion": export.SCHEMA_VERSION,
                "tenant": tenant.id,
                "appId": app.id,
                "date": day,
                "files": files,
            }
            aws.client("s3").put_object(
                Bucket=ctx.settings.export_bucket,
                Key=f"{tenant.id}/{app.id}/{day}.manifest.json",
                Body=json.dumps(manifest, indent=2).encode(),
                ContentType="application/json",
            )
            manifests.append(manifest)
            if progress:
                progress(manifest)
    return manifests
