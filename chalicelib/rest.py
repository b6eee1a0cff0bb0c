"""HTTP plumbing shared by every route: parsing, authentication, the error envelope.

``Router.route`` registers a Chalice route with its models declared once; the same
declaration parses the call and feeds ``/v1/openapi.json``, so the two never drift.
"""

from __future__ import annotations

import functools
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from chalice.app import Chalice, CORSConfig, Request, Response
from pydantic import BaseModel, ValidationError

from . import logs, roles
from .auth import ADMIN_PREFIX, SESSION_PREFIX, Caller
from .errors import (
    BadRequestError,
    FeatureboardError,
    PayloadTooLargeError,
    UnsupportedMediaTypeError,
    ValidationFailedError,
)
from .records import App
from .store import reset_meter

__all__ = ["Router", "Call", "RouteSpec", "Answer", "Reply", "MAX_BODY"]

MAX_BODY = 64 * 1024
BODY_METHODS = ("POST", "PUT", "PATCH")
CORS = CORSConfig(
    allow_origin="*",
    allow_headers=[
        "Authorization",
        "Content-Type",
        "X-User-Token",
        "X-User-Id",
        "X-User-Name",
        "X-User-Email",
        "X-Anonymous-Id",
        "Idempotency-Key",
        "If-Match",
    ],
    expose_headers=[
        "ETag",
        "Retry-After",
        "X-Request-Id",
        "Idempotent-Replayed",
        "Location",
        "X-RateLimit-Limit",
        "X-RateLimit-Remaining",
        "X-RateLimit-Reset",
    ],
    max_age=600,
)


@dataclass(frozen=True)
class Answer:
    """A response a route gives besides its JSON ``returns``: a file, a page, a job.

    ``schema`` is a model or a JSON schema; the OpenAPI document lists each one under its
    status and media type, so a client (or a fuzzer) knows every body it can get back."""

    status: int
    media_type: str
    schema: type[BaseModel] | dict[str, Any]
    description: str = ""


@dataclass(frozen=True)
class RouteSpec:
    """What a route takes and gives, for parsing and for the OpenAPI document."""

    path: str
    method: str
    name: str
    summary: str
    auth: str  # "none", "key" (any key), "admin"
    body: type[BaseModel] | None
    query: type[BaseModel] | None
    returns: type[BaseModel] | None
    status: int
    headers: tuple[str, ...] = ()
    answers: tuple[Answer, ...] = ()


@dataclass
class Call:
    """One parsed API call, handed to a route's function."""

    request: Request
    request_id: str
    caller: Caller | None = None
    app: App | None = None
    body: Any = None
    query: Any = None

    def header(self, name: str) -> str | None:
        return self.request.headers.get(name.lower())


@dataclass
class Reply:
    """A response other than ``200`` with a JSON body: a status, headers, or no body."""

    body: Any = None
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)


def request_id(request: Request | None) -> str:
    context = getattr(request, "lambda_context", None)
    found = getattr(context, "aws_request_id", None)
    if not found and request is not None:
        found = (request.context or {}).get("requestId")
    return found or str(uuid.uuid4())


def error_response(exc: FeatureboardError, rid: str) -> Response:
    body = {
        "error": {"code": exc.code, "message": exc.message, "details": exc.details},
        "requestId": rid,
    }
    return Response(body=body, status_code=exc.status, headers={**exc.headers, "X-Request-Id": rid})


def _validation(exc: ValidationError) -> FeatureboardError:
    details = []
    for err in exc.errors(include_url=False):
        kind = err["type"]
        if kind == "json_invalid":
            return BadRequestError("the body is not valid JSON")
        if kind in ("model_type", "model_attributes_type", "dict_type") and not err["loc"]:
            return BadRequestError("the body must be a JSON object")
        where = ".".join(str(p) for p in err["loc"]) or "body"
        details.append({"field": where, "message": _plain(kind, where, err)})
    first = details[0]
    return ValidationFailedError(f"{first['field']}: {first['message']}", details)


# pydantic's wording for the common mistakes, said as this API says things; a pattern on an
# email field is not shown (a client has no use for the regular expression)
_PLAIN = {
    "missing": "is required",
    "extra_forbidden": "is not a known field",
    "string_type": "must be a string",
    "int_type": "must be a whole number",
    "int_parsing": "must be a whole number",
    "bool_type": "must be true or false",
    "string_too_short": "must be at least {min_length} characters",
    "string_too_long": "must be at most {max_length} characters",
}


def _plain(kind: str, where: str, err: Any) -> str:
    if kind == "string_pattern_mismatch" and where.rsplit(".", 1)[-1].lower().endswith("email"):
        return "must be an email address, like ada@example.com"
    if kind == "string_too_short" and (err.get("ctx") or {}).get("min_length") == 1:
        return "must not be empty"
    if kind in _PLAIN:
        return _PLAIN[kind].format(**(err.get("ctx") or {}))
    return str(err["msg"]).removeprefix("Value error, ")


def parse_body(request: Request, model: type[BaseModel]) -> BaseModel:
    raw = request.raw_body or b""
    if not raw.strip():
        raise BadRequestError("a JSON body is required")
    content_type = (request.headers.get("content-type") or "").split(";")[0].strip().lower()
    if content_type != "application/json":
        raise UnsupportedMediaTypeError("send the body as Content-Type: application/json")
    try:
        return model.model_validate_json(raw)
    except ValidationError as exc:
        raise _validation(exc) from None


