"""Head office verifies each lane's hash chain as it arrives, with the lane's own journal code:
an intact chain's head equals the lane's last seal, a sale changed after it was sealed or an
event lost on the way is reported and flagged."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable

from click.testing import CliRunner

from pos_tui.services.checkout.sale import Checkout
from pos_tui.storage.db import write
from tests.catalog import Store, build_store
from tests.helpers import cli_runner_invoke
from tests.sync.headoffice import HeadOffice, Lane


def sell(lane: Lane, store: Store, n: int = 1) -> None:
    for _ in range(n):
        co = Checkout(lane.backend, store.cashier)
        co.attach_customer(store.anna)
        co.add_item("APPLE")
        co.add_cash("200")
        co.commit()


def last_seal(lane: Lane) -> tuple[int, str]:
    row = lane.backend.db.execute(
        "SELECT sale_number, hash FROM sales WHERE lane_id = ? ORDER BY sale_number DESC LIMIT 1",
        [lane.origin],
    ).fetchone()
    return int(row[0]), str(row[1])


def test_each_lanes_chain_verifies_at_head_office_and_its_head_matches(
    make_lane: Callable[..., Lane], hq: HeadOffice
) -> None:
    a = make_lane("A1")
    store = build_store(a.backend)
    sell(a, store, 3)
    a.sync()
    done = cli_runner_invoke(CliRunner(), ["hq", "verify", "--url", hq.url])
    assert done.exit_code == 0, done.output
    number, seal = last_seal(a)
    assert f"lane A1 (A1): intact to sale {number} · {seal[:16]}" in done.output
    assert hq.one("SELECT hash FROM hq.chain_heads WHERE lane_id = 'A1'") == seal
    # Incremental: the next run checks only what arrived since.
    sell(a, store)
    a.sync()
    again = cli_runner_invoke(CliRunner(), ["hq", "verify", "--url", hq.url])
    assert f"intact to sale {number + 1}" in again.output


def _tamper(lane: Lane, sale_number: int) -> None:
    """What a fraud would do to a committed sale: drop the guard, lower the total."""
    db = lane.backend.db
    with write(db):
        db.execute("DROP TRIGGER sales_no_update")
        db.execute(
            "UPDATE sales SET total = '1.00' WHERE lane_id = ? AND sale_number = ?",
            [lane.origin, sale_number],
        )


def test_a_sale_changed_after_its_seal_is_reported_and_flagged(
    make_lane: Callable[..., Lane], hq: HeadOffice
) -> None:
    a = make_lane("A1")
    store = build_store(a.backend)
    sell(a, store, 3)
    _tamper(a, 2)
    a.sync()
    done = cli_runner_invoke(CliRunner(), ["hq", "verify", "--url", hq.url])
    assert done.exit_code == 1
    assert "chain BROKEN: lane A1 (A1) sale 2: contents changed after commit" in done.output
    flags = hq.all("SELECT detail->>'sale_number', detail->>'reason' FROM hq.flags")
    assert flags == [("2", "contents changed after commit")]
    # Reported once, however often it is checked.
    cli_runner_invoke(CliRunner(), ["hq", "verify", "--url", hq.url])
    assert hq.one("SELECT count(*) FROM hq.flags") == 1


def test_an_event_lost_on_the_way_breaks_the_link_on_arrival(
    make_lane: Callable[..., Lane], hq: HeadOffice
) -> None:
    a = make_lane("A1")
    store = build_store(a.backend)
    sell(a, store, 3)
    db = a.backend.db
    with write(db):  # the outbox row of sale 2 lost (what must never happen)
        db.execute(
            "UPDATE sync_outbox SET sent_at = 'lost' WHERE kind = 'sale' AND ref = "
            "(SELECT id FROM sales WHERE sale_number = 2)"
        )
    a.sync()
    kinds = sorted(r[0] for r in hq.all("SELECT kind FROM hq.flags"))
    assert kinds == ["chain_break", "event_gap"]
    assert hq.one("SELECT reason FROM hq.chain_breaks") == "previous sale 2 is missing"
    assert hq.one("SELECT linked FROM hq.sales WHERE sale_number = 3") is False


def test_verify_follow_checks_every_push_as_it_arrives(
    make_lane: Callable[..., Lane], hq: HeadOffice
) -> None:
    a = make_lane("A1")
    store = build_store(a.backend)
    sell(a, store)
    a.sync()
    proc = subprocess.Popen(
        [sys.executable, "-m", "pos_tui", "hq", "verify", "--follow", "--url", hq.url],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert proc.stdout is not None
        seen: list[str] = []

        def until(text: str) -> None:
            for line in proc.stdout:  # type: ignore[union-attr]
                seen.append(line)
                if text in line:
                    return
            raise AssertionError(f"{text!r} never came: {seen}")

        until("intact to sale 1")
        sell(a, store)
        a.sync()
        until(f"intact to sale 2 · {last_seal(a)[1][:16]}")
    finally:
        proc.terminate()
        proc.wait(10)
