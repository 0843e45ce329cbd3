"""What the checkout oracle (tests/services/test_checkout_oracle.py) found, each failure kept as
an explicit test with the oracle's shrunk steps written out (docs/money.md, "The oracle")."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from pos_tui.config import load_settings
from pos_tui.services.checkout.sale import Checkout, CheckoutError
from pos_tui.services.runtime.backend import Backend, open_backend
from pos_tui.storage.db import connect, write
from tests.catalog import Store, build_store
from tests.conftest import FIXED_NOW
from tests.helpers import lane_backend

D = Decimal


@pytest.fixture
def store(backend: Backend) -> Store:
    return build_store(backend)


def _charged(b: Backend, store: Store, amount_of: str) -> Checkout:
    """Acme (limit 1000.00, PO number required) charges ``amount_of`` apples to account."""
    co = Checkout(b, store.cashier)
    co.attach_customer(store.corp)
    co.add_item("APPLE", amount_of)
    co.add_account(co.still_due(), pin="4321", reference="PO-1")
    return co


def test_two_lanes_cannot_charge_past_the_credit_limit_together(
    backend: Backend, store: Store, db_path: Path
) -> None:
    """Each lane's charge of 630.00 fitted Acme's 1000.00 when tendered; the one committed
    second would take the balance to 1260.00. Its charge is checked again at commit, against
    the balance then, and refused until a supervisor approves it."""
    lane2 = lane_backend(db_path, "L2", now=lambda: FIXED_NOW)
    try:
        first = _charged(backend, store, "6")
        second = _charged(lane2, store, "6")
        first.commit()
        with pytest.raises(CheckoutError) as over:
            second.commit()
        assert over.value.code == "CREDIT_LIMIT" and over.value.override_allowed
        assert "available credit 370.00" in over.value.message
        assert over.value.message.endswith(
            "take the charge off (F9 on the pay screen) and charge it again"
        )
        assert backend.customers.receivable_balance(store.corp) == D("630.00")
        assert second.open_sale_id is not None and second.cart.tenders  # nothing lost
        second.remove_tender(0)
        second.add_account(
            second.still_due(), pin="4321", reference="PO-2", approver=store.supervisor
        )
        second.commit()
        rows = backend.ledgers.receivable_entries(store.corp)
        assert [r.approved_by for r in rows] == [None, store.supervisor.id]
        assert backend.customers.receivable_balance(store.corp) == D("1260.00")
    finally:
        lane2.close()


def test_recalling_a_held_sale_while_another_lane_writes_is_a_refusal(
    backend: Backend, store: Store, db_path: Path
) -> None:
    """Oracle step ``while_locked(op="recall")``: the claim's write found the database locked
    and ``Checkout.resume`` raised sqlite3.OperationalError (the lane said "Unexpected error:
    database is locked" and logged a traceback). Now it is the lane's storage refusal like any
    other change's ("database busy: the sale is kept, wait for the other lane and press
    Enter"), the sale stays held, and the next recall takes it."""
    settings = load_settings(
        database={"path": str(db_path), "busy_timeout_ms": 50}, lane={"id": "L2"}
    )
    lane2 = open_backend(settings, now=lambda: FIXED_NOW)
    other = connect(db_path, busy_timeout_ms=50, migrate=False)
    try:
        co = Checkout(backend, store.cashier)
        co.add_item("APPLE")
        held = co.suspend("blue bag")
        with write(other), pytest.raises(CheckoutError) as locked:
            Checkout.resume(lane2, store.supervisor, held)
        assert locked.value.code == "STORAGE_LOCKED"
        assert locked.value.message == (
            "database busy: the sale is kept, wait for the other lane and press Enter"
        )
        assert [r.id for r in backend.open_sales.suspended()] == [held]
        back = Checkout.resume(lane2, store.supervisor, held)
        assert [line.quantity for line in back.cart.lines] == ["1"]
    finally:
        other.close()
        lane2.close()
