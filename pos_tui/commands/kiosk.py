"""``pos-tui kiosk``: the locked-down lane an SSH ``ForceCommand`` or a console unit runs."""

from __future__ import annotations

import contextlib
import logging
import os
import pwd
import sys
from typing import NoReturn

import click
import msgspec

from pos_tui.cli import CliState, pass_state

log = logging.getLogger(__name__)


def _leave(code: int) -> NoReturn:
    """Exit without unwinding into the interpreter: whatever the environment said
    (``PYTHONINSPECT``), a kiosk never ends at a Python prompt."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    logging.shutdown()
    os._exit(code)


def _refuse(message: str) -> NoReturn:
    click.echo(message, err=True)
    _leave(1)


@click.command()
@click.option(
    "--lane",
    "lane_option",
    metavar="ID",
    help="The lane this kiosk runs, set by the store (in ForceCommand or a key's command=).",
)
@pass_state
def kiosk(state: CliState, lane_option: str | None) -> None:
    """The lane for SSH kiosks and thin terminals: no shell, no escape (docs/kiosk.md).

    Refuses a session without a terminal or with a command the store did not allow, takes the
    lane from the store's configuration (never from the client), restarts the lane after a
    crash and leaves when the session ends, keeping the open sale.
    """
    from pos_tui.services.runtime.kiosk import KioskRefused, lane_environment, open_session

    try:
        settings = state.settings
    except click.ClickException as error:
        _refuse(f"pos-tui kiosk: {error.format_message()}")
    try:
        session = open_session(
            settings.kiosk,
            configured_lane=settings.lane.id,
            account=pwd.getpwuid(os.getuid()).pw_name,
            environ=os.environ,
            has_terminal=all(os.isatty(fd) for fd in (0, 1, 2)),
            lane_option=lane_option,
        )
    except KioskRefused as refused:
        _refuse(str(refused))
    if not settings.database_path().exists():
        _refuse(f"pos-tui kiosk: no database at {settings.database_path()}")
    environment = lane_environment(os.environ, session)
    os.environ.clear()
    os.environ.update(environment)
    lane = msgspec.structs.replace(settings.lane, id=session.lane_id)
    settings = msgspec.structs.replace(settings, lane=lane)

    from pos_tui.app import configure_logging, run_app
    from pos_tui.services.runtime.kiosk_supervisor import RestartBudget, Supervisor

    try:
        configure_logging()
    except OSError as error:
        _refuse(f"pos-tui kiosk: cannot write the lane's log: {error}")
    log.info(
        "kiosk session: account %s, lane %s (chosen by %s), TERM %s%s",
        session.account,
        session.lane_id,
        session.chosen_by,
        os.environ.get("TERM", "?"),
        ", monochrome" if session.monochrome else "",
    )
    config = settings.kiosk
    supervisor = Supervisor(
        lambda: run_app(settings, kiosk=True),
        budget=RestartBudget(config.restart_limit, config.restart_window_seconds),
        delay=config.restart_delay_seconds,
    )
    _leave(supervisor.run())
