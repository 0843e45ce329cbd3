"""The store the checkout oracle (tests/services/test_checkout_oracle.py) sells in: the store of
tests/returns_store.py plus an account for each grace rule and one on credit hold, so that every
kind of customer is at the lane: none, points (Silver with a referral link, Gold), a restricted
card type (Junior), card type and customer discounts, an automatic transaction discount, tax
exempt, and accounts (posted-date, statement-date and no grace, a required reference, a hold).

Built once per test run and copied for every example: a file copy is ~100x cheaper than
building it again."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pos_tui.config import load_settings
from pos_tui.services.customers.service import CustomerService
from pos_tui.services.runtime.backend import Backend, open_backend
from pos_tui.services.staff.auth import Employee
from tests.conftest import Clock
from tests.returns_store import build_returns_store

ACCOUNT_PIN = "4321"
CUSTOMER_KINDS = (
    "anna",
    "bob",
    "kid",
    "corp",
    "goldie",
    "listed",
    "exempt",
    "trade",
    "zed",
    "statement",
    "cod",
    "on_hold",
)


@dataclass(frozen=True)
class OracleStore:
    cashier: Employee
    supervisor: Employee
    # Name -> customer id; every kind the lane knows (see the module's docstring).
    customers: dict[str, int]


def oracle_lane(path: Path, lane: str, clock: Clock) -> Backend:
    """A lane on the shared file that waits 50 ms, not 5 s, for a lock another lane holds:
    the oracle holds the lock on purpose to see a change refused."""
    settings = load_settings(database={"path": str(path), "busy_timeout_ms": 50}, lane={"id": lane})
    return open_backend(settings, now=clock)


def build_oracle_store(b: Backend) -> OracleStore:
    store = build_returns_store(b)
    svc = CustomerService(b)
    account = {
        "ar_enabled": True,
        "allow_charge": True,
        "credit_limit": "3000",
    }
    statement = svc.create(
        {
            "first_name": "Stella",
            "last_name": "Statement",
            "card_type_id": store.base.silver,
            **account,
            "grace_period_type": "statement_date",
            "grace_period_days": 15,
        },
        pin=ACCOUNT_PIN,
        opening_points="200",
    )
    cod = svc.create(
        {"is_company": True, "company_name": "Cash On Delivery Ltd", **account},
        pin=ACCOUNT_PIN,
    )
    on_hold = svc.create(
        {
            "first_name": "Hal",
            "last_name": "Held",
            **account,
            "grace_period_type": "posted_date",
            "grace_period_days": 7,
            "credit_hold": True,
        },
        pin=ACCOUNT_PIN,
    )
    base = store.base
    customers = {
        "anna": base.anna,  # Silver, 100 opening points
        "bob": base.bob,  # Silver, referred by Anna, second receipt
        "kid": base.kid,  # Junior: liquor refused
        "corp": base.corp,  # account, posted date + 30, PO number required, limit 1000
        "goldie": store.goldie,  # Gold: 5% card discount
        "listed": store.listed,  # automatic 10% transaction discount
        "exempt": store.exempt,  # tax exempt
        "trade": store.trade,  # account, 5% customer + 2% card type discount
        "zed": store.zed,  # Silver, no points
        "statement": statement,  # account, statement date + 15, 200 points
        "cod": cod,  # account, no grace period
        "on_hold": on_hold,  # account on credit hold
    }
    assert tuple(customers) == CUSTOMER_KINDS
    return OracleStore(store.cashier, store.supervisor, customers)
