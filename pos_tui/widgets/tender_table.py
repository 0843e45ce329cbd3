"""The tenders on the sale so far: kind, amount and reference, with a cursor to remove one."""

from __future__ import annotations

from decimal import Decimal

from rich.text import Text
from textual.widgets import DataTable

from pos_tui.services.checkout.cart import CartTender
from pos_tui.widgets.fmt import money, points
from pos_tui.widgets.safe import safe

KIND_LABELS = {"cash": "Cash", "card": "Card", "account": "Account", "points": "Points"}


class TenderTable(DataTable[Text]):
    """Read-only list of tenders; references come from the cashier or a terminal: shown safe."""

    DEFAULT_CSS = """
    TenderTable { height: 1fr; border: round $secondary; }
    """

    def __init__(self, **kwargs: object) -> None:
        super().__init__(cursor_type="row", **kwargs)  # type: ignore[arg-type]
        self.border_title = "Tenders"
        self.can_focus = False

    def on_mount(self) -> None:
        self.add_column(Text("#", justify="right"), width=2)
        self.add_column("Kind", width=10)
        self.add_column(Text("Amount", justify="right"), width=10)
        self.add_column("Reference")

    def show(self, tenders: tuple[CartTender, ...]) -> None:
        self.clear()
        for i, t in enumerate(tenders, start=1):
            kind = KIND_LABELS.get(t.kind, t.kind)
            if t.kind == "points" and t.points:
                kind = f"Points {points(t.points)}"
            self.add_row(
                Text(str(i), justify="right"),
                Text(kind),
                Text(money(abs(Decimal(t.amount))), justify="right"),
                safe(t.reference or ""),
            )
        if tenders:
            self.move_cursor(row=len(tenders) - 1)

    def selected_index(self) -> int | None:
        if not self.row_count or self.cursor_row < 0:
            return None
        return self.cursor_row
