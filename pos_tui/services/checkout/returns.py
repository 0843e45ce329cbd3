"""Returns against a committed sale: what is left to give back, and where the money goes.

A return is never priced again: its lines, taxes and points are shares of what the sale paid
(:mod:`pos_tui.engine.refunds`), and its refund goes back to where the sale's money came from
unless a supervisor routes it elsewhere. See ``docs/money.md``, "Returns and refunds".
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

from pos_tui import engine
from pos_tui.engine.money import ZERO
from pos_tui.services.checkout.atomic import atomic
from pos_tui.services.checkout.cart import Cart, CartLine, CartTender, TenderKind
from pos_tui.services.checkout.engine_inputs import EngineInputs, PricingBasis
from pos_tui.services.checkout.errors import CheckoutError
from pos_tui.services.runtime.backend import Backend
from pos_tui.services.staff.auth import Employee
from pos_tui.storage.accounts import OrderRepository
from pos_tui.storage.journal import SaleLineRow, SaleRow, SaleTenderRow

if TYPE_CHECKING:
    from collections.abc import Callable

REFUND_KINDS: tuple[TenderKind, ...] = ("cash", "card", "account", "points")


@dataclass(frozen=True)
class RefundPlan:
    """Where this return's refund goes by default (``parts``, the sale's own tenders) and what
    the store's policy does with points short."""

    parts: tuple[engine.RefundPart, ...]
    shortfall: engine.PointsShortfall | None
    policy: str

    def part(self, kind: str) -> engine.RefundPart | None:
        return next((p for p in self.parts if p.kind == kind), None)


@dataclass(frozen=True, slots=True)
class ReturnableLine(SaleLineRow):
    """A line of the original sale with how many of its units can still come back."""

    returnable: Decimal


