"""Search terms: words to stems, what a request is indexed under, one edit apart."""

from __future__ import annotations

import pytest

from chalicelib.ai.terms import MAX_TERMS, impacts, near, spelled, terms


def test_words_become_stems_without_stop_words_punctuation_or_emoji() -> None:
    assert terms("Exporting the reports!! 🚀") == ["export", "report"]
    assert terms("the of and") == []
    assert terms("?!… 🔥") == []


def test_other_scripts_are_kept_whole_and_accents_are_stripped() -> None:
    assert terms("מצב כהה") == ["מצב", "כהה"]
    assert terms("Thème") == terms("theme")


def test_a_query_word_is_kept_as_written_beside_its_term() -> None:
    assert spelled("Calender") == [("calender", "calend")]


def test_title_words_weigh_more_and_a_long_description_keeps_its_best_terms() -> None:
    found = impacts("Offline maps", "maps of the region")
    assert found["offlin"] > 0 and found["map"] > found["region"]
    many = impacts("Title", " ".join(f"word{n}" for n in range(200)))
    assert len(many) == MAX_TERMS and "titl" in many


@pytest.mark.parametrize(
    ("a", "b", "close"),
    [
        ("calender", "calendar", True),  # substitution
        ("notifc", "notifi", True),
        ("exprot", "export", True),  # two neighbours swapped
        ("templtes", "templates", True),  # a letter left out
        ("shortcutts", "shortcuts", True),  # one too many
        ("export", "export", False),  # the same word is not a typo of itself
        ("export", "import", False),  # two edits
        ("abc", "abcde", False),
    ],
)
def test_one_edit_apart(a: str, b: str, close: bool) -> None:
    assert near(a, b) is close
    assert near(b, a) is close
