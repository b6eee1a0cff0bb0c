"""Jinja, loaded on first use (the API's cold start never pays for it), autoescaped HTML."""

from __future__ import annotations

import os
from functools import lru_cache
from typing import Any

__all__ = ["environment", "page"]

FOLDER = os.path.join(os.path.dirname(__file__), "templates")


@lru_cache(maxsize=1)
def environment() -> Any:
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(FOLDER),
        autoescape=jinja2.select_autoescape(["html"]),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )


def page(name: str, title: str, **values: Any) -> str:
    """A small server-rendered page from ``templates/pages``."""
    return environment().get_template(f"pages/{name}.html").render(title=title, **values)
