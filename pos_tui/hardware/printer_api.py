"""What the rest of the app sees of a receipt printer: the :class:`ReceiptPrinter` protocol,
its :class:`PrinterStatus` and its one error type, :class:`PrinterError`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

from pos_tui.hardware.device import Device
from pos_tui.hardware.receipt_text import ReceiptDocument


class PrinterError(Exception):
    """A print job or printer request failed. `message` is cashier-facing.

    `retryable`: True when the same job may succeed later unchanged (printer off, paper out,
    connection dropped); False when the job itself cannot be printed (bad barcode data, code
    page unknown to the printer) and retrying would fail the same way.
    """

    def __init__(self, message: str, retryable: bool) -> None:
        super().__init__(message)
        self.message = message
        self.retryable = retryable


@dataclass(frozen=True, slots=True)
class PrinterStatus:
    supported: bool  # False: this connection cannot answer status requests (file, dummy)
    online: bool = True
    paper: Literal["ok", "near_end", "out", "unknown"] = "unknown"
    cover_open: bool = False
    # False: what came back is no status byte at all (e.g. 0xFF, all bits set: a line pulled
    # high with nobody there). Nothing is known then, paper-out least of all.
    answered: bool = True

    @property
    def problem(self) -> str | None:
        """Why a job cannot print now, or None."""
        if not self.supported:
            return None
        if not self.answered:
            return "The printer gives no valid status (no answer): check it is on and connected."
        if self.paper == "out":
            return "The printer is out of paper. Load a new roll."
        if self.cover_open:
            return "The printer cover is open. Close it."
        if not self.online:
            return "The printer is off-line (error or feed button held)."
        return None


class ReceiptPrinter(Device, Protocol):
    def print_receipt(self, document: ReceiptDocument) -> None: ...

    def open_drawer(self, *, within: float | None = None, realtime: bool = True) -> None: ...

    def status(self) -> PrinterStatus: ...
