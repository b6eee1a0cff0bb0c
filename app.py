"""Featureboard: every entry point. Each handler parses, calls one use case, returns."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable

from chalice.app import Chalice, Cron, Response

from chalicelib import consumers, gateway
from chalicelib import models as m
from chalicelib.context import get_context
from chalicelib.errors import NotFoundError
from chalicelib.rest import (
    Answer,
    Call,
    Reply,
    Router,
    credentials,
    envelope_chalice_errors,
    error_response,
    request_id,
)
from chalicelib.services import (
    access,
    apps,
    comments,
    feedback,
    idempotency,
    requests,
    team,
    votes,
)
from chalicelib.settings import get_settings


class Featureboard(Chalice):
    """Chalice, also behind an HTTP API's catch-all route (see chalicelib/gateway.py)."""

    def __call__(self, event, context):
        routed = gateway.as_rest_event(event, self.routes)
        if routed is None:
            rid = getattr(context, "aws_request_id", None) or str(uuid.uuid4())
            missing = NotFoundError(f"no such path: {event.get('path')}")
            return error_response(missing, rid).to_dict()
        return super().__call__(routed, context)


app = Featureboard(app_name="featureboard")


def _authenticate(call: Call, app_id: str | None, query_key: bool) -> None:
    creds = credentials(call.request, query_key)
    call.caller, call.app = access.authenticate(get_context(), creds, app_id)


def _audit(call: Call, spec, params: dict, status: int) -> None:
    from chalicelib.services import audit

    audit.record(
        get_context(), call.caller, spec.method, spec.path, params, status, call.request_id
    )


def _account(call: Call, dollars: float) -> None:
    """Who costs what: the call joins its tenant's day, written now and then (usage.py)."""
    import time

    from chalicelib import usage
    from chalicelib.store import meter

    m = meter()
    messages = sum(m.messages.values())
    usage.count(call.caller.tenant, time.time(), m.read_units, m.write_units, messages, dollars)
    usage.flush(get_context().store)


api = Router(app, _authenticate, _audit, _account)
route = api.route
REQ = "/v1/apps/{appId}/requests/{requestId}"
HTML = {"type": "string", "description": "An HTML page"}


@app.middleware("http")
def _envelope(event, get_response) -> Response:
    return envelope_chalice_errors(get_response(event), request_id(event))


def _with_etag(body: dict, status: int = 200) -> Reply:
    return Reply(body, status, {"ETag": f'"{body["version"]}"'})


def _once(call: Call, create: Callable[[idempotency.Keyed], Reply]) -> Reply:
    """A create that honours ``Idempotency-Key``: ``create(keyed)``, or, for a repeat of a
    keyed call, the first call's answer marked ``Idempotent-Replayed``."""
    try:
        return create(idempotency.Keyed(call.header(idempotency.HEADER), call.request.raw_body))
    except idempotency.Replay as replay:
        return Reply(replay.body, replay.status, {"Idempotent-Replayed": "true"})


# ---------------------------------------------------------------- operations


@route(
    "/v1/health",
    "GET",
    auth="none",
    returns=m.HealthOut,
    answers=(Answer(503, "application/json", m.HealthOut, "A dependency does not answer"),),
    summary="Is the service up?",
)
def health(call: Call) -> Reply:
    from chalicelib.services import health as checks

    body = checks.check(get_context())
    return Reply(body, 200 if body["status"] == "ok" else 503)


@route(
    "/v1/openapi.json",
    "GET",
    auth="none",
    answers=(Answer(200, "application/json", {"type": "object"}, "This document"),),
    summary="This API as an OpenAPI 3.1 document",
)
def openapi(call: Call) -> dict:
    from chalicelib import openapi as spec

    return spec.document(api.specs, get_context().settings.version)


# ---------------------------------------------------------------- apps and keys


@route(
    "/v1/apps",
    "POST",
    auth="admin",
    body=m.AppCreate,
    returns=m.AppCreated,
    status=201,
    summary="Create an app; its publishable key and user-token secret are shown only here",
)
def create_app(call: Call) -> Reply:
    return Reply(apps.create_app(get_context(), call.caller, call.body), 201)


@route("/v1/apps", "GET", auth="admin", returns=m.AppList, summary="List the tenant's apps")
def list_apps(call: Call) -> dict:
    return apps.list_apps(get_context(), call.caller)


@route("/v1/apps/{appId}", "GET", auth="admin", returns=m.AppOut, summary="Read an app")
def get_app(call: Call, appId: str) -> dict:
    return apps.get_app(get_context(), call.caller, call.app)


