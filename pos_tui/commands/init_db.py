"""``pos-tui init``: create the database and its first manager."""

from __future__ import annotations

import click

from pos_tui.cli import CliState, pass_state
from pos_tui.engine.errors import Refused
from pos_tui.services.runtime.setup import StoreSetup


@click.command("init")
@click.option("--manager-number", default=None, help="Number of a first manager to create.")
@click.option("--manager-name", default="Manager", show_default=True)
@click.option("--manager-pin", default=None, help="PIN of that manager (4-12 digits).")
@pass_state
def init(
    state: CliState, manager_number: str | None, manager_name: str, manager_pin: str | None
) -> None:
    """Create (or bring up to date) the database with the store's basic reference data."""
    backend = state.backend()
    setup = StoreSetup(backend)
    setup.ensure_basics()
    if manager_number:
        if not manager_pin:
            raise click.UsageError("--manager-pin is required with --manager-number")
        try:
            setup.add_employee(manager_number, manager_name, "manager", manager_pin)
        except Refused as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(f"manager {manager_number} created")
    click.echo(f"database ready: {state.settings.database_path()}")
