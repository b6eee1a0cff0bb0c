"""Test helpers for the team: invite a member, read its emailed token, sign in."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any

from chalicelib.notify.outbox import _parse, sent_emails
from tests.helpers import Api, Tenant

__all__ = ["Member", "emailed_text", "emailed_token", "invite", "sign_in", "ROLES"]

ROLES = ("viewer", "moderator", "admin", "owner")
_TOKEN = re.compile(r"fr_signin_[a-z0-9-]+_[A-Za-z0-9_-]+")


@dataclass
class Member:
    id: str
    email: str
    role: str
    session: str


def _in_process_outbox() -> list[dict[str, Any]]:
    """The emails moto's server in this process was asked to send, read from its backend:
    its ``data.json`` dump serialises every object moto tracks, which grows all session."""
    from moto.backends import get_backend

    ses = get_backend("ses")["123456789012"]["us-east-1"]
    return [_parse(m.raw_data) for m in ses.sent_messages if hasattr(m, "raw_data")]


def emailed_text(address: str, endpoint: str | None = None) -> str:
    """The text of the newest email to ``address`` in the local outbox (this process's
    moto, or the stack's at ``endpoint``)."""
    found = sent_emails(endpoint) if endpoint else _in_process_outbox()
    mails = [m for m in found if m["to"] == address]
    assert mails, f"no email to {address}"
    return mails[-1]["text"]


def emailed_token(address: str, endpoint: str | None = None) -> str:
    """The one-time token of the newest email to ``address``."""
    text = emailed_text(address, endpoint)
    found = _TOKEN.search(text)
    assert found, text
    return found.group()


def sign_in(api: Api, tenant_id: str, address: str) -> str:
    """Ask for a link, take the token from the email, trade it for a session token."""
    started = api.post("/v1/session/start", body={"tenant": tenant_id, "email": address})
    assert started.status == 202, started.body
    verified = api.post("/v1/session/verify", body={"token": emailed_token(address)})
    assert verified.status == 200, verified.body
    return verified.body["sessionToken"]


def invite(api: Api, tenant: Tenant, role: str, key: str | None = None) -> Member:
    """A member with ``role``, invited with the tenant's admin key (or ``key``), signed in
    from the invitation's link."""
    address = f"{role}-{uuid.uuid4().hex[:8]}@example.com"
    made = api.post(
        "/v1/members", key=key or tenant.admin_key, body={"email": address, "role": role}
    )
    assert made.status == 201 and made.body["invitationSent"], made.body
    verified = api.post("/v1/session/verify", body={"token": emailed_token(address)})
    assert verified.status == 200, verified.body
    return Member(made.body["id"], address, role, verified.body["sessionToken"])
