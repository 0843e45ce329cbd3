"""Real software stacks standing in for lane hardware, for the tests and scripts/virtual-hardware.

Pure standard library plus the system tools the project installs (pcscd + vpcd, socat, emupos
in its own venv). Nothing here mocks our drivers: they talk to these over the same protocols and
OS interfaces they use with real devices.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import struct
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.helpers import HANG_SECONDS

REPO_ROOT = Path(__file__).resolve().parents[2]
EMUPOS_VENV = REPO_ROOT / ".venv-emupos"
INSTALL_EMUPOS = REPO_ROOT / "scripts" / "install-emupos"
PCSCD_SOCKET = Path("/run/pcscd/pcscd.comm")
PCSCD_PIDFILE = Path("/run/pcscd/pcscd.pid")
VPCD_READER_CONF = Path("/etc/reader.conf.d/vpcd")
VPCD_PORTS = {"Virtual PCD 00 00": 35963, "Virtual PCD 00 01": 35964}

# The project's loyalty application and a contactless-card ATR (PC/SC part 3, MIFARE 1K).
LOYALTY_AID = bytes.fromhex("F0504F5354554901")
CONTACTLESS_ATR = bytes.fromhex("3B8F8001804F0CA000000306030001000000006A")


class StackError(RuntimeError):
    """A software stack could not be started; the message says what to install or stop."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until(predicate: Any, timeout: float, interval: float = 0.02) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return bool(predicate())


# -- pcscd ---------------------------------------------------------------------------------------


def pcscd_binary() -> str:
    found = shutil.which("pcscd") or (
        "/usr/sbin/pcscd" if Path("/usr/sbin/pcscd").exists() else None
    )
    if not found:
        raise StackError(
            "pcscd is not installed: apt-get install pcscd vsmartcard-vpcd libpcsclite-dev"
        )
    if not VPCD_READER_CONF.exists():
        raise StackError(
            f"{VPCD_READER_CONF} missing: apt-get install vsmartcard-vpcd (virtual PC/SC reader)"
        )
    return found


def _socket_answers(path: Path) -> bool:
    if not path.exists():
        return False
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        try:
            s.connect(str(path))
        except OSError:
            return False
    return True


@dataclass
class PcscdController:
    """One pcscd for this machine, started and stopped by us (no systemd here)."""

    log_path: Path
    process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 10.0) -> None:
        binary = pcscd_binary()
        if _socket_answers(PCSCD_SOCKET):
            pid = PCSCD_PIDFILE.read_text().strip() if PCSCD_PIDFILE.exists() else "?"
            raise StackError(
                f"a pcscd not started by us is already running (pid {pid}); stop it first "
                "(e.g. quit scripts/virtual-hardware)"
            )
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [binary, "--foreground"], stdout=log, stderr=subprocess.STDOUT
        )
        log.close()
        if not wait_until(lambda: _socket_answers(PCSCD_SOCKET), timeout):
            self.stop()
            raise StackError(f"pcscd did not open {PCSCD_SOCKET}; see {self.log_path}")
        # The vpcd readers appear once the driver listens: an insert before that is lost.
        if not wait_until(_vpcd_listening, timeout):
            raise StackError(f"vpcd readers did not start listening; see {self.log_path}")

    def stop(self, timeout: float = 10.0) -> None:
        process, self.process = self.process, None
        if process is None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)
        wait_until(lambda: not _socket_answers(PCSCD_SOCKET), 5)

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None


def _vpcd_listening() -> bool:
    """True when vpcd listens on its first port, checked without connecting (a connect would
    look like a card insert): /proc/net/tcp lists sockets in LISTEN state (0A)."""
    wanted = f":{VPCD_PORTS['Virtual PCD 00 00']:04X}"
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError), open(table) as f:
            for line in f.readlines()[1:]:
                parts = line.split()
                if parts[1].endswith(wanted) and parts[3] == "0A":
                    return True
    return False


def wait_reader_state(reader: str, present: bool, timeout: float = 5.0) -> bool:
    """Wait until pcscd reports `reader` with (present=True) or without a card."""
    from smartcard import scard

    hresult, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
    if hresult != 0:
        return False
    try:
        deadline = time.monotonic() + timeout
        state = scard.SCARD_STATE_UNAWARE
        while time.monotonic() < deadline:
            hresult, states = scard.SCardGetStatusChange(context, 200, [(reader, state)])
            if hresult == 0:
                state = states[0][1] & ~scard.SCARD_STATE_CHANGED
                if bool(state & scard.SCARD_STATE_PRESENT) == present:
                    return True
            elif hresult & 0xFFFFFFFF != scard.SCARD_E_TIMEOUT & 0xFFFFFFFF:
                time.sleep(0.1)
        return False
    finally:
        scard.SCardReleaseContext(context)


