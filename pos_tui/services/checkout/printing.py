"""The durable print queue: jobs written with the sale, printed after commit, retried until printed.

A job is ``queued`` -> ``printing`` -> ``printed``. The attempt is written down (``printing``)
before a byte goes to the printer, so a lane cut off mid-job (power, crash) finds the job at its
next start and prints it again, labelled LATE COPY; so does every job that missed its moment:
one whose attempt failed, the jobs queued behind it, and those waiting when the lane starts.
No job is ever given up: it stays queued until it prints, or until a supervisor cancels it (an
audited act). Only a job that cannot print as written (no sale, bad data) stops retrying
(``failed``); it is still counted, shown and can be cancelled.

Printing never opens the cash drawer: a kick belongs to its sale's moment
(:mod:`pos_tui.services.checkout.drawer`), and a print job may run minutes or a restart later.

A printer that is off, refuses, stalls or runs out of paper leaves the sale committed and the job
queued; the lane is told through ``notify`` and nothing waits on the printer for longer than the
printer's own timeout. Run :meth:`PrintQueue.process` off the UI thread, on its own database
connection (WAL lets it read while the lane writes).
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pos_tui.services.runtime.backend import Backend
from pos_tui.services.staff.auth import Employee
from pos_tui.storage.db import write
from pos_tui.storage.lane_state import PrintJobRow

# The printer driver and the receipt layout load with the first job: a lane without a printer
# and with nothing queued never needs them.
if TYPE_CHECKING:
    from pos_tui.hardware.printer import PrinterError, ReceiptPrinter
    from pos_tui.hardware.receipt_text import ReceiptDocument

log = logging.getLogger(__name__)

# Who may take a job off the queue without printing it.
CANCEL_ROLE = "supervisor"

JOB_NAMES = {
    "receipt": "Receipt",
    "copy": "Customer copy",
    "reprint": "Reprint",
    "test": "Test page",
    "statement": "Statement",
    "report": "Report",
}


class PrintQueueError(Exception):
    """A queue request the lane refuses (cancel by a cashier, a job already printed)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class JobOutcome:
    job_id: int
    sale_id: int | None
    kind: str
    printed: bool
    message: str
    # Printing may work later unchanged (printer off, paper out): the job stays queued.
    retryable: bool = False


