"""Demo data: a tenant ``demo`` with an app ``web``, realistic requests, votes and comments.

It goes through the same use cases as the API, so the demo obeys every rule the API does.
Quietly, by default: the use cases run against a scratch table nobody listens to, and the
result is imported into the real one as ``manage.py import`` does, so its events update
statistics, search and sentiment but send no email and no webhook. Seeding the real table
directly would queue hundreds of emails ahead of the first real event.
"""

from __future__ import annotations

import dataclasses
import random
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from chalicelib.auth import Caller
from chalicelib.context import Context
from chalicelib.models import AppCreate, CommentCreate, FeedbackCreate, RequestCreate, RequestPatch
from chalicelib.records import Person
from chalicelib.services import apps, comments, feedback, requests, tenants, votes

__all__ = ["seed_demo", "REQUESTS"]

# (title, description, tags, status)
REQUESTS: list[tuple[str, str, list[str], str]] = [
    (
        "Dark mode",
        "A dark theme for the whole app, following the system setting.",
        ["ui"],
        "planned",
    ),
    (
        "Export tasks to CSV",
        "Admins need a CSV of all tasks with assignee and due date.",
        ["export"],
        "in_progress",
    ),
    (
        "Import tasks from Trello",
        "Bring boards, lists and cards over from Trello.",
        ["import"],
        "under_review",
    ),
    (
        "Keyboard shortcuts",
        "j/k to move between tasks, c to create, / to search.",
        ["ui"],
        "completed",
    ),
    (
        "Recurring tasks",
        "Tasks that repeat every week or on the first Monday of a month.",
        ["tasks"],
        "planned",
    ),
    (
        "Slack notifications",
        "Post to a Slack channel when a task is assigned or done.",
        ["integrations"],
        "open",
    ),
    (
        "Two-factor authentication",
        "TOTP apps and security keys for every account.",
        ["security"],
        "in_progress",
    ),
    ("Gantt chart view", "See tasks on a timeline with their dependencies.", ["views"], "open"),
    (
        "Offline mode for mobile",
        "Read and edit tasks on the subway; sync when back online.",
        ["mobile"],
        "open",
    ),
    (
        "Custom fields on tasks",
        "Add a number, date or dropdown field to any project.",
        ["tasks"],
        "under_review",
    ),
    (
        "Time tracking",
        "Start and stop a timer on a task and report hours per week.",
        ["tasks"],
        "open",
    ),
    (
        "Calendar sync with Google",
        "Show due dates in Google Calendar, both ways.",
        ["integrations"],
        "planned",
    ),
    (
        "Bulk edit tasks",
        "Select many tasks and change status or assignee at once.",
        ["tasks"],
        "completed",
    ),
    ("Task templates", "Start a new task from a saved checklist.", ["tasks"], "open"),
    (
        "Single sign-on with SAML",
        "Okta and Azure AD sign-in for the whole company.",
        ["security"],
        "under_review",
    ),
    (
        "Email replies become comments",
        "Reply to a notification email to comment.",
        ["integrations"],
        "open",
    ),
    (
        "Larger file attachments",
        "Allow attachments up to 1 GB for video files.",
        ["files"],
        "declined",
    ),
    ("Kanban swimlanes", "Group cards on the board by assignee or priority.", ["views"], "open"),
    (
        "Mention teammates with @",
        "Notify someone by @-mentioning them in a comment.",
        ["collaboration"],
        "completed",
    ),
    (
        "Read-only guest access",
        "Let clients see a project without editing it.",
        ["collaboration"],
        "open",
    ),
    ("Audit log for admins", "Who changed what and when, exportable.", ["security"], "planned"),
    (
        "Markdown in descriptions",
        "Headings, lists and code blocks in task descriptions.",
        ["ui"],
        "completed",
    ),
    ("Widget for the iOS home screen", "Today's tasks at a glance.", ["mobile"], "open"),
    (
        "Zapier integration",
        "Trigger zaps on new tasks and create tasks from zaps.",
        ["integrations"],
        "open",
    ),
    ("Task dependencies", "Block a task until another one is done.", ["tasks"], "under_review"),
    ("Workload view", "See how many tasks each person has this week.", ["views"], "open"),
    (
        "Right-to-left language support",
        "Arabic and Hebrew layouts, mirrored correctly.",
        ["ui", "i18n"],
        "open",
    ),
    ("German translation", "Die ganze App auf Deutsch, bitte.", ["i18n"], "planned"),
    ("Public roadmap page", "Share a read-only roadmap with customers.", ["collaboration"], "open"),
    (
        "Faster search",
        "Search takes seconds on big workspaces; make it instant.",
        ["performance"],
        "in_progress",
    ),
    (
        "Archive old projects",
        "Hide finished projects without deleting them.",
        ["tasks"],
        "completed",
    ),
    ("Color labels", "Give labels colors so they stand out on the board.", ["ui"], "open"),
    (
        "Android tablet layout",
        "Use the space on tablets with a two-pane layout.",
        ["mobile"],
        "open",
    ),
    ("Due date reminders", "A reminder the day before a task is due.", ["tasks"], "planned"),
    ("API rate limit increase", "Our sync job hits the limit every night.", ["api"], "open"),
    (
        "Webhooks for task changes",
        "Call our URL whenever a task changes.",
        ["api", "integrations"],
        "under_review",
    ),
    # asked again in other words: the nightly analysis should offer to merge these
    ("Night theme please", "My eyes hurt at night, a darker theme would help.", ["ui"], "open"),
    ("Download all tasks as a CSV file", "For our monthly reporting.", ["export"], "open"),
    ("Migrate my boards from Trello", "", ["import"], "open"),
]

