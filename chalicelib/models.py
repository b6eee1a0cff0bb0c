"""The API's shapes: what a client may send (validated here) and what it gets back.

The same classes produce ``/v1/openapi.json``, so the document cannot drift from the checks.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from .addresses import ADDRESS_MAX, ADDRESS_PATTERN

__all__ = [
    "Status",
    "StatusIn",
    "StatusOut",
    "BoardCreate",
    "BoardPatch",
    "BoardOut",
    "BoardList",
    "StatusList",
    "Priority",
    "AppCreate",
    "AppPatch",
    "WebhookIn",
    "RequestCreate",
    "RequestPatch",
    "MergeBody",
    "CommentCreate",
    "CommentEdit",
    "FeedbackCreate",
    "ListQuery",
    "PageQuery",
    "AppOut",
    "AppCreated",
    "KeysRotated",
    "WebhookTestIn",
    "WebhookTestOut",
    "RequestOut",
    "RequestPage",
    "CommentOut",
    "CommentPage",
    "FeedbackOut",
    "FeedbackPage",
    "UserOut",
    "UserPage",
    "AppList",
    "SubscriptionOut",
    "HealthOut",
    "ErrorOut",
    "ChangelogCreate",
    "ChangelogPatch",
    "ChangelogQuery",
    "ChangelogOut",
    "ChangelogPage",
    "ChangelogPreviewIn",
    "ChangelogPreviewOut",
    "GithubIn",
    "BrandingIn",
    "AppPublicOut",
    "IntegrationsIn",
    "LinkCreate",
    "LinkOut",
    "LinkPage",
    "GithubWebhookQuery",
    "GithubWebhookOut",
]

Status = Annotated[
    str,
    StringConstraints(min_length=2, max_length=32, pattern=r"^[a-z0-9_]+$"),
    Field(description="One of the app's status ids (GET /v1/apps/{appId}: statuses)"),
]
BoardId = Annotated[
    str,
    StringConstraints(min_length=2, max_length=32, pattern=r"^[a-z0-9-]+$"),
    Field(description="One of the app's board ids; every app has general"),
]
Priority = Literal["low", "medium", "high", "critical"]
StatusKind = Literal["open", "active", "done", "closed"]
Visibility = Literal["public", "signed_in", "private"]
Color = Annotated[str, StringConstraints(pattern=r"^#[0-9a-fA-F]{6}$")]

_SLUG = re.compile(r"^[a-z0-9-]+$")


# what draws nothing by itself: spaces, format characters (zero-width, direction marks),
# controls and combining marks
_INVISIBLE = ("Cc", "Cf", "Zs", "Zl", "Zp", "Mn", "Me")


def _no_control(value: str, allow_newlines: bool) -> str:
    allowed = {"\n", "\r", "\t"} if allow_newlines else set()
    if any(unicodedata.category(ch) == "Cc" and ch not in allowed for ch in value):
        raise ValueError("must not contain control characters")
    if value and all(unicodedata.category(ch) in _INVISIBLE for ch in value):
        raise ValueError("must contain a visible character")  # an empty card otherwise
    return value


def _line(min_len: int, max_len: int) -> Any:
    """Single-line text, trimmed, measured in characters after trimming."""

    def check(value: str) -> str:
        value = _no_control(value.strip(), allow_newlines=False)
        if not min_len <= len(value) <= max_len:
            raise ValueError(f"must be {min_len} to {max_len} characters")
        return value

    return Annotated[str, AfterValidator(check)]


def _text(min_len: int, max_len: int) -> Any:
    """Multi-line text: kept as given (never HTML-stripped), trimmed at the ends."""

    def check(value: str) -> str:
        value = _no_control(value.strip(), allow_newlines=True)
        if not min_len <= len(value) <= max_len:
            raise ValueError(
                f"must be {min_len} to {max_len} characters"
                if min_len
                else f"must be at most {max_len} characters"
            )
        return value

    return Annotated[str, AfterValidator(check)]


def _tags(value: list[str]) -> list[str]:
    seen: list[str] = []
    for tag in value:
        if not (1 <= len(tag) <= 32 and _SLUG.match(tag)):
            raise ValueError("each tag must be 1 to 32 of a-z, 0-9 and -")
        if tag not in seen:
            seen.append(tag)
    if len(seen) > 10:
        raise ValueError("must be at most 10 tags")
    return seen


Tags = Annotated[list[str], Field(max_length=50), AfterValidator(_tags)]
TagName = Annotated[str, StringConstraints(min_length=1, max_length=32, pattern=r"^[a-z0-9-]+$")]
Slug = Annotated[str, StringConstraints(min_length=2, max_length=40, pattern=r"^[a-z0-9-]+$")]
Email = Annotated[str, StringConstraints(max_length=ADDRESS_MAX, pattern=ADDRESS_PATTERN)]
Title = _line(3, 120)
Description = _text(0, 5000)
Body = _text(1, 5000)


EXTRA_NAME_MAX = 64


def _check_extra_name(name: str) -> None:
    """An extra field's name becomes a key in the stored item: DynamoDB refuses an empty one
    (moto stores it, then answers every read of the item with JSON botocore cannot parse),
    and names that are blank, huge or carry control characters are never a widget's intent.
    The name itself is not repeated in the error: it is the part that is not fit to show."""
    if not name.strip():
        raise ValueError("an extra field's name is empty or blank")
    if len(name) > EXTRA_NAME_MAX:
        raise ValueError(f"an extra field's name is over {EXTRA_NAME_MAX} characters")
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Cs") for ch in name):
        raise ValueError("an extra field's name has control or format characters")


class _Model(BaseModel):
    """Validators are built on first use, not at import: a cold start pays for one model."""

    model_config = ConfigDict(defer_build=True)


class _Input(_Model):
    """A request body: unknown fields are mistakes worth reporting, types are not coerced."""

    model_config = ConfigDict(extra="forbid", strict=True, defer_build=True)


WebhookFormat = Literal["json", "slack", "discord", "teams"]


class WebhookIn(_Input):
    url: Annotated[str, StringConstraints(min_length=8, max_length=2048)]
    events: Annotated[list[str], Field(min_length=1, max_length=20)]
    secret: Annotated[str, StringConstraints(min_length=16, max_length=256)] | None = None
    format: WebhookFormat = Field(
        "json",
        description="json: the signed event; slack, discord, teams: that service's"
        " incoming-webhook message.",
    )
    privateBoards: bool = Field(
        False, description="Also events about requests on private boards (the team's only)"
    )


class WebhookTestIn(_Input):
    url: Annotated[str, StringConstraints(min_length=8, max_length=2048)]


Moderation = Literal["none", "anonymous", "all"]
MODERATION_HELP = (
    "Whose new requests and comments wait for the team's approval: nobody's, anonymous"
    " callers', or every end user's"
)


class AppCreate(_Input):
    id: Slug
    name: _line(1, 80)  # type: ignore[valid-type]
    allowAnonymous: bool = False
    moderation: Moderation = Field("none", description=MODERATION_HELP)
    notifyEmails: Annotated[list[Email], Field(max_length=20)] = []
    webhooks: Annotated[list[WebhookIn], Field(max_length=10)] = []


class GithubIn(_Input):
    token: Annotated[str, StringConstraints(min_length=1, max_length=255)] = Field(
        description="A token that may open issues in the repositories you link"
    )
    webhookSecret: Annotated[str, StringConstraints(min_length=16, max_length=256)] = Field(
        description="The secret of the repository's webhook (X-Hub-Signature-256)"
    )


class IntegrationsIn(_Input):
    github: GithubIn | None = Field(None, description="null removes it")


class LinkCreate(_Input):
    provider: Literal["github"]
    repo: Annotated[
        str, StringConstraints(max_length=140, pattern=r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")
    ] = Field(description="owner/name")


class GithubWebhookQuery(_Model):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    app: Annotated[str, StringConstraints(max_length=100, pattern=r"^[a-z0-9-]+/[a-z0-9-]+$")] = (
        Field(description="<tenant>/<appId>")
    )


class StatusIn(_Input):
    id: Status
    name: _line(1, 40)  # type: ignore[valid-type]
    color: Color = Field(description="#rrggbb")
    kind: StatusKind
    roadmap: bool | None = Field(
        None, description="Shown on the roadmap; default: the active and done kinds"
    )


def _statuses(value: list[StatusIn]) -> list[StatusIn]:
    ids = [s.id for s in value]
    if len(set(ids)) != len(ids):
        raise ValueError("each status id may appear once")
    kinds = {s.kind for s in value}
    if not {"open", "done"} <= kinds:
        raise ValueError("needs a status of kind open (new requests) and one of kind done")
    dup = next((s for s in value if s.id == "duplicate"), None)
    if dup is None or dup.kind != "closed":
        raise ValueError("duplicate is reserved: it must be present, of kind closed")
    return value


Statuses = Annotated[list[StatusIn], Field(min_length=2, max_length=20), AfterValidator(_statuses)]


def _https_url(value: str) -> str:
    """An https address with a host, nothing that could end an HTML attribute or a CSS url()."""
    from urllib.parse import urlsplit

    if any(ch.isspace() or ch in "\"'<>\\`" or unicodedata.category(ch)[0] == "C" for ch in value):
        raise ValueError("must be an https URL without spaces, quotes or control characters")
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 -- raises on a port that is not a number in range
    except ValueError:
        raise ValueError("must be an https URL") from None
    if parts.scheme != "https" or not parts.hostname or parts.username or parts.password:
        raise ValueError("must be an https URL with a host and no user name")
    return value


class BrandingIn(_Input):
    """Each field given replaces the app's; null removes it; an absent field is kept."""

    name: _line(1, 80) | None = Field(None, description="Shown instead of the app's name")  # type: ignore[valid-type]
    logoUrl: (
        Annotated[str, StringConstraints(max_length=2048), AfterValidator(_https_url)] | None
    ) = Field(None, description="https only")
    accentColor: Annotated[str, StringConstraints(pattern=r"^#[0-9a-fA-F]{6}$")] | None = Field(
        None, description="#rrggbb"
    )


