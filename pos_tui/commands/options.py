"""``pos-tui options``: the store options of the back office's Store options screen."""

from __future__ import annotations

import getpass

import click

from pos_tui.cli import CliState, pass_state
from pos_tui.services.backoffice.store_options import OPTIONS, StoreOptionsService
from pos_tui.services.customers.fields import FieldError
from pos_tui.text import plain


class OptionRefused(click.ClickException):
    """A bad key or value: exit 2, like a usage error, with the service's message."""

    exit_code = 2


@click.group("options")
def options() -> None:
    """Store options: card status validation, method of input, track in/out, engine policy."""


@options.command("list")
@pass_state
def list_(state: CliState) -> None:
    """Every option: key, value, default and label (* where the value is not the default)."""
    values = StoreOptionsService(state.backend()).values()
    width = max(len(o.key) for o in OPTIONS)
    click.echo(f"  {'key':<{width}}  {'value':<15}  {'default':<15}  label")
    for o in OPTIONS:
        value = values[o.key]
        mark = "*" if value != o.default else " "
        label = o.label if o.label.lower() == o.group.lower() else f"{o.group}: {o.label}"
        click.echo(f"{mark} {o.key:<{width}}  {plain(value):<15}  {o.default:<15}  {label}")


@options.command("set")
@click.argument("key")
@click.argument("value")
@pass_state
def set_(state: CliState, key: str, value: str) -> None:
    """Change one option (validated as in the back office; audited as a command-line change)."""
    service = StoreOptionsService(state.backend())
    try:
        changed = service.save({key: value}, None, source="cli", actor=_os_user())
    except FieldError as exc:
        raise OptionRefused(exc.message) from None
    if not changed:
        click.echo(f"{key} is already {plain(service.values()[key.strip()])}")
        return
    for name, (old, new) in changed.items():
        click.echo(f"{name}: {plain(old)} -> {plain(new)}")


def _os_user() -> str | None:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return None
