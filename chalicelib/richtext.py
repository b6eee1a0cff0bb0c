"""Markdown to safe HTML: markdown-it-py renders (raw HTML in the source stays text), nh3
(ammonia) keeps only an allow-list of tags, attributes and URL schemes. Both are imported
on first use, so only the routes that write a changelog entry pay for them."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

__all__ = ["render"]

TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "del", "s", "code",
    "pre", "blockquote", "ul", "ol", "li", "a", "img", "table", "thead", "tbody", "tr", "th",
    "td",
}  # fmt: skip
ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "ol": {"start"}}
SCHEMES = {"http", "https", "mailto"}


@lru_cache(maxsize=1)
def _parser() -> Any:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])


def render(markdown: str) -> str:
    """The sanitised HTML of ``markdown``: no script, no event handler, no javascript: URL,
    links open with ``rel="noopener noreferrer nofollow"``."""
    import nh3

    return nh3.clean(
        _parser().render(markdown),
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
