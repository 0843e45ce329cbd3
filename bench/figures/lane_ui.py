"""The lane figures: scan to screen under Pilot, terminal bytes in a real pty (and the pty the
cold start uses, bench/figures/coldstart.py).

Every one runs on a copy of the demo store (the ``scripts/dev run`` size) so that sign-ins,
open sales and committed sales never touch the cached database.
"""

from __future__ import annotations

import asyncio
import fcntl
import os
import re
import select
import shutil
import signal
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path
from typing import Any

from bench.context import Context
from bench.core import Figure, summarize
from bench.data import CACHE, NOW, demo_database, open_backend

DEMO_CUSTOMERS = 5000
COLS, ROWS = 80, 24
CASHIER = ("101", "1234")
FLOORS = Path(__file__).resolve().parent / "floors"


def _demo_copy(ctx: Context, name: str) -> Path:
    source, _ = demo_database(DEMO_CUSTOMERS, log=ctx.log)
    target = ctx.tmp("lane") / f"{name}.db"
    for suffix in ("", "-wal", "-shm"):
        Path(str(target) + suffix).unlink(missing_ok=True)
    shutil.copyfile(source, target)
    return target


def _barcodes(path: Path, count: int) -> list[str]:
    import sqlite3

    conn = sqlite3.connect(str(path))
    rows = conn.execute(
        "SELECT barcode FROM items WHERE active = 1 AND barcode IS NOT NULL ORDER BY id LIMIT ?",
        [count],
    ).fetchall()
    conn.close()
    return [r[0] for r in rows]


# -- scan to screen ----------------------------------------------------------------------------


async def _until(pilot: Any, condition: Any, timeout: float = 30.0) -> None:
    deadline = time.perf_counter() + timeout
    while not condition():
        if time.perf_counter() > deadline:
            raise TimeoutError("the screen did not show the change in time")
        await pilot.pause()


