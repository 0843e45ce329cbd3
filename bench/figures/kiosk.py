"""The kiosk over SSH: bytes on the wire per scanned item, and scan to screen on slow links.

A real sshd on 127.0.0.1 (tests/hardware/sshd.py) with a TCP relay in front of it that counts
the bytes sent to the client and can delay them (100 ms each way: a 200 ms round trip) or
hold them to a serial line's rate (960 bytes/s: 9600 baud). The client is ``ssh -tt`` in an
80x24 pty, as a thin terminal runs it. Ours is ``pos-tui kiosk``; the floors are the bare
DataTable app over the same link (bytes) and the echo of one key by ``cat`` (latency).
"""

from __future__ import annotations

import itertools
import sqlite3
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bench.context import Context
from bench.core import Figure, summarize
from bench.data import CACHE
from bench.figures.lane_ui import (
    _ANSI,
    CASHIER,
    COLS,
    FLOORS,
    READY_CHECKOUT,
    READY_FLOOR,
    READY_SIGN_IN,
    ROWS,
    SCAN_WINDOW,
    Pty,
    _barcodes,
    _demo_copy,
    _pos_tui,
    _program_env,
)
from tests.hardware.sshd import KioskInstall, LaneAccount, Relay, Sshd, keygen

_rounds = itertools.count()


@dataclass
class Server:
    ctx: Context
    sshd: Sshd
    db: Path
    codes: list[str]
    names: dict[str, str]

    def fresh_db(self) -> None:
        _demo_copy(self.ctx, self.db.stem)

    def session(self, command: str, relay: Relay, *, compression: bool) -> Pty:
        options = ["-o", f"Compression={'yes' if compression else 'no'}"]
        argv = self.sshd.ssh("-tt", *options, port=relay.port, command=command)
        return Pty(argv, _program_env())

    def kiosk(self, relay: Relay, *, compression: bool) -> Pty:
        """``pos-tui kiosk`` signed in as the cashier, at the checkout of a fresh copy of the
        store (the sale a previous session left open would be offered at sign-in)."""
        self.fresh_db()
        pty = self.session(
            f"{_pos_tui()[0]} --db {self.db} kiosk --lane L1", relay, compression=compression
        )
        pty.wait_for(READY_SIGN_IN, timeout=120)
        pty.send(CASHIER[0].encode() + b"\r")
        pty.read(0.05)
        pty.send(CASHIER[1].encode() + b"\r")
        pty.wait_for(READY_CHECKOUT, timeout=120)
        pty.quiet(0.5, limit=60)
        return pty

    def floor(self, relay: Relay, *, compression: bool) -> Pty:
        app = FLOORS / "datatable_app.py"
        pty = self.session(f"{sys.executable} {app}", relay, compression=compression)
        pty.wait_for(READY_FLOOR, timeout=120)
        pty.read(1.0)  # not "until quiet": its cursor blinks twice a second
        return pty


@contextmanager
def _server(ctx: Context) -> Iterator[Server]:
    """sshd as this account, running the command the client asks for; the demo store."""
    root = ctx.tmp(f"kiosk-{next(_rounds)}")
    db = _demo_copy(ctx, "kiosk")
    codes = _barcodes(db, 20)
    conn = sqlite3.connect(str(db))
    names = {
        code: conn.execute("SELECT name FROM items WHERE barcode = ?", [code]).fetchone()[0]
        for code in codes
    }
    conn.close()
    (root / "client").mkdir(mode=0o700)
    key = keygen(root / "client" / "id_ed25519", "bench")
    environment = {
        "POS_TUI_CONFIG_DIR": str(ctx.tmp("config")),
        "POS_TUI_DATA_DIR": str(ctx.tmp("data")),
        "PYTHONPYCACHEPREFIX": str(CACHE / "pycache"),
    }
    sshd = Sshd.start(
        root / "sshd",
        account=LaneAccount.current(),
        install=KioskInstall(Path(_pos_tui()[0]), Path(sys.executable)),
        kiosk_config=None,
        client_key=key,
        environment=environment,
        per_user=[],
    )
    try:
        yield Server(ctx, sshd, db, codes, names)
    finally:
        sshd.stop()


def _wire_bytes(pty: Pty, relay: Relay, codes: list[str], scans: int) -> list[float]:
    """Bytes sent to the client within SCAN_WINDOW s of each scan's Enter."""
    counts: list[float] = []
    for k in range(scans):
        before = relay.downstream_bytes
        pty.send(codes[k % len(codes)].encode() + b"\r")
        pty.read(SCAN_WINDOW)
        counts.append(float(relay.downstream_bytes - before))
        pty.read(0.3)
    return counts


