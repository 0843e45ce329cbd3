"""The ``pos-tui`` command: the lane app, and the tools around it."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pos_tui.services.runtime.backend import Backend

import sys
from pathlib import Path
from typing import Any

import click

from pos_tui.config import ConfigError, Settings, load_settings


class CliState:
    """What the group options decided, handed to every subcommand."""

    def __init__(self, config_file: Path | None, db: Path | None) -> None:
        self.config_file = config_file
        self.db = db
        self._settings: Settings | None = None

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            overrides: dict[str, Any] = {}
            if self.db is not None:
                overrides["database"] = {"path": str(self.db)}
            try:
                self._settings = load_settings(self.config_file, **overrides)
            except ConfigError as exc:
                raise click.ClickException(str(exc)) from None
        return self._settings

    def backend(self) -> Backend:
        from pos_tui.services.runtime.backend import open_backend

        try:
            return open_backend(self.settings)
        except OSError as exc:
            raise click.ClickException(f"cannot open the database: {exc}") from None


pass_state = click.make_pass_decorator(CliState)


class StorageExit(click.ClickException):
    """The database could not be used (a full disk, a lock held too long, a read-only file, an
    I/O error): one line naming the file and what to do, exit code 2, no traceback."""

    exit_code = 2


class LaneGroup(click.Group):
    """Attaches the subcommands of :mod:`pos_tui.commands` the first time one is looked up, so
    opening the lane (no subcommand) never imports them. A storage fault in any command or at
    the lane's start ends in :class:`StorageExit`."""

    _attached = False

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except Exception as exc:
            from pos_tui.storage.errors import fault_of

            fault = fault_of(exc)
            if fault is None:
                raise
            raise StorageExit(fault.for_command) from None

    def _attach(self, name: str | None = None) -> None:
        """Attach the subcommand ``name`` (all of them when it is None or unknown)."""
        if not self._attached:
            from pos_tui.commands import register

            if name is None or not register(self, name):
                register(self)
                self._attached = True

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands:
            self._attach(cmd_name)
        return super().get_command(ctx, cmd_name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        self._attach()
        return super().list_commands(ctx)


@click.group(cls=LaneGroup, invoke_without_command=True)
@click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="A TOML config file read after the shipped defaults and the user file.",
)
@click.option(
    "--db",
    type=click.Path(dir_okay=False, path_type=Path),
    envvar="POS_TUI_DB",
    help="The database file (overrides [database] path).",
)
@click.version_option(package_name="pos-tui")
@click.pass_context
def cli(ctx: click.Context, config_file: Path | None, db: Path | None) -> None:
    """pos-tui: a customer-aware point-of-sale lane. With no command, opens the lane."""
    ctx.obj = CliState(config_file, db)
    if ctx.invoked_subcommand is None:
        ctx.invoke(run)


@cli.command()
@pass_state
def run(state: CliState) -> None:
    """Open the lane (the default)."""
    from pos_tui.app import run_app

    settings = state.settings
    if not settings.database_path().exists():
        raise click.ClickException(
            f"no database at {settings.database_path()}: run 'pos-tui init' or 'pos-tui demo' first"
        )
    run_app(settings)


@cli.command()
@pass_state
def paths(state: CliState) -> None:
    """Show the config files read and the database in use."""
    from pos_tui.config import user_config_file

    s = state.settings
    click.echo(f"user config: {user_config_file()}")
    for source in s.sources:
        click.echo(f"read:        {source}")
    click.echo(f"database:    {s.database_path()}")


def main() -> None:
    try:
        cli(prog_name="pos-tui")
    except KeyboardInterrupt:
        sys.exit(130)
