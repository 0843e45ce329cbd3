"""The durable print queue: jobs written with the sale, printed after commit, retried later.

A printer that is off, refuses, stalls or runs out of paper leaves the sale committed and the job
pending; the lane is told through `notify` and nothing waits on the printer for longer than the
printer's own timeout. Run :meth:`PrintQueue.process` off the UI thread, on its own database
connection (WAL lets it read while the lane writes).

A cash job kicks the drawer on its first attempt only: a drawer that springs open minutes later,
when a retry finally reaches the printer, would be worse than one the cashier opens by hand.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pos_tui.services.runtime.backend import Backend

# The printer driver and the receipt layout load with the first job: a lane without a printer
# and with nothing queued never needs them.
if TYPE_CHECKING:
    from pos_tui.hardware.printer import PrinterError, ReceiptPrinter
    from pos_tui.hardware.receipt_text import ReceiptDocument

log = logging.getLogger(__name__)

# After this many failed attempts a job stops retrying by itself (it can still be reprinted).
MAX_ATTEMPTS = 5

JOB_NAMES = {
    "receipt": "Receipt",
    "copy": "Customer copy",
    "reprint": "Reprint",
    "test": "Test page",
    "statement": "Statement",
}


@dataclass(frozen=True)
class JobOutcome:
    job_id: int
    sale_id: int | None
    kind: str
    printed: bool
    message: str
    # Printing may work later unchanged (printer off, paper out); False once the job gave up.
    retryable: bool = False


class PrintQueue:
    def __init__(
        self,
        backend: Backend,
        printer: ReceiptPrinter | None,
        *,
        notify: Callable[[str, bool], None] | None = None,
    ) -> None:
        self.b = backend
        self.printer = printer
        # notify(message, is_error): how the lane hears about printing.
        self.notify = notify or (lambda message, error: None)
        self._lock = threading.Lock()  # one process() at a time: no job printed twice

    def reprint(self, sale_id: int) -> int:
        """Queue a reprint of a committed sale (labelled REPRINT); returns the job id."""
        if self.b.journal.get(sale_id) is None:
            raise KeyError(f"no sale {sale_id}")
        return self.b.print_jobs.add(
            lane_id=self.b.settings.lane.id,
            kind="reprint",
            document={"sale_id": sale_id},
            at=self.b.timestamp(),
            sale_id=sale_id,
        )

    def pending(self) -> list[dict[str, Any]]:
        """This lane's jobs not printed yet, oldest first, including those that gave up."""
        return self.b.print_jobs.pending(self.b.settings.lane.id)

    def describe(self, job: dict[str, Any]) -> str:
        """ "Receipt L1-000042", "Customer copy of L1-000042", "Test page"."""
        name = JOB_NAMES.get(str(job["kind"]), str(job["kind"]))
        if job["kind"] == "statement" and "statement_id" in json.loads(job["document"]):
            from pos_tui.services.accounts.printouts import describe_statement_job

            return f"{name} {describe_statement_job(self.b, json.loads(job['document']))}"
        if job["sale_id"] is None:
            return name
        from pos_tui.services.checkout.receipts import sale_reference

        sale = self.b.journal.get(int(job["sale_id"]))
        ref = sale_reference(sale) if sale is not None else f"sale {job['sale_id']}"
        return f"{name} {ref}" if job["kind"] == "receipt" else f"{name} of {ref}"

    def process(self, only: set[int] | None = None) -> list[JobOutcome]:
        """Try every pending job of this lane once (or the jobs ``only`` names), oldest first.

        Stops at the first retryable failure (the printer is in trouble: later jobs would only
        wait out the same timeout), so a call takes at most about one printer timeout.
        """
        outcomes: list[JobOutcome] = []
        with self._lock:
            for job in self.pending():
                if job["status"] == "failed" or (only is not None and int(job["id"]) not in only):
                    continue
                outcome = self._run(job)
                outcomes.append(outcome)
                if not outcome.printed and outcome.retryable:
                    break
        return outcomes

    # -- internals -----------------------------------------------------------------------------

    def _run(self, job: dict[str, Any]) -> JobOutcome:
        job_id, kind = int(job["id"]), str(job["kind"])
        sale_id = int(job["sale_id"]) if job["sale_id"] is not None else None
        what = self.describe(job)
        if self.printer is None:
            message = f"{what} not printed: no receipt printer is configured. Kept in the queue."
            self.notify(message, True)
            return JobOutcome(job_id, sale_id, kind, False, message, retryable=True)
        from pos_tui.hardware.printer import PrinterError

        try:
            document = self._document(job)
        except KeyError as exc:
            error = PrinterError(f"it cannot be built ({exc.args[0]}).", retryable=False)
            return self._failed(job, what, error)
        if job["open_drawer"] and int(job["attempts"]) == 0:
            try:
                self.printer.open_drawer()
            except PrinterError as exc:
                # The receipt would wait out the same fault: one timeout, not two.
                return self._failed(job, what, exc, drawer=True)
        try:
            self.printer.print_receipt(document)
        except PrinterError as exc:
            return self._failed(job, what, exc)
        self.b.print_jobs.mark_printed(job_id, self.b.timestamp())
        message = f"{what} printed"
        if int(job["attempts"]):
            self.notify(message, False)  # the lane was told it was stuck; now it is out
        return JobOutcome(job_id, sale_id, kind, True, message)

    def _document(self, job: dict[str, Any]) -> ReceiptDocument:
        from pos_tui.services.checkout.receipts import build_receipt, build_test_page

        kind = str(job["kind"])
        if kind == "test":
            printer = self.printer
            target = f"{printer.kind} {printer.target}" if printer is not None else ""
            return build_test_page(self.b.settings, target, self.b.timestamp())
        if kind == "statement":
            from pos_tui.services.accounts.printouts import statement_receipt

            return statement_receipt(self.b, json.loads(job["document"]))
        if job["sale_id"] is None:
            raise KeyError(f"a {kind} job without a sale")
        return build_receipt(self.b, int(job["sale_id"]), kind)

    def _failed(
        self, job: dict[str, Any], what: str, error: PrinterError, *, drawer: bool = False
    ) -> JobOutcome:
        attempts = int(job["attempts"]) + 1
        gave_up = not error.retryable or attempts >= MAX_ATTEMPTS
        self.b.print_jobs.mark_failed(int(job["id"]), error.message, final=gave_up)
        message = f"{what} not printed: {error.message}"
        if drawer:
            message += " The cash drawer did not open."
        if not error.retryable:
            message += " Gave up: it cannot be printed as written."
        elif gave_up:
            message += f" Gave up after {attempts} attempts: reprint it from the sale."
        else:
            message += " Kept in the queue to retry."
        self.notify(message, True)
        sale_id = int(job["sale_id"]) if job["sale_id"] is not None else None
        return JobOutcome(
            int(job["id"]), sale_id, str(job["kind"]), False, message, retryable=not gave_up
        )


