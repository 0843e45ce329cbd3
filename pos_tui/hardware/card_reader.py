"""PC/SC card reader: watches readers and cards through pcscd and reads loyalty card numbers.

One worker thread owns a PC/SC context and blocks in SCardGetStatusChange with a short timeout,
so `stop()` is prompt and no pyscard thread (CardMonitor) can die silently. Anything the PC/SC
service does wrong — not running, restarted, reader unplugged — ends the current context; the
thread then re-establishes one with backoff. It never raises out of the thread.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Protocol

from smartcard import scard

from pos_tui.hardware.config_values import ConfigReader
from pos_tui.hardware.device import Device
from pos_tui.hardware.events import (
    CardError,
    CardRead,
    CardRemoved,
    EventCallback,
    ReaderStatus,
)
from pos_tui.hardware.smartcard_profiles import (
    CardReadError,
    ReadProfile,
    UidProfile,
    build_read_profile,
)

log = logging.getLogger(__name__)

# pcsc-lite's pseudo reader: its state changes when a reader is plugged in or out.
PNP_NOTIFICATION = "\\\\?PnP?\\Notification"


def _code(hresult: int) -> int:
    """pyscard hands back HRESULTs as Python ints that may be signed: compare unsigned."""
    return hresult & 0xFFFFFFFF


SCARD_OK = 0
E_TIMEOUT = _code(scard.SCARD_E_TIMEOUT)
E_CANCELLED = _code(scard.SCARD_E_CANCELLED)
E_NO_READERS = _code(scard.SCARD_E_NO_READERS_AVAILABLE)
W_UNPOWERED = _code(scard.SCARD_W_UNPOWERED_CARD)
W_UNRESPONSIVE = _code(scard.SCARD_W_UNRESPONSIVE_CARD)
W_REMOVED = _code(scard.SCARD_W_REMOVED_CARD)
W_RESET = _code(scard.SCARD_W_RESET_CARD)
E_NO_SMARTCARD = _code(scard.SCARD_E_NO_SMARTCARD)
E_SHARING = _code(scard.SCARD_E_SHARING_VIOLATION)
E_NOT_TRANSACTED = _code(scard.SCARD_E_NOT_TRANSACTED)
F_COMM_ERROR = _code(scard.SCARD_F_COMM_ERROR)
E_PROTO_MISMATCH = _code(scard.SCARD_E_PROTO_MISMATCH)
E_READER_UNAVAILABLE = _code(scard.SCARD_E_READER_UNAVAILABLE)
# Worth retrying the connect: card still powering up, or another app briefly holds it.
CONNECT_RETRYABLE = {W_UNPOWERED, W_RESET, E_SHARING, E_PROTO_MISMATCH, W_UNRESPONSIVE}
CARD_GONE = {W_REMOVED, E_NO_SMARTCARD}
# What a card taken away in the middle of a read looks like: removed or reset, or the link
# to it broken mid-exchange (0x80100013 communication error, 0x80100016 not transacted).
PULLED_MID_READ = CARD_GONE | {W_RESET, F_COMM_ERROR, E_NOT_TRANSACTED, E_READER_UNAVAILABLE}
# The one thing a cashier needs to know then (no PC/SC code: those go to the log).
CARD_REMOVED = "Card removed, tap again."
# After a pulled card, how long the driver keeps trying to read the card tapped again: a tap
# within pcscd's 0.4 s poll is never reported as a new card, so it is looked for.
RETAP_SECONDS = 3.0
RETAP_POLL_MS = 150


def pcsc_message(hresult: int) -> str:
    try:
        text = str(scard.SCardGetErrorMessage(hresult)).strip().rstrip(".")
    except Exception:  # pyscard raises for codes it does not know
        text = "PC/SC error"
    return f"{text} (0x{_code(hresult):08X})"


class PcscError(Exception):
    def __init__(self, hresult: int, action: str) -> None:
        self.hresult = _code(hresult)
        super().__init__(f"{action}: {pcsc_message(hresult)}")


class CardReader(Device, Protocol):
    """What the app needs from any card reader driver."""


@dataclass
class _PcscChannel:
    """A connected card, as the `CardChannel` the read profiles use."""

    card: Any
    protocol: int

    def transmit(self, apdu: bytes) -> tuple[bytes, int]:
        hresult, response = scard.SCardTransmit(self.card, self.protocol, list(apdu))
        if _code(hresult) != SCARD_OK:
            raise PcscError(hresult, "transmit")
        if len(response) < 2:
            raise PcscError(_code(scard.SCARD_F_COMM_ERROR), "transmit (short response)")
        return bytes(response[:-2]), (response[-2] << 8) | response[-1]


@dataclass
class _ReaderState:
    name: str
    event_state: int = scard.SCARD_STATE_UNAWARE
    card_present: bool = False


def _events(state: int) -> int:
    """pcsc-lite's count of card insertions and removals, kept in a state's upper 16 bits."""
    return (state >> 16) & 0xFFFF


class _Pulled(Exception):
    """The card went away during the read (see PULLED_MID_READ)."""


@dataclass
class PcscCardReader:
    """Card reader on the PC/SC service (pcscd on Linux).

    `reader_filter`: only readers whose name contains this text (empty: every reader).
    `on_event` is called from the reader thread.
    """

    on_event: EventCallback
    profile: ReadProfile = field(default_factory=UidProfile)
    reader_filter: str = ""
    name: str = "card_reader"
    connect_attempts: int = 3
    connect_retry_delay: float = 0.25
    retap_seconds: float = RETAP_SECONDS
    poll_timeout: float = 0.5
    backoff_initial: float = 0.5
    backoff_max: float = 5.0
    kind: str = "pcsc"

    def __post_init__(self) -> None:
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._context: Any = None
        self._context_lock = threading.Lock()
        self._state = "stopped"
        self._readers: dict[str, _ReaderState] = {}

    # -- public --------------------------------------------------------------------------------

    @property
    def target(self) -> str:
        suffix = f" matching {self.reader_filter!r}" if self.reader_filter else ""
        return f"PC/SC readers{suffix}, profile {self.profile.name}"

    @property
    def state(self) -> str:
        return self._state

    def start(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop.clear()
        self._state = "starting"
        self._thread = threading.Thread(target=self._run, name=f"{self.name}-pcsc", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 3.0) -> None:
        self._stop.set()
        thread, self._thread = self._thread, None
        deadline = time.monotonic() + timeout
        while True:
            self._cancel_wait()
            if thread is None:
                break
            # SCardCancel ends only a wait already under way: one that the thread was about to
            # enter when the first cancel came would sleep its whole poll. Cancel until it ends.
            thread.join(min(0.05, max(0.0, deadline - time.monotonic())))
            if not thread.is_alive() or time.monotonic() >= deadline:
                break
        self._state = "stopped"

    def _cancel_wait(self) -> None:
        """Wake SCardGetStatusChange right away instead of waiting for its timeout."""
        with self._context_lock:
            if self._context is not None:
                scard.SCardCancel(self._context)

    # -- thread --------------------------------------------------------------------------------

    def _emit(self, event: Any) -> None:
        try:
            self.on_event(event)
        except Exception:  # a broken listener must not kill the reader thread
            log.exception("card reader event handler failed for %r", event)

    def _wait(self, seconds: float) -> None:
        self._stop.wait(seconds)  # returns at once when stop() is called

    def _run(self) -> None:
        backoff = self.backoff_initial
        reported_down = False
        while not self._stop.is_set():
            try:
                self._establish()
            except PcscError as error:
                self._state = "waiting for PC/SC service"
                if not reported_down:
                    self._emit(ReaderStatus(f"Card reader service unavailable: {error}"))
                    reported_down = True
                self._wait(backoff)
                backoff = min(backoff * 2, self.backoff_max)
                continue
            backoff = self.backoff_initial
            reported_down = False
            try:
                self._watch()
            except PcscError as error:
                if not self._stop.is_set():
                    self._state = "reconnecting"
                    self._emit(ReaderStatus(f"Card reader connection lost, reconnecting: {error}"))
                    reported_down = True
                    self._forget_cards()
            except Exception as error:  # never let the watcher die
                log.exception("card reader watcher failed")
                self._emit(ReaderStatus(f"Card reader failed, restarting: {error}"))
                reported_down = True
                self._forget_cards()
            finally:
                self._release()
            if not self._stop.is_set():
                self._wait(backoff)
        self._release()

    def _establish(self) -> None:
        hresult, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
        if _code(hresult) != SCARD_OK:
            raise PcscError(hresult, "connecting to the PC/SC service")
        with self._context_lock:
            self._context = context
        self._state = "connected"

    def _release(self) -> None:
        with self._context_lock:
            context, self._context = self._context, None
        if context is not None:
            scard.SCardReleaseContext(context)

    def _forget_cards(self) -> None:
        """After a service loss, cards seen before are gone: report them removed."""
        for reader in self._readers.values():
            if reader.card_present:
                self._emit(CardRemoved(reader.name))
        self._readers.clear()

    def _list_readers(self) -> list[str]:
        hresult, names = scard.SCardListReaders(self._context, [])
        code = _code(hresult)
        if code == E_NO_READERS:
            return []
        if code != SCARD_OK:
            raise PcscError(hresult, "listing readers")
        return [n for n in names if self.reader_filter.lower() in n.lower()]

    def _sync_reader_list(self) -> None:
        names = self._list_readers()
        for gone in set(self._readers) - set(names):
            state = self._readers.pop(gone)
            if state.card_present:
                self._emit(CardRemoved(gone))
            self._emit(ReaderStatus(f"Card reader {gone!r} disconnected"))
        for new in names:
            if new not in self._readers:
                self._readers[new] = _ReaderState(new)
                self._emit(ReaderStatus(f"Card reader {new!r} ready", ready=True))
        if not names:
            self._state = "waiting for a reader"
        else:
            self._state = "ready"

    def _watch(self) -> None:
        # Readers are re-listed only on a PnP change, so nothing is missed between calls.
        self._readers.clear()
        self._sync_reader_list()
        if not self._readers:
            self._emit(ReaderStatus("Waiting for a card reader to be connected"))
        pnp_state = scard.SCARD_STATE_UNAWARE
        timeout_ms = int(self.poll_timeout * 1000)
        while not self._stop.is_set():
            states = [(r.name, r.event_state) for r in self._readers.values()]
            states.append((PNP_NOTIFICATION, pnp_state))
            hresult, new_states = scard.SCardGetStatusChange(self._context, timeout_ms, states)
            code = _code(hresult)
            if code in (E_TIMEOUT, E_CANCELLED):
                continue
            if code != SCARD_OK:
                raise PcscError(hresult, "watching readers")
            readers_changed = False
            for reader_name, event_state, _atr in new_states:
                if reader_name == PNP_NOTIFICATION:
                    if event_state & scard.SCARD_STATE_CHANGED:
                        readers_changed = pnp_state != scard.SCARD_STATE_UNAWARE
                    pnp_state = event_state & ~scard.SCARD_STATE_CHANGED
                    continue
                reader = self._readers.get(reader_name)
                if reader is None:
                    continue
                previous = reader.event_state
                reader.event_state = event_state & ~scard.SCARD_STATE_CHANGED
                if event_state & (scard.SCARD_STATE_UNKNOWN | scard.SCARD_STATE_UNAVAILABLE):
                    readers_changed = True
                    continue
                self._on_reader_state(reader, event_state, previous)
            if readers_changed:
                self._sync_reader_list()

    def _on_reader_state(self, reader: _ReaderState, event_state: int, previous: int) -> None:
        present = bool(event_state & scard.SCARD_STATE_PRESENT)
        # Present before and now, but pcscd counted a removal and an insertion in between
        # (while a read was going on): another tap, to be read like the first.
        retapped = (
            present
            and reader.card_present
            and previous != scard.SCARD_STATE_UNAWARE
            and _events(event_state) != _events(previous)
        )
        if present and (not reader.card_present or retapped):
            reader.card_present = True
            if event_state & scard.SCARD_STATE_MUTE:
                self._emit(
                    CardError(
                        "The card does not respond (mute card). Take it out and insert it again.",
                        reader.name,
                    )
                )
                return
            self._read_and_report(reader)
        elif not present and reader.card_present:
            reader.card_present = False
            self._emit(CardRemoved(reader.name))

    # -- reading one card ----------------------------------------------------------------------

    def _connect(self, reader_name: str, attempts: int | None = None) -> tuple[Any, int]:
        last: PcscError | None = None
        tries = max(1, self.connect_attempts if attempts is None else attempts)
        for attempt in range(tries):
            hresult, card, protocol = scard.SCardConnect(
                self._context,
                reader_name,
                scard.SCARD_SHARE_SHARED,
                scard.SCARD_PROTOCOL_T0 | scard.SCARD_PROTOCOL_T1,
            )
            code = _code(hresult)
            if code == SCARD_OK:
                return card, protocol
            last = PcscError(hresult, "connecting to the card")
            if code not in CONNECT_RETRYABLE or attempt + 1 >= tries:
                break
            # Right after insertion the card may still be powering up (0x80100067).
            time.sleep(self.connect_retry_delay)
        assert last is not None
        raise last

    def _read_and_report(self, reader: _ReaderState) -> None:
        """Read the card just inserted and report it. A card pulled mid-read is reported as
        CARD_REMOVED, then the card tapped again is looked for (``_read_retap``)."""
        try:
            self._emit(self._read_card(reader.name))
        except _Pulled:
            self._emit(CardError(CARD_REMOVED, reader.name))
            self._read_retap(reader)

    def _read_retap(self, reader: _ReaderState) -> None:
        """For up to ``retap_seconds``: when pcscd sees the reader empty, the watcher takes the
        next insertion as usual; while it still reports the card present (a tap again within
        its poll), connect and read again, waiting on the reader's state between tries."""
        deadline = time.monotonic() + self.retap_seconds
        while not self._stop.is_set() and time.monotonic() < deadline:
            hresult, states = scard.SCardGetStatusChange(
                self._context, RETAP_POLL_MS, [(reader.name, reader.event_state)]
            )
            code = _code(hresult)
            if code == SCARD_OK:
                state = states[0][1] & ~scard.SCARD_STATE_CHANGED
                if not state & scard.SCARD_STATE_PRESENT:
                    reader.event_state = state
                    reader.card_present = False  # the next insertion reads as a new card
                    self._emit(CardRemoved(reader.name))
                    return
                counted = _events(state) != _events(reader.event_state)
                reader.event_state = state
                if counted:  # pcscd saw it go and come back: a new card, read it now
                    self._read_and_report(reader)
                    return
            elif code not in (E_TIMEOUT, E_CANCELLED):
                raise PcscError(hresult, "watching readers")
            try:
                self._emit(self._read_card(reader.name, retap=True))
                return
            except _Pulled:
                continue  # not back yet (or pulled again): keep looking until the deadline

    def _read_card(self, reader_name: str, *, retap: bool = False) -> CardRead | CardError:
        """The card's number, or why it cannot be read; raises _Pulled when the card is gone
        (before the connect or during the read). ``retap``: one connect try, and a card not
        powered up yet counts as not there yet."""
        try:
            card, protocol = self._connect(reader_name, 1 if retap else None)
        except PcscError as error:
            if error.hresult in PULLED_MID_READ or (retap and error.hresult in CONNECT_RETRYABLE):
                raise _Pulled from error
            log.info("card on %s: %s", reader_name, error)
            return CardError(_connect_failure_message(error), reader_name)
        try:
            number = self.profile.read_card_number(_PcscChannel(card, protocol))
        except CardReadError as error:
            return CardError(str(error), reader_name)
        except PcscError as error:
            log.info("card on %s: %s", reader_name, error)
            if error.hresult in PULLED_MID_READ:
                raise _Pulled from error
            return CardError(_transmit_failure_message(error), reader_name)
        finally:
            scard.SCardDisconnect(card, scard.SCARD_LEAVE_CARD)
        return CardRead(number, reader_name)


