"""The base the lane's and the back office's screens share: service calls on the database
thread, and refusals and hints said on the screen's message line and as a notification."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar, cast

from textual.screen import Screen
from textual.widget import Widget

if TYPE_CHECKING:
    from pos_tui.app import PosApp

R = TypeVar("R")
T = TypeVar("T")
log = logging.getLogger(__name__)


def error_text(exc: BaseException) -> str:
    """The words of a refusal: its ``message`` when it has one."""
    return str(getattr(exc, "message", None) or exc)


class ServiceScreen(Screen[R]):
    """A screen of the app that calls services: ``attempt``, ``refuse`` and ``hint``.

    A family of screens names the errors its users read (anything else is a bug: logged and
    reported without closing the screen), the widget of its message line (any widget with
    ``say(text, error=...)``), and itself for the log.
    """

    USER_ERRORS: ClassVar[tuple[type[BaseException], ...]] = ()
    MESSAGE_LINE: ClassVar[type[Widget]] = Widget
    CALLS_FROM: ClassVar[str] = "screen"

    @property
    def pos(self) -> PosApp:
        return cast("PosApp", self.app)

    def refuse(self, message: str) -> None:
        """A refusal: inline (if the screen has a message line) and as a notification."""
        for line in self.query(self.MESSAGE_LINE):
            cast(Any, line).say(message, error=True)
        self.pos.say(message, title="Refused", severity="error")

    def hint(self, message: str) -> None:
        for line in self.query(self.MESSAGE_LINE):
            cast(Any, line).say(message)

    async def attempt(
        self, fn: Callable[..., T], *args: Any, **kwargs: Any
    ) -> tuple[bool, T | None]:
        """Call a service on the database thread; a refusal is shown and gives (False, None)."""
        try:
            return True, await self.pos.call_service(fn, *args, **kwargs)
        except self.USER_ERRORS as exc:
            self.refuse(error_text(exc))
        except Exception as exc:  # a bug must not close the screen, nor lose a sale
            log.exception("%s service call failed", self.CALLS_FROM)
            self.refuse(f"Unexpected error: {exc}")
        return False, None
