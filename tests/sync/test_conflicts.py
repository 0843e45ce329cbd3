"""Two stores editing and redeeming the same customers: per-field last writer wins by server
order with every overwritten value kept, a unique value taken twice offline goes to the first
at head office and the other is flagged, overdrafts are kept and flagged, and the offline
policy limits what a lane cut off may redeem or charge."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from click.testing import CliRunner

from pos_tui.services.checkout.sale import Checkout, CheckoutError
from pos_tui.services.customers.service import CustomerService
from pos_tui.services.staff.auth import AuthService
from tests.catalog import Store, build_store
from tests.conftest import Clock
from tests.helpers import cli_runner_invoke, ready_to_sell
from tests.sync.headoffice import HeadOffice, Lane


def two_stores(make_lane: Callable[..., Lane], **sync: Any) -> tuple[Lane, Lane, Store, Any]:
    a = make_lane("A1", store_id="SA", **sync)
    b = make_lane("B1", store_id="SB", **sync)
    store = build_store(a.backend)
    a.sync()
    b.sync()
    ready_to_sell(b.backend)  # the staff came down from head office; B1 opens its own shift
    return a, b, store, AuthService(b.backend).sign_in("101", "1234")


def local(lane: Lane, card: str) -> int:
    row = lane.backend.customers.by_card(card)
    assert row is not None
    return row.id


def test_concurrent_edits_last_writer_per_field_with_every_value_kept(
    make_lane: Callable[..., Lane], hq: HeadOffice
) -> None:
    a, b, store, _ = two_stores(make_lane)
    anna_b = local(b, "4000001")
    # Offline at both stores: A changes the name and email, B the name and mobile.
    CustomerService(a.backend).update(store.anna, {"first_name": "Ann", "email": "ann@a.in"})
    CustomerService(b.backend).update(anna_b, {"first_name": "Annie", "mobile": "9000000009"})
    a.sync()  # A reaches head office first, B after: B's name is the later write
    b.sync()
    a.sync()
    for lane, cid in ((a, store.anna), (b, anna_b)):
        row = lane.backend.customers.get(cid)
        assert row is not None
        assert (row.first_name, row.email, row.mobile) == (
            "Annie",
            "ann@a.in",
            "+919000000009",  # stored in E.164 (docs/back-office.md "Mobile numbers")
        )
    history = hq.all(
        "SELECT field, old_value, new_value, origin FROM hq.customer_history "
        "WHERE gid = %s AND field = 'first_name' ORDER BY id",
        f"A1:{store.anna}",
    )
    assert [(h[1], h[2], h[3]) for h in history] == [
        (None, "Anna", "A1"),
        ("Anna", "Ann", "A1"),
        ("Ann", "Annie", "B1"),
    ]
    # The lane's own audit log says what head office changed.
    trail = a.backend.store.audit_trail("customer", store.anna)
    assert any(
        t.action == "changed_at_head_office"
        and json.loads(t.changes)["first_name"] == ["Ann", "Annie"]
        for t in trail
    )


def test_a_card_and_mobile_taken_at_two_stores_go_to_the_first_and_flag_the_other(
    make_lane: Callable[..., Lane], hq: HeadOffice
) -> None:
    a, b, _, _ = two_stores(make_lane)
    x = CustomerService(a.backend).create(
        {"first_name": "Xena", "card_number": "5000001", "mobile": "9222222222"}
    )
    y = CustomerService(b.backend).create(
        {"first_name": "Yuri", "card_number": "5000001", "mobile": "9222222222"}
    )
    # Both enrolled offline as the next account number.
    assert (
        a.backend.customers.get(x).account_number  # type: ignore[union-attr]
        == b.backend.customers.get(y).account_number  # type: ignore[union-attr]
    )
    a.sync()
    b.sync()
    a.sync()
    flags = hq.all(
        "SELECT customer_gid, detail->>'field' FROM hq.flags WHERE kind = 'unique_conflict' "
        "ORDER BY id"
    )
    assert sorted(f[1] for f in flags) == ["account_number", "card_number", "mobile"]
    assert {f[0] for f in flags} == {f"B1:{y}"}
    # Never two customers with one card, at head office or at either lane.
    assert hq.one("SELECT gid FROM hq.customers WHERE card_number = '5000001'") == f"A1:{x}"
    for lane in (a, b):
        holders = lane.backend.db.execute(
            "SELECT first_name FROM customers WHERE card_number = '5000001'"
        ).fetchall()
        assert holders == [("Xena",)]
        yuri = lane.backend.db.execute(
            "SELECT card_number, mobile, account_number FROM customers WHERE first_name = 'Yuri'"
        ).fetchone()
        assert yuri[0] is None and yuri[1] is None
    given = hq.one("SELECT account_number FROM hq.customers WHERE gid = %s", f"B1:{y}")
    assert b.backend.customers.get(y).account_number == given  # type: ignore[union-attr]
    # The loser's lane shows the flags to a supervisor.
    flags_b = b.backend.db.execute(
        "SELECT kind, customer_id FROM sync_flags ORDER BY id"
    ).fetchall()
    assert flags_b and all(f == ("unique_conflict", y) for f in flags_b)
    shown = cli_runner_invoke(CliRunner(), ["--db", str(b.path), "sync", "flags"])
    assert "taken at two stores: Yuri" in shown.output and "card_number 5000001" in shown.output


def _redeem(lane: Lane, cashier: Any, customer: int, points: str) -> None:
    co = Checkout(lane.backend, cashier)
    co.attach_customer(customer)
    co.add_item("APPLE", "3")
    co.add_points(points)
    co.add_cash(str(co.remaining()))
    co.commit()


def test_offline_redemptions_that_overdraw_together_are_kept_and_flagged(
    make_lane: Callable[..., Lane], hq: HeadOffice
) -> None:
    # A policy that lets each lane redeem everything it knows of, to show the detection.
    a, b, store, cashier_b = two_stores(make_lane, offline_redeem_share="1")
    anna_b = local(b, "4000001")
    _redeem(a, store.cashier, store.anna, "80")
    _redeem(b, cashier_b, anna_b, "80")
    a.sync()
    b.sync()
    a.sync()
    gid = f"A1:{store.anna}"
    points = hq.one("SELECT points FROM hq.balances WHERE gid = %s", gid)
    assert points == a.backend.customers.loyalty_balance(store.anna)
    assert points == b.backend.customers.loyalty_balance(anna_b)
    used = hq.one(
        "SELECT sum(points) FROM hq.points_ledger WHERE customer_gid = %s AND entry_type = 'used'",
        gid,
    )
    assert used == Decimal(-160)  # both kept
    flag = hq.all(
        "SELECT origin, detail->>'points', (detail->>'balance')::numeric FROM hq.flags "
        "WHERE kind = 'points_overdraft'"
    )
    assert len(flag) == 1 and flag[0][:2] == ("B1", "-80") and flag[0][2] < 0
    assert [r[0] for r in a.backend.db.execute("SELECT kind FROM sync_flags")] == [
        "points_overdraft"
    ]


def test_offline_charges_past_the_limit_together_are_flagged(
    make_lane: Callable[..., Lane], hq: HeadOffice
) -> None:
    a, b, store, cashier_b = two_stores(make_lane, offline_charge_share="1")
    corp_b = b.backend.customers.by_account(
        a.backend.customers.get(store.corp).account_number  # type: ignore[union-attr]
    )
    assert corp_b is not None
    for lane, cashier, cid in ((a, store.cashier, store.corp), (b, cashier_b, corp_b.id)):
        co = Checkout(lane.backend, cashier)
        co.attach_customer(cid)
        co.add_item("APPLE", "6")
        co.add_account("630", pin="4321", reference="PO7")
        co.commit()
    a.sync()
    b.sync()
    assert hq.one(
        "SELECT receivable FROM hq.balances WHERE gid = %s", f"A1:{store.corp}"
    ) == Decimal("1260")
    flagged = hq.all(
        "SELECT origin, detail->>'credit_limit' FROM hq.flags WHERE kind = 'credit_overdraft'"
    )
    assert flagged == [("B1", "1000")]


def test_the_offline_policy_limits_what_a_cut_off_lane_redeems_and_charges(
    make_lane: Callable[..., Lane], hq: HeadOffice
) -> None:
    clock = Clock(datetime.now().replace(microsecond=0))
    a = make_lane("A1", now=clock)
    store = build_store(a.backend)
    a.sync()  # online: the lane may redeem everything it knows of
    co = Checkout(a.backend, store.cashier)
    co.attach_customer(store.anna)
    co.add_item("APPLE", "3")
    co.add_points("80")
    co.cancel()
    clock.current += timedelta(seconds=a.settings.sync.offline_after_seconds + 1)
    co = Checkout(a.backend, store.cashier)
    co.attach_customer(store.anna)
    co.add_item("APPLE", "3")
    with pytest.raises(CheckoutError, match="Offline: at most 50 of the 100 points"):
        co.add_points("80")
    co.add_points("50")
    co = Checkout(a.backend, store.cashier)
    co.attach_customer(store.corp)
    co.add_item("APPLE", "6")
    with pytest.raises(CheckoutError, match=r"Offline: at most 500\.00 can be charged"):
        co.add_account("630", pin="4321", reference="PO8")
    co.add_account("500", pin="4321", reference="PO8")


async def test_the_back_office_shows_head_office_flags(
    make_lane: Callable[..., Lane], hq: HeadOffice
) -> None:
    from pos_tui.app import create_app
    from pos_tui.screens.backoffice.sync_flags import SyncFlagsScreen
    from tests.backoffice.conftest import open_back_office, screen_text, settle

    a, b, _, _ = two_stores(make_lane)
    CustomerService(a.backend).create({"first_name": "Xena", "card_number": "5000002"})
    CustomerService(b.backend).create({"first_name": "Yuri", "card_number": "5000002"})
    a.sync()
    b.sync()
    app = create_app(b.settings, backend=b.backend, now=b.backend.now)
    async with app.run_test(size=(120, 30)) as pilot:
        await open_back_office(pilot)
        await pilot.press("h")
        await settle(pilot)
        assert isinstance(app.screen, SyncFlagsScreen)
        text = screen_text(pilot)
        assert "taken at two stores: Yuri" in text and "card_number 5000002" in text
        assert "held by A1:" in text
