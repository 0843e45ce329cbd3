"""The checkout's entry: an ``Input`` whose text never changes its size."""

from __future__ import annotations

from textual.geometry import Size
from textual.reactive import Reactive
from textual.widgets import Input


class EntryInput(Input):
    """An ``Input`` of a size set by the layout alone (``width: 1fr``), whatever it holds.

    Textual's ``Input`` sets its virtual size (the width of its text) on every change of its
    value, and the virtual size of a widget asks for a layout pass of the whole screen: one per
    key typed, and one more per scan when Enter clears the entry. The entry's region never
    depends on its text, so here the virtual size only repaints the entry; the horizontal
    scroll of a long text still follows it (``max_scroll_x`` reads it directly).
    """

    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)
