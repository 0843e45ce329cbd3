"""``DemoGenerator``: runs the demo steps in order inside one write transaction."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from pos_tui.demo.context import DemoContext, ProgressFn
from pos_tui.demo.customers import add_customers
from pos_tui.demo.orders import add_orders
from pos_tui.demo.reference import reference_data
from pos_tui.demo.sales import add_sales
from pos_tui.engine.money import ZERO
from pos_tui.services.runtime.backend import Backend
from pos_tui.storage import bulk
from pos_tui.storage.bulk import fts_rebuilt_after
from pos_tui.storage.db import write

DEFAULT_SEED = 42
DEFAULT_SALES = 300

# The tables the end report counts.
COUNTED_TABLES = (
    "customers",
    "customer_addresses",
    "customer_contacts",
    "items",
    "card_types",
    "customer_types",
    "employees",
    "sales",
    "loyalty_ledger",
    "receivable_ledger",
    "customer_orders",
)


class DemoError(Exception):
    """The demo cannot run on this database (for example: it already has customers)."""


@dataclass
class DemoResult:
    database: Path
    seed: int
    counts: dict[str, int] = field(default_factory=dict)
    customer_pins: int = 0


class DemoGenerator:
    def __init__(
        self, backend: Backend, *, seed: int = DEFAULT_SEED, now: datetime | None = None
    ) -> None:
        self.b = backend
        self.seed = seed
        self.now = (now or backend.now()).replace(microsecond=0)
        self.today = self.now.date()
        self.rng = random.Random(seed)
        self.ctx = DemoContext(b=backend, rng=self.rng, now=self.now)

    def existing_customers(self) -> int:
        return self.b.customers.count()

    def run(
        self,
        *,
        customers: int,
        sales: int = DEFAULT_SALES,
        force: bool = False,
        progress: ProgressFn | None = None,
    ) -> DemoResult:
        """Fill the database; refuses one that has customers already unless ``force``."""
        if customers < 0 or sales < 0:
            raise DemoError("the numbers of customers and sales cannot be negative")
        if sales and not customers:
            raise DemoError("past sales need customers: give --customers as well")
        if not force and self.existing_customers():
            raise DemoError(
                f"the database already has {self.existing_customers()} customers: "
                "use a fresh file (--db) or --force to add demo data to them"
            )
        tick = progress or (lambda _stage, _n: None)
        db = self.b.db
        # A bigger page cache for the load; the connection keeps it, which does no harm.
        bulk.use_large_cache(db)
        with write(db):
            reference_data(self.ctx)
            tick("setup", 1)
            pins = 0
            first_customer = bulk.max_id(db, "customers") + 1
            if customers:
                # One FTS rebuild after the load beats a trigger firing per row.
                with fts_rebuilt_after(db, "customers"):
                    pins = add_customers(self.ctx, customers, tick)
            if sales:
                add_sales(self.ctx, sales, tick)
            # Last, so the orders leave the customers and sales drawn before them as they were.
            add_orders(self.ctx, range(first_customer, first_customer + customers))
            open_demo_shift(self.b, self.now)
            self.b.store.audit(
                at=self.now.isoformat(timespec="seconds"),
                entity="demo",
                entity_id=None,
                action="generate",
                changes={"seed": self.seed, "customers": customers, "sales": sales},
                lane_id=self.b.settings.lane.id,
            )
        counts = {table: bulk.table_count(db, table) for table in COUNTED_TABLES}
        return DemoResult(
            database=self.b.settings.database_path(),
            seed=self.seed,
            counts=counts,
            customer_pins=pins,
        )


def open_demo_shift(backend: Backend, now: datetime) -> None:
    """The demo lane comes with its shift open (float: ``[shifts] default_float``, opened by
    the demo manager), so ``scripts/dev run`` sells at once; close it with a Z (Ctrl+S) to see
    the next sign-in ask for a float. Past demo sales are history before this shift."""

    from pos_tui.services.shifts.counts import one_amount
    from pos_tui.services.shifts.service import ShiftService
    from pos_tui.services.staff.auth import Employee

    lane = backend.settings.lane.id
    if backend.shifts.open_for(lane) is not None:
        return
    staff = sorted(backend.catalog.employees(), key=lambda e: (e.role != "manager", e.id))
    if not staff:
        return
    row = staff[0]
    manager = Employee(row.id, row.number, row.name, row.role, ZERO)
    float_ = one_amount(backend.settings, backend.settings.shifts.default_float)
    ShiftService(backend).open(manager, float_, slip=False)