class AppPatch(_Input):
    statuses: Statuses | None = Field(
        None, description="The whole list, in display order; ids left out are removed"
    )
    replaceWith: Status | None = Field(
        None, description="Where requests of the removed statuses go (else 409 while used)"
    )
    integrations: IntegrationsIn | None = Field(
        None, description="Write-only: the app shows only which are configured"
    )
    branding: BrandingIn | None = Field(
        None, description="Name, logo and accent colour of the board, the widget and the emails"
    )
    name: _line(1, 80) | None = None  # type: ignore[valid-type]
    allowAnonymous: bool | None = None
    moderation: Moderation | None = Field(None, description=MODERATION_HELP)
    notifyEmails: Annotated[list[Email], Field(max_length=20)] | None = None
    webhooks: Annotated[list[WebhookIn], Field(max_length=10)] | None = None


class RequestCreate(_Input):
    title: Title  # type: ignore[valid-type]
    description: Description = ""  # type: ignore[valid-type]
    priority: Priority = "medium"
    tags: Tags = []
    board: BoardId = "general"


class BoardCreate(_Input):
    id: BoardId
    name: _line(1, 80)  # type: ignore[valid-type]
    description: _text(0, 500) = ""  # type: ignore[valid-type]
    visibility: Visibility = "public"