@route(
    "/v1/apps/{appId}",
    "PATCH",
    auth="admin",
    body=m.AppPatch,
    returns=m.AppOut,
    summary="Change an app's settings",
)
def patch_app(call: Call, appId: str) -> dict:
    return apps.patch_app(get_context(), call.caller, call.app, call.body)


@route(
    "/v1/apps/{appId}/public",
    "GET",
    returns=m.AppPublicOut,
    summary="The app as the board and the widget show it: name and branding",
)
def app_public(call: Call, appId: str) -> dict:
    return apps.public_info(get_context(), call.caller, call.app)


@route(
    "/v1/apps/{appId}/keys/rotate",
    "POST",
    auth="admin",
    returns=m.KeysRotated,
    summary="Replace the publishable key and user-token secret; the old ones stop working",
)
def rotate_keys(call: Call, appId: str) -> dict:
    return apps.rotate_keys(get_context(), call.caller, call.app)


# ---------------------------------------------------------------- statuses and boards

BOARDS = "/v1/apps/{appId}/boards"


@route(
    "/v1/apps/{appId}/statuses",
    "GET",
    returns=m.StatusList,
    summary="The app's statuses in display order, with names, colours and kinds",
)
def list_statuses(call: Call, appId: str) -> dict:
    from chalicelib import present
    from chalicelib.workflow import statuses

    return {"items": [present.status(s) for s in statuses(call.app)]}


@route(BOARDS, "GET", returns=m.BoardList, summary="The boards the caller may see")
def list_boards(call: Call, appId: str) -> dict:
    from chalicelib.services import boards

    return boards.list_boards(get_context(), call.caller, call.app)


@route(
    BOARDS,
    "POST",
    auth="admin",
    body=m.BoardCreate,
    returns=m.BoardOut,
    status=201,
    summary="Add a board: public, signed_in (a user token) or private (the team)",
)
def create_board(call: Call, appId: str) -> Reply:
    from chalicelib.services import boards

    return Reply(boards.create(get_context(), call.caller, call.app, call.body), 201)


@route(
    BOARDS + "/{boardId}",
    "PATCH",
    auth="admin",
    body=m.BoardPatch,
    returns=m.BoardOut,
    summary="Rename a board or change its visibility",
)
def patch_board(call: Call, appId: str, boardId: str) -> dict:
    from chalicelib.services import boards

    return boards.patch(get_context(), call.caller, call.app, boardId, call.body)


@route(
    BOARDS + "/{boardId}",
    "DELETE",
    auth="admin",
    status=204,
    summary="Delete an empty board (never general)",
)
def delete_board(call: Call, appId: str, boardId: str) -> Reply:
    from chalicelib.services import boards

    boards.delete(get_context(), call.caller, call.app, boardId)
    return Reply(None, 204)


# ---------------------------------------------------------------- feature requests


@route(
    "/v1/apps/{appId}/requests",
    "POST",
    body=m.RequestCreate,
    returns=m.RequestOut,
    status=201,
    headers=("Idempotency-Key",),
    summary="Suggest a feature",
)
def create_request(call: Call, appId: str) -> Reply:
    def create(keyed: idempotency.Keyed) -> Reply:
        body = requests.create(get_context(), call.caller, call.app, call.body, keyed)
        return _with_etag(body, 201)

    return _once(call, create)


@route(
    "/v1/apps/{appId}/requests",
    "GET",
    query=m.ListQuery,
    returns=m.RequestPage,
    summary="List requests: filter by status, tag, words (q) or my votes; sort top, new, trending, discussed",
)
def list_requests(call: Call, appId: str) -> dict:
    return requests.list_page(get_context(), call.caller, call.app, call.query)


@route(
    "/v1/apps/{appId}/requests/similar",
    "GET",
    query=m.SimilarQuery,
    returns=m.SimilarOut,
    summary="Up to 5 open requests that read like q: 'did you mean…' while typing",
)
def similar_requests(call: Call, appId: str) -> dict:
    from chalicelib.services import search

    return search.similar(get_context(), call.caller, call.app, call.query.q, call.query.board)


@route(
    "/v1/apps/{appId}/tags",
    "GET",
    returns=m.TagList,
    summary="The tags in use on the app's requests, by name, with their counts",
)
def list_tags(call: Call, appId: str) -> dict:
    from chalicelib.services import analytics as reports

    return reports.tags(get_context(), call.caller, call.app)


