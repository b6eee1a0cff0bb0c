"""``/v1/openapi.json``, made from the same route declarations and models that validate calls.

Every response is listed with its media type and body: the JSON ``returns`` under the route's
status, each ``Answer`` (files, pages, jobs) under its own, and the error envelope under every
error status. tests/e2e/test_openapi_fuzz.py holds the running API to it with schemathesis."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from .models import ErrorOut
from .rest import Answer, RouteSpec

__all__ = ["document"]

_ERRORS = {
    "400": "validation_error or bad_request",
    "401": "unauthenticated",
    "403": "forbidden",
    "404": "not_found",
    "409": "conflict",
    "412": "precondition_failed",
    "413": "payload_too_large",
    "415": "unsupported_media_type",
    "429": "rate_limited (see Retry-After)",
    "500": "internal",
}


def _ref(model: type[BaseModel]) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def _schema(schema: type[BaseModel] | dict[str, Any]) -> dict[str, Any]:
    return _ref(schema) if isinstance(schema, type) else schema


def _answer_models(answers: tuple[Answer, ...]) -> set[type[BaseModel]]:
    return {a.schema for a in answers if isinstance(a.schema, type)}


def _query_parameters(model: type[BaseModel]) -> list[dict[str, Any]]:
    schema = model.model_json_schema()
    return [
        {"name": name, "in": "query", "required": False, "schema": prop}
        for name, prop in schema.get("properties", {}).items()
    ]


def _operation(spec: RouteSpec) -> dict[str, Any]:
    params: list[dict[str, Any]] = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
        for name in re.findall(r"{(\w+)}", spec.path)
    ]
    if spec.query is not None:
        params += _query_parameters(spec.query)
    params += [
        {"name": h, "in": "header", "required": False, "schema": {"type": "string"}}
        for h in spec.headers
    ]
    success: dict[str, Any] = {"description": "OK"}
    if spec.returns is not None:
        success["content"] = {"application/json": {"schema": _ref(spec.returns)}}
    responses = {str(spec.status): success}
    responses |= {
        code: {
            "description": text,
            "content": {"application/json": {"schema": _ref(ErrorOut)}},
        }
        for code, text in _ERRORS.items()
    }
    for answer in spec.answers:
        entry = responses.setdefault(
            str(answer.status), {"description": answer.description or "OK"}
        )
        if answer.description and str(answer.status) not in _ERRORS:
            entry["description"] = answer.description
        entry.setdefault("content", {})[answer.media_type] = {"schema": _schema(answer.schema)}
    op: dict[str, Any] = {
        "operationId": spec.name,
        "summary": spec.summary,
        "parameters": params,
        "responses": responses,
    }
    if spec.auth != "none":
        op["security"] = [{"apiKey": []}]
    if spec.body is not None:
        op["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": _ref(spec.body)}},
        }
    return op


def document(specs: list[RouteSpec], version: str) -> dict[str, Any]:
    models = {s.body for s in specs if s.body} | {s.returns for s in specs if s.returns}
    models |= {m for s in specs for m in _answer_models(s.answers)}
    models.add(ErrorOut)
    ordered = sorted(models, key=lambda c: c.__name__)
    _, defs = models_json_schema(
        [(mdl, "validation") for mdl in ordered], ref_template="#/components/schemas/{model}"
    )
    paths: dict[str, dict[str, Any]] = {}
    for spec in specs:
        paths.setdefault(spec.path, {})[spec.method.lower()] = _operation(spec)
    return {
        "openapi": "3.1.0",
        "info": {"title": "Featureboard API", "version": version},
        "paths": paths,
        "components": {
            "schemas": defs.get("$defs", {}),
            "securitySchemes": {
                "apiKey": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "fr_admin_… or fr_pub_… key, or a member's fr_sess_… session",
                }
            },
        },
    }