class PrintWorker:
    """A print queue on its own thread and database connection, for the lane app.

    `kick()` (after each commit; never blocks) makes the worker run `process()`; while jobs wait
    on a printer problem it tries again every `retry_seconds` by itself. `reprint(sale_id)`
    queues a reprint on the caller's backend (the lane's database thread). `notify` is called
    from the worker thread: wrap it with `App.call_from_thread`.
    """

    def __init__(
        self,
        backend: Backend,
        printer: ReceiptPrinter | None,
        *,
        open_backend: Callable[[], Backend],
        notify: Callable[[str, bool], None] | None = None,
        retry_seconds: float = 30.0,
    ) -> None:
        self.lane_queue = PrintQueue(backend, printer, notify=notify)
        self.printer = printer
        self.notify = notify
        self.retry_seconds = retry_seconds
        self._open_backend = open_backend
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self.runs = 0  # process() calls made, for tests and diagnostics

    def start(self) -> None:
        """Start the worker; it prints whatever a previous session left in the queue."""
        if self._thread is not None and self._thread.is_alive():
            return
        self._stopping.clear()
        self._wake.set()
        self._thread = threading.Thread(target=self._run, name="print-queue", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop after the job in hand (at most one printer timeout)."""
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def kick(self) -> None:
        self._wake.set()

    def reprint(self, sale_id: int) -> int:
        return self.lane_queue.reprint(sale_id)

    def _run(self) -> None:
        backend = self._open_backend()
        queue = PrintQueue(backend, self.printer, notify=self.notify)
        try:
            waiting = False
            while True:
                self._wake.wait(self.retry_seconds if waiting else None)
                self._wake.clear()
                if self._stopping.is_set():
                    return
                try:
                    outcomes = queue.process()
                except Exception as exc:  # the worker must outlive a database hiccup
                    log.exception("print queue run failed")
                    if self.notify is not None:
                        self.notify(f"Printing failed, retrying: {exc}", True)
                    outcomes = []
                    waiting = True
                else:
                    # No printer at all: nothing to retry until the lane is reconfigured.
                    waiting = self.printer is not None and any(
                        not o.printed and o.retryable for o in outcomes
                    )
                self.runs += 1
        finally:
            backend.close()
