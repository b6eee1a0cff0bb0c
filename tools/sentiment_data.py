"""Writes tests/data/sentiment_train.csv: the sentiment classifier's training set.

Provenance: generated here from templates written for this purpose on 2026-11-28, about the
tuning products (a bank, a project tool, a photo editor, a fitness app): praise, thanks,
complaints, failures, sarcasm (praise words around a failure), questions, requests and
plain statements, in lower case, capitals and with common misspellings, plus a few short
phrases in Spanish, German and French. No held-out text (tests/data/heldout/) was read or
reused. Deterministic: the same file every run (``python -m tools.sentiment_data``).
"""

from __future__ import annotations

import csv
import random

from .resources import ROOT

__all__ = ["rows", "main"]

THINGS = [
    "the budget view",
    "card payments",
    "the transfer screen",
    "login",
    "the statement export",
    "the kanban board",
    "task reminders",
    "the calendar",
    "comments",
    "the sprint report",
    "the crop tool",
    "filters",
    "the photo editor",
    "layers",
    "exports",
    "workout tracking",
    "the step counter",
    "the running map",
    "sync with my watch",
    "the new update",
    "this app",
    "the search",
    "notifications",
    "the widget",
    "dark mode",
]
POSITIVE = [
    "I love {t}",
    "{T} is great",
    "{T} works perfectly",
    "really happy with {t}",
    "{T} is so fast now",
    "thanks for {t}, it is excellent",
    "{T} saves me so much time",
    "best app ever, {t} is brilliant",
    "nice work on {t}!",
    "{T} is awesome!!",
    "{T} is exactly what I needed, thank you",
    "so easy to use, {t} is perfect",
    "five stars, {t} is wonderful",
    "impressed by {t}",
    "{t} finally feels right, good job",
    "luv {t}",
    "{T} is amazng",
    "great job team, {t} rocks",
    "very smooth, {t} is lovely",
    "{T} made my day :)",
]
NEGATIVE = [
    "{T} crashes every time",
    "{T} does not work",
    "{t} is broken again",
    "I hate {t}",
    "{T} is so slow",
    "{T} keeps failing",
    "{T} stopped working after the update",
    "{T} is useless",
    "terrible experience with {t}",
    "{T} lost my data",
    "why is {t} always broken???",
    "{T} is a mess",
    "worst update, {t} is unusable",
    "{T} freezes constantly",
    "cant use {t} anymore, it errors out",
    "{t} doesnt work at all",
    "{T} is awful and nobody answers support",
    "{T} charged me twice",
    "great, {t} crashed again.",
    "oh wonderful, {t} deleted everything.",
    "thanks for breaking {t}",
    "love how {t} never loads. amazing.",
    "{T} is WAY too slow",
    "so disappointed with {t}",
    "{T} drains my battery",
    "{t} is confusing and ugly",
]
NEUTRAL = [
    "how do I use {t}?",
    "where is {t}?",
    "is there a way to export {t}?",
    "please add an option to {t}",
    "could you add more settings to {t}",
    "would be nice if {t} had a search",
    "any plans to change {t}?",
    "I use {t} every morning",
    "I opened {t} today",
    "what does {t} do",
    "can I share {t} with my team?",
    "does {t} work offline?",
    "{T} is on the second tab",
    "feature request: {t} on tablets",
    "I switched to {t} last week",
    "is {t} included in the free plan?",
    "testing {t}",
    "how often does {t} update?",
    "my colleague asked about {t}",
    "need {t} in french",
]
OTHER = [
    ("positive", "me encanta esta app"),
    ("positive", "muy buena aplicación, gracias"),
    ("positive", "super, danke!"),
    ("positive", "tolle App, sehr hilfreich"),
    ("positive", "j'adore cette appli"),
    ("positive", "excellent travail, merci"),
    ("negative", "no funciona nada"),
    ("negative", "la app se cierra sola"),
    ("negative", "funktioniert nicht mehr"),
    ("negative", "sehr langsam und stürzt ab"),
    ("negative", "ça ne marche pas"),
    ("negative", "application très lente, nulle"),
    ("neutral", "¿cómo exporto mis datos?"),
    ("neutral", "wo finde ich die Einstellungen?"),
    ("neutral", "comment changer la langue ?"),
    ("neutral", "hay versión para tablet?"),
    ("neutral", "ok"),
    ("neutral", "hello"),
    ("neutral", "version 3.1 on android"),
    ("positive", "thx!!"),
    ("positive", "10/10"),
    ("negative", "meh. broken."),
    ("negative", "fix it"),
    ("neutral", "question about billing"),
]


def _variant(rng: random.Random, text: str) -> str:
    roll = rng.random()
    if roll < 0.1:
        return text.upper()
    if roll < 0.3:
        return text.lower()
    return text


def rows(per_label: int = 140, seed: int = 13) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    found: list[tuple[str, str]] = []
    for label, templates in (("positive", POSITIVE), ("negative", NEGATIVE), ("neutral", NEUTRAL)):
        seen: set[str] = set()
        while len(seen) < per_label:
            thing = rng.choice(THINGS)
            text = rng.choice(templates).format(t=thing, T=thing[0].upper() + thing[1:])
            seen.add(_variant(rng, text))
        found += [(label, text) for text in sorted(seen)]
    found += OTHER
    return found


def main() -> None:
    path = ROOT / "tests" / "data" / "sentiment_train.csv"
    with path.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["label", "message"])
        writer.writerows(rows())
    print(f"{path}: {len(rows())} rows")


if __name__ == "__main__":
    main()
