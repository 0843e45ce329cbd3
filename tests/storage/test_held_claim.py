"""A held sale recalled by several lane processes at once: exactly one gets it, once."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pos_tui.services.checkout.sale import Checkout
from pos_tui.services.runtime.backend import Backend
from pos_tui.storage.db import connect
from pos_tui.storage.lane_state import OpenSaleRepository, OpenSaleTaken
from tests.catalog import Store, build_store
from tests.helpers import lane_backend

RECALLER = r"""
import json, sys
from pos_tui.config import load_settings
from pos_tui.services.checkout.sale import Checkout, CheckoutError
from pos_tui.services.runtime.backend import open_backend
from pos_tui.services.staff.auth import AuthService
lane, path, ids = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
b = open_backend(load_settings(database={"path": path}, lane={"id": lane}))
who = AuthService(b).sign_in("101", "1234")
from tests.catalog import open_shift
open_shift(b, who)
print("ready", flush=True)
sys.stdin.readline()  # every lane starts at once
for open_id in ids:
    try:
        co = Checkout.resume(b, who, open_id)
    except CheckoutError as exc:
        print(json.dumps({"id": open_id, "lost": exc.message}), flush=True)
        continue
    co.add_cash(str(co.remaining()))
    sale = co.commit().sale
    print(json.dumps({"id": open_id, "won": sale.id, "lane": sale.lane_id}), flush=True)
"""


@pytest.fixture
def store(backend: Backend) -> Store:
    return build_store(backend)


def test_three_lane_processes_race_for_every_held_sale(
    backend: Backend, store: Store, db_path: Path
) -> None:
    held = []
    for n in range(30):
        co = Checkout(backend, store.cashier)
        co.add_item("APPLE", str(n % 3 + 1))
        held.append(co.suspend(f"held {n}"))
    lanes = ("L2", "L3", "L4")
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", RECALLER, lane, str(db_path), json.dumps(held)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for lane in lanes
    ]
    for p in procs:
        assert p.stdout is not None and p.stdout.readline().strip() == "ready"
    for p in procs:
        assert p.stdin is not None
        p.stdin.write("go\n")
        p.stdin.flush()
    outputs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], [err for _, err in outputs]
    results = {
        lane: [json.loads(line) for line in out.splitlines()]
        for lane, (out, _) in zip(lanes, outputs, strict=True)
    }
    winners: dict[int, list[str]] = {}
    for lane, rows in results.items():
        assert [r["id"] for r in rows] == held, "every lane tried every held sale"
        for r in rows:
            if "won" in r:
                assert r["lane"] == lane, "the sale is committed on the lane that recalled it"
                winners.setdefault(r["id"], []).append(lane)
    assert {i: len(w) for i, w in winners.items()} == {i: 1 for i in held}, "one winner each"
    for rows in results.values():
        for r in rows:
            if "lost" in r:
                # Told which lane has it (or, when the winner finished first, that it is gone).
                holder = winners[r["id"]][0]
                assert (
                    f"already open on lane {holder} (Cass Cashier)" in r["lost"]
                    or "no longer open" in r["lost"]
                ), r["lost"]
    sales = backend.db.execute("SELECT lane_id, count(*) FROM sales GROUP BY lane_id").fetchall()
    assert sum(n for _, n in sales) == 30, "each held sale committed exactly once"
    assert dict(sales) == {
        lane: sum(1 for w in winners.values() if w == [lane])
        for lane in {w[0] for w in winners.values()}
    }
    assert backend.open_sales.suspended() == []
    assert backend.db.execute("SELECT count(*) FROM open_sales").fetchone()[0] == 0
    assert backend.journal.verify() == (30, None)


def test_claim_on_two_connections_one_wins_and_the_other_is_told(
    backend: Backend, store: Store, db_path: Path
) -> None:
    co = Checkout(backend, store.cashier)
    co.add_item("APPLE")
    held = co.suspend("blue jacket")
    lane2 = OpenSaleRepository(connect(db_path))
    lane3 = OpenSaleRepository(connect(db_path))
    row = lane2.claim(held, lane_id="L2", employee_id=store.supervisor.id, at="t")
    assert (row.lane_id, row.status, row.employee_id) == (
        "L2",
        "in_progress",
        store.supervisor.id,
    )
    with pytest.raises(OpenSaleTaken) as lost:
        lane3.claim(held, lane_id="L3", employee_id=store.cashier.id, at="t")
    holder = lost.value.holder
    assert (holder.lane_id, holder.status, holder.employee_name) == (
        "L2",
        "in_progress",
        "Sue Supervisor",
    )
    # It no longer stays recorded under the lane that held it.
    assert backend.open_sales.for_lane("L1", "suspended") == []
    assert [r.id for r in backend.open_sales.for_lane("L2", "in_progress")] == [held]
    # Nor can the other lanes write to it or remove it.
    with pytest.raises(OpenSaleTaken):
        lane3.save(
            open_sale_id=held,
            lane_id="L3",
            employee_id=None,
            status="in_progress",
            state={},
            at="t",
        )
    with pytest.raises(OpenSaleTaken):
        lane3.release(held, "L3")
    lane2.release(held, "L2")
    with pytest.raises(LookupError):
        lane3.claim(held, lane_id="L3", employee_id=None, at="t")


def test_two_checkouts_on_one_open_sale_commit_it_once(
    backend: Backend, store: Store, db_path: Path
) -> None:
    """The second guard: even two carts of one open sale (the old double recall) commit once."""
    from pos_tui.services.checkout.cart import Cart
    from pos_tui.services.checkout.errors import CheckoutError

    co = Checkout(backend, store.cashier)
    co.add_item("APPLE")
    held = co.suspend()
    first = Checkout.resume(backend, store.cashier, held)
    row = backend.open_sales.get(held)
    assert row is not None
    stale = Checkout(
        backend,
        store.cashier,
        cart=Cart.from_json(json.loads(row.state)),
        open_sale_id=held,
    )
    # Both tendered (the same lane: each save is this lane's), then both commit.
    stale.add_cash("105")
    first.add_cash("105")
    first.commit()
    with pytest.raises(CheckoutError, match="no longer open"):
        stale.commit()
    assert backend.db.execute("SELECT count(*) FROM sales").fetchone()[0] == 1
    # The refused commit left nothing behind: no second receipt, the stale cart kept as it was.
    assert backend.db.execute("SELECT count(*) FROM print_jobs").fetchone()[0] == 1
    assert len(stale.cart.lines) == 1 and stale.cart.tenders
    assert backend.journal.verify() == (1, None)
    other = lane_backend(db_path, "L2")
    try:
        assert other.journal.verify() == (1, None)
    finally:
        other.close()
