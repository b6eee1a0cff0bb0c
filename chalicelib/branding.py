"""An app's brand (name, logo, accent colour) and colours that stay readable with any accent.

WCAG 2 contrast is computed, not assumed: text on the accent is black or white, whichever
contrasts more (one of them always reaches 4.58:1), and a link in the accent colour is
darkened (or, on a dark page, lightened) until it reads at 4.5:1 on the page. static/js/brand.js
does the same for the board, the widget and the console's preview.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["AA", "DEFAULT_ACCENT", "contrast", "text_on", "readable_on", "email_brand"]

AA = 4.5
DEFAULT_ACCENT = "#2f4fd1"
BLACK, WHITE = "#000000", "#ffffff"
EMAIL_PAGE = "#ffffff"  # the emails' card


def _rgb(color: str) -> tuple[int, int, int]:
    return int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16)


def _luminance(color: str) -> float:
    """Relative luminance (WCAG 2.x, sRGB)."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in _rgb(color))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """The WCAG contrast ratio of two ``#rrggbb`` colours, 1 to 21."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def text_on(accent: str) -> str:
    """Black or white, whichever reads better on ``accent``."""
    return BLACK if contrast(accent, BLACK) >= contrast(accent, WHITE) else WHITE


def _mix(color: str, toward: str, share: float) -> str:
    mixed = (round(c + (t - c) * share) for c, t in zip(_rgb(color), _rgb(toward), strict=True))
    return "#" + "".join(f"{v:02x}" for v in mixed)


def readable_on(color: str, page: str) -> str:
    """``color`` itself if it reads at AA on ``page``, else the nearest mix toward black (a
    light page) or white (a dark page) that does."""
    toward = BLACK if _luminance(page) > 0.18 else WHITE
    for step in range(21):
        candidate = _mix(color, toward, step / 20)
        if contrast(candidate, page) >= AA:
            return candidate
    return toward


def email_brand(app_name: str, branding: Mapping[str, Any] | None) -> dict[str, str]:
    """What the email templates use: the brand's name, logo and accent, with readable text."""
    branding = branding or {}
    accent = branding.get("accentColor") or DEFAULT_ACCENT
    return {
        "name": branding.get("name") or app_name,
        "logo_url": branding.get("logoUrl") or "",
        "accent": accent,
        "accent_text": text_on(accent),
        "link": readable_on(accent, EMAIL_PAGE),
    }