class BoardPatch(_Input):
    name: _line(1, 80) | None = None  # type: ignore[valid-type]
    description: _text(0, 500) | None = None  # type: ignore[valid-type]
    visibility: Visibility | None = None

    @model_validator(mode="after")
    def _not_empty(self) -> BoardPatch:
        if not self.model_fields_set:
            raise ValueError("name at least one field to change")
        return self


class RequestPatch(_Input):
    title: Title | None = None  # type: ignore[valid-type]
    description: Description | None = None  # type: ignore[valid-type]
    status: Status | None = None
    priority: Priority | None = None
    tags: Tags | None = None
    response: _text(0, 5000) | None = None  # type: ignore[valid-type]
    board: BoardId | None = Field(None, description="The team moves the request to this board")

    @model_validator(mode="after")
    def _not_empty(self) -> RequestPatch:
        if not self.model_fields_set:
            raise ValueError("name at least one field to change")
        return self


def _ids(value: list[str]) -> list[str]:
    return list(dict.fromkeys(value))


RequestIds = Annotated[
    list[Annotated[str, StringConstraints(min_length=1, max_length=64)]],
    Field(max_length=20, description="Requests of the same app this entry ships (at most 20)"),
    AfterValidator(_ids),
]
Markdown = _text(1, 20000)


