"""Commit reuses the last price, and prices again whenever what it was made from moved.

The sale is priced before the write lock; under the lock the catalog version, the customer's
rows and balances and the moment (its date and multiplier window) are read again. These tests
change each of them between the pricing and the lock, as another lane or the back office would.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from pos_tui import engine
from pos_tui.config import Settings, load_settings
from pos_tui.services.checkout.cart import Cart, CartDiscount, CartLine, CartTender
from pos_tui.services.checkout.engine_inputs import PricingBasis
from pos_tui.services.checkout.record import SaleDraft, SaleRecorder
from pos_tui.services.checkout.sale import Checkout, CheckoutError
from pos_tui.services.runtime.backend import Backend, open_backend
from tests.catalog import Store, build_store
from tests.conftest import Clock
from tests.helpers import ready_to_sell


@pytest.fixture
def store(backend: Backend) -> Store:
    return build_store(backend)


@pytest.fixture
def other_lane(settings: Settings, clock: Clock) -> Iterator[Backend]:
    """A second lane on the same database file (its own connection and caches)."""
    path = settings.database_path()
    b = open_backend(load_settings(database={"path": str(path)}, lane={"id": "L2"}), now=clock)
    ready_to_sell(b)
    yield b
    b.close()


@pytest.fixture
def pricings(monkeypatch: pytest.MonkeyPatch) -> list[datetime]:
    """The moments the engine priced a sale at (every call of the checkout's pricer)."""
    seen: list[datetime] = []
    real = engine.SalePricer.price

    def counting(self: engine.SalePricer, *args: Any, **kwargs: Any) -> engine.PricedSale:
        seen.append(args[4])
        return real(self, *args, **kwargs)

    monkeypatch.setattr(engine.SalePricer, "price", counting)
    return seen


def _between_pricing_and_lock(
    monkeypatch: pytest.MonkeyPatch, change: Callable[[], None]
) -> list[SaleDraft]:
    """Run ``change`` right after the commit built its draft outside the lock."""
    drafts: list[SaleDraft] = []
    real = Checkout._draft

    def racing(self: Checkout, recorder: SaleRecorder, basis: PricingBasis) -> SaleDraft:
        draft = real(self, recorder, basis)
        drafts.append(draft)
        if len(drafts) == 1:
            change()
        return draft

    monkeypatch.setattr(Checkout, "_draft", racing)
    return drafts


def test_nothing_changed_the_quote_on_screen_is_committed(
    backend: Backend, store: Store, pricings: list[datetime]
) -> None:
    co = Checkout(backend, store.cashier)
    co.attach_customer(store.anna)
    co.add_item("APPLE", "3")
    shown = co.add_cash("400")
    pricings.clear()
    done = co.commit()
    assert pricings == []  # neither outside nor under the lock
    assert str(done.sale.total) == str(shown.totals.total) == "315.00"
    assert done.sale.points_earned == shown.points.points  # type: ignore[union-attr]
    assert done.change == Decimal("85.00")
    assert backend.journal.verify() == (1, None)


def test_catalog_changed_after_the_last_quote_is_priced_again(
    backend: Backend, store: Store, other_lane: Backend, pricings: list[datetime]
) -> None:
    co = Checkout(backend, store.cashier)
    co.add_item("APPLE")
    co.add_cash("200")  # 105.00 on screen
    apple = other_lane.catalog.by_code("items", "APPLE")
    assert apple is not None
    other_lane.catalog.update("items", int(apple["id"]), {"regular_price": "120.00"})
    pricings.clear()
    done = co.commit()
    assert len(pricings) == 1
    assert done.sale.total == Decimal("126.00") and done.change == Decimal("74.00")
    lines = backend.journal.children(done.sale.id).lines
    assert lines[0].unit_price == Decimal("120.00")


def test_changes_made_on_this_lane_s_own_connection_are_seen_too(
    backend: Backend, store: Store, pricings: list[datetime]
) -> None:
    """The back office of the same app writes through the same connection, which SQLite's
    data_version does not count: the rows this connection changed are counted as well."""
    co = Checkout(backend, store.cashier)
    co.attach_customer(store.anna)
    co.add_item("APPLE")
    co.add_cash("200")
    apple = backend.catalog.by_code("items", "APPLE")
    assert apple is not None
    backend.catalog.update("items", int(apple["id"]), {"regular_price": "80.00"})
    pricings.clear()
    assert co.commit().sale.total == Decimal("84.00")
    assert len(pricings) == 1
    co.attach_customer(store.anna)
    co.add_item("APPLE")
    co.add_cash("200")
    backend.customers.update(store.anna, {"auto_discount_percent": "50"})
    pricings.clear()
    assert co.commit().sale.total == Decimal("42.00")
    assert len(pricings) == 1


def test_catalog_changed_between_pricing_and_the_lock_is_priced_again(
    backend: Backend,
    store: Store,
    other_lane: Backend,
    pricings: list[datetime],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    co = Checkout(backend, store.cashier)
    co.add_item("APPLE", "2")
    co.add_cash("300")  # 210.00 on screen
    apple = other_lane.catalog.by_code("items", "APPLE")
    assert apple is not None
    drafts = _between_pricing_and_lock(
        monkeypatch,
        lambda: other_lane.catalog.update("items", int(apple["id"]), {"regular_price": "90.00"}),
    )
    pricings.clear()
    done = co.commit()
    assert [d.sale["total"] for d in drafts] == ["210.00", "189.00"]
    assert len(pricings) == 1  # under the lock only: the first draft reused the quote
    assert done.sale.total == Decimal("189.00") and done.change == Decimal("111.00")
    assert backend.journal.verify() == (1, None)


def test_a_price_rise_under_the_lock_refuses_and_writes_nothing(
    backend: Backend, store: Store, other_lane: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    co = Checkout(backend, store.cashier)
    co.add_item("APPLE")
    co.add_card("105", "AUTH1")
    apple = other_lane.catalog.by_code("items", "APPLE")
    assert apple is not None
    _between_pricing_and_lock(
        monkeypatch,
        lambda: other_lane.catalog.update("items", int(apple["id"]), {"regular_price": "110.00"}),
    )
    with pytest.raises(CheckoutError, match=r"10\.50 is still due"):
        co.commit()
    assert backend.journal.verify() == (0, None)
    assert co.cart.lines, "the cart stays to be paid in full"


def test_points_spent_on_another_lane_under_the_lock_refuse_the_redemption(
    backend: Backend, store: Store, other_lane: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    co = Checkout(backend, store.cashier)
    co.attach_customer(store.anna)  # 100 points
    co.add_item("APPLE")  # 105.00
    co.add_points("40")  # 100.00
    co.add_cash("5")

    def spend_elsewhere() -> None:
        lane2 = Checkout(other_lane, store.cashier)
        lane2.attach_customer(store.anna)
        lane2.add_item("APPLE", "2")  # 210.00
        lane2.add_points("80")  # 200.00: Anna keeps 20 (+4 earned)
        lane2.add_cash("10")
        lane2.commit()

    _between_pricing_and_lock(monkeypatch, spend_elsewhere)
    with pytest.raises(CheckoutError, match=r"40 points cannot pay 100\.00 now") as info:
        co.commit()
    assert info.value.code == "REDEMPTION_CHANGED"
    entries = [(e.entry_type, e.points) for e in backend.ledgers.points_entries(store.anna)]
    assert [e for e in entries if e[0] == "used"] == [("used", Decimal("-80"))]
    assert backend.customers.loyalty_balance(store.anna) == 24
    assert backend.journal.last("L1") is None  # this lane wrote nothing
    assert backend.journal.verify() == (1, None)
    assert len(co.cart.tenders) == 2


def test_two_lanes_points_and_upgrade_follow_the_balance_under_the_lock(
    backend: Backend, store: Store, other_lane: Backend, pricings: list[datetime]
) -> None:
    """Lane 2 prices its sale on 100 points; lane 1 commits 200 first. Lane 2's commit must
    see 300 under the lock: its 300 points take Anna to 600, over Gold's 500."""
    lane2 = Checkout(other_lane, store.cashier)
    lane2.attach_customer(store.anna)
    lane2.add_item("APPLE", "150")  # 15,000 net -> 300 points
    lane2.add_cash("15750")
    lane1 = Checkout(backend, store.cashier)
    lane1.attach_customer(store.anna)
    lane1.add_item("APPLE", "100")  # 10,000 net -> 200 points
    lane1.add_cash("10500")
    first = lane1.commit()
    assert first.upgrade is None
    pricings.clear()
    second = lane2.commit()
    assert len(pricings) == 1  # the balance moved: priced again under the lock
    assert second.sale.points_earned == 300
    assert second.upgrade is not None
    assert backend.customers.get(store.anna).card_type_id == store.gold  # type: ignore[union-attr]
    entries = [(e.entry_type, e.points) for e in backend.ledgers.points_entries(store.anna)]
    assert sorted(entries) == [("earned", 200), ("earned", 300), ("opening", 100)]
    assert backend.customers.loyalty_balance(store.anna) == 600
    assert other_lane.customers.loyalty_balance(store.anna) == 600
    assert backend.journal.verify() == (2, None)


def test_customer_edited_in_the_back_office_is_priced_again(
    backend: Backend, store: Store, other_lane: Backend, pricings: list[datetime]
) -> None:
    co = Checkout(backend, store.cashier)
    co.attach_customer(store.anna)
    co.add_item("APPLE", "2")
    co.add_cash("300")  # 210.00
    other_lane.customers.update(store.anna, {"auto_discount_percent": "10"})
    pricings.clear()
    done = co.commit()
    assert len(pricings) == 1
    assert done.sale.discount_total == Decimal("20.00")


def test_a_second_later_keeps_the_price_and_commits_at_the_new_moment(
    backend: Backend, store: Store, clock: Clock, pricings: list[datetime]
) -> None:
    co = Checkout(backend, store.cashier)
    co.attach_customer(store.anna)
    co.add_item("APPLE")
    co.add_cash("105")
    clock.current += timedelta(seconds=40)
    pricings.clear()
    done = co.commit()
    assert pricings == []  # same date, no multiplier window: the price cannot differ
    assert done.sale.committed_at == clock.current.isoformat(timespec="seconds")


def test_a_new_day_prices_again(
    backend: Backend, store: Store, clock: Clock, pricings: list[datetime]
) -> None:
    co = Checkout(backend, store.cashier)
    co.add_item("APPLE")
    co.add_cash("105")
    clock.current += timedelta(days=1)
    pricings.clear()
    done = co.commit()
    assert pricings == [clock.current]
    assert done.sale.committed_at == clock.current.isoformat(timespec="seconds")


def test_moment_key_follows_the_multiplier_window(backend: Backend, store: Store) -> None:
    evening = dataclasses.replace(
        engine.from_row(engine.CardType, backend.catalog.get("card_types", store.silver) or {}),
        multiplier=Decimal(2),
        multiplier_weekdays="mon,tue,wed,thu,fri,sat,sun",
        multiplier_to_time=datetime(2026, 1, 1, 18, 0).time(),
    )
    # The to-minute counts whole (18:00:59 is still inside): the window ends at 18:01.
    before = datetime(2026, 11, 24, 18, 0, 59)
    after = datetime(2026, 11, 24, 18, 1, 0)
    assert engine.moment_key(evening, before) != engine.moment_key(evening, after)
    assert engine.moment_key(None, before) == engine.moment_key(None, after)
    assert engine.moment_key(None, before) != engine.moment_key(None, before + timedelta(days=1))


def test_quote_reuse_never_returns_a_stale_price(backend: Backend, store: Store) -> None:
    co = Checkout(backend, store.cashier)
    co.add_item("APPLE")
    first = co.quote()
    assert co.quote() is first
    co.cart.lines[0].quantity = "3"  # changed in place
    assert co.quote().totals.total == Decimal("315.00")
    co.discount_sale(percent="5")
    assert co.quote().totals.discount_total == Decimal("15.00")


def test_pricing_key_covers_every_field_and_is_a_copy() -> None:
    def cart() -> Cart:
        return Cart(
            lines=[CartLine(line_no=1, item_id=1, quantity="1", discount=CartDiscount())],
            sale_discount=CartDiscount(),
        )

    base = cart().pricing_key()
    changed = {"str": "x9", "int": 99, "bool": True}
    for holder in ("cart", "line", "line discount", "sale discount"):
        probe = cart()
        target: Any = {
            "cart": probe,
            "line": probe.lines[0],
            "line discount": probe.lines[0].discount,
            "sale discount": probe.sale_discount,
        }[holder]
        for f in dataclasses.fields(target):
            if f.name in ("lines", "tenders", "discount", "sale_discount"):
                continue
            probe = cart()
            target = {
                "cart": probe,
                "line": probe.lines[0],
                "line discount": probe.lines[0].discount,
                "sale discount": probe.sale_discount,
            }[holder]
            old = getattr(target, f.name)
            new = changed[type(old).__name__] if old is not None else "x9"
            if f.name == "kind":
                new = "return"
            setattr(target, f.name, new)
            assert probe.pricing_key() != base, f"{holder}.{f.name}"
    taken = cart()
    key = taken.pricing_key()
    taken.lines[0].quantity = "2"
    assert taken.pricing_key() != key and key == base


def test_cart_json_is_what_asdict_gives_and_reads_back() -> None:
    cart = Cart(
        kind="return",
        lines=[
            CartLine(line_no=1, item_id=4, quantity="2", original_line_no=3),
            CartLine(
                line_no=2,
                item_id=5,
                quantity="1.5",
                discount=CartDiscount(percent="5", approved_by=2, override=True),
                price_override="9.99",
                price_approved_by=2,
            ),
        ],
        next_line_no=3,
        customer_id=7,
        sale_discount=CartDiscount(amount="1.00", approver_limit="10"),
        tenders=[CartTender(kind="points", amount="5.00", points="2", pin_verified=True)],
        reference="PO 1",
        original_sale_id=11,
    )
    assert cart.to_json() == dataclasses.asdict(cart)
    assert Cart.from_json(cart.to_json()) == cart
