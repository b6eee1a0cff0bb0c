"""The widget stays small and dependency-free: it loads on customers' pages."""

from __future__ import annotations

import gzip
import re

from tools.resources import ROOT

WIDGET = ROOT / "static" / "widget" / "widget.js"


OURS = [ROOT / "static" / "js" / name for name in ("api.js", "brand.js")]


def test_widget_with_its_api_client_and_brand_colours_is_under_20_kb_gzipped() -> None:
    source = WIDGET.read_bytes() + b"".join(path.read_bytes() for path in OURS)
    assert len(gzip.compress(source, 9)) < 20 * 1024


def test_widget_imports_only_our_api_client_and_brand_colours() -> None:
    imports = re.findall(r'^import .* from "([^"]+)";', WIDGET.read_text(), re.M)
    assert imports == ["../js/api.js", "../js/brand.js"]
    for path in OURS:  # and those import nothing
        assert not re.findall(r"^import ", path.read_text(), re.M), path


def test_user_text_never_goes_through_inner_html() -> None:
    """Only the widget's own fixed markup uses innerHTML; user text is set as text."""
    for path in (ROOT / "static").rglob("*.js"):
        if "vendor" in path.parts:
            continue
        uses = re.findall(r"innerHTML\s*=\s*([^;]+)", path.read_text())
        for use in uses:
            assert use.strip().startswith("`<style>${CSS}"), (path, use[:60])