# -- a virtual loyalty card speaking the vpcd protocol ---------------------------------------------


@dataclass
class VirtualCard:
    """A contactless loyalty card: a TCP client of a vpcd reader port.

    Connecting is inserting the card, closing is removing it. Modes:
    "ok" answers GET DATA UID, SELECT (our AID) and READ BINARY;
    "foreign" has no loyalty application (SELECT -> 6A82) and no UID support (6A81);
    "pull" disappears when asked for its card number (card pulled mid-read).
    """

    card_number: str = "6012345678901234"
    uid: bytes = bytes.fromhex("04A1B2C3D4E5F6")
    aid: bytes = LOYALTY_AID
    mode: str = "ok"
    port: int = VPCD_PORTS["Virtual PCD 00 00"]
    atr: bytes = CONTACTLESS_ATR
    apdus: list[bytes] = field(default_factory=list)
    # Set when a "pull" card took itself away mid-read (the moment a test re-taps from).
    pulled: threading.Event = field(default_factory=threading.Event)
    _sock: socket.socket | None = None
    _thread: threading.Thread | None = None
    _selected: bool = False

    @property
    def inserted(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def insert(self) -> None:
        if self.inserted:
            return
        self._selected = False
        self.pulled.clear()
        sock = socket.create_connection(("127.0.0.1", self.port), timeout=5)
        sock.settimeout(None)
        self._sock = sock
        self._thread = threading.Thread(target=self._serve, args=(sock,), daemon=True)
        self._thread.start()

    def remove(self) -> None:
        sock, self._sock = self._sock, None
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        if self._thread is not None:
            self._thread.join(5)
            self._thread = None

    def _serve(self, sock: socket.socket) -> None:
        try:
            while True:
                header = _recv_exact(sock, 2)
                if header is None:
                    return
                (length,) = struct.unpack(">H", header)
                payload = _recv_exact(sock, length)
                if payload is None:
                    return
                if length == 1:
                    if payload[0] == 4:  # ATR request; 0 off, 1 on, 2 reset need no answer
                        self._send(sock, self.atr)
                    elif payload[0] in (0, 2):
                        self._selected = False
                    continue
                self.apdus.append(payload)
                answer = self.respond(payload)
                if answer is None:  # pulled mid-read
                    sock.close()
                    self.pulled.set()
                    return
                self._send(sock, answer)
        except OSError:
            return

    @staticmethod
    def _send(sock: socket.socket, data: bytes) -> None:
        sock.sendall(struct.pack(">H", len(data)) + data)

    def respond(self, apdu: bytes) -> bytes | None:
        cla, ins, p1 = apdu[0], apdu[1], apdu[2]
        if (cla, ins, p1) == (0xFF, 0xCA, 0x00):  # GET DATA: UID
            return bytes.fromhex("6A81") if self.mode == "foreign" else self.uid + b"\x90\x00"
        if (cla, ins, p1) == (0x00, 0xA4, 0x04):  # SELECT by AID
            aid = apdu[5 : 5 + apdu[4]]
            if self.mode == "foreign" or aid != self.aid:
                return bytes.fromhex("6A82")
            self._selected = True
            return b"\x90\x00"
        if (cla, ins) == (0x00, 0xB0):  # READ BINARY
            if self.mode == "pull":
                return None
            if not self._selected:
                return bytes.fromhex("6986")
            return self.card_number.encode("ascii") + b"\x90\x00"
        return bytes.fromhex("6D00")


def _recv_exact(sock: socket.socket, size: int) -> bytes | None:
    data = b""
    while len(data) < size:
        try:
            chunk = sock.recv(size - len(data))
        except OSError:
            return None
        if not chunk:
            return None
        data += chunk
    return data


# -- socat pty pairs -----------------------------------------------------------------------------


@dataclass
class PtyPair:
    """Two linked ptys: the app opens `app_end`, the test plays the device on `device_end`."""

    app_end: Path
    device_end: Path
    process: subprocess.Popen[bytes]

    @classmethod
    def start(cls, directory: Path, name: str, timeout: float = 5.0) -> PtyPair:
        if shutil.which("socat") is None:
            raise StackError("socat is not installed: apt-get install socat")
        app_end, device_end = directory / f"{name}-app", directory / f"{name}-device"
        process = subprocess.Popen(
            [
                "socat",
                "-d",
                "-d",
                f"pty,raw,echo=0,link={app_end}",
                f"pty,raw,echo=0,link={device_end}",
            ],
            stderr=subprocess.PIPE,
        )
        assert process.stderr is not None
        started = threading.Event()
        output: list[bytes] = []

        def watch() -> None:
            assert process.stderr is not None
            for line in process.stderr:
                output.append(line)
                if b"starting data transfer loop" in line:
                    started.set()
            started.set()

        threading.Thread(target=watch, daemon=True).start()
        if not started.wait(timeout) or process.poll() is not None:
            process.kill()
            raise StackError("socat failed: " + b"".join(output).decode(errors="replace"))
        return cls(app_end, device_end, process)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)

    def pause(self) -> None:
        """Freeze the link (SIGSTOP): writes on the app end stop draining."""
        self.process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        self.process.send_signal(signal.SIGCONT)


