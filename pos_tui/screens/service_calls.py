"""The base the lane's and the back office's screens share: service calls on the database
thread, and refusals and hints said on the screen's message line and as a notification."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, ClassVar, TypeVar, cast

from textual.screen import Screen
from textual.widget import Widget

from pos_tui.screens.host import LaneHost, host_of
from pos_tui.services.runtime.faults import StorageFault, fault_of
from pos_tui.widgets.errors import ContainErrors

R = TypeVar("R")
T = TypeVar("T")
log = logging.getLogger(__name__)


def error_text(exc: BaseException) -> str:
    """The words of a refusal: its ``message`` when it has one."""
    return str(getattr(exc, "message", None) or exc)


def retryable(exc: BaseException) -> bool:
    """A refusal that is no fault of the request (a full disk, a lock held too long): the same
    call may be tried again as it is."""
    return bool(getattr(exc, "retry", False)) or fault_of(exc) is not None


def report_fault(app: LaneHost, exc: BaseException, doing: str, *, where: str = "screen") -> None:
    """A bug met in a screen while ``doing`` something: the app's one error handler
    (``PosApp.report_error``, widgets/errors.py) logs it and says so; never a rule's answer."""
    app.report_error(exc, where=f"{where}: {doing}")


class ServiceScreen(ContainErrors, Screen[R]):
    """A screen of the app that calls services: ``attempt``, ``refuse``, ``hint`` and ``fault``.

    A family of screens names the errors its users read (refusals; anything else is a bug,
    handed to ``fault`` without closing the screen), the widget of its message line (any
    widget with ``say(text, error=...)``), and itself for the log.

    A storage fault (disk full, a lock held past the busy timeout, read-only, I/O) is said in
    the words of :mod:`pos_tui.storage.errors` and keeps what failed: Enter runs it again
    (:meth:`retry_failed`, called by the screen's Enter).
    """

    USER_ERRORS: ClassVar[tuple[type[BaseException], ...]] = ()
    MESSAGE_LINE: ClassVar[type[Widget]] = Widget
    CALLS_FROM: ClassVar[str] = "screen"
    # What Enter tries again after a storage fault (None: nothing failed that way).
    retry_action: Callable[[], object] | None = None

    @property
    def pos(self) -> LaneHost:
        return host_of(self)

    def refuse(self, message: str, *, retry: Callable[[], object] | None = None) -> None:
        """A refusal: inline (if the screen has a message line) and as a notification.
        ``retry``: what Enter does next (the call that met a storage fault)."""
        self.retry_action = retry
        for line in self.query(self.MESSAGE_LINE):
            cast(Any, line).say(message, error=True)
        self.pos.say(message, title="Not saved" if retry else "Refused", severity="error")

    def retry_failed(self) -> bool:
        """Enter after a storage fault: the call that failed, once more. False: none waiting."""
        action, self.retry_action = self.retry_action, None
        if action is None:
            return False
        self.hint("Trying again…")
        action()
        return True

    def fault(self, exc: BaseException, doing: str) -> None:
        """A bug, not a refusal (``report_fault``); the message line points at the log."""
        report_fault(self.pos, exc, doing, where=self.CALLS_FROM)
        self.say_on_line(f"Unexpected error while {doing}: see the log", error=True)

    def hint(self, message: str) -> None:
        self.say_on_line(message)

    def say_on_line(self, message: str, *, error: bool = False) -> None:
        """On the screen's message line only (no notification)."""
        for line in self.query(self.MESSAGE_LINE):
            cast(Any, line).say(message, error=error)

    async def attempt(
        self,
        fn: Callable[..., T],
        *args: Any,
        retry: Callable[[], object] | None = None,
        refused: Callable[[str], object] | None = None,
        **kwargs: Any,
    ) -> tuple[bool, T | None]:
        """Call a service on the database thread; a refusal is shown and gives (False, None).
        ``retry``: what Enter runs when the call met a storage fault (usually the action that
        made it). ``refused``: gets the words of a refusal of the request itself (not a storage
        fault), after they are shown: a prompt opens again with what was typed."""
        try:
            return True, await self.pos.call_service(fn, *args, **kwargs)
        except self.USER_ERRORS as exc:
            again = retryable(exc)
            self.refuse(error_text(exc), retry=retry if again else None)
            if refused is not None and not again:
                refused(error_text(exc))
        except Exception as exc:
            fault = fault_of(exc)
            if fault is None:  # a bug: the one error policy says it, the screen goes on
                self.fault(exc, f"calling {getattr(fn, '__qualname__', fn)}")
            else:
                log.warning("%s service call: %s", self.CALLS_FROM, fault.detail)
                self.refuse(self.fault_text(fault), retry=retry)
        return False, None

    def fault_text(self, fault: StorageFault) -> str:
        """How this screen says a storage fault (the lane: "the sale is kept")."""
        return fault.message
