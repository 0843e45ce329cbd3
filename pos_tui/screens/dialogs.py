"""Small keyboard modals: ask for a few values, or choose one of a few actions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Label, OptionList, Static
from textual.widgets.input import Selection
from textual.widgets.option_list import Option

from pos_tui.screens.typeahead import HoldsTypedAhead, drained, idle
from pos_tui.text import plain
from pos_tui.widgets.errors import ContainErrors
from pos_tui.widgets.safe import safe


def select_all(widget: Input) -> None:
    """Select an input's text so the first key typed replaces a suggested value."""
    widget.selection = Selection(0, len(widget.value))


def focus_selected(widget: Input) -> None:
    widget.focus()
    select_all(widget)
    # Once more after the refresh (focusing may move the cursor), but only if nothing was typed
    # since: on a loaded machine the cashier's first key can come first, and selecting it then
    # would let the second key replace it ("500" became "00").
    suggested = widget.value
    widget.call_after_refresh(_select_if_untouched, widget, suggested)


def _select_if_untouched(widget: Input, suggested: str) -> None:
    if widget.value == suggested:
        select_all(widget)


@dataclass(frozen=True)
class Field:
    """One value to ask for."""

    name: str
    label: str
    value: str = ""
    password: bool = False
    restrict: str | None = None
    placeholder: str = ""


@dataclass(frozen=True)
class Problem:
    """What is wrong with a prompt's values, found before it closes: said on the prompt, with
    the focus on ``field`` (the field it is about; None: where it is)."""

    message: str
    field: str | None = None


# A prompt's own check of its values: a problem keeps the prompt open, None lets it close.
Check = Callable[[dict[str, str]], Problem | None]


class PromptScreen(ContainErrors, HoldsTypedAhead, ModalScreen[dict[str, str] | None]):
    """Ask for one or more values: Enter (or Tab) moves to the next field and Enter accepts on
    the last, Shift+Tab goes back, Escape cancels. Dismisses with ``{field name: text}`` or None.

    Keys typed ahead keep their order: every key typed from the moment the prompt is pushed
    waits until its first field has the focus (:class:`HoldsTypedAhead`), and Tab and Enter
    move between the fields as the key arrives (priority bindings), so the keys after them go
    to the next field, however fast they come (a cashier's burst, a keypad).

    ``check`` looks at the values as Enter accepts them: a :class:`Problem` is said on the
    prompt, which stays open with everything typed (docs/lane.md, "Prompts and messages")."""

    DEFAULT_CSS = """
    PromptScreen { align: center middle; }
    PromptScreen > Vertical {
        width: 60; max-width: 100%; height: auto; border: round $accent; padding: 0 1;
        background: $surface;
    }
    PromptScreen .prompt-title { text-style: bold; }
    PromptScreen .prompt-message { text-style: bold; }
    PromptScreen .prompt-label { margin-top: 1; }
    """
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="prompt.cancel"),
        Binding("enter", "enter", "Next / OK", show=False, priority=True),
        Binding("tab", "step(1)", "Next field", show=False, priority=True),
        Binding("shift+tab", "step(-1)", "Previous field", show=False, priority=True),
    ]

    def __init__(
        self,
        title: str,
        fields: list[Field],
        *,
        message: str = "",
        focus: str | None = None,
        check: Check | None = None,
    ) -> None:
        """``message``: said above the fields (why it is asked again); ``focus``: the field to
        start in (the one a refusal was about), the first by default; ``check``: what is
        wrong with the values, found before the prompt closes."""
        super().__init__()
        self.title_text = title
        self.fields = fields
        self.message = message
        self.start_field = focus
        self.check = check
        self._accepting = False
        self.start_holding()

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(safe(self.title_text), classes="prompt-title")
            message = Static(safe(self.message), classes="prompt-message")
            message.display = bool(self.message)
            yield message
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

    async def on_mount(self) -> None:
        named = self.query(f"#field-{self.start_field}") if self.start_field else None
        first = named.only_one(Input) if named else self.query(Input).first()
        select_all(first)
        self.set_focus(first)  # at once: the keys released next must find it focused
        await self.release_typed_ahead(getattr(self.app, "deliver_key", self.app.on_event))

    def retitle(self, title: str) -> None:
        self.title_text = title
        for label in self.query(".prompt-title").results(Label):
            label.update(safe(title))

    def say(self, message: str) -> None:
        """Say on the prompt why it is still open (or asked again)."""
        self.message = message
        for line in self.query(".prompt-message").results(Static):
            line.update(safe(message))
            line.display = bool(message)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def _inputs(self) -> tuple[list[Input], int]:
        inputs = list(self.query(Input))
        focused = self.focused
        return inputs, inputs.index(focused) if isinstance(focused, Input) else -1

    def action_step(self, step: int) -> None:
        inputs, index = self._inputs()
        if inputs:
            self.set_focus(inputs[(index + step) % len(inputs)])

    def action_enter(self) -> None:
        inputs, index = self._inputs()
        if index + 1 < len(inputs):
            self.set_focus(inputs[index + 1])
        elif not self._accepting:
            self._accepting = True
            if idle(*inputs):  # nothing typed ahead is still on its way to a field
                self._accept_now(inputs)
            else:
                self.run_worker(self._accept(inputs), group="prompt-accept")

    async def _accept(self, inputs: list[Input]) -> None:
        # Each field takes the keys already sent to it before its value is read.
        await drained(*inputs)
        self._accept_now(inputs)

    def _accept_now(self, inputs: list[Input]) -> None:
        values = {f.name: i.value.strip() for f, i in zip(self.fields, inputs, strict=True)}
        problem = self.check(values) if self.check is not None else None
        if problem is None:
            self.dismiss(values)
            return
        self._accepting = False  # open again for the corrected value
        self.say(problem.message)
        named = [i for f, i in zip(self.fields, inputs, strict=True) if f.name == problem.field]
        if named:
            self.set_focus(named[0])
            select_all(named[0])


class ChoiceScreen(ContainErrors, ModalScreen[str | None]):
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
