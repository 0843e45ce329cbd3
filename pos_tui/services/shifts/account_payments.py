"""Payments on account taken at the lane: cash, card or both, applied to the open charges.

The seeds' rules (Quasar): only a customer whose account is on and who may make payments; a
required reference on every payment; the payment settles the oldest charge first unless the
cashier picks one. The PIN is the customer's consent to *charge* the account and a credit hold
suspends *credit*: neither stops money coming in, so a payment asks for neither and a customer
on hold may pay (the receipt says the hold stays until lifted in the back office).

One transaction: a journal record of kind ``account_payment`` in the open shift (its tenders as
taken, change from cash only), the ``payment`` ledger entry, which charges it settles, and the
receipt with the new balance and the drawer kick for cash.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal

from pos_tui.engine.money import ZERO
from pos_tui.services.checkout.atomic import saved
from pos_tui.services.checkout.errors import CheckoutError
from pos_tui.services.customers.names import display_name
from pos_tui.services.runtime.backend import Backend
from pos_tui.services.shifts.counts import money
from pos_tui.services.shifts.gate import open_shift
from pos_tui.services.staff.auth import Employee
from pos_tui.storage.customers import CustomerRow
from pos_tui.storage.rows import Row


@dataclass(frozen=True)
class OpenCharge:
    entry_id: int
    posted_at: str
    due_date: str | None
    entry_type: str
    reference: str | None
    amount: Decimal
    open: Decimal


@dataclass(frozen=True)
class AccountPayment:
    sale: Row
    balance: Decimal
    change: Decimal
    applied: tuple[tuple[int, Decimal], ...]
    messages: tuple[str, ...]


class AccountPaymentService:
    def __init__(self, backend: Backend, employee: Employee) -> None:
        self.b = backend
        self.employee = employee

    def owed(self, customer_id: int) -> Decimal:
        """What the customer owes now (the sum of their receivable ledger)."""
        return self.b.customers.receivable_balance(customer_id)

    def open_charges(self, customer_id: int) -> list[OpenCharge]:
        """What the customer still owes, charge by charge, oldest due first: explicit
        allocations settle their charge; other credits (payments taken elsewhere, returns,
        adjustments) settle the oldest first."""
        entries = self.b.ledgers.receivable_entries(customer_id)
        allocated = self.b.shifts.allocated(customer_id)
        explicit = sum((a for parts in allocated.values() for a in parts), ZERO)
        credit = -sum((e.amount for e in entries if e.amount < 0), ZERO)
        credit -= explicit
        out: list[OpenCharge] = []
        for e in sorted(
            (e for e in entries if e.amount > 0),
            key=lambda e: (e.due_date or e.posted_at[:10], e.id),
        ):
            amount = e.amount
            left = amount - sum(allocated.get(e.id, []), ZERO)
            settled = min(left, max(credit, ZERO))
            credit -= settled
            left -= settled
            if left > 0:
                out.append(
                    OpenCharge(
                        e.id,
                        e.posted_at,
                        e.due_date,
                        e.entry_type,
                        e.reference,
                        amount,
                        left,
                    )
                )
        return out

    def pay(
        self,
        customer_id: int,
        amount: str | Decimal,
        *,
        cash: str | Decimal = "0",
        card: str | Decimal = "0",
        card_reference: str = "",
        reference: str | None = None,
        charge_id: int | None = None,
    ) -> AccountPayment:
        settings = self.b.settings
        value = money(settings, amount, "Payment")
        cash_in = money(settings, cash or "0", "Cash")
        card_in = money(settings, card or "0", "Card")
        if value == 0:
            raise CheckoutError("Payment: give an amount more than zero")
        if card_in > value:
            raise CheckoutError(f"A card pays at most the {value} paid: change comes from cash")
        if card_in and not card_reference.strip():
            raise CheckoutError("Give the card terminal's approval code")
        if cash_in + card_in < value:
            raise CheckoutError(f"Cash and card make {cash_in + card_in}: {value} is paid")
        change = cash_in + card_in - value
        reference = " ".join((reference or "").split()) or None
        with saved(self.b.db, failed="The payment was not taken"):
            open_shift(self.b)
            row = self._payer(customer_id, reference)
            charges = self.open_charges(customer_id)
            owed = self.b.customers.receivable_balance(customer_id)
            if value > owed:
                raise CheckoutError(
                    f"{display_name(row)} owes {max(owed, ZERO)}: a payment of {value} is more"
                )
            applied = _apply(charges, value, charge_id)
            sale = self._record(row, value, cash_in, card_in, change, card_reference, reference)
            entry = self.b.ledgers.add_receivable(
                customer_id=customer_id,
                entry_type="payment",
                amount=-value,
                at=str(sale["committed_at"]),
                reference=reference,
                sale_id=int(sale["id"]),
                employee_id=self.employee.id,
            )
            self.b.shifts.allocate(entry, [(cid, str(a)) for cid, a in applied])
            balance = self.b.customers.receivable_balance(customer_id)
        messages = [f"{value} paid on account: {display_name(row)} owes {balance}"]
        if change:
            messages.append(f"Change {change}")
        if row.credit_hold:
            messages.append("The account stays on credit hold until it is lifted")
        return AccountPayment(sale, balance, change, tuple(applied), tuple(messages))

    def _payer(self, customer_id: int, reference: str | None) -> CustomerRow:
        row = self.b.customers.get(customer_id)
        if row is None or not row.active:
            raise CheckoutError("That customer is not active")
        name = display_name(row)
        if not row.ar_enabled:
            raise CheckoutError(f"{name} has no receivable account")
        if not row.allow_payment:
            raise CheckoutError(f"{name} cannot make payments on account")
        if row.required_reference and not reference:
            label = row.required_reference_label or "reference"
            raise CheckoutError(f"{name} requires a {label} on every payment")
        return row

    def _record(
        self,
        row: CustomerRow,
        value: Decimal,
        cash: Decimal,
        card: Decimal,
        change: Decimal,
        card_reference: str,
        reference: str | None,
    ) -> Row:
        b, lane = self.b, self.b.settings.lane
        at = b.timestamp()
        tenders = []
        if card:
            tenders.append(
                {"kind": "card", "amount": str(card), "reference": card_reference.strip()}
            )
        if cash:
            tenders.append({"kind": "cash", "amount": str(cash), "change_given": str(change)})
        sale = b.journal.append(
            {
                "lane_id": lane.id,
                "store_id": lane.store_id,
                "kind": "account_payment",
                "customer_id": row.id,
                "employee_id": self.employee.id,
                "committed_at": at,
                "subtotal": str(value),
                "discount_total": "0",
                "tax_total": "0",
                "total": str(value),
                "reference": reference,
                "explanation": json.dumps({"payment": str(value)}),
            },
            {"tenders": [{"seq": i + 1, **t} for i, t in enumerate(tenders)]},
        )
        b.print_jobs.add(
            lane_id=lane.id,
            kind="receipt",
            document={"sale_id": sale["id"]},
            at=at,
            sale_id=int(sale["id"]),
            open_drawer=bool(cash),
        )
        return sale


def _apply(
    charges: list[OpenCharge], value: Decimal, charge_id: int | None
) -> list[tuple[int, Decimal]]:
    """Which charges ``value`` settles: the picked one first, then the oldest due."""
    order = list(charges)
    if charge_id is not None:
        picked = [c for c in charges if c.entry_id == charge_id]
        if not picked:
            raise CheckoutError(f"Charge {charge_id} is not open on this account")
        order = picked + [c for c in charges if c.entry_id != charge_id]
    out: list[tuple[int, Decimal]] = []
    left = value
    for c in order:
        if left <= 0:
            break
        part = min(c.open, left)
        out.append((c.entry_id, part))
        left -= part
    return out