# -- emupos --------------------------------------------------------------------------------------


def emupos_binary(install: bool = True) -> Path:
    binary = EMUPOS_VENV / "bin" / "emupos"
    if not binary.exists() and install:
        result = subprocess.run(
            ["bash", str(INSTALL_EMUPOS)], capture_output=True, text=True, timeout=600
        )
        if result.returncode != 0:
            raise StackError(
                "emupos is not installed and scripts/install-emupos failed:\n"
                + result.stdout
                + result.stderr
            )
    if not binary.exists():
        raise StackError(f"emupos not found at {binary}: run scripts/install-emupos")
    return binary


def emupos_config(
    *, api_port: int, printer_port: int, printer_serial_link: str | None, scanner_link: str | None
) -> str:
    """An emupos.yaml (schema 1): printer+drawer on TCP and a pty, and a serial scanner."""
    connections = [f"      - tcp: {{ host: 127.0.0.1, port: {printer_port} }}"]
    if printer_serial_link:
        connections.append(f"      - serial: {{ pty: true, link: {printer_serial_link} }}")
    lines = [
        "schema: 1",
        f"api: {{ host: 127.0.0.1, port: {api_port} }}",
        "devices:",
        "  - id: front",
        "    type: printer",
        "    profile: epson-tm-t20iii",
        "    job_idle_timeout_ms: 500",
        "    receipts_dir: ./receipts",
        "    connections:",
        *connections,
    ]
    if scanner_link:
        lines += [
            "  - id: lane-scanner",
            "    type: scanner",
            "    mode: serial",
            "    suffix: enter",
            "    connections:",
            f"      - serial: {{ pty: true, link: {scanner_link} }}",
        ]
    return "\n".join(lines) + "\n"


@dataclass
class Emupos:
    """A running `emupos run` and a client for its control API (127.0.0.1 only)."""

    directory: Path
    api_port: int
    printer_port: int
    process: subprocess.Popen[bytes]
    printer_serial: Path | None = None
    scanner_serial: Path | None = None

    @classmethod
    def start(
        cls,
        directory: Path,
        *,
        api_port: int | None = None,
        printer_port: int | None = None,
        serial: bool = True,
        timeout: float = 20.0,
    ) -> Emupos:
        binary = emupos_binary()
        directory.mkdir(parents=True, exist_ok=True)
        api_port = api_port or free_port()
        printer_port = printer_port or free_port()
        config = directory / "emupos.yaml"
        config.write_text(
            emupos_config(
                api_port=api_port,
                printer_port=printer_port,
                printer_serial_link="printer-serial" if serial else None,
                scanner_link="scanner-serial" if serial else None,
            )
        )
        env = {**os.environ, "TMPDIR": str(directory)}  # pty links go under $TMPDIR/emupos
        log = (directory / "emupos.log").open("ab")
        process = subprocess.Popen(
            [str(binary), "run", "--config", str(config)],
            cwd=directory,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        log.close()
        emu = cls(directory, api_port, printer_port, process)
        if serial:
            emu.printer_serial = directory / "emupos" / "printer-serial"
            emu.scanner_serial = directory / "emupos" / "scanner-serial"
        if not wait_until(emu.healthy, timeout, 0.1):
            emu.stop()
            raise StackError(
                "emupos did not come up:\n" + (directory / "emupos.log").read_text(errors="replace")
            )
        return emu

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # its Ctrl+C path removes the pty links
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)

    # -- control API -----------------------------------------------------------------------------

    def _request(self, method: str, path: str, body: Any = None) -> bytes:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.api_port}/api/v1{path}",
            data=data,
            method=method,
            headers={"Content-Type": "application/json"} if data else {},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            return bytes(response.read())

    def healthy(self) -> bool:
        if self.process.poll() is not None:
            return False
        try:
            return json.loads(self._request("GET", "/health"))["status"] == "ok"
        except (urllib.error.URLError, OSError, ValueError):
            return False

    def device(self, device_id: str = "front") -> dict[str, Any]:
        return dict(json.loads(self._request("GET", f"/devices/{device_id}")))

    def receipts(self, device_id: str = "front") -> list[dict[str, Any]]:
        return list(json.loads(self._request("GET", f"/devices/{device_id}/receipts")))

    def receipt_text(self, receipt_id: str, device_id: str = "front") -> str:
        return self._request("GET", f"/devices/{device_id}/receipts/{receipt_id}/text").decode()

    def receipt_image(self, receipt_id: str, device_id: str = "front") -> bytes:
        return self._request("GET", f"/devices/{device_id}/receipts/{receipt_id}/image")

    def wait_new_receipt(
        self, known: int, device_id: str = "front", timeout: float = HANG_SECONDS
    ) -> dict[str, Any]:
        """Wait until the printer completed receipt number `known + 1`; return the newest."""
        if not wait_until(lambda: len(self.receipts(device_id)) > known, timeout, 0.05):
            raise AssertionError(f"emupos completed no new receipt within {timeout}s")
        return self.receipts(device_id)[0]

    def set_fault(self, fault: str, device_id: str = "front") -> None:
        self._request("PUT", f"/devices/{device_id}/faults/{fault}")

    def clear_fault(self, fault: str, device_id: str = "front") -> None:
        self._request("DELETE", f"/devices/{device_id}/faults/{fault}")

    def close_drawer(self, device_id: str = "front") -> None:
        self._request("POST", f"/devices/{device_id}/drawer/close")

    def drawer(self, device_id: str = "front") -> str:
        return str(self.device(device_id)["state"]["drawer"])

    def scan(self, data: str, device_id: str = "lane-scanner") -> None:
        self._request("POST", f"/devices/{device_id}/scans", {"data": data, "countdown_seconds": 0})


