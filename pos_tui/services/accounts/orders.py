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
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from pos_tui import engine
from pos_tui.engine.money import ZERO, NotANumber, TooManyPlaces, parse_money, to_decimal
from pos_tui.services.accounts.calendar import charge_due_date
from pos_tui.services.checkout.atomic import saved
from pos_tui.services.checkout.engine_inputs import EngineInputs
from pos_tui.services.checkout.errors import CheckoutError
from pos_tui.services.checkout.holding import this_lanes
from pos_tui.services.checkout.record import SaleRecorder
from pos_tui.services.customers.names import display_name
from pos_tui.services.runtime.backend import Backend
from pos_tui.services.staff.auth import Employee
from pos_tui.services.staff.pins import verify_pin
from pos_tui.storage.accounts import OrderRepository
from pos_tui.storage.rows import Row

ORDER_TYPES = ("layaway", "special", "work", "back")
PREFIX = {"work": "WO", "back": "BO", "special": "SO", "layaway": "LAY"}
# Each type's own stages, in order; it is completed from the last one.
STAGES: dict[str, tuple[str, ...]] = {
    "layaway": ("open",),
    "special": ("requested", "ordered", "arrived"),
    "work": ("received", "in_progress", "ready"),
    "back": ("waiting", "arrived"),
}
SETTING_CANCEL = "orders.cancel_deposit"
SETTING_MIN_DEPOSIT = "orders.min_deposit_percent"
TENDER_KINDS = ("cash", "card", "account", "points")
# Points inside a payment's transaction where tests inject faults (or kill the process).
Checkpoint = Callable[[str], None]


def _no_checkpoint(_where: str) -> None:
    return None


class OrderError(CheckoutError):
    """A refusal the cashier reads (the lane shows checkout refusals the same way)."""


@dataclass(frozen=True)
class Tender:
    """One payment: ``kind`` and ``amount``; a card's approval code or the account's PO number
    in ``reference``; the account PIN; the supervisor who lifted an account refusal."""

    kind: str
    amount: str | Decimal
    reference: str | None = None
    pin: str | None = None
    approver: Employee | None = None


@dataclass(frozen=True)
class OrderView:
    order: Row
    paid: Decimal
    due: Decimal
    records: list[Row] = field(default_factory=list)
    # The journal record this change wrote (payment, completing sale, cancellation).
    sale: Row | None = None
    messages: tuple[str, ...] = ()

    @property
    def number(self) -> str:
        return str(self.order["number"])


class OrderReader:
    """An order as it stands: what it has been paid, what is still due (reading needs no one
    signed in: ``pos-tui orders list`` and ``show``)."""

    def __init__(self, backend: Backend) -> None:
        self.b = backend
        self.repo = OrderRepository(backend.db)

    def view(self, order_id: int, **extra: Any) -> OrderView:
        order = self.repo.get(order_id)
        if order is None:
            raise OrderError(f"No order with id {order_id}")
        records = self.repo.records(order_id)
        paid = sum((Decimal(r["total"]) for r in records if r["kind"] == "order_payment"), ZERO)
        due = ZERO if order["status"] != "pending" else Decimal(order["total"]) - paid
        return OrderView(order, paid, due, records, **extra)

    def by_number(self, number: str) -> OrderView:
        order = self.repo.by_number(number.strip().upper())
        if order is None:
            raise OrderError(f"No order numbered {number.strip()}")
        return self.view(int(order["id"]))

    def for_customer(self, customer_id: int) -> list[OrderView]:
        return [self.view(int(o["id"])) for o in self.repo.for_customer(customer_id)]

    def lines(self, order_id: int) -> list[Row]:
        order = self.repo.get(order_id)
        if order is None or not order["priced"]:
            return []
        return list(json.loads(order["priced"])["children"]["lines"])


