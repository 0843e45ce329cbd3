"""Sign-in: employee number and PIN. Also the lock screen (F10 on the lane)."""

from __future__ import annotations

from importlib import import_module

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Vertical
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Input, Label, Static

from pos_tui.screens.host import LaneHost, host_of
from pos_tui.services.runtime.faults import StorageFault
from pos_tui.services.staff.auth import AuthError, AuthLocked, AuthService, Employee
from pos_tui.services.staff.lockout import Lock, wait_text
from pos_tui.widgets.errors import ContainErrors
from pos_tui.widgets.lane_bar import LaneBar
from pos_tui.widgets.safe import safe


class SignInScreen(ContainErrors, Screen[None]):
    """Ask for an employee number and PIN. With ``locked_by`` set this is the lock screen: only
    that employee or a supervisor unlocks it, and the sale underneath stays the cashier's."""

    DEFAULT_CSS = """
    SignInScreen { align: center middle; }
    SignInScreen #sign-in-box {
        width: 46; height: auto; border: round $primary; padding: 0 2;
    }
    SignInScreen #sign-in-title { text-style: bold; margin-bottom: 1; }
    SignInScreen Input { margin-bottom: 0; }
    SignInScreen #sign-in-error { height: auto; min-height: 1; text-style: bold; }
    SignInScreen #sign-in-lock { height: auto; display: none; margin-bottom: 1; }
    SignInScreen #sign-in-lock.-locked { display: block; }
    """
    BINDINGS = [
        Binding("escape", "clear", "Clear", id="sign_in.clear"),
        # Enter in the employee number moves to the PIN before the next key is delivered
        # (a priority binding runs as the key arrives; an input's submit message comes later),
        # so a PIN typed ahead never lands in the number, however busy the lane is.
        Binding("enter", "to_pin", "PIN", show=False, priority=True),
        Binding("f4", "supervisor_clear", "Supervisor clears", id="sign_in.clear_lock"),
    ]

    def __init__(self, *, locked_by: str | None = None) -> None:
        super().__init__()
        self.locked_by = locked_by
        # The lockout shown (too many wrong PINs), counting down on the lane's clock.
        self.lockout: Lock | None = None
        self._wait_timer: Timer | None = None

    @property
    def pos(self) -> LaneHost:
        return host_of(self)

    def compose(self) -> ComposeResult:
        s = self.pos.settings.lane
        yield LaneBar(s.id, s.store_id, self.pos.who(), self.pos.backend.now)
        title = "LOCKED: sign in to continue" if self.locked_by else "Sign in"
        with Center(), Vertical(id="sign-in-box"):
            yield Label(Text(title), id="sign-in-title")
            if self.locked_by and self.pos.employee is not None:
                yield Static(
                    safe(f"Locked by {self.pos.employee.name}; or a supervisor may unlock"),
                    id="locked-by",
                )
            yield Input(placeholder="Employee number", id="number", restrict=r"[0-9A-Za-z]*")
            yield Input(placeholder="PIN", id="pin", password=True, restrict=r"[0-9]*")
            yield Static("", id="sign-in-error", classes="error")
            yield Static("", id="sign-in-lock")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#number", Input).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "to_pin":  # elsewhere Enter goes on to the focused input
            return self.focused is not None and self.focused.id == "number"
        if action == "supervisor_clear":  # offered only while a lockout is shown
            return self.lockout is not None
        return True

    def action_to_pin(self) -> None:
        self.set_focus(self.query_one("#pin", Input))
        # Load the checkout (engine, services, widgets) while the PIN is typed: keys typed
        # meanwhile wait in order, and the checkout shows as soon as the PIN is checked.
        self.call_after_refresh(import_module, "pos_tui.screens.checkout")

    def action_clear(self) -> None:
        for widget in self.query(Input):
            widget.value = ""
        self.query_one("#sign-in-error", Static).update("")
        self.query_one("#number", Input).focus()

    async def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id != "pin":
            return
        number = self.query_one("#number", Input).value
        pin = self.query_one("#pin", Input).value
        error = self.query_one("#sign-in-error", Static)
        try:
            employee = await self.pos.call_service(
                AuthService(self.pos.backend).sign_in, number, pin
            )
        except AuthError as exc:
            self.query_one("#pin", Input).value = ""
            self.query_one("#number", Input).focus()
            if isinstance(exc, AuthLocked):
                error.update("")
                self.show_lock(exc.lock)
            else:
                error.update(safe(str(exc)))
            return
        except StorageFault as exc:  # the sign-in's audit row not written: Enter tries again
            error.update(safe(exc.message))
            return
        self.show_lock(None)
        if self.locked_by:
            if employee.number != self.locked_by and not employee.at_least("supervisor"):
                error.update("Only the cashier who locked the lane or a supervisor may unlock it")
                self.query_one("#pin", Input).value = ""
                return
            if employee.number != self.locked_by:
                self.pos.say(f"Unlocked by {employee.name}", title="Lane")
            self.dismiss()
            return
        from pos_tui.screens.checkout import CheckoutScreen
        from pos_tui.services.checkout.sale import Checkout

        # Built on the database thread like every service call: it reads the catalog.
        try:
            co = await self.pos.call_service(Checkout, self.pos.backend, employee)
        except StorageFault as exc:
            error.update(safe(exc.message))
            return
        self.pos.signed_in(employee)
        self.app.switch_screen(CheckoutScreen(co))

    # -- lockout -------------------------------------------------------------------------------
    def show_lock(self, lock: Lock | None) -> None:
        """Show a lockout and count its wait down (None: hide it)."""
        self.lockout = lock
        if self._wait_timer is not None:
            self._wait_timer.stop()
            self._wait_timer = None
        if lock is not None:
            self._wait_timer = self.set_interval(1, self.show_wait, name="sign-in-lock")
        self.show_wait()
        self.refresh_bindings()

    def show_wait(self) -> None:
        """The lockout panel as of the lane's clock (the timer calls this every second)."""
        panel = self.query_one("#sign-in-lock", Static)
        lock = self.lockout
        seconds = lock.seconds_left(self.pos.backend.now()) if lock is not None else 0
        if lock is None or seconds <= 0:
            if lock is not None:
                self.query_one("#sign-in-error", Static).update("You may try again now")
                self.show_lock(None)
            panel.set_class(False, "-locked")
            return
        text = Text("LOCKED", style="bold reverse")
        text.append(" too many wrong PINs", style="bold")
        text.append(f"\nTry again in {wait_text(seconds)}")
        text.append("\nF4  a supervisor clears the lock")
        panel.update(text)
        panel.set_class(True, "-locked")

    def action_supervisor_clear(self) -> None:
        lock = self.lockout
        if lock is None:
            return
        from pos_tui.screens.supervisor import SupervisorScreen

        async def approved(who: Employee | None) -> None:
            if who is None or self.lockout is not lock:
                return
            error = self.query_one("#sign-in-error", Static)
            try:
                await self.pos.call_service(AuthService(self.pos.backend).clear_lock, lock, who)
            except AuthError as exc:
                error.update(safe(str(exc)))
                return
            self.show_lock(None)
            error.update(safe(f"Lock cleared by {who.name}: sign in"))
            self.query_one("#number", Input).focus()

        self.app.push_screen(
            SupervisorScreen("Sign-in locked after too many wrong PINs", reason="clear lockout"),
            approved,
        )
