"""Data from the database on screen: always a Rich ``Text``, never markup, never control bytes."""

from __future__ import annotations

from rich.text import Text

from pos_tui.text import plain


def safe(value: object, style: str = "") -> Text:
    """``[red]Bob[/red]`` shows as typed; an ESC byte shows as ``\\x1b`` instead of acting."""
    return Text(plain(value), style=style)