class ChangelogCreate(_Input):
    title: Title  # type: ignore[valid-type]
    body: Markdown = Field(description="Markdown, up to 20,000 characters")  # type: ignore[valid-type]
    requestIds: RequestIds = []
    completeLinked: bool = Field(
        False, description="On publish, move the linked requests to the app's done status"
    )


class ChangelogPreviewIn(_Input):
    body: Markdown  # type: ignore[valid-type]


class ChangelogPatch(_Input):
    title: Title | None = None  # type: ignore[valid-type]
    body: Markdown | None = None  # type: ignore[valid-type]
    requestIds: RequestIds | None = None
    completeLinked: bool | None = None

    @model_validator(mode="after")
    def _not_empty(self) -> ChangelogPatch:
        if not self.model_fields_set:
            raise ValueError("name at least one field to change")
        return self


class MergeBody(_Input):
    into: Annotated[str, StringConstraints(min_length=1, max_length=64)]


class CommentCreate(_Input):
    body: Body  # type: ignore[valid-type]
    internal: bool = Field(False, description="A note only the team sees (team only).")


class CommentEdit(_Input):
    body: Body  # type: ignore[valid-type]


class FeedbackCreate(_Model):
    """Our own shape, and the one the Feedback Fin widget posts (its extra fields are kept)."""

    model_config = ConfigDict(extra="allow", strict=True, defer_build=True)

    message: Body  # type: ignore[valid-type]
    rating: Annotated[int, Field(ge=1, le=5)] | None = None
    email: Email | None = None
    name: _line(1, 120) | None = None  # type: ignore[valid-type]
    type: Annotated[str, StringConstraints(min_length=1, max_length=40)] | None = None
    feedbackType: Annotated[str, StringConstraints(min_length=1, max_length=40)] | None = None
    timestamp: Any = None

    @field_validator("email", mode="before")
    @classmethod
    def _blank_email(cls, value: Any) -> Any:
        return None if value == "" else value

    @field_validator("name", mode="before")
    @classmethod
    def _blank_name(cls, value: Any) -> Any:
        return None if value == "" else value

    @model_validator(mode="after")
    def _small_extras(self) -> FeedbackCreate:
        extra = self.model_extra or {}
        for name in extra:
            _check_extra_name(name)
        if len(extra) > 20 or any(len(str(v)) > 1000 for v in extra.values()):
            raise ValueError("extra fields: at most 20, each under 1,000 characters")
        return self