# What people said under a request: each comment is about that request, by its own author.
COMMENTS: dict[str, list[tuple[str, str]]] = {
    "Dark mode": [
        ("Grace", "I work late most nights and the white background is blinding. Please!"),
        ("Linus", "If it follows the OS setting I don't even need a toggle."),
        ("Hedy", "Make sure the charts get dark colours too, not just the sidebar."),
    ],
    "Export tasks to CSV": [
        ("Margaret", "Our finance team rebuilds this by hand every month-end."),
        ("Ken", "Please include the custom fields as columns."),
    ],
    "Import tasks from Trello": [
        ("Barbara", "We have 14 boards in Trello. Checklists matter most to us."),
    ],
    "Keyboard shortcuts": [
        ("Dennis", "j/k works great now, thank you! Is there a cheat sheet somewhere?"),
    ],
    "Recurring tasks": [
        ("Radia", "Our payroll checklist repeats on the last Friday of each month."),
        ("Alan", "Would the copy keep the subtasks? That is the part we retype."),
    ],
    "Two-factor authentication": [
        ("Frances", "Our security review flags this every quarter."),
        ("Tim", "An authenticator app is enough for us, SMS is not needed."),
    ],
    "Time tracking": [
        ("Katherine", "We bill clients hourly; a start/stop timer on the task would be perfect."),
        ("John", "Even a simple 'hours spent' field would help us start."),
    ],
    "Calendar sync with Google": [
        ("Sophie", "Two-way please: moving an event should move the due date."),
    ],
    "Single sign-on with SAML": [
        ("Edsger", "We use Okta. This is a blocker for rolling out to 300 people."),
    ],
    "Zapier integration": [
        ("Ada", "We would connect new form entries to tasks."),
        ("Grace", "Make.com would be nice as well, if it is the same effort."),
    ],
    "Offline mode for mobile": [
        ("Linus", "Half our field team has no signal on site."),
    ],
    "Faster search": [
        ("Barbara", "Searching a big project takes a few seconds right now."),
    ],
    "Audit log for admins": [
        ("Tim", "Who changed a due date is the question we get most often."),
    ],
    "Night theme please": [
        ("Hedy", "Isn't this the same as the Dark mode request?"),
    ],
}

# The team's public answers
RESPONSES: dict[str, str] = {
    "Dark mode": "Planned for the next release. It will follow your system setting, and you "
    "can override it per device.",
    "Export tasks to CSV": "In progress: the first version exports every field, custom fields "
    "included. Expect it within a few weeks.",
    "Keyboard shortcuts": "Shipped! Press ? anywhere to see every shortcut.",
    "Two-factor authentication": "We're building this now, starting with authenticator apps. "
    "Security keys follow.",
    "Larger file attachments": "We're keeping the 100 MB limit for now: larger files belong in "
    "a linked drive, which we support already.",
    "Calendar sync with Google": "Planned. We start with one-way sync (tasks to calendar), "
    "two-way later.",
    "Faster search": "A new search index is rolling out to all workspaces this month.",
}

FEEDBACK = [
    ("Love the new board view, it is so much faster.", 5),
    ("The app logs me out every day, very annoying.", 2),
    ("Search does not find tasks by their description.", 3),
    ("Great support team, fixed my issue in minutes.", 5),
    ("Notifications arrive twice on Android.", 2),
]

