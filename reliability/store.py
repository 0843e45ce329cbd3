"""The stores the harness sells in: the demo generator's reference data, items and customers,
and a few customers with a known points balance to redeem."""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from pos_tui.config import Settings, load_settings
from pos_tui.demo import DemoGenerator
from pos_tui.demo.generator import open_demo_shift
from pos_tui.services.customers.service import CustomerService
from pos_tui.services.runtime.backend import Backend, open_backend
from pos_tui.storage import bulk

# The demo's cashier (pos_tui/demo/credentials.py): every lane of the harness signs in as it.
CASHIER = ("101", "1234")


def lane_settings(db: Path, lane: str, *, busy_timeout_ms: int = 5000) -> Settings:
    return load_settings(
        database={"path": str(db), "busy_timeout_ms": busy_timeout_ms}, lane={"id": lane}
    )


def open_lane(db: Path, lane: str, *, busy_timeout_ms: int = 5000) -> Backend:
    """A lane on the store, with its shift open (no sale without one: docs/shifts.md) once the
    store has its staff; a lane whose shift is open already writes nothing here."""
    backend = open_backend(lane_settings(db, lane, busy_timeout_ms=busy_timeout_ms))
    if backend.shifts.open_for(lane) is None:
        open_demo_shift(backend, backend.now())
    return backend


@dataclass(frozen=True)
class StoreFacts:
    """What the lanes pick from: item codes and customer ids."""

    skus: list[str]
    customers: list[int]


def build_store(db: Path, *, customers: int = 60, seed: int = 7) -> StoreFacts:
    backend = open_lane(db, "SETUP")
    try:
        DemoGenerator(backend, seed=seed).run(customers=customers, sales=0)
        return facts(backend)
    finally:
        backend.close()


def facts(backend: Backend) -> StoreFacts:
    skus = [row.sku for row in bulk.items_with_subgroup_codes(backend.db)]
    ids = [row.id for row in bulk.active_customers_for_sales(backend.db)]
    return StoreFacts(skus=skus, customers=ids)


def give_points(db: Path, customers: list[int], points: Decimal) -> None:
    """Bring each customer's points balance to exactly ``points`` (an audited adjustment)."""
    backend = open_lane(db, "SETUP")
    try:
        service = CustomerService(backend)
        for cid in customers:
            have = backend.customers.loyalty_balance(cid)
            if have != points:
                service.adjust_points(cid, points - have, "reliability harness", employee_id=None)
    finally:
        backend.close()


def redeemers(facts: StoreFacts, count: int, seed: int) -> list[int]:
    """Customers whose card type redeems points (every demo card type does), chosen at random."""
    rng = random.Random(seed)
    return rng.sample(facts.customers, count)