class ListQuery(_Model):
    """Query strings are text: numbers are parsed from them (not strict)."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    status: Status | None = None
    board: BoardId | None = Field(None, description="Without it: board general")
    tag: TagName | None = None
    sort: Literal["top", "new", "trending", "discussed"] = Field(
        "new",
        description="top: most votes; new: newest; trending: most votes and comments of the "
        "last 7 days, recent days weighing more; discussed: most comments of the last 30 days",
    )
    limit: Annotated[int, Field(ge=1, le=100)] = 20
    cursor: Annotated[str, StringConstraints(min_length=1, max_length=2048)] | None = None
    q: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=100)]
        | None
    ) = Field(
        None,
        description="Words of the title and description (stems, one typo forgiven), best "
        "match first; sort is ignored",
    )
    voted: bool = Field(False, description="Only the calling user's voted requests, newest first")


class ChangelogQuery(_Model):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    limit: Annotated[int, Field(ge=1, le=100)] = 20
    cursor: Annotated[str, StringConstraints(min_length=1, max_length=2048)] | None = None
    status: Literal["published", "draft"] = Field(
        "published", description="draft: the team's unpublished entries (admin only)"
    )


class OutboxQuery(_Model):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    page: Annotated[int, Field(ge=1, le=100_000)] = 1


class PageQuery(_Model):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    limit: Annotated[int, Field(ge=1, le=100)] = 20
    cursor: Annotated[str, StringConstraints(min_length=1, max_length=2048)] | None = None


# ---------------------------------------------------------------- outputs


class UserOut(_Model):
    id: str
    name: str | None = None
    email: str | None = Field(None, description="Shown to admins only.")


class WebhookOut(_Model):
    url: str
    events: list[str]
    format: WebhookFormat = "json"
    privateBoards: bool = False
    secret: str | None = Field(None, description="Only in the response that generated it.")


class WebhookTestOut(_Model):
    eventId: str
    type: str
    url: str
    format: WebhookFormat


class StatusOut(_Model):
    id: str
    name: str
    color: str
    kind: StatusKind
    roadmap: bool


class BoardOut(_Model):
    id: str
    name: str
    description: str
    visibility: Visibility


class BoardList(_Model):
    items: list[BoardOut]


class StatusList(_Model):
    items: list[StatusOut]


class BrandingOut(_Model):
    name: str | None = None
    logoUrl: str | None = None
    accentColor: str | None = None
    accentText: str | None = Field(
        None, description="#000000 or #ffffff: the one that contrasts more with accentColor"
    )


class AppPublicOut(_Model):
    """What the board and the widget show of an app (publishable key)."""

    id: str
    name: str = Field(description="The brand's name if set, else the app's")
    branding: BrandingOut


class AppOut(_Model):
    id: str
    name: str
    statuses: list[StatusOut] = Field(description="In display order")
    boards: list[BoardOut] = Field(description="general first")
    allowAnonymous: bool
    moderation: Moderation = "none"
    notifyEmails: list[str]
    webhooks: list[WebhookOut]
    integrations: dict[str, dict[str, bool]] = Field(
        default_factory=dict, description='{"github": {"configured": true}}'
    )
    branding: BrandingOut = Field(default_factory=lambda: BrandingOut())
    createdAt: str
    updatedAt: str
    version: int


class AppCreated(AppOut):
    publishableKey: str = Field(description="Shown only in this response.")
    userTokenSecret: str = Field(description="HS256 secret for user tokens; shown only here.")


class KeysRotated(_Model):
    publishableKey: str
    userTokenSecret: str


class AppList(_Model):
    items: list[AppOut]


class LinkOut(_Model):
    provider: Literal["github"]
    repo: str
    url: str
    number: int
    state: Literal["open", "closed"]


ModerationState = Literal["pending", "approved"]
MODERATION_STATE = (
    "pending: seen only by its author and the team until approved; approved: it waited;"
    " absent: it never waited"
)


class RequestOut(_Model):
    id: str
    appId: str
    board: str
    title: str
    description: str
    status: str
    priority: Priority
    tags: list[str]
    votes: int
    commentCount: int
    voted: bool
    author: UserOut
    response: str | None
    duplicateOf: str | None
    insights: dict[str, Any] | None
    createdAt: str
    updatedAt: str
    version: int
    links: list[LinkOut] | None = Field(
        None, description="The team only, on GET of one request: linked GitHub issues"
    )
    moderation: ModerationState | None = Field(None, description=MODERATION_STATE)


class LinkPage(_Model):
    items: list[LinkOut]


class GithubWebhookOut(_Model):
    handled: bool = Field(description="Whether the event changed a linked request")


class RequestPage(_Model):
    items: list[RequestOut]
    nextCursor: str | None


class CommentOut(_Model):
    id: str
    body: str
    author: UserOut
    createdAt: str
    moderation: ModerationState | None = Field(None, description=MODERATION_STATE)
    internal: bool = Field(False, description="A note only the team sees.")
    edited: bool = False
    editedAt: str | None = None
    reactions: dict[str, int] = Field(
        default_factory=dict, description="Counts by reaction: +1, heart, tada, laugh, eyes."
    )
    reacted: list[str] | None = Field(None, description="The caller's own reactions.")


class CommentPage(_Model):
    items: list[CommentOut]
    nextCursor: str | None


class BanIn(_Input):
    until: Annotated[str, StringConstraints(min_length=1, max_length=40)] | None = Field(
        None, description="RFC 3339, in the future; absent: until lifted"
    )
    reason: _line(1, 500) | None = None  # type: ignore[valid-type]


class BanOut(_Model):
    userId: str
    until: str | None = Field(description="null: until lifted")
    reason: str | None


class QueuedOut(_Model):
    kind: Literal["request", "comment"]
    id: str
    requestId: str
    requestTitle: str | None = Field(description="The request a comment is on, or this one's")
    title: str | None = Field(description="A request's title; null for a comment")
    body: str = Field(description="A request's description or a comment's body")
    author: UserOut
    createdAt: str
    spamScore: Annotated[float, Field(ge=0, le=1)]
    spamReasons: list[
        Literal["links", "repeated_text", "promotional", "shouting", "posting_rate", "new_identity"]
    ]


class QueuePage(_Model):
    items: list[QueuedOut]
    nextCursor: str | None


class FeedbackOut(_Model):
    id: str
    appId: str
    message: str
    rating: int | None
    type: str | None
    name: str | None
    email: str | None = Field(None, description="Shown to admins only.")
    sentiment: Literal["positive", "neutral", "negative"] | None
    createdAt: str


class FeedbackPage(_Model):
    items: list[FeedbackOut]
    nextCursor: str | None


class UserPage(_Model):
    items: list[UserOut]
    nextCursor: str | None


class SubscriptionOut(_Model):
    requestId: str
    subscribed: bool


class ChangelogOut(_Model):
    id: str
    appId: str
    title: str
    body: str = Field(description="Markdown, as written")
    html: str = Field(description="The body rendered and sanitised")
    requestIds: list[str]
    completeLinked: bool
    status: Literal["draft", "published"]
    createdAt: str
    updatedAt: str
    publishedAt: str | None
    version: int


class ChangelogPreviewOut(_Model):
    html: str = Field(description="The body rendered and sanitised, as publishing would")


class ChangelogPage(_Model):
    items: list[ChangelogOut]
    nextCursor: str | None


class HealthOut(_Model):
    status: Literal["ok", "unavailable"]
    version: str
    checks: dict[str, str]


class ExportQuery(_Model):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    format: Literal["csv", "json", "jsonl"] = "csv"
    full: bool = Field(
        False,
        description="Everything of the app (votes, followers, comments, feedback), with jsonl",
    )


class ExportPending(_Model):
    status: Literal["pending"]
    format: str
    requests: int
    url: str = Field(description="A presigned link; the file is there once the job ran.")
    expiresAt: str


class ExportRow(_Model):
    """One request in an export (``format=json``'s items, ``format=jsonl``'s lines)."""

    id: str
    board: str
    title: str
    description: str
    status: str
    priority: str
    tags: list[str]
    votes: int
    commentCount: int
    authorId: str
    authorName: str | None
    authorEmail: str | None
    response: str | None
    duplicateOf: str | None
    createdAt: str
    updatedAt: str
    insights: dict[str, Any] | None
    moderation: ModerationState | None = Field(
        None, description="approved: it waited for the team; pending posts are in the queue"
    )


class ExportFile(_Model):
    """``format=json``: the whole export as one document."""

    schemaVersion: int
    items: list[ExportRow]


class InsightsQueued(_Model):
    status: Literal["queued"]
    appId: str


class SimilarQuery(_Model):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    q: Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=200)]
    board: BoardId | None = Field(
        None, description="Only requests of this board (one the caller may see, else 404)"
    )


class SimilarItem(_Model):
    id: str
    title: str
    status: str
    votes: int
    score: float = Field(ge=0, le=1)


class SimilarOut(_Model):
    items: list[SimilarItem] = Field(max_length=5)


class TagCount(_Model):
    tag: str
    count: int


class TagList(_Model):
    items: list[TagCount]


class TagRename(_Input):
    name: TagName = Field(description="The tag's new name; a request with both keeps one")


class TagRenamed(_Model):
    tag: str
    changed: int = Field(description="Requests this call changed")


class RequestInsightOut(_Model):
    id: str
    category: str
    sentiment: Literal["positive", "neutral", "negative"]
    priorityScore: int = Field(ge=1, le=10)
    summary: str
    reason: str = Field("", description="Why this category and priority")


class DuplicateGroupOut(_Model):
    ids: list[str] = Field(min_length=2)
    score: float = Field(ge=0, le=1)
    reason: str


class InsightsOut(_Model):
    ranAt: str | None
    provider: str | None
    requests: list[RequestInsightOut]
    duplicateGroups: list[DuplicateGroupOut]
    nextCursor: str | None


class UserDataOut(_Model):
    userId: str
    requests: list[dict[str, Any]]
    comments: list[dict[str, Any]]
    votes: list[dict[str, Any]]
    subscriptions: list[dict[str, Any]]
    reactions: list[dict[str, Any]] = Field(default_factory=list)
    feedback: list[dict[str, Any]]
    emailOptOut: bool


class AuditMember(_Model):
    id: str
    email: str


class AuditEntry(_Model):
    at: str
    requestId: str
    keyId: str = Field(description="The admin key's id, or member.<id> for a member's session")
    actingUser: str | None
    member: AuditMember | None = Field(None, description="The team member who did it")
    action: str = Field(description="The method and route, e.g. PATCH /v1/apps/{appId}")
    target: dict[str, str] = Field(description="The route's path parameters")
    status: int


class AuditPage(_Model):
    items: list[AuditEntry]
    nextCursor: str | None


class UnsubscribeQuery(_Model):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    token: Annotated[str, StringConstraints(max_length=2048)] | None = None


class AnalyticsOut(_Model):
    byStatus: dict[str, int] = Field(description="Per status of the app, in its order")
    byStatusKind: dict[str, int] = Field(description="open, active, done, closed")
    byBoard: dict[str, int] = Field(description="Requests per board")
    requests: int
    totalVotes: int
    comments: int
    internalNotes: int = Field(0, description="The team's internal notes (not in comments).")
    feedbackCount: int
    averageRating: float | None
    ratingCount: int
    sentiment: dict[str, int]
    topTags: list[dict[str, Any]]
    requestsPerWeek: list[dict[str, Any]]


class DeliveryOut(_Model):
    eventId: str
    type: str
    url: str
    statusCode: int | None
    attempt: int
    at: str
    error: str | None
    nextRetryAt: str | None


class DeliveryPage(_Model):
    items: list[DeliveryOut]
    nextCursor: str | None


class ErrorDetail(_Model):
    field: str
    message: str


class ErrorInfo(_Model):
    code: str
    message: str
    details: list[ErrorDetail] = []


class ErrorOut(_Model):
    error: ErrorInfo
    requestId: str


# ---------------------------------------------------------------- the team

Role = Literal["owner", "admin", "moderator", "viewer"]


def _ascii_address(value: str) -> str:
    """A sign-in link must arrive: SES delivers to ASCII addresses only (no SMTPUTF8)."""
    if not value.isascii():
        raise ValueError("must be an ASCII address (a domain in punycode), like ada@example.com")
    return value


TeamEmail = Annotated[Email, AfterValidator(_ascii_address)]
TenantId = Annotated[str, StringConstraints(min_length=2, max_length=40, pattern=r"^[a-z0-9-]+$")]


class MemberCreate(_Input):
    email: TeamEmail
    role: Role


class MemberPatch(_Input):
    role: Role


class MemberOut(_Model):
    id: str
    email: str
    role: Role
    status: Literal["invited", "active"] = Field(description="active once signed in")
    invitedBy: str | None
    createdAt: str
    lastSignInAt: str | None


class MemberCreated(MemberOut):
    invitationSent: bool = Field(description="false when the email could not be sent now")


class MemberList(_Model):
    items: list[MemberOut]


class SessionStart(_Input):
    tenant: TenantId
    email: TeamEmail


class SessionStarted(_Model):
    message: str


class SessionVerify(_Input):
    token: Annotated[str, StringConstraints(min_length=1, max_length=200)]


class SessionOut(_Model):
    sessionToken: str
    expiresAt: str
    member: MemberOut


class SessionInfo(_Model):
    role: Role
    member: MemberOut | None = Field(description="null for an admin key (counts as an owner)")
    expiresAt: str | None


class OidcStart(_Input):
    tenant: TenantId
    redirectUri: Annotated[str, StringConstraints(min_length=8, max_length=2048)]
    codeChallenge: Annotated[
        str, StringConstraints(min_length=43, max_length=128, pattern=r"^[A-Za-z0-9_-]+$")
    ] = Field(description="PKCE: the unpadded base64url SHA-256 of the console's verifier")


class OidcStarted(_Model):
    authorizationUrl: str


class OidcFinish(_Input):
    state: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    code: Annotated[str, StringConstraints(min_length=1, max_length=2048)]
    codeVerifier: Annotated[
        str, StringConstraints(min_length=43, max_length=128, pattern=r"^[A-Za-z0-9._~-]+$")
    ]
