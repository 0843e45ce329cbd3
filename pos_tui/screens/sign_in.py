"""Sign-in: employee number and PIN. Also serves as the lock screen."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Input, Label, Static

from pos_tui.services.auth import AuthError, AuthService

if TYPE_CHECKING:
    from pos_tui.app import PosApp


class SignInScreen(Screen[None]):
    """Ask for an employee number and PIN; with ``locked_by`` set, only that employee (or a
    supervisor) may unlock."""

    DEFAULT_CSS = """
    SignInScreen { align: center middle; }
    SignInScreen #sign-in-box {
        width: 44; height: auto; border: round $primary; padding: 1 2;
    }
    SignInScreen Input { margin-bottom: 1; }
    SignInScreen #sign-in-error { height: auto; min-height: 1; }
    """
    BINDINGS = [Binding("escape", "clear", "Clear", id="sign_in.clear")]

    def __init__(self, *, locked_by: str | None = None) -> None:
        super().__init__()
        self.locked_by = locked_by

    @property
    def pos(self) -> PosApp:
        return cast("PosApp", self.app)

    def compose(self) -> ComposeResult:
        settings = self.pos.settings
        title = "Locked — sign in to continue" if self.locked_by else "Sign in"
        with Center(), Vertical(id="sign-in-box"):
            yield Label(title, id="sign-in-title")
            yield Static(f"Lane {settings.lane.id} · Store {settings.lane.store_id}", markup=False)
            yield Input(placeholder="Employee number", id="number", restrict=r"[0-9A-Za-z]*")
            yield Input(placeholder="PIN", id="pin", password=True, restrict=r"[0-9]*")
            yield Static("", id="sign-in-error", classes="error", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#number", Input).focus()

    def action_clear(self) -> None:
        for widget in self.query(Input):
            widget.value = ""
        self.query_one("#number", Input).focus()

    async def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "number":
            self.query_one("#pin", Input).focus()
            return
        number = self.query_one("#number", Input).value
        pin = self.query_one("#pin", Input).value
        error = self.query_one("#sign-in-error", Static)
        try:
            employee = await self.pos.call_service(
                AuthService(self.pos.backend).sign_in, number, pin
            )
        except AuthError as exc:
            error.update(str(exc))
            self.query_one("#pin", Input).value = ""
            return
        if (
            self.locked_by
            and employee.number != self.locked_by
            and not employee.at_least("supervisor")
        ):
            error.update("Only the cashier who locked the lane or a supervisor may unlock it")
            return
        self.pos.employee = employee
        from pos_tui.screens.lane import LaneScreen

        if self.locked_by:
            self.dismiss()
        else:
            self.app.switch_screen(LaneScreen())
