"""Data on screen: always a Rich ``Text``, never markup, never control bytes (:func:`plain`)."""

from __future__ import annotations

from rich.text import Text

from pos_tui.text import plain


def safe(value: object, style: str = "", *, multiline: bool = False) -> Text:
    """``[red]Bob[/red]`` shows as typed; an ESC byte shows as ``\\x1b`` instead of acting.
    ``multiline``: line breaks stay line breaks (a statement, an audit entry in full)."""
    return Text(plain(value, multiline=multiline), style=style)


def safe_lines(lines: list[str], style: str = "") -> Text:
    """Lines of data, each shown escaped (a line break inside one too), one per line."""
    return Text("\n".join(plain(line) for line in lines), style=style)
