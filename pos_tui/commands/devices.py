"""``pos-tui devices``: the lane's hardware — list, test, watch, and the print queue.

Everything shown comes from devices and the database, so it goes through `plain()`: a scanned
code or a card reader name can never drive the terminal.
"""

from __future__ import annotations

import queue
import time
from datetime import datetime
from typing import Any

import click

from pos_tui.cli import CliState, pass_state
from pos_tui.config import Settings
from pos_tui.services.runtime.devices import device_config
from pos_tui.text import plain

# How long `devices watch` waits for a serial port to open before it starts listing events.
OPEN_WAIT_SECONDS = 3.0

# Devices whose drivers report events (`devices watch`).
WATCHED = ("card_reader", "scanner", "magstripe", "pole_display")
SETTLE_SECONDS = 2.0  # how long `pos-tui devices` lets readers and ports come up


def _device_set(settings: Settings, on_event: Any = None) -> tuple[Any, dict[str, str]]:
    """The configured devices, and the notice of each one left out because its optional library
    (a pos-tui extra) is not installed: as in the lane, the others still work."""
    from pos_tui.hardware.config_values import HardwareConfigError
    from pos_tui.hardware.events import ignore_event
    from pos_tui.hardware.registry import DeviceSet, DriverMissing

    config = device_config(settings)
    missing: dict[str, str] = {}
    while True:
        try:
            return DeviceSet.from_config(config, on_event or ignore_event), missing
        except DriverMissing as exc:
            missing[exc.device] = str(exc)
            config = {**config, exc.device: {"kind": "none"}}
        except (HardwareConfigError, ValueError) as exc:
            raise click.ClickException(f"device configuration: {exc}") from None


def _printer(settings: Settings) -> Any:
    from pos_tui.hardware.config_values import HardwareConfigError
    from pos_tui.hardware.printer_api import PrinterError
    from pos_tui.hardware.registry import DriverMissing, build_device

    try:
        printer = build_device("printer", device_config(settings)["printer"])
    except DriverMissing as exc:
        raise click.ClickException(str(exc)) from None
    except (HardwareConfigError, PrinterError, ValueError) as exc:
        raise click.ClickException(f"device configuration: {exc}") from None
    if printer is None:
        raise click.ClickException(
            f'no receipt printer configured on lane {settings.lane.id} ([devices.printer] kind = "none")'
        )
    return printer


@click.group("devices", invoke_without_command=True)
@click.pass_context
def devices(ctx: click.Context) -> None:
    """The lane's devices and their state; test them, watch their events, the print queue."""
    if ctx.invoked_subcommand is None:
        _list(ctx.ensure_object(CliState))


def _list(state: CliState) -> None:
    from pos_tui.hardware.printer import PrinterError

    settings = state.settings
    device_set, missing = _device_set(settings)
    rows = device_set.describe()
    lane = plain(settings.lane.id)
    if all(row.kind == "none" for row in rows) and not missing:
        click.echo(f"No devices configured on lane {lane}: every [devices.*] kind is none.")
        click.echo(
            "Add [devices.printer], [devices.scanner], ... to the config (docs/hardware.md)."
        )
        return
    device_set.start()
    try:
        deadline = time.monotonic() + SETTLE_SECONDS
        while time.monotonic() < deadline and any(
            row.state in ("starting", "connected") and row.name != "pole_display"
            for row in device_set.describe()
        ):
            time.sleep(0.05)
        states = {row.name: row.state for row in device_set.describe()}
        if device_set.printer is not None:
            try:
                status = device_set.printer.status()
                if not status.supported:
                    states["printer"] = "configured (this connection cannot report status)"
                else:
                    states["printer"] = status.problem or f"ready (paper {status.paper})"
            except PrinterError as exc:
                states["printer"] = exc.message
        if device_set.pole_display is not None and states["pole_display"] == "starting":
            states["pole_display"] = "idle (the port opens with the first frame)"
    finally:
        device_set.stop()
    kinds = {
        name: str(section.get("kind", "none")) for name, section in device_config(settings).items()
    }
    table = [
        (row.name, plain(kinds.get(row.name, "?")), "-", missing[row.name])
        if row.name in missing
        else (
            row.name,
            plain(row.kind),
            "-" if row.kind == "none" else plain(row.target),
            "disabled" if row.kind == "none" else plain(states.get(row.name, row.state)),
        )
        for row in rows
    ]
    width = max(len(target) for _, _, target, _ in table)
    click.echo(f"Devices on lane {lane}:")
    for name, kind, target, shown in table:
        click.echo(f"  {name:<13} {kind:<9} {target:<{width}}  {shown}")


