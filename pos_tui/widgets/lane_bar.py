"""The bar along the top of every lane screen: lane, store, who is signed in, and the time."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from rich.text import Text
from textual.widgets import Static

from pos_tui.widgets.safe import safe


class LaneBar(Static):
    """Always-visible identity of the lane. The cashier's name comes from the database, so it
    is shown through :func:`safe`."""

    DEFAULT_CSS = """
    LaneBar {
        dock: top;
        height: 1;
        padding: 0 1;
        background: $primary;
        color: $text;
        text-style: bold;
    }
    """

    def __init__(
        self, lane: str, store: str, who: str, now: Callable[[], datetime], **kwargs: object
    ) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.lane = lane
        self.store = store
        self.who = who
        self._now = now
        self.waiting = 0  # print jobs not printed (from the app's print worker)
        # Head office sync ("online · queued 0 · synced 10:31"); empty when sync is off.
        self.sync = ""

    def on_mount(self) -> None:
        self.waiting = int(getattr(self.app, "print_waiting", 0) or 0)
        self.sync = str(getattr(self.app, "sync_line", "") or "")
        self.set_interval(30, self.refresh_bar)
        self.refresh_bar()

    def set_waiting(self, count: int) -> None:
        if count != self.waiting:
            self.waiting = count
            self.refresh_bar()

    def set_sync(self, line: str) -> None:
        if line != self.sync:
            self.sync = line
            self.refresh_bar()

    def refresh_bar(self) -> None:
        now = self._now()
        stamp = now.strftime("%Y-%m-%d %H:%M")
        left = Text(f"Lane {self.lane} · Store {self.store} · ")
        left.append_text(safe(self.who))
        if self.waiting:
            plural = "s" if self.waiting != 1 else ""
            left.append(" · ")
            left.append(f"{self.waiting} receipt{plural} waiting", style="reverse")
        width = max(self.size.width - 2, 0)
        right = stamp
        if self.sync:
            # The sync state first; the clock as room allows.
            options = [f"{self.sync} · {stamp}", f"{self.sync} · {now:%H:%M}", self.sync]
            room = width - len(left.plain) - 1
            right = next((o for o in options if len(o) <= room), options[-1])
        gap = max(width - len(left.plain) - len(right), 1)
        left.append(" " * gap + right)
        self.update(left)

    def on_resize(self) -> None:
        self.refresh_bar()