class ReturnLines:
    """The return side of :class:`~pos_tui.services.checkout.sale.Checkout` (mixed into it)."""

    b: Backend
    inputs: EngineInputs
    cart: Cart
    employee: Employee
    _original: SaleRow | None
    _paid: engine.PaidSale | None
    _return_basis: PricingBasis | None
    _quoted: tuple[tuple[Any, ...], engine.PricedSale] | None
    # Provided by Checkout and Tenders.
    _quantity: Callable[[Decimal | str], Decimal]
    _save: Callable[..., int]
    _restore: Callable[[], None]
    _changed: Callable[..., engine.PricedSale]
    quote: Callable[..., engine.PricedSale]
    remaining: Callable[..., Decimal]
    _money: Callable[[str | Decimal, str], Decimal]

    # -- lines ---------------------------------------------------------------------------------
    def returnable(self) -> list[ReturnableLine]:
        """Lines of the original sale with what is left to return."""
        if self._original is None:
            return []
        sale_id = self._original.id
        lines = self.b.journal.children(sale_id).lines
        returned = self.b.journal.returned_quantities(sale_id)
        out = []
        for line in lines:
            left = line.quantity - returned.get(line.line_no, ZERO)
            columns = {f.name: getattr(line, f.name) for f in dataclasses.fields(line)}
            out.append(ReturnableLine(**columns, returnable=left))
        return out

    @atomic
    def add_return_line(self, original_line_no: int, quantity: Decimal | str) -> engine.PricedSale:
        """Give back ``quantity`` units of the sale's line, at what was paid for them."""
        if self.cart.kind != "return" or self._original is None:
            raise CheckoutError("Start a return from a past sale first")
        qty = self._quantity(quantity)
        self._check_returnable(original_line_no, qty)
        original = next(x for x in self.returnable() if x.line_no == original_line_no)
        if original.item_id is None:
            raise CheckoutError("That line's item no longer exists")
        line = CartLine(
            line_no=self.cart.next_line_no,
            item_id=original.item_id,
            quantity=str(qty),
            original_line_no=original_line_no,
        )
        self.cart.lines.append(line)
        self.cart.next_line_no += 1
        return self._changed()

    def _check_returnable(
        self, original_line_no: int, qty: Decimal, *, except_line: int | None = None
    ) -> None:
        lines = {x.line_no: x for x in self.returnable()}
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
        line = lines[original_line_no]
        left = line.returnable - in_cart
        if abs(qty) > left:
            raise CheckoutError(
                f"Only {left} of {line.description} (line {line.line_no}) can still be returned"
            )

    # -- the refund's price ----------------------------------------------------------------------
    def paid_sale(self) -> engine.PaidSale:
        """The original sale as the engine's refunds read it (read once: it never changes)."""
        if self._original is None:
            raise CheckoutError("Start a return from a past sale first")
        if self._paid is None:
            self._paid = _paid_sale(self.b, self.inputs, self._original)
        return self._paid

    def given_back(self) -> engine.GivenBack:
        """What earlier returns of the sale gave back (read afresh: another lane may return)."""
        if self._original is None:
            return engine.GivenBack()
        return self.b.returns.given_back(self._original.id)

    def _points_back(self) -> tuple[Decimal, Decimal]:
        """Points this return's tenders give back as points, and their money value."""
        back = [t for t in self.cart.tenders if t.kind == "points" and Decimal(t.amount) < 0]
        return (
            sum((Decimal(t.points or 0) for t in back), ZERO),
            -sum((Decimal(t.amount) for t in back), ZERO),
        )

    def _quote_return(self, basis: PricingBasis) -> engine.PricedSale:
        """The return priced from what the sale paid (never by the engine's price rules)."""
        self._return_basis = basis
        given = self.given_back()
        points_back = self._points_back()
        key = (basis, "return", self.cart.pricing_key(), given, points_back)
        if self._quoted is not None and self._quoted[0] == key:
            return self._quoted[1]
        lines = [
            engine.ReturnLine(cl.line_no, cl.original_line_no, Decimal(cl.quantity))
            for cl in self.cart.lines
            if cl.original_line_no is not None
        ]
        card_type = balance = None
        if self.cart.customer_id is not None and basis.customer is not None:
            card_type = self.inputs.card_type(basis.customer.row.card_type_id)
            balance = basis.customer.points_balance
        priced = engine.price_return(
            self.paid_sale(),
            given,
            lines,
            self.inputs.settings(),
            basis.moment,
            customer_id=self.cart.customer_id,
            card_type=card_type,
            points_balance=balance,
            points_back=points_back[0],
            points_value_back=points_back[1],
            below_zero_by=self.cart.points_below_zero_by,
        )
        self._quoted = (key, priced)
        return priced

    # -- where the refund goes ---------------------------------------------------------------------
    def refund_plan(self, priced: engine.PricedSale | None = None) -> RefundPlan:
        """Where the refund goes by default: each tender of the sale gets back its share of the
        refund (points as points at the rate they paid), less the value of any points short."""
        if self.cart.kind != "return" or self._original is None:
            raise CheckoutError("Only a return has a refund")
        priced = priced or self.quote()
        settings = self.inputs.settings()
        paid, given = self.paid_sale(), self.given_back()
        total = priced.totals.total
        first = engine.route_refund(paid, given, total, settings)
        shortfall = priced.shortfall
        points_part = next((p for p in first if p.kind == "points"), None)
        state = self._return_basis.customer if self._return_basis is not None else None
        if state is not None and priced.points is not None:
            # The policy on points short, as if the points went back as the sale paid them.
            shortfall = engine.points_shortfall(
                reversed_points=-priced.points.points,
                points_back=points_part.points if points_part else ZERO,
                balance=state.points_balance,
                card_type=self.inputs.card_type(state.row.card_type_id),
                money_back=total - (points_part.amount if points_part else ZERO),
                settings=settings,
                allowed_by=self.cart.points_below_zero_by,
            )
        keep = shortfall.value if shortfall is not None else ZERO
        parts = engine.route_refund(paid, given, total, settings, keep=keep) if keep else first
        return RefundPlan(parts, shortfall, settings.return_points_shortfall)

    @atomic
    def refund_as_paid(self, *, card_reference: str | None = None) -> engine.PricedSale:
        """Give the refund back the way the sale was paid (:meth:`refund_plan`), replacing any
        refund tenders. A card part needs the terminal's refund reference: without one it is
        left for the cashier to take on the card terminal (F6)."""
        plan = self.refund_plan()
        self.cart.tenders = []
        for part in plan.parts:
            if part.kind == "card" and not (card_reference or "").strip():
                continue
            self.cart.tenders.append(self._refund_tender(part.kind, part, card_reference))
        self._save()
        return self.quote()

    @atomic
    def refund_to(
        self,
        kind: TenderKind,
        amount: str | Decimal | None = None,
        *,
        reference: str | None = None,
        approver: Employee | None = None,
    ) -> engine.PricedSale:
        """Give back ``amount`` by ``kind``. Up to what the sale paid by that kind (its share of
        this return) needs nobody; more, or a kind the sale was not paid with, is a supervisor's
        decision (the approver is audited with the return)."""
        self._check_refund_kind(kind)
        priced = self.quote()
        part = self.refund_plan(priced).part(kind)
        if kind == "points":
            tender = self._points_back_tender(part)
        else:
            asked = amount if amount is not None else abs(self.remaining(priced))
            value = self._money(asked, f"{kind.capitalize()} refund")
            if value == 0:
                raise CheckoutError("Enter the amount to give back")
            if kind == "card" and not (reference or "").strip():
                raise CheckoutError("Enter the card terminal's refund reference")
            tender = CartTender(kind=kind, amount=str(-value), reference=_clean(reference))
        value = -Decimal(tender.amount)
        left = abs(self.remaining(priced))
        if value > left:
            raise CheckoutError(f"Give back at most the {left} still to refund")
        routed = part.amount if part is not None else ZERO
        if self._given_by(kind) + value > routed:
            if approver is None or not approver.at_least("supervisor"):
                paid = (
                    f"the sale's {kind} share is {routed}" if routed else f"the sale had no {kind}"
                )
                raise CheckoutError(
                    f"Refund {value} by {kind}: {paid}: needs a supervisor",
                    code="REFUND_ROUTE_NEEDS_SUPERVISOR",
                    override_allowed=True,
                )
            tender.approved_by = approver.id
        self.cart.tenders.append(tender)
        self._save()
        return self.quote()

    def _check_refund_kind(self, kind: str) -> None:
        """A refund by ``kind`` can be given at all on this cart (before any amount)."""
        if self.cart.kind != "return":
            raise CheckoutError("Only a return gives money back")
        if kind not in REFUND_KINDS:
            raise CheckoutError(f"Cannot refund by {kind!r}")
        if kind in ("account", "points") and self.cart.customer_id is None:
            raise CheckoutError(f"A refund to {kind} needs the sale's customer")
        if kind == "account":
            row = self.b.customers.get(self.cart.customer_id)  # type: ignore[arg-type]
            if row is None or not row.ar_enabled:
                raise CheckoutError("The customer has no account to refund to")

    def _points_back_tender(self, part: engine.RefundPart | None) -> CartTender:
        """The points the sale was paid with, back as points (their share of this return)."""
        if part is None:
            raise CheckoutError(
                "The sale was not paid with points: give the refund back in money",
                code="REFUND_NO_POINTS",
            )
        if self._given_by("points"):
            raise CheckoutError("The points are already given back")
        return self._refund_tender("points", part, None)

    def _given_by(self, kind: str) -> Decimal:
        """Money this return's tenders already give back by ``kind``."""
        back = (Decimal(t.amount) for t in self.cart.tenders if t.kind == kind)
        return -sum((a for a in back if a < 0), ZERO)

    @atomic
    def allow_points_below_zero(self, approver: Employee | None = None) -> engine.PricedSale:
        """A supervisor lets the return take the customer's points below zero (audited)."""
        priced = self.quote()
        short = priced.shortfall
        if short is None or (short.refusal is None and short.allowed_by is None):
            raise CheckoutError("The customer's points stay at or above zero: nothing to allow")
        if approver is None or not approver.at_least("supervisor"):
            raise CheckoutError(
                short.description,
                code="POINTS_BELOW_ZERO",
                override_allowed=True,
            )
        self.cart.points_below_zero_by = approver.id
        self._save()
        return self.quote()

    def _refund_tender(
        self, kind: TenderKind, part: engine.RefundPart, card_reference: str | None
    ) -> CartTender:
        reference = _clean(card_reference) if kind == "card" else None
        if kind == "account" and part.references:
            reference = part.references[0]
        return CartTender(
            kind=kind,
            amount=str(-part.amount),
            reference=reference,
            points=str(part.points) if kind == "points" else None,
        )


