"""Sales left open at sign-in: a sale with something in it is always offered back, an empty one
never (it is voided, audited), whatever was rung up and voided before the lane went down
(docs/lane.md, "Prompts and messages")."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pos_tui.services.checkout.sale import Checkout
from pos_tui.services.checkout.sale_view import left_sales
from tests.catalog import build_store
from tests.conftest import FIXED_NOW
from tests.helpers import lane_backend

STEPS = st.lists(
    st.one_of(
        st.tuples(st.just("add"), st.sampled_from(["APPLE", "BAG"]), st.integers(1, 3)),
        st.tuples(st.just("void"), st.integers(0, 5), st.just(0)),
        st.tuples(st.just("customer"), st.just(""), st.just(0)),
    ),
    min_size=1,
    max_size=12,
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(STEPS)
def test_a_sale_left_open_is_offered_back_exactly_when_it_is_not_empty(
    steps: list[tuple[str, str, int]],
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        backend = lane_backend(Path(tmp) / "pos.db", "L1", now=lambda: FIXED_NOW)
        try:
            store = build_store(backend)
            co = Checkout(backend, store.cashier)
            for action, code, n in steps:
                if action == "add":
                    co.add_item(code, str(n))
                elif action == "void" and co.cart.lines:
                    co.void_line(co.cart.lines[n % len(co.cart.lines)].line_no)
                elif action == "customer":
                    co.attach_customer(store.anna)
            left_open = co.open_sale_id is not None
            has_lines = bool(co.cart.lines)
            # The lane goes down here; the next sign-in asks what was left open.
            offered = left_sales(backend, store.cashier, Checkout(backend, store.cashier))
            assert [s.open_sale_id for s in offered] == (
                [co.open_sale_id] if left_open and has_lines else []
            )
            assert len(offered) == 0 or offered[0].lines == len(co.cart.lines)
            # An empty one is gone for good: the sign-in after that asks nothing either.
            still = [r.id for r in Checkout(backend, store.cashier).in_progress()]
            assert still == [s.open_sale_id for s in offered]
        finally:
            backend.close()


def test_the_sale_on_the_screen_is_never_offered_as_left(tmp_path: Path) -> None:
    """A code scanned before the sign-in's look for left sales ran has opened the lane's own
    sale: that one is not offered back (nor voided when empty), the one left before is."""
    backend = lane_backend(tmp_path / "pos.db", "L1", now=lambda: FIXED_NOW)
    try:
        store = build_store(backend)
        before = Checkout(backend, store.cashier)
        before.add_item("BAG", "2")  # the lane went down with this one open
        on_screen = Checkout(backend, store.cashier)
        on_screen.add_item("APPLE", "1")
        offered = left_sales(backend, store.cashier, on_screen)
        assert [s.open_sale_id for s in offered] == [before.open_sale_id]
        # Emptied (its line voided), the sale on the screen is still the cashier's: kept.
        on_screen.void_line(on_screen.cart.lines[0].line_no)
        left_sales(backend, store.cashier, on_screen)
        still = {r.id for r in Checkout(backend, store.cashier).in_progress()}
        assert still == {before.open_sale_id, on_screen.open_sale_id}
    finally:
        backend.close()
