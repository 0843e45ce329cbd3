"""Tenders of a sale at the lane: cash, card, the customer's account and points, and the change.

A mixin of ``Checkout``: it works on the checkout's cart and prices with its ``quote``.

The rules (docs/money.md, "Tenders, change and redemption"): change is only ever given out of
cash. A card, account or points tender pays at most what is still due after the tenders already
taken, so it never turns into change; the points prompt offers what pays the rest, not the
total. A line change that would leave the tenders more than the sale is refused
(:meth:`Tenders._tenders_fit`): a tender never outlives the lines it paid for.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal
from typing import Any

from pos_tui import engine
from pos_tui.engine.money import ZERO, NotANumber, TooManyPlaces, parse_money
from pos_tui.services.accounts.calendar import charge_due_date
from pos_tui.services.checkout.atomic import atomic
from pos_tui.services.checkout.cart import Cart, CartTender
from pos_tui.services.checkout.engine_inputs import EngineInputs, PricingBasis
from pos_tui.services.checkout.errors import CheckoutError, parse_decimal, typed_points
from pos_tui.services.runtime.backend import Backend
from pos_tui.services.staff.auth import Employee
from pos_tui.services.staff.lockout import PinLocked, check_customer_pin
from pos_tui.services.sync import policy


@dataclass(frozen=True)
class PointsOffer:
    """Points that can pay part of the sale now: ``points`` more, worth ``value``; ``capped``
    says why fewer than asked (None: as many as asked)."""

    points: Decimal
    value: Decimal
    capped: str | None
    refusal: str | None = None


class Tenders:
    """Taking payment on the checkout's cart."""

    # What the checkout provides.
    b: Backend
    employee: Employee
    inputs: EngineInputs
    cart: Cart
    notices: list[str]
    _save: Callable[..., int]
    _restore: Callable[[], None]
    quote: Callable[..., engine.PricedSale]
    # A return's refunds (ReturnLines.refund_to): back where the sale's money came from.
    refund_to: Callable[..., engine.PricedSale]

    def paid(self) -> Decimal:
        return sum((Decimal(t.amount) for t in self.cart.tenders), ZERO)

    @property
    def sign(self) -> int:
        """+1 for a sale; -1 for a return, whose money flows back to the customer."""
        return 1 if self.cart.kind == "sale" else -1

    def due(self, priced: engine.PricedSale | None = None) -> Decimal:
        """The sale total as money in (negative on a return: money out, less the value of
        points short the store keeps, ``totals.amount_due``)."""
        priced = priced or self.quote()
        if self.cart.kind == "return":
            return -priced.totals.amount_due
        return self.sign * priced.totals.total

    def remaining(self, priced: engine.PricedSale | None = None) -> Decimal:
        """What is still to pay (negative on a return: what is still to give back)."""
        return self.due(priced) - self.paid()

    def still_due(self, priced: engine.PricedSale | None = None) -> Decimal:
        """What is left to take (a sale) or to give back (a return), never below zero: the most
        a card, account or points tender may be, so that only cash can give change."""
        return max(self.sign * self.remaining(priced), ZERO)

    @atomic
    def add_cash(
        self, amount: str | Decimal, *, approver: Employee | None = None
    ) -> engine.PricedSale:
        if self.cart.kind == "return":
            return self.refund_to("cash", amount, approver=approver)
        value = self.sign * self._money(amount, "Cash")
        if value == 0:
            raise CheckoutError("Enter the cash amount")
        return self._add_tender(CartTender(kind="cash", amount=str(value)))

    @atomic
    def add_card(
        self, amount: str | Decimal, reference: str, *, approver: Employee | None = None
    ) -> engine.PricedSale:
        if self.cart.kind == "return":
            return self.refund_to("card", amount, reference=reference, approver=approver)
        value = self.sign * self._money(amount, "Card amount")
        if not reference.strip():
            raise CheckoutError("Enter the card terminal's approval reference")
        self._within_due(value, "A card pays")
        return self._add_tender(
            CartTender(kind="card", amount=str(value), reference=reference.strip())
        )

    def card_precheck(self, amount: str | Decimal) -> None:
        """Refuse a card payment before its prompt asks for the terminal's reference when the
        amount alone is refused (more than is still due, nothing due, not a number). Reads
        only. A card refund's checks stay with :meth:`refund_to`."""
        if self.cart.kind != "sale":
            return
        self._within_due(self.sign * self._money(amount, "Card amount"), "A card pays")

    @atomic
    def add_account(
        self,
        amount: str | Decimal,
        *,
        pin: str | None = None,
        reference: str | None = None,
        approver: Employee | None = None,
    ) -> engine.PricedSale:
        """Charge to the customer's receivable account, with every check of the engine and the
        due date worked out now: whatever the commit would refuse is refused here. On a return:
        the refund back to the account (:meth:`refund_to`)."""
        if self.cart.kind == "return":
            return self.refund_to("account", amount, reference=reference, approver=approver)
        if self.cart.customer_id is None:
            raise CheckoutError("Charging to an account needs a customer on the sale")
        value = self.sign * self._money(amount, "Charge amount")
        self._within_due(value, "Charge")
        row = self.b.customers.get(self.cart.customer_id)
        assert row is not None
        try:  # locked: refused before the PIN is checked; every wrong PIN is audited
            pin_ok = bool(pin) and check_customer_pin(
                self.b, row.id, pin or "", row.pin_hash,
                where="account charge", employee_id=self.employee.id,
            )  # fmt: skip
        except PinLocked as exc:
            message = f"{exc}, or a supervisor clears it in the back office"
            raise CheckoutError(message, code="CHARGE_PIN_LOCKED") from None
        if pin and not pin_ok:
            raise CheckoutError("Wrong customer PIN", code="CHARGE_PIN_WRONG")
        request = self._charge_request(
            value,
            pin_verified=pin_ok,
            reference=reference,
            override=approver is not None and approver.at_least("supervisor"),
        )
        audit: list[tuple[str, dict[str, Any]]] = []
        if self.cart.kind == "sale":
            decision = self.quote(charge=request).charge
            _refuse_charge(decision)
            if decision is not None and decision.overridden and approver is not None:
                overridden = [r.code for r in decision.overridden]
                audit.append(
                    (
                        "charge_override",
                        {"amount": str(value), "approved_by": approver.id, "lifted": overridden},
                    )
                )
            charged = sum(
                (Decimal(t.amount) for t in self.cart.tenders if t.kind == "account"), ZERO
            )
            policy.check_charge(self.b, self.cart.customer_id, charged + value)
            due = self._charge_due_date(self.cart.customer_id)
            self.notices.append(f"{value} charged to the account: due {due.isoformat()}")
        if reference and reference.strip():
            self.cart.reference = reference.strip()
        tender = CartTender(
            kind="account",
            amount=str(value),
            reference=(reference or "").strip() or None,
            approved_by=approver.id if approver else None,
            pin_verified=pin_ok,
        )
        return self._add_tender(tender, audit=audit)

    # Refusals that no PIN, reference or supervisor can lift: said before the PIN is asked.
    _BEFORE_THE_PIN = frozenset(
        {"CUSTOMER_INACTIVE", "AR_NOT_ENABLED", "CHARGE_NOT_ALLOWED", "LOCATION_LIMITED",
         "CARD_EXPIRED", "NO_AMOUNT"}
    )  # fmt: skip

    def account_precheck(self, amount: str | Decimal) -> None:
        """Refuse a charge to account now, before the prompt asks for PIN and reference, when
        it is refused whatever they are (another store, no account, a closed account): the
        cashier is not made to type for nothing. Reads only: nothing is saved or audited."""
        if self.cart.kind != "sale" or self.cart.customer_id is None:
            return
        value = self.sign * self._money(amount, "Charge amount")
        request = self._charge_request(value, pin_verified=True, reference="-", override=False)
        decision = self.quote(charge=request).charge
        final = [r for r in decision.refusals if r.code in self._BEFORE_THE_PIN] if decision else []
        if final:
            raise CheckoutError("; ".join(r.message for r in final), code=final[0].code)

    def _charge_request(
        self, amount: Decimal, *, pin_verified: bool, reference: str | None, override: bool
    ) -> engine.ChargeRequest:
        return engine.ChargeRequest(
            transaction_type="charge",
            amount=amount,
            pin_verified=pin_verified,
            reference=(reference or "").strip() or None,
            location_id=self.inputs.location_id(),
            supervisor_override=override,
        )

    def _check_charges(self, basis: PricingBasis) -> None:
        """The sale's charges to account checked again on ``basis`` (the customer's account as
        the commit reads it under its write lock): another lane may have charged the same
        account since they were tendered, so together they would pass the credit limit. A
        charge a supervisor approved keeps its override."""
        charged = [t for t in self.cart.tenders if t.kind == "account"]
        if self.cart.kind != "sale" or not charged:
            return
        request = self._charge_request(
            sum((Decimal(t.amount) for t in charged), ZERO),
            pin_verified=all(t.pin_verified for t in charged),
            reference=next((t.reference for t in charged if t.reference), None),
            override=any(t.approved_by is not None for t in charged),
        )
        _refuse_charge(
            self.quote(charge=request, basis=basis).charge,
            then="the account changed since it was charged (another lane?): take the charge off "
            "(F9 on the pay screen) and charge it again",
        )

    def _charge_due_date(self, customer_id: int) -> dt.date:
        """When a charge posted today falls due (the commit posts it with this date); terms
        the engine cannot read refuse the charge now, not at commit."""
        customer, _, _ = self.inputs.customer(customer_id)
        try:
            return charge_due_date(
                self.b, customer, self.b.now().date(), self.inputs.settings()
            ).due
        except ValueError as exc:
            raise CheckoutError(
                f"Cannot charge to this account: {exc}. Fix the customer's payment terms",
                code="CHARGE_TERMS",
            ) from None

    @atomic
    def add_points(self, points: str | Decimal) -> engine.PricedSale:
        """Pay part of the sale with points: at most the balance, in whole units of the card
        type's rate, and at most what is still due. Fewer than asked: the lane is told why. On
        a return: the points the sale was paid with go back as points."""
        if self.cart.kind == "return":
            return self.refund_to("points")
        if self.cart.customer_id is None:
            raise CheckoutError("Redeeming points needs a customer on the sale")
        wanted = typed_points(points)
        offer = self.points_offer(wanted)
        if offer.refusal is not None:
            raise CheckoutError(offer.refusal, code="REDEMPTION_REFUSED")
        already = sum(
            (Decimal(t.points or 0) for t in self.cart.tenders if t.kind == "points"), ZERO
        )
        policy.check_redemption(self.b, self.cart.customer_id, already + offer.points)
        if offer.capped is not None:
            self.notices.append(
                f"{_count(wanted)} points asked: {_count(offer.points)} redeemed = {offer.value} "
                f"({offer.capped})"
            )
        return self._add_tender(
            CartTender(kind="points", amount=str(offer.value), points=str(offer.points))
        )

    def usable_points(self, *, refuse: bool = False) -> tuple[Decimal, Decimal]:
        """(points, value) that could pay the sale now: what the points prompt offers.
        ``refuse``: when none can, say why (the prompt is then not opened for nothing)."""
        if self.cart.customer_id is None or self.cart.kind != "sale":
            return (ZERO, ZERO)
        offer = self.points_offer(None)
        if offer.refusal and refuse:
            raise CheckoutError(offer.refusal, code="REDEMPTION_REFUSED")
        return (ZERO, ZERO) if offer.refusal else (offer.points, offer.value)

    def points_offer(self, wanted: Decimal | None) -> PointsOffer:
        """How many more points (at most ``wanted``; None: as many as may be) pay part of the
        sale now, on top of the points already tendered."""
        cid = self.cart.customer_id
        assert cid is not None
        tendered = [t for t in self.cart.tenders if t.kind == "points"]
        already = sum((Decimal(t.points or 0) for t in tendered), ZERO)
        already_value = sum((Decimal(t.amount) for t in tendered), ZERO)
        room = self.still_due()
        row = self.b.customers.get(cid)
        card_type = self.inputs.card_type(row.card_type_id if row else None)
        per_points = card_type.points_to_convert if card_type else ZERO
        per_money = card_type.equivalent_currency if card_type else ZERO
        rated = per_points > 0 and per_money > 0
        # Whole units that fit in what is still due (the engine caps at the sale total only).
        cap = (room / per_money).to_integral_value(ROUND_FLOOR) * per_points if rated else None
        request = wanted if cap is None else (cap if wanted is None else min(wanted, cap))
        while True:
            asked = None if request is None else already + request
            red = self.quote(redemption=engine.RedemptionRequest(points=asked)).redemption
            if red is None or red.refusals:
                message = red.refusals[0].message if red and red.refusals else None
                return PointsOffer(ZERO, ZERO, None, message or "Points cannot be redeemed")
            value = red.currency_value - already_value
            # A rate finer than the currency may round a unit up past what is due: one less.
            if value <= room or request is None or request <= 0:
                break
            request = max(request - per_points, ZERO)
        used = red.points_used - already
        left = red.balance_before - already
        if used <= 0:
            if room <= 0:
                why = "Nothing is still due: points pay only what is left to pay"
            elif left < per_points:
                why = f"Not enough points: {_count(left)} on the card, {_count(per_points)} points = {per_money}"
            elif room < per_money:
                why = (
                    f"The {room} still due is less than one points unit "
                    f"({_count(per_points)} points = {per_money}): take it in cash or by card"
                )
            else:
                why = "No more points can be used on this sale"
            return PointsOffer(ZERO, ZERO, None, why)
        capped = None
        if wanted is not None and used < wanted:
            if wanted > left:
                capped = f"only {_count(left)} points on the card"
            elif cap is not None and wanted > cap:
                capped = f"{value} pays the {room} still due"
            else:
                capped = f"points redeem in whole units of {_count(per_points)}"
        return PointsOffer(used, value, capped)

    @atomic
    def remove_tender(self, index: int) -> engine.PricedSale:
        if not 0 <= index < len(self.cart.tenders):
            raise CheckoutError("There is no such tender")
        del self.cart.tenders[index]
        self._save()
        return self.quote()

    def _add_tender(
        self, tender: CartTender, *, audit: Sequence[tuple[str, dict[str, Any]]] = ()
    ) -> engine.PricedSale:
        if not self.cart.lines:
            raise CheckoutError("Nothing to pay: scan an item first")
        self.cart.tenders.append(tender)
        self._save(audit=audit)
        return self.quote()

    def _within_due(self, value: Decimal, what: str) -> None:
        """A tender other than cash pays at most what is still due (it can give no change)."""
        room = self.still_due()
        if room == 0:
            raise CheckoutError(
                "Nothing is still due: only cash can be over-tendered, and change comes from cash"
            )
        if abs(value) > room:
            raise CheckoutError(f"{what} at most the {room} still due")

    def _tenders_fit(self, priced: engine.PricedSale) -> None:
        """Refuse a change to the lines that the tenders taken no longer fit: a sale with no
        lines left, card/account/points more than the new total (they would come back as
        change), or more given back than a return's new refund. Take a tender off first."""
        tenders = self.cart.tenders
        if not tenders:
            return
        how = "take the tenders off first (F9 on the pay screen) or void the whole sale"
        if not self.cart.lines:
            raise CheckoutError(
                f"Tenders of {_listed(tenders)} are on the sale: {how}", code="TENDERS_LEFT"
            )
        total = self.sign * self.due(priced)
        if self.cart.kind == "sale":
            not_cash = [t for t in tenders if t.kind != "cash"]
            taken = sum((Decimal(t.amount) for t in not_cash), ZERO)
            if taken > total:
                raise CheckoutError(
                    f"{_listed(not_cash)} would be more than the new total {total}: "
                    f"change comes only from cash; {how}",
                    code="TENDERS_OVER_TOTAL",
                )
        elif -self.paid() > total:
            raise CheckoutError(
                f"{-self.paid()} given back would be more than the new refund {total}; {how}",
                code="TENDERS_OVER_TOTAL",
            )

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
        try:
            value = parse_money(value, what, self.b.settings.currency.minor_unit)
        except (NotANumber, TooManyPlaces) as exc:
            raise CheckoutError(str(exc)) from None
        if value < 0:
            raise CheckoutError(f"{what} cannot be negative")
        return value


