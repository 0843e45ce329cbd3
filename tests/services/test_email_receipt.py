"""E-mailed receipts through a real SMTP server (aiosmtpd): sent to a customer who opted in,
refused for one who did not, a server refusal said and nothing recorded."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pos_tui.config import load_settings
from pos_tui.services.checkout.email_receipt import email_receipt
from pos_tui.services.checkout.errors import CheckoutError
from pos_tui.services.checkout.sale import Checkout
from pos_tui.services.customers.service import CustomerService
from pos_tui.services.runtime.backend import Backend, open_backend
from tests.catalog import Store, build_store
from tests.conftest import Clock
from tests.services.test_statements import Inbox


@pytest.fixture
def inbox() -> Iterator[Inbox]:
    box = Inbox()
    yield box
    box.stop()


@pytest.fixture
def store(backend: Backend) -> Store:
    return build_store(backend)


def _lane(db_path: Path, clock: Clock, port: int) -> Backend:
    smtp = {"host": "127.0.0.1", "port": port, "sender": "Shop <shop@example.com>"}
    return open_backend(load_settings(database={"path": str(db_path)}, smtp=smtp), now=clock)


def _sale(b: Backend, store: Store, customer: int) -> int:
    co = Checkout(b, store.cashier)
    co.attach_customer(customer)
    co.add_item("APPLE")
    co.add_cash("200")
    return int(co.commit().sale.id)


def test_opted_in_customer_gets_the_receipt(
    backend: Backend, store: Store, inbox: Inbox, db_path: Path, clock: Clock
) -> None:
    CustomerService(backend).update(store.anna, {"email": "anna@example.com"})
    lane = _lane(db_path, clock, inbox.port)
    try:
        sale_id = _sale(lane, store, store.anna)
        said = email_receipt(lane, sale_id, store.cashier)
        assert said == "Receipt L1-000001 e-mailed to anna@example.com"
        (msg,) = inbox.messages
        assert msg["To"] == "anna@example.com" and "Receipt L1-000001" in msg["Subject"]
        body = msg.get_body().get_content()  # type: ignore[union-attr]
        assert "Apple 1kg" in body and "95.00" in body
        assert lane.store.audit_ids("sale", sale_id)
    finally:
        lane.close()


def test_not_opted_in_or_refused_by_the_server(
    backend: Backend, store: Store, inbox: Inbox, db_path: Path, clock: Clock
) -> None:
    svc = CustomerService(backend)
    svc.update(store.bob, {"email": "bob@example.com", "send_email": False})
    svc.update(store.anna, {"email": "refuse@example.com"})
    lane = _lane(db_path, clock, inbox.port)
    try:
        with pytest.raises(CheckoutError, match="Bob Jones has not opted in"):
            email_receipt(lane, _sale(lane, store, store.bob), store.cashier)
        sale_id = _sale(lane, store, store.anna)
        with pytest.raises(CheckoutError, match="not e-mailed: the mail server refused"):
            email_receipt(lane, sale_id, store.cashier)
        assert inbox.messages == []
        assert not [
            r for r in lane.store.audit_trail("sale", sale_id) if r.action == "receipt_emailed"
        ]
    finally:
        lane.close()
