"""``pos-tui employees``: cashiers, supervisors and managers who sign in."""

from __future__ import annotations

import click

from pos_tui.cli import CliState, pass_state
from pos_tui.engine.errors import Refused
from pos_tui.services.runtime.setup import StoreSetup
from pos_tui.services.staff.auth import AuthError, AuthService
from pos_tui.services.staff.lockout import command_line_note
from pos_tui.text import plain


@click.group("employees")
def employees() -> None:
    """List and add the people who sign in to the lane."""


@employees.command("add")
@click.argument("number")
@click.argument("name")
@click.option("--role", type=click.Choice(["cashier", "supervisor", "manager"]), default="cashier")
@click.option("--pin", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--max-discount", default="0", help="Largest discount %% this person may give.")
@pass_state
def add(state: CliState, number: str, name: str, role: str, pin: str, max_discount: str) -> None:
    """Add an employee with a PIN (stored hashed)."""
    try:
        StoreSetup(state.backend()).add_employee(number, name, role, pin, max_discount=max_discount)
    except Refused as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{role} {number} added")


@employees.command("list")
@pass_state
def list_(state: CliState) -> None:
    """List employees (never their PINs)."""
    for row in state.backend().catalog.employees():
        flag = "" if row.active else "  (inactive)"
        click.echo(f"{plain(row.number):>8}  {plain(row.role):<10}  {plain(row.name)}{flag}")


@employees.command("unlock")
@click.argument("number")
@pass_state
def unlock(state: CliState, number: str) -> None:
    """Clear an employee's PIN lockout (too many wrong PINs); audited."""
    try:
        cleared = AuthService(state.backend()).unlock_employee(number, note=command_line_note())
    except AuthError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(
        f"PIN lockout of employee {plain(number)} cleared"
        if cleared
        else f"employee {plain(number)} has no wrong PINs to clear"
    )
