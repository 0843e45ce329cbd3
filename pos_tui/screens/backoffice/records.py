"""A small editable list of records inside a form: a customer's contacts or transaction
discounts. ``a``/Insert adds, Enter edits, Delete/``x`` removes; each record is edited in the
lane's prompt modal, one value per line."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Label

from pos_tui.screens.dialogs import Field, PromptScreen
from pos_tui.text import plain
from pos_tui.widgets.safe import safe


class RecordList(Vertical):
    """Rows of ``columns`` (name, label); :attr:`records` holds them as text dicts."""

    DEFAULT_CSS = """
    RecordList { height: auto; margin-top: 1; }
    RecordList > .records-title { text-style: bold; }
    RecordList > DataTable { height: auto; max-height: 10; }
    RecordList > .records-help { color: $text-muted; }
    """
    BINDINGS = [
        Binding("a,insert", "add", "Add", id="backoffice.record_add"),
        Binding("delete,x", "remove", "Remove", id="backoffice.record_remove"),
    ]

    def __init__(
        self,
        name: str,
        title: str,
        columns: list[tuple[str, str]],
        records: list[dict[str, Any]],
    ) -> None:
        super().__init__(id=f"records-{name}")
        self.list_name = name
        self.heading = title
        self.columns = columns
        # Stored text as the prompt's inputs show it: a control character as a visible escape.
        self.records: list[dict[str, str]] = [
            {c: plain(r.get(c)) for c, _ in columns} for r in records
        ]
        self.loaded = [dict(r) for r in self.records]

    def compose(self) -> ComposeResult:
        yield Label(Text(self.heading), classes="records-title")
        table: DataTable[Text] = DataTable(cursor_type="row", show_cursor=True)
        for _, label in self.columns:
            table.add_column(label)
        yield table
        yield Label("a add · Enter edit · x remove", classes="records-help")

    def on_mount(self) -> None:
        self._refresh()

    @property
    def changed(self) -> bool:
        return self.records != self.loaded

    def _refresh(self) -> None:
        table = self.query_one(DataTable)
        table.clear()
        for record in self.records:
            table.add_row(*(safe(record.get(c, "")) for c, _ in self.columns))

    def _edit(self, index: int | None) -> None:
        current = self.records[index] if index is not None else {}
        fields = [Field(c, label, current.get(c, "")) for c, label in self.columns]
        title = f"{'Edit' if index is not None else 'Add'}: {self.heading.lower()}"

        def done(values: dict[str, str] | None) -> None:
            if values is None:
                return
            if index is None:
                self.records.append(values)
            else:
                self.records[index] = values
            self._refresh()
            self.post_message(self.Changed(self))

        self.app.push_screen(PromptScreen(title, fields), done)

    def action_add(self) -> None:
        self._edit(None)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if self.records:
            self._edit(event.cursor_row)

    def action_remove(self) -> None:
        table = self.query_one(DataTable)
        if self.records and table.row_count:
            del self.records[min(table.cursor_row, len(self.records) - 1)]
            self._refresh()
            self.post_message(self.Changed(self))

    class Changed(Message):
        """The records were added to, edited or removed from."""

        def __init__(self, records: RecordList) -> None:
            super().__init__()
            self.records = records
