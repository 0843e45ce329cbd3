"""The statement run (Quasar's statement printing process): close the receivable period up to a
statement date, then deliver each customer's statement on paper and by e-mail.

Closing is one transaction: the service charges on past-due items as of the date, one statement
per customer with entries in the period or a balance brought forward (every ledger entry billed
on exactly one statement), the hard copies queued and the e-mails marked to send, the run row
and its audit row. A crash anywhere in it leaves nothing: the run is done whole or not started.
Delivering comes after the commit and is driven by what the statements say is still pending,
so a second run for the same date changes nothing but finishes what a crash or a mail server
left undone.

Runs are dated on the store's statement days (``engine.statement_day``) and go forward only:
charges of a customer whose grace period counts from the statement date are due that many days
after the statement they are billed on (:mod:`pos_tui.services.accounts.calendar`).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from pos_tui import engine
from pos_tui.engine.errors import Refused
from pos_tui.engine.money import ZERO
from pos_tui.services.accounts.mail import MailError, SmtpMailer, message, recipient
from pos_tui.services.accounts.receivable import Posting, ReceivableService
from pos_tui.services.accounts.statement_text import statement_lines
from pos_tui.services.checkout.engine_inputs import EngineInputs
from pos_tui.services.customers.names import display_name
from pos_tui.services.runtime.backend import Backend
from pos_tui.storage.accounts import Statement, StatementRepository
from pos_tui.storage.customers import CustomerRow
from pos_tui.storage.db import write
from pos_tui.storage.ledgers import ReceivableEntry
from pos_tui.text import plain

log = logging.getLogger(__name__)


class StatementError(Refused, ValueError):
    """A statement run that is refused (nothing was written)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class StatementLine:
    """One customer's statement in a run, as the report shows it."""

    statement_id: int
    customer_id: int
    account: str
    name: str
    opening: Decimal
    charges: Decimal
    credits: Decimal
    closing: Decimal
    due_date: str | None
    print_status: str
    email_status: str
    note: str = ""


@dataclass(frozen=True)
class RunReport:
    statement_date: dt.date
    run_id: int
    # False: the date had been run already; nothing was closed again.
    new: bool
    lines: list[StatementLine]
    service_charges: list[Posting] = field(default_factory=list)
    # What delivering did or could not do, one message each.
    delivered: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def total_due(self) -> Decimal:
        return sum((line.closing for line in self.lines), ZERO)


# Points where tests inject faults inside the closing transaction.
Checkpoint = Callable[[str], None]


def _no_checkpoint(_where: str) -> None:
    return None


