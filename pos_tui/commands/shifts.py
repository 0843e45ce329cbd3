"""``pos-tui shifts``: the shifts and Z reports of the lanes, listed, shown and exported."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import click

from pos_tui.cli import CliState, pass_state
from pos_tui.text import plain

if TYPE_CHECKING:
    from pos_tui.storage.shifts import Shift


@click.group("shifts")
def shifts() -> None:
    """Shifts and Z reports per lane and date."""


def _date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)") from None


@shifts.command("list")
@click.option("--lane", default=None, help="Only this lane.")
@click.option("--date", "on", default=None, help="Only shifts opened on this day (YYYY-MM-DD).")
@pass_state
def list_(state: CliState, lane: str | None, on: str | None) -> None:
    """One line per shift: lane, opened, status, Z number, net sales, over/short, grand total."""
    from pos_tui.services.shifts.listing import shift_rows

    rows = shift_rows(state.backend(), lane_id=lane, on=_date(on))
    click.echo(f"{'shift':>5}  {'lane':<6} {'opened':<16}  {'status':<6}  {'Z':>4}  "
               f"{'net sales':>12}  {'over/short':>10}  {'grand total':>12}")  # fmt: skip
    for r in rows:
        click.echo(
            f"{r['shift']:>5}  {plain(r['lane']):<6} {r['opened_at'].replace('T', ' ')[:16]:<16}  "
            f"{r['status']:<6}  {r['z_number']:>4}  {r['net_sales']:>12}  {r['over_short']:>10}  "
            f"{r['grand_total']:>12}"
        )


@shifts.command("export")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--lane", default=None, help="Only this lane.")
@click.option("--date", "on", default=None, help="Only shifts opened on this day (YYYY-MM-DD).")
@pass_state
def export(state: CliState, path: Path, lane: str | None, on: str | None) -> None:
    """Write the shifts and their Z figures as CSV."""
    from pos_tui.services.shifts.listing import shift_rows, to_csv

    rows = shift_rows(state.backend(), lane_id=lane, on=_date(on))
    path.write_text(to_csv(rows), encoding="utf-8")
    click.echo(f"{len(rows)} shifts written to {path}")


@shifts.command("show")
@click.argument("shift_id", type=int)
@pass_state
def show(state: CliState, shift_id: int) -> None:
    """A closed shift's Z report as sealed in the journal (an open one's X report now)."""
    from pos_tui.services.checkout.errors import CheckoutError
    from pos_tui.services.shifts.report_text import as_text, report_lines
    from pos_tui.services.shifts.service import ShiftService

    backend = state.backend()
    row: Shift | None = backend.shifts.get(shift_id)
    if row is None:
        raise click.ClickException(f"There is no shift {shift_id}")
    svc = ShiftService(backend)
    try:
        if row.z_sale_id is not None:
            data = svc.z_report(row.z_sale_id).data
        else:
            figures = svc.figures(row).as_json()
            data = {
                "report": "X",
                "shift_id": shift_id,
                "lane_id": row.lane_id,
                "store_id": row.store_id,
                "opened_at": row.opened_at,
                "opened_by": "",
                "at": backend.timestamp(),
                "by": "pos-tui shifts show",
                "figures": figures,
            }
    except CheckoutError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(plain(as_text(report_lines(data), 48), multiline=True))
