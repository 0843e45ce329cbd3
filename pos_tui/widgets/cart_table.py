"""The lines of the sale: line number, description, quantity, price, discount, total."""

from __future__ import annotations

from rich.text import Text
from textual.geometry import Size
from textual.widgets import DataTable

from pos_tui.engine import PricedLine
from pos_tui.widgets.fmt import money, quantity
from pos_tui.widgets.safe import safe

# (label, width) of every column but the description, which takes what is left. Cells have no
# padding: each right-aligned column is one wider than its widest value, which makes the gap.
_FIXED = (("#", 3), ("Qty", 5), ("Price", 9), ("Disc", 8), ("Total", 10))
_KEYS = ("line", "item", "qty", "price", "disc", "total")
# ``DataTable.remove_row`` renumbers every row after the one it takes (O(rows)): past this many
# rows gone at once (a commit, another sale resumed) refilling the table is cheaper.
_MOST_REMOVED = 8

Cells = tuple[str, str, str, str, str, str]


def _cells(line: PricedLine) -> Cells:
    return (
        str(line.line_no),
        line.description,
        quantity(line.quantity),
        money(line.unit_price),
        money(line.discount) if line.discount else "",
        money(line.total),
    )


def _source(line: PricedLine) -> tuple[object, ...]:
    """What the cells of a line are made from, as exact text (``str`` keeps ``-0.00`` apart
    from ``0.00``, which ``==`` on ``Decimal`` does not): formatting 500 lines' money on every
    scan costs more than comparing this."""
    return (
        line.line_no,
        line.description,
        str(line.quantity),
        str(line.unit_price),
        str(line.discount),
        str(line.total),
    )


class CartTable(DataTable[Text]):
    """A read-only table of priced lines with a row cursor; every cell is a ``Text``.

    Descriptions come from the database and go through :func:`safe`; the description column
    shrinks to fit so the money columns are never cut at 80 columns.

    :meth:`show` changes the table row by row: a new line is ``add_row``, a changed cell
    ``update_cell``, a voided line ``remove_row``. Only the column widths (first show, a
    resize) build the table again; the cursor stays on the line it was on.
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
        self._shown: list[Cells] = []  # the cells on screen, row by row
        # line number -> (what its cells were made from, the cells): a line unchanged since
        # the last show is not formatted again.
        self._made: dict[int, tuple[tuple[object, ...], Cells]] = {}
        self._desc_width = 0
        self._follow = False  # the newest line was selected: keep the end of the sale in view
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
        """Show ``lines``; keep the cursor on the same line, or move it to the newest.

        The cursor of a line that is gone (voided) goes to the line that took its place."""
        keep, keep_row = self.selected_line_no(), self.cursor_row
        # Only a row added to the end grows the table: else nothing is to follow.
        self._follow = select_last and len(lines) > self.row_count
        self._lines = lines
        if self.columns and self._desc_width == self._description_width():
            self._update_rows()
        else:
            self._rebuild()
        if not lines:
            return
        row = min(max(keep_row, 0), len(lines) - 1)
        if select_last:
            row = len(lines) - 1
        elif keep is not None:
            row = next((i for i, line in enumerate(lines) if line.line_no == keep), row)
        self.move_cursor(row=row)

    def watch_virtual_size(self, size: Size) -> None:
        """A new line grew the table: scroll to it now, in the layout pass its row takes, not
        in a second frame after it (``move_cursor`` scrolls once the screen has refreshed)."""
        if self._follow:
            self._follow = False
            self.scroll_to(y=self.max_scroll_y, animate=False)

    def _wanted(self) -> list[Cells]:
        made, wanted = {}, []
        for line in self._lines:
            source = _source(line)
            known = self._made.get(line.line_no)
            cells = known[1] if known is not None and known[0] == source else _cells(line)
            made[line.line_no] = (source, cells)
            wanted.append(cells)
        self._made = made
        return wanted

    def _row(self, cells: Cells) -> list[Text]:
        desc = Text(" ").append_text(safe(cells[1]))
        desc.truncate(self._desc_width, overflow="ellipsis")
        return [
            Text(cells[0], justify="right"),
            desc,
            *(Text(c, justify="right") for c in cells[2:]),
        ]

    def _update_rows(self) -> None:
        """Change only what differs: a scan appends one row instead of redrawing 500."""
        wanted = self._wanted()
        keys = {cells[0] for cells in wanted}
        gone = [old[0] for old in self._shown if old[0] not in keys]
        kept = [old for old in self._shown if old[0] in keys]
        in_order = all(new[0] == old[0] for new, old in zip(wanted, kept, strict=False))
        if not in_order or len(gone) > _MOST_REMOVED:
            # Lines in another order (never from the lane's own changes), or another sale.
            self._fill(wanted)
            return
        for key in gone:
            self.remove_row(key)
        for new, old in zip(wanted, kept, strict=False):
            if new != old:
                row = self._row(new)
                for col, (a, b) in enumerate(zip(new, old, strict=True)):
                    if a != b:
                        self.update_cell(new[0], _KEYS[col], row[col])
        for new in wanted[len(kept) :]:
            self.add_row(*self._row(new), key=new[0])
        self._shown = wanted

    def _fill(self, wanted: list[Cells]) -> None:
        self.clear()
        for cells in wanted:
            self.add_row(*self._row(cells), key=cells[0])
        self._shown = wanted

    def _rebuild(self) -> None:
        """The columns for the width of the table, then every row."""
        row = self.cursor_row
        self._desc_width = self._description_width()
        self.clear(columns=True)
        self.add_column(Text("#", justify="right"), width=_FIXED[0][1], key="line")
        # A Text, not a str: DataTable parses a str label as markup, which loads rich's emoji
        # table (0.8 MB) for nothing.
        self.add_column(Text(" Item"), width=self._desc_width, key="item")
        for label, width in _FIXED[1:]:
            self.add_column(Text(label, justify="right"), width=width, key=label.lower())
        self._fill(self._wanted())
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