@route(
    "/v1/apps/{appId}/tags/{tag}",
    "PATCH",
    auth="admin",
    body=m.TagRename,
    returns=m.TagRenamed,
    summary="Rename a tag on the app's requests, up to 50 per call (409: send again)",
)
def rename_tag(call: Call, appId: str, tag: str) -> dict:
    from chalicelib.services import tags

    return tags.retag(get_context(), call.caller, call.app, tag, call.body.name)


@route(
    "/v1/apps/{appId}/tags/{tag}",
    "DELETE",
    auth="admin",
    status=204,
    summary="Remove a tag from the app's requests, up to 50 per call (409: send again)",
)
def delete_tag(call: Call, appId: str, tag: str) -> Reply:
    from chalicelib.services import tags

    tags.retag(get_context(), call.caller, call.app, tag, None)
    return Reply(None, 204)


@route(REQ, "GET", returns=m.RequestOut, summary="Read a request (ETag: its version)")
def get_request(call: Call, appId: str, requestId: str) -> Reply:
    return _with_etag(requests.get(get_context(), call.caller, call.app, requestId))


@route(
    REQ,
    "PATCH",
    body=m.RequestPatch,
    returns=m.RequestOut,
    headers=("If-Match",),
    summary="Edit a request (team: all fields; author: title and description while open)",
)
def patch_request(call: Call, appId: str, requestId: str) -> Reply:
    return _with_etag(
        requests.patch(
            get_context(), call.caller, call.app, requestId, call.body, call.header("If-Match")
        )
    )


@route(REQ, "DELETE", auth="admin", status=204, summary="Delete a request")
def delete_request(call: Call, appId: str, requestId: str) -> Reply:
    requests.delete(get_context(), call.caller, call.app, requestId)
    return Reply(None, 204)


@route(
    REQ + "/merge",
    "POST",
    auth="admin",
    body=m.MergeBody,
    returns=m.RequestOut,
    summary="Mark as a duplicate of another request and move its voters there",
)
def merge_request(call: Call, appId: str, requestId: str) -> Reply:
    return _with_etag(requests.merge(get_context(), call.caller, call.app, requestId, call.body))


@route(
    REQ + "/unmerge",
    "POST",
    auth="admin",
    returns=m.RequestOut,
    summary="Undo a merge: both requests get back exactly the voters they had",
)
def unmerge_request(call: Call, appId: str, requestId: str) -> Reply:
    return _with_etag(requests.unmerge(get_context(), call.caller, call.app, requestId))


# ---------------------------------------------------------------- votes and follows


@route(REQ + "/vote", "POST", returns=m.RequestOut, summary="Vote (a second vote changes nothing)")
def vote(call: Call, appId: str, requestId: str) -> dict:
    return votes.vote(get_context(), call.caller, call.app, requestId)


@route(REQ + "/vote", "DELETE", returns=m.RequestOut, summary="Take a vote back")
def unvote(call: Call, appId: str, requestId: str) -> dict:
    return votes.unvote(get_context(), call.caller, call.app, requestId)


@route(
    REQ + "/voters", "GET", auth="admin", query=m.PageQuery, returns=m.UserPage, summary="Who voted"
)
def voters(call: Call, appId: str, requestId: str) -> dict:
    return votes.voters(get_context(), call.caller, call.app, requestId, call.query)


@route(REQ + "/subscription", "PUT", returns=m.SubscriptionOut, summary="Follow a request")
def subscribe(call: Call, appId: str, requestId: str) -> dict:
    return votes.subscribe(get_context(), call.caller, call.app, requestId)


@route(REQ + "/subscription", "DELETE", returns=m.SubscriptionOut, summary="Stop following")
def unsubscribe(call: Call, appId: str, requestId: str) -> dict:
    return votes.unsubscribe(get_context(), call.caller, call.app, requestId)


@route(REQ + "/subscription", "GET", returns=m.SubscriptionOut, summary="Am I following?")
def subscription(call: Call, appId: str, requestId: str) -> dict:
    return votes.subscription(get_context(), call.caller, call.app, requestId)


# ---------------------------------------------------------------- comments


@route(
    REQ + "/comments",
    "POST",
    body=m.CommentCreate,
    returns=m.CommentOut,
    status=201,
    headers=("Idempotency-Key",),
    summary="Comment on a request",
)
def add_comment(call: Call, appId: str, requestId: str) -> Reply:
    def create(keyed: idempotency.Keyed) -> Reply:
        ctx, caller = get_context(), call.caller
        return Reply(comments.add(ctx, caller, call.app, requestId, call.body, keyed), 201)

    return _once(call, create)


