"""Incremental pricing (issue 15): the checkout re-prices only what a change affects, and what it
shows is always what a full ``price_sale`` of the same sale gives.

A hypothesis test over the real services on a real database (the oracle's store: customers of
every kind, price levels and lists, card and customer discounts, an automatic transaction
discount, tax exemptions, restricted sub-groups). Each example rings up one cart through the
real :class:`Checkout` with any sequence of adds, quantity changes, voids, line and sale
discounts (within the cashier's limit or a supervisor's), customers attached and detached, the
customer's card type changed behind the lane (another lane, the back office) and the date
moved. After every step, refused or not, the checkout's price (its :class:`CartPricer`, which
kept every line's work from the steps before) must equal a full ``price_sale`` of the cart from
freshly read inputs: every amount to the last digit and exponent, every rule of the
explanation, every refusal; and its parts must add up.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from pos_tui import engine
from pos_tui.services.checkout.engine_inputs import EngineInputs
from pos_tui.services.checkout.pricing import price_cart
from pos_tui.services.checkout.sale import Checkout, CheckoutError
from pos_tui.services.runtime.backend import Backend
from tests.conftest import Clock, scaled_examples
from tests.oracle_store import CUSTOMER_KINDS, OracleStore, build_oracle_store, oracle_lane

ITEMS = ("APPLE", "RUM", "BAG", "TV", "DESK", "WINE", "SPIRIT", "PEN", "SOFA", "GIFT", "BIKE")
QUANTITIES = ("1", "2", "3", "1.5", "12")
PERCENTS = ("2", "5", "12.5", "40")

Op = tuple[Any, ...]
ops = st.one_of(
    st.tuples(st.just("add"), st.sampled_from(ITEMS), st.sampled_from(QUANTITIES)),
    st.tuples(st.just("quantity"), st.integers(0, 30), st.sampled_from(QUANTITIES)),
    st.tuples(st.just("void"), st.integers(0, 30)),
    st.tuples(
        st.just("line_discount"), st.integers(0, 30), st.sampled_from(PERCENTS), st.booleans()
    ),
    st.tuples(st.just("sale_discount"), st.sampled_from(PERCENTS), st.booleans(), st.booleans()),
    st.tuples(st.just("attach"), st.sampled_from(CUSTOMER_KINDS)),
    st.tuples(st.just("detach")),
    st.tuples(st.just("card"), st.integers(0, 4)),
    st.tuples(st.just("date"), st.integers(1, 400)),
)


class Lane:
    """The store, one lane on it and its clock, built once for the test."""

    def __init__(self, path: Path) -> None:
        self.clock = Clock()
        self.backend: Backend = oracle_lane(path, "L1", self.clock)
        self.store: OracleStore = build_oracle_store(self.backend)
        self.card_types: list[int | None] = [None, *self.backend.catalog.ids("card_types")]
        self.start = self.clock.current


@pytest.fixture(scope="module")
def lane(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lane]:
    made = Lane(tmp_path_factory.mktemp("incremental") / "pos.db")
    yield made
    made.backend.close()


def _pick(co: Checkout, index: int) -> int | None:
    lines = co.cart.lines
    return lines[index % len(lines)].line_no if lines else None


def _apply(lane: Lane, co: Checkout, op: Op) -> None:
    """One change through the real services; a refusal leaves the cart as it was."""
    kind, *args = op
    store = lane.store
    if kind == "add":
        co.add_item(args[0], args[1])
    elif kind in ("quantity", "void", "line_discount"):
        line_no = _pick(co, args[0])
        if line_no is None:
            return
        if kind == "quantity":
            co.set_quantity(line_no, args[1])
        elif kind == "void":
            co.void_line(line_no)
        else:
            approver = store.supervisor if args[2] else None
            co.discount_line(line_no, percent=args[1], approver=approver)
    elif kind == "sale_discount":
        approver = store.supervisor if args[2] else None
        if args[1]:  # the figure as an amount off
            co.discount_sale(amount=args[0], approver=approver)
        else:
            co.discount_sale(percent=args[0], approver=approver)
    elif kind == "attach":
        co.attach_customer(store.customers[args[0]])
    elif kind == "detach":
        co.detach_customer()
    elif kind == "card" and co.cart.customer_id is not None:
        # Behind the lane's back (the back office, an upgrade on another lane).
        card_type = lane.card_types[args[0] % len(lane.card_types)]
        lane.backend.customers.update(co.cart.customer_id, {"card_type_id": card_type})
    elif kind == "date":
        lane.clock.current = lane.start + timedelta(days=args[0])


def _full_price(lane: Lane, co: Checkout) -> engine.PricedSale:
    """The cart priced from scratch: inputs read afresh, every step over every line."""
    inputs = EngineInputs(lane.backend)
    basis = inputs.basis(co.cart.customer_id, lane.backend.now())
    redemption = co._redemption_request()
    return price_cart(inputs, co.cart, basis, redemption=redemption, charge=None)


def _adds_up(priced: engine.PricedSale) -> None:
    totals, lines = priced.totals, priced.lines

    def total(values: Iterator[Decimal]) -> Decimal:
        return sum(values, Decimal(0))

    assert total(p.gross for p in lines) == totals.subtotal
    assert total(p.discount for p in lines) == totals.discount_total
    assert total(p.tax for p in lines) == totals.tax_total
    assert total(p.total for p in lines) == totals.total
    assert total(t.amount for t in priced.taxes) == totals.tax_total
    assert total(d.amount for d in priced.discounts) == totals.discount_total
    assert (
        totals.subtotal
        - totals.discount_total
        - totals.exempt_reduction_total
        + totals.exclusive_tax_total
        == totals.total
    )
    for p in lines:
        assert p.gross - p.discount == p.net
        assert total(t.amount for t in p.taxes) == p.tax


@hypothesis_settings(
    max_examples=scaled_examples(60),
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(ops, min_size=1, max_size=14))
def test_the_checkout_s_price_is_always_a_full_price_of_its_sale(
    lane: Lane, steps: list[Op]
) -> None:
    lane.clock.current = lane.start
    co = Checkout(lane.backend, lane.store.cashier)
    try:
        for op in steps:
            # A refusal leaves the cart as it was, and it must still price as it is.
            with contextlib.suppress(CheckoutError):
                _apply(lane, co, op)
            shown = co.quote()
            full = _full_price(lane, co)
            # Money exact: the same amounts with the same digits, every rule and refusal.
            assert engine.to_jsonable(shown) == engine.to_jsonable(full), op
            assert shown == full, op
            _adds_up(shown)
    finally:
        if co.cart.lines:
            co.cancel()
        if co.cart.customer_id is not None:
            co.detach_customer()


def test_a_line_added_re_prices_only_that_line(lane: Lane, monkeypatch: pytest.MonkeyPatch) -> None:
    """The lines already priced are not worked out again: their unit price, gross and
    discounts come from the pricer's memory (the engine's line step runs for the new one)."""
    from pos_tui.engine import incremental

    lane.clock.current = lane.start
    co = Checkout(lane.backend, lane.store.cashier)
    co.attach_customer(lane.store.customers["goldie"])
    for code in ("APPLE", "TV", "PEN"):
        co.add_item(code)
    worked: list[int] = []
    real = incremental.line_work

    def counting(basket_line: engine.BasketLine, sale: Any) -> Any:
        worked.append(basket_line.line_no)
        return real(basket_line, sale)

    monkeypatch.setattr(incremental, "line_work", counting)
    co.add_item("SOFA")
    co.set_quantity(co.cart.lines[0].line_no, "2")
    assert worked == [4, 1]
    assert co.quote() == _full_price(lane, co)
    co.cancel()
    co.detach_customer()