def _connect_failure_message(error: PcscError) -> str:
    """What the cashier reads; the PC/SC code itself goes to the log."""
    if error.hresult == W_UNRESPONSIVE:
        return "The card does not respond (mute card). Take it out and insert it again."
    if error.hresult == W_UNPOWERED:
        return "The card could not be powered up. Take it out and insert it again."
    return "Could not connect to the card. Tap again."


def _transmit_failure_message(error: PcscError) -> str:
    if error.hresult == W_UNRESPONSIVE:
        return "The card stopped responding (mute card). Take it out and insert it again."
    return "The card could not be read. Tap again."


def build_card_reader(cfg: dict[str, Any], on_event: EventCallback) -> PcscCardReader | None:
    """Card reader from a plain config mapping; `kind: none` (or no kind) disables it.

    Keys: kind ("pcsc" | "none"), reader (name filter), profile ("uid" | "loyalty_app"),
    aid (hex, for loyalty_app), connect_attempts.
    """
    values = ConfigReader("card_reader", cfg)
    kind = values.choice("kind", ("pcsc", "none"), "none")
    if kind == "none":
        values.finish()
        return None
    profile = build_read_profile(
        values.choice("profile", ("uid", "loyalty_app"), "uid"), values.text("aid", "")
    )
    reader = PcscCardReader(
        on_event=on_event,
        profile=profile,
        reader_filter=values.text("reader", ""),
        name=values.text("name", "card_reader"),
        connect_attempts=values.integer("connect_attempts", 3, minimum=1),
    )
    values.finish()
    return reader
