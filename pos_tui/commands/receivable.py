"""``pos-tui receivable``: payments on account, cash withdrawals, subscriptions, service charges
and statement runs."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import click

from pos_tui.cli import CliState, pass_state
from pos_tui.commands.counter import (
    Staff,
    amount,
    cash_drawer_now,
    customer_id,
    employee_options,
    guarded,
)
from pos_tui.services.accounts.receivable import Posting, ReceivableError, ReceivableService
from pos_tui.services.customers.names import display_name
from pos_tui.text import plain

if TYPE_CHECKING:
    from pos_tui.storage.ledgers import ReceivableListing


@click.group("receivable")
def receivable() -> None:
    """Customer accounts: balances, payments, subscriptions, service charges."""


def _customer_id(state: CliState, account: str) -> int:
    row = state.backend().customers.by_account(account, active_only=False)
    if row is None:
        raise click.ClickException(f"no customer with account number {account}")
    return int(row.id)


@receivable.command("show")
@click.argument("account")
@pass_state
def show(state: CliState, account: str) -> None:
    """The account's history and balance."""
    b = state.backend()
    cid = _customer_id(state, account)
    row = b.customers.get(cid)
    assert row is not None
    click.echo(f"{plain(display_name(row))}  account {plain(account)}  limit {row.credit_limit}")
    entries: list[ReceivableListing] = b.ledgers.receivable_entries(cid)
    for e in entries:
        who = f"  by {plain(e.employee_name)}" if e.employee_name else ""
        if e.approver_name:
            who += f", approved by {plain(e.approver_name)}"
        click.echo(
            f"{e.posted_at}  {e.entry_type:<14} {e.amount!s:>12}  due {e.due_date or '-':<10}  "
            f"{plain(e.reference or '')}{who}"
        )
    click.echo(f"balance {b.customers.receivable_balance(cid)}")


@receivable.command("pay")
@click.argument("account")
@click.argument("amount")
@click.option(
    "--reference", default=None, help="Cheque or PO number (required for some customers)."
)
@pass_state
def pay(state: CliState, account: str, amount: str, reference: str | None) -> None:
    """Take a payment on account."""
    try:
        balance = ReceivableService(state.backend()).take_payment(
            _customer_id(state, account), amount, reference=reference
        )
    except ReceivableError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"payment of {amount} taken; balance now {balance}")


@receivable.command("withdraw")
@click.argument("account")
@click.argument("value", metavar="AMOUNT")
@click.option("--customer-pin", default=None, help="The customer's account PIN.")
@click.option("--reference", default=None, help="The reference the customer must give, if any.")
@employee_options
@pass_state
def withdraw(
    state: CliState,
    account: str,
    value: str,
    customer_pin: str | None,
    reference: str | None,
    **options: Any,
) -> None:
    """Hand out cash against the customer's account (the engine's checks, as at the lane)."""
    from pos_tui.services.accounts.withdrawals import WithdrawalService

    b = state.backend()
    try:
        cid = customer_id(b, account)
        cash = amount(value, b.settings.currency.minor_unit)
        staff = Staff(b, options, f"cash withdrawal on account {account}")
        done = guarded(
            lambda: WithdrawalService(b, staff.employee).withdraw(
                cid, cash, pin=customer_pin, reference=reference, approver=staff.approver
            )
        )
        for message in done.messages:
            click.echo(plain(message))
        click.echo(f"slip queued on lane {plain(b.settings.lane.id)}'s printer")
        drawer = cash_drawer_now(b, done.sale)
        if drawer:
            click.echo(drawer)
    finally:
        b.close()


def _report(postings: list[Posting], dry_run: bool) -> None:
    """One line per customer, the total; exit code 1 when a charge could not be posted."""
    for p in postings:
        if p.failed:
            state = "FAILED"
        else:
            state = "posted" if p.posted else ("would post" if dry_run and p.amount else "skipped")
        click.echo(f"{state:<10} {p.amount:>10}  {plain(p.name)}: {plain(p.reason)}")
    total = sum((p.amount for p in postings if p.posted or dry_run), start=0)
    click.echo(f"{len([p for p in postings if p.posted])} posted, total {total}")
    failed = [p for p in postings if p.failed]
    if failed:
        click.echo(f"{len(failed)} could not be posted: see the lines marked FAILED", err=True)
        raise click.exceptions.Exit(1)


