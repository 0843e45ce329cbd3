"""What the lane's prompts check before they close or before they open (docs/lane.md, "Prompts
and messages"): the checkout's own readers of typed values, and its prechecks that refuse what
no value typed could change. They read only: nothing is saved."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pos_tui.services.checkout.errors import (
    typed_discount,
    typed_points,
    typed_price,
    typed_quantity,
)
from pos_tui.services.checkout.sale import Checkout, CheckoutError
from pos_tui.services.customers.service import CustomerService
from pos_tui.services.runtime.backend import Backend
from tests.catalog import Store, build_store


@pytest.fixture
def store(backend: Backend) -> Store:
    return build_store(backend)


@pytest.mark.parametrize(
    ("check", "typed", "said"),
    [
        (typed_quantity, "x2", "Quantity must be a number, not 'x2'"),
        (typed_quantity, "0", "Quantity must be more than zero"),
        (typed_quantity, "10000", "Quantity over 9999: check the entry"),
        (typed_price, "-1", "A price cannot be negative"),
        (typed_points, "0", "Points to redeem must be more than zero"),
        (lambda t: typed_discount(t, None), "150", "A discount of 150% is not possible"),
        (lambda t: typed_discount(t, None), "-5", "A discount of -5% is not possible"),
        (lambda t: typed_discount(None, t), "-5", "A discount cannot be negative"),
    ],
)
def test_a_typed_value_the_checkout_refuses_is_said_in_its_words(
    check: object, typed: str, said: str
) -> None:
    with pytest.raises(CheckoutError) as refused:
        check(typed)  # type: ignore[operator]
    assert said in refused.value.message


def test_values_the_checkout_takes_pass(backend: Backend, store: Store) -> None:
    assert typed_quantity("1,000") == Decimal(1000)
    assert typed_discount("100", None) == (Decimal(100), None)
    assert typed_discount(None, "0") == (None, Decimal(0))
    assert typed_points("42") == Decimal(42)


def test_a_discount_over_100_percent_is_refused_not_a_fault(backend: Backend, store: Store) -> None:
    co = Checkout(backend, store.supervisor)
    co.add_item("APPLE")
    with pytest.raises(CheckoutError, match="at most 100%"):
        co.discount_line(1, percent="150")
    with pytest.raises(CheckoutError, match="at most 100%"):
        co.discount_sale(percent="101")
    assert co.cart.lines[0].discount is None and co.cart.sale_discount is None


def test_a_discount_over_the_limit_names_the_giver(backend: Backend, store: Store) -> None:
    co = Checkout(backend, store.cashier)
    co.add_item("APPLE")
    with pytest.raises(CheckoutError) as refused:
        co.discount_line(1, percent="30")
    assert "over Cass Cashier's limit of 5%: needs supervisor" in refused.value.message
    assert refused.value.override_allowed


def test_a_forced_price_level_refuses_any_discount_before_it_is_typed(
    backend: Backend, store: Store
) -> None:
    co = Checkout(backend, store.cashier)
    co.add_item("APPLE")
    co.attach_customer(store.anna)
    co.discount_precheck(1)  # no forced level: the prompt opens
    co.discount_precheck(None)
    CustomerService(backend).update(
        store.anna, {"forced_price_level": 1, "price_level": 2}, employee_id=None
    )
    for line_no in (1, None):
        with pytest.raises(CheckoutError) as refused:
            co.discount_precheck(line_no)
        assert refused.value.code == "FORCED_PRICE_LEVEL_NO_DISCOUNT"
    assert co.cart.lines[0].discount is None and co.cart.sale_discount is None


def test_a_card_amount_over_what_is_due_is_refused_before_the_reference(
    backend: Backend, store: Store
) -> None:
    co = Checkout(backend, store.cashier)
    co.add_item("APPLE")  # 105.00
    co.card_precheck("105.00")
    with pytest.raises(CheckoutError, match=r"A card pays at most the 105\.00 still due"):
        co.card_precheck("500")
    assert co.cart.tenders == []


def test_no_points_to_redeem_is_said_before_the_points_prompt(
    backend: Backend, store: Store
) -> None:
    co = Checkout(backend, store.cashier)
    co.add_item("APPLE")
    co.attach_customer(store.anna)  # 100 points
    assert co.usable_points(refuse=True) == (Decimal(42), Decimal("105.00"))
    co.add_cash("105.00")
    with pytest.raises(CheckoutError, match="Nothing is still due"):
        co.usable_points(refuse=True)
    assert co.usable_points() == (Decimal(0), Decimal(0))
