"""The till at the lane: open a shift with its float, count the drawer, read X and Z reports,
preview a receipt. The checkout's Ctrl+S menu (``screens/shift_menu.py``) leads here."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Label, Static

from pos_tui.screens.dialogs import focus_selected
from pos_tui.screens.host import LaneHost, host_of
from pos_tui.screens.lane import USER_ERRORS, LaneScreen, MessageLine
from pos_tui.screens.service_calls import error_text
from pos_tui.services.shifts.counts import (
    Count,
    by_denomination,
    denomination_keys,
    one_amount,
)
from pos_tui.services.shifts.report_text import as_text, report_lines
from pos_tui.services.shifts.service import Report
from pos_tui.widgets.safe import safe

REPORT_WIDTH = 48


class CountScreen(ModalScreen[Count | None]):
    """Count money: one amount, or pieces per denomination of the currency config (Enter moves
    on, Enter on the last accepts). A bad count is refused here, saying why; Escape cancels."""

    DEFAULT_CSS = """
    CountScreen { align: center middle; }
    CountScreen > Vertical {
        width: 64; max-width: 100%; height: auto; max-height: 100%;
        border: round $accent; padding: 0 1; background: $surface;
    }
    CountScreen .count-title { text-style: bold; }
    CountScreen Grid { grid-size: 4; grid-columns: 8 1fr 8 1fr; height: auto; }
    CountScreen Grid Label { padding: 1 1 0 0; text-align: right; width: 100%; }
    CountScreen #count-error { height: auto; text-style: bold; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="count.cancel")]

    def __init__(self, title: str, message: str, *, by_pieces: bool, amount: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.message = message
        self.by_pieces = by_pieces
        self.amount = amount

    @property
    def pos(self) -> LaneHost:
        return host_of(self)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(safe(self.title_text), classes="count-title")
            yield Static(safe(self.message), id="count-message")
            if self.by_pieces:
                with Grid():
                    for key in denomination_keys(self.pos.settings):
                        yield Label(key)
                        yield Input(
                            placeholder="0", restrict=r"[0-9]*", id=f"n-{key.replace('.', '_')}"
                        )
            else:
                yield Input(value=self.amount, restrict=r"[0-9.,]*", id="amount")
            yield Static("", id="count-error")
        yield Footer()

    def on_mount(self) -> None:
        focus_selected(self.query(Input).first())

    def action_cancel(self) -> None:
        self.dismiss(None)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        inputs = list(self.query(Input))
        index = inputs.index(event.input)
        if index + 1 < len(inputs):
            focus_selected(inputs[index + 1])
            return
        try:
            count = self._count(inputs)
        except USER_ERRORS as exc:
            self.query_one("#count-error", Static).update(safe(f"! {error_text(exc)}"))
            return
        self.dismiss(count)

    def _count(self, inputs: list[Input]) -> Count:
        settings = self.pos.settings
        if not self.by_pieces:
            return one_amount(settings, inputs[0].value)
        pieces = {
            key: widget.value
            for key, widget in zip(denomination_keys(settings), inputs, strict=True)
        }
        return by_denomination(settings, pieces)


class ReportScreen(LaneScreen[None]):
    """An X or Z report on screen, every figure; F6 prints an X (a Z is printed as it is
    sealed, F6 prints a copy)."""

    DEFAULT_CSS = """
    ReportScreen #report-body { height: 1fr; border: round $secondary; padding: 0 1; }
    ReportScreen #report-text { width: auto; }
    """
    BINDINGS = [
        Binding("f6", "print_report", "Print", id="report.print"),
        Binding("escape", "back", "Back", id="report.back"),
        Binding("up", "scroll(-1)", "Up", id="report.up", show=False),
        Binding("down", "scroll(1)", "Down", id="report.down", show=False),
        Binding("pageup", "scroll(-10)", "Page up", id="report.page_up", show=False),
        Binding("pagedown", "scroll(10)", "Page down", id="report.page_down", show=False),
    ]

    def __init__(self, report: Report) -> None:
        super().__init__()
        self.report = report

    def compose(self) -> ComposeResult:
        yield self.lane_bar()
        kind = self.report.kind
        hint = "F6 print · Esc back" if kind == "X" else "Shift closed · F6 copy · Esc sign out"
        yield MessageLine(hint, id="message")
        with VerticalScroll(id="report-body"):
            text = as_text(report_lines(self.report.data), REPORT_WIDTH)
            yield Static(Text(text), id="report-text")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        body = self.query_one("#report-body", VerticalScroll)
        body.border_title = "X report" if self.report.kind == "X" else "Z report"
        body.focus()

    def action_scroll(self, lines: int) -> None:
        body = self.query_one("#report-body", VerticalScroll)
        body.scroll_relative(y=lines, animate=False)

    def action_print_report(self) -> None:
        self.run_worker(self._print(), group="report")

    async def _print(self) -> None:
        from pos_tui.services.shifts.service import ShiftService

        svc = ShiftService(self.pos.backend)
        if self.report.kind == "X":
            ok, _ = await self.attempt(svc.x_report, self.pos_employee(), print_it=True)
            said = "X report queued for the printer"
        else:
            ok, _ = await self.attempt(svc.reprint, int(self.report.sale_id or 0))
            said = "Copy of the Z report queued for the printer"
        if ok:
            self.hint(said)
            self.pos.say(said, title="Report")
            self.pos.kick_printing()

    def action_back(self) -> None:
        self.dismiss(None)


class PreviewScreen(ModalScreen[None]):
    """A receipt on screen as the paper shows it; F7 e-mails it to a customer who opted in;
    Escape closes."""

    DEFAULT_CSS = """
    PreviewScreen { align: center middle; }
    PreviewScreen > VerticalScroll {
        width: 54; max-width: 100%; height: 90%; border: round $accent; background: $surface;
        padding: 0 1;
    }
    """
    BINDINGS = [
        Binding("escape", "close", "Close", id="preview.close"),
        Binding("f7", "email", "E-mail", id="preview.email"),
        Binding("up", "scroll(-1)", "Up", id="preview.up", show=False),
        Binding("down", "scroll(1)", "Down", id="preview.down", show=False),
    ]

    def __init__(self, title: str, text: str, sale_id: int | None = None) -> None:
        super().__init__()
        self.title_text = title
        self.text = text
        self.sale_id = sale_id

    @property
    def pos(self) -> LaneHost:
        return host_of(self)

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="preview-body"):
            yield Static(Text(self.text), id="preview-text")
        yield Static("", id="preview-status")
        yield Footer()

    def action_email(self) -> None:
        if self.sale_id is not None:
            self.run_worker(self._email(self.sale_id), group="preview")

    async def _email(self, sale_id: int) -> None:
        from pos_tui.services.checkout.email_receipt import email_receipt

        employee = self.pos.employee
        if employee is None:
            return
        status = self.query_one("#preview-status", Static)
        try:
            said = await self.pos.call_service(email_receipt, self.pos.backend, sale_id, employee)
        except USER_ERRORS as exc:
            status.update(safe(f"! {error_text(exc)}"))
            self.pos.say(error_text(exc), title="E-mail", severity="error")
            return
        status.update(safe(said))
        self.pos.say(said, title="E-mail")

    def on_mount(self) -> None:
        body = self.query_one("#preview-body", VerticalScroll)
        body.border_title = self.title_text
        body.focus()

    def action_scroll(self, lines: int) -> None:
        self.query_one("#preview-body", VerticalScroll).scroll_relative(y=lines, animate=False)

    def action_close(self) -> None:
        self.dismiss(None)
