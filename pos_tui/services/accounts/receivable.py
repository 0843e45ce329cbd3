"""Receivable work outside a sale: payments on account, subscriptions, service charges.

Each posting is idempotent per period (a reference marks it), so running the same command twice
never charges a member twice. Each customer's charge is posted or reported on its own: a charge
that cannot be posted (terms the engine cannot read, a locked database) is a failed line of the
run, and the others go on.
"""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import partial

from pos_tui import engine
from pos_tui.engine.errors import Refused
from pos_tui.engine.money import ZERO, NotANumber, TooManyPlaces, parse_money, to_decimal
from pos_tui.services.accounts.calendar import charge_due_date
from pos_tui.services.checkout.engine_inputs import EngineInputs
from pos_tui.services.customers.names import display_name
from pos_tui.services.runtime.backend import Backend
from pos_tui.storage.customers import CustomerRow
from pos_tui.storage.db import write

log = logging.getLogger(__name__)


class ReceivableError(Refused):
    pass


@dataclass(frozen=True)
class Posting:
    """One customer's line in a subscription or service charge run."""

    customer_id: int
    name: str
    amount: Decimal
    posted: bool
    reason: str
    # The charge was due but could not be posted (``reason`` says why).
    failed: bool = False


def subscription_reference(card_code: str, period: engine.Period) -> str:
    return f"SUB {card_code} {period.start.isoformat()}"


def service_charge_reference(as_of: dt.date) -> str:
    return f"SVC {as_of.isoformat()}"


