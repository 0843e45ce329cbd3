"""The lines of the sale: line number, description, quantity, price, discount, total."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import DataTable

from pos_tui.engine import PricedLine
from pos_tui.widgets.fmt import money, quantity
from pos_tui.widgets.safe import safe

# (label, width) of every column but the description, which takes what is left. Cells have no
# padding: each right-aligned column is one wider than its widest value, which makes the gap.
_FIXED = (("#", 3), ("Qty", 5), ("Price", 9), ("Disc", 8), ("Total", 10))


class CartTable(DataTable[Text]):
    """A read-only table of priced lines with a row cursor; every cell is a ``Text``.

    Descriptions come from the database and go through :func:`safe`; the description column
    shrinks to fit so the money columns are never cut at 80 columns.
    """

    DEFAULT_CSS = """
    CartTable {
        height: 1fr;
        border: round $secondary;
        scrollbar-size-vertical: 1;
    }
    CartTable:focus { border: round $accent; }
    """

    def __init__(self, **kwargs: object) -> None:
        super().__init__(cursor_type="row", cell_padding=0, **kwargs)  # type: ignore[arg-type]
        self._lines: tuple[PricedLine, ...] = ()
        self._desc_width = 0
        self.border_title = "Sale"
        self.can_focus = False

    def on_mount(self) -> None:
        self._rebuild()

    def on_resize(self) -> None:
        if self._description_width() != self._desc_width:
            self._rebuild()

    def _description_width(self) -> int:
        # Border (2) and scrollbar (1) besides the fixed columns.
        fixed = sum(w for _, w in _FIXED) + 3
        return max(self.size.width - fixed, 8)

    def show(self, lines: tuple[PricedLine, ...], *, select_last: bool = False) -> None:
        """Replace the rows; keep the cursor on the same line, or move it to the newest."""
        keep = self.selected_line_no()
        self._lines = lines
        self._rebuild()
        if select_last and lines:
            self.move_cursor(row=len(lines) - 1)
        elif keep is not None:
            for i, line in enumerate(lines):
                if line.line_no == keep:
                    self.move_cursor(row=i)
                    break
            else:
                self.move_cursor(row=max(len(lines) - 1, 0))

    def _rebuild(self) -> None:
        row = self.cursor_row
        self._desc_width = self._description_width()
        self.clear(columns=True)
        self.add_column(Text("#", justify="right"), width=_FIXED[0][1], key="line")
        self.add_column(" Item", width=self._desc_width, key="item")
        for label, width in _FIXED[1:]:
            self.add_column(Text(label, justify="right"), width=width, key=label.lower())
        for line in self._lines:
            desc = Text(" ").append_text(safe(line.description))
            desc.truncate(self._desc_width, overflow="ellipsis")
            self.add_row(
                Text(str(line.line_no), justify="right"),
                desc,
                Text(quantity(line.quantity), justify="right"),
                Text(money(line.unit_price), justify="right"),
                Text(money(line.discount) if line.discount else "", justify="right"),
                Text(money(line.total), justify="right"),
                key=str(line.line_no),
            )
        if self._lines:
            self.move_cursor(row=min(max(row, 0), len(self._lines) - 1))

    def selected_line_no(self) -> int | None:
        """The sale line under the cursor, if any."""
        if not self._lines or self.cursor_row < 0 or self.cursor_row >= len(self._lines):
            return None
        return self._lines[self.cursor_row].line_no

    def selected_line(self) -> PricedLine | None:
        no = self.selected_line_no()
        return next((x for x in self._lines if x.line_no == no), None)
