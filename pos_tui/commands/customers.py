"""``pos-tui customers``: find, import and export customers."""

from __future__ import annotations

import click

from pos_tui.cli import CliState, pass_state
from pos_tui.services.customers.fields import FieldError, search_text
from pos_tui.services.customers.lookup import CustomerLookup
from pos_tui.services.customers.names import display_name
from pos_tui.text import plain

# Commands of their own module, loaded when asked for: a lookup from the shell does not load
# the CSV import and export (nor their progress bars).
_IO_COMMANDS = frozenset({"import", "export"})


class CustomersGroup(click.Group):
    """``customers``, whose ``import`` and ``export`` are attached on first use."""

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in _IO_COMMANDS and cmd_name not in self.commands:
            _attach_io(self)
        return super().get_command(ctx, cmd_name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        _attach_io(self)
        return super().list_commands(ctx)


def _attach_io(group: click.Group) -> None:
    from pos_tui.commands.customers_io import attach

    attach(group)


@click.group("customers", cls=CustomersGroup)
def customers() -> None:
    """Find, import and export customers."""


@customers.command("find")
@click.argument("text")
@click.option("--limit", default=20, show_default=True)
@pass_state
def find(state: CliState, text: str, limit: int) -> None:
    """Find by mobile, card, account number or name prefix (active customers only).

    Exit 1: nobody found; 2: the text cannot be searched (over 200 characters, control
    characters, or bytes that are not UTF-8)."""
    try:
        text = search_text(text)
    except FieldError as exc:
        click.echo(f"error: {exc.message}", err=True)
        raise SystemExit(2) from None
    rows = CustomerLookup(state.backend()).find(text, limit=limit)
    if not rows:
        click.echo("no customer found", err=True)
        raise SystemExit(1)
    for row in rows:
        click.echo(
            f"{plain(row.account_number):>10}  {plain(display_name(row)):<32}  "
            f"{plain(row.mobile or ''):<15}  {plain(row.card_number or '')}"
        )


@customers.command("phones")
@pass_state
def phones_report(state: CliState) -> None:
    """List the mobiles not stored in E.164: those migration 0015 could not read or found
    shared by two customers, kept as typed for a person to fix (docs/back-office.md).

    Exit 1 when there is any."""
    from pos_tui.storage.phone_migration import not_e164

    backend = state.backend()
    try:
        rows = not_e164(backend.db.conn)
    finally:
        backend.close()
    for r in rows:
        click.echo(
            f"{plain(r.account_number):>10}  id {r.customer_id:<8}  {plain(r.mobile):<20}  "
            f"{plain(r.why)}"
        )
    click.echo(f"{len(rows)} mobile(s) not in E.164", err=True)
    if rows:
        raise SystemExit(1)


@customers.command("erase")
@click.argument("account")
@click.option("--supervisor", "number", required=True, help="The approving supervisor's number.")
@click.option("--pin", prompt="Supervisor PIN", hide_input=True, help="Asked for when not given.")
@pass_state
def erase(state: CliState, account: str, number: str, pin: str) -> None:
    """Erase a customer's personal data on their request (sales, ledgers, journal kept)."""
    from pos_tui.services.customers.erasure import ErasureError, ErasureService
    from pos_tui.services.staff.auth import AuthError, AuthService

    backend = state.backend()
    try:
        try:
            approver = AuthService(backend).authorize(
                number, pin, role="supervisor", reason=f"erase customer {account}"
            )
            done = ErasureService(backend).erase(account, approver=approver, via="cli")
        except (AuthError, ErasureError) as exc:
            raise click.ClickException(plain(getattr(exc, "message", None) or exc)) from None
        removed = ", ".join(f"{n} {what}" for what, n in done.removed.items())
        click.echo(
            f"customer {plain(done.account_number)} erased: {len(done.fields)} fields cleared, "
            f"{removed} removed, {done.audit_rows} audit rows blanked, "
            f"{done.files} statement files deleted"
        )
        checked, broken = backend.journal.verify()
        click.echo(
            f"sales, ledgers and the journal are kept: {checked} sales verified"
            + (f", BROKEN: {broken}" if broken else "")
        )
    finally:
        backend.close()


@customers.command("unlock")
@click.argument("account")
@pass_state
def unlock(state: CliState, account: str) -> None:
    """Clear the account PIN lockout of the customer with this account number; audited."""
    from pos_tui.services.staff.lockout import clear_customer_lock, command_line_note

    backend = state.backend()
    row = backend.customers.by_account(account.strip(), active_only=False)
    if row is None:
        raise click.ClickException(f"no customer with account number {plain(account)}")
    cleared = clear_customer_lock(backend, row.id, by=None, note=command_line_note())
    name = plain(display_name(row))
    click.echo(
        f"PIN lockout of {name} cleared" if cleared else f"{name} has no wrong PINs to clear"
    )
