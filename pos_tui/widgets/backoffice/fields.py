"""One labelled field of a back office form, with its message right under it.

:class:`FieldRow` picks its editor from the field's kind: an input for text, numbers, dates and
times; a text area for text of several lines; a checkbox for yes/no; a drop-down for a choice
or a reference; a selection list for several references. Its :attr:`FieldRow.value` is always text ("1"/"0" for flags, the id for a
reference, "1,3" for several), so forms compare, save and read back plain strings.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Label, Select, SelectionList, Static, TextArea

from pos_tui.widgets.safe import safe

# Characters an input of each kind accepts (a wrong format is still explained, not only blocked).
RESTRICT = {
    "decimal": r"[0-9.,\-]*",
    "percent": r"[0-9.,]*",
    "int": r"[0-9]*",
    "date": r"[0-9\-]*",
    "time": r"[0-9:]*",
}
PLACEHOLDER = {"date": "YYYY-MM-DD", "time": "HH:MM", "weekdays": "mon,sat,sun"}


def field_id(name: str) -> str:
    """A widget id for a field name (dots are not allowed in ids)."""
    return "f-" + name.replace(".", "--")


class FieldRow(Widget):
    """Label, editor and error line of one field."""

    DEFAULT_CSS = """
    FieldRow {
        height: auto; width: 1fr; layout: grid; grid-size: 2; grid-columns: 30 1fr;
        grid-rows: auto;
    }
    FieldRow .field-label { width: 30; padding: 0 1 0 0; color: $text-muted; }
    FieldRow .field-editor { width: 1fr; }
    FieldRow Input.field-editor { height: 1; }
    FieldRow TextArea.field-editor { height: 4; }
    FieldRow Checkbox {
        border: none; height: 1; padding: 0; background: transparent; width: auto;
    }
    FieldRow Checkbox:focus { border: none; background: $accent 40%; }
    FieldRow SelectionList { height: auto; max-height: 8; border: round $panel; }
    FieldRow SelectionList:focus { border: round $accent; }
    FieldRow .field-error { height: auto; color: $text-error; text-style: bold; column-span: 2; padding-left: 30; }
    FieldRow .field-error.-empty { display: none; }
    FieldRow.-invalid .field-label { color: $text-error; text-style: bold; }
    /* The field being edited is plain to see, in colour or none (reverse video, a marker). */
    FieldRow.-focused .field-label { color: $text; text-style: bold reverse; }
    FieldRow Input.field-editor:focus { background: $accent 30%; text-style: bold; }
    """

    def __init__(
        self,
        name: str,
        label: str,
        kind: str,
        *,
        value: str = "",
        choices: list[tuple[str, str]] | None = None,
        password: bool = False,
        placeholder: str = "",
        max_length: int = 0,
        allow_blank: bool = True,
    ) -> None:
        super().__init__(id=field_id(name))
        self.field_name = name
        self.label_text = label
        self.kind = kind
        self.initial = value
        self.choices = choices or []
        self.password = password
        self.placeholder = placeholder or PLACEHOLDER.get(kind, "")
        self.max_length = max_length if 0 < max_length < 1000 else 0
        self.allow_blank = allow_blank
        self.error_value: str | None = None

    def compose(self) -> ComposeResult:
        yield Label(Text(self.label_text), classes="field-label")
        yield self._editor()
        yield Static("", classes="field-error -empty")

    def _editor(self) -> Widget:
        if self.kind == "flag":
            on = self.initial == "1"
            return Checkbox(Text("yes" if on else "no"), on, classes="field-editor")
        if self.kind in ("choice", "ref"):
            options = [(safe(label), key) for key, label in self.choices]
            keys = {key for key, _ in self.choices}
            select: Select[str] = Select(
                options,
                value=self.initial if self.initial in keys else Select.NULL,
                allow_blank=self.allow_blank or not options,
                compact=True,
                classes="field-editor",
                prompt="(none)",
            )
            return select
        if self.kind == "multiline":
            return TextArea(self.initial, compact=True, classes="field-editor")
        if self.kind == "refs":
            chosen = set(self.initial.split(",")) if self.initial else set()
            return SelectionList[str](
                *((safe(label), key, key in chosen) for key, label in self.choices),
                classes="field-editor",
            )
        return Input(
            self.initial,
            placeholder=self.placeholder,
            password=self.password,
            restrict=RESTRICT.get(self.kind),
            max_length=self.max_length,
            compact=True,
            classes="field-editor",
            select_on_focus=False,
        )

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        """Words carry the meaning: the box says yes or no, not only its colour."""
        event.checkbox.label = Text("yes" if event.value else "no")

    @property
    def editor(self) -> Widget:
        return self.query_one(".field-editor")

    @property
    def value(self) -> str:
        editor = self.editor
        if isinstance(editor, Checkbox):
            return "1" if editor.value else "0"
        if isinstance(editor, Select):
            return "" if editor.value is Select.NULL else str(editor.value)
        if isinstance(editor, SelectionList):
            return ",".join(sorted(str(v) for v in editor.selected))
        if isinstance(editor, Input):
            return editor.value
        if isinstance(editor, TextArea):
            return editor.text
        raise TypeError(editor)

    @value.setter
    def value(self, text: str) -> None:
        editor = self.editor
        if isinstance(editor, Checkbox):
            editor.value = text in ("1", "yes", "true")
        elif isinstance(editor, Select):
            keys = {key for key, _ in self.choices}
            editor.value = text if text in keys else Select.NULL
        elif isinstance(editor, SelectionList):
            chosen = set(text.split(",")) if text else set()
            editor.deselect_all()
            for key in chosen:
                editor.select(key)
        elif isinstance(editor, Input):
            editor.value = text
        elif isinstance(editor, TextArea):
            editor.text = text

    def set_error(self, message: str | None) -> None:
        """Show (or clear) the message under the field; it holds for the value shown now."""
        self.error_value = self.value if message else None
        error = self.query_one(".field-error", Static)
        error.update(Text("! ").append_text(safe(message)) if message else "")
        error.set_class(not message, "-empty")
        self.set_class(bool(message), "-invalid")

    @property
    def error(self) -> str:
        error = self.query_one(".field-error", Static)
        return "" if error.has_class("-empty") else str(error.render())

    def focus_editor(self) -> None:
        self.editor.focus()

    # A class, not :focus-within: the label's style follows at once (Textual restyles the
    # node whose class changed and its children).
    def on_descendant_focus(self) -> None:
        self.add_class("-focused")

    def on_descendant_blur(self) -> None:
        self.remove_class("-focused")


def rows_by_name(root: Widget) -> dict[str, FieldRow]:
    """Every field row under ``root`` by field name."""
    return {row.field_name: row for row in root.query(FieldRow)}


def values_of(rows: dict[str, FieldRow]) -> dict[str, str]:
    return {name: row.value for name, row in rows.items()}


def options(pairs: list[tuple[int, str]] | list[tuple[str, str]]) -> list[tuple[str, str]]:
    """(id, name) pairs as the (key, label) choices of a FieldRow."""
    return [(str(key), str(label)) for key, label in pairs]


def choice_options(choices: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(c, c.replace("_", " ")) for c in choices]
