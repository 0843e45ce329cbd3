"""What must hold after anything the harness did to a store: nothing the lanes were told was
committed is missing, no sale is half-written, the ledgers match the sales and their balances,
the journal verifies and every sale left open can be taken up again."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from pos_tui.services.checkout.cart import Cart
from pos_tui.services.runtime.backend import Backend
from pos_tui.storage import bulk, integrity
from pos_tui.storage.journal import SaleChildren, SaleRow
from reliability.store import open_lane

ZERO = Decimal(0)


@dataclass
class Findings:
    sales: int = 0  # sales rows in the journal
    lost: list[str] = field(default_factory=list)
    partial: list[str] = field(default_factory=list)
    ledger_mismatches: list[str] = field(default_factory=list)
    journal: str | None = None  # the first broken link

    @property
    def problems(self) -> list[str]:
        broken = [f"journal: {self.journal}"] if self.journal else []
        return [*self.lost, *self.partial, *self.ledger_mismatches, *broken]


def check_store(db: Path, committed: list[dict[str, Any]]) -> Findings:
    backend = open_lane(db, "CHECK")
    try:
        found = Findings()
        sales = integrity.all_sales(backend.db)
        found.sales = len(sales)
        _lost(backend, committed, found)
        kids = backend.journal.children_of([s.id for s in sales])
        for sale in sales:
            _whole(sale, kids[sale.id], found)
        _ledgers(backend, sales, kids, found)
        _open_sales(backend, found)
        _checked, broken = backend.journal.verify()
        found.journal = str(broken) if broken else None
        return found
    finally:
        backend.close()


def _lost(backend: Backend, committed: list[dict[str, Any]], found: Findings) -> None:
    """Each sale a lane logged after its commit returned is in the journal as logged."""
    for entry in committed:
        row = backend.journal.get(int(entry["id"]))
        if row is None:
            found.lost.append(f"sale id {entry['id']} of lane {entry['lane']}: not in the journal")
            continue
        seen = (row.lane_id, row.sale_number, str(row.total))
        told = (entry["lane"], int(entry["number"]), entry["total"])
        if seen != told:
            found.lost.append(f"sale id {entry['id']}: logged {told}, journal has {seen}")


def _whole(sale: SaleRow, kids: SaleChildren, found: Findings) -> None:
    """A sale has its lines, taxes and tenders, and its parts add up to its total."""
    name = f"sale {sale.lane_id}/{sale.sale_number} (id {sale.id})"
    total = sale.total
    lines = kids.lines
    tenders = kids.tenders
    if not lines:
        found.partial.append(f"{name}: no lines")
    if not tenders and total != 0:
        found.partial.append(f"{name}: no tenders")
    checks = {
        "lines": sum((x.total for x in lines), ZERO),
        "tenders less change": sum((t.amount - t.change_given for t in tenders), ZERO),
    }
    for what, value in checks.items():
        if value != total:
            found.partial.append(f"{name}: {what} {value} != total {total}")
    tax = sum((x.amount for x in kids.taxes), ZERO)
    if tax != sale.tax_total:
        found.partial.append(f"{name}: taxes {tax} != tax total {sale.tax_total}")


def _ledgers(
    backend: Backend,
    sales: list[SaleRow],
    kids: dict[int, SaleChildren],
    found: Findings,
) -> None:
    """Each sale's points and account rows are in the ledgers, and each customer's balance is
    the sum of their ledger, never below zero on the way (no point spent twice)."""
    loyalty = integrity.points_by_sale(backend.db)
    charged = integrity.receivable_by_sale(backend.db)
    for sale in sales:
        sid, name = sale.id, f"sale {sale.lane_id}/{sale.sale_number}"
        tenders = kids[sid].tenders
        tendered = sum((Decimal(t.points or 0) for t in tenders if t.kind == "points"), ZERO)
        wanted = {
            "earned": sale.points_earned,
            "used": -sale.points_used,
            "referral": sale.referral_points,
        }
        for kind, value in wanted.items():
            if loyalty.get((sid, kind), ZERO) != value:
                found.ledger_mismatches.append(
                    f"{name}: {kind} points {loyalty.get((sid, kind), ZERO)} in the ledger, "
                    f"{value} on the sale"
                )
        if tendered != sale.points_used:
            found.ledger_mismatches.append(
                f"{name}: {tendered} points tendered, {sale.points_used} used"
            )
        on_account = sum((t.amount for t in tenders if t.kind == "account"), ZERO)
        if charged.get(sid, ZERO) != on_account:
            found.ledger_mismatches.append(
                f"{name}: {on_account} on account, {charged.get(sid, ZERO)} in the receivable ledger"
            )
    sums = bulk.ledger_balances(backend.db, "loyalty")
    running: dict[int, Decimal] = defaultdict(Decimal)
    for cid, points in integrity.points_in_order(backend.db):
        running[cid] += points
        if running[cid] < 0:
            found.ledger_mismatches.append(f"customer {cid}: points balance {running[cid]} < 0")
    for cid, total in sums.items():
        shown = backend.customers.loyalty_balance(cid)
        if shown != total:
            found.ledger_mismatches.append(f"customer {cid}: balance {shown}, ledger sum {total}")
    for cid, total in bulk.ledger_balances(backend.db, "receivable").items():
        shown = backend.customers.receivable_balance(cid)
        if shown != total:
            found.ledger_mismatches.append(f"customer {cid}: owes {shown}, ledger sum {total}")


def _open_sales(backend: Backend, found: Findings) -> None:
    """Every open sale reads back as a cart; none is left in progress (the lanes resumed and
    completed theirs before the checks)."""
    for row in integrity.all_open_sales(backend.db):
        try:
            Cart.from_json(json.loads(row.state))
        except Exception as exc:
            found.partial.append(f"open sale {row.id}: unreadable ({exc!r})")
        if row.status == "in_progress":
            found.partial.append(f"open sale {row.id} of lane {row.lane_id}: not resumed")