# -- raw TCP "printers" that misbehave -------------------------------------------------------------


def _accepting(
    server: socket.socket, stop: threading.Event, handle: Callable[[socket.socket], None]
) -> threading.Thread:
    """A thread accepting connections on `server` until `stop`, each handed to `handle`."""

    def accept() -> None:
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            handle(conn)

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    return thread


@contextlib.contextmanager
def stalled_printer() -> Iterator[int]:
    """Accepts connections and never reads or answers: a printer wedged mid-job."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    server.bind(("127.0.0.1", 0))
    server.listen(4)
    accepted: list[socket.socket] = []
    stop = threading.Event()
    thread = _accepting(server, stop, accepted.append)
    try:
        yield int(server.getsockname()[1])
    finally:
        stop.set()
        thread.join(2)
        for conn in accepted:
            conn.close()
        server.close()


@contextlib.contextmanager
def printer_that_hangs_up(after_bytes: int = 32, status_queries: int = 3) -> Iterator[int]:
    """Answers the `status_queries` status requests (DLE EOT n) sent before a job like a healthy
    printer, then resets the connection after `after_bytes` bytes of the job: a printer
    power-cycled mid-receipt."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(4)

    def serve() -> None:
        try:
            conn, _ = server.accept()
        except OSError:
            return
        with conn:
            for _ in range(status_queries):
                request = _recv_exact(conn, 3)
                if request is None or request[:2] != b"\x10\x04":
                    return
                conn.sendall(b"\x12")  # online, paper present, cover closed
            _recv_exact(conn, after_bytes)
            # RST instead of FIN: unread job bytes are dropped, as by a printer switched off.
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield int(server.getsockname()[1])
    finally:
        server.close()
        thread.join(2)


@contextlib.contextmanager
def printer_answering(status: int) -> Iterator[tuple[int, list[bytes]]]:
    """A TCP "printer" answering every status request (DLE EOT n) with the byte `status` and
    keeping whatever else it is sent: (port, received chunks). With 0xFF it plays a line that
    floats high, where no printer answers at all."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(4)
    received: list[bytes] = []
    stop = threading.Event()

    def serve(conn: socket.socket) -> None:
        with conn:
            while not stop.is_set():
                data = conn.recv(4096)
                if not data:
                    return
                received.append(data)
                conn.sendall(bytes([status]) * data.count(b"\x10\x04"))

    def start(conn: socket.socket) -> None:
        threading.Thread(target=serve, args=(conn,), daemon=True).start()

    thread = _accepting(server, stop, start)
    try:
        yield int(server.getsockname()[1]), received
    finally:
        stop.set()
        thread.join(2)
        server.close()


def closed_port() -> int:
    """A loopback port nothing listens on (connection refused)."""
    return free_port()
