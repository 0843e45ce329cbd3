"""Returns against a committed sale: which lines are left to give back, at the price paid."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from pos_tui import engine
from pos_tui.services.checkout.cart import Cart, CartLine
from pos_tui.services.checkout.engine_inputs import EngineInputs
from pos_tui.services.checkout.errors import CheckoutError
from pos_tui.services.runtime.backend import Backend

if TYPE_CHECKING:
    from collections.abc import Callable

ZERO = Decimal(0)


class ReturnLines:
    """The return side of :class:`~pos_tui.services.checkout.sale.Checkout` (mixed into it)."""

    b: Backend
    inputs: EngineInputs
    cart: Cart
    _original: dict[str, Any] | None
    # Provided by Checkout.
    _quantity: Callable[[Decimal | str], Decimal]
    _save: Callable[..., int]
    quote: Callable[..., engine.PricedSale]

    def returnable(self) -> list[dict[str, Any]]:
        """Lines of the original sale with what is left to return."""
        if self._original is None:
            return []
        sale_id = int(self._original["id"])
        lines = self.b.journal.children(sale_id)["lines"]
        returned = self.b.journal.returned_quantities(sale_id)
        out = []
        for line in lines:
            left = Decimal(line["quantity"]) - returned.get(line["line_no"], ZERO)
            out.append({**line, "returnable": str(left)})
        return out

    def add_return_line(self, original_line_no: int, quantity: Decimal | str) -> engine.PricedSale:
        if self.cart.kind != "return" or self._original is None:
            raise CheckoutError("Start a return from a past sale first")
        qty = self._quantity(quantity)
        self._check_returnable(original_line_no, qty)
        original = next(x for x in self.returnable() if x["line_no"] == original_line_no)
        if original["item_id"] is None:
            raise CheckoutError("That line's item no longer exists")
        # Given back at what was paid: the line's net (after its discounts) per unit, before tax.
        paid_unit = (Decimal(original["total"]) - self._line_exclusive_tax(original)) / Decimal(
            original["quantity"]
        )
        line = CartLine(
            line_no=self.cart.next_line_no,
            item_id=int(original["item_id"]),
            quantity=str(qty),
            price_override=str(paid_unit),
            original_line_no=original_line_no,
        )
        self.cart.lines.append(line)
        self.cart.next_line_no += 1
        self._save()
        return self.quote()

    def _line_exclusive_tax(self, line: dict[str, Any]) -> Decimal:
        item = self.inputs.item(int(line["item_id"]))
        if item.tax_class_id is None:
            return ZERO
        inclusive = all(
            t.mode == "inclusive" for t in self.inputs.tax_class(item.tax_class_id).taxes
        )
        return ZERO if inclusive else Decimal(line["tax"])

    def _check_returnable(
        self, original_line_no: int, qty: Decimal, *, except_line: int | None = None
    ) -> None:
        lines = {x["line_no"]: x for x in self.returnable()}
        if original_line_no not in lines:
            raise CheckoutError(f"The original sale has no line {original_line_no}")
        in_cart = sum(
            (
                abs(Decimal(cl.quantity))
                for cl in self.cart.lines
                if cl.original_line_no == original_line_no and cl.line_no != except_line
            ),
            ZERO,
        )
        left = Decimal(lines[original_line_no]["returnable"]) - in_cart
        if abs(qty) > left:
            raise CheckoutError(f"Only {left} of that line can still be returned")