def _clean(text: str | None) -> str | None:
    return (text or "").strip() or None


def _paid_sale(b: Backend, inputs: EngineInputs, sale: SaleRow) -> engine.PaidSale:
    """The stored sale, its lines told what the catalog says of their items now."""
    children = b.journal.children(sale.id)
    lines = []
    for row in children.lines:
        eligible, discountable, codes = True, True, frozenset[str]()
        if row.item_id is not None:
            try:
                item = inputs.item(row.item_id)
            except KeyError:
                item = None
            if item is not None:
                eligible, discountable = item.points_eligible, item.discount_eligible
                if item.tax_class_id is not None:
                    codes = frozenset(t.code for t in inputs.tax_class(item.tax_class_id).taxes)
        lines.append(
            engine.PaidLine(
                line_no=row.line_no,
                sku=row.sku,
                description=row.description,
                quantity=row.quantity,
                unit_price=row.unit_price,
                discount=row.discount,
                tax=row.tax,
                total=row.total,
                item_id=row.item_id,
                points_eligible=eligible,
                discount_eligible=discountable,
                tax_codes=codes,
            )
        )
    taxes = []
    for tax_row in children.taxes:
        tax = b.catalog.by_code("taxes", tax_row.tax_code)
        taxes.append(
            engine.PaidTax(
                tax_code=tax_row.tax_code,
                taxable=tax_row.taxable,
                amount=tax_row.amount,
                name=str(tax["name"]) if tax else tax_row.tax_code,
                rate_percent=Decimal(tax["rate_percent"]) if tax else ZERO,
                mode=tax["mode"] if tax else "exclusive",
            )
        )
    tenders: list[engine.PaidTender] = []
    for tender in children.tenders:
        if tender.kind == "deposit":
            tenders += _deposit_tenders(b, sale.id, tender.amount)
        else:
            tenders.append(_paid_tender(tender))
    return engine.PaidSale(
        lines=tuple(lines),
        taxes=tuple(taxes),
        tenders=tuple(tenders),
        points_earned=sale.points_earned,
        referral_points=sale.referral_points,
        referral_customer_id=sale.referral_customer_id,
        sale_id=sale.id,
    )