class OrderService(OrderReader):
    """Taking and settling orders: every change by ``employee``, one transaction each."""

    def __init__(
        self,
        backend: Backend,
        employee: Employee,
        *,
        inputs: EngineInputs | None = None,
        checkpoint: Checkpoint = _no_checkpoint,
    ) -> None:
        super().__init__(backend)
        self.employee = employee
        self.inputs = inputs or EngineInputs(backend)
        self.checkpoint = checkpoint

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
        minimum = (total * self._min_deposit() / 100).quantize(self._unit())
        paying = self._amount(deposit.amount) if deposit is not None else ZERO
        if paying < minimum:
            raise OrderError(
                f"The deposit must be at least {minimum} ({self._min_deposit()}% of {total})"
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
                sale = self._payment(self.repo.get(order_id) or {}, deposit, at)
            if co.open_sale_id is not None:
                with this_lanes(co.open_sale_id):  # another lane took it: nothing is opened
                    b.open_sales.release(co.open_sale_id, b.settings.lane.id)
            self._audit(
                order_id,
                "open",
                {
                    "number": number,
                    "total": str(total),
                    "deposit": str(sale["total"] if sale is not None else ZERO),
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
            messages=(f"{number} opened: {total}, paid {view.paid}{self._change_note(sale)}",),
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
                f"{sale['total']} paid on {view.number}: {view.due} still due{self._change_note(sale)}",
            ),
        )

    def _payment(self, order: Row, tender: Tender, at: str) -> Row:
        """One payment on a pending order: journal record, ledgers, link, slip (in the caller's
        transaction)."""
        current = self.view(int(order["id"]))
        tendered = self._amount(tender.amount)
        if tendered <= 0:
            raise OrderError("A payment is more than zero")
        amount, change = self._applied(order, tender, tendered, current.due)
        tender_row, lifted = self._tender(order, tender, amount)
        tender_row.update(amount=str(tendered), change_given=str(change) if change else "0")
        explanation = [
            {
                "code": "ORDER_PAYMENT",
                "description": f"{'Deposit' if not current.records else 'Payment'} on "
                f"{order['number']}: {amount} of {order['total']}, {current.due - amount} still due"
                + (f"; {tendered} in cash, change {change}" if change else ""),
            }
        ]
        sale = self._journal(order, "order_payment", amount, [tender_row], explanation, at)
        self.checkpoint("payment recorded")
        self._post_tender(order, tender, tender_row, int(sale["id"]), at, lifted=lifted)
        self.checkpoint("tender posted")
        self.repo.update(int(order["id"]), {"amount_due": str(current.due - amount)})
        self.checkpoint("order updated")
        self._slip(sale, drawer=tender.kind == "cash", at=at)
        self.checkpoint("slip queued")
        return sale

    @staticmethod
    def _applied(
        order: Row, tender: Tender, tendered: Decimal, due: Decimal
    ) -> tuple[Decimal, Decimal]:
        """What a payment of ``tendered`` pays on the order, and the change: only cash may be
        more than is still due (the rest is change); any other tender over it is refused."""
        if due <= 0:
            raise OrderError(f"Nothing is still due on {order['number']}: complete it")
        if tendered <= due:
            return tendered, ZERO
        if tender.kind == "cash":
            return due, tendered - due
        raise OrderError(
            f"A payment of {tendered} is more than the {due} still due on {order['number']} "
            "(only cash can be more: the rest is change)"
        )

    def _tender(self, order: Row, tender: Tender, amount: Decimal) -> tuple[Row, tuple[str, ...]]:
        """The journal tender row of a payment of ``amount``, after the tender's own checks, and
        the account refusals a supervisor lifted."""
        if tender.kind not in TENDER_KINDS:
            raise OrderError(f"An order is paid by {', '.join(TENDER_KINDS)}, not {tender.kind!r}")
        reference = (tender.reference or "").strip() or None
        points = None
        lifted: tuple[str, ...] = ()
        if tender.kind == "card" and not reference:
            raise OrderError("Enter the card terminal's approval reference")
        if tender.kind == "account":
            lifted = self._check_account(order, tender, amount, reference)
        if tender.kind == "points":
            points = str(self._points_for(order, amount))
        row = {
            "seq": 1,
            "kind": tender.kind,
            "amount": str(amount),
            "reference": reference,
            "points": points,
            "change_given": "0",
        }
        return row, lifted

    def _check_account(
        self, order: Row, tender: Tender, amount: Decimal, reference: str | None
    ) -> tuple[str, ...]:
        """The engine's charge checks; the codes of the refusals a supervisor lifted."""
        cid = int(order["customer_id"])
        row = self.b.customers.get(cid) or {}
        pin_ok = bool(tender.pin) and verify_pin(tender.pin or "", row.get("pin_hash"))
        if tender.pin and not pin_ok:
            raise OrderError("Wrong customer PIN", code="CHARGE_PIN_WRONG")
        customer, account, _ = self.inputs.customer(cid)
        request = engine.ChargeRequest(
            transaction_type="charge",
            amount=amount,
            pin_verified=pin_ok,
            reference=reference,
            location_id=self.inputs.location_id(),
            supervisor_override=tender.approver is not None
            and tender.approver.at_least("supervisor"),
        )
        decision = engine.check_charge(
            customer, account, request, amount, self.inputs.settings(), self.b.now().date()
        )
        if not decision.allowed:
            raise OrderError(
                "; ".join(r.message for r in decision.refusals),
                code=decision.refusals[0].code,
                override_allowed=all(r.override_allowed for r in decision.refusals),
            )
        return tuple(r.code for r in decision.overridden)

    def _points_for(self, order: Row, amount: Decimal) -> Decimal:
        """The points that pay ``amount``: whole units of the card type's rate, within the balance."""
        cid = int(order["customer_id"])
        row = self.b.customers.get(cid) or {}
        card = self.inputs.card_type(row.get("card_type_id"))
        if card is None or card.points_to_convert <= 0 or card.equivalent_currency <= 0:
            raise OrderError("This customer's card does not redeem points")
        units = amount / card.equivalent_currency
        if units != units.to_integral_value():
            raise OrderError(
                f"Points pay in units of {card.equivalent_currency} ({card.points_to_convert} points)"
            )
        points = units * card.points_to_convert
        balance = self.b.customers.loyalty_balance(cid)
        if points > balance:
            raise OrderError(f"{amount} needs {points} points: only {balance} on the card")
        return points

    def _post_tender(
        self,
        order: Row,
        tender: Tender | None,
        row: Row,
        sale_id: int,
        at: str,
        sign: int = 1,
        *,
        lifted: tuple[str, ...] = (),
    ) -> None:
        """What a tender moves besides the drawer: the account or the points (sign -1: back).
        ``lifted``: the account refusals the tender's supervisor lifted (audited, and named on
        the ledger row as its approver)."""
        cid = int(order["customer_id"])
        amount = Decimal(row["amount"])
        if row["kind"] == "account":
            due = None
            if sign > 0:
                customer, _, _ = self.inputs.customer(cid)
                try:
                    due = charge_due_date(
                        self.b, customer, self.b.now().date(), self.inputs.settings()
                    ).due.isoformat()
                except ValueError as exc:
                    raise OrderError(
                        f"Cannot charge to this account: {exc}", code="CHARGE_TERMS"
                    ) from None
            approver = tender.approver if tender is not None and lifted else None
            self.b.ledgers.add_receivable(
                customer_id=cid,
                entry_type="charge" if sign > 0 else "return",
                amount=amount,
                at=at,
                reference=row["reference"] or str(order["number"]),
                sale_id=sale_id,
                due_date=due,
                note=f"order {order['number']}" + (" (supervisor override)" if approver else ""),
                employee_id=self.employee.id,
                approved_by=approver.id if approver else None,
            )
            if approver is not None:
                self._audit(
                    int(order["id"]),
                    "account_override",
                    {"sale_id": sale_id, "approved_by": approver.id, "lifted": list(lifted)},
                    at,
                )
        elif row["kind"] == "points":
            self.b.ledgers.add_points(
                customer_id=cid,
                entry_type="used",
                points=-sign * abs(Decimal(row["points"])),
                at=at,
                sale_id=sale_id,
                employee_id=self.employee.id,
            )

    # -- stages, completion, cancellation ------------------------------------------------------
    def advance(self, order_id: int) -> OrderView:
        """The order's next stage (ordered, arrived, in progress, ready...)."""
        with saved(self.b.db, failed="The order was not changed"):
            order = self._pending(order_id)
            stages = STAGES[str(order["order_type"])]
            index = stages.index(str(order["stage"])) if order["stage"] in stages else 0
            if index + 1 >= len(stages):
                raise OrderError(
                    f"{order['number']} is {order['stage']}: complete it (the last stage)"
                )
            stage = stages[index + 1]
            self.repo.update(order_id, {"stage": stage})
            self._audit(order_id, "stage", {"stage": [order["stage"], stage]}, self.b.timestamp())
        return self.view(
            order_id, messages=(f"{order['number']} is now {stage.replace('_', ' ')}",)
        )

    def complete(self, order_id: int, final: Tender | None = None) -> OrderView:
        """Hand the goods over: the order's sale, paid by its deposits and ``final``."""
        b = self.b
        with saved(b.db, failed="The order was not completed", whole=True):
            order = self._pending(order_id)
            stages = STAGES[str(order["order_type"])]
            if order["stage"] in stages and order["stage"] != stages[-1]:
                raise OrderError(
                    f"{order['number']} is {str(order['stage']).replace('_', ' ')}: it can be completed once {stages[-1].replace('_', ' ')}"
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
                        "reference": str(order["number"]),
                        "points": None,
                        "change_given": "0",
                    }
                )
            final_row, lifted = self._final(order, final, current.due, len(tenders) + 1)
            if final_row is not None:
                tenders.append(final_row)
            sale, earned = self._completion_sale(order, tenders, at)
            self.checkpoint("completion recorded")
            if final_row is not None and final is not None:
                self._post_tender(order, final, final_row, int(sale["id"]), at, lifted=lifted)
            self.repo.update(
                order_id,
                {
                    "status": "completed",
                    "closed_at": at,
                    "amount_due": "0",
                    "completed_sale_id": sale["id"],
                },
            )
            self._audit(
                order_id, "complete", {"sale_id": sale["id"], "points_earned": str(earned)}, at
            )
            self._slip(sale, drawer=final_row is not None and final_row["kind"] == "cash", at=at)
            self.checkpoint("before commit")
        return self.view(
            order_id,
            sale=sale,
            messages=(
                f"{order['number']} completed: {earned} points earned{self._change_note(sale)}",
            ),
        )

    def _final(
        self, order: Row, final: Tender | None, due: Decimal, seq: int
    ) -> tuple[Row | None, tuple[str, ...]]:
        """The completing sale's last tender: exactly what is still due (cash: at least, the
        rest change); None when the order is paid up."""
        if due <= 0:
            return None, ()
        if final is None:
            raise OrderError(
                f"{due} is still due on {order['number']}: take it to complete the order"
            )
        tendered = self._amount(final.amount)
        if tendered < due or (tendered > due and final.kind != "cash"):
            raise OrderError(
                f"The final payment is the {due} still due on {order['number']}"
                + (" (only cash can be more: the rest is change)" if tendered > due else "")
            )
        row, lifted = self._tender(order, final, due)
        change = tendered - due
        row.update(seq=seq, amount=str(tendered), change_given=str(change) if change else "0")
        return row, lifted

    def _completion_sale(self, order: Row, tenders: list[Row], at: str) -> tuple[Row, Decimal]:
        priced = json.loads(order["priced"]) if order["priced"] else None
        if priced is None:
            raise OrderError(
                f"{order['number']} has no items to hand over (an order from before pos-tui took orders)"
            )
        cid = int(order["customer_id"])
        customer, _, _ = self.inputs.customer(cid)
        card = self.inputs.card_type(customer.card_type_id)
        settings = self.inputs.settings()
        base = Decimal(priced["sale"].get("points_base") or 0)
        points = referral = None
        if card is not None:
            points = engine.earn_points(card, customer, base, self.b.now(), settings)
            referral = engine.referral_points(card, customer, base, settings)
        earned = points.points if points else ZERO
        rules = [engine.to_jsonable(r) for r in (points.rules if points else ())]
        sale_fields = {
            **priced["sale"],
            "kind": "sale",
            "lane_id": self.b.settings.lane.id,
            "store_id": self.b.settings.lane.store_id,
            "employee_id": self.employee.id,
            "points_earned": str(earned),
            "referral_customer_id": referral.link_customer_id if referral else None,
            "referral_points": str(referral.points if referral else ZERO),
            "points_used": "0",
            "explanation": json.dumps(
                [
                    {"code": "ORDER_COMPLETED", "description": f"{order['number']} completed"},
                    *rules,
                ],
                ensure_ascii=False,
            ),
        }
        sale = self.b.journal.append(
            {**sale_fields, "committed_at": at}, {**priced["children"], "tenders": tenders}
        )
        self.repo.link(int(order["id"]), int(sale["id"]))
        if earned:
            self.b.ledgers.add_points(
                customer_id=cid,
                entry_type="earned",
                points=earned,
                at=at,
                sale_id=int(sale["id"]),
                employee_id=self.employee.id,
            )
        if referral and referral.points:
            self.b.ledgers.add_points(
                customer_id=referral.link_customer_id,
                entry_type="referral",
                points=referral.points,
                at=at,
                sale_id=int(sale["id"]),
                reason=f"Referral: sale {sale['id']}",
                employee_id=self.employee.id,
            )
        return sale, earned

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
                    for t in b.journal.children(int(record["id"]))["tenders"]:
                        paid = Decimal(t["amount"]) - Decimal(t["change_given"] or 0)
                        refunds.append(
                            {
                                "seq": len(refunds) + 1,
                                "kind": t["kind"],
                                "amount": str(-paid),
                                "reference": t["reference"],
                                "points": t["points"],
                                "change_given": "0",
                            }
                        )
            refunded = -sum((Decimal(r["amount"]) for r in refunds), ZERO)
            kept = current.paid - refunded
            what = f"{order['number']} cancelled: {refunded} refunded" + (
                f", {kept} kept (store option)" if kept else ""
            )
            sale = self._journal(
                order,
                "order_cancel",
                -refunded,
                refunds,
                [{"code": "ORDER_CANCELLED", "description": what}],
                at,
            )
            for row in refunds:
                self._post_tender(order, None, row, int(sale["id"]), at, sign=-1)
            self.repo.update(order_id, {"status": "cancelled", "closed_at": at, "amount_due": "0"})
            self._audit(
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
            self._slip(sale, drawer=any(r["kind"] == "cash" for r in refunds), at=at)
            self.checkpoint("before commit")
        return self.view(order_id, sale=sale, messages=(what,))

    # -- helpers -------------------------------------------------------------------------------
    def _pending(self, order_id: int) -> Row:
        order = self.repo.get(order_id)
        if order is None:
            raise OrderError(f"No order with id {order_id}")
        if order["status"] != "pending":
            raise OrderError(f"{order['number']} is {order['status']}")
        return order

    def _journal(
        self,
        order: Row,
        kind: str,
        total: Decimal,
        tenders: list[Row],
        explanation: list[Any],
        at: str,
    ) -> Row:
        lane = self.b.settings.lane
        sale = self.b.journal.append(
            {
                "lane_id": lane.id,
                "store_id": lane.store_id,
                "kind": kind,
                "customer_id": order["customer_id"],
                "employee_id": self.employee.id,
                "committed_at": at,
                "subtotal": str(total),
                "discount_total": "0",
                "tax_total": "0",
                "total": str(total),
                "reference": str(order["number"]),
                "explanation": json.dumps(explanation, ensure_ascii=False),
            },
            {"tenders": tenders},
        )
        self.repo.link(int(order["id"]), int(sale["id"]))
        return sale

    def _change_note(self, sale: Row | None) -> str:
        """ ", change 40.00" when the record's cash gave change (said to the cashier)."""
        if sale is None:
            return ""
        tenders = self.b.journal.children(int(sale["id"]))["tenders"]
        change = sum((Decimal(t["change_given"] or 0) for t in tenders), ZERO)
        return f", change {change}" if change else ""

    def _slip(self, sale: Row, *, drawer: bool, at: str) -> None:
        self.b.print_jobs.add(
            lane_id=self.b.settings.lane.id,
            kind="receipt",
            document={"sale_id": sale["id"]},
            at=at,
            sale_id=int(sale["id"]),
            open_drawer=drawer,
        )

    def _audit(self, order_id: int, action: str, changes: dict[str, Any], at: str) -> None:
        self.b.store.audit(
            at=at,
            entity="customer_order",
            entity_id=order_id,
            action=action,
            changes=changes,
            employee_id=self.employee.id,
            lane_id=self.b.settings.lane.id,
        )

    def _unit(self) -> Decimal:
        return Decimal(1).scaleb(-self.b.settings.currency.minor_unit)

    def _min_deposit(self) -> Decimal:
        try:
            return to_decimal(self.b.store.setting(SETTING_MIN_DEPOSIT, "0") or "0")
        except NotANumber:
            return ZERO

    def _amount(self, value: str | Decimal) -> Decimal:
        places = self.b.settings.currency.minor_unit
        try:
            return parse_money(value, "An amount", places)
        except NotANumber:
            raise OrderError(f"{value!r} is not an amount") from None
        except TooManyPlaces:
            raise OrderError(f"An amount has at most {places} decimals, not {value!r}") from None


def customer_name(backend: Backend, customer_id: int) -> str:
    row = backend.customers.get(customer_id)
    return display_name(row) if row else "?"
