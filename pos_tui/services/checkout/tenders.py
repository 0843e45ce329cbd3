"""Tenders of a sale at the lane: cash, card, the customer's account and points, and the change.

A mixin of ``Checkout``: it works on the checkout's cart and prices with its ``quote``.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from pos_tui import engine
from pos_tui.services.checkout.cart import Cart, CartTender
from pos_tui.services.checkout.engine_inputs import EngineInputs
from pos_tui.services.checkout.errors import CheckoutError, parse_decimal
from pos_tui.services.runtime.backend import Backend
from pos_tui.services.staff.auth import Employee
from pos_tui.services.staff.pins import verify_pin

ZERO = Decimal(0)


class Tenders:
    """Taking payment on the checkout's cart."""

    # What the checkout provides.
    b: Backend
    inputs: EngineInputs
    cart: Cart
    _save: Callable[..., int]
    quote: Callable[..., engine.PricedSale]

    def paid(self) -> Decimal:
        return sum((Decimal(t.amount) for t in self.cart.tenders), ZERO)

    @property
    def sign(self) -> int:
        """+1 for a sale; -1 for a return, whose money flows back to the customer."""
        return 1 if self.cart.kind == "sale" else -1

    def due(self, priced: engine.PricedSale | None = None) -> Decimal:
        """The sale total as money in (negative on a return: money out)."""
        priced = priced or self.quote()
        return self.sign * priced.totals.total

    def remaining(self, priced: engine.PricedSale | None = None) -> Decimal:
        """What is still to pay (negative on a return: what is still to give back)."""
        return self.due(priced) - self.paid()

    def add_cash(self, amount: str | Decimal) -> engine.PricedSale:
        value = self.sign * self._money(amount, "Cash")
        if value == 0:
            raise CheckoutError("Enter the cash amount")
        return self._add_tender(CartTender(kind="cash", amount=str(value)))

    def add_card(self, amount: str | Decimal, reference: str) -> engine.PricedSale:
        value = self.sign * self._money(amount, "Card amount")
        if not reference.strip():
            raise CheckoutError("Enter the card terminal's approval reference")
        priced = self.quote()
        if abs(value) > abs(self.remaining(priced)):
            raise CheckoutError(f"A card pays at most the {abs(self.remaining(priced))} still due")
        return self._add_tender(
            CartTender(kind="card", amount=str(value), reference=reference.strip())
        )

    def add_account(
        self,
        amount: str | Decimal,
        *,
        pin: str | None = None,
        reference: str | None = None,
        approver: Employee | None = None,
    ) -> engine.PricedSale:
        """Charge to the customer's receivable account, with every check of the engine."""
        if self.cart.customer_id is None:
            raise CheckoutError("Charging to an account needs a customer on the sale")
        value = self.sign * self._money(amount, "Charge amount")
        priced = self.quote()
        if abs(value) > abs(self.remaining(priced)):
            raise CheckoutError(f"Charge at most the {abs(self.remaining(priced))} still due")
        row = self.b.customers.get(self.cart.customer_id)
        assert row is not None
        pin_ok = bool(pin) and verify_pin(pin or "", row["pin_hash"])
        if pin and not pin_ok:
            raise CheckoutError("Wrong customer PIN", code="CHARGE_PIN_WRONG")
        request = engine.ChargeRequest(
            transaction_type="charge",
            amount=value,
            pin_verified=pin_ok,
            reference=(reference or "").strip() or None,
            location_id=self.inputs.location_id(),
            supervisor_override=approver is not None and approver.at_least("supervisor"),
        )
        if self.cart.kind == "sale":
            decision = self.quote(charge=request).charge
            if decision is not None and not decision.allowed:
                first = decision.refusals[0]
                overridable = all(r.override_allowed for r in decision.refusals)
                raise CheckoutError(
                    "; ".join(r.message for r in decision.refusals),
                    code=first.code,
                    override_allowed=overridable,
                )
        if reference and reference.strip():
            self.cart.reference = reference.strip()
        tender = CartTender(
            kind="account",
            amount=str(value),
            reference=(reference or "").strip() or None,
            approved_by=approver.id if approver else None,
            pin_verified=pin_ok,
        )
        return self._add_tender(tender)

    def add_points(self, points: str | Decimal) -> engine.PricedSale:
        """Pay part of the sale with points; the engine caps at balance and amount due."""
        if self.cart.customer_id is None:
            raise CheckoutError("Redeeming points needs a customer on the sale")
        wanted = parse_decimal(points, "Points")
        already = sum(
            (Decimal(t.points or 0) for t in self.cart.tenders if t.kind == "points"), ZERO
        )
        priced = self.quote(redemption=engine.RedemptionRequest(points=already + wanted))
        red = priced.redemption
        if red is None or red.refusals:
            message = (
                red.refusals[0].message if red and red.refusals else "Points cannot be redeemed"
            )
            raise CheckoutError(message, code="REDEMPTION_REFUSED")
        used_now = red.points_used - already
        if used_now <= 0:
            raise CheckoutError("No more points can be used on this sale")
        previous_value = sum(
            (Decimal(t.amount) for t in self.cart.tenders if t.kind == "points"), ZERO
        )
        self.cart.tenders.append(
            CartTender(
                kind="points", amount=str(red.currency_value - previous_value), points=str(used_now)
            )
        )
        self._save()
        return self.quote()

    def remove_tender(self, index: int) -> engine.PricedSale:
        del self.cart.tenders[index]
        self._save()
        return self.quote()

    def _add_tender(self, tender: CartTender) -> engine.PricedSale:
        self.cart.tenders.append(tender)
        self._save()
        return self.quote()

    def _change(self, total: Decimal, paid: Decimal) -> Decimal:
        if total >= 0:
            if paid < total:
                raise CheckoutError(f"{total - paid} is still due")
            over = paid - total
            cash = sum((Decimal(t.amount) for t in self.cart.tenders if t.kind == "cash"), ZERO)
            if over > cash:
                raise CheckoutError("Only cash can be over-tendered")
            return over
        # A return: tenders give money back (negative amounts) and must cover the refund exactly.
        if paid != total:
            raise CheckoutError(
                f"Give back {abs(total - paid)} more"
                if paid > total
                else "Refund is more than the return"
            )
        return ZERO

    def _money(self, amount: str | Decimal, what: str) -> Decimal:
        """An amount in the currency's minor unit: 12.345 is refused, 12 becomes 12.00."""
        value = parse_decimal(amount, what)
        places = self.b.settings.currency.minor_unit
        unit = Decimal(1).scaleb(-places)
        if value != value.quantize(unit):
            raise CheckoutError(f"{what} has more than {places} decimal places")
        if value < 0:
            raise CheckoutError(f"{what} cannot be negative")
        return value.quantize(unit)
