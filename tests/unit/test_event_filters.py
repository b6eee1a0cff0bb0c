"""SNS invokes a consumer only for the events it uses: each subscription's filter policy
(chalicelib/consumers.FILTERS) lets through exactly the events the consumer acts on
(``tools.cost.matches`` is SNS's matching, which the cost command uses too)."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.consumers import FILTERS
from chalicelib.events import EVENT_TYPES, DomainEvent, attributes
from tools.cost import matches


def _event(kind: str, changed: list[str] | None = None, quiet: bool = False) -> DomainEvent:
    data: dict[str, Any] = {"changed": changed} if changed is not None else {}
    return DomainEvent("e1", kind, 0, "t", "a", data, quiet)


MODERATED = ("request.approved", "request.rejected", "comment.approved", "comment.rejected")
# what each consumer acts on (read from chalicelib/notify and chalicelib/services)
USES = {
    "email_on_event": lambda e: (
        not e.quiet
        and (
            e.type
            in (
                "request.created",
                "request.status_changed",
                "request.merged",
                "comment.created",
                "feedback.created",
                "changelog.published",
                "request.approved",
                "comment.approved",
            )
            or (e.type == "request.updated" and "response" in e.data["changed"])
        )
    ),
    "webhooks_on_event": lambda e: not e.quiet,
    "stats_on_event": lambda e: (
        e.type not in ("changelog.published", "app.updated", "comment.updated")
        and e.type not in MODERATED  # an approved post counts by its created event
        and (
            e.type != "request.updated"
            or "tags" in e.data["changed"]
            or "board" in e.data["changed"]
        )
    ),
    "sentiment_on_event": lambda e: e.type == "feedback.created",
    "search_on_event": lambda e: (
        e.type.startswith("request.")
        and e.type not in MODERATED  # an approved request is indexed by its created event
        and (
            e.type != "request.updated"
            or bool({"title", "description", "tags", "board"} & set(e.data["changed"]))
        )
    ),
}
CHANGES = (
    [],
    ["title"],
    ["tags"],
    ["response"],
    ["description", "priority"],
    ["title", "tags"],
    ["board"],
)
EVENTS = [
    _event(kind, changed, quiet)
    for kind in EVENT_TYPES
    for changed in (CHANGES if kind == "request.updated" else (None,))
    for quiet in (False, True)
]


@pytest.mark.parametrize("consumer", sorted(FILTERS))
def test_a_consumer_is_invoked_exactly_for_the_events_it_uses(consumer: str) -> None:
    for event in EVENTS:
        wanted = USES[consumer](event)
        assert matches(FILTERS[consumer], attributes(event)) == wanted, (consumer, event)


def test_a_vote_invokes_two_consumers_not_five() -> None:
    vote = attributes(_event("vote.created"))
    assert sorted(c for c, p in FILTERS.items() if matches(p, vote)) == [
        "stats_on_event",
        "webhooks_on_event",
    ]


def test_every_sns_consumer_of_the_app_has_a_filter() -> None:
    from app import app

    subscribed = {s.name for s in app.event_sources if type(s).__name__ == "SNSEventConfig"}
    assert subscribed == set(FILTERS)


def test_the_local_runner_applies_the_same_policies_to_sns_notifications() -> None:
    """Locally each consumer sees only what SNS would deliver to it when deployed."""
    from tools.event_runner import _passes_filter

    def note(event: DomainEvent) -> dict[str, Any]:  # an SNS notification, as SQS holds it
        return {
            "MessageAttributes": {
                k: {"Type": v["DataType"], "Value": v["StringValue"]}
                for k, v in attributes(event).items()
            }
        }

    for consumer, uses in USES.items():
        for event in EVENTS:
            assert _passes_filter(consumer, note(event)) == uses(event), (consumer, event)
