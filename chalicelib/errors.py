"""Domain exceptions. ``app.py`` turns each into the API's error envelope in one place."""

from __future__ import annotations

from typing import Any

__all__ = [
    "FeatureboardError",
    "ValidationFailedError",
    "BadRequestError",
    "UnauthenticatedError",
    "ForbiddenError",
    "BannedError",
    "NotFoundError",
    "ConflictError",
    "PreconditionFailedError",
    "PayloadTooLargeError",
    "UnsupportedMediaTypeError",
    "RateLimitedError",
    "UpstreamError",
]


class FeatureboardError(Exception):
    """Base of every error a client may see: a status, a stable code and a plain message."""

    status = 500
    code = "internal"

    def __init__(self, message: str, details: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or []
        self.headers: dict[str, str] = {}


class ValidationFailedError(FeatureboardError):
    status, code = 400, "validation_error"

    @classmethod
    def for_field(cls, field: str, message: str) -> ValidationFailedError:
        return cls(f"{field}: {message}", [{"field": field, "message": message}])


class BadRequestError(FeatureboardError):
    status, code = 400, "bad_request"


class UnauthenticatedError(FeatureboardError):
    status, code = 401, "unauthenticated"


class ForbiddenError(FeatureboardError):
    status, code = 403, "forbidden"


class BannedError(ForbiddenError):
    """A banned user's write: 403 with its own code, so a client can say why."""

    code = "banned"


class NotFoundError(FeatureboardError):
    status, code = 404, "not_found"


class ConflictError(FeatureboardError):
    status, code = 409, "conflict"


class PreconditionFailedError(FeatureboardError):
    status, code = 412, "precondition_failed"


class PayloadTooLargeError(FeatureboardError):
    status, code = 413, "payload_too_large"


class UnsupportedMediaTypeError(FeatureboardError):
    status, code = 415, "unsupported_media_type"


class UpstreamError(FeatureboardError):
    """Another service we call for the caller (GitHub) refused or did not answer."""

    status, code = 502, "upstream_error"


class RateLimitedError(FeatureboardError):
    status, code = 429, "rate_limited"

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.headers["Retry-After"] = str(max(1, retry_after))