PEOPLE = [
    Person(f"user-{i:02d}", name, f"{name.lower()}@example.com")
    for i, name in enumerate(
        [
            "Ada",
            "Grace",
            "Linus",
            "Margaret",
            "Alan",
            "Barbara",
            "Ken",
            "Radia",
            "Dennis",
            "Frances",
            "Tim",
            "Hedy",
            "Edsger",
            "Katherine",
            "John",
            "Sophie",
        ]
    )
]


WEB_APP = AppCreate(
    id="web", name="Web app", allowAnonymous=True, notifyEmails=["team@example.com"]
)


def seed_demo(
    ctx: Context,
    tenant: str = "demo",
    progress: Callable[[str], None] = print,
    quiet: bool = True,
) -> dict[str, Any]:
    """Make the demo tenant and return its credentials (keys are shown only now).

    ``quiet`` (the default) makes no email and no webhook; it needs rights to create and
    delete a table, so ``manage.py seed`` against real AWS passes ``quiet=False``.
    """
    made = tenants.create_tenant(ctx, tenant, "Demo Company")
    admin = Caller(tenant, "admin", made["keyId"], "127.0.0.1")
    web = apps.create_app(ctx, admin, WEB_APP)
    progress(f"seeding {len(REQUESTS)} requests into {tenant}/web" + (" quietly" * quiet))
    if quiet:
        with _scratch(ctx) as scratch:
            key = tenants.create_tenant(scratch, tenant, "Demo Company")["keyId"]
            apps.create_app(scratch, Caller(tenant, "admin", key, "127.0.0.1"), WEB_APP)
            _fill(scratch, tenant, key)
            ctx.store.load_app(
                tenant,
                "web",
                scratch.store.dump_app(tenant, "web"),
                ctx.settings.feedback_retention_days,
            )
    else:
        _fill(ctx, tenant, made["keyId"])
    return {
        "tenant": tenant,
        "adminKey": made["adminKey"],
        "apps": {
            "web": {
                "publishableKey": web["publishableKey"],
                "userTokenSecret": web["userTokenSecret"],
            }
        },
    }


@contextmanager
def _scratch(ctx: Context) -> Iterator[Context]:
    """A context on a throwaway table of the same shape (no consumer reads its stream)."""
    from chalicelib import aws
    from chalicelib.store import Store

    from .resources import ensure_table

    name = f"{ctx.settings.table_name}-seed-{secrets.token_hex(4)}"
    client = aws.client("dynamodb")
    ensure_table(client, name)
    try:
        yield dataclasses.replace(ctx, store=Store(name, ctx.settings.secret_bytes()))
    finally:
        client.delete_table(TableName=name)


def _fill(ctx: Context, tenant: str, key_id: str) -> None:
    """Requests, votes, comments, statuses and feedback, through the API's use cases."""
    rng = random.Random(42)
    admin = Caller(tenant, "admin", key_id, "127.0.0.1")
    app = ctx.store.get_app(tenant, "web")
    assert app is not None
    for n, (title, description, tags, status) in enumerate(REQUESTS):
        author = PEOPLE[n % len(PEOPLE)]
        as_user = Caller(tenant, "public", "pub.web", "127.0.0.1", app=app, user=author)
        req = requests.create(
            ctx,
            as_user,
            app,
            RequestCreate(title=title, description=description, tags=tags),
        )
        for voter in rng.sample(PEOPLE, rng.randint(0, 12)):
            votes.vote(
                ctx,
                Caller(tenant, "public", "pub.web", "127.0.0.1", app=app, user=voter),
                app,
                req["id"],
            )
        for name, text in COMMENTS.get(title, []):
            commenter = next(p for p in PEOPLE if p.name == name)
            comments.add(
                ctx,
                Caller(tenant, "public", "pub.web", "127.0.0.1", app=app, user=commenter),
                app,
                req["id"],
                CommentCreate(body=text),
            )
        if status != "open":
            requests.patch(ctx, admin, app, req["id"], RequestPatch(status=status), None)
        if title in RESPONSES:
            requests.patch(
                ctx, admin, app, req["id"], RequestPatch(response=RESPONSES[title]), None
            )
    for message, rating in FEEDBACK:
        feedback.add(
            ctx,
            Caller(tenant, "public", "pub.web", "127.0.0.1", app=app, user=rng.choice(PEOPLE)),
            app,
            FeedbackCreate(message=message, rating=rating),
        )
