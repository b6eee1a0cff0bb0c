"""Words to search terms, and how much each term says about one request (its impact).

A term is a word lower-cased, accents stripped, a common product word of Spanish, German or
French put in English (``text.GLOSSARY``), synonyms folded and stemmed with English Snowball;
words of other scripts (Hebrew, Arabic, Greek, CJK…) are kept whole, lower-cased. Stop words
and punctuation make no term; emoji are not words.

Impact is BM25F with fixed field lengths, computed once when a request is indexed so that a
query only adds numbers: ``2 * sat(tf_title) + sat(tf_description)`` where
``sat(tf) = tf (k1 + 1) / (tf + k1 (1 - b + b len / avg))``, k1 = 1.2, b = 0.75. The query
side multiplies by each term's IDF (``services/fulltext.py``).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

from .text import GLOSSARY, STOPWORDS, _concept

__all__ = [
    "terms",
    "spelled",
    "impacts",
    "near",
    "MAX_TERMS",
    "TERM_MAX",
    "FUZZY_MIN",
    "VOCABULARY_MIN",
]

MAX_TERMS = 40  # a request is indexed under all its title terms and its best description ones
TERM_MAX = 40  # characters of a term kept in a key
FUZZY_MIN = 5  # a word (or its stem) this long or longer may be matched with one typo
VOCABULARY_MIN = FUZZY_MIN - 1  # the shortest term one edit from such a word
TITLE_BOOST, K1, B = 2.0, 1.2, 0.75
AVG_TITLE, AVG_DESCRIPTION = 5.0, 40.0
_WORD = re.compile(r"[^\W_]+")


def _words(text: str) -> list[str]:
    plain = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    return _WORD.findall(plain)


def _term(word: str) -> str:
    return _concept(word)[:TERM_MAX] if word.isascii() else word[:TERM_MAX]


def spelled(text: str) -> list[tuple[str, str]]:
    """``(word as written, its term)`` of a text in order: a misspelt word is often nearer
    to a term than its own stem is ("calender" -> "calend", but "calendar" is one edit away)."""
    found: list[tuple[str, str]] = []
    for word in _words(text):
        for part in GLOSSARY.get(word, word).split():
            if part in STOPWORDS or (len(part) < 2 and not part.isdigit()):
                continue
            found.append((part[:TERM_MAX], _term(part)))
    return found


def terms(text: str) -> list[str]:
    """The terms of a text in order, duplicates kept (they count as term frequency)."""
    return [term for _, term in spelled(text)]


def _saturated(tf: int, length: int, average: float) -> float:
    return tf * (K1 + 1) / (tf + K1 * (1 - B + B * length / average)) if tf else 0.0


def impacts(title: str, description: str) -> dict[str, int]:
    """Term -> impact in thousandths, for every title term and the description's best terms
    up to ``MAX_TERMS`` in all (a long description is indexed by what it says most)."""
    in_title, in_description = terms(title), terms(description)
    tf_title, tf_description = Counter(in_title), Counter(in_description)
    score = {
        term: TITLE_BOOST * _saturated(tf_title[term], len(in_title), AVG_TITLE)
        + _saturated(tf_description[term], len(in_description), AVG_DESCRIPTION)
        for term in {*tf_title, *tf_description}
    }
    kept = sorted(score, key=lambda t: (t not in tf_title, -score[t], t))[:MAX_TERMS]
    return {term: max(1, round(score[term] * 1000)) for term in kept}


def near(term: str, candidate: str) -> bool:
    """One edit apart: an insertion, a deletion, a substitution or two neighbours swapped."""
    if term == candidate or abs(len(term) - len(candidate)) > 1:
        return False
    if len(term) == len(candidate):
        diff = [i for i, (a, b) in enumerate(zip(term, candidate, strict=True)) if a != b]
        return len(diff) == 1 or (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and term[diff[0]] == candidate[diff[1]]
            and term[diff[1]] == candidate[diff[0]]
        )
    short, long = sorted((term, candidate), key=len)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))
