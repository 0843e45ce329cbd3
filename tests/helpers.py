"""Small helpers shared by tests."""

from __future__ import annotations

from collections.abc import Sequence

from click.testing import CliRunner, Result

from pos_tui.cli import cli
from pos_tui.commands import COMMANDS, register

_registered = False


def cli_runner_invoke(runner: CliRunner, args: Sequence[str], input: str | None = None) -> Result:
    """Invoke ``pos-tui`` in-process with every subcommand attached."""
    global _registered
    if not _registered or len(cli.commands) < len(COMMANDS):
        register(cli)
        _registered = True
    return runner.invoke(cli, list(args), input=input, catch_exceptions=False)
