"""Changing the lines of the sale: quantity, line and sale discounts, price, voids. Their
prompts keep what was typed when it is refused (screens/kept_prompt.py)."""

from __future__ import annotations

from collections.abc import Callable

from textual.widgets import Input

from pos_tui.screens.checkout_customer import CustomerFlows
from pos_tui.screens.dialogs import ChoiceScreen, Field
from pos_tui.screens.entry import is_number, parse_discount
from pos_tui.screens.kept_prompt import Change, ask_change, typed_check
from pos_tui.services.checkout.errors import (
    CheckoutError,
    typed_discount,
    typed_price,
    typed_quantity,
)
from pos_tui.services.checkout.sale_view import SaleView
from pos_tui.services.staff.auth import Employee
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
        """A number in the entry: quantity for the next item. Empty entry: change the line.
        Anything else stays in the entry, said why (it is checked before the item is scanned)."""
        entry = self.query_one("#entry", Input)
        text = entry.value.strip()
        if text:
            if not is_number(text):
                self.refuse(f"{text!r} is not a quantity: type a number, then F4")
                return
            try:
                typed_quantity(text)
            except CheckoutError as exc:
                self.refuse(exc.message)
                return
            entry.value = ""
            self._set_pending(text)
            self.hint(f"Quantity {text}: now scan the item")
            return
        line_no = self._selected()
        if line_no is None:
            return
        line = self.cart.selected_line()
        current = quantity(line.quantity) if line else ""
        co, name = self.co, self._line_name(line_no)

        def change(values: dict[str, str]) -> Change | None:
            if not values["qty"]:
                return None
            return (lambda _a: co.set_quantity(line_no, values["qty"])), f"quantity of {name}"

        ask_change(
            self, co, f"Quantity of {name}", [Field("qty", "Quantity", current)], change,
            done=self.shown, check=typed_check("qty", typed_quantity),
        )  # fmt: skip

    def _line_name(self, line_no: int) -> str:
        """A line as the cashier knows it: its item's name, and its number on the cart."""
        line = self.cart.selected_line()
        if line is None or line.line_no != line_no:
            return f"line {line_no}"
        return f"{line.description} (line {line_no})"

    def action_line_discount(self) -> None:
        line_no = self._selected()
        if line_no is not None:
            self._discount_prompt(line_no)

    def action_sale_discount(self) -> None:
        self._discount_prompt(None)

    def _discount_prompt(self, line_no: int | None) -> None:
        """A manual discount on a line (None: the whole sale). A forced price level refuses
        any before one is typed; one over 100% is said on the prompt; one over the cashier's
        limit asks a supervisor, and a supervisor who does not approve gives the prompt back."""
        co = self.co
        where = "the whole sale" if line_no is None else self._line_name(line_no)

        def change(values: dict[str, str]) -> Change | None:
            typed = values["discount"]
            if not typed:
                return None
            percent, amount = parse_discount(typed)

            def op(a: Employee | None) -> object:
                if line_no is None:
                    return co.discount_sale(percent=percent, amount=amount, approver=a)
                return co.discount_line(line_no, percent=percent, amount=amount, approver=a)

            return op, f"discount {typed} on {where}"

        ask_change(
            self, co, f"Discount on {where}",
            [Field("discount", "Discount: 10% for a percent, 10.00 for an amount")], change,
            done=self.shown,
            check=typed_check("discount", lambda text: typed_discount(*parse_discount(text))),
            precheck=lambda: co.discount_precheck(line_no),
        )  # fmt: skip

    def action_price_override(self) -> None:
        line_no = self._selected()
        if line_no is None:
            return
        co, name = self.co, self._line_name(line_no)

        def change(values: dict[str, str]) -> Change | None:
            price = values["price"]
            if not price:
                return None
            return (lambda a: co.override_price(line_no, price, approver=a)), f"price {price} on {name}"  # fmt: skip

        ask_change(
            self, co, f"New unit price of {name}", [Field("price", "Price")], change,
            done=self.shown, check=typed_check("price", typed_price),
        )  # fmt: skip

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
