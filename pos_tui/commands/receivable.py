"""``pos-tui receivable``: payments on account, subscriptions and service charges."""

from __future__ import annotations

import datetime as dt

import click

from pos_tui.cli import CliState, pass_state
from pos_tui.services.accounts.receivable import Posting, ReceivableError, ReceivableService
from pos_tui.storage.customers import display_name
from pos_tui.text import plain


@click.group("receivable")
def receivable() -> None:
    """Customer accounts: balances, payments, subscriptions, service charges."""


def _customer_id(state: CliState, account: str) -> int:
    row = state.backend().customers.by_account(account, active_only=False)
    if row is None:
        raise click.ClickException(f"no customer with account number {account}")
    return int(row["id"])


@receivable.command("show")
@click.argument("account")
@pass_state
def show(state: CliState, account: str) -> None:
    """The account's history and balance."""
    b = state.backend()
    cid = _customer_id(state, account)
    row = b.customers.get(cid)
    assert row is not None
    click.echo(f"{plain(display_name(row))}  account {plain(account)}  limit {row['credit_limit']}")
    for e in b.ledgers.receivable_entries(cid):
        who = f"  by {plain(e['employee_name'])}" if e["employee_name"] else ""
        if e["approver_name"]:
            who += f", approved by {plain(e['approver_name'])}"
        click.echo(
            f"{e['posted_at']}  {e['entry_type']:<14} {e['amount']:>12}  due {e['due_date'] or '-':<10}  "
            f"{plain(e['reference'] or '')}{who}"
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


def _moment(text: str) -> dt.datetime:
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        raise click.BadParameter(f"{text!r} is not an ISO date or datetime") from None
