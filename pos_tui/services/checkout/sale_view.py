"""What the lane shows of a sale, built on the database thread.

Screens never read a :class:`Checkout` from the UI thread: every change runs through
:func:`apply` on the database thread and comes back as an immutable :class:`SaleView` snapshot.
Nothing in this module imports Textual; each function only calls public service methods.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from pos_tui import engine
from pos_tui.engine.money import ZERO
from pos_tui.services.checkout.cart import Cart, CartTender
from pos_tui.services.checkout.returns import RefundPlan
from pos_tui.services.checkout.sale import Checkout, CheckoutError
from pos_tui.services.customers.service import CustomerDetails, CustomerService
from pos_tui.services.runtime.backend import Backend
from pos_tui.services.staff.auth import Employee
from pos_tui.storage.lane_state import OpenSaleRow


@dataclass(frozen=True)
class SaleView:
    """One consistent picture of the cart: priced lines, totals, tenders and the customer."""

    kind: str
    priced: engine.PricedSale
    due: Decimal
    paid: Decimal
    remaining: Decimal
    tenders: tuple[CartTender, ...]
    customer: CustomerDetails | None
    today: date
    original_sale_id: int | None = None
    # What the change wants the cashier told (points capped, tenders to give back...).
    notices: tuple[str, ...] = ()
    open_sale_id: int | None = None
    # A return: where its refund goes by default, and the policy on points short.
    refund: RefundPlan | None = None

    @property
    def is_return(self) -> bool:
        return self.kind == "return"

    @property
    def empty(self) -> bool:
        return not self.priced.lines

    @property
    def points_to_earn(self) -> Decimal:
        return self.priced.points.points if self.priced.points else ZERO

    @property
    def reference_label(self) -> str:
        """What the customer's account charge asks for as a reference (e.g. "PO number")."""
        if self.customer is None:
            return "Reference"
        label = self.customer.row.required_reference_label
        return str(label) if label else "Reference"

    @property
    def reference_required(self) -> bool:
        return bool(self.customer and self.customer.row.required_reference)


def snapshot(co: Checkout, priced: engine.PricedSale | None = None) -> SaleView:
    """The view of ``co`` now (database thread only)."""
    priced = priced or co.quote()
    cid = co.cart.customer_id
    details = CustomerService(co.b).details(cid) if cid is not None else None
    return SaleView(
        kind=co.cart.kind,
        priced=priced,
        due=co.due(priced),
        paid=co.paid(),
        remaining=co.remaining(priced),
        tenders=tuple(dataclasses.replace(t) for t in co.cart.tenders),
        customer=details,
        today=co.b.now().date(),
        original_sale_id=co.cart.original_sale_id,
        notices=co.take_notices(),
        open_sale_id=co.open_sale_id,
        refund=co.refund_plan(priced) if co.cart.kind == "return" and priced.lines else None,
    )


def apply(co: Checkout, op: Callable[[], object]) -> SaleView:
    """Run one change to the sale, then snapshot it (database thread only)."""
    result = op()
    return snapshot(co, result if isinstance(result, engine.PricedSale) else None)


@dataclass(frozen=True)
class OpenSale:
    """A sale not committed: left in progress (a crash, a dropped session) or held."""

    open_sale_id: int
    lane_id: str
    label: str
    started_at: str
    updated_at: str
    lines: int
    total: Decimal


def _describe(backend: Backend, employee: Employee, rows: list[OpenSaleRow]) -> list[OpenSale]:
    out = []
    for row in rows:
        lines, total = 0, ZERO
        try:
            # A probe on a copy of the cart: reading it must not touch the open sale.
            probe = Checkout(backend, employee, cart=Cart.from_json(json.loads(row.state)))
            priced = probe.quote()
            lines, total = len(priced.lines), probe.due(priced)
        except (CheckoutError, KeyError, ValueError, TypeError):
            pass
        out.append(
            OpenSale(
                open_sale_id=row.id,
                lane_id=row.lane_id,
                label=row.label or "",
                started_at=row.started_at,
                updated_at=row.updated_at,
                lines=lines,
                total=total,
            )
        )
    return out


def _empty(row: OpenSaleRow) -> bool:
    """No line and no tender in the saved cart (read from the cart itself, not from a price
    probe that a deleted item could fail)."""
    try:
        cart = Cart.from_json(json.loads(row.state))
    except (KeyError, ValueError, TypeError):
        return False  # unreadable: offered, never dropped
    return not cart.lines and not cart.tenders


def left_sales(backend: Backend, employee: Employee, current: Checkout) -> list[OpenSale]:
    """Sales this lane left in progress (database thread). An empty one (every line voided,
    or only a customer attached) is not offered back: it is voided here, audited as a void of
    no lines, so the next sign-in does not ask about it either.

    ``current`` is the sale on the lane's screen: a code scanned while the sign-in was still
    looking (a busy lane, a slow link) has already opened it, and it is the cashier's sale,
    not one left behind. Its id is read here, on the database thread that opens sales, so
    it is never half-known."""
    rows = [
        row for row in Checkout(backend, employee).in_progress() if row.id != current.open_sale_id
    ]
    for row in rows:
        if _empty(row):
            Checkout.resume(backend, employee, row.id).cancel()
    return _describe(backend, employee, [row for row in rows if not _empty(row)])


def held_sales(backend: Backend, employee: Employee) -> list[OpenSale]:
    """Suspended sales of every lane (database thread)."""
    return _describe(backend, employee, backend.open_sales.suspended())


def void_left_sale(backend: Backend, employee: Employee, open_sale_id: int) -> tuple[str, ...]:
    """Void a sale left in progress (database thread): audited, nothing to reverse; what to
    tell the cashier (tenders to give back)."""
    co = Checkout.resume(backend, employee, open_sale_id)
    co.cancel()
    return co.take_notices()


def points_value(co: Checkout) -> tuple[Decimal, Decimal] | None:
    """(points usable now, their currency value) for the customer on the sale, if any: capped
    by what is still due after the tenders taken, not by the total."""
    if co.cart.customer_id is None or co.cart.kind != "sale":
        return None
    return co.usable_points()


def points_to_offer(co: Checkout) -> tuple[Decimal, Decimal] | None:
    """As :func:`points_value`, for the points prompt about to open: a refusal whatever is
    typed (no points on the card, the card type does not redeem) is raised instead."""
    if co.cart.customer_id is None or co.cart.kind != "sale":
        return None
    return co.usable_points(refuse=True)
