"""Stored records: what the table holds, independent of the API's shapes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "Person",
    "Tenant",
    "AdminKey",
    "App",
    "FeatureRequest",
    "Comment",
    "REACTIONS",
    "Feedback",
    "Vote",
    "Member",
    "Session",
    "ChangelogEntry",
]


@dataclass(frozen=True)
class Person:
    """An end user, as the client app told us (user token claims or X-User-* headers)."""

    id: str
    name: str | None = None
    email: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in (("id", self.id), ("name", self.name), ("email", self.email)) if v}

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Person:
        return cls(id=raw["id"], name=raw.get("name"), email=raw.get("email"))


@dataclass(frozen=True)
class Tenant:
    id: str
    name: str
    created_ms: int


@dataclass(frozen=True)
class AdminKey:
    tenant: str
    key_id: str
    key_hash: str
    created_ms: int
    label: str = ""
    revoked: bool = False


@dataclass(frozen=True)
class App:
    tenant: str
    id: str
    name: str
    pub_key_hash: str
    user_secret_salt: str
    created_ms: int
    updated_ms: int
    allow_anonymous: bool = False
    notify_emails: tuple[str, ...] = ()
    webhooks: tuple[dict[str, Any], ...] = ()
    version: int = 1
    integrations: dict[str, Any] = field(default_factory=dict)  # write-only settings
    statuses: tuple[dict[str, Any], ...] = ()  # none stored: today's seven (chalicelib.workflow)
    boards: tuple[dict[str, Any], ...] = ()  # beside ``general``, which always exists
    moderation: str = "none"  # whose new posts wait for the team: none, anonymous, all
    branding: dict[str, str] = field(default_factory=dict)  # name, logoUrl, accentColor


@dataclass(frozen=True)
class FeatureRequest:
    tenant: str
    app: str
    id: str
    title: str
    description: str
    author: Person
    created_ms: int
    updated_ms: int
    status: str = "open"
    priority: str = "medium"
    tags: tuple[str, ...] = ()
    votes: int = 0
    comment_count: int = 0
    response: str | None = None
    duplicate_of: str | None = None
    status_before_merge: str | None = None
    insights: dict[str, Any] | None = None
    version: int = 1
    updated_by: str | None = None  # who made the last edit: emails skip the one who acted
    # a merge (or its undoing) under way: "merging" or "unmerging" with ``merge_target``
    merge_step: str | None = None
    merge_target: str | None = None
    merges_in: tuple[str, ...] = ()  # the requests whose merge into this one is under way
    shipped_in: str | None = None  # the changelog entry whose publishing completed it
    board: str = "general"
    moderation: str | None = None  # "pending" until the team approves it, then "approved"
    # the board a move left its old items on, until they are deleted (its counter says so)
    left_on: str | None = None


REACTIONS = ("+1", "heart", "tada", "laugh", "eyes")  # what a comment may be reacted with


@dataclass(frozen=True)
class Comment:
    tenant: str
    app: str
    request_id: str
    id: str
    body: str
    author: Person
    created_ms: int
    moderation: str | None = None  # "pending" until the team approves it, then "approved"
    internal: bool = False  # a note only the team sees
    edited_ms: int | None = None
    reactions: dict[str, int] = field(default_factory=dict)  # reaction -> count, none at 0


@dataclass(frozen=True)
class Vote:
    user: Person
    created_ms: int
    origin: str | None = None  # the request it was moved from by a merge


@dataclass(frozen=True)
class Feedback:
    tenant: str
    app: str
    id: str
    message: str
    created_ms: int
    rating: int | None = None
    type: str | None = None
    name: str | None = None
    email: str | None = None
    user_id: str | None = None
    page: str | None = None
    sentiment: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    expires_at: int | None = None  # epoch seconds; DynamoDB's TTL deletes it then


@dataclass(frozen=True)
class Member:
    """A person of the tenant's team: signs in by email link, acts with a role."""

    tenant: str
    id: str
    email: str
    role: str  # owner, admin, moderator or viewer
    created_ms: int
    invited_by: str | None = None  # who invited: a member's email, or an admin key's id
    last_sign_in_ms: int | None = None


@dataclass(frozen=True)
class Session:
    """A signed-in member's session: the token's hash only, and when it ends."""

    tenant: str
    id: str
    token_hash: str
    member_id: str
    expires_ms: int


@dataclass(frozen=True)
class ChangelogEntry:
    """A changelog entry: a draft the team edits, then published once (never edited after)."""

    tenant: str
    app: str
    id: str
    title: str
    body: str  # Markdown, as the team wrote it
    html: str  # its sanitised rendering, made when the body is written
    created_ms: int
    updated_ms: int
    request_ids: tuple[str, ...] = ()
    complete_linked: bool = False
    status: str = "draft"  # "draft" or "published"
    published_ms: int | None = None
    version: int = 1
