"""F2 with the store's method of input ``smart_card``: wait for the customer's card."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Label, Static

from pos_tui.widgets.errors import ContainErrors


class CardPromptScreen(ContainErrors, ModalScreen[str | None]):
    """F2 with method of input `smart_card`: wait for the card. Dismisses with the card number
    (the app calls `card_read`), or None when the cashier presses Escape to type instead."""

    DEFAULT_CSS = """
    CardPromptScreen { align: center middle; }
    CardPromptScreen > Vertical {
        width: 50; max-width: 100%; height: auto; border: round $accent; padding: 1 2;
        background: $surface;
    }
    CardPromptScreen #card-prompt-title { text-style: bold; width: 100%; content-align: center middle; }
    CardPromptScreen #card-prompt-text { margin-top: 1; text-style: bold reverse; width: 100%; content-align: center middle; }
    CardPromptScreen #card-prompt-hint { margin-top: 1; }
    """
    BINDINGS = [Binding("escape", "type_instead", "Type instead", id="card_prompt.type")]

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text("Customer card"), id="card-prompt-title")
            yield Static(Text("Tap or insert the card"), id="card-prompt-text")
            yield Static(
                Text("Esc: type the name, mobile or card number instead"), id="card-prompt-hint"
            )
        yield Footer()

    def card_read(self, card_number: str) -> None:
        self.dismiss(card_number)

    def action_type_instead(self) -> None:
        self.dismiss(None)
