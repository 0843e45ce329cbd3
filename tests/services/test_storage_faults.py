"""A full disk (a real one: a small tmpfs) and a lock held past the busy timeout are said in the
cashier's words, keep the sale as last saved, and the same change works once the fault is gone;
starting on a full disk is one line and exit code 2, never a traceback."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from pos_tui.config import Settings, load_settings
from pos_tui.services.checkout.sale import Checkout, CheckoutError
from pos_tui.services.runtime.backend import Backend
from pos_tui.storage.db import connect, write
from pos_tui.storage.errors import fault_of
from tests.catalog import Store, build_store
from tests.small_disk import SmallDisk

DISK_FULL = "disk full: the sale is kept, free space and press Enter"
BUSY = "database busy: the sale is kept, wait for the other lane and press Enter"
POS_TUI = str(Path(sys.executable).parent / "pos-tui")


@pytest.fixture
def disk(tmp_path: Path) -> Iterator[SmallDisk]:
    with SmallDisk(tmp_path / "small") as small:
        # CI runs as root: there the disk is a real tmpfs, never the emulation.
        assert small.real or os.geteuid() != 0
        yield small


@pytest.fixture
def settings(disk: SmallDisk) -> Settings:
    return load_settings(database={"path": str(disk.path / "pos.db"), "busy_timeout_ms": 50})


@pytest.fixture
def store(backend: Backend) -> Store:
    return build_store(backend)


def _saved_lines(backend: Backend, co: Checkout) -> list[int]:
    assert co.open_sale_id is not None
    row = backend.open_sales.get(co.open_sale_id)
    assert row is not None
    return [line["item_id"] for line in json.loads(row.state)["lines"]]


def test_a_full_disk_keeps_the_sale_and_the_same_change_works_after(
    backend: Backend, store: Store, disk: SmallDisk
) -> None:
    co = Checkout(backend, store.cashier)
    co.add_item("APPLE")
    co.add_cash("105")
    disk.fill(backend.db)
    for change in (lambda: co.add_item("BAG"), co.commit):
        with pytest.raises(CheckoutError) as info:
            change()
        assert info.value.message == DISK_FULL
        assert info.value.code == "STORAGE_FULL" and info.value.retry
        assert [line.sku for line in co.quote().lines] == ["APPLE"]
        assert _saved_lines(backend, co) == [co.cart.lines[0].item_id]
    assert backend.journal.last("L1") is None
    disk.free()
    done = co.commit()  # the very call that failed, as it was
    lines = backend.journal.children(done.sale.id).lines
    assert [line.sku for line in lines] == ["APPLE"] and done.change == 0
    assert backend.journal.verify() == (1, None)
    assert backend.open_sales.for_lane("L1", "in_progress") == []


def test_a_lock_held_past_the_busy_timeout_is_said_and_retried(
    backend: Backend, store: Store, settings: Settings
) -> None:
    co = Checkout(backend, store.cashier)
    co.add_item("APPLE")
    other = connect(settings.database_path())
    with write(other), pytest.raises(CheckoutError) as info:
        co.add_item("BAG")
    assert info.value.message == BUSY and info.value.retry
    assert [line.sku for line in co.quote().lines] == ["APPLE"]
    co.add_item("BAG")
    assert [line.sku for line in co.quote().lines] == ["APPLE", "BAG"]
    other.conn.close()


def test_a_read_only_database_is_a_fault_with_its_words(tmp_path: Path) -> None:
    path = tmp_path / "ro.db"
    connect(path).conn.close()
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    with pytest.raises(sqlite3.OperationalError) as info:
        conn.execute("CREATE TABLE t (x)")
    conn.close()
    fault = fault_of(info.value, path=str(path))
    assert fault is not None and fault.kind == "read_only"
    assert fault.at_sale == (
        "database read-only: the sale is kept, let pos-tui write the file and its folder, "
        "then press Enter"
    )
    assert fault_of(sqlite3.IntegrityError("UNIQUE constraint failed")) is None


def _pos_tui(*args: str, data: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TERM": "dumb"}
    if data is not None:  # the lane's log on the full disk as well
        env["POS_TUI_DATA_DIR"] = str(data)
    return subprocess.run(
        [POS_TUI, *args],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


def test_starting_on_a_full_disk_is_one_line_and_exit_2(disk: SmallDisk) -> None:
    if not disk.real:
        pytest.skip("starting on a full disk needs a real small file system (root mounts tmpfs)")
    path = disk.path / "store.db"
    made = _pos_tui("--db", str(path), "init", "--manager-number", "1", "--manager-pin", "2468")
    assert made.returncode == 0, made.stderr
    assert not (disk.path / "store.db-shm").exists()  # the last connection closed cleanly
    disk.fill()
    expected = f"Error: disk full ({path}): free space and run it again\n"
    for args in ([], ["journal", "verify"], ["employees", "list"]):
        started = _pos_tui("--db", str(path), *args, data=disk.path / "data")
        assert started.returncode == 2, started.stderr
        assert started.stderr == expected
        assert "Traceback" not in started.stdout + started.stderr
    disk.free()
    listed = _pos_tui("--db", str(path), "employees", "list")
    assert listed.returncode == 0 and "manager" in listed.stdout