class ReceivableService:
    def __init__(self, backend: Backend, *, inputs: EngineInputs | None = None) -> None:
        self.b = backend
        self.inputs = inputs or EngineInputs(backend)

    def take_payment(
        self,
        customer_id: int,
        amount: str | Decimal,
        *,
        reference: str | None = None,
        employee_id: int | None = None,
    ) -> Decimal:
        """A payment on account (Quasar: only for customers allowed to pay); returns the new balance."""
        row = self.b.customers.get(customer_id)
        if row is None:
            raise ReceivableError(f"No customer with id {customer_id}")
        if not row.ar_enabled or not row.allow_payment:
            raise ReceivableError(f"{display_name(row)} cannot make payments on account")
        if row.required_reference and not (reference or "").strip():
            label = row.required_reference_label or "reference"
            raise ReceivableError(f"{display_name(row)} requires a {label} on every payment")
        places = self.b.settings.currency.minor_unit
        try:
            value = to_decimal(amount, "A payment")  # stored as given: "200" stays "200"
            parse_money(value, "A payment", places)
        except NotANumber:
            raise ReceivableError(f"{amount!r} is not an amount") from None
        except TooManyPlaces:
            value = ZERO  # refused just below, in the same words
        if value <= 0:
            raise ReceivableError(f"A payment is a positive amount with at most {places} decimals")
        with write(self.b.db):
            self.b.ledgers.add_receivable(
                customer_id=customer_id,
                entry_type="payment",
                amount=-value,
                at=self.b.timestamp(),
                reference=(reference or "").strip() or None,
                employee_id=employee_id,
            )
            return self.b.customers.receivable_balance(customer_id)

    # -- subscriptions -------------------------------------------------------------------------
    def post_subscriptions(self, moment: dt.datetime, *, dry_run: bool = False) -> list[Posting]:
        """Charge every active member whose card type has a subscription, once per period."""
        out: list[Posting] = []
        for card_type in self.inputs.all_card_types():
            sub = card_type.subscription
            if sub is None or not card_type.active:
                continue
            for row in self.b.customers.with_card_type(card_type.id):
                post = partial(self._subscription, card_type, sub, moment=moment, dry_run=dry_run)
                posting = self._each(row, post)
                if posting is not None:
                    out.append(posting)
        return out

    def _subscription(
        self,
        card_type: engine.CardType,
        sub: engine.CardTypeSubscription,
        row: CustomerRow,
        *,
        moment: dt.datetime,
        dry_run: bool,
    ) -> Posting:
        settings = self.inputs.settings()
        cid, name = row.id, display_name(row)
        period = engine.period_containing(
            moment.date(), sub.periodicity, settings.financial_year_start_month
        )
        sales = [
            (dt.datetime.fromisoformat(s["committed_at"]), Decimal(s["total"]))
            for s in self.b.journal.for_customer(
                cid,
                start=period.start.isoformat(),
                end=(moment + dt.timedelta(seconds=1)).isoformat(timespec="seconds"),
                limit=100_000,
            )
            # Sales less returns: order payments, cancellations and withdrawals are not sales.
            if s["kind"] in ("sale", "return")
        ]
        net = engine.net_sales_in_period(sales, period, moment)
        charge = engine.subscription_charge(sub, moment, net, settings)
        reference = subscription_reference(card_type.code, period)
        if not charge.postable:
            return Posting(cid, name, charge.total, False, charge.refusals[0].message)
        if self.b.ledgers.has_reference(cid, reference):
            return Posting(cid, name, ZERO, False, f"already posted ({reference})")
        if charge.total == 0:
            return Posting(cid, name, ZERO, False, f"nothing due: net sales {net} cover the rate")
        # Worked out on a dry run too, so the dry run shows every charge that would fail.
        customer, _, _ = self.inputs.customer(cid)
        due = charge_due_date(self.b, customer, moment.date(), settings).due
        if not dry_run:
            self.b.ledgers.add_receivable(
                customer_id=cid,
                entry_type="charge",
                amount=charge.total,
                at=moment.isoformat(timespec="seconds"),
                reference=reference,
                due_date=due.isoformat(),
                note=f"{card_type.name} subscription {period.start}..{period.end}: {charge.amount} + tax {charge.tax}"
                f" ({sub.ledger_account})",
            )
        return Posting(cid, name, charge.total, not dry_run, f"net sales {net}, due {due}")

    @staticmethod
    def _each(row: CustomerRow, post: Callable[[CustomerRow], Posting | None]) -> Posting | None:
        """One customer's line of a run: what ``post`` did (None: nothing to say), or why it
        could not: the run goes on with the next customer."""
        try:
            return post(row)
        except (ValueError, sqlite3.Error) as exc:
            log.warning("customer %s not posted: %s", row.id, exc)
            return Posting(
                row.id, display_name(row), ZERO, False, f"not posted: {exc}", failed=True
            )

    # -- service charges -----------------------------------------------------------------------
    def post_service_charges(self, as_of: dt.date, *, dry_run: bool = False) -> list[Posting]:
        """Annual service charge on past-due open items, from each item's due date or the last
        service charge, whichever is later (so no day is charged twice); never on a service
        charge itself."""
        out: list[Posting] = []
        for row in self.b.customers.with_service_charge():
            posting = self._each(row, partial(self._service_charge, as_of=as_of, dry_run=dry_run))
            if posting is not None:
                out.append(posting)
        return out

    def _service_charge(self, row: CustomerRow, as_of: dt.date, dry_run: bool) -> Posting | None:
        settings = self.inputs.settings()
        reference = service_charge_reference(as_of)
        cid, name = row.id, display_name(row)
        if self.b.ledgers.has_reference(cid, reference):
            return Posting(cid, name, ZERO, False, f"already posted ({reference})")
        items = self._open_items(cid)
        charge = engine.service_charge(items, row.service_charge_percent, as_of, settings)
        if charge.amount <= 0:
            return None
        if not dry_run:
            self.b.ledgers.add_receivable(
                customer_id=cid,
                entry_type="service_charge",
                amount=charge.amount,
                at=dt.datetime.combine(as_of, dt.time()).isoformat(timespec="seconds"),
                reference=reference,
                due_date=as_of.isoformat(),
                note="; ".join(r.description for r in charge.rules),
            )
        return Posting(cid, name, charge.amount, not dry_run, f"{len(charge.rules)} past-due items")

    def _open_items(self, customer_id: int) -> list[engine.OpenItem]:
        """Charges still unpaid, oldest first (payments and credits settle the oldest first)."""
        entries = self.b.ledgers.receivable_entries(customer_id)
        credit = -sum((e.amount for e in entries if e.amount < 0), ZERO)
        last_service = max(
            (e.posted_at[:10] for e in entries if e.entry_type == "service_charge"),
            default=None,
        )
        items: list[engine.OpenItem] = []
        for e in sorted(
            (e for e in entries if e.amount > 0),
            key=lambda e: (e.due_date or e.posted_at[:10], e.id),
        ):
            amount = e.amount
            settled = min(amount, credit)
            credit -= settled
            left = amount - settled
            # No charge on a charge: service charges settle with payments but earn none.
            if left <= 0 or e.entry_type == "service_charge":
                continue
            due = dt.date.fromisoformat(e.due_date or e.posted_at[:10])
            if last_service and dt.date.fromisoformat(last_service) > due:
                due = dt.date.fromisoformat(last_service)
            items.append(engine.OpenItem(amount=left, due=due))
        return items
