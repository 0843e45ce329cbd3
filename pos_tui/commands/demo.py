"""``pos-tui demo``: fill a database with a deterministic demo store."""

from __future__ import annotations

import time

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from pos_tui.cli import CliState, pass_state
from pos_tui.demo import (
    DEFAULT_SALES,
    DEFAULT_SEED,
    DEMO_CUSTOMER_PIN,
    DEMO_EMPLOYEES,
    DemoError,
    DemoGenerator,
)
from pos_tui.text import plain


@click.command("demo")
@click.option(
    "--customers",
    "n_customers",
    type=click.IntRange(min=0),
    default=1000,
    show_default=True,
    help="How many customers to generate.",
)
@click.option(
    "--seed",
    type=int,
    default=DEFAULT_SEED,
    show_default=True,
    help="Same seed, same data (dates follow today).",
)
@click.option(
    "--sales",
    "n_sales",
    type=click.IntRange(min=0),
    default=DEFAULT_SALES,
    show_default=True,
    help="How many past sales to put in the journal.",
)
@click.option(
    "--force", is_flag=True, help="Add demo data to a database that already has customers."
)
@pass_state
def demo(state: CliState, n_customers: int, seed: int, n_sales: int, force: bool) -> None:
    """Fill the database with a demo store: items, card types, customers and past sales."""
    backend = state.backend()
    generator = DemoGenerator(backend, seed=seed)
    console = Console(stderr=True)
    started = time.perf_counter()
    with Progress(
        TextColumn("{task.description:<10}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        disable=not console.is_terminal,
    ) as progress:
        tasks = {
            "setup": progress.add_task("setup", total=1),
            "customers": progress.add_task("customers", total=n_customers),
            "sales": progress.add_task("sales", total=n_sales),
        }
        try:
            result = generator.run(
                customers=n_customers,
                sales=n_sales,
                force=force,
                progress=lambda stage, n: progress.advance(tasks[stage], n),
            )
        except DemoError as exc:
            raise click.ClickException(str(exc)) from None
    elapsed = time.perf_counter() - started
    click.echo(f"demo data written to {plain(result.database)} in {elapsed:.1f} s (seed {seed})")
    for table, count in result.counts.items():
        click.echo(f"  {table:<20} {count:>9}")
    click.echo("sign in with:")
    for emp in DEMO_EMPLOYEES:
        click.echo(f"  {emp.role:<11} number {emp.number}  PIN {emp.pin}  ({plain(emp.name)})")
    if result.customer_pins:
        click.echo(
            f"  {result.customer_pins} customers on account have the account PIN {DEMO_CUSTOMER_PIN}"
        )


@click.command("demo-credentials")
@pass_state
def demo_credentials(state: CliState) -> None:
    """Print the demo sign-in numbers and PINs (checked against this database)."""
    from pos_tui.services.staff.auth import AuthError, AuthService

    auth = AuthService(state.backend())
    click.echo("Sign in to the demo lane with:")
    for emp in DEMO_EMPLOYEES:
        try:
            auth.sign_in(emp.number, emp.pin)
        except AuthError:
            raise click.ClickException(
                f"demo {emp.role} {emp.number} cannot sign in: not a demo database"
            ) from None
        click.echo(f"  {emp.role:<11} number {emp.number}  PIN {emp.pin}")
