"""The tender of a customer order's payment: its own checks (a card's approval reference, the
account's charge rules and PIN, the points that pay it) and what it moves besides the drawer
(a charge or refund on the account, points used or given back)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from pos_tui import engine
from pos_tui.engine.money import ZERO
from pos_tui.services.accounts.calendar import charge_due_date
from pos_tui.services.accounts.order_view import TENDER_KINDS, OrderError, Tender, parse_amount
from pos_tui.services.checkout.engine_inputs import EngineInputs
from pos_tui.services.runtime.backend import Backend
from pos_tui.services.staff.auth import Employee
from pos_tui.services.staff.pins import verify_pin
from pos_tui.storage.accounts import CustomerOrder
from pos_tui.storage.rows import Row

# Writes an order's audit row: (order id, action, changes, at).
Audit = Callable[[int, str, dict[str, Any], str], None]


class OrderTenders:
    """Tenders of orders taken by ``employee``, inside the caller's write transaction."""

    def __init__(
        self, backend: Backend, employee: Employee, inputs: EngineInputs, audit: Audit
    ) -> None:
        self.b = backend
        self.employee = employee
        self.inputs = inputs
        self.audit = audit

    @staticmethod
    def applied(
        order: CustomerOrder, tender: Tender, tendered: Decimal, due: Decimal
    ) -> tuple[Decimal, Decimal]:
        """What a payment of ``tendered`` pays on the order, and the change: only cash may be
        more than is still due (the rest is change); any other tender over it is refused."""
        if due <= 0:
            raise OrderError(f"Nothing is still due on {order.number}: complete it")
        if tendered <= due:
            return tendered, ZERO
        if tender.kind == "cash":
            return due, tendered - due
        raise OrderError(
            f"A payment of {tendered} is more than the {due} still due on {order.number} "
            "(only cash can be more: the rest is change)"
        )

    def tender(
        self, order: CustomerOrder, tender: Tender, amount: Decimal
    ) -> tuple[Row, tuple[str, ...]]:
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
            lifted = self.check_account(order, tender, amount, reference)
        if tender.kind == "points":
            points = str(self.points_for(order, amount))
        row = {
            "seq": 1,
            "kind": tender.kind,
            "amount": str(amount),
            "reference": reference,
            "points": points,
            "change_given": "0",
        }
        return row, lifted

    def check_account(
        self, order: CustomerOrder, tender: Tender, amount: Decimal, reference: str | None
    ) -> tuple[str, ...]:
        """The engine's charge checks; the codes of the refusals a supervisor lifted."""
        cid = order.customer_id
        row = self.b.customers.get(cid)
        pin_ok = bool(tender.pin) and verify_pin(tender.pin or "", row.pin_hash if row else None)
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

    def points_for(self, order: CustomerOrder, amount: Decimal) -> Decimal:
        """The points that pay ``amount``: whole units of the card type's rate, within the balance."""
        cid = order.customer_id
        row = self.b.customers.get(cid)
        card = self.inputs.card_type(row.card_type_id if row else None)
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

    def post(
        self,
        order: CustomerOrder,
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
        cid = order.customer_id
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
                reference=row["reference"] or order.number,
                sale_id=sale_id,
                due_date=due,
                note=f"order {order.number}" + (" (supervisor override)" if approver else ""),
                employee_id=self.employee.id,
                approved_by=approver.id if approver else None,
            )
            if approver is not None:
                self.audit(
                    order.id,
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

    def final(
        self, order: CustomerOrder, final: Tender | None, due: Decimal, seq: int
    ) -> tuple[Row | None, tuple[str, ...]]:
        """The completing sale's last tender: exactly what is still due (cash: at least, the
        rest change); None when the order is paid up."""
        if due <= 0:
            return None, ()
        if final is None:
            raise OrderError(f"{due} is still due on {order.number}: take it to complete the order")
        tendered = parse_amount(self.b, final.amount)
        if tendered < due or (tendered > due and final.kind != "cash"):
            raise OrderError(
                f"The final payment is the {due} still due on {order.number}"
                + (" (only cash can be more: the rest is change)" if tendered > due else "")
            )
        row, lifted = self.tender(order, final, due)
        change = tendered - due
        row.update(seq=seq, amount=str(tendered), change_given=str(change) if change else "0")
        return row, lifted
