"""The customer on the sale: who they are and every flag the cashier must see."""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual.widgets import Static

from pos_tui.services.customers import CustomerDetails
from pos_tui.widgets.safe import safe


def _same_day(day_text: str | None, today: date) -> bool:
    return bool(day_text) and str(day_text)[5:10] == today.isoformat()[5:10]


class CustomerPanel(Static):
    """Shows a customer as plain text: names from the database never become markup."""

    DEFAULT_CSS = """
    CustomerPanel { border: round $secondary; padding: 0 1; height: 1fr; }
    """

    def on_mount(self) -> None:
        self.border_title = "Customer"
        self.update(Text("No customer on the sale"))

    def show(self, details: CustomerDetails | None, *, today: date) -> None:
        if details is None:
            self.update(Text("No customer on the sale"))
            return
        row = details.row
        card = details.card_type["name"] if details.card_type else "no card type"
        level = row["price_level"]
        lines = [
            details.name,
            f"Account {row['account_number']} · Card {row['card_number'] or '-'}",
            f"Card type: {card} · Price level: {level or 'regular'}"
            + (" (forced)" if row["forced_price_level"] else ""),
            f"Points: {details.points_balance}",
        ]
        if row["ar_enabled"]:
            lines.append(
                f"Owes: {details.receivable_balance} · Available: {details.available_credit}"
            )
        flags = []
        if row["credit_hold"]:
            flags.append("CREDIT HOLD")
        if row["card_expiry_date"] and row["card_expiry_date"] < today.isoformat():
            flags.append("CARD EXPIRED")
        if _same_day(row["birth_date"], today):
            flags.append("BIRTHDAY TODAY")
        if _same_day(row["anniversary_date"], today):
            flags.append("ANNIVERSARY TODAY")
        if row["tax_exempt"]:
            flags.append("TAX EXEMPT")
        if flags:
            lines.append(" · ".join(flags))
        if row["pos_remarks"]:
            lines.append(f"Note: {row['pos_remarks']}")
        # safe(), not a markup string: "[red]Bob[/red]" must show exactly as typed.
        self.update(Text("\n").join(safe(line) for line in lines))
