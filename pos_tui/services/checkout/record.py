"""Recording a priced, paid sale: everything it changes, inside the caller's transaction.

The journal row with its lines, discounts, taxes and tenders; the loyalty ledger (earned, used,
referral); the receivable ledger with due dates; a card type upgrade; the receipt print jobs; and
the open sale removed. :class:`~pos_tui.services.checkout.sale.Checkout` calls it from ``commit``:
:meth:`SaleRecorder.prepare` builds the rows before the write lock is taken,
:meth:`SaleRecorder.record` writes them inside it.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from pos_tui import engine
from pos_tui.engine.money import ZERO
from pos_tui.services.accounts.calendar import charge_due_date
from pos_tui.services.checkout.cart import Cart
from pos_tui.services.checkout.engine_inputs import CustomerState, EngineInputs, PricingBasis
from pos_tui.services.checkout.holding import this_lanes
from pos_tui.services.runtime.backend import Backend
from pos_tui.services.staff.auth import Employee
from pos_tui.storage.journal import PreparedSale, SaleRow
from pos_tui.storage.returns import POINTS_SHORT_REFERENCE

# SaleRow: what screens name a committed journal record by (they never import storage).
__all__ = ["Committed", "SaleRow"]


@dataclass(frozen=True)
class Committed:
    """What the lane needs after a sale: its journal row, the change and the print jobs."""

    sale: SaleRow
    change: Decimal
    print_job_ids: tuple[int, ...]
    open_drawer: bool
    upgrade: str | None = None
    messages: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class SaleDraft:
    """A priced, paid sale with its journal rows, built before the write lock is taken."""

    priced: engine.PricedSale
    change: Decimal
    sale: dict[str, Any]  # committed_at is set when it is written
    children: dict[str, list[dict[str, Any]]]
    # The journal's rows completed and their seal written but for the chain's link (None:
    # prepared when written).
    prepared: PreparedSale | None = None


def _signed(sign: int, value: Decimal) -> str:
    """A sale's amount as stored: a return's negated, never "-0.00" (zero has no sign)."""
    return str(sign * value + 0)


class SaleRecorder:
    def __init__(
        self,
        backend: Backend,
        inputs: EngineInputs,
        employee: Employee,
        cart: Cart,
        open_sale_id: int | None,
    ) -> None:
        self.b = backend
        self.inputs = inputs
        self.employee = employee
        self.cart = cart
        self.open_sale_id = open_sale_id

    def prepare(self, priced: engine.PricedSale, change: Decimal, sign: int) -> SaleDraft:
        """The journal row and its rows for ``priced``; nothing is read or written."""
        cart, lane = self.cart, self.b.settings.lane
        # sign: -1 for a return, stored negated so that net sales are plain sums.
        points = priced.points.points if priced.points else ZERO
        referral = priced.referral
        used = self._points_used(priced)
        sale = {
            "lane_id": lane.id,
            "store_id": lane.store_id,
            "kind": cart.kind,
            "original_sale_id": cart.original_sale_id,
            "customer_id": cart.customer_id,
            "employee_id": self.employee.id,
            "committed_at": None,
            "subtotal": _signed(sign, priced.totals.subtotal),
            "discount_total": _signed(sign, priced.totals.discount_total),
            "tax_total": _signed(sign, priced.totals.tax_total),
            "total": _signed(sign, priced.totals.total),
            "points_earned": str(points),
            "points_base": str(priced.points.base_value if priced.points else ZERO),
            "referral_customer_id": referral.link_customer_id if referral else None,
            "referral_points": str(referral.points if referral else ZERO),
            "points_used": str(used),
            "reference": cart.reference,
            "explanation": json.dumps(
                engine.to_jsonable(list(priced.explanation)), ensure_ascii=False
            ),
        }
        orig_lines = {cl.line_no: cl.original_line_no for cl in cart.lines}
        children: dict[str, list[dict[str, Any]]] = {
            "lines": [
                {
                    "line_no": pl.line_no,
                    "item_id": pl.item_id,
                    "sku": pl.sku,
                    "description": pl.description,
                    "quantity": _signed(sign, pl.quantity),
                    "unit_price": str(pl.unit_price),
                    "price_source": pl.price_source,
                    "discount": _signed(sign, pl.discount),
                    "tax": _signed(sign, pl.tax),
                    "total": _signed(sign, pl.total),
                    "original_line_no": orig_lines.get(pl.line_no),
                }
                for pl in priced.lines
            ],
            "discounts": [
                {
                    "line_no": d.line_no,
                    "kind": d.kind,
                    "description": d.description,
                    "amount": _signed(sign, d.amount),
                }
                for d in priced.discounts
            ],
            "taxes": [
                {
                    "tax_code": t.tax_code,
                    "taxable": _signed(sign, t.taxable),
                    "amount": _signed(sign, t.amount),
                }
                for t in priced.taxes
            ],
            "tenders": [
                {
                    "seq": i + 1,
                    "kind": t.kind,
                    "amount": str(t.amount),
                    "reference": t.reference,
                    "points": t.points,
                    "change_given": str(change)
                    if t.kind == "cash" and i == self._last_cash_index()
                    else "0",
                }
                for i, t in enumerate(cart.tenders)
            ],
        }
        short = priced.shortfall
        if short is not None and short.value:
            # Points short on a return: that part of the refund buys back the points the
            # customer no longer holds, at the redemption rate.
            children["tenders"].append(
                {
                    "seq": len(cart.tenders) + 1,
                    "kind": "points",
                    "amount": str(-short.value),
                    "reference": POINTS_SHORT_REFERENCE,
                    "points": str(short.short),
                    "change_given": "0",
                }
            )
        # Completed and serialised for the seal here, before the write lock is taken.
        prepared = self.b.journal.prepare(sale, children)
        return SaleDraft(priced, change, sale, children, prepared)

    def record(self, draft: SaleDraft, basis: PricingBasis) -> Committed:
        """Journal row and rows, points, receivable, upgrade, print jobs; the open sale goes.

        Runs inside the caller's write transaction; ``basis``: what was read in it, which the
        draft was priced on (its moment is the sale's, its customer rows are theirs now)."""
        b, cart, priced = self.b, self.cart, draft.priced
        at = basis.timestamp
        points = priced.points.points if priced.points else ZERO
        referral = self._referral_held(priced.referral)
        used = self._points_used(priced)
        changes = {"committed_at": at}
        if referral is not None:
            changes["referral_points"] = str(referral.points)
        if draft.prepared is not None:
            row = b.journal.append_prepared(draft.prepared, **changes)
        else:
            row = b.journal.append({**draft.sale, **changes}, draft.children)
        sale_id = row.id
        if cart.kind == "return":
            self._audit_refund(sale_id, at, priced)
        messages: list[str] = []
        upgrade = None
        state = basis.customer
        if cart.customer_id is not None and state is not None:
            earned = self._post_points(sale_id, points, used, referral, at, priced.shortfall)
            self._post_receivable(sale_id, at, state)
            upgrade = self._upgrade(cart.customer_id, at, state, earned)
            if upgrade:
                messages.append(upgrade)
        drawer = any(t.kind == "cash" for t in cart.tenders)
        jobs = self._queue_receipts(sale_id, drawer, at, state)
        if self.open_sale_id is not None:
            # Refused (and the whole sale undone) if another lane has this open sale now.
            with this_lanes(self.open_sale_id):
                b.open_sales.release(self.open_sale_id, b.settings.lane.id)
        return Committed(
            sale=row,
            change=draft.change,
            print_job_ids=jobs,
            open_drawer=drawer,
            upgrade=upgrade,
            messages=tuple(messages),
        )

    def _points_used(self, priced: engine.PricedSale) -> Decimal:
        """Points the sale was paid with; on a return, minus the points it gives back."""
        if self.cart.kind == "return":
            return -sum(
                (
                    Decimal(t.points or 0)
                    for t in self.cart.tenders
                    if t.kind == "points" and Decimal(t.amount) < 0
                ),
                ZERO,
            )
        return priced.redemption.points_used if priced.redemption else ZERO

    def _referral_held(
        self, referral: engine.ReferralPoints | None
    ) -> engine.ReferralPoints | None:
        """A return takes back the link customer's referral points only as far as they still
        hold them (read under the write lock): they are not at the lane to settle the rest."""
        if referral is None or referral.points >= 0:
            return referral
        held = max(self.b.customers.loyalty_balance(referral.link_customer_id), ZERO)
        if -referral.points <= held:
            return referral
        return dataclasses.replace(referral, points=-held)

    def _audit_refund(self, sale_id: int, at: str, priced: engine.PricedSale) -> None:
        """Every supervisor decision on a refund, with the return's sale id and the approver."""
        decisions: list[tuple[str, dict[str, Any]]] = [
            (
                "refund_rerouted",
                {"kind": t.kind, "amount": t.amount, "approved_by": t.approved_by},
            )
            for t in self.cart.tenders
            if t.approved_by is not None
        ]
        short = priced.shortfall
        if short is not None and short.allowed_by is not None:
            below: dict[str, Any] = {
                "customer_id": self.cart.customer_id,
                "short": str(short.short),
                "balance_after": str(short.balance_after),
                "approved_by": short.allowed_by,
            }
            decisions.append(("points_below_zero", below))
        for action, changes in decisions:
            self.b.store.audit(
                at=at,
                entity="sale",
                entity_id=sale_id,
                action=action,
                changes={"original_sale_id": self.cart.original_sale_id, **changes},
                employee_id=self.employee.id,
                lane_id=self.b.settings.lane.id,
            )

    def _last_cash_index(self) -> int:
        idx = [i for i, t in enumerate(self.cart.tenders) if t.kind == "cash"]
        return idx[-1] if idx else -1

    def _post_points(
        self,
        sale_id: int,
        points: Decimal,
        used: Decimal,
        referral: engine.ReferralPoints | None,
        at: str,
        shortfall: engine.PointsShortfall | None = None,
    ) -> Decimal:
        """Post the sale's points; what the customer's own balance moved by."""
        ledgers, cid = self.b.ledgers, self.cart.customer_id
        assert cid is not None
        moved = points - used
        if points:
            entry = "earned" if self.cart.kind == "sale" else "reversed"
            below = shortfall is not None and shortfall.allowed_by is not None
            ledgers.add_points(
                customer_id=cid,
                entry_type=entry,
                points=points,
                at=at,
                sale_id=sale_id,
                reason=f"Return of sale {self.cart.original_sale_id}"
                + (" (below zero, supervisor allowed)" if below else "")
                if entry == "reversed"
                else None,
                employee_id=self.employee.id,
            )
        if used:
            given_back = used < 0
            ledgers.add_points(
                customer_id=cid,
                entry_type="used",
                points=-used,
                at=at,
                sale_id=sale_id,
                reason=f"Points paid on sale {self.cart.original_sale_id} given back"
                if given_back
                else None,
                employee_id=self.employee.id,
            )
        short = shortfall.short if shortfall is not None and shortfall.value else ZERO
        if short:
            assert shortfall is not None
            ledgers.add_points(
                customer_id=cid,
                entry_type="adjusted",
                points=short,
                at=at,
                sale_id=sale_id,
                reason=f"{short} points short on the return: {shortfall.value} kept from the refund",
                employee_id=self.employee.id,
            )
            moved += short
        if referral and referral.points:
            ledgers.add_points(
                customer_id=referral.link_customer_id,
                entry_type="referral",
                points=referral.points,
                at=at,
                sale_id=sale_id,
                reason=f"Referral: sale {sale_id}",
                employee_id=self.employee.id,
            )
            if referral.link_customer_id == cid:
                moved += referral.points
        return moved

    def _post_receivable(self, sale_id: int, at: str, state: CustomerState) -> None:
        cid = self.cart.customer_id
        assert cid is not None
        for tender in self.cart.tenders:
            if tender.kind != "account":
                continue
            amount = Decimal(tender.amount)
            due = None
            if amount > 0:
                customer, _, _ = self.inputs.customer(cid, state)
                due = charge_due_date(
                    self.b, customer, self.b.now().date(), self.inputs.settings()
                ).due.isoformat()
            self.b.ledgers.add_receivable(
                customer_id=cid,
                entry_type="charge" if amount > 0 else "return",
                amount=amount,
                at=at,
                reference=tender.reference,
                sale_id=sale_id,
                due_date=due,
                employee_id=self.employee.id,
                approved_by=tender.approved_by,
                note=self._receivable_note(tender.approved_by is not None),
            )

    def _receivable_note(self, approved: bool) -> str | None:
        refund = (
            f"refund of sale {self.cart.original_sale_id}" if self.cart.kind == "return" else ""
        )
        override = "supervisor override" if approved else ""
        return "; ".join(x for x in (refund, override) if x) or None

    def _upgrade(
        self, customer_id: int, at: str, state: CustomerState, moved: Decimal
    ) -> str | None:
        """A card type upgrade for the balance after this sale (``state``: read under this
        transaction's lock before the sale's points, which moved the balance by ``moved``)."""
        customer, account, _ = self.inputs.customer(customer_id, state)
        current = self.inputs.card_type(customer.card_type_id)
        balance = account.points_balance + moved
        decision = engine.card_type_for_balance(
            current, self.inputs.all_card_types(), balance, self.inputs.settings()
        )
        if not decision.changed or decision.card_type is None:
            return None
        self.b.customers.update(
            customer_id, {"card_type_id": decision.card_type.id, "updated_at": at}
        )
        self.b.store.audit(
            at=at,
            entity="customer",
            entity_id=customer_id,
            action="card_type_upgrade",
            changes={
                "card_type_id": [customer.card_type_id, decision.card_type.id],
                "rule": decision.rule.description,
            },
            employee_id=self.employee.id,
            lane_id=self.b.settings.lane.id,
        )
        return decision.rule.description

    def _queue_receipts(
        self, sale_id: int, drawer: bool, at: str, state: CustomerState | None
    ) -> tuple[int, ...]:
        lane = self.b.settings.lane.id
        jobs = [
            self.b.print_jobs.add(
                lane_id=lane,
                kind="receipt",
                document={"sale_id": sale_id},
                at=at,
                sale_id=sale_id,
                open_drawer=drawer,
            )
        ]
        if state is not None and state.row.second_receipt:
            jobs.append(
                self.b.print_jobs.add(
                    lane_id=lane,
                    kind="copy",
                    document={"sale_id": sale_id},
                    at=at,
                    sale_id=sale_id,
                )
            )
        return tuple(jobs)