def _refuse_charge(decision: engine.ChargeDecision | None, *, then: str | None = None) -> None:
    """Every reason the engine refuses a charge, as one refusal (a supervisor may lift it when
    every reason may be lifted); ``then``: what the cashier does next."""
    if decision is None or decision.allowed:
        return
    reasons = "; ".join(r.message for r in decision.refusals)
    raise CheckoutError(
        f"{reasons}: {then}" if then else reasons,
        code=decision.refusals[0].code,
        override_allowed=all(r.override_allowed for r in decision.refusals),
    )


def give_back(tenders: Iterable[CartTender]) -> str:
    """What to hand back for the tenders of a voided sale (nothing was posted, so points and
    account charges need nothing)."""
    parts = []
    for t in tenders:
        amount = Decimal(t.amount)
        verb = "give back" if amount > 0 else "take back"
        if t.kind == "cash":
            parts.append(f"{verb} cash {abs(amount)}")
        elif t.kind == "card":
            parts.append(f"reverse card {abs(amount)} ({t.reference}) on the card terminal")
    return "; ".join(parts)


def _listed(tenders: Iterable[CartTender]) -> str:
    return ", ".join(f"{t.kind} {abs(Decimal(t.amount))}" for t in tenders)


def _count(points: Decimal) -> str:
    """Points without trailing zeros (100, 2.5)."""
    return f"{points.normalize():f}"