@devices.command("test")
@click.argument("device", type=click.Choice(["printer", "drawer"]))
@pass_state
def test(state: CliState, device: str) -> None:
    """Print a test page (printer) or open the cash drawer (drawer: its own port, or through
    the printer; recorded in the drawer's openings and the audit log)."""
    if device == "drawer":
        _test_drawer(state)
        return
    from pos_tui.hardware.printer import PrinterError
    from pos_tui.services.checkout.receipts import build_test_page

    settings = state.settings
    printer = _printer(settings)
    where = plain(f"{printer.kind} {printer.target}")
    try:
        at = datetime.now().isoformat(timespec="seconds")
        printer.print_receipt(build_test_page(settings, f"{printer.kind} {printer.target}", at))
        click.echo(f"Test page printed on {where}.")
    except PrinterError as exc:
        raise click.ClickException(f"printer test failed: {plain(exc.message)}") from None


def _test_drawer(state: CliState) -> None:
    from pos_tui.hardware.cash_drawer import DrawerError
    from pos_tui.services.checkout.drawer import DrawerRefused, DrawerService

    settings = state.settings
    drawer = _device_set(settings)[0].cash_drawer
    if drawer is None:
        raise click.ClickException(
            f"no cash drawer on lane {plain(settings.lane.id)}: [devices.drawer] has no port of "
            "its own and no receipt printer is configured"
        )
    where = plain(drawer.target)
    if not settings.database_path().exists():  # an installer's check before the lane is set up
        try:
            drawer.open(drawer.timeout)
        except DrawerError as exc:
            raise click.ClickException(f"drawer test failed: {plain(exc.message)}") from None
        click.echo(f"Cash drawer opened {where} (not recorded: no database yet).")
        return
    backend = state.backend()
    try:
        result = DrawerService(backend, drawer).open(
            "test", employee_id=None, audit={"action": "drawer_test", "changes": {}}
        )
    except DrawerRefused as exc:
        raise click.ClickException(plain(exc.message)) from None
    finally:
        backend.close()
    if not result.opened:
        raise click.ClickException(f"drawer test failed: {plain(result.message)}")
    click.echo(f"Cash drawer opened {where}.")


def describe_event(event: Any) -> str:
    """One line per driver event; device data through plain()."""
    from pos_tui.hardware.events import (
        CardError,
        CardRead,
        CardRemoved,
        DeviceStatus,
        LineDropped,
        ReaderStatus,
        Scan,
        Swipe,
    )

    if isinstance(event, CardRead):
        return f"card    {plain(event.card_number)}  ({plain(event.reader)})"
    if isinstance(event, CardRemoved):
        return f"card    removed  ({plain(event.reader)})"
    if isinstance(event, CardError):
        return f"card    error: {plain(event.message)}  ({plain(event.reader)})"
    if isinstance(event, ReaderStatus):
        return f"reader  {'ready' if event.ready else 'not ready'}: {plain(event.message)}"
    if isinstance(event, Scan):
        return f"scan    {plain(event.code)}  ({plain(event.device)})"
    if isinstance(event, Swipe):
        # The card number only: raw track data carries the holder's name and expiry.
        return f"swipe   {plain(event.card_number)}  ({plain(event.device)})"
    if isinstance(event, DeviceStatus):
        online = "online" if event.online else "offline"
        return f"status  {plain(event.device)} {online}: {plain(event.message)}"
    if isinstance(event, LineDropped):
        return f"dropped {plain(event.message)}  ({plain(event.device)})"
    return plain(repr(event))


