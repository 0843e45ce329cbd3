"""What the lane told the cashier: the recent notices, and where each one was shown.

At the checkout every notice (a device error, "Sale resumed", a sale committed, a shift or
printer notice) is said on the message line under the entry instead of as a toast: at 80x24 a
toast (5 s, bottom right) sits over the customer panel and the totals. On every other screen a
notice stays a toast. Toasts still on screen when the checkout comes back (the sign-in's device
errors, "Enrolled ..." said by a form as it closes) move onto the message line.

Several notices at once: the line shows the newest and says how many more there are
(``· 2 more: F1``); F1 lists the recent ones, newest first, with their time, above the keys.
The screen's own words on what the cashier just did are never replaced by a notice (a printer
error arriving as the shift opens): F1 lists it, and an error shows at the next key.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from itertools import count
from typing import Any, Literal

from rich.text import Text

from pos_tui.text import plain

Severity = Literal["information", "warning", "error"]
Shown = Literal["toast", "line"]

# How many notices F1 lists (the newest); the log keeps a few more for tests and the palette.
HELP_ROWS = 6
KEPT = 50

_numbers = count(1)


@dataclass(slots=True)
class Notice:
    """One notice: its words (plain text, never markup), its title and severity, when it was
    said (the lane's clock), where it was shown, and until when a toast stays on screen."""

    text: str
    title: str
    severity: Severity
    at: datetime
    shown: Shown
    until: float = 0.0  # a toast's end (monotonic seconds); 0 for a line
    number: int = field(default_factory=lambda: next(_numbers))

    @property
    def error(self) -> bool:
        """Marked as an error where it is shown ("! " and bold on the message line): a
        warning too, so it is never read as a mere hint."""
        return self.severity != "information"

    def line(self) -> str:
        """The words on the message line: ``Printer: no such device``."""
        return f"{self.title}: {self.text}" if self.title else self.text


class NoticeLog:
    """The lane's recent notices (newest last), and the toasts that may still be on screen."""

    def __init__(self, keep: int = KEPT) -> None:
        self._notices: deque[Notice] = deque(maxlen=keep)
        # Notices put on the message line since the cashier's last key: the line shows the
        # newest and how many came with it; and the words last put there (to tell them from
        # what the screen itself wrote).
        self.on_line_since_key = 0
        self.last_line = ""
        # An error that found the screen's own words on the line: shown at the next key.
        self.held_error: Notice | None = None

    def add(self, notice: Notice) -> Notice:
        self._notices.append(notice)
        return notice

    def __iter__(self) -> Any:
        return iter(list(self._notices))

    def recent(self, limit: int = HELP_ROWS) -> list[Notice]:
        """The newest ``limit`` notices, newest first."""
        return list(reversed(self._notices))[:limit]

    def live_toasts(self, now: float) -> list[Notice]:
        """Toasts shown and not timed out yet (oldest first)."""
        return [n for n in self._notices if n.shown == "toast" and n.until > now]

    def key_arrived(self) -> Notice | None:
        """A key: the count starts again; the error held back, if any, to show now."""
        held, self.held_error = self.held_error, None
        self.on_line_since_key = 0
        return held


def plain_message(message: str, markup: bool) -> str:
    """A notice's words as plain text: Textual's own notices may carry markup; ours never."""
    if markup:
        from textual.content import Content

        message = Content.from_markup(message).plain
    return plain(message)


def line_text(notice: Notice, more: int, width: int) -> str:
    """The notice for a message line of ``width`` cells; with ``more`` notices said with it,
    ``· N more: F1`` at the end, the words cut (…) so that it stays on the line."""
    text = notice.line()
    if more <= 0:
        return text
    suffix = f" · {more} more: F1"
    room = width - len(suffix) - (2 if notice.error else 0)  # "! " before an error
    if room > 1 and len(text) > room:
        text = text[: room - 1] + "…"
    return text + suffix


def _plain(shown: object) -> str:
    text = getattr(shown, "plain", None)
    return text if isinstance(text, str) else str(shown)


def said_already(shown: object, notice: Notice) -> bool:
    """The line shows these words already: the screen said them inline itself (a refusal
    is said on the line and as a notice)."""
    return bool(notice.text) and notice.text in _plain(shown)


def takes_the_line(shown: object, resting: str, last_notice: str) -> bool:
    """Whether a notice may replace what a message line shows now: not the screen's own
    outcome of the cashier's last action (``Shift open with a float of 500.00``, ``Back to
    Cass: the same sale``), which the cashier is reading; a notice arriving then is listed in
    F1 and counted by the next one on the line, and an error shows at the next key."""
    return _plain(shown).removeprefix("! ") in (resting, last_notice)


def notice_rows(notices: Iterable[Notice]) -> list[tuple[Text, Text, Text]]:
    """(time, title, words) for F1's list: an error or warning is marked ``!`` in bold, so it
    reads the same under NO_COLOR."""
    rows = []
    for notice in notices:
        mark = "! " if notice.error else "  "
        style = "bold" if notice.error else ""
        rows.append(
            (
                Text(notice.at.strftime("%H:%M:%S")),
                Text(mark + plain(notice.title), style=style),
                Text(notice.text, style=style),
            )
        )
    return rows