@receivable.command("subscriptions")
@click.option(
    "--on", "on", default=None, help="Moment of the voucher (ISO date or datetime); default now."
)
@click.option("--dry-run", is_flag=True, help="Show what would be charged; post nothing.")
@pass_state
def subscriptions(state: CliState, on: str | None, dry_run: bool) -> None:
    """Post the periodic membership charges of card types with a subscription."""
    b = state.backend()
    moment = _moment(on) if on else b.now()
    _report(ReceivableService(b).post_subscriptions(moment, dry_run=dry_run), dry_run)


@receivable.command("service-charges")
@click.option("--as-of", default=None, help="ISO date; default today.")
@click.option("--dry-run", is_flag=True)
@pass_state
def service_charges(state: CliState, as_of: str | None, dry_run: bool) -> None:
    """Post the annual service charge on past-due balances."""
    b = state.backend()
    day = _moment(as_of).date() if as_of else b.now().date()
    _report(ReceivableService(b).post_service_charges(day, dry_run=dry_run), dry_run)


@receivable.command("statements")
@click.option(
    "--as-of", default=None, help="Statement date (ISO); default the store's latest statement day."
)
@click.option("--no-deliver", is_flag=True, help="Close the period; print and e-mail nothing now.")
@pass_state
def statements(state: CliState, as_of: str | None, no_deliver: bool) -> None:
    """Close the statement period and print / e-mail each customer's statement."""
    from pos_tui.services.accounts.statements import StatementError, StatementRun

    b = state.backend()
    try:
        run = StatementRun(b)
        day = _moment(as_of).date() if as_of else run.default_date()
        try:
            report = run.run(day, deliver=not no_deliver)
        except StatementError as exc:
            raise click.ClickException(exc.message) from None
        _statement_report(report)
        problems = list(report.problems)
        if not no_deliver:
            problems += _print_statements(state, b, report)
        for problem in problems:
            click.echo(plain(problem), err=True)
        if problems:
            raise click.exceptions.Exit(1)
    finally:
        b.close()


def _statement_report(report: Any) -> None:
    what = "closed" if report.new else "already run (nothing closed again)"
    click.echo(f"statements {report.statement_date}: {what}")
    for p in report.service_charges:
        if p.posted:
            click.echo(f"service charge {p.amount:>10}  {plain(p.name)}: {plain(p.reason)}")
    for line in report.lines:
        click.echo(
            f"{plain(line.account):>10}  {plain(line.name)[:24]:<24} brought {line.opening:>10}  "
            f"charges {line.charges:>10}  credits {line.credits:>10}  due {line.closing:>10}"
            f"{' by ' + line.due_date if line.due_date else ''}  "
            f"paper {line.print_status}  e-mail {line.email_status}"
        )
    for message in report.delivered:
        click.echo(plain(message))
    click.echo(f"{len(report.lines)} statements, total due {report.total_due}")


def _print_statements(state: CliState, b: Any, report: Any) -> list[str]:
    """Print the run's queued statements on this lane's printer, when it has one."""
    from pos_tui.hardware.printer import PrinterError, build_printer
    from pos_tui.services.accounts.statements import StatementRun
    from pos_tui.services.checkout.printing import PrintQueue
    from pos_tui.services.runtime.devices import device_config

    jobs = StatementRun(b).queued_jobs(report.run_id)
    if not jobs:
        return []
    try:
        printer = build_printer(device_config(state.settings)["printer"])
    except (PrinterError, ValueError) as exc:
        return [f"{len(jobs)} statements queued, not printed: {exc}"]
    if printer is None:
        click.echo(
            f"{len(jobs)} statements queued on lane {plain(b.settings.lane.id)}'s printer "
            "(none is configured here: the lane prints them, or pos-tui devices queue --retry)"
        )
        return []
    outcomes = PrintQueue(b, printer).process(only=set(jobs))
    for o in outcomes:
        click.echo(plain(o.message), err=not o.printed)
    return [o.message for o in outcomes if not o.printed]


def _moment(text: str) -> dt.datetime:
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        raise click.BadParameter(f"{text!r} is not an ISO date or datetime") from None
