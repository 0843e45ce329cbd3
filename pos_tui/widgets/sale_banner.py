"""After a sale: the change due, large enough to read at arm's length, and the sale number."""

from __future__ import annotations

from decimal import Decimal

from rich.console import Group
from rich.text import Text
from textual.widgets import Static

from pos_tui.widgets.fmt import money
from pos_tui.widgets.safe import safe


class SaleBanner(Static):
    """Shown in place of an empty cart until the next item is scanned."""

    DEFAULT_CSS = """
    SaleBanner {
        height: auto;
        border: heavy $accent;
        padding: 0 1;
        content-align: center middle;
        text-align: center;
    }
    SaleBanner.-hidden { display: none; }
    """

    def on_mount(self) -> None:
        self.add_class("-hidden")

    def show_sale(
        self, *, sale_number: int, kind: str, total: Decimal, change: Decimal, note: str = ""
    ) -> None:
        what = "RETURN" if kind == "return" else "SALE"
        # A return says what went back to the customer; only a sale has change.
        big = f"REFUNDED  {money(total)}" if kind == "return" else f"CHANGE DUE  {money(change)}"
        lines = [
            Text(big, style="bold reverse"),
            Text(f"{what} #{sale_number} COMPLETE · Total {money(total)}"),
        ]
        if note:
            lines.append(safe(note))
        self.update(Group(*lines))
        self.remove_class("-hidden")

    def hide(self) -> None:
        self.add_class("-hidden")
