"""Text to comparable "concepts": one word for each idea, whatever words or language said it.

Requests for the same thing differ in wording ("night theme" / "dark mode"), in spelling
("exprot"), and in language ("modo oscuro"). Requests that differ in one verb or object
("import" / "export", "CSV" / "PDF") look alike to word overlap but ask for something else.
This module maps words to concepts (a small glossary, a synonym table, Snowball stems) and
names the concepts that must agree for two requests to be the same.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = ["concepts", "char_grams", "normalise", "OPPOSITES", "EXCLUSIVE"]

# Common product words of a few languages, to English (accents already stripped).
GLOSSARY = {
    # Spanish
    "modo": "mode",
    "oscuro": "dark",
    "claro": "light",
    "alerta": "alert",
    "saldo": "balance",
    "bajo": "low",
    "recordatorio": "reminder",
    "fecha": "date",
    "limite": "due",
    "antes": "before",
    "exportar": "export",
    "importar": "import",
    "contador": "counter",
    "calorias": "calories",
    "tarea": "task",
    "tareas": "tasks",
    "notificacion": "notification",
    "cuenta": "account",
    "tarjeta": "card",
    "foto": "photo",
    "fotos": "photos",
    "fondo": "background",
    "eliminar": "remove",
    "borrar": "delete",
    "buscar": "search",
    "idioma": "language",
    # German
    "dunkelmodus": "dark mode",
    "dunkel": "dark",
    "hell": "light",
    "hintergrund": "background",
    "entfernen": "remove",
    "loschen": "delete",
    "pausentimer": "rest timer",
    "pause": "rest",
    "satzen": "sets",
    "satze": "sets",
    "aufgabe": "task",
    "aufgaben": "tasks",
    "erinnerung": "reminder",
    "konto": "account",
    "karte": "card",
    "suche": "search",
    "exportieren": "export",
    "importieren": "import",
    "benachrichtigung": "notification",
    # French
    "sombre": "dark",
    "theme": "theme",
    "mode": "mode",
    "exporter": "export",
    "importer": "import",
    "tache": "task",
    "taches": "tasks",
    "rappel": "reminder",
    "supprimer": "remove",
    "arriere": "back",
    "plan": "plan",
    "compte": "account",
}

# Words that say the same idea, to one canonical concept (stems are taken afterwards).
SYNONYMS = {
    "night": "dark",
    "darkmode": "dark",
    "darker": "dark",
    "theme": "theme",
    "mode": "theme",
    "interface": "theme",
    "ui": "theme",
    "skin": "theme",
    "download": "export",
    "exprot": "export",
    "export": "export",
    "upload": "import",
    "migrate": "import",
    "importer": "import",
    "import": "import",
    "notify": "notify",
    "notification": "notify",
    "notifications": "notify",
    "alert": "notify",
    "alerts": "notify",
    "warn": "notify",
    "remind": "notify",
    "reminder": "notify",
    "reminders": "notify",
    "hotkey": "shortcut",
    "hotkeys": "shortcut",
    "shortcut": "shortcut",
    "shortcuts": "shortcut",
    "picture": "photo",
    "pictures": "photo",
    "image": "photo",
    "images": "photo",
    "photos": "photo",
    "resizing": "resize",
    "bulk": "batch",
    "many": "batch",
    "multiple": "batch",
    "erase": "remove",
    "cut": "remove",
    "remover": "remove",
    "freeze": "lock",
    "repeat": "recur",
    "repeating": "recur",
    "repeats": "recur",
    "recurring": "recur",
    "standing": "recur",
    "every": "recur",
    "weekly": "recur",
    "monthly": "recur",
    "spreadsheet": "csv",
    "gantt": "gantt",
    "gant": "gantt",
    "timeline": "gantt",
    "watchos": "watch",
    "wallet": "applepay",
    "timer": "timer",
    "countdown": "timer",
    "log": "track",
    "logging": "track",
    "tracking": "track",
    "record": "track",
    "hours": "time",
    "spent": "time",
    "face": "faceid",
    "faceid": "faceid",
    "recognition": "faceid",
    "split": "split",
    "share": "share",
    "expenses": "spend",
    "spending": "spend",
    "categorize": "category",
    "categories": "category",
    "category": "category",
    "goal": "goal",
    "goals": "goal",
    "currencies": "currency",
    "currency": "currency",
    "euros": "currency",
    "dollars": "currency",
    "leaderboard": "ranking",
    "ranking": "ranking",
    "compete": "ranking",
    "subtasks": "subtask",
    "subtask": "subtask",
    "sub": "subtask",
    "mentions": "mention",
    "mention": "mention",
    "guest": "guest",
    "external": "guest",
    "client": "guest",
    "clients": "guest",
    "readonly": "readonly",
    "view": "view",
    "cutout": "remove",
    "level": "straight",
    "straighten": "straight",
    "crooked": "straight",
    "horizon": "horizon",
    "horizons": "horizon",
    "preset": "preset",
    "presets": "preset",
    "filter": "preset",
    "filters": "preset",
    "calories": "calorie",
    "calorie": "calorie",
    "eat": "food",
    "drink": "water",
    "sleep": "sleep",
    "weight": "weight",
    "body": "weight",
    "save": "save",
}

# Pairs of concepts that ask for opposite things: requests that differ by one are different.
OPPOSITES = [
    ("import", "export"),
    ("increase", "decrease"),
    ("lock", "unlock"),
    ("enable", "disable"),
    ("show", "hide"),
    ("dark", "light"),
    ("add", "remove"),
    ("keep", "remove"),
    ("before", "after"),
]
# Groups whose members exclude each other: two requests naming different ones differ.
EXCLUSIVE = {
    "format": {"csv", "pdf", "png", "jpeg", "jpg", "webp", "gpx", "psd", "raw", "exif"},
    "platform": {
        "android",
        "ios",
        "watch",
        "linux",
        "websit",
        "web",
        "ipad",
        "tablet",
        "desktop",
        "wear",
    },
    "service": {
        "slack",
        "trello",
        "strava",
        "garmin",
        "googl",
        "zapier",
        "instagram",
        "lightroom",
        "applepay",
    },
}

STOPWORDS = set(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "of",
        "to",
        "in",
        "on",
        "for",
        "with",
        "without",
        "from",
        "by",
        "at",
        "as",
        "is",
        "are",
        "be",
        "it",
        "its",
        "this",
        "that",
        "these",
        "those",
        "my",
        "our",
        "your",
        "their",
        "me",
        "we",
        "i",
        "you",
        "it's",
        "please",
        "add",
        "support",
        "allow",
        "let",
        "want",
        "would",
        "like",
        "could",
        "can",
        "should",
        "need",
        "needs",
        "way",
        "able",
        "feature",
        "option",
        "options",
        "app",
        "apps",
        "so",
        "just",
        "also",
        "more",
        "some",
        "any",
        "instead",
        "new",
        "own",
        "all",
        "each",
        "when",
        "what",
        "where",
        "how",
        "which",
        "who",
        "there",
        "here",
        "do",
        "does",
        "did",
        "make",
        "makes",
        "give",
        "get",
        "have",
        "has",
        "had",
        "use",
        "using",
        "via",
        "like",
        "into",
        "than",
        "then",
        "them",
        "they",
        "plz",
        "pls",
        "por",
        "favor",
        "de",
        "la",
        "el",
        "en",
        "les",
        "le",
        "des",
        "und",
        "die",
        "der",
        "das",
        "mit",
        "fur",
        "bitte",
        "que",
        "para",
        "ein",
        "eine",
    ]
)

_WORD = re.compile(r"[a-z0-9@]+")


def normalise(text: str) -> str:
    """Lower case, accents stripped, punctuation to spaces."""
    plain = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    return " ".join(_WORD.findall(plain))


@lru_cache(maxsize=1)
def _stemmer():
    import snowballstemmer

    return snowballstemmer.stemmer("english")


@lru_cache(maxsize=50_000)
def _concept(word: str) -> str:
    word = SYNONYMS.get(word, word)
    return SYNONYMS.get(_stemmer().stemWord(word), _stemmer().stemWord(word))


def concepts(text: str) -> list[str]:
    """The concepts of a text, in order, without stopwords (duplicates kept once)."""
    words: list[str] = []
    for word in normalise(text).split():
        words.extend(GLOSSARY.get(word, word).split())
    found: list[str] = []
    for word in words:
        if word in STOPWORDS or len(word) < 2:
            continue
        concept = _concept(word)
        if concept not in found:
            found.append(concept)
    return found


def char_grams(text: str, n: int = 3) -> list[str]:
    """Character n-grams of the normalised text, words padded: robust to typos."""
    grams: list[str] = []
    for word in normalise(text).split():
        if word in STOPWORDS:
            continue
        padded = f" {word} "
        grams.extend(padded[i : i + n] for i in range(max(1, len(padded) - n + 1)))
    return grams