@route(
    REQ + "/comments",
    "GET",
    query=m.PageQuery,
    returns=m.CommentPage,
    summary="Comments, oldest first",
)
def list_comments(call: Call, appId: str, requestId: str) -> dict:
    return comments.list_page(get_context(), call.caller, call.app, requestId, call.query)


@route(
    REQ + "/comments/{commentId}",
    "DELETE",
    status=204,
    summary="Delete a comment (its author or the team)",
)
def delete_comment(call: Call, appId: str, requestId: str, commentId: str) -> Reply:
    comments.delete(get_context(), call.caller, call.app, requestId, commentId)
    return Reply(None, 204)


# ---------------------------------------------------------------- moderation


@route(
    "/v1/apps/{appId}/moderation",
    "GET",
    auth="admin",
    query=m.PageQuery,
    returns=m.QueuePage,
    summary="What awaits moderation, oldest first, with spam scores and their reasons",
)
def moderation_queue(call: Call, appId: str) -> dict:
    from chalicelib.services import moderation

    return moderation.queue(get_context(), call.caller, call.app, call.query)


def _decided(body: dict | None) -> Reply:
    """An approval answers the post; a rejection (it is gone) 204."""
    return Reply(body, 200) if body is not None else Reply(None, 204)


@route(
    REQ + "/approve",
    "POST",
    auth="admin",
    returns=m.RequestOut,
    summary="Approve a pending request (again: the same answer)",
)
def approve_request(call: Call, appId: str, requestId: str) -> Reply:
    from chalicelib.services import moderation

    return _decided(
        moderation.decide_request(get_context(), call.caller, call.app, requestId, "approve")
    )


@route(
    REQ + "/reject",
    "POST",
    auth="admin",
    status=204,
    summary="Reject a pending request: it is removed",
)
def reject_request(call: Call, appId: str, requestId: str) -> Reply:
    from chalicelib.services import moderation

    return _decided(
        moderation.decide_request(get_context(), call.caller, call.app, requestId, "reject")
    )


@route(
    REQ + "/comments/{commentId}/approve",
    "POST",
    auth="admin",
    returns=m.CommentOut,
    summary="Approve a pending comment (again: the same answer)",
)
def approve_comment(call: Call, appId: str, requestId: str, commentId: str) -> Reply:
    from chalicelib.services import moderation

    ctx = get_context()
    return _decided(
        moderation.decide_comment(ctx, call.caller, call.app, requestId, commentId, "approve")
    )


@route(
    REQ + "/comments/{commentId}/reject",
    "POST",
    auth="admin",
    status=204,
    summary="Reject a pending comment: it is removed",
)
def reject_comment(call: Call, appId: str, requestId: str, commentId: str) -> Reply:
    from chalicelib.services import moderation

    ctx = get_context()
    return _decided(
        moderation.decide_comment(ctx, call.caller, call.app, requestId, commentId, "reject")
    )


@route(
    "/v1/apps/{appId}/users/{userId}/ban",
    "PUT",
    auth="admin",
    body=m.BanIn,
    returns=m.BanOut,
    summary="Ban a user from writing in this app (requests, comments, votes, feedback)",
)
def ban_user(call: Call, appId: str, userId: str) -> dict:
    from chalicelib.services import moderation

    return moderation.ban(get_context(), call.caller, call.app, userId, call.body)


@route(
    "/v1/apps/{appId}/users/{userId}/ban", "DELETE", auth="admin", status=204, summary="Lift a ban"
)
def unban_user(call: Call, appId: str, userId: str) -> Reply:
    from chalicelib.services import moderation

    moderation.unban(get_context(), call.caller, call.app, userId)
    return Reply(None, 204)


@route(
    REQ + "/comments/{commentId}",
    "PATCH",
    body=m.CommentEdit,
    returns=m.CommentOut,
    summary="Edit a comment (its author for 15 minutes after posting, or the team)",
)
def edit_comment(call: Call, appId: str, requestId: str, commentId: str) -> dict:
    return comments.edit(get_context(), call.caller, call.app, requestId, commentId, call.body)


@route(
    REQ + "/comments/{commentId}/reactions/{reaction}",
    "PUT",
    returns=m.CommentOut,
    summary="React to a comment: +1, heart, tada, laugh or eyes (a second time changes nothing)",
)
def react(call: Call, appId: str, requestId: str, commentId: str, reaction: str) -> dict:
    ctx, caller = get_context(), call.caller
    return comments.react(ctx, caller, call.app, requestId, commentId, reaction, on=True)