def parse_query(
    request: Request, model: type[BaseModel] | None, allowed: set[str]
) -> BaseModel | None:
    params = request.query_params or {}
    values = {k: params.get(k) for k in params if k not in allowed}
    if model is None:
        if values:
            name = next(iter(values))
            raise ValidationFailedError.for_field(name, "is not a known query parameter")
        return None
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        raise _validation(exc) from None


class Router:
    """Registers routes on a Chalice app with parsing, auth and errors done once."""

    def __init__(
        self,
        app: Chalice,
        authenticate: Callable[[Call, str | None, bool], None],
        audit: Callable[[Call, RouteSpec, dict[str, str], int], None] | None = None,
        account: Callable[[Call, float], None] | None = None,
    ) -> None:
        self.app = app
        self.authenticate = authenticate
        self.audit = audit
        self.account = account  # after the line: the call and its dollars, for its tenant
        self.specs: list[RouteSpec] = []

    def route(
        self,
        path: str,
        method: str,
        *,
        summary: str,
        auth: str = "key",
        body: type[BaseModel] | None = None,
        query: type[BaseModel] | None = None,
        returns: type[BaseModel] | None = None,
        status: int = 200,
        headers: tuple[str, ...] = (),
        query_key: bool = False,
        answers: tuple[Answer, ...] = (),
    ) -> Callable:
        def register(view: Callable[..., Any]) -> Callable[..., Any]:
            spec = RouteSpec(
                path,
                method,
                view.__name__,
                summary,
                auth,
                body,
                query,
                returns,
                status,
                headers,
                answers,
            )
            self.specs.append(spec)

            @functools.wraps(view)
            def handle(**params: str) -> Response:
                return self._run(spec, view, params, query_key)

            self.app.route(
                path, methods=[method], cors=CORS, content_types=["*/*"], name=f"{view.__name__}"
            )(handle)
            return view

        return register

    def _run(
        self, spec: RouteSpec, view: Callable[..., Any], params: dict[str, str], query_key: bool
    ) -> Response:
        request = self.app.current_request
        call = Call(request=request, request_id=request_id(request))
        started = time.perf_counter()
        reset_meter()
        logs.begin()
        status = 500
        try:
            if len(request.raw_body or b"") > MAX_BODY:
                raise PayloadTooLargeError(f"the body is over {MAX_BODY // 1024} KiB")
            if spec.auth != "none":
                self.authenticate(call, params.get("appId"), query_key)
                if spec.auth == "admin":
                    call.caller.require_admin()  # type: ignore[union-attr]
                roles.check(call.caller, spec.method, spec.path)  # type: ignore[arg-type]
            call.query = parse_query(request, spec.query, {"key"} if query_key else set())
            if spec.body is not None:
                call.body = parse_body(request, spec.body)
                if call.caller is not None:
                    roles.check_fields(call.caller, spec.method, spec.path, call.body)
            result = view(call, **params)
            reply = result if isinstance(result, Reply) else Reply(result, spec.status)
            status = reply.status
            if self.audit and call.caller and call.caller.is_admin and spec.method != "GET":
                self.audit(call, spec, params, status)
            headers = {**_rate_headers(call), **reply.headers, "X-Request-Id": call.request_id}
            if reply.body is None:
                return Response(body="", status_code=reply.status, headers=headers)
            return Response(body=reply.body, status_code=reply.status, headers=headers)
        except FeatureboardError as exc:
            status = exc.status
            response = error_response(exc, call.request_id)
            response.headers = {**_rate_headers(call), **response.headers}
            return response
        except Exception:
            logs.logger().exception("unhandled error", extra={"requestId": call.request_id})
            return error_response(
                FeatureboardError("something went wrong on our side; quote the requestId"),
                call.request_id,
            )
        finally:
            dollars = logs.access(call, spec, status, started)
            if self.account and call.caller:
                self.account(call, dollars)


def _rate_headers(call: Call) -> dict[str, str]:
    """Where the caller stands against its rate limit, on every answer once it is counted."""
    rate = call.caller.rate if call.caller else None
    return rate.headers() if rate else {}


def envelope_chalice_errors(response: Response, rid: str) -> Response:
    """Chalice answers some calls itself (405, 415, 500): give those our envelope too."""
    body = response.body
    if isinstance(body, dict) and set(body) == {"Code", "Message"}:
        code = {405: "method_not_allowed", 415: "unsupported_media_type", 400: "bad_request"}.get(
            response.status_code, "internal"
        )
        message = body["Message"] if response.status_code < 500 else "internal error"
        response.body = {
            "error": {"code": code, "message": message, "details": []},
            "requestId": rid,
        }
    response.headers.setdefault("X-Request-Id", rid)
    return response


def credentials(request: Request, query_key: bool) -> Any:
    """The credential headers of a call (and ``?key=`` on the routes that accept it)."""
    from .services.access import Credentials

    headers = request.headers
    params = request.query_params or {}
    in_url = params.get("key")
    leaked = in_url is not None and in_url.strip().startswith((ADMIN_PREFIX, SESSION_PREFIX))
    return Credentials(
        authorization=headers.get("authorization"),
        # an admin key in a URL is refused (401) on every route, not just reported as unknown
        query_key=in_url if query_key or leaked else None,
        user_token=headers.get("x-user-token"),
        user_id=headers.get("x-user-id"),
        user_name=headers.get("x-user-name"),
        user_email=headers.get("x-user-email"),
        anonymous_id=headers.get("x-anonymous-id"),
        client_ip=((request.context or {}).get("identity") or {}).get("sourceIp") or "unknown",
        method=request.method,
    )
