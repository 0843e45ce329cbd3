"""``pos-tui journal``: the hash-chained sales journal."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from pos_tui.cli import CliState, pass_state
from pos_tui.text import plain

if TYPE_CHECKING:
    from pos_tui.storage.drawer import DrawerJournalEntry


@click.group("journal")
def journal() -> None:
    """Inspect the sales journal."""


@journal.command("verify")
@click.option("--lane", default=None, help="Only this lane (default: every lane).")
@pass_state
def verify(state: CliState, lane: str | None) -> None:
    """Check the hash chain; exit 1 naming the first broken link.

    An intact journal says how its sales are sealed when not all with the current version,
    and lists every re-seal a migration recorded (from which sale, when and why)."""
    check = state.backend().journal.check(lane)
    if check.broken is not None:
        click.echo(
            f"journal BROKEN at {plain(str(check.broken))} "
            f"({check.checked} sales before it are intact)",
            err=True,
        )
        sys.exit(1)
    click.echo(f"journal intact: {check.checked} sales checked")
    if check.z_reports:
        click.echo(f"  Z reports: {check.z_reports} checked (numbers run on, grand totals add up)")
    if set(check.versions) - {2}:
        counts = ", ".join(f"v{v}: {n}" for v, n in sorted(check.versions.items()))
        click.echo(f"  sealed by version: {counts}")
    for reseal in check.reseals:
        click.echo(f"  {plain(str(reseal))}; the original seals are kept and still hold")
    for lane_id, number in check.engine_order:
        click.echo(
            f"  lane {plain(lane_id)} sale {number}: v1 seal taken in the engine's tax order "
            "(written by a pos-tui older than migration 0007); contents unchanged"
        )


@journal.command("drawer")
@click.option("--lane", default=None, help="Only this lane (default: every lane).")
@click.option("--limit", type=click.IntRange(1, 10_000), default=50, show_default=True)
@pass_state
def drawer(state: CliState, lane: str | None, limit: int) -> None:
    """The cash drawer's openings, newest first: each cash sale's kick, every no-sale (who,
    who approved, why), a sale's drawer opened by hand, and drawer tests; with what each did
    (opened, not opened and why, or unknown: the lane was cut off mid-kick)."""
    rows = state.backend().drawer.journal(lane, limit=limit)
    if not rows:
        click.echo("no drawer openings recorded")
        return
    for row in rows:
        click.echo(plain(describe_opening(row)))


def describe_opening(row: DrawerJournalEntry) -> str:
    """One line of the drawer's journal."""
    what = row.reason.replace("_", " ")
    if row.sale_number is not None:
        what += f" {row.lane_id}-{row.sale_number:06d}"
    who = row.employee_name or "command line"
    if row.approver_name:
        who += f", approved by {row.approver_name}"
    outcome = row.state.replace("_", " ")
    if row.route:
        outcome += f" ({row.route})"
    if row.error and row.state != "opened":
        outcome += f": {row.error}"
    note = f' "{row.note}"' if row.note else ""
    return f"#{row.id:<5} {row.requested_at}  {row.lane_id}  {what}{note} · {who} · {outcome}"