@route(
    REQ + "/comments/{commentId}/reactions/{reaction}",
    "DELETE",
    returns=m.CommentOut,
    summary="Take a reaction back",
)
def unreact(call: Call, appId: str, requestId: str, commentId: str, reaction: str) -> dict:
    ctx, caller = get_context(), call.caller
    return comments.react(ctx, caller, call.app, requestId, commentId, reaction, on=False)


# ---------------------------------------------------------------- feedback


@route(
    "/v1/apps/{appId}/feedback",
    "POST",
    body=m.FeedbackCreate,
    returns=m.FeedbackOut,
    status=201,
    query_key=True,
    headers=("Idempotency-Key",),
    summary="Leave feedback (also takes the Feedback Fin widget's JSON and ?key=)",
)
def add_feedback(call: Call, appId: str) -> Reply:
    def create(keyed: idempotency.Keyed) -> Reply:
        return Reply(feedback.add(get_context(), call.caller, call.app, call.body, keyed), 201)

    return _once(call, create)


@route(
    "/v1/apps/{appId}/feedback",
    "GET",
    auth="admin",
    query=m.PageQuery,
    returns=m.FeedbackPage,
    summary="Feedback, newest first",
)
def list_feedback(call: Call, appId: str) -> dict:
    return feedback.list_page(get_context(), call.caller, call.app, call.query)


# ---------------------------------------------------------------- changelog

CL = "/v1/apps/{appId}/changelog"
ATOM = {"type": "string", "description": "An Atom 1.0 feed (RFC 4287)"}


@route(
    CL,
    "POST",
    auth="admin",
    body=m.ChangelogCreate,
    returns=m.ChangelogOut,
    status=201,
    summary="Write a changelog draft: Markdown, linked requests",
)
def create_changelog(call: Call, appId: str) -> Reply:
    from chalicelib.services import changelog

    return Reply(changelog.create(get_context(), call.caller, call.app, call.body), 201)


@route(
    CL,
    "GET",
    query=m.ChangelogQuery,
    returns=m.ChangelogPage,
    summary="Published changelog entries, newest first (status=draft: the team's drafts)",
)
def list_changelog(call: Call, appId: str) -> dict:
    from chalicelib.services import changelog

    return changelog.list_page(get_context(), call.caller, call.app, call.query)


@route(
    CL + "/preview",
    "POST",
    auth="admin",
    body=m.ChangelogPreviewIn,
    returns=m.ChangelogPreviewOut,
    summary="Render a Markdown body as a save would, without saving (the editor's preview)",
)
def preview_changelog(call: Call, appId: str) -> dict:
    from chalicelib.services import changelog

    return changelog.preview(call.caller, call.body)


@route(
    CL + "/feed.atom",
    "GET",
    query_key=True,
    answers=(Answer(200, "application/atom+xml", ATOM, "The feed"),),
    summary="The published changelog as an Atom feed (?key=<publishable key>)",
)
def changelog_feed(call: Call, appId: str) -> Reply:
    from chalicelib.services import changelog

    body = changelog.feed(get_context(), call.app, (call.request.query_params or {}).get("key"))
    headers = {
        "Content-Type": "application/atom+xml; charset=utf-8",
        "Cache-Control": "max-age=300",
    }
    return Reply(body, 200, headers)


@route(CL + "/{entryId}", "GET", returns=m.ChangelogOut, summary="Read a changelog entry")
def get_changelog(call: Call, appId: str, entryId: str) -> dict:
    from chalicelib.services import changelog

    return changelog.get(get_context(), call.caller, call.app, entryId)


@route(
    CL + "/{entryId}",
    "PATCH",
    auth="admin",
    body=m.ChangelogPatch,
    returns=m.ChangelogOut,
    summary="Edit a changelog draft",
)
def patch_changelog(call: Call, appId: str, entryId: str) -> dict:
    from chalicelib.services import changelog

    return changelog.patch(get_context(), call.caller, call.app, entryId, call.body)


@route(CL + "/{entryId}", "DELETE", auth="admin", status=204, summary="Delete a draft")
def delete_changelog(call: Call, appId: str, entryId: str) -> Reply:
    from chalicelib.services import changelog

    changelog.delete(get_context(), call.caller, call.app, entryId)
    return Reply(None, 204)


@route(
    CL + "/{entryId}/publish",
    "POST",
    auth="admin",
    returns=m.ChangelogOut,
    summary="Publish a draft: followers of its requests get an email, webhooks an event",
)
def publish_changelog(call: Call, appId: str, entryId: str) -> dict:
    from chalicelib.services import changelog

    return changelog.publish(get_context(), call.caller, call.app, entryId)


