"""An app's published changelog as an Atom 1.0 feed (RFC 4287), built with ElementTree so
every text and attribute is escaped by the serializer, never by hand."""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import quote
from xml.etree import ElementTree as ET

from .ids import iso
from .records import App, ChangelogEntry

__all__ = ["feed"]

NS = "http://www.w3.org/2005/Atom"


def _tag(app: App, rest: str = "") -> str:
    """A permanent id (RFC 4151 tag URI): it never changes with the host or the keys."""
    return f"tag:featureboard,2026:{quote(app.tenant)}/{quote(app.id)}/changelog{rest}"


def _add(parent: ET.Element, name: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{NS}}}{name}", attrs)
    if text is not None:
        element.text = text
    return element


def feed(app: App, entries: Sequence[ChangelogEntry], board_url: str, self_url: str) -> str:
    """``entries`` newest first; the feed's ``updated`` is the newest one's publishing time."""
    ET.register_namespace("", NS)
    root = ET.Element(f"{{{NS}}}feed")
    _add(root, "id", _tag(app))
    _add(root, "title", f"{app.name}: what's new")
    newest = max((e.published_ms or 0 for e in entries), default=app.updated_ms)
    _add(root, "updated", iso(newest))
    _add(_add(root, "author"), "name", app.name)
    _add(root, "link", rel="self", type="application/atom+xml", href=self_url)
    if board_url:
        _add(root, "link", rel="alternate", type="text/html", href=f"{board_url}#/changelog")
    _add(root, "generator", "Featureboard")
    for entry in entries:
        item = _add(root, "entry")
        _add(item, "id", _tag(app, f"/{quote(entry.id)}"))
        _add(item, "title", entry.title)
        _add(item, "updated", iso(entry.published_ms or entry.updated_ms))
        _add(item, "published", iso(entry.published_ms or entry.updated_ms))
        if board_url:
            link = f"{board_url}#/changelog/{quote(entry.id)}"
            _add(item, "link", rel="alternate", type="text/html", href=link)
        _add(item, "content", entry.html, type="html")
    return ET.tostring(root, encoding="unicode", xml_declaration=True)
