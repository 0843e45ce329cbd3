"""Push and pull against a real PostgreSQL: exactly once across a crash at the worst moment,
a diverged database stopped, master data and balances down to another lane, and a customer
enrolled at one store appearing at another while both lanes' agents run as processes."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from pos_tui.services.checkout.sale import Checkout
from pos_tui.services.customers.service import CustomerService
from pos_tui.services.staff.auth import AuthService
from pos_tui.storage.hq.lane_io import DivergedError
from pos_tui.storage.sync_outbox import OutboxRepository
from tests.catalog import Store, build_store
from tests.sync.headoffice import HeadOffice, Lane, wait_for


def _sell(lane: Lane, employee: Any, customer: int | None, sku: str, qty: str = "1") -> None:
    co = Checkout(lane.backend, employee)
    if customer is not None:
        co.attach_customer(customer)
    co.add_item(sku, qty)
    co.add_cash(str(co.remaining()))
    co.commit()


def test_a_crash_after_head_office_committed_sends_nothing_twice(
    make_lane: Callable[..., Lane], hq: HeadOffice, monkeypatch: pytest.MonkeyPatch
) -> None:
    lane = make_lane("C1")
    store = build_store(lane.backend)
    _sell(lane, store.cashier, store.anna, "APPLE", "3")
    queued = OutboxRepository(lane.backend.db).pending_count()
    agent = lane.agent()
    # Killed between PostgreSQL's commit and marking the outbox: the worst moment.
    monkeypatch.setattr(agent.outbox, "mark_sent", _raise(KeyboardInterrupt))
    with pytest.raises(KeyboardInterrupt):
        agent.cycle()
    agent.close()
    assert hq.one("SELECT count(*) FROM hq.events") == queued
    # Meanwhile the card type changed here: the retry still sends the same bytes.
    lane.backend.catalog.update("card_types", store.silver, {"name": "Silver Star"})
    lane.sync()
    assert OutboxRepository(lane.backend.db).pending_count() == 0
    assert hq.one("SELECT count(*) FROM hq.events") == queued + 1
    assert hq.one("SELECT count(*) FROM hq.sales") == 1
    points = lane.backend.customers.loyalty_balance(store.anna)
    assert hq.one("SELECT points FROM hq.balances WHERE gid = %s", f"C1:{store.anna}") == points
    assert hq.one("SELECT data->>'name' FROM hq.master WHERE key = 'SILVER'") == "Silver Star"


def _raise(exc: type[BaseException]) -> Callable[..., None]:
    def boom(*args: Any, **kwargs: Any) -> None:
        raise exc()

    return boom


def test_a_database_that_did_not_push_those_events_is_stopped(
    make_lane: Callable[..., Lane], hq: HeadOffice, tmp_path: Any
) -> None:
    lane = make_lane("D1")
    build_store(lane.backend)
    lane.sync()
    # Another database (a restore, a copy) configured as the same lane.
    twin = Lane.create(tmp_path / "twin", hq, "D1")
    try:
        CustomerService(twin.backend).create({"first_name": "Zed", "mobile": "9111111111"})
        agent = twin.agent()
        with pytest.raises(DivergedError, match="not the one that pushed them"):
            agent.cycle()
        assert agent.status().stopped and "sync stopped" in agent.status().line()
        agent.close()
    finally:
        twin.close()
    assert hq.one("SELECT count(*) FROM hq.customers WHERE data->>'first_name' = 'Zed'") == 0


def test_master_data_and_balances_come_down_to_another_store(
    make_lane: Callable[..., Lane], hq: HeadOffice
) -> None:
    a = make_lane("A1", store_id="SA")
    b = make_lane("B1", store_id="SB")
    store: Store = build_store(a.backend)
    CustomerService(a.backend).update(
        store.anna, {}, addresses=[{"address_type": "main", "city": "Pune", "line_1": "1 MG Rd"}]
    )
    _sell(a, store.cashier, store.anna, "APPLE", "3")
    a.sync()
    b.sync()
    bb = b.backend
    # Reference data: items with their tax class, card types with their restrictions.
    apple = bb.catalog.by_code("items", "APPLE")
    assert apple is not None and apple["regular_price"] == "100.00"
    assert [t.code for t in bb.catalog.taxes_of_class(apple["tax_class_id"])] == ["GST5"]
    junior = bb.catalog.by_code("card_types", "JUNIOR")
    assert junior is not None
    liquor = bb.catalog.by_code("item_subgroups", "LIQ")
    assert bb.catalog.restricted_subgroup_ids(junior["id"]) == [liquor["id"]]  # type: ignore[index]
    # Employees, so the cashier signs in at the other store with the same PIN.
    cashier = AuthService(bb).sign_in("101", "1234")
    # Customers with their other rows, and their points from every lane.
    anna = bb.customers.by_card("4000001")
    assert anna is not None and anna.first_name == "Anna"
    assert [r.city for r in bb.customers.addresses(anna.id)] == ["Pune"]
    bob = bb.customers.by_mobile("+919876543211")  # stored in E.164
    assert bob is not None and bob.link_customer_id == anna.id
    assert bb.customers.loyalty_balance(anna.id) == a.backend.customers.loyalty_balance(store.anna)
    # A sale at the second store; both lanes and head office agree.
    _sell(b, cashier, anna.id, "APPLE", "2")
    b.sync()
    a.sync()
    here = a.backend.customers.loyalty_balance(store.anna)
    there = bb.customers.loyalty_balance(anna.id)
    at_hq = hq.one("SELECT points FROM hq.balances WHERE gid = %s", f"A1:{store.anna}")
    assert here == there == at_hq == Decimal("100") + 6 + 4


def _agent_process(lane: Lane) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "POS_TUI_SYNC__URL": lane.settings.sync.url,
        "POS_TUI_SYNC__INTERVAL_SECONDS": "0.2",
        "POS_TUI_LANE__ID": lane.origin,
    }
    return subprocess.Popen(
        [sys.executable, "-m", "pos_tui", "--db", str(lane.path), "sync", "--follow"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def test_a_customer_enrolled_at_one_store_appears_at_another(
    make_lane: Callable[..., Lane], hq: HeadOffice
) -> None:
    a = make_lane("A1", store_id="SA")
    b = make_lane("B1", store_id="SB")
    build_store(a.backend)
    agents = [_agent_process(a), _agent_process(b)]
    try:
        wait_for(lambda: b.backend.customers.by_card("4000001"), "the store's customers at B")
        started = time.monotonic()
        CustomerService(a.backend).create(
            {"first_name": "Nia", "last_name": "Rao", "mobile": "9000012345"}
        )
        nia = wait_for(lambda: b.backend.customers.by_mobile("+919000012345"), "Nia at store B")
        took = time.monotonic() - started
        assert nia.first_name == "Nia"
        print(f"enrolled at A, seen at B after {took:.2f} s")
    finally:
        for p in agents:
            p.terminate()
            p.wait(10)
    assert all(p.returncode is not None for p in agents)


def test_text_postgresql_cannot_hold_still_travels(
    make_lane: Callable[..., Lane], hq: HeadOffice
) -> None:
    lane = make_lane("N1")
    store = build_store(lane.backend)
    lane.backend.ledgers.add_points(
        customer_id=store.anna,
        entry_type="adjusted",
        points=Decimal(1),
        at=lane.backend.timestamp(),
        reason="goodwill\x00\x1b[2J",
    )
    lane.sync()
    assert OutboxRepository(lane.backend.db).pending_count() == 0
    assert hq.one("SELECT reason FROM hq.points_ledger WHERE entry_type = 'adjusted'") == (
        "goodwill\ufffd\x1b[2J"
    )


def test_a_sale_committed_during_a_push_waits_for_the_next_batch(
    make_lane: Callable[..., Lane], hq: HeadOffice
) -> None:
    lane = make_lane("M1")
    store = build_store(lane.backend)
    agent = lane.agent()
    freeze = agent.outbox.freeze
    committed: list[int] = []

    def freeze_then_a_sale(payloads: dict[int, str]) -> None:
        freeze(payloads)
        if not committed:  # the cashier commits while the agent is between reads
            _sell(lane, store.cashier, store.anna, "APPLE")
            committed.append(1)

    agent.outbox.freeze = freeze_then_a_sale  # type: ignore[method-assign]
    try:
        agent.cycle()
    finally:
        agent.close()
    assert committed and OutboxRepository(lane.backend.db).pending_count() == 0
    assert hq.one("SELECT count(*) FROM hq.events WHERE payload = '{}'::jsonb") == 0
    assert hq.one("SELECT count(*) FROM hq.sales") == 1