def run_bytes(ctx: Context) -> list[Figure]:
    scans = ctx.sizes["kiosk_scans"]
    results: dict[tuple[str, bool], list[float]] = {}
    with _server(ctx) as server:
        for compression in (False, True):
            for side in ("ours", "floor") if compression else ("floor", "ours"):
                relay = Relay(server.sshd.port).start()
                start = server.kiosk if side == "ours" else server.floor
                pty = start(relay, compression=compression)
                try:
                    results[side, compression] = _wire_bytes(pty, relay, server.codes, scans)
                finally:
                    pty.close()
                    relay.close()
    figures = []
    for compression, title in ((False, ""), (True, ", ssh -C")):
        figures.append(
            Figure(
                name="kiosk_bytes_compressed" if compression else "kiosk_bytes",
                title=f"SSH bytes per scanned item ({COLS}x{ROWS}{title})",
                metric="median",
                unit="bytes",
                ours=summarize(results["ours", compression]),
                floor=summarize(results["floor", compression]),
                goal="<= 2x floor",
                max_ratio=2.0,
                sizes={"scans": scans, "window_s": SCAN_WINDOW, "compression": compression},
                notes=[
                    "bytes sshd sent to the client (encrypted, as on the wire) within"
                    f" {SCAN_WINDOW} s of Enter; ours pos-tui kiosk, floor the bare DataTable"
                    " app, both through the same sshd and relay",
                ],
            )
        )
    return figures


def _until(pty: Pty, needle: bytes, offset: int, timeout: float = 30.0) -> float:
    """Seconds until ``needle`` shows in what arrived after ``offset`` (escapes removed)."""
    started = time.perf_counter()
    while needle not in _ANSI.sub(b"", bytes(pty.out[offset:])):
        if time.perf_counter() - started > timeout:
            raise TimeoutError(f"{needle!r} never reached the client")
        pty.read_chunk(0.05)
    return time.perf_counter() - started


LINKS = (
    ("kiosk_rtt", "scan to screen over SSH, 200 ms round trip", 0.1, None, False),
    ("kiosk_9600", "scan to screen over SSH at 9600 baud, ssh -C", 0.0, 960.0, True),
)


def run_link(ctx: Context) -> list[Figure]:
    scans = ctx.sizes["kiosk_scans"]
    figures = []
    with _server(ctx) as server:
        for name, title, delay, rate, compression in LINKS:
            ours: list[float] = []
            settled: list[float] = []
            relay = Relay(server.sshd.port, delay=delay, bytes_per_second=rate).start()
            pty = server.kiosk(relay, compression=compression)
            try:
                for code in server.codes[:scans]:
                    offset = len(pty.out)
                    pty.send(code.encode() + b"\r")
                    needle = server.names[code][:16].encode()
                    ours.append(_until(pty, needle, offset) * 1000)
                    began = time.perf_counter() - ours[-1] / 1000
                    pty.quiet(0.4, limit=30)
                    settled.append((time.perf_counter() - began - 0.4) * 1000)
            finally:
                pty.close()
                relay.close()
            floor: list[float] = []
            relay = Relay(server.sshd.port, delay=delay, bytes_per_second=rate).start()
            echo = server.session("echo READY; exec cat", relay, compression=compression)
            try:
                # Once the remote side speaks, the client's terminal is raw: no local echo.
                echo.wait_for(b"READY", timeout=120)
                echo.read(0.5)
                for k in range(scans):
                    key = bytes([ord("a") + k % 26])  # each key its own: no earlier echo counts
                    offset = len(echo.out)
                    echo.send(key)
                    floor.append(_until(echo, key, offset) * 1000)
                    echo.read(0.2)
            finally:
                echo.close()
                relay.close()
            figures.append(
                Figure(
                    name=name,
                    title=title,
                    metric="max",
                    unit="ms",
                    ours=summarize(ours),
                    floor=summarize(floor),
                    goal="every scan < 1 s",
                    max_abs=1000.0,
                    sizes={"scans": scans, "delay_each_way_s": delay, "bytes_per_s": rate},
                    extra={"ours_redraw_done_ms": summarize(settled)},
                    notes=[
                        "ours: Enter on a barcode to the item's name on the client's terminal;"
                        " floor: one key echoed by the remote terminal (cat) over the same link",
                    ],
                )
            )
    return figures
