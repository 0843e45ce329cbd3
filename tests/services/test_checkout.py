"""The checkout service end to end on a real database: ring up, tender, commit, return."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pos_tui.services.checkout.sale import Checkout, CheckoutError
from pos_tui.services.runtime.backend import Backend
from tests.catalog import Store, build_store


@pytest.fixture
def store(backend: Backend) -> Store:
    return build_store(backend)


def test_cash_sale_commits_everything_at_once(backend: Backend, store: Store) -> None:
    co = Checkout(backend, store.cashier)
    co.add_item("8901234567890", "2")
    priced = co.add_item("BAG")
    assert priced.totals.total == Decimal("215.00")  # 2 x 100 + 5% GST + bag 5
    assert backend.open_sales.for_lane("L1", "in_progress"), "cart saved while ringing up"
    co.add_cash("500")
    done = co.commit()
    assert done.change == Decimal("285.00") and done.open_drawer
    sale = backend.journal.get(done.sale.id)
    assert (
        sale is not None and sale.total == Decimal("215.00") and sale.tax_total == Decimal("10.00")
    )
    children = backend.journal.children(sale.id)
    assert [(x.sku, x.quantity) for x in children.lines] == [
        ("APPLE", Decimal("2")),
        ("BAG", Decimal("1")),
    ]
    assert children.tenders[0].change_given == Decimal("285.00")
    assert backend.open_sales.for_lane("L1", "in_progress") == []
    jobs = backend.print_jobs.pending("L1")
    assert [(j.kind, j.open_drawer) for j in jobs] == [("receipt", 1)]
    assert backend.journal.verify() == (1, None)


def test_unknown_item_and_bad_quantity(backend: Backend, store: Store) -> None:
    co = Checkout(backend, store.cashier)
    with pytest.raises(CheckoutError, match="No item with barcode or SKU 'NOPE'"):
        co.add_item("NOPE")
    with pytest.raises(CheckoutError, match="more than zero"):
        co.add_item("APPLE", "0")
    with pytest.raises(CheckoutError, match="must be a number"):
        co.add_item("APPLE", "two")


def test_restricted_subgroup_refused_naming_subgroup_and_card(
    backend: Backend, store: Store
) -> None:
    co = Checkout(backend, store.cashier)
    co.attach_customer(store.kid)
    with pytest.raises(CheckoutError) as info:
        co.add_item("RUM")
    assert "Liquor" in info.value.message and "Junior Member" in info.value.message
    assert co.cart.lines == []
    other = Checkout(backend, store.cashier)
    other.add_item("RUM")
    with pytest.raises(CheckoutError, match="Liquor"):
        other.attach_customer(store.kid)
    assert other.cart.customer_id is None


def test_points_earned_referral_and_second_copy(backend: Backend, store: Store) -> None:
    co = Checkout(backend, store.cashier)
    co.attach_customer(store.bob)
    co.add_item("APPLE", "3")  # 300 net -> 6 points; referral 0.25 per 100 -> 0.75 to Anna
    co.add_cash("315")
    done = co.commit()
    assert done.sale.points_earned == 6
    assert backend.customers.loyalty_balance(store.bob) == 6
    assert backend.customers.loyalty_balance(store.anna) == Decimal("100.75")
    kinds = [j.kind for j in backend.print_jobs.pending("L1")]
    assert kinds == ["receipt", "copy"]


def test_manual_discount_over_limit_needs_supervisor(backend: Backend, store: Store) -> None:
    co = Checkout(backend, store.cashier)
    co.add_item("APPLE")
    with pytest.raises(CheckoutError) as info:
        co.discount_line(1, percent="20")
    assert info.value.override_allowed and "needs supervisor" in info.value.message
    assert co.cart.lines[0].discount is None
    priced = co.discount_line(1, percent="20", approver=store.supervisor)
    assert priced.lines[0].discount == Decimal("20.00")
    priced = co.discount_line(1, percent="5")
    assert priced.lines[0].discount == Decimal("5.00")


def test_price_override_limit(backend: Backend, store: Store) -> None:
    co = Checkout(backend, store.cashier)
    co.add_item("APPLE")
    with pytest.raises(CheckoutError, match="needs supervisor") as info:
        co.override_price(1, "50")
    assert info.value.override_allowed
    assert co.override_price(1, "50", approver=store.supervisor).lines[0].unit_price == Decimal(
        "50"
    )
    assert co.override_price(1, "96").lines[0].unit_price == Decimal("96")


def test_charge_to_account_checks_pin_reference_and_credit(backend: Backend, store: Store) -> None:
    co = Checkout(backend, store.cashier)
    co.attach_customer(store.corp)
    co.add_item("APPLE", "5")  # 525.00
    with pytest.raises(CheckoutError, match="Wrong customer PIN"):
        co.add_account("525", pin="0000", reference="PO-1")
    with pytest.raises(CheckoutError) as missing:
        co.add_account("525", pin="4321")
    assert "PO number" in missing.value.message or "reference" in missing.value.message.lower()
    co.add_account("525", pin="4321", reference="PO-77")
    done = co.commit()
    entries = backend.ledgers.receivable_entries(store.corp)
    assert [(e.entry_type, e.amount, e.reference, e.due_date) for e in entries] == [
        ("charge", Decimal("525.00"), "PO-77", "2026-12-24")
    ]
    assert done.sale.reference == "PO-77" and not done.open_drawer
    over = Checkout(backend, store.cashier)
    over.attach_customer(store.corp)
    over.add_item("APPLE", "5")
    with pytest.raises(CheckoutError) as info:
        over.add_account("525", pin="4321", reference="PO-78")
    assert info.value.override_allowed and "credit" in info.value.message.lower()
    over.add_account("525", pin="4321", reference="PO-78", approver=store.supervisor)
    over.commit()
    assert backend.customers.receivable_balance(store.corp) == Decimal("1050.00")


def test_credit_hold_refused_with_override(backend: Backend, store: Store) -> None:
    from pos_tui.services.customers.service import CustomerService

    CustomerService(backend).update(store.corp, {"credit_hold": True})
    co = Checkout(backend, store.cashier)
    co.attach_customer(store.corp)
    co.add_item("APPLE")
    with pytest.raises(CheckoutError) as info:
        co.add_account("105", pin="4321", reference="PO-1")
    assert info.value.override_allowed and "hold" in info.value.message.lower()


def test_points_redemption_two_points_five_currency(backend: Backend, store: Store) -> None:
    co = Checkout(backend, store.cashier)
    co.attach_customer(store.anna)  # 100 opening points
    co.add_item("APPLE")  # 105.00
    co.add_points("10")  # -> 25.00
    assert co.remaining() == Decimal("80.00")
    co.add_cash("80")
    done = co.commit()
    assert done.sale.points_used == Decimal("10")
    entries = [(e.entry_type, e.points) for e in backend.ledgers.points_entries(store.anna)]
    assert ("used", Decimal(-10)) in entries
    with pytest.raises(CheckoutError):
        Checkout(backend, store.cashier).add_points("5")


def test_full_return_reverses_points_and_refunds(backend: Backend, store: Store) -> None:
    co = Checkout(backend, store.cashier)
    co.attach_customer(store.bob)
    co.add_item("APPLE", "3")
    co.add_cash("315")
    sale = co.commit().sale
    before_bob = backend.customers.loyalty_balance(store.bob)
    ret = Checkout.start_return(backend, store.cashier, sale.id)
    assert [x.returnable for x in ret.returnable()] == [Decimal("3")]
    with pytest.raises(CheckoutError, match="Only 3"):
        ret.add_return_line(1, "4")
    ret.add_return_line(1, "3")
    assert ret.remaining() == Decimal("-315.00")
    ret.add_cash("315")
    done = ret.commit()
    assert done.sale.kind == "return" and done.sale.total == Decimal("-315.00")
    assert backend.customers.loyalty_balance(store.bob) == before_bob - 6
    assert backend.customers.loyalty_balance(store.anna) == Decimal("100")
    again = Checkout.start_return(backend, store.cashier, sale.id)
    with pytest.raises(CheckoutError, match="Only 0"):
        again.add_return_line(1, "1")


def test_crash_leaves_the_cart_to_resume(backend: Backend, store: Store) -> None:
    co = Checkout(backend, store.cashier)
    co.attach_customer(store.anna)
    co.add_item("APPLE", "2")
    co.discount_line(1, percent="5")
    left = co.in_progress()
    assert len(left) == 1
    # A new process (the lane restarted) picks the same cart back up.
    back = Checkout.resume(backend, store.cashier, left[0].id)
    assert back.cart.customer_id == store.anna and back.cart.lines[0].quantity == "2"
    assert back.quote().totals.total == co.quote().totals.total


def test_suspend_and_resume(backend: Backend, store: Store) -> None:
    co = Checkout(backend, store.cashier)
    co.add_item("APPLE")
    parked = co.suspend("blue jacket")
    assert co.cart.lines == [] and backend.open_sales.suspended()[0].label == "blue jacket"
    back = Checkout.resume(backend, store.cashier, parked)
    assert len(back.cart.lines) == 1 and backend.open_sales.suspended() == []


def test_auto_upgrade_when_points_enter_gold_range(backend: Backend, store: Store) -> None:
    co = Checkout(backend, store.cashier)
    co.attach_customer(store.anna)  # 100 points, Silver up to 499.9999
    co.add_item("APPLE", "200")  # 20,000 net -> 400 points -> 500
    co.add_cash("21000")
    done = co.commit()
    assert done.upgrade is not None
    assert backend.customers.get(store.anna).card_type_id == store.gold  # type: ignore[union-attr]
    trail = [t.action for t in backend.store.audit_trail("customer", store.anna)]
    assert "card_type_upgrade" in trail


def test_underpaid_and_overpaid_card_refused(backend: Backend, store: Store) -> None:
    co = Checkout(backend, store.cashier)
    co.add_item("APPLE")
    co.add_cash("50")
    with pytest.raises(CheckoutError, match=r"55\.00 is still due"):
        co.commit()
    with pytest.raises(CheckoutError, match="at most"):
        co.add_card("60", "AUTH1")
    co.add_card("55", "AUTH1")
    done = co.commit()
    assert done.change == 0 and done.open_drawer


def test_catalog_changes_reach_a_running_lane(backend: Backend, store: Store) -> None:
    co = Checkout(backend, store.cashier)
    co.add_item("APPLE")
    apple = backend.catalog.by_code("items", "APPLE")
    assert apple is not None
    # The back office (or another lane's) edit bumps the catalog version; the cache reloads.
    backend.catalog.update("items", int(apple["id"]), {"regular_price": "120.00"})
    assert co.quote().lines[0].unit_price == Decimal("120.00")
