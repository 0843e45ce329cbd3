"""`pos-tui devices` as a user runs it: the installed entry point in a subprocess, with a
`--config` file pointing at emupos, a socat pty scanner and the virtual card on pcscd."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from pos_tui.config import load_settings
from pos_tui.hardware.config_values import HardwareConfigError
from pos_tui.hardware.registry import DeviceSet
from pos_tui.services.checkout.sale import Checkout
from pos_tui.services.runtime.backend import Backend
from pos_tui.services.runtime.devices import device_config
from tests.catalog import build_store
from tests.helpers import HANG_SECONDS

from .conftest import READER
from .stacks import Emupos, PtyPair, VirtualCard, closed_port, wait_until

pytestmark = [pytest.mark.hardware, pytest.mark.xdist_group("pcscd")]

POS_TUI = Path(sys.executable).parent / "pos-tui"


def write_config(tmp_path: Path, **devices: dict[str, object]) -> Path:
    """A --config file with [devices.NAME] tables."""
    lines: list[str] = []
    for name, table in devices.items():
        lines.append(f"[devices.{name}]")
        for key, value in table.items():
            lines.append(
                f"{key} = {value}" if isinstance(value, int | float) else f'{key} = "{value}"'
            )
    path = tmp_path / "lane.toml"
    path.write_text("\n".join(lines) + "\n")
    return path


def emupos_printer(emupos: Emupos, port: int | None = None) -> dict[str, object]:
    return {
        "kind": "network",
        "host": "127.0.0.1",
        "port": port or emupos.printer_port,
        "profile": "TM-T20II",
        "timeout_seconds": 1,
    }


def pos_tui(*args: str | Path, timeout: float = HANG_SECONDS) -> subprocess.CompletedProcess[str]:
    assert POS_TUI.exists(), f"{POS_TUI} missing: pip install -e . in the venv"
    return subprocess.run(
        [str(POS_TUI), *map(str, args)], capture_output=True, text=True, timeout=timeout
    )


def test_device_config_passes_what_the_config_says(tmp_path: Path) -> None:
    """The shipped defaults switch every device off (the drawer is the printer's, and there is
    no printer); a configured device gets exactly its keys, the printer's paper width from
    [receipt] paper; bad keys and profiles are named."""
    shipped = device_config(load_settings())
    assert shipped == {
        name: {"kind": "printer" if name == "drawer" else "none"} for name in shipped
    }
    assert {row.state for row in DeviceSet.from_config(shipped).describe()} == {"disabled"}

    serial = write_config(
        tmp_path, printer={"kind": "serial", "device": "/dev/ttyS9", "profile": "TM-T20II"}
    )
    printer = device_config(load_settings(serial))["printer"]
    assert printer == {
        "kind": "serial",
        "device": "/dev/ttyS9",
        "profile": "TM-T20II",
        "paper_width_mm": 80,  # from [receipt] paper
    }
    network = write_config(
        tmp_path,
        printer={
            "kind": "network",
            "host": "127.0.0.1",
            "timeout_seconds": 2,
            "profile": "TM-T20II",
        },
    )
    network.write_text(network.read_text() + '[receipt]\npaper = "58mm"\n')
    printer = device_config(load_settings(network))["printer"]
    assert printer["paper_width_mm"] == 58
    built = DeviceSet.from_config({"printer": printer}).printer
    assert built is not None and built.columns == 32  # type: ignore[attr-defined]
    with pytest.raises(HardwareConfigError, match=r"devices\.printer\.profile"):
        DeviceSet.from_config({"printer": {**printer, "profile": "TM-T20III"}})
    with pytest.raises(HardwareConfigError, match="timeout_s"):
        DeviceSet.from_config({"printer": {**printer, "timeout_s": 2}})


def test_lane_without_devices_says_so() -> None:
    result = pos_tui("devices")
    assert result.returncode == 0, result.stderr
    assert "No devices configured on lane L1" in result.stdout
    watch = pos_tui("devices", "watch", "--seconds", "1")
    assert watch.returncode == 1 and "nothing to watch" in watch.stderr
    test = pos_tui("devices", "test", "printer")
    assert test.returncode == 1 and "no receipt printer configured" in test.stderr


def test_devices_lists_each_device_with_its_state(
    tmp_path: Path, reader: str, emupos: Emupos, pty_pair: Callable[[str], PtyPair]
) -> None:
    scanner = pty_pair("scanner")
    config = write_config(
        tmp_path,
        printer=emupos_printer(emupos),
        card_reader={"kind": "pcsc", "reader": "PCD 00 00"},
        scanner={"kind": "serial", "url": str(scanner.app_end)},
        magstripe={"kind": "keyboard"},
    )
    result = pos_tui("--config", config, "devices")
    assert result.returncode == 0, result.stderr
    rows = {line.split()[0]: line for line in result.stdout.splitlines()[1:]}
    assert result.stdout.startswith("Devices on lane L1:")
    assert rows["printer"].split()[1:3] == ["network", f"127.0.0.1:{emupos.printer_port}"]
    assert rows["printer"].endswith("ready (paper ok)")
    assert rows["card_reader"].split()[1] == "pcsc" and rows["card_reader"].endswith(" ready")
    assert rows["scanner"].split()[1:3] == ["serial", str(scanner.app_end)]
    assert rows["scanner"].endswith(" online")
    assert rows["magstripe"].split()[1] == "keyboard"
    assert rows["pole_display"].split()[1:] == ["none", "-", "disabled"]

    emupos.set_fault("paper-out")
    try:
        result = pos_tui("--config", config, "devices")
    finally:
        emupos.clear_fault("paper-out")
    assert "The printer is out of paper. Load a new roll." in result.stdout


def test_devices_test_printer_prints_a_test_page(tmp_path: Path, emupos: Emupos) -> None:
    config = write_config(tmp_path, printer=emupos_printer(emupos))
    known = len(emupos.receipts())
    result = pos_tui("--config", config, "devices", "test", "printer")
    assert result.returncode == 0, result.stderr
    assert f"Test page printed on network 127.0.0.1:{emupos.printer_port}." in result.stdout
    receipt = emupos.wait_new_receipt(known)
    assert receipt["boundary"] == "cut"
    text = emupos.receipt_text(receipt["id"])
    lines = [line.strip() for line in text.splitlines()]
    assert lines[:3] == ["pos-tui demo store", "1 Market Road", "TEST PAGE"]
    assert "Code page: é ü € Rs." in lines  # CP858 has é, ü and €; ₹ falls back readably
    assert f"Printer: network 127.0.0.1:{emupos.printer_port}" in lines
    assert "[barcode CODE128 TEST-L1]" in lines
    assert lines[-1] == "End of test page"


def test_devices_test_reports_printer_errors_with_exit_code_1(
    tmp_path: Path, emupos: Emupos
) -> None:
    config = write_config(tmp_path, printer=emupos_printer(emupos, port=closed_port()))
    for device in ("printer", "drawer"):
        result = pos_tui("--config", config, "devices", "test", device)
        assert result.returncode == 1
        assert f"Error: {device} test failed: Printer 127.0.0.1:" in result.stderr
        assert "not reachable" in result.stderr

    bad = write_config(tmp_path, printer={**emupos_printer(emupos), "profile": "TM-T20III"})
    result = pos_tui("--config", bad, "devices", "test", "printer")
    assert result.returncode == 1 and "devices.printer.profile" in result.stderr


def test_devices_test_drawer_kicks_the_drawer(tmp_path: Path, emupos: Emupos) -> None:
    emupos.close_drawer()
    config = write_config(tmp_path, printer=emupos_printer(emupos))
    result = pos_tui("--config", config, "devices", "test", "drawer")
    assert result.returncode == 0, result.stderr
    assert "Cash drawer opened through the printer 127.0.0.1:" in result.stdout
    assert "(pin 2)" in result.stdout
    assert emupos.drawer() == "open"
    emupos.close_drawer()


def test_devices_test_drawer_is_recorded_and_audited_on_a_lane(
    tmp_path: Path, backend: Backend, db_path: Path, emupos: Emupos
) -> None:
    emupos.close_drawer()
    config = write_config(tmp_path, printer=emupos_printer(emupos))
    result = pos_tui("--db", db_path, "--config", config, "devices", "test", "drawer")
    assert result.returncode == 0, result.stderr
    assert "(not recorded" not in result.stdout and emupos.drawer() == "open"
    emupos.close_drawer()
    (opening,) = backend.drawer.for_lane("L1")
    assert (opening.reason, opening.state, opening.route) == ("test", "opened", "printer")
    actions = backend.db.execute(
        "SELECT action FROM audit_log WHERE entity = 'drawer' ORDER BY id"
    ).fetchall()
    assert [a[0] for a in actions] == ["drawer_test", "drawer_opened"]
    listed = pos_tui("--db", db_path, "journal", "drawer")
    assert listed.returncode == 0 and "test · command line · opened (printer)" in listed.stdout


class LiveOutput:
    """A running `pos-tui devices watch`, its stdout read line by line as it comes."""

    def __init__(self, *args: str | Path) -> None:
        self.process = subprocess.Popen(
            [str(POS_TUI), *map(str, args)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))

    def wait_for(self, fragment: str, timeout: float = HANG_SECONDS) -> str:
        deadline = time.monotonic() + timeout
        for line in self.seen:
            if fragment in line:
                return line
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                break
            self.seen.append(line)
            if fragment in line:
                return line
        stderr = self.process.stderr.read() if self.process.poll() is not None else ""  # type: ignore[union-attr]
        raise AssertionError(f"no line with {fragment!r}; got {self.seen!r} {stderr}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(5)


def test_devices_watch_prints_card_and_scan_events_until_ctrl_c(
    tmp_path: Path, reader: str, pty_pair: Callable[[str], PtyPair]
) -> None:
    scanner = pty_pair("scanner")
    config = write_config(
        tmp_path,
        card_reader={"kind": "pcsc", "reader": "PCD 00 00", "profile": "uid"},
        scanner={"kind": "serial", "url": str(scanner.app_end)},
    )
    watch = LiveOutput("--config", config, "devices", "watch")
    card = VirtualCard()
    try:
        assert watch.wait_for("Watching") == "Watching card_reader, scanner. Ctrl-C stops."
        watch.wait_for("reader  ready:")
        card.insert()
        line = watch.wait_for("card    04A1B2C3D4E5F6")
        assert line.endswith(f"({READER})") and line[2] == ":" and line[5] == ":"
        card.remove()
        watch.wait_for("card    removed")
        with open(scanner.device_end, "wb", buffering=0) as device:
            device.write(b"4006381333931\r")
            device.write(b"\x1b[2J\x1b]0;owned\x07[red]X\r")  # hostile scan data
        assert watch.wait_for("scan    4006381333931").endswith("(scanner)")
        # A scan holding control bytes is no barcode: dropped whole, said in one short line,
        # and nothing of it reaches the terminal.
        dropped = watch.wait_for("dropped")
        assert dropped.split("dropped ")[1] == (
            "Scan ignored: not a barcode (control or binary bytes). Try again.  (scanner)"
        )
        assert not any("owned" in line or "\\x1b" in line for line in watch.seen)

        watch.process.send_signal(signal.SIGINT)
        assert watch.process.wait(HANG_SECONDS) == 0  # only a hang fails here
        watch.wait_for("Stopped.")
        assert "\x1b" not in "".join(watch.seen)
    finally:
        card.remove()
        watch.stop()


def test_devices_watch_stops_after_seconds(
    tmp_path: Path, pty_pair: Callable[[str], PtyPair]
) -> None:
    scanner = pty_pair("scanner")
    config = write_config(tmp_path, scanner={"kind": "serial", "url": str(scanner.app_end)})
    started = time.monotonic()
    # A window long enough for a loaded CI machine to pass the scan through, short enough
    # that stopping on time is what the test sees (Ctrl-C is never sent).
    watch = LiveOutput("--config", config, "devices", "watch", "--seconds", "4")
    try:
        watch.wait_for("Watching scanner.")
        with open(scanner.device_end, "wb", buffering=0) as device:
            device.write(b"SALE-0042\n")
        watch.wait_for("scan    SALE-0042")
        # It ends by itself (Ctrl-C is never sent): only a hang fails the wait.
        assert watch.process.wait(HANG_SECONDS) == 0
        # A lower bound only (a slow machine runs longer, never shorter): not stopped early.
        assert time.monotonic() - started >= 4
        watch.wait_for("Stopped.")
    finally:
        watch.stop()


def test_devices_queue_lists_and_retries_pending_jobs(
    tmp_path: Path, backend: Backend, db_path: Path, emupos: Emupos
) -> None:
    store = build_store(backend)
    for customer in (None, store.bob):
        co = Checkout(backend, store.cashier)
        co.add_item("APPLE")
        if customer is not None:
            co.attach_customer(customer)
        co.add_cash("200")
        co.commit()
    down = write_config(tmp_path, printer=emupos_printer(emupos, port=closed_port()))

    listing = pos_tui("--db", db_path, "--config", down, "devices", "queue")
    assert listing.returncode == 0, listing.stderr
    assert listing.stdout.splitlines()[0] == "3 print job(s) waiting on lane L1:"
    assert "#1     Receipt L1-000001" in listing.stdout
    assert "#3     Customer copy of L1-000002" in listing.stdout
    assert "queued, 0 attempts" in listing.stdout and "LATE" not in listing.stdout

    failed = pos_tui("--db", db_path, "--config", down, "devices", "queue", "--retry")
    assert failed.returncode == 1
    assert "Receipt L1-000001 not printed: Printer 127.0.0.1:" in failed.stderr
    assert "#1     Receipt L1-000001" in failed.stdout
    assert "queued, 1 attempt, prints as a LATE COPY" in failed.stdout
    assert "last error: Printer 127.0.0.1:" in failed.stdout
    assert backend.print_jobs.get(1).attempts == 1  # type: ignore[union-attr]

    up = write_config(tmp_path, printer=emupos_printer(emupos))
    known = len(emupos.receipts())
    retried = pos_tui("--db", db_path, "--config", up, "devices", "queue", "--retry")
    assert retried.returncode == 0, retried.stderr
    assert retried.stdout.splitlines() == [  # all three missed their moment
        "Receipt L1-000001 printed (late copy)",
        "Receipt L1-000002 printed (late copy)",
        "Customer copy of L1-000002 printed (late copy)",
        "No print jobs waiting on lane L1.",
    ]
    assert wait_until(lambda: len(emupos.receipts()) >= known + 3, 10, 0.05)
    texts = [emupos.receipt_text(r["id"]) for r in reversed(emupos.receipts()[:3])]
    assert "[barcode CODE128 L1-000001]" in texts[0]
    assert all("*** LATE COPY ***" in text for text in texts)
    assert "STORE COPY (1 of 2)" in texts[1] and "CUSTOMER COPY (2 of 2)" in texts[2]
    assert all("Rs.105.00" in text for text in texts)
    assert backend.print_jobs.pending("L1") == []