def _paid_tender(row: SaleTenderRow) -> engine.PaidTender:
    """A stored tender as money the sale took: cash net of the change it gave."""
    return engine.PaidTender(
        # A stored kind; PaidTender refuses one a refund cannot go back by.
        kind=cast(TenderKind, row.kind),
        amount=row.amount - row.change_given,
        points=row.points or ZERO,
        reference=row.reference,
    )


def _deposit_tenders(b: Backend, sale_id: int, deposit: Decimal) -> list[engine.PaidTender]:
    """A completed order's ``deposit`` tender ("Paid on order ...") is the order's payments:
    its share of a refund goes back the way each payment was made (cash, card, account, points
    at the rate paid). They add up to the deposit, or the return is refused: a refund never
    invents nor loses money."""
    order = OrderRepository(b.db).order_of_sale(sale_id)
    payments = (
        [r for r in OrderRepository(b.db).records(order.id) if r.kind == "order_payment"]
        if order is not None
        else []
    )
    tenders = [_paid_tender(row) for r in payments for row in b.journal.children(r.id).tenders]
    paid = sum((t.amount for t in tenders), ZERO)
    if paid != deposit:
        number = order.number if order is not None else "its order"
        raise CheckoutError(
            f"The sale's deposit of {deposit} does not match the {paid} paid on {number}: "
            "nothing is refunded until the journal is checked (pos-tui journal verify)",
            code="REFUND_DEPOSIT_UNMATCHED",
        )
    return tenders
