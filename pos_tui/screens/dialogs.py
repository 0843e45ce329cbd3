"""Small keyboard modals: ask for a few values, or choose one of a few actions."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Label, OptionList, Static
from textual.widgets.input import Selection
from textual.widgets.option_list import Option

from pos_tui.text import plain
from pos_tui.widgets.safe import safe


def select_all(widget: Input) -> None:
    """Select an input's text so the first key typed replaces a suggested value."""
    widget.selection = Selection(0, len(widget.value))


def focus_selected(widget: Input) -> None:
    widget.focus()
    select_all(widget)
    widget.call_after_refresh(select_all, widget)


@dataclass(frozen=True)
class Field:
    """One value to ask for."""

    name: str
    label: str
    value: str = ""
    password: bool = False
    restrict: str | None = None
    placeholder: str = ""


class PromptScreen(ModalScreen[dict[str, str] | None]):
    """Ask for one or more values: Enter moves to the next field and accepts on the last,
    Escape cancels. Dismisses with ``{field name: text}`` or None."""

    DEFAULT_CSS = """
    PromptScreen { align: center middle; }
    PromptScreen > Vertical {
        width: 60; max-width: 100%; height: auto; border: round $accent; padding: 0 1;
        background: $surface;
    }
    PromptScreen .prompt-title { text-style: bold; }
    PromptScreen .prompt-label { margin-top: 1; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="prompt.cancel")]

    def __init__(self, title: str, fields: list[Field], *, message: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.fields = fields
        self.message = message

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(safe(self.title_text), classes="prompt-title")
            if self.message:
                yield Static(safe(self.message), classes="prompt-message")
            for f in self.fields:
                yield Label(safe(f.label), classes="prompt-label")
                yield Input(
                    value=plain(f.value),  # a stored value: control characters visible
                    placeholder=f.placeholder,
                    password=f.password,
                    restrict=f.restrict,
                    id=f"field-{f.name}",
                    select_on_focus=True,
                )
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
        self.dismiss({f.name: i.value.strip() for f, i in zip(self.fields, inputs, strict=True)})


class ChoiceScreen(ModalScreen[str | None]):
    """Choose one action from a short list (arrows and Enter). Escape cancels unless the
    choice is required."""

    DEFAULT_CSS = """
    ChoiceScreen { align: center middle; }
    ChoiceScreen > Vertical {
        width: 64; max-width: 100%; height: auto; border: round $accent; padding: 0 1;
        background: $surface;
    }
    ChoiceScreen .choice-title { text-style: bold; }
    ChoiceScreen OptionList { height: auto; margin-top: 1; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="choice.cancel")]

    def __init__(
        self,
        title: str,
        message: str,
        choices: list[tuple[str, str]],
        *,
        required: bool = False,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.message = message
        self.choices = choices
        self.required = required

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(safe(self.title_text), classes="choice-title")
            yield Static(safe(self.message), classes="choice-message")
            yield OptionList(*(Option(Text(label), id=key) for key, label in self.choices))
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def action_cancel(self) -> None:
        if not self.required:
            self.dismiss(None)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)