@devices.command("watch")
@click.option(
    "--seconds",
    type=click.FloatRange(min=0, min_open=True),
    default=None,
    help="Stop after this many seconds (default: until Ctrl-C).",
)
@pass_state
def watch(state: CliState, seconds: float | None) -> None:
    """Start the devices and print their events (cards, scans, swipes, status) as they come."""
    events: queue.Queue[Any] = queue.Queue()
    device_set, missing = _device_set(state.settings, events.put)
    for notice in missing.values():
        click.echo(notice, err=True)
    watched = [row.name for row in device_set.describe() if row.name in WATCHED]
    watched = [name for name in watched if getattr(device_set, name) is not None]
    if not watched:
        raise click.ClickException(
            "nothing to watch: no card reader, serial scanner, magstripe reader or pole display "
            "is configured"
        )
    device_set.start()
    try:
        # Serial ports open on their own threads, and opening one flushes its input: say
        # "Watching" only once they listen (a port that cannot open reports its status).
        for name in watched:
            wait_open = getattr(getattr(device_set, name), "wait_open", None)
            if wait_open is not None:
                wait_open(OPEN_WAIT_SECONDS)
        click.echo(f"Watching {', '.join(watched)}. Ctrl-C stops.")
        deadline = None if seconds is None else time.monotonic() + seconds
        while deadline is None or time.monotonic() < deadline:
            wait = 0.2 if deadline is None else max(0.0, min(0.2, deadline - time.monotonic()))
            try:
                event = events.get(timeout=wait)
            except queue.Empty:
                continue
            click.echo(f"{datetime.now():%H:%M:%S} {describe_event(event)}")
    except KeyboardInterrupt:
        pass
    finally:
        device_set.stop()
    # Events that arrived before the devices stopped are still printed, not dropped.
    while not events.empty():
        click.echo(f"{datetime.now():%H:%M:%S} {describe_event(events.get_nowait())}")
    click.echo("Stopped.")


@devices.command("queue")
@click.option("--retry", is_flag=True, help="Try to print the waiting jobs now.")
@click.option("--cancel", "cancel", type=int, default=None, metavar="JOB", help="Take a job off.")
@click.option("--by", "by", default=None, metavar="NUMBER", help="The supervisor who cancels.")
@click.option("--reason", default="", help="Why the job is cancelled (audit log).")
@pass_state
def print_queue(
    state: CliState, retry: bool, cancel: int | None, by: str | None, reason: str
) -> None:
    """List this lane's print jobs not printed yet; --retry prints them (jobs a stopped lane
    was cut off in the middle of print again as late copies); --cancel JOB --by NUMBER takes
    one off the queue with a supervisor's PIN (asked for), audited."""
    from pos_tui.services.checkout.printing import PrintQueue

    settings = state.settings
    if not settings.database_path().exists():
        raise click.ClickException(f"no database at {settings.database_path()}")
    backend = state.backend()
    try:
        lane = plain(settings.lane.id)
        if cancel is not None:
            _cancel(PrintQueue(backend, None), cancel, by, reason)
        elif retry:
            jobs = PrintQueue(backend, _printer(settings))
            jobs.recover()
            outcomes = jobs.process()
            for outcome in outcomes:
                click.echo(plain(outcome.message), err=not outcome.printed)
            if not outcomes:
                click.echo(f"Nothing to retry on lane {lane}.")
            _show_jobs(jobs)
            if any(not outcome.printed for outcome in outcomes):
                raise SystemExit(1)
        else:
            _show_jobs(PrintQueue(backend, None))
    finally:
        backend.close()


def _cancel(jobs: Any, job_id: int, by: str | None, reason: str) -> None:
    from pos_tui.services.checkout.printing import CANCEL_ROLE, PrintQueueError
    from pos_tui.services.staff.auth import AuthError, AuthService

    if not by:
        raise click.ClickException(f"--cancel needs --by: the number of a {CANCEL_ROLE}")
    pin = click.prompt(f"PIN of {plain(by)}", hide_input=True, err=True)
    try:
        who = AuthService(jobs.b).authorize(
            by, pin, role=CANCEL_ROLE, reason=f"cancel print job {job_id}"
        )
        what = jobs.cancel(job_id, who, reason or None)
    except (AuthError, PrintQueueError) as exc:
        raise click.ClickException(plain(str(exc))) from None
    click.echo(f"{plain(what)} (job #{job_id}) cancelled by {plain(who.name)}.")


def _show_jobs(jobs: Any) -> None:
    pending = jobs.pending()
    lane = plain(jobs.b.settings.lane.id)
    if not pending:
        click.echo(f"No print jobs waiting on lane {lane}.")
        return
    click.echo(f"{len(pending)} print job(s) waiting on lane {lane}:")
    for job in pending:
        attempts = f"{job.attempts} attempt{'s' if job.attempts != 1 else ''}"
        status = {
            "failed": f"cannot print as written, {attempts} (reprint the sale, or cancel it)",
            "printing": f"printing, {attempts} (cut off if no lane is printing it)",
        }.get(job.status, f"queued, {attempts}")
        if job.late:
            status += ", prints as a LATE COPY"
        click.echo(f"  #{job.id:<5} {plain(jobs.describe(job)):<34} {status}")
        click.echo(f"         queued {plain(job.created_at)}")
        if job.last_error:
            click.echo(f"         last error: {plain(job.last_error)}")
