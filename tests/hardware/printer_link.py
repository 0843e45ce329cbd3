"""A TCP port in front of emupos's printer that a test switches between working, off and wedged.

The lane prints to the link's port as to a network printer. ``up()`` forwards every connection
to emupos byte for byte (both ways), so emupos decodes what the lane sent; ``off()`` closes the
listening socket (connection refused: the printer is switched off); ``hang()`` accepts
connections and never reads or answers (a printer wedged mid-job). What the lane did on the
wire is observable: ``held`` counts the connections a wedged link holds open right now, and
``connected`` is set when one arrives.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator
from typing import Literal

Mode = Literal["up", "off", "hang"]
TCP_ESTABLISHED = 1  # tcpi_state of Linux's struct tcp_info


class PrinterLink:
    def __init__(self, target_port: int, mode: Mode = "up") -> None:
        self.target_port = target_port
        self.mode: Mode = "off"
        self.port = 0
        self.connected = threading.Event()  # a connection reached the link in "hang" mode
        self._listener: socket.socket | None = None
        self._held: list[socket.socket] = []
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []
        self._set(mode)

    # -- switching -------------------------------------------------------------------------------

    def up(self) -> None:
        self._set("up")

    def off(self) -> None:
        self._set("off")

    def hang(self) -> None:
        self._set("hang")

    @property
    def held(self) -> int:
        """Connections a wedged link holds open now (closed by the lane: no longer counted)."""
        with self._lock:
            return sum(1 for conn in self._held if _still_open(conn))

    def release(self) -> None:
        """Close the connections held while wedged (the lane sees them dropped)."""
        with self._lock:
            held, self._held = self._held, []
        for conn in held:
            with contextlib.suppress(OSError):
                conn.close()

    def close(self) -> None:
        self._set("off")
        self.release()
        for thread in self._threads:
            thread.join(2)

    def _set(self, mode: Mode) -> None:
        self.mode = mode
        if mode == "off":
            listener, self._listener = self._listener, None
            if listener is not None:
                # shutdown() wakes the accept() blocked in the link's thread; close() alone
                # would leave it accepting (the printer would still answer).
                with contextlib.suppress(OSError):
                    listener.shutdown(socket.SHUT_RDWR)
                listener.close()
            return
        if self._listener is None:
            listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            # A small receive buffer: a wedged link fills up after a few kilobytes, as a
            # printer that stopped reading does.
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            listener.bind(("127.0.0.1", self.port))
            listener.listen(8)
            self.port = int(listener.getsockname()[1])
            self._listener = listener
            thread = threading.Thread(target=self._accept, args=(listener,), daemon=True)
            thread.start()
            self._threads.append(thread)

    # -- serving ---------------------------------------------------------------------------------

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return  # the listener was closed ("off")
            if self.mode == "hang":
                with self._lock:
                    self._held.append(conn)
                self.connected.set()
                continue
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target_port), timeout=5)
            except OSError:
                conn.close()
                continue
            upstream.settimeout(None)
            for source, sink in ((conn, upstream), (upstream, conn)):
                threading.Thread(target=_pump, args=(source, sink), daemon=True).start()


def _pump(source: socket.socket, sink: socket.socket) -> None:
    try:
        while data := source.recv(4096):
            sink.sendall(data)
    except OSError:
        pass
    finally:
        for end in (source, sink):
            with contextlib.suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)
            with contextlib.suppress(OSError):
                end.close()


def _still_open(conn: socket.socket) -> bool:
    """Whether the lane still holds its end open. A wedged link never reads, so the bytes the
    lane sent are still pending and reading cannot show its close: the TCP state does
    (ESTABLISHED, or CLOSE_WAIT once the other end closed)."""
    try:
        info = conn.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 1)
    except OSError:
        return False
    return info[0] == TCP_ESTABLISHED


@contextlib.contextmanager
def printer_link(target_port: int, mode: Mode = "up") -> Iterator[PrinterLink]:
    link = PrinterLink(target_port, mode)
    try:
        yield link
    finally:
        link.close()
