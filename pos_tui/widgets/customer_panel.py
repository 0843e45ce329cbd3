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

    _shown: tuple[CustomerDetails | None, date] | None = None

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
        self._shown = (details, today)
        if details is None:
            self.set_class(False, "-flagged")
            self._show_text(Text("No customer on the sale"))
            return
        row = details.row
        card = details.card_type["name"] if details.card_type else "no card type"
        level = row.price_level
        forced = " (forced)" if row.forced_price_level else ""
        fields = [
            f"Card {row.card_number or '-'} · Acct {row.account_number}",
            f"Card type: {card}",
            f"Price level: {level or 'regular'}{forced}",
            f"Points: {points(details.points_balance)}",
            *_account_lines(details),
        ]
        flags = _flags(row, today)
        self.set_class(bool(flags), "-flagged")
        note = [safe(f"Note: {row.pos_remarks}")] if row.pos_remarks else []
        texts = self._fit(safe(details.name, style="bold"), [safe(f) for f in fields], flags, note)
        width = max(self.content_size.width, 1)
        used = sum(-(-max(text.cell_len, 1) // width) for text in texts)  # wrapped lines too
        picture = self._photo(details.photo, used_rows=used)
        if picture is not None:
            texts.append(picture)
        # safe(), not a markup string: "[red]Bob[/red]" must show exactly as typed.
        self._show_text(Text("\n").join(texts))

    def _fit(
        self, name: Text, fields: list[Text], flags: list[str], note: list[Text]
    ) -> list[Text]:
        """One field a line where the panel is tall enough (the side column); packed along
        each line, ``a · b · c``, where it is not (the band under the cart at 80x24): the
        whole status stays on screen, nothing is cut at the bottom."""
        flag_texts = [Text(flag, style="bold reverse") for flag in flags]
        width = self.content_size.width
        flag_lines = _joined(flag_texts, width) if flag_texts else []
        one_a_line = [name, *fields, *flag_lines, *note]
        if width <= 0 or len(one_a_line) <= self.content_size.height:
            return one_a_line
        return [*_joined([name, *fields], width), *flag_lines, *note]

    def on_resize(self) -> None:
        # The layout (side column or band) decides how the status is laid out: draw it again.
        if self._shown is not None:
            self.show(self._shown[0], today=self._shown[1])

    def _photo(self, data: bytes | None, *, used_rows: int) -> Text | None:
        """The photo in whatever room is left below the text (none at 80x24 with many flags)."""
        if not data:
            return None
        width = max(self.content_size.width, 0)
        rows = min(self.content_size.height - used_rows - 1, 10)
        return photo_text(data, max_width=min(width, 24), max_rows=rows)


def _joined(items: list[Text], width: int) -> list[Text]:
    """``items`` joined by `` · `` along lines of ``width`` (an item never splits)."""
    lines: list[Text] = []
    for item in items:
        if lines and lines[-1].cell_len + 3 + item.cell_len <= width:
            lines[-1].append(" · ").append_text(item)
        else:
            lines.append(item.copy())
    return lines


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
    if row.required_reference:
        # An account charge asks for it (services/accounts/receivable.py): said before the pay.
        label = str(row.required_reference_label or "reference")
        flags.append(f"{label.upper()} REQUIRED")
    if not row.active:
        flags.append("INACTIVE")
    return flags
