"""The sale's totals: what the cashier reads out, and what is still to pay."""

from __future__ import annotations

from decimal import Decimal

from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from pos_tui.engine import Totals
from pos_tui.widgets.fmt import money, points


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
        self.clear()

    def clear(self) -> None:
        self.show(None)

    def show(
        self,
        totals: Totals | None,
        *,
        points_to_earn: Decimal = Decimal(0),
        paid: Decimal = Decimal(0),
        remaining: Decimal = Decimal(0),
        is_return: bool = False,
    ) -> None:
        grid = Table.grid(expand=True)
        grid.add_column(ratio=1)
        grid.add_column(justify="right")
        zero = Decimal(0)
        t = totals
        grid.add_row("Subtotal", money(t.subtotal if t else zero))
        grid.add_row("Discounts", money(-(t.discount_total) if t and t.discount_total else zero))
        grid.add_row("Tax", money(t.tax_total if t else zero))
        total_label = "REFUND TOTAL" if is_return else "TOTAL"
        grid.add_row(
            Text(total_label, style="bold"), Text(money(t.total if t else zero), style="bold")
        )
        if not is_return:
            grid.add_row("Points to earn", points(points_to_earn))
        grid.add_row("Paid" if not is_return else "Given back", money(abs(paid)))
        if t is not None and t.total and remaining == 0:
            grid.add_row(Text("PAID IN FULL", style="bold"), "")
        else:
            label = "TO GIVE BACK" if is_return else "REMAINING"
            grid.add_row(
                Text(label, style="bold reverse"), Text(money(abs(remaining)), style="bold reverse")
            )
        self.update(grid)
