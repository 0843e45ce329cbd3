"""Demo customer orders: work, back and special orders and layaways for a few percent of the
customers of the run, so the back office orders list (F5) has something to show.

Drawn after the past sales, so adding orders leaves every other demo row as it was. The first
orders of a run take one of each type in turn; the rest are drawn by weight. Pending orders are
recent and still owe money (a layaway less its deposit); completed and cancelled ones are closed
and owe nothing. An inactive customer has no pending order.
"""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta
from decimal import Decimal

from pos_tui.demo.context import DemoContext, money
from pos_tui.engine.money import ZERO
from pos_tui.storage import bulk
from pos_tui.storage.bulk import insert_rows
from pos_tui.storage.rows import Row

# The share of the run's customers that have orders, and how many orders each has.
ORDER_SHARE = 0.03
ORDERS_PER_CUSTOMER = ((1, 60), (2, 30), (3, 10))
# order_type -> (number prefix, weight, value range in whole currency units)
ORDER_TYPES: dict[str, tuple[str, int, tuple[int, int]]] = {
    "work": ("WO", 30, (300, 5000)),
    "back": ("BO", 15, (200, 8000)),
    "special": ("SO", 30, (500, 15000)),
    "layaway": ("LAY", 25, (1000, 40000)),
}
STATUS_WEIGHTS = (("pending", 45), ("completed", 40), ("cancelled", 15))
# How far back an order may be placed: pending orders are recent, closed ones up to a year old.
PENDING_DAYS = 45
CLOSED_DAYS = 365
LAYAWAY_DEPOSITS = ("0.10", "0.20", "0.25", "0.30")


def add_orders(ctx: DemoContext, customer_ids: range) -> int:
    """Orders for a few of ``customer_ids`` (this run's customers); returns how many."""
    rng, db = ctx.rng, ctx.b.db
    if not customer_ids:
        return 0
    picked = sorted(rng.sample(customer_ids, max(1, round(len(customer_ids) * ORDER_SHARE))))
    next_id = bulk.max_id(db, "customer_orders") + 1
    counts = [n for n, _weight in ORDERS_PER_CUSTOMER]
    count_weights = [weight for _n, weight in ORDERS_PER_CUSTOMER]
    types = list(ORDER_TYPES)
    type_weights = [weight for _prefix, weight, _range in ORDER_TYPES.values()]
    statuses = [status for status, _weight in STATUS_WEIGHTS]
    status_weights = [weight for _status, weight in STATUS_WEIGHTS]
    rows: list[Row] = []
    for cid in picked:
        customer = ctx.b.customers.get(cid)
        if customer is None:
            continue
        created = datetime.fromisoformat(customer.created_at)
        location = customer.home_location_id or rng.choice(ctx.cat.locations)
        for _ in range(rng.choices(counts, weights=count_weights)[0]):
            n = next_id + len(rows)
            if len(rows) < len(types):
                kind = types[len(rows)]
            else:
                kind = rng.choices(types, weights=type_weights)[0]
            status = rng.choices(statuses, weights=status_weights)[0]
            if status == "pending" and not customer.active:
                status = "completed"
            rows.append(_order(ctx, n, cid, kind, status, location, created))
    insert_rows(db, "customer_orders", rows)
    return len(rows)


def _order(
    ctx: DemoContext,
    order_id: int,
    cid: int,
    kind: str,
    status: str,
    location: int,
    created: datetime,
) -> Row:
    rng = ctx.rng
    prefix, _weight, (low, high) = ORDER_TYPES[kind]
    latest = ctx.now - timedelta(hours=1)
    days = PENDING_DAYS if status == "pending" else CLOSED_DAYS
    placed = _moment_between(rng, max(created, ctx.now - timedelta(days=days)), latest)
    value = money(Decimal(rng.randint(low, high)) + Decimal(rng.choice((0, 0, 50, 99))) / 100)
    due, closed = ZERO, None
    if status == "pending":
        due = value
        if kind == "layaway":
            due = value - money(value * Decimal(rng.choice(LAYAWAY_DEPOSITS)))
    else:
        closed = _moment_between(rng, placed, min(placed + timedelta(days=30), latest))
    return {
        "id": order_id,
        "customer_id": cid,
        "number": f"{prefix}-{order_id:06d}",
        "order_type": kind,
        "status": status,
        "location_id": location,
        "placed_at": placed.isoformat(timespec="seconds"),
        "amount_due": str(money(due)),
        "closed_at": closed.isoformat(timespec="seconds") if closed else None,
    }


def _moment_between(rng: random.Random, start: datetime, end: datetime) -> datetime:
    """A moment in store hours (9:00-20:59) from ``start`` to ``end``, kept inside them."""
    days = max(0, (end.date() - start.date()).days)
    day = start.date() + timedelta(days=rng.randint(0, days))
    moment = datetime.combine(day, time(rng.randint(9, 20), rng.randrange(60), rng.randrange(60)))
    return min(max(moment, start), end)
