"""Cash withdrawal on account (Quasar's allowed transaction types): the customer takes cash out
of the drawer against their receivable account.

The engine decides (``check_charge`` with ``cash_withdrawal``): the account and the
withdrawal must be allowed, the PIN and a required reference given, the card valid, no credit
hold, within the credit limit, and for a customer who may "only withdraw cash when in credit",
no more than the credit balance. Posted in one transaction: a journal record of kind
``withdrawal`` (total and cash tender negative: money out of the drawer), a ``withdrawal`` entry
raising what the customer owes (due by their terms), the slip with a drawer kick, and an audit
row when a supervisor lifted a refusal.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal

from pos_tui import engine
from pos_tui.services.accounts.calendar import charge_due_date
from pos_tui.services.checkout.atomic import saved
from pos_tui.services.checkout.engine_inputs import EngineInputs
from pos_tui.services.checkout.errors import CheckoutError, parse_decimal
from pos_tui.services.runtime.backend import Backend
from pos_tui.services.shifts.gate import open_shift
from pos_tui.services.staff.auth import Employee
from pos_tui.services.staff.pins import verify_pin
from pos_tui.storage.rows import Row


@dataclass(frozen=True)
class Withdrawal:
    sale: Row
    balance: Decimal
    messages: tuple[str, ...]


class WithdrawalService:
    def __init__(
        self, backend: Backend, employee: Employee, *, inputs: EngineInputs | None = None
    ) -> None:
        self.b = backend
        self.employee = employee
        self.inputs = inputs or EngineInputs(backend)

    def withdraw(
        self,
        customer_id: int,
        amount: str | Decimal,
        *,
        pin: str | None = None,
        reference: str | None = None,
        approver: Employee | None = None,
    ) -> Withdrawal:
        b = self.b
        places = b.settings.currency.minor_unit
        value = parse_decimal(amount, "Withdrawal")
        if value <= 0 or value != value.quantize(Decimal(1).scaleb(-places)):
            raise CheckoutError(f"A withdrawal is a positive amount with at most {places} decimals")
        value = value.quantize(Decimal(1).scaleb(-places))
        reference = (reference or "").strip() or None
        with saved(b.db, failed="The withdrawal was not made"):
            row = b.customers.get(customer_id)
            if row is None:
                raise CheckoutError(f"No customer with id {customer_id}")
            pin_ok = bool(pin) and verify_pin(pin or "", row.pin_hash)
            if pin and not pin_ok:
                raise CheckoutError("Wrong customer PIN", code="CHARGE_PIN_WRONG")
            customer, account, _ = self.inputs.customer(customer_id)
            lifted = approver is not None and approver.at_least("supervisor")
            request = engine.ChargeRequest(
                transaction_type="cash_withdrawal",
                amount=value,
                pin_verified=pin_ok,
                reference=reference,
                location_id=self.inputs.location_id(),
                supervisor_override=lifted,
            )
            settings = self.inputs.settings()
            today = b.now().date()
            decision = engine.check_charge(customer, account, request, value, settings, today)
            if not decision.allowed:
                raise CheckoutError(
                    "; ".join(r.message for r in decision.refusals),
                    code=decision.refusals[0].code,
                    override_allowed=all(r.override_allowed for r in decision.refusals),
                )
            try:
                due = charge_due_date(b, customer, today, settings).due
            except ValueError as exc:
                raise CheckoutError(f"Cannot withdraw on this account: {exc}") from None
            at = b.timestamp()
            lane = b.settings.lane
            open_shift(b)  # cash leaves the drawer: only within an open shift
            sale = b.journal.append(
                {
                    "lane_id": lane.id,
                    "store_id": lane.store_id,
                    "kind": "withdrawal",
                    "customer_id": customer_id,
                    "employee_id": self.employee.id,
                    "committed_at": at,
                    "subtotal": str(-value),
                    "discount_total": "0",
                    "tax_total": "0",
                    "total": str(-value),
                    "reference": reference,
                    "explanation": json.dumps(
                        [engine.to_jsonable(r) for r in decision.rules], ensure_ascii=False
                    ),
                },
                {
                    "tenders": [
                        {"seq": 1, "kind": "cash", "amount": str(-value), "change_given": "0"}
                    ]
                },
            )
            b.ledgers.add_receivable(
                customer_id=customer_id,
                entry_type="withdrawal",
                amount=value,
                at=at,
                reference=reference,
                sale_id=int(sale["id"]),
                due_date=due.isoformat(),
                note="supervisor override" if decision.overridden else None,
                employee_id=self.employee.id,
            )
            if decision.overridden and approver is not None:
                b.store.audit(
                    at=at,
                    entity="sale",
                    entity_id=int(sale["id"]),
                    action="withdrawal_override",
                    changes={
                        "approved_by": approver.id,
                        "lifted": [r.code for r in decision.overridden],
                    },
                    employee_id=self.employee.id,
                    lane_id=lane.id,
                )
            b.print_jobs.add(
                lane_id=lane.id,
                kind="receipt",
                document={"sale_id": sale["id"]},
                at=at,
                sale_id=int(sale["id"]),
                open_drawer=True,
            )
            balance = b.customers.receivable_balance(customer_id)
        return Withdrawal(
            sale, balance, (f"Hand out {value} in cash: the account owes {balance}, due {due}",)
        )
