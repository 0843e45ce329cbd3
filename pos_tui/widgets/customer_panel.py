"""The customer on the sale: who they are and every flag the cashier must see."""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual.widgets import Static

from pos_tui.services.customers.lookup import CREDIT_HOLD
from pos_tui.services.customers.service import CustomerDetails, CustomerRow
from pos_tui.widgets.fmt import money, points
from pos_tui.widgets.photo import photo_text
from pos_tui.widgets.safe import safe


def _same_day(day_text: str | None, today: date) -> bool:
    return bool(day_text) and str(day_text)[5:10] == today.isoformat()[5:10]


class CustomerPanel(Static):
    """Shows a customer as plain text: names from the database never become markup."""

    DEFAULT_CSS = """
    CustomerPanel { border: round $secondary; padding: 0 1; height: 1fr; }
    CustomerPanel.-flagged { border: heavy $warning; }
    """

    def on_mount(self) -> None:
        self.border_title = "Customer"
        self.update(Text("No customer on the sale"))

    def _show_text(self, text: Text) -> None:
        # The panel's size is set by the layout, never by what it shows: the same customer again
        # (every scan shows the sale) is no repaint, and a new one is a repaint without a layout
        # pass of the whole screen.
        if text != self.content:
            self.update(text, layout=False)

    def show(self, details: CustomerDetails | None, *, today: date) -> None:
        if details is None:
            self.set_class(False, "-flagged")
            self._show_text(Text("No customer on the sale"))
            return
        row = details.row
        card = details.card_type["name"] if details.card_type else "no card type"
        level = row.price_level
        forced = " (forced)" if row.forced_price_level else ""
        lines = [
            f"Card {row.card_number or '-'} · Acct {row.account_number}",
            f"Card type: {card}",
            f"Price level: {level or 'regular'}{forced}",
            f"Points: {points(details.points_balance)}",
        ]
        lines += _account_lines(details)
        flags = _flags(row, today)
        self.set_class(bool(flags), "-flagged")
        texts = [safe(details.name, style="bold"), *(safe(line) for line in lines)]
        if flags:
            texts.append(Text(" · ".join(flags), style="bold reverse"))
        if row.pos_remarks:
            texts.append(safe(f"Note: {row.pos_remarks}"))
        picture = self._photo(details.photo, used_rows=len(texts) + len(lines) // 3)
        if picture is not None:
            texts.append(picture)
        # safe(), not a markup string: "[red]Bob[/red]" must show exactly as typed.
        self._show_text(Text("\n").join(texts))

    def _photo(self, data: bytes | None, *, used_rows: int) -> Text | None:
        """The photo in whatever room is left below the text (none at 80x24 with many flags)."""
        if not data:
            return None
        width = max(self.content_size.width, 0)
        rows = min(self.content_size.height - used_rows - 1, 10)
        return photo_text(data, max_width=min(width, 24), max_rows=rows)


def _account_lines(details: CustomerDetails) -> list[str]:
    row = details.row
    lines = []
    if row.credit_hold:
        # On hold the limit means nothing at the lane: never show an amount to charge.
        lines.append(f"Credit: {CREDIT_HOLD}")
    elif row.ar_enabled:
        lines.append(f"Credit available: {money(details.available_credit)}")
    if row.ar_enabled or row.credit_hold:
        lines.append(f"Owes: {money(details.receivable_balance)}")
    return lines


def _flags(row: CustomerRow, today: date) -> list[str]:
    """The states spelled out in words (docs/lane.md), shown in reverse video."""
    flags = []
    if row.credit_hold:
        flags.append("CREDIT HOLD")
    if row.card_expiry_date and row.card_expiry_date < today.isoformat():
        flags.append("CARD EXPIRED")
    if _same_day(row.birth_date, today):
        flags.append("BIRTHDAY TODAY")
    if _same_day(row.anniversary_date, today):
        flags.append("ANNIVERSARY TODAY")
    if row.tax_exempt:
        flags.append("TAX EXEMPT")
    if not row.active:
        flags.append("INACTIVE")
    return flags
