"""The sale's totals: what the cashier reads out, and what is still to pay."""

from __future__ import annotations

from decimal import Decimal

from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from pos_tui.engine import Totals
from pos_tui.engine.money import ZERO
from pos_tui.widgets.fmt import money, points


def _shape(rows: list[tuple[Text | str, Text | str]]) -> list[tuple[int, int]]:
    return [(len(str(label)), len(str(value))) for label, value in rows]


class TotalsPanel(Static):
    """Subtotal, discounts, tax, total, points to be earned, paid and remaining.

    States are words, not colours: a return says REFUND, a paid sale says PAID IN FULL.
    """

    DEFAULT_CSS = """
    TotalsPanel {
        height: auto;
        border: round $secondary;
        padding: 0 1;
    }
    """

    def on_mount(self) -> None:
        self.border_title = "Totals"
        self._rows: list[tuple[Text | str, Text | str]] | None = None
        self._grid: Table | None = None  # what is shown, measured again at the present width
        self.clear()

    def clear(self) -> None:
        self.show(None)

    def show(
        self,
        totals: Totals | None,
        *,
        points_to_earn: Decimal = ZERO,
        paid: Decimal = ZERO,
        remaining: Decimal = ZERO,
        is_return: bool = False,
    ) -> None:
        zero = ZERO
        t = totals
        rows: list[tuple[Text | str, Text | str]] = [
            ("Subtotal", money(t.subtotal if t else zero)),
            ("Discounts", money(-(t.discount_total) if t and t.discount_total else zero)),
            ("Tax", money(t.tax_total if t else zero)),
        ]
        total_label = "REFUND TOTAL" if is_return else "TOTAL"
        rows.append(
            (Text(total_label, style="bold"), Text(money(t.total if t else zero), style="bold"))
        )
        if not is_return:
            rows.append(("Points to earn", points(points_to_earn)))
        elif t is not None and t.redeemed:
            rows.append(("Points short kept", money(-t.redeemed)))
        rows.append(("Paid" if not is_return else "Given back", money(abs(paid))))
        if t is not None and t.total and remaining == 0:
            rows.append((Text("PAID IN FULL", style="bold"), ""))
        else:
            label = "TO GIVE BACK" if is_return else "REMAINING"
            rows.append(
                (
                    Text(label, style="bold reverse"),
                    Text(money(abs(remaining)), style="bold reverse"),
                )
            )
        if rows == self._rows:
            return
        grid = Table.grid(expand=True)
        grid.add_column(ratio=1)
        grid.add_column(justify="right")
        for row in rows:
            grid.add_row(*row)
        # The panel's height follows its rows (and their widths, should a long amount wrap):
        # a layout pass of the screen only when that height changes, else a repaint of the
        # panel. Rows of the same widths need no measuring (every scan of a 2-digit total).
        before = self._grid
        layout = (
            before is None
            or self.content_size.width <= 0  # not laid out yet: nothing to measure against
            or (
                _shape(rows) != _shape(self._rows or [])
                and self._height(grid) != self._height(before)
            )
        )
        self._rows, self._grid = rows, grid
        self.update(grid, layout=layout)

    def _height(self, grid: Table) -> int:
        """The lines ``grid`` takes at the panel's present width."""
        width = self.content_size.width
        console = self.app.console
        return len(console.render_lines(grid, console.options.update_width(width), pad=False))
