"""Erasing a customer: every personal value gone from the whole database file, sales, ledgers
and journal kept and verifying, refusals, the audit without the values, an ordinary UPDATE."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest
from PIL import Image

from pos_tui.services.accounts.receivable import ReceivableService
from pos_tui.services.accounts.statements import StatementRun
from pos_tui.services.checkout.sale import Checkout
from pos_tui.services.customers.erasure import ErasureError, ErasureService
from pos_tui.services.customers.service import CustomerService
from pos_tui.services.runtime.backend import Backend
from pos_tui.services.staff.auth import AuthService
from tests.catalog import Store, build_store
from tests.conftest import Clock

SECRETS = {
    "first_name": "Zebulonia",
    "last_name": "Quillfeather",
    "mobile": "9811122233",
    "email": "zebulonia.q@example.org",
    "card_number": "77665544",
    "birth_date": "1979-02-03",
    "spouse_name": "Octavianus",
    "remarks": "Lives near the Kwikmart",
    "pos_remarks": "Prefers Tuesdays",
    "website": "https://quillfeather.example.org",
}
ADDRESS = {"address_type": "main", "line_1": "Xylophone Lane 9", "city": "Vellore"}
CONTACT = {"name": "Marmaduke Quillfeather", "mobile": "9811100000"}


@pytest.fixture
def store(backend: Backend) -> Store:
    return build_store(backend)


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(out, "PNG")
    return out.getvalue()


def _customer(backend: Backend, store: Store) -> int:
    svc = CustomerService(backend)
    cid = svc.create(
        {
            **SECRETS,
            "card_type_id": store.silver,
            "link_customer_id": store.anna,
            "ar_enabled": True,
            "allow_charge": True,
            "credit_limit": "100",
            "credit_hold": True,
            "statement_email": True,
        },
        addresses=[ADDRESS],
        contacts=[CONTACT],
        pin="8642",
    )
    svc.set_picture(cid, 1, _png())
    svc.update(cid, {"phone": "0416-2223334"})
    return cid


def _history(backend: Backend, store: Store, cid: int, clock: Clock) -> None:
    """A sale with points, a charge lifted by a supervisor (credit hold), a payment to zero and
    a statement e-mailed (the address is kept on the statement)."""
    co = Checkout(backend, store.cashier)
    co.attach_customer(cid)
    co.add_item("APPLE")
    co.add_account("105.00", pin="8642", approver=store.supervisor)
    co.commit()
    co = Checkout(backend, store.cashier)
    co.attach_customer(cid)
    co.add_item("APPLE", "2")
    co.add_cash("500")
    co.commit()
    ReceivableService(backend).take_payment(cid, "105.00")
    clock.current = dt.datetime(2026, 12, 2, 9, 0)
    StatementRun(backend).run(dt.date(2026, 11, 30), deliver=False)


def _file_bytes(backend: Backend) -> bytes:
    backend.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    path = Path(backend.settings.database_path())
    data = path.read_bytes()
    wal = path.with_name(path.name + "-wal")
    return data + (wal.read_bytes() if wal.exists() else b"")


def _counts(backend: Backend) -> dict[str, int]:
    tables = ("sales", "sale_lines", "sale_tenders", "loyalty_ledger", "receivable_ledger")
    return {t: backend.db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}


def test_erasure_leaves_no_personal_value_in_the_file_and_keeps_the_books(
    backend: Backend, store: Store, clock: Clock
) -> None:
    cid = _customer(backend, store)
    _history(backend, store, cid, clock)
    raw = _file_bytes(backend)
    assert b"Quillfeather" in raw and b"zebulonia.q@example.org" in raw  # the test can see them
    assert raw.lower().count(b"quillfeather") > raw.count(b"Quillfeather")  # and the indexes
    before = _counts(backend)
    points = backend.customers.loyalty_balance(cid)
    account = backend.customers.get(cid).account_number  # type: ignore[union-attr]
    done = ErasureService(backend).erase(account, approver=store.supervisor, via="back office")
    assert done.removed == {"addresses": 1, "contacts": 1, "pictures": 1}
    assert {"first_name", "mobile", "email", "card_number", "birth_date", "pin_hash"} <= set(
        done.fields
    )
    assert done.audit_rows >= 2

    raw = _file_bytes(backend)
    values = [
        *SECRETS.values(),
        ADDRESS["line_1"],
        CONTACT["name"],
        CONTACT["mobile"],
        "0416-2223334",
    ]
    lowered = raw.lower()  # search indexes keep words folded
    for value in values:
        assert value.lower().encode() not in lowered, f"{value!r} is still in the database file"
    assert (
        backend.db.execute(
            "SELECT count(*) FROM customer_pictures WHERE customer_id = ?", [cid]
        ).fetchone()[0]
        == 0
    )

    row = backend.customers.get(cid)
    assert row is not None and row.account_number == account and row.active == 0
    assert row.pin_hash is None and row.link_customer_id is None
    assert _counts(backend) == before, "sales and ledgers are kept"
    assert backend.journal.verify() == (before["sales"], None)
    assert backend.customers.loyalty_balance(cid) == points
    assert backend.customers.receivable_balance(cid) == Decimal(0)

    trail = backend.store.audit_trail("customer", cid)
    erase = trail[-1]
    assert erase.action == "erase" and erase.employee_id == store.supervisor.id
    for entry in trail:
        for value in values:
            assert value not in entry.changes, (entry.action, value)
    # Searching for the person finds nobody; the account number still names the books.
    svc = CustomerService(backend)
    assert svc.find("Quillfeather") == [] and svc.find(SECRETS["mobile"]) == []


def test_refusals(backend: Backend, store: Store, clock: Clock) -> None:
    svc = ErasureService(backend)
    cid = _customer(backend, store)
    account = backend.customers.get(cid).account_number  # type: ignore[union-attr]
    co = Checkout(backend, store.cashier)
    co.attach_customer(cid)
    co.add_item("APPLE")
    co.add_account("105.00", pin="8642", approver=store.supervisor)
    co.commit()
    with pytest.raises(ErasureError, match="Erasing a customer needs a supervisor"):
        svc.erase(account, approver=store.cashier, via="cli")
    with pytest.raises(ErasureError, match=r"owes 105.00 on account: a customer who owes money"):
        svc.erase(account, approver=store.supervisor, via="cli")
    ReceivableService(backend).take_payment(cid, "110.00")
    with pytest.raises(ErasureError, match=r"has 5.00 in credit on account: refund it"):
        svc.erase(account, approver=store.supervisor, via="cli")
    with pytest.raises(ErasureError, match="No customer with account number 99999"):
        svc.erase("99999", approver=store.supervisor, via="cli")
    backend.ledgers.add_receivable(
        customer_id=cid, entry_type="adjustment", amount=Decimal("5.00"), at=backend.timestamp()
    )
    svc.erase(account, approver=store.supervisor, via="cli")
    with pytest.raises(ErasureError, match=f"Customer {account} was already erased on 2026-11-24"):
        svc.erase(account, approver=store.supervisor, via="cli")


def test_erasure_is_an_ordinary_update_of_the_row(backend: Backend, store: Store) -> None:
    """Sync and other triggers see an UPDATE of the same row (never a delete and insert)."""
    db = backend.db
    db.execute("CREATE TEMP TABLE seen (op TEXT, id INTEGER)")
    for op in ("INSERT", "UPDATE", "DELETE"):
        ref = "OLD" if op == "DELETE" else "NEW"
        db.execute(
            f"CREATE TEMP TRIGGER seen_{op.lower()} AFTER {op} ON customers "
            f"BEGIN INSERT INTO seen VALUES ('{op}', {ref}.id); END"
        )
    cid = _customer(backend, store)
    db.execute("DELETE FROM seen")
    account = backend.customers.get(cid).account_number  # type: ignore[union-attr]
    ErasureService(backend).erase(account, approver=store.supervisor, via="cli")
    assert db.execute("SELECT op, id FROM seen").fetchall() == [("UPDATE", cid)]


def test_auth_for_the_cli_path(backend: Backend, store: Store) -> None:
    approver = AuthService(backend).authorize("201", "2345", role="supervisor", reason="erase")
    cid = _customer(backend, store)
    account = backend.customers.get(cid).account_number  # type: ignore[union-attr]
    assert ErasureService(backend).erase(account, approver=approver, via="cli").customer_id == cid