class PrintQueue:
    def __init__(
        self,
        backend: Backend,
        printer: ReceiptPrinter | None,
        *,
        notify: Callable[[str, bool], None] | None = None,
        on_waiting: Callable[[int], None] | None = None,
    ) -> None:
        self.b = backend
        self.printer = printer
        # notify(message, is_error): how the lane hears about printing.
        self.notify = notify or (lambda message, error: None)
        # on_waiting(count): the number of this lane's jobs not printed, when it may change.
        self.on_waiting = on_waiting or (lambda count: None)
        self._lock = threading.Lock()  # one process() at a time: no job printed twice

    @property
    def lane(self) -> str:
        return self.b.settings.lane.id

    def reprint(self, sale_id: int) -> int:
        """Queue a reprint of a committed sale (labelled REPRINT); returns the job id."""
        if self.b.journal.get(sale_id) is None:
            raise KeyError(f"no sale {sale_id}")
        return self.b.print_jobs.add(
            lane_id=self.lane,
            kind="reprint",
            document={"sale_id": sale_id},
            at=self.b.timestamp(),
            sale_id=sale_id,
        )

    def pending(self) -> list[PrintJobRow]:
        """This lane's jobs not printed yet, oldest first (queued, printing and failed)."""
        return self.b.print_jobs.pending(self.lane)

    def waiting(self) -> int:
        return self.b.print_jobs.waiting(self.lane)

    def describe(self, job: PrintJobRow) -> str:
        """ "Receipt L1-000042", "Customer copy of L1-000042", "Test page"."""
        name = JOB_NAMES.get(job.kind, job.kind)
        if job.kind == "statement" and "statement_id" in json.loads(job.document):
            from pos_tui.services.accounts.printouts import describe_statement_job

            return f"{name} {describe_statement_job(self.b, json.loads(job.document))}"
        if job.sale_id is None:
            return name
        from pos_tui.services.checkout.receipts import sale_reference

        sale = self.b.journal.get(job.sale_id)
        ref = sale_reference(sale) if sale is not None else f"sale {job.sale_id}"
        return f"{name} {ref}" if job.kind == "receipt" else f"{name} of {ref}"

    def recover(self) -> int:
        """Jobs a lane stopped in the middle of (left ``printing``) are queued again, and all
        jobs waiting from before the start print as late copies. Call once when this lane's
        printing starts, before :meth:`process`."""
        count = self.b.print_jobs.recover(self.lane)
        if count:
            self.notify(
                f"{count} print job(s) were cut off when the lane stopped: they print again, "
                "marked LATE COPY.",
                False,
            )
        return count

    def process(self, only: set[int] | None = None) -> list[JobOutcome]:
        """Try every queued job of this lane once (or the jobs ``only`` names), oldest first.

        Stops at the first retryable failure (the printer is in trouble: later jobs would only
        wait out the same timeout), so a call takes at most about one printer timeout.
        """
        outcomes: list[JobOutcome] = []
        with self._lock:
            self.on_waiting(self.waiting())
            for job in self.pending():
                if job.status != "queued" or (only is not None and job.id not in only):
                    continue  # failed: needs a person; printing: another process has it
                outcome = self._run(job)
                if outcome is None:
                    continue
                outcomes.append(outcome)
                if not outcome.printed and outcome.retryable:
                    if self.printer is not None:
                        self.b.print_jobs.hold_up(self.lane)  # the jobs behind it wait too
                    break
            self.on_waiting(self.waiting())
        return outcomes

    def cancel(self, job_id: int, employee: Employee, reason: str | None = None) -> str:
        """A supervisor takes a job that has not printed off the queue; audited in the same
        transaction. Returns what was cancelled ("Receipt L1-000042")."""
        if not employee.at_least(CANCEL_ROLE):
            raise PrintQueueError(f"Only a {CANCEL_ROLE} may cancel a print job")
        job = self.b.print_jobs.get(job_id)
        if job is None or job.lane_id != self.lane:
            raise PrintQueueError(f"No print job {job_id} on lane {self.lane}")
        what = self.describe(job)
        with write(self.b.db):
            if not self.b.print_jobs.cancel(job_id, self.lane):
                raise PrintQueueError(f"{what} cannot be cancelled: it is {job.status}")
            self.b.store.audit(
                at=self.b.timestamp(),
                entity="print_job",
                entity_id=job_id,
                action="print_job_cancelled",
                changes={
                    "kind": job.kind,
                    "sale_id": job.sale_id,
                    "attempts": job.attempts,
                    "reason": reason or "",
                },
                employee_id=employee.id,
                lane_id=self.lane,
            )
        return what

    # -- internals -----------------------------------------------------------------------------

    def _run(self, job: PrintJobRow) -> JobOutcome | None:
        job_id, kind = job.id, job.kind
        sale_id = job.sale_id if job.sale_id is not None else None
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
        # Written before a byte leaves: a lane cut off from here on prints it again (late).
        if not self.b.print_jobs.start_attempt(job_id, self.b.timestamp()):
            return None
        try:
            self.printer.print_receipt(document)
        except PrinterError as exc:
            return self._failed(job, what, exc)
        self.b.print_jobs.mark_printed(job_id, self.b.timestamp())
        message = f"{what} printed" + (" (late copy)" if job.late else "")
        if job.last_error:
            self.notify(message, False)  # the lane was told it was stuck; now it is out
        return JobOutcome(job_id, sale_id, kind, True, message)

    def _document(self, job: PrintJobRow) -> ReceiptDocument:
        from pos_tui.services.checkout.receipts import build_receipt, build_test_page

        kind = job.kind
        if kind == "test":
            printer = self.printer
            target = f"{printer.kind} {printer.target}" if printer is not None else ""
            return build_test_page(self.b.settings, target, self.b.timestamp())
        if kind == "statement":
            from pos_tui.services.accounts.printouts import statement_receipt

            return statement_receipt(self.b, json.loads(job.document))
        if kind == "report":
            from pos_tui.services.shifts.printouts import report_job_document

            return report_job_document(self.b, job.document)
        if job.sale_id is None:
            raise KeyError(f"a {kind} job without a sale")
        return build_receipt(self.b, job.sale_id, kind, late=bool(job.late))

    def _failed(self, job: PrintJobRow, what: str, error: PrinterError) -> JobOutcome:
        job_id = job.id
        message = f"{what} not printed: {error.message}"
        if error.retryable:
            self.b.print_jobs.requeue(job_id, error.message)
            message += " Kept in the queue: it prints, marked LATE COPY, when the printer is back."
        else:
            self.b.print_jobs.mark_failed(job_id, error.message)
            message += (
                " It cannot be printed as written: reprint the sale, or a supervisor cancels it."
            )
        # Told when something changed, not at every retry of the same fault (the lane bar
        # keeps the count of receipts waiting on screen).
        if job.last_error != error.message:
            self.notify(message, True)
        sale_id = job.sale_id if job.sale_id is not None else None
        return JobOutcome(job_id, sale_id, job.kind, False, message, error.retryable)


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
        on_waiting: Callable[[int], None] | None = None,
        retry_seconds: float = 30.0,
    ) -> None:
        self.lane_queue = PrintQueue(backend, printer, notify=notify)
        self.printer = printer
        self.notify = notify
        self.on_waiting = on_waiting
        self.retry_seconds = retry_seconds
        self._open_backend = open_backend
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self.runs = 0  # process() calls made, for tests and diagnostics

    def start(self) -> None:
        """Start the worker; it prints whatever a previous session left in the queue (jobs it
        was cut off in the middle of as late copies)."""
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

    def cancel(self, job_id: int, employee: Employee, reason: str | None = None) -> str:
        """On the lane's database thread, like :meth:`reprint`; kick() after to recount."""
        return self.lane_queue.cancel(job_id, employee, reason)

    def _run(self) -> None:
        backend = self._open_backend()
        queue = PrintQueue(backend, self.printer, notify=self.notify, on_waiting=self.on_waiting)
        try:
            try:
                queue.recover()
            except Exception:  # the queue still prints what it can
                log.exception("recovering the print queue failed")
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