# ---------------------------------------------------------------- integrations


@route(
    REQ + "/links",
    "POST",
    auth="admin",
    body=m.LinkCreate,
    returns=m.LinkOut,
    status=201,
    answers=(Answer(502, "application/json", m.ErrorOut, "upstream_error: GitHub is down"),),
    summary="Open an issue for the request in a GitHub repository and link it",
)
def create_link(call: Call, appId: str, requestId: str) -> Reply:
    from chalicelib.services import github

    link = github.create_link(get_context(), call.caller, call.app, requestId, call.body)
    return Reply(link, 201)


@route(
    REQ + "/links",
    "GET",
    auth="admin",
    returns=m.LinkPage,
    summary="The issues linked to the request, with their state (the team only)",
)
def list_links(call: Call, appId: str, requestId: str) -> dict:
    from chalicelib.services import github

    return github.links(get_context(), call.caller, call.app, requestId)


@route(
    "/v1/integrations/github/webhook",
    "POST",
    auth="none",
    query=m.GithubWebhookQuery,
    returns=m.GithubWebhookOut,
    headers=("X-GitHub-Event", "X-Hub-Signature-256"),
    summary="GitHub's issues webhook (X-Hub-Signature-256): a closed issue completes its request",
)
def github_webhook(call: Call) -> dict:
    from chalicelib.services import github

    return github.webhook(
        get_context(),
        call.query.app,
        call.header("X-GitHub-Event"),
        call.header("X-Hub-Signature-256"),
        call.request.raw_body or b"",
    )


# ---------------------------------------------------------------- reports and webhooks


@route(
    "/v1/apps/{appId}/analytics",
    "GET",
    auth="admin",
    returns=m.AnalyticsOut,
    summary="Counts by status, votes, feedback, ratings, sentiment, top tags, weekly requests",
)
def analytics(call: Call, appId: str) -> dict:
    from chalicelib.services import analytics as reports

    return reports.report(get_context(), call.caller, call.app)


@route(
    "/v1/apps/{appId}/webhooks/deliveries",
    "GET",
    auth="admin",
    query=m.PageQuery,
    returns=m.DeliveryPage,
    summary="Recent webhook attempts, newest first",
)
def webhook_deliveries(call: Call, appId: str) -> dict:
    return apps.deliveries(get_context(), call.caller, call.app, call.query)


@route(
    "/v1/apps/{appId}/webhooks/test",
    "POST",
    auth="admin",
    body=m.WebhookTestIn,
    returns=m.WebhookTestOut,
    status=202,
    summary="Queue a test message to one of the app's webhooks (its result: deliveries)",
)
def test_webhook(call: Call, appId: str) -> dict:
    return apps.test_webhook(get_context(), call.caller, call.app, call.body)


@route(
    "/v1/apps/{appId}/export",
    "GET",
    auth="admin",
    query=m.ExportQuery,
    answers=(
        Answer(200, "text/csv", {"type": "string"}, "The file (format=csv, or json, or jsonl)"),
        Answer(200, "application/json", m.ExportFile),
        Answer(
            200,
            "application/x-ndjson",
            {
                "type": "string",
                "description": "A JSON object a line: an ExportRow, or with full=true a record",
            },
        ),
        Answer(202, "application/json", m.ExportPending, "Too large to answer now: a job"),
    ),
    summary="The app's requests as CSV, JSON or JSONL, or everything (full); large: 202 + link",
)
def export_requests(call: Call, appId: str) -> Reply:
    from chalicelib.services import exports

    status, body, headers = exports.export_now(
        get_context(), call.caller, call.app, call.query.format, call.query.full
    )
    return Reply(body, status, headers)


@route(
    "/v1/apps/{appId}/insights",
    "GET",
    auth="admin",
    query=m.PageQuery,
    returns=m.InsightsOut,
    summary="The latest AI analysis: per request, and duplicate groups",
)
def insights(call: Call, appId: str) -> dict:
    from chalicelib.services import insights as analysis

    return analysis.latest(get_context(), call.caller, call.app, call.query)


@route(
    "/v1/apps/{appId}/insights/run",
    "POST",
    auth="admin",
    returns=m.InsightsQueued,
    status=202,
    summary="Analyse now instead of waiting for the nightly run",
)
def run_insights(call: Call, appId: str) -> Reply:
    from chalicelib.services import insights as analysis

    return Reply(analysis.queue(get_context(), call.caller, call.app), 202)


