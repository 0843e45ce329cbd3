"""Every notice of the lane (ours and Textual's): kept in ``notices`` (F1 lists the recent
ones); at the checkout said on its message line, elsewhere a toast (screens/notices.py)."""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING, Any

from textual.message import Message
from textual.notifications import SeverityLevel
from textual.screen import Screen

from pos_tui.app_parts.base import LaneAppBase, checkout_or_none
from pos_tui.text import plain

if TYPE_CHECKING:
    from pos_tui.screens.checkout import CheckoutScreen
    from pos_tui.screens.lane import MessageLine
    from pos_tui.screens.notices import Notice


class NoticesOnLine(LaneAppBase):
    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every notice of the lane (ours and Textual's): kept in ``notices`` (F1 lists the
        recent ones); at the checkout said on its message line, elsewhere a toast
        (screens/notices.py). Thread-safe, as Textual's: from another thread it is posted."""
        said = (message, title, severity, timeout, markup)
        if threading.get_ident() != getattr(self, "_thread_id", None):
            self.post_message(self.Said(said))
            return
        self._said(*said)

    class Said(Message):
        """A notice said on another thread, to be shown from the app's own."""

        def __init__(self, said: tuple[str, str, SeverityLevel, float | None, bool]) -> None:
            super().__init__()
            self.said = said

    def on_notices_on_line_said(self, event: NoticesOnLine.Said) -> None:
        self._said(*event.said)

    def _said(
        self,
        message: str,
        title: str,
        severity: SeverityLevel,
        timeout: float | None,
        markup: bool,
    ) -> None:
        from pos_tui.screens.notices import Notice, plain_message

        notice = Notice(
            plain_message(message, markup), plain(title), severity, self.backend.now(), "line"
        )
        checkout = self._checkout_on_top()
        if checkout is not None and self._on_line(checkout, notice):
            return
        seconds = self.NOTIFICATION_TIMEOUT if timeout is None else timeout
        notice.shown, notice.until = "toast", time.monotonic() + seconds
        self.notices.add(notice)
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)

    def _on_line(self, checkout: CheckoutScreen, notice: Notice) -> bool:
        """Say a notice on the checkout's message line (False: it has none yet)."""
        from pos_tui.screens.lane import MessageLine

        lines = list(checkout.query(MessageLine))
        if not lines:
            return False
        self._show_on(lines, self.notices.add(notice))
        return True

    def _show_on(self, lines: list[MessageLine], notice: Notice, *, newer: bool = False) -> None:
        """``newer``: the notice is newer than what the line shows (a toast already seen, an
        error held back until this key), so it takes the line whatever the line says."""
        from pos_tui.screens.notices import line_text, said_already, takes_the_line

        log = self.notices
        for line in lines:
            if said_already(line.content, notice):
                continue  # the same words twice: the screen said them inline
            if not newer and not takes_the_line(line.content, line.resting, log.last_line):
                log.on_line_since_key += 1  # the screen's own words stay; F1 lists it
                if notice.error:
                    log.held_error = notice
                continue
            more = log.on_line_since_key
            log.on_line_since_key += 1
            width = line.content_region.width or self.size.width - 2
            log.last_line = line_text(notice, more, width)
            line.say(log.last_line, error=notice.error)

    def _notice_key_arrived(self) -> None:
        """A key: an error held back from the checkout's message line takes it now."""
        held = self.notices.key_arrived()
        checkout = self._checkout_on_top() if held is not None else None
        if held is not None and checkout is not None:
            from pos_tui.screens.lane import MessageLine

            self._show_on(list(checkout.query(MessageLine)), held, newer=True)

    def _screen_changed(self, screen: Screen[Any]) -> None:
        """The checkout on top again: the toasts still on screen move onto its message line
        (the sign-in's device errors, what a closing form said), newest shown."""
        checkout = checkout_or_none(screen)
        if checkout is not None:
            if checkout.is_mounted:
                self._take_toasts(checkout)
            else:  # a checkout just pushed: its message line is there after its first frame
                checkout.call_after_refresh(self._take_toasts, checkout)

    def _take_toasts(self, checkout: CheckoutScreen) -> None:
        from pos_tui.screens.lane import MessageLine

        live = self.notices.live_toasts(time.monotonic())
        lines = list(checkout.query(MessageLine))
        if not live or not lines or self.screen is not checkout:
            return
        self.clear_notifications()
        self.notices.on_line_since_key = 0
        for notice in live:
            notice.shown, notice.until = "line", 0.0
            self._show_on(lines, notice, newer=True)
