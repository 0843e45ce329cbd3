"""Quick enrol at the lane: first and last name and mobile (optionally the card just read)."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Label, Static

from pos_tui.hardware.events import mask_card
from pos_tui.screens.host import LaneHost, host_of
from pos_tui.services.customers.fields import FieldError
from pos_tui.services.customers.service import CustomerService
from pos_tui.widgets.errors import ContainErrors
from pos_tui.widgets.safe import safe

_FIELDS = (("first_name", "First name"), ("last_name", "Last name"), ("mobile", "Mobile"))


class EnrolScreen(ContainErrors, ModalScreen[int | None]):
    """Creates the customer with the store's defaults (``CustomerService.create``) and
    dismisses with the new id; a refused field is named and focused."""

    DEFAULT_CSS = """
    EnrolScreen { align: center middle; }
    EnrolScreen > Vertical {
        width: 60; max-width: 100%; height: auto; border: round $accent; padding: 0 1;
        background: $surface;
    }
    EnrolScreen #enrol-title { text-style: bold; }
    EnrolScreen #enrol-error { height: auto; text-style: bold; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="enrol.cancel")]

    def __init__(self, *, card_number: str | None = None) -> None:
        super().__init__()
        self.card_number = card_number

    @property
    def pos(self) -> LaneHost:
        return host_of(self)

    def compose(self) -> ComposeResult:
        with Vertical():
            title = "Enrol a new customer"
            if self.card_number:
                title += f" with card {mask_card(self.card_number)}"
            yield Label(safe(title), id="enrol-title")
            for name, label in _FIELDS:
                yield Label(Text(label))
                yield Input(id=f"enrol-{name}")
            yield Static("", id="enrol-error")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#enrol-first_name", Input).focus()

    def action_cancel(self) -> None:
        self.dismiss(None)

    async def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        inputs = list(self.query(Input))
        index = inputs.index(event.input)
        if index + 1 < len(inputs):
            inputs[index + 1].focus()
            return
        data: dict[str, Any] = {
            name: self.query_one(f"#enrol-{name}", Input).value.strip() for name, _ in _FIELDS
        }
        if not data["mobile"]:
            self.query_one("#enrol-error", Static).update("! A mobile number is needed to enrol")
            self.query_one("#enrol-mobile", Input).focus()
            return
        if self.card_number:
            data["card_number"] = self.card_number
        employee = self.pos.employee
        service = CustomerService(self.pos.backend)
        try:
            customer_id = await self.pos.call_service(
                service.create, data, employee_id=employee.id if employee else None
            )
        except FieldError as exc:
            self.query_one("#enrol-error", Static).update(safe(f"! {exc.message}"))
            target = self.query(f"#enrol-{exc.field}")
            if target:
                target.first().focus()
            return
        self.pos.say(f"Enrolled {data['first_name']} {data['last_name']}", title="Customer")
        self.dismiss(int(customer_id))
