"""Customer orders at the lane (OpSuite: layaways, special, work and back orders): opened from
the sale being rung up with a deposit, paid, moved through their stages, completed or cancelled.

Money rules (docs/money.md, "Customer accounts"):

* An order keeps the price of the sale it was opened from (lines, discounts, taxes as priced
  then); it is never priced again. Its total is that sale's total.
* Every payment (the deposit too) is a journal record of kind ``order_payment`` with one tender
  (cash, card, the customer's account or points). A card, account or points payment is at most
  what is still due: more is refused naming the balance. Cash may be more, as at the pay screen:
  the excess is change (the tender's ``change_given``), and the record's total is what the order
  was paid. What an order has been paid is the sum of those records' totals.
* Completing hands the goods over: a journal ``sale`` with the order's lines, paid by a
  ``deposit`` tender of everything paid so far and, when something is still due, the final
  tender of exactly that (cash: at least that, the rest change). Points are earned then (not at the deposits), on the points base the
  order was priced with, by the card type, extras and multipliers in force at completion.
* Cancelling refunds every payment back where it came from (a journal ``order_cancel`` with the
  tenders negative), or keeps them, by the store option ``orders.cancel_deposit``; audited.

Each of these is one transaction with its journal record, ledger entries, slip and audit row:
a crash leaves it wholly done or not started (``checkpoint`` names the points inside it where the
tests inject faults and kill the process).
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from pos_tui.engine.money import ZERO
from pos_tui.services.accounts.order_records import OrderJournal
from pos_tui.services.accounts.order_tenders import OrderTenders
from pos_tui.services.accounts.order_view import (
    ORDER_TYPES,
    PREFIX,
    SETTING_CANCEL,
    STAGES,
    Checkpoint,
    OrderError,
    OrderReader,
    OrderView,
    Tender,
    min_deposit_percent,
    money_unit,
    no_checkpoint,
    parse_amount,
)
from pos_tui.services.checkout.atomic import saved
from pos_tui.services.checkout.engine_inputs import EngineInputs
from pos_tui.services.checkout.holding import this_lanes
from pos_tui.services.checkout.record import SaleRecorder
from pos_tui.services.runtime.backend import Backend
from pos_tui.services.staff.auth import Employee
from pos_tui.storage.accounts import CustomerOrder
from pos_tui.storage.journal import SaleRow
from pos_tui.storage.rows import Row


class OrderService(OrderReader):
    """Taking and settling orders: every change by ``employee``, one transaction each."""

    def __init__(
        self,
        backend: Backend,
        employee: Employee,
        *,
        inputs: EngineInputs | None = None,
        checkpoint: Checkpoint = no_checkpoint,
    ) -> None:
        super().__init__(backend)
        self.employee = employee
        self.inputs = inputs or EngineInputs(backend)
        self.checkpoint = checkpoint
        self.journal = OrderJournal(backend, employee, self.inputs)
        self.tenders = OrderTenders(backend, employee, self.inputs, self.journal.audit)

    # -- opening -------------------------------------------------------------------------------
    def open_from_checkout(
        self,
        co: Any,
        order_type: str,
        deposit: Tender | None,
        *,
        description: str | None = None,
    ) -> OrderView:
        """Turn the sale rung up on ``co`` (a Checkout) into an order of its customer, with a
        deposit; the sale's open sale goes in the same transaction and the lane starts anew."""
        if order_type not in ORDER_TYPES:
            raise OrderError(f"An order is one of {', '.join(ORDER_TYPES)}, not {order_type!r}")
        cart = co.cart
        if cart.kind != "sale" or not cart.lines:
            raise OrderError("An order is opened from a sale with lines: scan the items first")
        if cart.customer_id is None:
            raise OrderError("An order needs a customer on the sale (F2)")
        if cart.tenders:
            raise OrderError(
                "Take the tenders off first (F9 on the pay screen): the deposit is taken with the order"
            )
        priced = co.quote()
        if priced.refusals:
            raise OrderError(priced.refusals[0].message, code=priced.refusals[0].code)
        total = priced.totals.total
        minimum = (total * min_deposit_percent(self.b) / 100).quantize(money_unit(self.b))
        paying = parse_amount(self.b, deposit.amount) if deposit is not None else ZERO
        if paying < minimum:
            raise OrderError(
                f"The deposit must be at least {minimum} ({min_deposit_percent(self.b)}% of {total})"
            )
        recorder = SaleRecorder(self.b, self.inputs, self.employee, cart, co.open_sale_id)
        draft = recorder.prepare(priced, ZERO, 1)
        b = self.b
        with saved(b.db, failed="The order was not opened"):
            at = b.timestamp()
            order_id = self.repo.next_id()
            number = f"{PREFIX[order_type]}-{order_id:06d}"
            priced_rows = {
                "sale": {k: v for k, v in draft.sale.items() if k != "committed_at"},
                "children": {k: draft.children[k] for k in ("lines", "discounts", "taxes")},
            }
            self.repo.add(
                {
                    "id": order_id,
                    "customer_id": cart.customer_id,
                    "number": number,
                    "order_type": order_type,
                    "status": "pending",
                    "stage": STAGES[order_type][0],
                    "location_id": self.inputs.location_id(),
                    "placed_at": at,
                    "total": str(total),
                    "amount_due": str(total),
                    "description": (description or "").strip() or None,
                    "lane_id": b.settings.lane.id,
                    "employee_id": self.employee.id,
                    "priced": json.dumps(priced_rows, ensure_ascii=False, default=str),
                }
            )
            sale = None
            if deposit is not None and paying > 0:
                sale = self._payment(self._pending(order_id), deposit, at)
            if co.open_sale_id is not None:
                with this_lanes(co.open_sale_id):  # another lane took it: nothing is opened
                    b.open_sales.release(co.open_sale_id, b.settings.lane.id)
            self.journal.audit(
                order_id,
                "open",
                {
                    "number": number,
                    "total": str(total),
                    "deposit": str(sale.total if sale is not None else ZERO),
                    "open_sale_id": co.open_sale_id,
                },
                at,
            )
            self.checkpoint("before commit")
        co._new_sale()
        view = self.view(order_id, sale=sale)
        return self.view(
            order_id,
            sale=sale,
            messages=(
                f"{number} opened: {total}, paid {view.paid}{self.journal.change_note(sale)}",
            ),
        )

    # -- payments ------------------------------------------------------------------------------
    def pay(self, order_id: int, tender: Tender) -> OrderView:
        with saved(self.b.db, failed="The payment was not taken"):
            order = self._pending(order_id)
            sale = self._payment(order, tender, self.b.timestamp())
            self.checkpoint("before commit")
        view = self.view(order_id, sale=sale)
        return self.view(
            order_id,
            sale=sale,
            messages=(
                f"{sale.total} paid on {view.number}: {view.due} still due{self.journal.change_note(sale)}",
            ),
        )

    def _payment(self, order: CustomerOrder, tender: Tender, at: str) -> SaleRow:
        """One payment on a pending order: journal record, ledgers, link, slip (in the caller's
        transaction)."""
        current = self.view(order.id)
        tendered = parse_amount(self.b, tender.amount)
        if tendered <= 0:
            raise OrderError("A payment is more than zero")
        amount, change = self.tenders.applied(order, tender, tendered, current.due)
        tender_row, lifted = self.tenders.tender(order, tender, amount)
        tender_row.update(amount=str(tendered), change_given=str(change) if change else "0")
        explanation = [
            {
                "code": "ORDER_PAYMENT",
                "description": f"{'Deposit' if not current.records else 'Payment'} on "
                f"{order.number}: {amount} of {order.total}, {current.due - amount} still due"
                + (f"; {tendered} in cash, change {change}" if change else ""),
            }
        ]
        sale = self.journal.record(order, "order_payment", amount, [tender_row], explanation, at)
        self.checkpoint("payment recorded")
        self.tenders.post(order, tender, tender_row, sale.id, at, lifted=lifted)
        self.checkpoint("tender posted")
        self.repo.update(order.id, {"amount_due": str(current.due - amount)})
        self.checkpoint("order updated")
        self.journal.slip(sale, drawer=tender.kind == "cash", at=at)
        self.checkpoint("slip queued")
        return sale

    # -- stages, completion, cancellation ------------------------------------------------------
    def advance(self, order_id: int) -> OrderView:
        """The order's next stage (ordered, arrived, in progress, ready...)."""
        with saved(self.b.db, failed="The order was not changed"):
            order = self._pending(order_id)
            stages = STAGES[order.order_type]
            index = stages.index(order.stage) if order.stage in stages else 0
            if index + 1 >= len(stages):
                raise OrderError(f"{order.number} is {order.stage}: complete it (the last stage)")
            stage = stages[index + 1]
            self.repo.update(order_id, {"stage": stage})
            self.journal.audit(
                order_id, "stage", {"stage": [order.stage, stage]}, self.b.timestamp()
            )
        return self.view(order_id, messages=(f"{order.number} is now {stage.replace('_', ' ')}",))

    def complete(self, order_id: int, final: Tender | None = None) -> OrderView:
        """Hand the goods over: the order's sale, paid by its deposits and ``final``."""
        b = self.b
        with saved(b.db, failed="The order was not completed", whole=True):
            order = self._pending(order_id)
            stages = STAGES[order.order_type]
            if order.stage in stages and order.stage != stages[-1]:
                raise OrderError(
                    f"{order.number} is {str(order.stage).replace('_', ' ')}: it can be completed once {stages[-1].replace('_', ' ')}"
                )
            current = self.view(order_id)
            at = b.timestamp()
            tenders: list[Row] = []
            if current.paid:
                tenders.append(
                    {
                        "seq": 1,
                        "kind": "deposit",
                        "amount": str(current.paid),
                        "reference": order.number,
                        "points": None,
                        "change_given": "0",
                    }
                )
            final_row, lifted = self.tenders.final(order, final, current.due, len(tenders) + 1)
            if final_row is not None:
                tenders.append(final_row)
            sale, earned = self.journal.completion_sale(order, tenders, at)
            self.checkpoint("completion recorded")
            if final_row is not None and final is not None:
                self.tenders.post(order, final, final_row, sale.id, at, lifted=lifted)
            self.repo.update(
                order_id,
                {
                    "status": "completed",
                    "closed_at": at,
                    "amount_due": "0",
                    "completed_sale_id": sale.id,
                },
            )
            self.journal.audit(
                order_id, "complete", {"sale_id": sale.id, "points_earned": str(earned)}, at
            )
            self.journal.slip(
                sale, drawer=final_row is not None and final_row["kind"] == "cash", at=at
            )
            self.checkpoint("before commit")
        return self.view(
            order_id,
            sale=sale,
            messages=(
                f"{order.number} completed: {earned} points earned{self.journal.change_note(sale)}",
            ),
        )

    def cancel(self, order_id: int) -> OrderView:
        """Cancel: the payments are refunded where they came from, or kept (store option)."""
        b = self.b
        with saved(b.db, failed="The order was not cancelled"):
            order = self._pending(order_id)
            current = self.view(order_id)
            keep = b.store.setting(SETTING_CANCEL, "refund") == "keep"
            at = b.timestamp()
            refunds: list[Row] = []
            if not keep:
                for record in current.records:
                    for t in b.journal.children(record.id).tenders:
                        paid = t.amount - t.change_given
                        refunds.append(
                            {
                                "seq": len(refunds) + 1,
                                "kind": t.kind,
                                "amount": str(-paid),
                                "reference": t.reference,
                                "points": t.points,
                                "change_given": "0",
                            }
                        )
            refunded = -sum((Decimal(r["amount"]) for r in refunds), ZERO)
            kept = current.paid - refunded
            what = f"{order.number} cancelled: {refunded} refunded" + (
                f", {kept} kept (store option)" if kept else ""
            )
            sale = self.journal.record(
                order,
                "order_cancel",
                -refunded,
                refunds,
                [{"code": "ORDER_CANCELLED", "description": what}],
                at,
            )
            for row in refunds:
                self.tenders.post(order, None, row, sale.id, at, sign=-1)
            self.repo.update(order_id, {"status": "cancelled", "closed_at": at, "amount_due": "0"})
            self.journal.audit(
                order_id,
                "cancel",
                {
                    "refunded": str(refunded),
                    "kept": str(kept),
                    "option": "keep" if keep else "refund",
                },
                at,
            )
            self.checkpoint("cancellation recorded")
            self.journal.slip(sale, drawer=any(r["kind"] == "cash" for r in refunds), at=at)
            self.checkpoint("before commit")
        return self.view(order_id, sale=sale, messages=(what,))

    # -- helpers -------------------------------------------------------------------------------
    def _pending(self, order_id: int) -> CustomerOrder:
        order = self.repo.get(order_id)
        if order is None:
            raise OrderError(f"No order with id {order_id}")
        if order.status != "pending":
            raise OrderError(f"{order.number} is {order.status}")
        return order
