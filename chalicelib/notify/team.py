"""The team's sign-in email: an invitation or a sign-in link, sent through SES.

The link opens the console with the one-time token after ``#``: a fragment never reaches a
server, so the token stays out of access logs and Referer headers. No unsubscribe link: a
person asked for this email (or was invited), and it is the only way to sign in.
"""

from __future__ import annotations

from email.message import EmailMessage
from urllib.parse import quote

from .. import aws
from ..branding import email_brand
from ..context import Context
from ..templating import environment

__all__ = ["console_url", "send_signin"]


def console_url(ctx: Context) -> str:
    """The console's address: CONSOLE_URL, else the board's sibling ``/admin/``, else none."""
    settings = ctx.settings
    if settings.console_url:
        return settings.console_url
    board = settings.board_url
    if board.rstrip("/").endswith("/board"):
        return board.rstrip("/")[: -len("board")] + "admin/"
    return ""


def send_signin(
    ctx: Context, address: str, tenant_name: str, token: str, role: str, invited_by: str | None
) -> None:
    """One email with the sign-in link (and the code, for a console without a known URL)."""
    base = console_url(ctx)
    subject = (
        f"You are invited to the {tenant_name} team"
        if invited_by
        else f"Your sign-in link for {tenant_name}"
    )
    values = {
        "subject": subject,
        "app_name": tenant_name,
        "invited_by": invited_by,
        "role": role,
        "token": token,
        "link": f"{base}#signin={quote(token)}" if base else "",
        "brand": email_brand(tenant_name, None),  # the team's own emails: Featureboard's look
    }
    env = environment()
    message = EmailMessage()
    message["From"] = ctx.settings.sender_email
    message["To"] = address
    message["Subject"] = subject
    message.set_content(env.get_template("email/signin.txt").render(values))
    message.add_alternative(env.get_template("email/signin.html").render(values), subtype="html")
    aws.client("ses").send_raw_email(
        Source=ctx.settings.sender_email,
        Destinations=[address],
        RawMessage={"Data": message.as_bytes()},
    )