async def _ours_session(db: Path, cart_lines: int, codes: list[str], scans: int) -> list[float]:
    """Our checkout with a cart of ``cart_lines`` lines: scan, wait for the new row shown."""
    from textual.widgets import Input

    from pos_tui.app import create_app
    from pos_tui.screens.checkout import CheckoutScreen
    from pos_tui.services.checkout.cart import Cart, CartLine
    from pos_tui.services.checkout.sale import Checkout
    from pos_tui.widgets.cart_table import CartTable

    backend = open_backend(db)
    item_ids: list[int] = []
    for code in codes:
        row = backend.db.execute("SELECT id FROM items WHERE barcode = ?", [code]).fetchone()
        item_ids.append(int(row[0]))
    app = create_app(backend.settings, backend=backend, now=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press(*CASHIER[0], "enter", *CASHIER[1], "enter")
        await _until(pilot, lambda: isinstance(app.screen, CheckoutScreen))
        screen = app.screen
        assert isinstance(screen, CheckoutScreen)
        await app.workers.wait_for_complete()
        cart = Cart(
            lines=[
                CartLine(line_no=n + 1, item_id=item_ids[n % len(item_ids)], quantity="1")
                for n in range(cart_lines)
            ],
            next_line_no=cart_lines + 1,
        )
        screen.co = Checkout(backend, screen.co.employee, cart=cart)
        await screen.refresh_sale()
        table = screen.query_one(CartTable)
        entry = screen.query_one("#entry", Input)
        await _until(pilot, lambda: table.row_count == cart_lines)
        times = await _time_scans(pilot, table, entry, codes, scans)
    return times


async def _time_scans(
    pilot: Any, table: Any, entry: Any, codes: list[str], scans: int
) -> list[float]:
    """Milliseconds from Enter on each code to its row in the table (same for ours and floor)."""
    times: list[float] = []
    for k in range(scans):
        entry.value = codes[k % len(codes)]
        expected = table.row_count + 1
        await pilot.pause()
        started = time.perf_counter()
        await pilot.press("enter")
        await _until(pilot, lambda expected=expected: table.row_count == expected)
        await pilot.pause()
        times.append((time.perf_counter() - started) * 1000)
    return times


async def _floor_session(cart_lines: int, codes: list[str], scans: int) -> list[float]:
    """A bare Textual app: an Input and a DataTable of ``cart_lines`` rows; Enter adds a row."""
    from textual.app import App, ComposeResult
    from textual.widgets import DataTable, Input

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield Input(id="entry")
            yield DataTable(id="cart", cursor_type="row")

        def on_mount(self) -> None:
            table = self.query_one(DataTable)
            table.add_columns("#", "Item", "Qty", "Price", "Disc", "Total")
            for n in range(cart_lines):
                table.add_row(str(n + 1), f"Item {n}", "1", "10.00", "", "10.00")
            self.query_one(Input).focus()

        def on_input_submitted(self, event: Input.Submitted) -> None:
            table = self.query_one(DataTable)
            n = table.row_count + 1
            table.add_row(str(n), event.value, "1", "10.00", "", "10.00")
            table.move_cursor(row=n - 1)
            event.input.value = ""

    app = Bare()
    async with app.run_test(size=(120, 40)) as pilot:
        table = app.query_one(DataTable)
        entry = app.query_one(Input)
        await _until(pilot, lambda: table.row_count == cart_lines)
        times = await _time_scans(pilot, table, entry, codes, scans)
    return times


def _scan_figure(ctx: Context, cart_lines: int) -> Figure:
    total, per_session = ctx.sizes["scans"], 5
    db = _demo_copy(ctx, "scan")
    codes = _barcodes(db, 20)
    ours: list[float] = []
    floor: list[float] = []
    sessions = max(1, total // per_session)
    warm = ctx.sizes["scan_warmup"]
    for s in range(sessions):
        order = [("ours", ours), ("floor", floor)]
        for side, sink in order if s % 2 == 0 else order[::-1]:
            if side == "ours":
                times = asyncio.run(_ours_session(db, cart_lines, codes, per_session + warm))
            else:
                times = asyncio.run(_floor_session(cart_lines, codes, per_session + warm))
            sink += times[warm:]
        db = _demo_copy(ctx, "scan")
    return Figure(
        name=f"scan_{cart_lines}",
        title=f"scan to screen, {cart_lines}-line cart",
        metric="median",
        unit="ms",
        ours=summarize(ours),
        floor=summarize(floor),
        goal="median <= 1.3x floor",
        max_ratio=1.3,
        sizes={"cart_lines": cart_lines, "scans": len(ours), "sessions": sessions},
        notes=["Pilot at 120x40: Enter on the entry until the new row is in the table"],
    )


def run_scan(ctx: Context) -> list[Figure]:
    """Two rows: a 22-line cart (a full basket, every row on screen) and a 500-line one."""
    return [_scan_figure(ctx, lines) for lines in ctx.sizes["scan_carts"]]


# -- programs in a pseudo-terminal -------------------------------------------------------------

_ANSI = re.compile(
    rb"\x1b\[[0-9;?<>=]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b[=>78]|\x1b\][^\x07]*\x07"
)


class Pty:
    """A program on a pseudo-terminal of COLS x ROWS; everything it writes is kept."""

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(
            argv,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env={**env, "TERM": "xterm-256color", "COLUMNS": str(COLS), "LINES": str(ROWS)},
            start_new_session=True,
            close_fds=True,
        )
        os.close(slave)
        self.fd = master
        self.out = bytearray()

    def read(self, timeout: float) -> int:
        """Read what arrives within ``timeout`` s (returns as soon as the output pauses)."""
        got = 0
        deadline = time.perf_counter() + timeout
        while True:
            left = deadline - time.perf_counter()
            if left <= 0:
                return got
            ready, _, _ = select.select([self.fd], [], [], left)
            if not ready:
                return got
            try:
                chunk = os.read(self.fd, 65536)
            except OSError:
                return got
            if not chunk:
                return got
            self.out += chunk
            got += len(chunk)

    def text(self) -> bytes:
        return _ANSI.sub(b"", bytes(self.out))

    def read_chunk(self, timeout: float) -> int:
        """Read the next chunk, waiting at most ``timeout`` s for it; bytes read."""
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return 0
        try:
            chunk = os.read(self.fd, 65536)
        except OSError:
            return 0
        self.out += chunk
        return len(chunk)

    def wait_for(self, needle: bytes, timeout: float = 60.0) -> float:
        """Seconds since start when ``needle`` shows in the output (escape codes removed).

        The output is looked at after every chunk, so the time is that of the chunk that
        completes the needle (a 50 ms read before each look made every start time a step of
        50 ms: a 200 ms floor read as 202, 251 or 302 ms)."""
        deadline = time.perf_counter() + timeout
        while needle not in self.text():
            if time.perf_counter() > deadline or self.proc.poll() is not None:
                tail = self.text()[-400:]
                raise TimeoutError(f"{needle!r} never appeared; last output: {tail!r}")
            self.read_chunk(0.05)
        return time.perf_counter() - self.started

    def quiet(self, pause: float = 0.3, limit: float = 10.0) -> int:
        """Read until nothing has arrived for ``pause`` s; bytes read."""
        total = 0
        deadline = time.perf_counter() + limit
        while time.perf_counter() < deadline:
            got = self.read(pause)
            total += got
            if not got:
                break
        return total

    def send(self, data: bytes) -> None:
        os.write(self.fd, data)

    def rss_mb(self) -> float:
        with open(f"/proc/{self.proc.pid}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        return float("nan")

    def close(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        os.close(self.fd)


def _program_env() -> dict[str, str]:
    """The environment of both programs in the pseudo-terminal. Bytecode is cached, as for an
    installed program (pip compiles it): with PYTHONDONTWRITEBYTECODE set, as some shells and
    sandboxes do, an editable pos-tui compiled its ~150 modules from source at every start while
    Textual's came precompiled from site-packages. The cache (bench/cache/pycache) holds every
    module of both sides; the first, dropped cold start fills it."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(CACHE / "pycache")
    return env


def _pos_tui() -> list[str]:
    exe = Path(sys.executable).with_name("pos-tui")
    return [str(exe)] if exe.is_file() else [sys.executable, "-m", "pos_tui"]


READY_SIGN_IN = b"Employee number"
READY_CHECKOUT = b"Scan or type barcode"
READY_FLOOR = b"Scan or type barcode"


def _ours_start(db: Path) -> tuple[Pty, float, float]:
    """``pos-tui --db DB``: sign in as the cashier; (pty, s to sign-in, s to usable checkout)."""
    pty = Pty([*_pos_tui(), "--db", str(db)], _program_env())
    to_sign_in = pty.wait_for(READY_SIGN_IN)
    pty.send(CASHIER[0].encode() + b"\r")
    pty.read(0.05)
    pty.send(CASHIER[1].encode() + b"\r")
    to_checkout = pty.wait_for(READY_CHECKOUT)
    return pty, to_sign_in, to_checkout


def _floor_start(script: str) -> tuple[Pty, float]:
    pty = Pty([sys.executable, str(FLOORS / script)], _program_env())
    return pty, pty.wait_for(READY_FLOOR)


# Every key restarts the Input's 0.5 s cursor blink, so a window shorter than that after Enter
# holds the scan's redraw and no blink; what arrives after it (blinks) is read and dropped.
SCAN_WINDOW = 0.45


def _scan_bytes(pty: Pty, codes: list[str], scans: int) -> list[float]:
    """Bytes written to the terminal within ``SCAN_WINDOW`` s of each scan's Enter."""
    pty.read(0.5)  # settle (never "until quiet": the cursor blinks twice a second)
    counts: list[float] = []
    for k in range(scans):
        pty.send(codes[k % len(codes)].encode() + b"\r")
        counts.append(float(pty.read(SCAN_WINDOW)))
        pty.read(0.3)
    return counts


def run_termbytes(ctx: Context) -> list[Figure]:
    scans = ctx.sizes["termbytes_scans"]
    db = _demo_copy(ctx, "termbytes")
    codes = _barcodes(db, 20)
    pty, _, _ = _ours_start(db)
    try:
        ours = _scan_bytes(pty, codes, scans)
    finally:
        pty.close()
    fpty, _ = _floor_start("datatable_app.py")
    try:
        floor = _scan_bytes(fpty, codes, scans)
    finally:
        fpty.close()
    return [
        Figure(
            name="termbytes",
            title=f"terminal bytes per scanned item ({COLS}x{ROWS})",
            metric="median",
            unit="bytes",
            ours=summarize(ours),
            floor=summarize(floor),
            goal="<= 2x floor",
            max_ratio=2.0,
            sizes={"scans": scans, "terminal": f"{COLS}x{ROWS}", "window_s": SCAN_WINDOW},
            extra={"ours_total_bytes": sum(ours), "floor_total_bytes": sum(floor)},
            notes=[
                f"bytes written to the pty within {SCAN_WINDOW} s of Enter (the scan's redraw;"
                " the cursor blink restarts on every key, so none falls in the window)",
            ],
        )
    ]