@route(
    "/v1/apps/{appId}/users/{userId}/data",
    "GET",
    auth="admin",
    returns=m.UserDataOut,
    summary="Everything stored about one end user in this app",
)
def user_data(call: Call, appId: str, userId: str) -> dict:
    from chalicelib.services import privacy

    return privacy.user_data(get_context(), call.caller, call.app, userId)


@route(
    "/v1/apps/{appId}/users/{userId}",
    "DELETE",
    auth="admin",
    status=204,
    summary="Forget a user: votes and follows go, requests and comments stay as 'deleted user'",
)
def forget_user(call: Call, appId: str, userId: str) -> Reply:
    from chalicelib.services import privacy

    privacy.forget_user(get_context(), call.caller, call.app, userId)
    return Reply(None, 204)


@route(
    "/v1/audit",
    "GET",
    auth="admin",
    query=m.PageQuery,
    returns=m.AuditPage,
    summary="Changes made by the team (admin keys and members), newest first (kept a year)",
)
def audit_trail(call: Call) -> dict:
    from chalicelib.services import audit

    return audit.trail(get_context(), call.caller, call.query)


# ---------------------------------------------------------------- the team


@route(
    "/v1/members",
    "POST",
    auth="admin",
    body=m.MemberCreate,
    returns=m.MemberCreated,
    status=201,
    summary="Invite a member by email (owner or admin; only an owner invites an owner)",
)
def create_member(call: Call) -> Reply:
    return Reply(team.invite(get_context(), call.caller, call.body), 201)


@route("/v1/members", "GET", auth="admin", returns=m.MemberList, summary="The team's members")
def list_members(call: Call) -> dict:
    return team.list_members(get_context(), call.caller.tenant)


@route(
    "/v1/members/{memberId}",
    "PATCH",
    auth="admin",
    body=m.MemberPatch,
    returns=m.MemberOut,
    summary="Change a member's role (owner); a tenant keeps one owner",
)
def patch_member(call: Call, memberId: str) -> dict:
    return team.change_role(get_context(), call.caller, memberId, call.body)


@route(
    "/v1/members/{memberId}",
    "DELETE",
    auth="admin",
    status=204,
    summary="Remove a member (owner): its sessions end at once",
)
def delete_member(call: Call, memberId: str) -> Reply:
    team.remove_member(get_context(), call.caller.tenant, memberId)
    return Reply(None, 204)


@route(
    "/v1/session/start",
    "POST",
    auth="none",
    body=m.SessionStart,
    returns=m.SessionStarted,
    status=202,
    summary="Email a member a one-time sign-in link (the same answer for anyone)",
)
def start_session(call: Call) -> Reply:
    client_ip = credentials(call.request, False).client_ip
    return Reply(team.start(get_context(), call.body, client_ip), 202)


@route(
    "/v1/session/verify",
    "POST",
    auth="none",
    body=m.SessionVerify,
    returns=m.SessionOut,
    summary="Trade a sign-in link's token (once, within 15 minutes) for a 12-hour session",
)
def verify_session(call: Call) -> dict:
    return team.verify(get_context(), call.body.token)


@route(
    "/v1/session/oidc/start",
    "POST",
    auth="none",
    body=m.OidcStart,
    returns=m.OidcStarted,
    summary="Sign in with the team's identity provider: where to send the browser (PKCE S256)",
)
def start_oidc(call: Call) -> dict:
    from chalicelib.services import oidc

    return oidc.start(get_context(), call.body)


@route(
    "/v1/session/oidc/finish",
    "POST",
    auth="none",
    body=m.OidcFinish,
    returns=m.SessionOut,
    summary="Trade the identity provider's code (and the PKCE verifier) for a session",
)
def finish_oidc(call: Call) -> dict:
    from chalicelib.services import oidc

    return oidc.finish(get_context(), call.body)


@route(
    "/v1/session",
    "GET",
    auth="admin",
    returns=m.SessionInfo,
    summary="Who is signed in, with which role (an admin key: an owner)",
)
def current_session(call: Call) -> dict:
    return team.current(get_context(), call.caller, call.header("Authorization"))


@route("/v1/session", "DELETE", auth="admin", status=204, summary="Sign out: the session ends")
def sign_out(call: Call) -> Reply:
    team.sign_out(get_context(), call.header("Authorization"))
    return Reply(None, 204)


# ---------------------------------------------------------------- email links and pages


def _html(body: str, status: int = 200) -> Reply:
    return Reply(
        body, status, {"Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store"}
    )


