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
        self._shown: list[tuple[str, ...]] = []  # the cells on screen, row by row
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
        if self.columns and self._desc_width == self._description_width():
            self._update_rows()
        else:
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

    @staticmethod
    def _cells(line: PricedLine) -> tuple[str, ...]:
        return (
            str(line.line_no),
            line.description,
            quantity(line.quantity),
            money(line.unit_price),
            money(line.discount) if line.discount else "",
            money(line.total),
        )

    def _row(self, cells: tuple[str, ...]) -> list[Text]:
        desc = Text(" ").append_text(safe(cells[1]))
        desc.truncate(self._desc_width, overflow="ellipsis")
        return [
            Text(cells[0], justify="right"),
            desc,
            *(Text(c, justify="right") for c in cells[2:]),
        ]

    def _update_rows(self) -> None:
        """Change only what differs: a scan appends one row instead of redrawing 500."""
        wanted = [self._cells(line) for line in self._lines]
        keys = ["line", "item", "qty", "price", "disc", "total"]
        same_keys = len(wanted) >= len(self._shown) and all(
            new[0] == old[0] for new, old in zip(wanted, self._shown, strict=False)
        )
        if not same_keys:
            self._rebuild()
            return
        for new, old in zip(wanted, self._shown, strict=False):
            if new != old:
                row = self._row(new)
                for col, (a, b) in enumerate(zip(new, old, strict=True)):
                    if a != b:
                        self.update_cell(new[0], keys[col], row[col])
        for new in wanted[len(self._shown) :]:
            self.add_row(*self._row(new), key=new[0])
        self._shown = wanted

    def _rebuild(self) -> None:
        row = self.cursor_row
        self._desc_width = self._description_width()
        self.clear(columns=True)
        self.add_column(Text("#", justify="right"), width=_FIXED[0][1], key="line")
        # A Text, not a str: DataTable parses a str label as markup, which loads rich's emoji
        # table (0.8 MB) for nothing.
        self.add_column(Text(" Item"), width=self._desc_width, key="item")
        for label, width in _FIXED[1:]:
            self.add_column(Text(label, justify="right"), width=width, key=label.lower())
        self._shown = [self._cells(line) for line in self._lines]
        for cells in self._shown:
            self.add_row(*self._row(cells), key=cells[0])
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
