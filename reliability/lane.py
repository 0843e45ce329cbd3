"""One lane process of the harness: the real checkout services selling on a shared database.

    python -m reliability.lane --db DB --lane K1 --committed K1.log --events K1.events \\
        --mode sales|redeem|recover|probe [--customers 3,9] [--count N] [--start FILE]

It signs in as the demo cashier, first resumes and completes every sale this lane left open (a
kill mid-sale), prints ``ready``, then sells until killed (or ``--count`` sales). After each
commit returns it appends the sale to ``--committed`` and fsyncs it: what the lane was told is
committed, which the checks then look for. Refusals, storage faults and crashes go to
``--events`` (one JSON object a line, written with one ``os.write`` so a kill never halves it).

``probe``: no sales; write one small row at a time as a lane would, timing each wait for the
write lock, until ``--start`` appears; then print the longest wait.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
import traceback
from collections.abc import Callable
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any

from pos_tui.services.checkout.sale import Checkout, CheckoutError, Committed
from pos_tui.services.runtime.backend import Backend
from pos_tui.services.staff.auth import AuthService, Employee
from pos_tui.storage.db import write
from pos_tui.storage.errors import StorageFault
from reliability.store import CASHIER, facts, open_lane

ZERO = Decimal(0)


class Log:
    """An append-only file of JSON lines, each written whole and (``sync``) fsynced."""

    def __init__(self, path: Path, *, sync: bool) -> None:
        self.fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        self.sync = sync

    def add(self, **record: Any) -> None:
        os.write(self.fd, (json.dumps(record, default=str) + "\n").encode())
        if self.sync:
            os.fsync(self.fd)


def read_log(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


class Lane:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.b: Backend = open_lane(Path(args.db), args.lane)
        self.rng = random.Random(args.seed)
        self.committed = Log(Path(args.committed), sync=True)
        self.events = Log(Path(args.events), sync=False)
        self.employee: Employee = AuthService(self.b).sign_in(*CASHIER)
        known = facts(self.b)
        self.skus = known.skus
        # Redeeming lanes share the few customers given; selling lanes pick from them all.
        self.customers = (
            [int(c) for c in args.customers.split(",")] if args.customers else known.customers
        )

    # -- what happened --------------------------------------------------------------------------
    def done(self, committed: Committed, *, resumed: bool = False) -> None:
        sale = committed.sale
        self.committed.add(
            lane=self.args.lane,
            id=sale.id,
            number=sale.sale_number,
            total=str(sale.total),
            points_used=str(sale.points_used),
            customer=sale.customer_id,
            resumed=resumed,
        )

    def refused(self, exc: CheckoutError, where: str) -> None:
        if exc.code.startswith("STORAGE_"):
            self.events.add(event="fault", code=exc.code, message=exc.message, where=where)
        else:
            self.events.add(event="refused", code=exc.code, where=where)

    def attempt(self, where: str, change: Callable[[], object]) -> bool:
        try:
            change()
            return True
        except CheckoutError as exc:
            self.refused(exc, where)
            return False

    # -- sales left open by a kill --------------------------------------------------------------
    def resume_left(self) -> None:
        for row in Checkout(self.b, self.employee).in_progress():
            co = Checkout.resume(self.b, self.employee, row.id)
            if not co.cart.lines:
                co.cancel()
                continue
            self.events.add(event="resumed", open_sale_id=row.id)
            self.finish(co, resumed=True)

    def finish(self, co: Checkout, *, resumed: bool = False) -> None:
        """Pay what is still due in cash and commit; a refusal at the commit (the points
        balance moved: another lane redeemed) pays in cash instead, else voids the sale."""
        for attempt in range(2):
            due = co.still_due()
            if due > 0 and not self.attempt("cash", partial(co.add_cash, due)):
                break
            try:
                self.done(co.commit(), resumed=resumed)
                return
            except CheckoutError as exc:
                self.refused(exc, "commit")
                if attempt == 0 and exc.code == "REDEMPTION_CHANGED":
                    points = [i for i, t in enumerate(co.cart.tenders) if t.kind == "points"]
                    for index in reversed(points):
                        self.attempt("remove", partial(co.remove_tender, index))
                    continue
                break
        self.attempt("void", co.cancel)

    # -- selling --------------------------------------------------------------------------------
    def sale(self) -> None:
        rng, co = self.rng, Checkout(self.b, self.employee)
        for _ in range(rng.randint(1, 4)):
            sku, qty = rng.choice(self.skus), str(rng.choice([1, 1, 1, 2, 3]))
            self.attempt("add", partial(co.add_item, sku, qty))
        if len(co.cart.lines) > 1 and rng.random() < 0.2:
            line = rng.choice(co.cart.lines).line_no
            self.attempt("void_line", lambda: co.void_line(line))
        if not co.cart.lines:
            return
        if rng.random() < 0.5:
            cid = rng.choice(self.customers)
            if self.attempt("attach", lambda: co.attach_customer(cid)) and rng.random() < 0.3:
                self.attempt("points", lambda: co.add_points(rng.choice(["2", "4", "10"])))
        if rng.random() < 0.3:  # over-tender: change comes out of the cash
            over = (co.still_due() + rng.randint(1, 50)).quantize(Decimal("0.01"))
            self.attempt("cash", lambda: co.add_cash(over))
        self.finish(co)

    def redeem(self) -> None:
        """A small sale by one of the few shared customers, paid with every point usable."""
        co = Checkout(self.b, self.employee)
        if not self.attempt("add", lambda: co.add_item(self.rng.choice(self.skus))):
            return
        cid = self.rng.choice(self.customers)
        if not self.attempt("attach", lambda: co.attach_customer(cid)):
            self.attempt("void", co.cancel)
            return
        points, _value = co.usable_points()
        if points > 0:
            self.attempt("points", lambda: co.add_points(points))
        self.finish(co)

    def run(self) -> None:
        self.resume_left()
        if self.args.mode == "recover":
            return
        print("ready", flush=True)
        if self.args.start:
            while not Path(self.args.start).exists():
                time.sleep(0.005)
        sold = 0
        while not self.args.count or sold < self.args.count:
            if self.args.mode == "redeem":
                self.redeem()
            else:
                self.sale()
            sold += 1


def probe(args: argparse.Namespace) -> None:
    """Write like a lane (one audit row a time) until ``--start`` exists; print the waits."""
    backend = open_lane(Path(args.db), args.lane)
    longest, writes, faults = 0.0, 0, 0
    print("ready", flush=True)
    while not Path(args.start).exists():
        began = time.perf_counter()
        try:
            with write(backend.db):
                waited = time.perf_counter() - began
                backend.store.audit(
                    at=backend.timestamp(), entity="probe", entity_id=None, action="write",
                    changes={}, lane_id=args.lane,
                )  # fmt: skip
            longest = max(longest, waited)
            writes += 1
        except StorageFault:
            faults += 1
        time.sleep(0.002)
    print(json.dumps({"longest_wait_s": longest, "writes": writes, "faults": faults}), flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m reliability.lane")
    parser.add_argument("--db", required=True)
    parser.add_argument("--lane", required=True)
    parser.add_argument("--committed", default=os.devnull)
    parser.add_argument("--events", default=os.devnull)
    parser.add_argument("--mode", choices=["sales", "redeem", "recover", "probe"], default="sales")
    parser.add_argument("--customers", default="")
    parser.add_argument("--count", type=int, default=0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--start", default="")
    args = parser.parse_args(argv)
    if args.mode == "probe":
        probe(args)
        return
    lane = None
    try:
        lane = Lane(args)
        lane.run()
    except Exception as exc:  # anything but a refusal is a crash: the checks count it
        if lane is not None:
            lane.events.add(event="crash", error=repr(exc), traceback=traceback.format_exc())
        traceback.print_exc()
        sys.exit(3)


if __name__ == "__main__":
    main()