@route(
    "/v1/unsubscribe",
    "GET",
    auth="none",
    query=m.UnsubscribeQuery,
    answers=(
        Answer(200, "text/html", HTML, "Unsubscribed"),
        Answer(400, "text/html", HTML, "The link is not valid"),
    ),
    summary="One-click unsubscribe from an email's link (answers an HTML page)",
)
def unsubscribe_page(call: Call) -> Reply:
    from chalicelib import templating
    from chalicelib.services import unsubscribe

    status, values = unsubscribe.unsubscribe(get_context(), call.query.token)
    return _html(templating.page("unsubscribe", "Unsubscribe", **values), status)


@route(
    "/v1/unsubscribe",
    "POST",
    auth="none",
    query=m.UnsubscribeQuery,
    answers=(
        Answer(200, "text/html", HTML, "Unsubscribed"),
        Answer(400, "text/html", HTML, "The link is not valid"),
    ),
    summary="RFC 8058 one-click unsubscribe (List-Unsubscribe-Post)",
)
def unsubscribe_post(call: Call) -> Reply:
    return unsubscribe_page(call)


@route(
    "/local/outbox",
    "GET",
    auth="none",
    query=m.OutboxQuery,
    answers=(Answer(200, "text/html", HTML, "The sent emails"),),
    summary="The local stage's sent emails (local only)",
)
def local_outbox(call: Call) -> Reply:
    from chalicelib import templating
    from chalicelib.notify.outbox import recent_emails

    ctx = get_context()
    if ctx.settings.stage != "local" or not ctx.settings.aws_endpoint_url:
        raise NotFoundError("the outbox exists only in the local stage")
    page, per_page = call.query.page, 20
    emails, total = recent_emails(ctx.settings.aws_endpoint_url, per_page, (page - 1) * per_page)
    return _html(
        templating.page(
            "outbox",
            "Local outbox",
            emails=emails,
            total=total,
            page=page,
            first=(page - 1) * per_page + 1,
            older=page + 1 if page * per_page < total else None,
            newer=page - 1 if page > 1 else None,
        )
    )


# ---------------------------------------------------------------- events


@app.on_dynamodb_record(stream_arn=get_settings().events_stream_arn, batch_size=100)
def on_table_change(event) -> dict:
    from chalicelib import events

    records = [r.to_dict() for r in event]
    events.reorder_changes(get_context(), records)
    return events.publish_changes(get_context(), records)


@app.on_sns_message(topic=get_settings().events_topic_name)
def email_on_event(event) -> None:
    from chalicelib.notify import email

    consumers.on_event(get_context(), "email", event.message, email.notify, tells_people=True)


@app.on_sns_message(topic=get_settings().events_topic_name)
def webhooks_on_event(event) -> None:
    from chalicelib.notify import webhooks

    consumers.on_event(
        get_context(), "webhooks", event.message, webhooks.fan_out, tells_people=True
    )


@app.on_sns_message(topic=get_settings().events_topic_name)
def stats_on_event(event) -> None:
    from chalicelib.services import analytics as reports

    consumers.on_event(get_context(), "stats", event.message, reports.apply)


@app.on_sns_message(topic=get_settings().events_topic_name)
def sentiment_on_event(event) -> None:
    from chalicelib.services import feedback_sentiment

    consumers.on_event(get_context(), "sentiment", event.message, feedback_sentiment.label)


@app.on_sns_message(topic=get_settings().events_topic_name)
def search_on_event(event) -> None:
    from chalicelib.services import search

    consumers.on_event(get_context(), "search", event.message, search.keep_index)


@app.on_sqs_message(queue=get_settings().jobs_queue_name, batch_size=1)
def run_jobs(event) -> dict:
    from chalicelib.services import exports

    ctx = get_context()
    return consumers.sqs_batch(
        [r.to_dict() for r in event],
        lambda record: exports.run_job(ctx, json.loads(record["body"])),
    )


@app.schedule(Cron(0, 3, "*", "*", "?", "*"), name="nightly-export")
def nightly_export(event) -> None:
    from chalicelib.services import exports

    exports.nightly(get_context())


@app.schedule(Cron(0, 4, "*", "*", "?", "*"), name="nightly-insights")
def nightly_insights(event) -> None:
    from chalicelib.services import insights as analysis

    analysis.nightly(get_context())


@app.on_sqs_message(queue=get_settings().webhook_queue_name, batch_size=10)
def deliver_webhooks(event) -> dict:
    from chalicelib.notify import webhooks

    ctx = get_context()
    return consumers.sqs_batch(
        [r.to_dict() for r in event], lambda record: webhooks.deliver_record(ctx, record)
    )
