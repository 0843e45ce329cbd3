"""Part ``disk``: a lane on a real small tmpfs that fills up, a lock held past the busy timeout,
and ``pos-tui`` started on the full disk.

Each round rings up a sale, fills the disk, and tries a scan, a cash tender and the commit:
each must be refused in the lane's words with the sale kept as it was last saved; then the
disk is freed and the very changes that failed are made again and the sale commits. Then
another connection holds the write lock past the lane's busy timeout: refused in words, and
done once it is released. Last, ``pos-tui`` is started on the full disk: one line, exit 2.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from pos_tui.services.checkout.sale import Checkout, CheckoutError, Committed
from pos_tui.services.runtime.backend import Backend
from pos_tui.services.staff.auth import AuthService
from pos_tui.storage.db import connect, write
from pos_tui.storage.errors import StorageFault
from reliability.checks import check_store
from reliability.figures import PartResult
from reliability.procs import child_env
from reliability.store import CASHIER, build_store, facts, open_lane
from tests.small_disk import SmallDisk

FULL = StorageFault("full", "").at_sale
BUSY = StorageFault("locked", "").at_sale


def run(scratch: Path, sizes: dict[str, Any], seed: int) -> PartResult:
    result = PartResult("disk")
    started = time.monotonic()
    with SmallDisk(scratch / "small", size_kib=sizes["disk_kib"]) as disk:
        result.details["file_system"] = "tmpfs" if disk.real else "emulated (max_page_count)"
        db = disk.path / "store.db"
        build_store(db, customers=20, seed=seed)
        committed: list[dict[str, Any]] = []
        backend = open_lane(db, "D1", busy_timeout_ms=200)
        try:
            _rounds(backend, disk, sizes["rounds"], committed, result)
            _lock(backend, db, committed, result)
        finally:
            backend.close()
        if disk.real:
            _start_on_full_disk(disk, db, scratch, result)
        else:
            result.details["start_on_full_disk"] = "not run: mounting a tmpfs needs root"
        result.add_findings(check_store(db, committed))
    result.sales = len(committed)
    result.seconds = time.monotonic() - started
    return result


def _logged(committed: list[dict[str, Any]], done: Committed) -> None:
    sale = done.sale
    committed.append(
        {"lane": "D1", "id": sale.id, "number": sale.sale_number,
         "total": str(sale.total)}
    )  # fmt: skip


def _refused(change: Callable[[], object], words: str, result: PartResult, what: str) -> bool:
    """``change`` must be refused with ``words`` and offered again (Enter)."""
    try:
        change()
    except CheckoutError as exc:
        if exc.message != words or not exc.retry:
            result.problem(f"{what}: said {exc.message!r} (retry {exc.retry})")
            return False
        return True
    except Exception as exc:
        result.crashes += 1
        result.problem(f"{what}: {exc!r} instead of the lane's words")
        return False
    result.problem(f"{what}: done on a full disk or a held lock")
    return False


def _same_as_saved(backend: Backend, co: Checkout, result: PartResult, what: str) -> None:
    """The sale as the lane keeps it is the sale the database holds."""
    row = backend.open_sales.get(co.open_sale_id) if co.open_sale_id else None
    saved = json.loads(row.state) if row else None
    if saved != co.cart.to_json():
        result.partial += 1
        result.problem(f"{what}: the sale in memory is not the one saved")


def _rounds(
    backend: Backend,
    disk: SmallDisk,
    rounds: int,
    committed: list[dict[str, Any]],
    result: PartResult,
) -> None:
    employee = AuthService(backend).sign_in(*CASHIER)
    skus = facts(backend).skus
    said = 0
    for n in range(rounds):
        co = Checkout(backend, employee)
        co.add_item(skus[n % len(skus)])
        co.add_item(skus[(n + 1) % len(skus)])
        co.add_cash(co.still_due())  # paid: what is left is to scan one more and commit
        disk.fill(backend.db)
        more = skus[(n + 7) % len(skus)]
        for what, change in (
            ("scan", partial(co.add_item, more)),
            ("cash", partial(co.add_cash, "5")),
            ("commit", co.commit),
        ):
            said += _refused(change, FULL, result, f"round {n} {what}")
            _same_as_saved(backend, co, result, f"round {n} {what}")
        disk.free()
        # Enter: the very changes that failed, as they were.
        co.add_item(more)
        co.add_cash("5")
        co.add_cash(co.still_due())
        _logged(committed, co.commit())
    result.details["full_disk_said"] = said


def _lock(backend: Backend, db: Path, committed: list[dict[str, Any]], result: PartResult) -> None:
    employee = AuthService(backend).sign_in(*CASHIER)
    skus = facts(backend).skus
    co = Checkout(backend, employee)
    co.add_item(skus[0])
    other = connect(db)
    try:
        with write(other):  # another lane, past the lane's 200 ms busy timeout
            held = _refused(lambda: co.add_item(skus[1]), BUSY, result, "lock: scan")
        co.add_item(skus[1])
        co.add_cash(co.still_due())
        _logged(committed, co.commit())
    finally:
        other.conn.close()
    result.details["busy_said"] = int(held)


def _start_on_full_disk(disk: SmallDisk, db: Path, scratch: Path, result: PartResult) -> None:
    """``pos-tui`` on the full disk: one line naming the file, exit code 2, no traceback."""
    exe = str(Path(sys.executable).parent / "pos-tui")
    env = {**child_env(scratch), "TERM": "dumb"}
    disk.fill()
    try:
        for args in ([], ["journal", "verify"]):
            done = subprocess.run(
                [exe, "--db", str(db), *args],
                stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120, env=env,
            )  # fmt: skip
            said = done.stderr.strip()
            if done.returncode != 2 or "Traceback" in done.stderr or said.count("\n"):
                result.crashes += 1
                result.problem(f"pos-tui {' '.join(args) or 'run'} on a full disk: "
                               f"{done.returncode} {said[-300:]!r}")  # fmt: skip
            result.details["start_on_full_disk"] = f"exit {done.returncode}: {said}"
    finally:
        disk.free()
    done = subprocess.run(
        [exe, "--db", str(db), "journal", "verify"],
        stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120, env=env,
    )  # fmt: skip
    if done.returncode != 0:
        result.problem(f"journal verify after freeing the disk: {done.stdout}{done.stderr}")
