"""Track In or Out: visits recorded through the checkout service, and the customer's history."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from pos_tui.services.checkout.sale import Checkout
from pos_tui.services.customers.history import HistoryService
from pos_tui.services.customers.visits import SETTING_TRACK_IN_OUT, VisitService
from pos_tui.services.runtime.backend import Backend
from tests.catalog import Store, build_store
from tests.conftest import FIXED_NOW, Clock


@pytest.fixture
def store(backend: Backend) -> Store:
    return build_store(backend)


@pytest.fixture
def tracking(backend: Backend, store: Store) -> None:
    backend.store.set_setting(SETTING_TRACK_IN_OUT, "1")


def outcomes(backend: Backend, customer_id: int) -> list[str | None]:
    return [v.outcome for v in VisitService(backend).for_customer(customer_id)]


def test_no_visits_unless_the_store_tracks_them(backend: Backend, store: Store) -> None:
    co = Checkout(backend, store.cashier)
    co.attach_customer(store.anna)
    co.add_cash(str(co.add_item("APPLE").totals.total))
    co.commit()
    assert VisitService(backend).for_customer(store.anna) == []
    assert HistoryService(backend).history(store.anna).visits == []


def test_attach_then_commit_is_one_visit_in_and_out(
    backend: Backend, store: Store, clock: Clock, tracking: None
) -> None:
    co = Checkout(backend, store.cashier)
    co.attach_customer(store.anna)
    clock.current = FIXED_NOW + timedelta(minutes=4)
    co.attach_customer(store.anna)  # attached again: still the same visit
    co.add_cash(str(co.add_item("APPLE", "2").totals.total))
    clock.current = FIXED_NOW + timedelta(minutes=7, seconds=30)
    committed = co.commit()
    (visit,) = VisitService(backend).for_customer(store.anna)
    assert (visit.in_at, visit.out_at) == ("2026-11-24T10:30:00", "2026-11-24T10:37:30")
    assert (visit.outcome, visit.lane_id, visit.minutes) == ("sale", "L1", 7)
    assert visit.sale == f"sale L1-{committed.sale.sale_number}"
    history = HistoryService(backend).history(store.anna)
    assert history.visits == [visit]
    assert HistoryService(backend).history(store.anna, date(2026, 11, 25)).visits == []


def test_void_hold_detach_and_another_customer_end_a_visit(
    backend: Backend, store: Store, clock: Clock, tracking: None
) -> None:
    co = Checkout(backend, store.cashier)
    co.attach_customer(store.anna)
    co.add_item("APPLE")
    co.cancel()
    co.attach_customer(store.anna)
    co.add_item("APPLE")
    co.suspend("Anna's basket")
    co.attach_customer(store.bob)
    co.detach_customer()
    co.attach_customer(store.bob)
    co.attach_customer(store.anna)  # Bob's sale becomes Anna's
    assert outcomes(backend, store.anna) == ["void", "hold", None]
    assert outcomes(backend, store.bob) == ["detach", "replaced"]
    backend.store.set_setting(SETTING_TRACK_IN_OUT, "0")
    co.add_cash(str(co.add_item("APPLE").totals.total))
    co.commit()
    assert outcomes(backend, store.anna) == ["void", "hold", "sale"], "an open visit still ends"
    co.attach_customer(store.anna)
    assert len(outcomes(backend, store.anna)) == 3, "no new visits once tracking is off"


def test_a_return_without_a_visit_records_nothing(
    backend: Backend, store: Store, clock: Clock, tracking: None
) -> None:
    co = Checkout(backend, store.cashier)
    co.attach_customer(store.anna)
    co.add_cash(str(co.add_item("APPLE").totals.total))
    sale_id = int(co.commit().sale.id)
    clock.current = datetime(2026, 11, 25, 9, 0)
    ret = Checkout.start_return(backend, store.cashier, sale_id)
    ret.add_return_line(1, "1")
    ret.add_cash(str(-ret.remaining()))
    ret.commit()
    assert outcomes(backend, store.anna) == ["sale"]


def test_unknown_outcome_is_a_bug(backend: Backend, store: Store) -> None:
    with pytest.raises(ValueError, match="unknown visit outcome"):
        VisitService(backend).leave(store.anna, "vanished")
