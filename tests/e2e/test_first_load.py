"""First-load budget (issue 14): the JS and CSS a first visit to the board and to the console
downloads, counted in Chromium response by response and measured gzipped."""

# ruff: noqa: F811  (the fixtures of test_web.py, imported to share its stack per module)

from __future__ import annotations

from typing import Any

from tests.e2e.test_web import browser, site  # noqa: F401
from tests.performance.first_load import BUDGETS, board_and_console


def test_board_and_console_first_loads_stay_within_budget(
    browser: Any, site: dict[str, Any]
) -> None:
    loads = board_and_console(browser, site["site"], site["adminKey"])
    for name, load in loads.items():
        print(f"{name}: {load.describe()}")
        assert load.files, f"{name}: no script or style sheet was counted"
        assert load.gzipped <= BUDGETS[name], f"{name} over budget: {load.describe()}"
    # the charts come with the analytics screen, not with any first load
    assert not any("chart" in path for path in loads["board"].files | loads["console"].files)
    assert not any("axe" in path for path in loads["board"].files | loads["console"].files)