class StatementRun:
    def __init__(
        self,
        backend: Backend,
        *,
        inputs: EngineInputs | None = None,
        checkpoint: Checkpoint = _no_checkpoint,
    ) -> None:
        self.b = backend
        self.inputs = inputs or EngineInputs(backend)
        self.repo = StatementRepository(backend.db)
        self.checkpoint = checkpoint

    # -- dates ---------------------------------------------------------------------------------
    def default_date(self) -> dt.date:
        """The store's latest statement day on or before today."""
        return engine.previous_statement_date(self.b.now().date(), self.inputs.settings())

    def check_date(self, as_of: dt.date) -> None:
        """Refuse a date the run cannot close (in words that say which dates can be)."""
        settings = self.inputs.settings()
        today = self.b.now().date()
        if as_of > today:
            raise StatementError(
                f"{as_of} has not ended yet: the latest statement date that can be run is "
                f"{engine.previous_statement_date(today, settings)}"
            )
        if not engine.is_statement_day(as_of, settings):
            day = settings.statement_day
            rule = "the last day of each month" if day == 0 else f"day {day} of each month"
            before = engine.previous_statement_date(as_of, settings)
            after = engine.statement_date_for(as_of, settings)
            raise StatementError(
                f"{as_of} is not a statement day (engine.statement_day = {day}: {rule}); "
                f"the statement dates around it are {before} and {after}"
            )
        last = self.repo.last_run()
        if last is not None and as_of.isoformat() < last.statement_date:
            raise StatementError(
                f"A statement run for {as_of} is before the last run ({last.statement_date}): "
                "statements only go forward"
            )

    # -- the run -------------------------------------------------------------------------------
    def run(
        self,
        as_of: dt.date,
        *,
        employee_id: int | None = None,
        via: str = "cli",
        deliver: bool = True,
    ) -> RunReport:
        """Close the period up to ``as_of`` (once) and deliver what is still pending."""
        self.check_date(as_of)
        existing = self.repo.run_on(as_of.isoformat())
        postings: list[Posting] = []
        if existing is None:
            run_id, postings = self._close(as_of, employee_id=employee_id, via=via)
            new = True
        else:
            run_id, new = existing.id, False
        report = RunReport(as_of, run_id, new, self._lines(run_id), postings)
        if deliver:
            self.deliver(run_id, report)
        return report

    def _close(
        self, as_of: dt.date, *, employee_id: int | None, via: str
    ) -> tuple[int, list[Posting]]:
        b, repo = self.b, self.repo
        at = b.timestamp()
        with write(b.db):
            # Under the write lock: another lane or run cannot close the same date meanwhile.
            if repo.run_on(as_of.isoformat()) is not None:
                raise StatementError(f"Statements for {as_of} were run meanwhile")
            postings = ReceivableService(b, inputs=self.inputs).post_service_charges(as_of)
            failed = [p for p in postings if p.failed]
            if failed:
                raise StatementError(
                    f"The service charge of {failed[0].name} could not be posted "
                    f"({failed[0].reason}): nothing was run"
                )
            self.checkpoint("service charges posted")
            charged = sum((p.amount for p in postings if p.posted), ZERO)
            run_id = repo.add_run(
                {
                    "statement_date": as_of.isoformat(),
                    "run_at": at,
                    "employee_id": employee_id,
                    "via": via,
                    "service_charges": str(charged),
                }
            )
            count = 0
            for customer_id, entries, opening in self._to_state(as_of):
                self._statement(run_id, as_of, customer_id, entries, opening, at)
                count += 1
                self.checkpoint(f"statement {count}")
            repo.set_run_statements(run_id, count)
            b.store.audit(
                at=at,
                entity="statement_run",
                entity_id=run_id,
                action="run",
                changes={
                    "statement_date": as_of.isoformat(),
                    "statements": count,
                    "service_charges": str(charged),
                    "via": via,
                },
                employee_id=employee_id,
                lane_id=b.settings.lane.id,
            )
            self.checkpoint("before commit")
        return run_id, postings

    def _to_state(self, as_of: dt.date) -> list[tuple[int, list[ReceivableEntry], Decimal]]:
        """(customer, entries of the period, balance brought forward) for each customer with
        entries not billed yet or a balance carried from their last statement."""
        by_customer: dict[int, list[ReceivableEntry]] = {}
        for entry in self.repo.unbilled_entries(as_of.isoformat()):
            by_customer.setdefault(entry.customer_id, []).append(entry)
        carried = self._closing_balances()
        ids = sorted(set(by_customer) | {c for c, bal in carried.items() if bal != 0})
        return [(c, by_customer.get(c, []), carried.get(c, ZERO)) for c in ids]

    def _closing_balances(self) -> dict[int, Decimal]:
        return dict(self.repo.last_closing_balances())

    def _statement(
        self,
        run_id: int,
        as_of: dt.date,
        customer_id: int,
        entries: list[ReceivableEntry],
        opening: Decimal,
        at: str,
    ) -> int:
        b = self.b
        customer = b.customers.get(customer_id)
        assert customer is not None
        amounts = [e.amount for e in entries]
        charges = sum((a for a in amounts if a > 0), ZERO)
        credits = sum((a for a in amounts if a < 0), ZERO)
        unit = Decimal(1).scaleb(-b.settings.currency.minor_unit)
        opening, charges, credits = (x.quantize(unit) for x in (opening, charges, credits))
        closing = opening + charges + credits
        hard = "none"
        if customer.statement_print:
            hard = "queued" if b.settings.statements.hard_copy == "printer" else "pending"
        email, email_to, email_error = "none", None, None
        if customer.statement_email:
            email = "pending"
            try:
                email_to = recipient(customer.email)
            except MailError as exc:
                email, email_error = "failed", exc.message
        statement_id = self.repo.add_statement(
            {
                "run_id": run_id,
                "customer_id": customer_id,
                "statement_date": as_of.isoformat(),
                "opening_balance": str(opening),
                "charges": str(charges),
                "credits": str(credits),
                "closing_balance": str(closing),
                "due_date": self._due(customer, as_of, closing),
                "print_status": hard,
                "email_status": email,
                "email_to": email_to,
                "email_error": email_error,
            },
            [e.id for e in entries],
        )
        if hard == "queued":
            job = b.print_jobs.add(
                lane_id=b.settings.lane.id,
                kind="statement",
                document={"statement_id": statement_id},
                at=at,
            )
            self.repo.set_print_job(statement_id, job)
        return statement_id

    def _due(self, customer: CustomerRow, as_of: dt.date, closing: Decimal) -> str | None:
        """When the balance is due: grace from the statement date counts from this one; else
        the earliest due date of the charges still open (oldest settled first)."""
        if closing <= 0:
            return None
        if customer.grace_period_type == "statement_date":
            return (as_of + dt.timedelta(days=int(customer.grace_period_days))).isoformat()
        entries = [
            e
            for e in self.b.ledgers.receivable_entries(int(customer.id))
            if e.posted_at[:10] <= as_of.isoformat()
        ]
        credit = -sum((e.amount for e in entries if e.amount < 0), ZERO)
        for e in entries:
            amount = e.amount
            if amount <= 0:
                continue
            settled = min(amount, credit)
            credit -= settled
            if amount > settled:
                return str(e.due_date or e.posted_at[:10])
        return None

    def _lines(self, run_id: int) -> list[StatementLine]:
        out = []
        for st in self.repo.of_run(run_id):
            row = self.b.customers.get(st.customer_id)
            out.append(
                StatementLine(
                    statement_id=st.id,
                    customer_id=st.customer_id,
                    account=row.account_number if row else "",
                    name=display_name(row) if row else "?",
                    opening=st.opening_balance,
                    charges=st.charges,
                    credits=st.credits,
                    closing=st.closing_balance,
                    due_date=st.due_date,
                    print_status=st.print_status,
                    email_status=st.email_status,
                    note=str(st.email_error or ""),
                )
            )
        return out

    # -- delivering ----------------------------------------------------------------------------
    def deliver(self, run_id: int, report: RunReport | None = None) -> RunReport:
        """Write the statement files and send the e-mails still pending for a run; each one's
        outcome is saved at once, so nothing is delivered twice by the next run."""
        report = report or RunReport(dt.date.min, run_id, False, self._lines(run_id))
        pending = self.repo.pending_deliveries(run_id)
        for st in pending:
            if st.print_status == "pending":
                self._write_file(st, report)
        mails = [st for st in pending if st.email_status == "pending"]
        if mails:
            with SmtpMailer(self.b.settings.smtp) as mailer:
                for st in mails:
                    if not self._send(mailer, st, report):
                        break
        refreshed = self._lines(run_id)
        report.lines[:] = refreshed
        return report

    def _write_file(self, st: Statement, report: RunReport) -> None:
        customer = self.b.customers.get(st.customer_id)
        folder = self.b.settings.statements_dir() / st.statement_date
        path = (
            folder
            / f"{_safe_name(customer.account_number if customer else str(st.customer_id))}.txt"
        )
        text = "\n".join(self.text(st.id, self.b.settings.statements.width)) + "\n"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            temp = path.with_suffix(".tmp")
            temp.write_text(text, encoding="utf-8")
            os.replace(temp, path)
        except OSError as exc:
            report.problems.append(f"statement file {path} not written: {exc.strerror or exc}")
            return
        self.repo.set_delivery(st.id, print_status="written", print_file=str(path))
        report.delivered.append(f"written {path}")

    def _send(self, mailer: SmtpMailer, st: Statement, report: RunReport) -> bool:
        """Send one statement; False when the server cannot take more now (stop trying)."""
        b = self.b
        customer = b.customers.get(st.customer_id)
        name = plain(display_name(customer)) if customer else ""
        store = b.settings.receipt.header[0] if b.settings.receipt.header else "pos-tui"
        sender = b.settings.smtp.sender or f"statements@{b.settings.lane.store_id.lower()}.invalid"
        try:
            to = recipient(st.email_to)
            msg = message(
                sender=sender,
                to=to,
                subject=f"Statement of account {st.statement_date} · {plain(store)}",
                body=f"Dear {name},\n\nyour statement of account is below.\n\n"
                + "\n".join(self.text(st.id, b.settings.statements.width))
                + f"\n\n{plain(store)}\n",
                at=b.now().astimezone(),
            )
            mailer.send(msg)
        except MailError as exc:
            final = exc.permanent
            self.repo.set_delivery(
                st.id,
                email_status="failed" if final else "pending",
                email_error=exc.message,
            )
            report.problems.append(
                f"e-mail to account {customer.account_number if customer else '?'} "
                f"{'failed' if final else 'not sent yet'}: {exc.message}"
            )
            return final
        self.repo.set_delivery(
            st.id, email_status="sent", email_error=None, emailed_at=b.timestamp()
        )
        report.delivered.append(
            f"e-mailed account {customer.account_number if customer else '?'} to {to}"
        )
        return True

    def queued_jobs(self, run_id: int) -> list[int]:
        """The print jobs of a run's hard copies not printed yet."""
        return self.repo.queued_jobs(run_id)

    def text(self, statement_id: int, width: int) -> list[str]:
        """The statement's lines with the store's header."""
        header = [line.center(width).rstrip() for line in self.b.settings.receipt.header]
        return [*header, *statement_lines(self.b, statement_id, width)]


def queue_last_statement(backend: Backend, customer_id: int) -> str:
    """Print the customer's last statement again on this lane's printer; what was done."""
    st = StatementRepository(backend.db).last_statement(customer_id)
    if st is None:
        return "No statement has been run for this customer yet: run statements (back office, s)"
    backend.print_jobs.add(
        lane_id=backend.settings.lane.id,
        kind="statement",
        document={"statement_id": st.id},
        at=backend.timestamp(),
    )
    return f"Statement of {st.statement_date} sent to the printer"


def _safe_name(text: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in text) or "customer"


def statement_document(backend: Backend, statement_id: int, width: int) -> list[str]:
    """For the print queue: the statement at the paper's width."""
    return StatementRun(backend).text(statement_id, width)


__all__ = [
    "RunReport",
    "StatementError",
    "StatementLine",
    "StatementRun",
    "statement_document",
]
