"""What every back office screen shares: the title bar, service calls off the UI thread,
refusals shown calmly, and the unsaved-changes guard on the way out."""

from __future__ import annotations

import logging
from typing import TypeVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from pos_tui.engine.errors import Refused
from pos_tui.screens.dialogs import ChoiceScreen
from pos_tui.screens.service_calls import ServiceScreen
from pos_tui.services.staff.auth import Employee
from pos_tui.widgets.safe import safe

R = TypeVar("R")
T = TypeVar("T")
log = logging.getLogger(__name__)
# Refusals a manager reads (a rule said no: every domain error is a Refused). Anything else,
# a stray ValueError included, is a bug: ServiceScreen.fault logs its traceback and says so.
USER_ERRORS: tuple[type[BaseException], ...] = (Refused,)
REQUIRED_ROLE = "supervisor"


class TitleBar(Static):
    """One line: where the manager is and who is signed in."""

    DEFAULT_CSS = """
    TitleBar { dock: top; height: 1; background: $primary; color: $text; padding: 0 1; }
    """


class StatusLine(Static):
    """The latest refusal or hint of a screen."""

    DEFAULT_CSS = """
    StatusLine { height: auto; padding: 0 1; }
    StatusLine.-error { color: $text-error; text-style: bold; }
    """

    def say(self, text: str, *, error: bool = False) -> None:
        self.set_class(error, "-error")
        self.update(Text("! ", style="bold").append_text(safe(text)) if error else safe(text))


class BackOfficePage(ServiceScreen[R]):
    """Base of the back office screens: Escape goes back (asking first if there are unsaved
    changes); service calls run on the database thread through ``app.call_service``."""

    BINDINGS = [Binding("escape", "back", "Back", id="backoffice.back")]
    TITLE_TEXT = "Back office"
    USER_ERRORS = USER_ERRORS
    MESSAGE_LINE = StatusLine
    CALLS_FROM = "back office"

    @property
    def employee(self) -> Employee | None:
        return self.pos.employee

    @property
    def employee_id(self) -> int | None:
        return self.employee.id if self.employee else None

    def title_bar(self, subtitle: str = "") -> TitleBar:
        who = self.pos.who()
        text = f"Back office · {self.TITLE_TEXT}" + (f" · {subtitle}" if subtitle else "")
        return TitleBar(safe(f"{text} · {who}"), id="title-bar")

    def compose_title(self) -> ComposeResult:
        yield self.title_bar()

    def set_subtitle(self, subtitle: str) -> None:
        for bar in self.query(TitleBar):
            bar.update(safe(f"Back office · {self.TITLE_TEXT} · {subtitle} · {self.pos.who()}"))

    # -- leaving -------------------------------------------------------------------------------
    def is_dirty(self) -> bool:
        """Whether leaving would lose changes; forms override this."""
        return False

    async def save_before_leaving(self) -> bool:
        """Save for the guard; True when saved. Forms override this."""
        return True

    def action_back(self) -> None:
        if not self.is_dirty():
            self.dismiss(None)
            return

        async def chosen(choice: str | None) -> None:
            if choice == "discard" or (choice == "save" and await self.save_before_leaving()):
                self.dismiss(None)

        self.app.push_screen(
            ChoiceScreen(
                "Unsaved changes",
                "This form has changes that are not saved.",
                [
                    ("save", "Save and go back"),
                    ("discard", "Discard the changes"),
                    ("stay", "Keep editing"),
                ],
            ),
            chosen,
        )
