"""What the back office shows about one customer: purchases and returns, loyalty, the credit
account with its statement, orders and the audit trail. Everything here runs on the database
thread and returns plain snapshots.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from pos_tui.engine.errors import Refused
from pos_tui.engine.money import ZERO
from pos_tui.services.customers.names import display_name
from pos_tui.services.customers.service import CustomerService
from pos_tui.services.customers.visits import Visit, VisitService
from pos_tui.services.runtime.backend import Backend
from pos_tui.services.staff.lockout import PinState, customer_pin_state
from pos_tui.storage.customers import CustomerRow
from pos_tui.storage.ledgers import PointsListing, ReceivableListing
from pos_tui.storage.reports import ReportRepository
from pos_tui.storage.rows import Row

DAILY_UP_TO_DAYS = 62  # a shorter history is charted per day, a longer one per month
ENTRY_LABELS = {
    "opening": "Opening balance",
    "charge": "Charge",
    "payment": "Payment",
    "adjustment": "Adjustment",
    "service_charge": "Service charge",
    "withdrawal": "Cash withdrawal",
    "return": "Return credit",
}


@dataclass(frozen=True)
class HistoryRow:
    sale_id: int
    at: str
    number: str
    kind: str
    lines: int
    amount: Decimal  # signed: a return is negative
    points_earned: Decimal
    points_used: Decimal


@dataclass(frozen=True)
class History:
    """Purchases and returns between two optional dates, their counts and a spending series."""

    rows: list[HistoryRow]
    sales_count: int
    returns_count: int
    visit_count: int
    purchases: Decimal
    returns: Decimal
    series: list[tuple[date, Decimal]]
    per: str  # "day" or "month"
    # Visits with in and out times (store option "Track in or out"); empty when not tracked.
    visits: list[Visit] = field(default_factory=list)

    @property
    def net(self) -> Decimal:
        return self.purchases + self.returns


@dataclass(frozen=True)
class SaleDetail:
    sale: Row
    lines: list[Row]
    tenders: list[Row]


@dataclass(frozen=True)
class Upgrade:
    at: str
    from_name: str
    to_name: str
    rule: str
    employee: str


@dataclass(frozen=True)
class LoyaltyView:
    summary: dict[str, Decimal]
    entries: list[PointsListing]
    upgrades: list[Upgrade]
    card_type: str


@dataclass(frozen=True)
class AccountView:
    """The credit account: entries with a running balance, and the rules that apply."""

    customer: CustomerRow
    name: str
    entries: list[tuple[ReceivableListing, Decimal]]
    balance: Decimal
    credit_limit: Decimal
    address: list[str] = field(default_factory=list)

    @property
    def available(self) -> Decimal:
        return self.credit_limit - self.balance


@dataclass(frozen=True)
class AuditEntry:
    at: str
    employee: str
    action: str
    changes: list[tuple[str, str]]


def spending_series(
    rows: list[HistoryRow], start: date | None, end: date | None
) -> tuple[list[tuple[date, Decimal]], str]:
    """Net spending per day (short spans) or per month, every bucket present, oldest first."""
    days = [date.fromisoformat(r.at[:10]) for r in rows]
    first = start or (min(days) if days else None)
    last = end or (max(days) if days else None)
    if first is None or last is None or last < first:
        return [], "month"
    per = "day" if (last - first).days < DAILY_UP_TO_DAYS else "month"

    def bucket(d: date) -> date:
        return d if per == "day" else d.replace(day=1)

    totals: dict[date, Decimal] = {}
    cursor = bucket(first)
    while cursor <= last:
        totals[cursor] = ZERO
        cursor = (
            cursor + timedelta(days=1)
            if per == "day"
            else (cursor.replace(day=28) + timedelta(days=4)).replace(day=1)
        )
    for row, d in zip(rows, days, strict=True):
        key = bucket(d)
        if key in totals:
            totals[key] += row.amount
    return sorted(totals.items()), per


def _history_row(sale: Row, lines: int) -> HistoryRow:
    total = Decimal(sale["total"])
    amount = -abs(total) if sale["kind"] == "return" else total
    return HistoryRow(
        sale_id=int(sale["id"]),
        at=str(sale["committed_at"]),
        number=f"{sale['lane_id']}-{sale['sale_number']}",
        kind=str(sale["kind"]),
        lines=lines,
        amount=amount,
        points_earned=Decimal(sale["points_earned"] or 0),
        points_used=Decimal(sale["points_used"] or 0),
    )


class HistoryService:
    """One customer's history, loyalty and account (database thread)."""

    def __init__(self, backend: Backend) -> None:
        self.b = backend
        self.reports = ReportRepository(backend.db)

    def history(
        self, customer_id: int, start: date | None = None, end: date | None = None
    ) -> History:
        """Sales and returns from ``start`` to ``end`` inclusive (either may be open)."""
        if start and end and end < start:
            raise Refused("The end date is before the start date")
        sales = self.b.journal.for_customer(
            customer_id,
            start=start.isoformat() if start else None,
            end=(end + timedelta(days=1)).isoformat() if end else None,
            limit=100_000,
        )
        counts = self.reports.sale_line_counts([int(s["id"]) for s in sales])
        rows = [_history_row(s, counts.get(int(s["id"]), 0)) for s in sales]
        series, per = spending_series(rows, start, end)
        return History(
            rows=rows,
            sales_count=sum(1 for r in rows if r.kind == "sale"),
            returns_count=sum(1 for r in rows if r.kind == "return"),
            visit_count=len({r.at[:10] for r in rows}),
            purchases=sum((r.amount for r in rows if r.kind == "sale"), ZERO),
            returns=sum((r.amount for r in rows if r.kind == "return"), ZERO),
            series=series,
            per=per,
            visits=VisitService(self.b).for_customer(customer_id, start, end),
        )

    def sale_detail(self, sale_id: int) -> SaleDetail | None:
        sale = self.b.journal.get(sale_id)
        if sale is None:
            return None
        children = self.b.journal.children(sale_id)
        return SaleDetail(sale=sale, lines=children["lines"], tenders=children["tenders"])

    # -- loyalty -------------------------------------------------------------------------------
    def loyalty(self, customer_id: int) -> LoyaltyView:
        names = self.reports.names("card_types")
        upgrades = []
        for entry in self.reports.audit_entries(
            "customer", customer_id, action="card_type_upgrade"
        ):
            changes = json.loads(entry["changes"])
            before, after = (changes.get("card_type_id") or [None, None])[:2]
            upgrades.append(
                Upgrade(
                    at=str(entry["at"]),
                    from_name=names.get(before, "no card") if before else "no card",
                    to_name=names.get(after, str(after)) if after else "no card",
                    rule=str(changes.get("rule", "")),
                    employee=str(entry["employee_name"] or ""),
                )
            )
        row = self.b.customers.get(customer_id)
        card = names.get(row.card_type_id, "") if row and row.card_type_id else ""
        return LoyaltyView(
            summary=self.b.ledgers.points_summary(customer_id),
            entries=self.b.ledgers.points_entries(customer_id),
            upgrades=upgrades,
            card_type=card,
        )

    # -- the credit account --------------------------------------------------------------------
    def account(self, customer_id: int) -> AccountView:
        row = self.b.customers.get(customer_id)
        if row is None:
            raise Refused(f"No customer with id {customer_id}")
        running = ZERO
        entries: list[tuple[ReceivableListing, Decimal]] = []
        for entry in self.b.ledgers.receivable_entries(customer_id):
            running += entry.amount
            entries.append((entry, running))
        return AccountView(
            customer=row,
            name=display_name(row),
            entries=entries,
            balance=running,
            credit_limit=Decimal(row.credit_limit),
            address=self._billing_address(customer_id, str(row.billing_address)),
        )

    def _billing_address(self, customer_id: int, which: str) -> list[str]:
        addresses = self.b.customers.addresses(customer_id)
        chosen = next((a for a in addresses if a.address_type == which), None)
        chosen = chosen or next((a for a in addresses if a.address_type == "main"), None)
        if chosen is None:
            return []
        street = " ".join(
            str(getattr(chosen, k)) for k in ("street_number", "street_name") if getattr(chosen, k)
        )
        lines = [
            street,
            *(str(getattr(chosen, k)) for k in ("line_1", "line_2", "line_3", "line_4")),
        ]
        place = " ".join(
            str(getattr(chosen, k)) for k in ("city", "state", "postal_code") if getattr(chosen, k)
        )
        return [x for x in [*lines, place, str(chosen.country or "")] if x and x != "None"]

    def statement(self, customer_id: int, width: int = 64) -> str:
        """The account statement as plain text (preview and printing)."""
        view = self.account(customer_id)
        row = view.customer
        today = self.b.now().date().isoformat()
        out = [
            f"STATEMENT OF ACCOUNT{today:>{width - 20}}",
            f"{view.name}  ·  account {row.account_number}",
            *view.address,
            f"Credit limit {view.credit_limit}   Terms {row.payment_terms or '-'}   "
            f"Grace {row.grace_period_type} {row.grace_period_days} days",
            "-" * width,
            f"{'Date':<11}{'Entry':<16}{'Reference':<14}{'Amount':>11}{'Balance':>12}",
        ]
        for entry, running in view.entries:
            out.append(
                f"{entry.posted_at[:10]:<11}"
                f"{ENTRY_LABELS.get(entry.entry_type, entry.entry_type)[:15]:<16}"
                f"{(entry.reference or '')[:13]:<14}{entry.amount:>11}{running!s:>12}"
            )
        if not view.entries:
            out.append("No entries.")
        out += [
            "-" * width,
            f"{'Balance due':<41}{view.balance!s:>23}",
            f"{'Available credit':<41}{view.available!s:>23}",
        ]
        if row.credit_hold:
            out.append("CREDIT HOLD: charges need a supervisor's clearance.")
        if row.service_charge_percent and Decimal(row.service_charge_percent) > 0:
            out.append(f"Past-due items carry {row.service_charge_percent} % a year.")
        return "\n".join(out)

    def set_credit_hold(self, customer_id: int, on: bool, *, employee_id: int | None) -> None:
        CustomerService(self.b).update(customer_id, {"credit_hold": on}, employee_id=employee_id)

    # -- orders and audit ----------------------------------------------------------------------
    def orders(self, customer_id: int) -> list[Row]:
        return self.reports.orders(customer_id)

    def audit(self, customer_id: int) -> list[AuditEntry]:
        """Who changed what on this customer, oldest first, changes as (field, what) pairs."""
        out = []
        for entry in self.reports.audit_entries("customer", customer_id):
            try:
                changes: Any = json.loads(entry["changes"])
            except ValueError:
                changes = {"?": entry["changes"]}
            pairs = [(str(k), _describe(v)) for k, v in sorted(changes.items())]
            out.append(
                AuditEntry(
                    at=str(entry["at"]),
                    employee=str(entry["employee_name"] or "-"),
                    action=str(entry["action"]),
                    changes=pairs,
                )
            )
        return out


def _describe(value: Any) -> str:
    if isinstance(value, list) and len(value) == 2:
        return f"{_plain(value[0])} → {_plain(value[1])}"
    return _plain(value)


def _plain(value: Any) -> str:
    return "(empty)" if value is None else str(value)


def account_and_pin(backend: Backend, customer_id: int) -> tuple[AccountView, PinState]:
    """The credit account and its PIN's lockout, in one trip to the database thread."""
    return HistoryService(backend).account(customer_id), customer_pin_state(backend, customer_id)
