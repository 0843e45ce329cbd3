"""Held sales across lanes: a recall claims the sale for one lane, whatever the interleaving."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pos_tui.services.checkout.holding import NO_LONGER_OPEN, ON_ANOTHER_LANE
from pos_tui.services.checkout.sale import Checkout, CheckoutError
from pos_tui.services.runtime.backend import Backend
from pos_tui.services.staff.auth import Employee
from tests.catalog import Store, build_store
from tests.conftest import FIXED_NOW
from tests.helpers import lane_backend


def _lane(path: Path, lane: str) -> Backend:
    return lane_backend(path, lane, now=lambda: FIXED_NOW)


@pytest.fixture
def store(backend: Backend) -> Store:
    return build_store(backend)


def test_recall_moves_the_held_sale_to_the_recalling_lane(
    backend: Backend, store: Store, db_path: Path
) -> None:
    co = Checkout(backend, store.cashier)
    co.add_item("APPLE", "2")
    held = co.suspend("blue jacket")
    lane2, lane3 = _lane(db_path, "L2"), _lane(db_path, "L3")
    try:
        back = Checkout.resume(lane2, store.supervisor, held)
        assert backend.open_sales.for_lane("L1", "suspended") == []
        (row,) = lane2.open_sales.for_lane("L2", "in_progress")
        assert (row.id, row.employee_id) == (held, store.supervisor.id)
        with pytest.raises(CheckoutError) as lost:
            Checkout.resume(lane3, store.cashier, held)
        assert lost.value.code == ON_ANOTHER_LANE
        assert lost.value.message == f"Sale #{held} is already open on lane L2 (Sue Supervisor)"
        back.add_cash("210")
        sale = back.commit().sale
        assert sale.lane_id == "L2" and sale.employee_id == store.supervisor.id
        with pytest.raises(CheckoutError) as gone:
            Checkout.resume(lane3, store.cashier, held)
        assert gone.value.code == NO_LONGER_OPEN
        assert backend.journal.verify() == (1, None)
    finally:
        lane2.close()
        lane3.close()


def test_a_sale_left_on_this_lane_resumes_here_only(
    backend: Backend, store: Store, db_path: Path
) -> None:
    co = Checkout(backend, store.cashier)
    co.add_item("APPLE")
    left = co.in_progress()[0].id
    lane2 = _lane(db_path, "L2")
    try:
        with pytest.raises(CheckoutError, match="already open on lane L1 \\(Cass Cashier\\)"):
            Checkout.resume(lane2, store.supervisor, left)
    finally:
        lane2.close()
    again = Checkout.resume(backend, store.cashier, left)  # the lane restarted
    assert len(again.cart.lines) == 1


@dataclass
class _Lane:
    backend: Backend
    employee: Employee
    checkout: Checkout | None = None
    recalled: int | None = None  # the held sale this lane's cart came from


@dataclass
class _World:
    lanes: dict[str, _Lane]
    held: list[int] = field(default_factory=list)
    committed: dict[int, list[str]] = field(default_factory=dict)  # held sale -> lanes


STEPS = st.lists(
    st.tuples(
        st.sampled_from(["L1", "L2", "L3"]),
        st.sampled_from(["hold", "recall", "commit", "void"]),
        st.integers(0, 5),
    ),
    min_size=1,
    max_size=25,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(STEPS)
def test_any_interleaving_commits_each_held_sale_at_most_once(
    steps: list[tuple[str, str, int]],
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "pos.db"
        first = _lane(path, "L1")
        store = build_store(first)
        world = _World(
            {
                "L1": _Lane(first, store.cashier),
                "L2": _Lane(_lane(path, "L2"), store.supervisor),
                "L3": _Lane(_lane(path, "L3"), store.cashier),
            }
        )
        try:
            for lane_id, action, pick in steps:
                _step(world, world.lanes[lane_id], lane_id, action, pick)
            assert all(len(lanes) == 1 for lanes in world.committed.values()), world.committed
            journal = first.journal
            assert journal.verify() == (sum(len(v) for v in world.committed.values()), None)
            # A held sale is on one lane at a time: the one whose cart has it, if any.
            for lane_id, lane in world.lanes.items():
                if lane.recalled is not None:
                    row = first.open_sales.get(lane.recalled)
                    assert row is not None and row.lane_id == lane_id
        finally:
            for lane in world.lanes.values():
                lane.backend.close()


def _step(world: _World, lane: _Lane, lane_id: str, action: str, pick: int) -> None:
    co = lane.checkout
    if action == "hold" and co is None:
        co = Checkout(lane.backend, lane.employee)
        co.add_item("APPLE", str(pick + 1))
        world.held.append(co.suspend(f"{lane_id}-{pick}"))
    elif action == "hold" and co is not None:
        # Held again, here: the same open sale, now this lane's to hold, anyone's to recall.
        assert co.suspend() == lane.recalled
        lane.checkout, lane.recalled = None, None
    elif action == "recall" and co is None and world.held:
        wanted = world.held[pick % len(world.held)]
        row = lane.backend.open_sales.get(wanted)
        try:
            lane.checkout = Checkout.resume(lane.backend, lane.employee, wanted)
        except CheckoutError as exc:
            if row is None or (row.status == "in_progress" and row.lane_id != lane_id):
                # Told which lane has it (or that it is gone), never given it.
                assert (row is None and exc.code == NO_LONGER_OPEN) or (
                    exc.code == ON_ANOTHER_LANE and f"lane {row.lane_id}" in exc.message  # type: ignore[union-attr]
                ), exc.message
                return
            raise
        assert row is not None and (row.status == "suspended" or row.lane_id == lane_id)
        lane.recalled = wanted
    elif action == "commit" and co is not None and co.cart.lines:
        co.add_cash(str(co.remaining()))
        sale = co.commit().sale
        assert sale.lane_id == lane_id
        if lane.recalled is not None:
            world.committed.setdefault(lane.recalled, []).append(lane_id)
        lane.checkout, lane.recalled = None, None
    elif action == "void" and co is not None:
        co.cancel()
        lane.checkout, lane.recalled = None, None
