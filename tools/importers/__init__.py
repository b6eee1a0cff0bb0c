"""Imports from other feedback tools (Canny, Fider, UserVoice, GitHub issues, any CSV), quietly.

Each source becomes portable records loaded by ``Store.load_app``, the path ``manage.py import``
and the demo seed use: items marked ``imported`` update statistics and search but send no email
and no webhook. Ids come from the source's ids, so a second run finds every request there and
writes nothing. Every post is checked before the first write: a bad file writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from chalicelib.context import Context

from . import sources
from .common import ImportSourceError, People, Plan, SourcePost, plan, requests_in

__all__ = ["TOOLS", "prepare", "load", "Plan", "ImportSourceError"]

Reader = Callable[[Path, People, dict[str, str]], list[SourcePost]]
TOOLS: dict[str, Reader] = {
    "canny": sources.canny,
    "fider": sources.fider,
    "uservoice": sources.uservoice,
    "github": sources.github,
    "csv": sources.generic,
}


def prepare(
    ctx: Context,
    tool: str,
    path: Path,
    tenant: str,
    app: str,
    mapping: dict[str, str] | None = None,
) -> Plan:
    """Read ``path`` as ``tool``'s export and check all of it against the app: what a run
    would write (nothing yet) and its summary."""
    if tool not in TOOLS:
        raise ImportSourceError(f"unknown tool {tool!r}; use one of {', '.join(TOOLS)}")
    if ctx.store.get_app(tenant, app) is None:
        raise ImportSourceError(f"no app {app!r} in tenant {tenant!r}: create it first")
    people = People(tool)
    posts = TOOLS[tool](path, people, mapping or {})
    if not posts:
        raise ImportSourceError(f"{path.name} holds no posts")
    made = plan(
        tool, posts, lambda rid: ctx.store.get_request(tenant, app, rid) is not None, people
    )
    made.summary = {"tenant": tenant, "app": app, **made.summary}
    return made


def load(ctx: Context, made: Plan, tick: Callable[[], None] = lambda: None) -> None:
    """Write a prepared import quietly; ``tick`` after each request (a progress bar)."""
    if made.records:
        ctx.store.load_app(
            made.summary["tenant"],
            made.summary["app"],
            requests_in(made.records, tick),
            ctx.settings.feedback_retention_days,
        )
