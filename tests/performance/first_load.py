"""What a first visit downloads: every script and style sheet a page loads, counted in the
browser as it arrives, and its size gzipped (what CloudFront sends to a browser that asks).

Shared by the budget test (tests/e2e/test_first_load.py) and `make bench`.
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass, field
from typing import Any

__all__ = ["BUDGETS", "Load", "first_load", "board_and_console"]

# Issue 14: the board under 100 KB of JS+CSS. The console loads its charts (vendored Chart.js,
# 71 KB gzipped) with the analytics screen only, and each other screen's module when that
# screen first opens, so its first screen (triage) fits 40 KB.
BUDGETS = {"board": 100_000, "console": 40_000}
KINDS = ("script", "stylesheet")


@dataclass
class Load:
    """The scripts and style sheets of one first load, by URL path: raw and gzipped bytes."""

    files: dict[str, tuple[int, int]] = field(default_factory=dict)

    @property
    def raw(self) -> int:
        return sum(r for r, _ in self.files.values())

    @property
    def gzipped(self) -> int:
        return sum(g for _, g in self.files.values())

    def describe(self) -> str:
        biggest = sorted(self.files.items(), key=lambda kv: -kv[1][1])[:4]
        top = ", ".join(f"{path.rsplit('/', 1)[-1]} {g / 1000:.1f}" for path, (_, g) in biggest)
        return (
            f"{len(self.files)} files, {self.raw / 1000:.1f} KB raw, "
            f"{self.gzipped / 1000:.1f} KB gzipped (largest: {top})"
        )


def first_load(browser: Any, url: str, ready: str, session: dict[str, str] | None = None) -> Load:
    """Open ``url`` in a fresh context (empty cache), wait for ``ready``, count what came.
    ``session`` goes into sessionStorage first (the console's signed-in tab)."""
    from urllib.parse import urlsplit

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(120_000)
    if session:
        pairs = ", ".join(f"[{k!r}, {v!r}]" for k, v in session.items())
        context.add_init_script(f"for (const [k, v] of [{pairs}]) sessionStorage.setItem(k, v);")
    load = Load()

    def count(response: Any) -> None:
        if response.request.resource_type in KINDS and response.ok:
            body = response.body()
            load.files[urlsplit(response.url).path] = (len(body), len(gzip.compress(body, 9)))

    page = context.new_page()
    page.on("response", count)
    try:
        page.goto(url)
        page.wait_for_selector(ready)
        page.wait_for_load_state("networkidle")
    finally:
        context.close()
    return load


def board_and_console(browser: Any, site: str, admin_key: str) -> dict[str, Load]:
    return {
        "board": first_load(browser, f"{site}/board/", "#requests li.request"),
        "console": first_load(
            browser, f"{site}/admin/#/triage", "tbody tr", {"fb-admin-key": admin_key}
        ),
    }
