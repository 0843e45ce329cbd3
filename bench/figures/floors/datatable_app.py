"""The terminal-bytes floor: an Input and a DataTable; Enter adds the typed code as a row."""

from textual.app import App, ComposeResult
from textual.widgets import DataTable, Input


class Bare(App[None]):
    def compose(self) -> ComposeResult:
        yield Input(placeholder="Scan or type barcode", id="entry")
        yield DataTable(id="cart", cursor_type="row")

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns("#", "Item", "Qty", "Price", "Disc", "Total")
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        table = self.query_one(DataTable)
        n = table.row_count + 1
        table.add_row(str(n), event.value, "1", "10.00", "", "10.00")
        table.move_cursor(row=n - 1)
        event.input.value = ""


if __name__ == "__main__":
    Bare().run()
