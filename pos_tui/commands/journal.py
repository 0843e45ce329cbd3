"""``pos-tui journal``: the hash-chained sales journal."""

from __future__ import annotations

import sys

import click

from pos_tui.cli import CliState, pass_state


@click.group("journal")
def journal() -> None:
    """Inspect the sales journal."""


@journal.command("verify")
@click.option("--lane", default=None, help="Only this lane (default: every lane).")
@pass_state
def verify(state: CliState, lane: str | None) -> None:
    """Check the hash chain; exit 1 naming the first broken link."""
    checked, broken = state.backend().journal.verify(lane)
    if broken is None:
        click.echo(f"journal intact: {checked} sales checked")
        return
    click.echo(f"journal BROKEN at {broken} ({checked} sales before it are intact)", err=True)
    sys.exit(1)
