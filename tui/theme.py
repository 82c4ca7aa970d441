"""Severity colours, always theme colours (never hard-coded), for every screen."""

from __future__ import annotations

from textual.theme import Theme

# Theme colour per severity value: the checks' Severity and the scanners' VulnSeverity
# are both string enums spelled this way. Other severities (info, negligible, unknown)
# take the text colour.
_THEME_COLOUR = {"critical": "error", "high": "error", "medium": "warning", "low": "primary"}


def severity_colour(theme: Theme, severity: str) -> str:
    """The theme's colour for `severity` ("" for none), ready for a Rich style."""
    name = _THEME_COLOUR.get(str(severity))
    colour = getattr(theme, name, None) if name else None
    return colour or ""
