"""A supervisor's number and PIN to lift a refusal (discount over limit, credit, price)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Label, Static

from pos_tui.screens.host import LaneHost, host_of
from pos_tui.services.staff.auth import AuthError, AuthService, Employee
from pos_tui.widgets.errors import ContainErrors
from pos_tui.widgets.safe import safe


class SupervisorScreen(ContainErrors, ModalScreen[Employee | None]):
    """Shows why the lane refused and asks for a supervisor; ``AuthService.authorize`` checks
    the PIN and writes the override to the audit log. Dismisses with the approver or None."""

    DEFAULT_CSS = """
    SupervisorScreen { align: center middle; }
    SupervisorScreen > Vertical {
        width: 60; max-width: 100%; height: auto; border: heavy $warning; padding: 0 1;
        background: $surface;
    }
    SupervisorScreen #why { margin-bottom: 1; }
    SupervisorScreen #supervisor-error { height: auto; text-style: bold; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="supervisor.cancel")]

    def __init__(
        self,
        refusal: str,
        *,
        reason: str,
        role: str = "supervisor",
        open_sale_id: int | None = None,
        heading: str | None = None,
    ) -> None:
        super().__init__()
        self.heading = heading or f"{role.upper()} APPROVAL NEEDED"
        self.refusal = refusal
        self.reason = reason
        self.role = role
        # The sale the approval is for (its audit row names it), if one is open.
        self.open_sale_id = open_sale_id

    @property
    def pos(self) -> LaneHost:
        return host_of(self)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(self.heading, style="bold"))
            yield Static(safe(self.refusal), id="why")
            yield Input(placeholder="Supervisor number", id="sup-number", restrict=r"[0-9A-Za-z]*")
            yield Input(placeholder="PIN", id="sup-pin", password=True, restrict=r"[0-9]*")
            yield Static("", id="supervisor-error")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#sup-number", Input).focus()

    def action_cancel(self) -> None:
        self.dismiss(None)

    async def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "sup-number":
            self.query_one("#sup-pin", Input).focus()
            return
        number = self.query_one("#sup-number", Input).value
        pin = self.query_one("#sup-pin", Input).value
        try:
            who = await self.check(number, pin)
        except AuthError as exc:
            self.query_one("#supervisor-error", Static).update(safe(f"! {exc}"))
            self.query_one("#sup-pin", Input).value = ""
            self.query_one("#sup-number", Input).focus()
            return
        self.dismiss(who)

    async def check(self, number: str, pin: str) -> Employee:
        """The number and PIN checked and audited (an override, by default)."""
        auth = AuthService(self.pos.backend)
        return await self.pos.call_service(
            auth.authorize,
            number,
            pin,
            role=self.role,
            reason=self.reason,
            open_sale_id=self.open_sale_id,
        )
