"""The UI text catalogues (static/i18n/<lang>.json) against the sources that use them: a key
used but missing, a key no source uses, a plural without a form its language needs, or a
translation that drops or invents a {placeholder} fails here."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

STATIC = Path(__file__).resolve().parents[2] / "static"
CATALOGUES = sorted((STATIC / "i18n").glob("*.json"))
# CLDR's plural categories (what Intl.PluralRules(lang).resolvedOptions() lists)
PLURAL_FORMS = {"en": {"one", "other"}, "ar": {"zero", "one", "two", "few", "many", "other"}}
SOURCES = [
    p
    for p in (*STATIC.glob("*/*.js"), *STATIC.glob("*/*.html"))
    if p.parent.name not in ("vendor", "i18n")
]


def _load(path: Path) -> dict[str, str | dict[str, str]]:
    return json.loads(path.read_text(encoding="utf-8"))


ENGLISH = _load(STATIC / "i18n" / "en.json")
NAMESPACES = sorted({key.split(".")[0] for key in ENGLISH})
# a key is a string literal "<namespace>.<name>": in t("…"), in a ternary inside t(…), or in
# data-i18n / data-i18n-label attributes of the pages and the widget's template
_NS = "|".join(NAMESPACES)
KEY = re.compile(  # not a file name such as "board.js"
    rf"""["'](?P<key>(?:{_NS})\.(?!(?:js|css|html|json)["'])[a-z0-9_]+)["']"""
)
CALL = re.compile(r"""\bt\(\s*["'](?P<key>[^"']+)["']""")


def _used() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in SOURCES:
        text = path.read_text(encoding="utf-8")
        for match in (*KEY.finditer(text), *CALL.finditer(text)):
            found.setdefault(match["key"], set()).add(path.relative_to(STATIC).as_posix())
    return found


def _placeholders(value: str | dict[str, str]) -> set[str]:
    texts = value.values() if isinstance(value, dict) else [value]
    return {name for text in texts for name in re.findall(r"\{(\w+)\}", text)}


def test_there_are_english_and_one_more_language() -> None:
    assert [p.stem for p in CATALOGUES] == ["ar", "en"]
    assert len(SOURCES) > 20  # the walk found the board, the console and the widget


def test_every_key_a_source_uses_is_in_every_catalogue() -> None:
    used = _used()
    for path in CATALOGUES:
        missing = {k: sorted(v) for k, v in used.items() if k not in _load(path)}
        assert not missing, f"{path.name} lacks {missing}"


def test_every_catalogue_key_is_used_somewhere() -> None:
    unused = sorted(set(ENGLISH) - set(_used()))
    assert not unused, f"keys no source uses: {unused}"


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: p.stem)
def test_a_catalogue_has_the_same_keys_forms_and_placeholders_as_english(path: Path) -> None:
    found = _load(path)
    assert set(found) == set(ENGLISH)
    forms = PLURAL_FORMS[path.stem]
    for key, value in found.items():
        assert isinstance(value, (str, dict)), key
        if isinstance(ENGLISH[key], dict):
            assert isinstance(value, dict) and set(value) == forms, f"{key}: forms {set(value)}"
        else:
            assert isinstance(value, str), f"{key}: a plural where English has none"
        assert value, key
        # a form may leave the number out ("صوت واحد"), never invent a placeholder
        assert _placeholders(value) <= _placeholders(ENGLISH[key]), key
        if not isinstance(value, dict):
            assert _placeholders(value) == _placeholders(ENGLISH[key]), key


def test_the_walk_sees_a_key_in_a_ternary_and_in_markup() -> None:
    used = _used()
    assert "board.following" in used and "board.follow" in used  # t(on ? "…" : "…")
    assert "board/index.html" in used["board.tab_roadmap"]  # data-i18n
    assert "widget/widget.js" in used["widget.title"]  # the widget's template
