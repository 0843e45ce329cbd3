"""Every key of the screen along the bottom, on as many rows as the width needs.

Textual's footer is one row: at 80 columns the checkout's stopped at F8. The legend lists every
lane binding the screen has (its F-keys and Ctrl keys, and any other key a screen shows in a
footer), read from the screen's active bindings, so a key rebound by ``[keymap]`` shows its new
key. F-keys come first in number order, then the rest in the order the screen binds them.
"""

from __future__ import annotations

import re

from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static

_FKEY = re.compile(r"f(\d+)")


def _legend_key(binding: Binding) -> bool:
    """A key the legend lists: shown in a footer, or an F-key / Ctrl key (never a cursor key
    or a widget's own editing key)."""
    if binding.system or not binding.id or not binding.description:
        return False
    key = binding.key
    return binding.show or bool(_FKEY.fullmatch(key)) or key.startswith("ctrl+")


def key_rank(key: str, order: int) -> int:
    """Where a key goes in a list of keys: F-keys by number, then the rest as bound."""
    fkey = _FKEY.fullmatch(key)
    return int(fkey.group(1)) if fkey else 100 + order


def legend_entries(screen: Screen[object]) -> list[tuple[str, str, bool]]:
    """(keys as displayed, label, enabled) for every legend key of ``screen``, one entry per
    action (two keys for one action read ``f1/^h``)."""
    app = screen.app
    by_action: dict[str, tuple[list[str], str, bool, int]] = {}
    for order, active in enumerate(screen.active_bindings.values()):
        binding = active.binding
        if not _legend_key(binding):
            continue
        display = app.get_key_display(binding)
        known = by_action.get(binding.action)
        if known is None:
            rank = key_rank(binding.key, order)
            by_action[binding.action] = ([display], binding.description, active.enabled, rank)
        elif display not in known[0]:
            known[0].append(display)
    ranked = sorted(by_action.values(), key=lambda entry: entry[3])
    return [("/".join(keys), label, enabled) for keys, label, enabled, _rank in ranked]


def wrap_entries(entries: list[tuple[Text, Text]], width: int, gap: int = 2) -> list[Text]:
    """Entries (key, label) packed greedily onto lines of ``width``; an entry never splits."""
    lines: list[Text] = []
    line = Text()
    for key, label in entries:
        entry = Text.assemble(key, " ", label)
        if line.cell_len and line.cell_len + gap + entry.cell_len > width:
            lines.append(line)
            line = Text()
        if line.cell_len:
            line.append(" " * gap)
        line.append_text(entry)
    if line.cell_len or not lines:
        lines.append(line)
    return lines


class KeyLegend(Static):
    """The screen's keys, wrapped (``f5 Pay  f6 Disc ...``); a disabled key is dimmed.

    Redrawn when the screen's bindings change (focus, a rebind) or its width does; the text
    changes height (a layout pass) only when the number of rows does."""

    COMPONENT_CLASSES = {"key-legend--key", "key-legend--label"}
    DEFAULT_CSS = """
    KeyLegend {
        dock: bottom;
        height: auto;
        padding: 0 1;
        color: $footer-foreground;
        background: $footer-background;
    }
    KeyLegend > .key-legend--key { color: $footer-key-foreground; text-style: bold; }
    KeyLegend > .key-legend--label { color: $footer-description-foreground; }
    """

    def __init__(self, **kwargs: object) -> None:
        super().__init__("", **kwargs)  # type: ignore[arg-type]
        self._rows = 0

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self.call_after_refresh(self.redraw)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def on_resize(self) -> None:
        self.redraw()

    def _bindings_changed(self, _screen: Screen[object]) -> None:
        self.redraw()

    def redraw(self) -> None:
        width = self.content_size.width or self.app.size.width - 2
        key_style = self.get_component_rich_style("key-legend--key")
        label_style = self.get_component_rich_style("key-legend--label")
        dim = Style(dim=True)
        entries = [
            (
                Text(keys, style=key_style if enabled else key_style + dim),
                Text(label, style=label_style if enabled else label_style + dim),
            )
            for keys, label, enabled in legend_entries(self.screen)
        ]
        lines = wrap_entries(entries, max(width, 1))
        text = Text("\n").join(lines)
        if text == self.content:
            return
        layout = len(lines) != self._rows
        self._rows = len(lines)
        self.update(text, layout=layout)
