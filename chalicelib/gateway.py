"""HTTP API events in the shape Chalice routes.

The deployed front door is an API Gateway HTTP API ($1.00 per million calls against the
REST API's $3.50) with one catch-all route and payload format 1.0, which is REST's event
shape except for the route: Chalice dispatches on ``requestContext.resourcePath`` (the
path template, e.g. ``/v1/apps/{appId}``), which a catch-all route cannot give. So the
template and path parameters are found here, from the path, against the app's own routes.
Chalice local, the test client and REST API events carry no ``version``: they pass with their
path parameters percent-decoded, which Chalice leaves to the app (aws/chalice#511), so a user
id like ``auth0|42`` or a tag like ``dark mode`` is the same value behind every front door.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote

__all__ = ["as_rest_event", "match"]

_MAY_BE_ABSENT = ("body", "multiValueQueryStringParameters", "stageVariables")


def _split(path: str) -> list[str]:
    return [part for part in path.split("/") if part]


def match(path: str, templates: Mapping[str, Any]) -> tuple[str, dict[str, str]] | None:
    """The route template ``path`` falls under, and its parameters; literal segments win
    over parameters (``/requests/similar`` is not the request called ``similar``)."""
    parts = [unquote(part) for part in _split(path)]
    best: tuple[int, str, dict[str, str]] | None = None
    for template in templates:
        pattern = _split(template)
        if len(pattern) != len(parts):
            continue
        params: dict[str, str] = {}
        literal = 0
        for want, got in zip(pattern, parts, strict=True):
            if want.startswith("{") and want.endswith("}"):
                params[want[1:-1]] = got
            elif want == got:
                literal += 1
            else:
                break
        else:
            if best is None or literal > best[0]:
                best = (literal, template, params)
    return None if best is None else (best[1], best[2])


def as_rest_event(event: dict[str, Any], templates: Mapping[str, Any]) -> dict[str, Any] | None:
    """``event`` as Chalice expects it; None when an HTTP API event matches no route.

    A custom domain's API mapping key may prefix the path (payload 1.0 keeps it), so a path
    that matches nothing is tried again without its first segment.
    """
    if event.get("version") != "1.0":
        params = event.get("pathParameters")
        if not params:
            return event
        return {**event, "pathParameters": {k: unquote(v) for k, v in params.items()}}
    parts = _split(event.get("path") or "/")
    found = match("/".join(parts), templates) or match("/".join(parts[1:]), templates)
    if found is None:
        return None
    template, params = found
    return {
        **event,
        "resource": template,
        "pathParameters": params or None,
        "requestContext": {**(event.get("requestContext") or {}), "resourcePath": template},
        **{key: event.get(key) for key in _MAY_BE_ABSENT},
        "headers": event.get("headers") or {},
    }
