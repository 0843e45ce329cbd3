"""Changing the lines of the sale: quantity, line and sale discounts, price, voids."""

from __future__ import annotations

from collections.abc import Callable

from textual.widgets import Input

from pos_tui.screens.checkout_customer import CustomerFlows
from pos_tui.screens.dialogs import ChoiceScreen, Field, PromptScreen
from pos_tui.screens.entry import is_number, parse_discount
from pos_tui.services.checkout.sale_view import SaleView
from pos_tui.widgets.cart_table import CartTable
from pos_tui.widgets.fmt import quantity


class LineFlows(CustomerFlows):
    """Line actions of the checkout screen; every refusal a supervisor may lift opens the
    supervisor PIN modal (see :meth:`LaneScreen.guarded`)."""

    view: SaleView | None

    @property
    def cart(self) -> CartTable:
        return self.query_one(CartTable)

    # Provided by CheckoutScreen, which mixes these flows in.
    _set_pending: Callable[[str | None], None]

    def _selected(self) -> int | None:
        line_no = self.cart.selected_line_no()
        if line_no is None:
            self.refuse("No line selected: scan an item first")
        return line_no

    def _entry_text(self) -> str:
        entry = self.query_one("#entry", Input)
        text = entry.value.strip()
        entry.value = ""
        return text

    # -- line changes --------------------------------------------------------------------------
    def action_quantity(self) -> None:
        """A number in the entry: quantity for the next item. Empty entry: change the line."""
        text = self._entry_text()
        if text and is_number(text):
            self._set_pending(text)
            self.hint(f"Quantity {text}: now scan the item")
            return
        line_no = self._selected()
        if line_no is None:
            return
        line = self.cart.selected_line()
        current = quantity(line.quantity) if line else ""
        co = self.co

        def entered(values: dict[str, str] | None) -> None:
            if values and values["qty"]:
                self.guarded(
                    co,
                    lambda _a: co.set_quantity(line_no, values["qty"]),
                    reason=f"quantity of line {line_no}",
                    done=self.shown,
                )

        self.app.push_screen(
            PromptScreen(f"Quantity for line {line_no}", [Field("qty", "Quantity", current)]),
            entered,
        )

    def action_line_discount(self) -> None:
        line_no = self._selected()
        if line_no is None:
            return
        co = self.co

        def entered(values: dict[str, str] | None) -> None:
            if not values or not values["discount"]:
                return
            percent, amount = parse_discount(values["discount"])
            self.guarded(
                co,
                lambda a: co.discount_line(line_no, percent=percent, amount=amount, approver=a),
                reason=f"discount {values['discount']} on line {line_no}",
                done=self.shown,
            )

        self.app.push_screen(
            PromptScreen(
                f"Discount on line {line_no}",
                [Field("discount", "Discount: 10% for a percent, 10.00 for an amount")],
            ),
            entered,
        )

    def action_price_override(self) -> None:
        line_no = self._selected()
        if line_no is None:
            return
        co = self.co

        def entered(values: dict[str, str] | None) -> None:
            if values and values["price"]:
                self.guarded(
                    co,
                    lambda a: co.override_price(line_no, values["price"], approver=a),
                    reason=f"price {values['price']} on line {line_no}",
                    done=self.shown,
                )

        self.app.push_screen(
            PromptScreen(f"New unit price for line {line_no}", [Field("price", "Price")]), entered
        )

    def action_sale_discount(self) -> None:
        co = self.co

        def entered(values: dict[str, str] | None) -> None:
            if not values or not values["discount"]:
                return
            percent, amount = parse_discount(values["discount"])
            self.guarded(
                co,
                lambda a: co.discount_sale(percent=percent, amount=amount, approver=a),
                reason=f"sale discount {values['discount']}",
                done=self.shown,
            )

        self.app.push_screen(
            PromptScreen(
                "Discount on the whole sale",
                [Field("discount", "Discount: 10% for a percent, 10.00 for an amount")],
            ),
            entered,
        )

    def action_void_line(self) -> None:
        line_no = self._selected()
        if line_no is not None:
            co = self.co
            self.guarded(co, lambda _a: co.void_line(line_no), reason="void line", done=self.shown)

    def action_void_sale(self) -> None:
        if self.view is None or self.view.empty:
            self.refuse("There is no sale to void")
            return

        def chosen(choice: str | None) -> None:
            if choice == "void":
                co = self.co
                self.guarded(co, lambda _a: co.cancel(), reason="void sale", done=self.shown)

        self.app.push_screen(
            ChoiceScreen(
                "Void the whole sale?",
                "Every line and tender is dropped (the void is in the audit log).",
                [("keep", "Keep the sale"), ("void", "Void the sale")],
            ),
            chosen,
        )
