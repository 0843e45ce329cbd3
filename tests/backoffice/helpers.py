"""Data for back office tests: sales and returns on known dates, many customers at once."""

from __future__ import annotations

from datetime import datetime

from pos_tui.services.checkout.sale import Checkout
from pos_tui.services.customers.service import CustomerService
from pos_tui.services.runtime.backend import Backend
from tests.catalog import Store
from tests.conftest import Clock


def sell(
    backend: Backend, store: Store, clock: Clock, at: datetime, customer: int, qty: str
) -> int:
    """A cash sale of apples at ``at``; returns the sale id."""
    clock.current = at
    co = Checkout(backend, store.cashier)
    co.attach_customer(customer)
    priced = co.add_item("APPLE", qty)
    co.add_cash(str(priced.totals.total))
    return int(co.commit().sale.id)


def give_back(backend: Backend, store: Store, clock: Clock, at: datetime, sale_id: int) -> None:
    """Return one apple of a sale at ``at``."""
    clock.current = at
    ret = Checkout.start_return(backend, store.cashier, sale_id)
    ret.add_return_line(1, "1")
    ret.add_cash(str(-ret.remaining()))
    ret.commit()


def history_of_anna(backend: Backend, store: Store, clock: Clock) -> None:
    """Anna buys in four months of 2026 and returns once; the clock ends at the fixed now."""
    now = clock.current
    first = sell(backend, store, clock, datetime(2026, 8, 3, 11, 0), store.anna, "2")
    sell(backend, store, clock, datetime(2026, 9, 14, 12, 0), store.anna, "5")
    sell(backend, store, clock, datetime(2026, 9, 14, 17, 0), store.anna, "1")
    sell(backend, store, clock, datetime(2026, 11, 2, 9, 30), store.anna, "3")
    give_back(backend, store, clock, datetime(2026, 11, 20, 15, 0), first)
    clock.current = now


def many_customers(backend: Backend, count: int) -> None:
    """``count`` customers named Zed 000, Zed 001, ... (sorted after the known store)."""
    service = CustomerService(backend)
    for n in range(count):
        service.create({"first_name": f"Zed{n:03d}", "last_name": "Zulu"})
