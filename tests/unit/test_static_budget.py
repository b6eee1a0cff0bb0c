"""The widget stays small and dependency-free: it loads on customers' pages."""

from __future__ import annotations

import gzip
import re

from tools.resources import ROOT

WIDGET = ROOT / "static" / "widget" / "widget.js"


OURS = [ROOT / "static" / "js" / name for name in ("api.js", "brand.js", "i18n.js")]
CATALOGUES = sorted((ROOT / "static" / "i18n").glob("*.json"))


def test_widget_with_its_modules_and_largest_catalogue_is_under_20_kb_gzipped() -> None:
    source = WIDGET.read_bytes() + b"".join(path.read_bytes() for path in OURS)
    largest = max(len(gzip.compress(path.read_bytes(), 9)) for path in CATALOGUES)
    assert len(gzip.compress(source, 9)) + largest < 20 * 1024


def test_widget_imports_only_our_api_client_brand_colours_and_text() -> None:
    imports = re.findall(r'^import .* from "([^"]+)";', WIDGET.read_text(), re.M)
    assert imports == ["../js/api.js", "../js/brand.js", "../js/i18n.js"]
    for path in OURS:  # and those import nothing but the text lookup
        found = re.findall(r'^import .* from "([^"]+)";', path.read_text(), re.M)
        assert found in ([], ["./i18n.js"]), path


def test_user_text_never_goes_through_inner_html() -> None:
    """Only the widget's own fixed markup uses innerHTML; user text is set as text."""
    for path in (ROOT / "static").rglob("*.js"):
        if "vendor" in path.parts:
            continue
        uses = re.findall(r"innerHTML\s*=\s*([^;]+)", path.read_text())
        for use in uses:
            assert use.strip().startswith("`<style>${CSS}"), (path, use[:60])
