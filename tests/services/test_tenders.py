"""Tenders, change and redemption (docs/money.md): change only from cash, card/account/points
capped at what is still due, redemption capping said, tenders that outlive no line, and an
account charge checked (due date from the statement) when it is tendered, not at commit."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pos_tui.services.checkout.sale import Checkout, CheckoutError
from pos_tui.services.customers.service import CustomerService
from pos_tui.services.runtime.backend import Backend
from tests.catalog import Store, build_store


@pytest.fixture
def store(backend: Backend) -> Store:
    return build_store(backend)


def _tenders(backend: Backend, sale_id: int) -> list[tuple[str, Decimal, Decimal]]:
    rows = backend.journal.children(sale_id).tenders
    return [(t.kind, t.amount, t.change_given) for t in rows]


def test_points_after_cash_pay_the_rest_not_the_total(backend: Backend, store: Store) -> None:
    co = Checkout(backend, store.cashier)
    co.attach_customer(store.anna)  # 100 points, 2 points = 5.00
    co.add_item("APPLE", "2")  # 210.00
    assert co.usable_points() == (Decimal(84), Decimal("210.00"))
    co.add_cash("100")
    # What the points prompt offers now: the 110.00 still due, not the 210.00 total.
    assert co.usable_points() == (Decimal(44), Decimal("110.00"))
    co.add_points("84")  # the whole total, as the prompt used to offer
    assert co.take_notices() == (
        "84 points asked: 44 redeemed = 110.00 (110.00 pays the 110.00 still due)",
    )
    assert co.remaining() == 0
    done = co.commit()
    assert done.change == 0
    assert _tenders(backend, done.sale.id) == [
        ("cash", Decimal("100.00"), Decimal("0.00")),
        ("points", Decimal("110.00"), Decimal("0")),
    ]
    # 100 - 44 redeemed + 4 earned on the 200.00 net.
    assert backend.customers.loyalty_balance(store.anna) == Decimal(60)


def test_nothing_still_due_refuses_points_card_and_account(backend: Backend, store: Store) -> None:
    co = Checkout(backend, store.cashier)
    co.attach_customer(store.anna)
    co.add_item("APPLE")  # 105.00
    co.add_cash("200")
    with pytest.raises(CheckoutError, match="Nothing is still due: points pay only"):
        co.add_points("10")
    with pytest.raises(CheckoutError, match="Nothing is still due"):
        co.add_card("5", "AUTH-1")
    assert co.usable_points() == (0, 0)
    assert [t.kind for t in co.cart.tenders] == ["cash"]
    assert co.commit().change == Decimal("95.00")


def test_card_and_account_pay_at_most_what_is_still_due(backend: Backend, store: Store) -> None:
    co = Checkout(backend, store.cashier)
    co.attach_customer(store.corp)
    co.add_item("APPLE")  # 105.00
    co.add_cash("100")
    with pytest.raises(CheckoutError, match=r"A card pays at most the 5\.00 still due"):
        co.add_card("10", "AUTH-1")
    with pytest.raises(CheckoutError, match=r"Charge at most the 5\.00 still due"):
        co.add_account("6", pin="4321", reference="PO-1")
    co.add_card("5", "AUTH-1")
    assert co.commit().change == 0


def test_points_over_the_balance_are_capped_and_the_lane_is_told(
    backend: Backend, store: Store
) -> None:
    co = Checkout(backend, store.cashier)
    co.attach_customer(store.anna)
    co.add_item("APPLE", "3")  # 315.00
    co.add_points("500")
    assert co.take_notices() == (
        "500 points asked: 100 redeemed = 250.00 (only 100 points on the card)",
    )
    assert co.remaining() == Decimal("65.00")
    with pytest.raises(CheckoutError, match="Not enough points: 0 on the card"):
        co.add_points("2")
    assert co.take_notices() == ()


def test_whole_units_cap_is_said_and_below_one_unit_refused(backend: Backend, store: Store) -> None:
    co = Checkout(backend, store.cashier)
    co.attach_customer(store.anna)
    co.add_item("APPLE")  # 105.00
    co.add_points("3")
    assert co.take_notices() == (
        "3 points asked: 2 redeemed = 5.00 (points redeem in whole units of 2)",
    )
    co.add_cash("97")  # 3.00 still due: less than one unit of 5.00
    with pytest.raises(CheckoutError, match=r"The 3.00 still due is less than one points unit"):
        co.add_points("2")
    with pytest.raises(CheckoutError, match="more than zero"):
        co.add_points("0")


def test_a_tender_never_outlives_the_lines(backend: Backend, store: Store) -> None:
    co = Checkout(backend, store.cashier)
    co.add_item("APPLE")  # 105.00
    co.add_item("BAG")  # 5.00
    co.add_card("10", "AUTH-1")
    co.void_line(2)  # 105.00 still covers the card's 10.00
    with pytest.raises(CheckoutError, match=r"Tenders of card 10.00 are on the sale: take") as info:
        co.void_line(1)
    assert info.value.code == "TENDERS_LEFT"
    assert [line.line_no for line in co.cart.lines] == [1]
    saved = backend.open_sales.get(co.open_sale_id)  # type: ignore[arg-type]
    assert saved is not None and '"line_no": 1' in saved.state and "AUTH-1" in saved.state
    co.remove_tender(0)
    co.void_line(1)
    co.add_item("BAG")  # the next sale starts with no tender carried over
    assert co.cart.tenders == [] and co.paid() == 0 and co.remaining() == Decimal("5.00")


def test_line_changes_below_the_card_tenders_are_refused(backend: Backend, store: Store) -> None:
    co = Checkout(backend, store.cashier)
    co.add_item("APPLE", "2")  # 210.00
    co.add_card("200", "AUTH-1")
    for change in (
        lambda: co.set_quantity(1, "1"),
        lambda: co.override_price(1, "90", approver=store.supervisor),
        lambda: co.discount_line(1, percent="5"),
    ):
        with pytest.raises(CheckoutError, match=r"card 200.00 would be more than the new total"):
            change()
    assert co.quote().totals.total == Decimal("210.00")
    # Cash may exceed the total: the rest is change, from cash.
    cash = Checkout(backend, store.cashier)
    cash.add_item("APPLE")
    cash.add_item("BAG")
    cash.add_cash("50")
    cash.void_line(1)
    assert cash.commit().change == Decimal("45.00")


def test_voiding_a_sale_with_tenders_says_what_to_give_back(backend: Backend, store: Store) -> None:
    co = Checkout(backend, store.cashier)
    co.add_item("APPLE")
    co.add_cash("20")
    co.add_card("10", "AUTH-7")
    open_id = co.open_sale_id
    assert open_id is not None
    co.cancel()
    assert co.take_notices() == (
        "Sale voided: give back cash 20.00; reverse card 10.00 (AUTH-7) on the card terminal",
    )
    assert backend.open_sales.get(open_id) is None and co.cart.tenders == []
    (row,) = backend.store.audit_trail("open_sale", open_id)
    assert row.action == "void_sale" and '"AUTH-7"' in row.changes


def _statement_customer(backend: Backend, **fields: object) -> int:
    return CustomerService(backend).create(
        {
            "first_name": "Stella",
            "last_name": "Statement",
            "ar_enabled": True,
            "allow_charge": True,
            "credit_limit": "5000",
            "grace_period_type": "statement_date",
            "grace_period_days": 10,
            **fields,
        }
    )


def test_statement_date_grace_is_due_from_the_store_statement(
    backend: Backend, store: Store
) -> None:
    cid = _statement_customer(backend)
    co = Checkout(backend, store.cashier)  # the clock: 2026-11-24
    co.attach_customer(cid)
    co.add_item("APPLE")
    co.add_account("105")
    # No statement day set: statements at month end, 30 Nov + 10 days.
    assert co.take_notices() == ("105.00 charged to the account: due 2026-12-10",)
    co.commit()
    backend.store.set_setting("engine.statement_day", "20")
    later = Checkout(backend, store.cashier)
    later.attach_customer(cid)
    later.add_item("BAG")
    later.add_account("5")
    later.commit()
    entries = backend.ledgers.receivable_entries(cid)
    # The 20th passed this month: the next statement is 20 Dec, + 10 days.
    assert [(e.amount, e.due_date) for e in entries] == [
        (Decimal("105.00"), "2026-12-10"),
        (Decimal("5.00"), "2026-12-30"),
    ]


def test_terms_the_engine_cannot_read_refuse_the_charge_when_tendered(
    backend: Backend, store: Store
) -> None:
    cid = _statement_customer(backend, grace_period_type="none", payment_terms="when convenient")
    co = Checkout(backend, store.cashier)
    co.attach_customer(cid)
    co.add_item("APPLE")
    with pytest.raises(CheckoutError, match="Cannot charge to this account: payment terms") as info:
        co.add_account("105")
    assert info.value.code == "CHARGE_TERMS" and co.cart.tenders == []
    co.add_cash("105")
    assert co.commit().change == 0
