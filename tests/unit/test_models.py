"""Validation rules of the API's input models, without HTTP."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from chalicelib.models import (
    CommentCreate,
    FeedbackCreate,
    ListQuery,
    RequestCreate,
    RequestPatch,
)


def test_titles_are_trimmed_and_measured_after_trimming() -> None:
    assert RequestCreate.model_validate_json('{"title": "   Dark mode  "}').title == "Dark mode"
    with pytest.raises(ValidationError, match="must be 3 to 120 characters"):
        RequestCreate.model_validate_json('{"title": "  ab   "}')


@pytest.mark.parametrize("invisible", ["\u202e\u200b\u200b", "\u200b" * 5, "\u0301\u0301\u0301"])
def test_text_that_draws_nothing_is_refused(invisible: str) -> None:
    with pytest.raises(ValidationError, match="visible character"):
        RequestCreate(title=invisible)
    with pytest.raises(ValidationError, match="visible character"):
        CommentCreate(body=invisible)
    marked = "\u200f\u0645\u0631\u062d\u0628\u0627"  # a right-to-left mark before a word
    assert CommentCreate(body=marked).body == marked


def test_tags_are_deduplicated_in_order() -> None:
    assert RequestCreate(title="abc", tags=["b", "a", "b"]).tags == ["b", "a"]


def test_eleven_distinct_tags_are_too_many_but_duplicates_do_not_count() -> None:
    RequestCreate(title="abc", tags=["a"] * 20 + [f"t{n}" for n in range(9)])
    with pytest.raises(ValidationError):
        RequestCreate(title="abc", tags=[f"t{n}" for n in range(11)])


def test_json_numbers_are_not_strings() -> None:
    with pytest.raises(ValidationError):
        FeedbackCreate.model_validate_json('{"message": "m", "rating": "5"}')
    assert FeedbackCreate.model_validate_json('{"message": "m", "rating": 5}').rating == 5


def test_feedback_fin_blank_name_and_email_mean_absent() -> None:
    fb = FeedbackCreate.model_validate_json(
        '{"feedbackType": "idea", "message": "m", "name": "", "email": "", "timestamp": 1}'
    )
    assert (fb.name, fb.email, fb.feedbackType) == (None, None, "idea")


def test_patch_needs_at_least_one_field() -> None:
    with pytest.raises(ValidationError):
        RequestPatch.model_validate_json("{}")
    assert RequestPatch.model_validate_json('{"response": ""}').model_fields_set == {"response"}


def test_list_query_defaults_and_parses_numbers_from_text() -> None:
    q = ListQuery.model_validate({"limit": "50"})
    assert (q.limit, q.sort, q.status, q.tag, q.cursor) == (50, "new", None, None, None)
