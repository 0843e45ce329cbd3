"""Subcommands of ``pos-tui``, one module each, attached to the group by :func:`register`."""

from __future__ import annotations

from importlib import import_module

import click

# (module, attribute holding the click command or group)
COMMANDS: tuple[tuple[str, str], ...] = (
    ("init_db", "init"),
    ("demo", "demo"),
    ("demo", "demo_credentials"),
    ("customers", "customers"),
    ("employees", "employees"),
    ("journal", "journal"),
    ("devices", "devices"),
    ("quote", "quote"),
    ("receivable", "receivable"),
    ("options", "options"),
)


def register(group: click.Group) -> None:
    for module_name, attr in COMMANDS:
        module = import_module(f"pos_tui.commands.{module_name}")
        group.add_command(getattr(module, attr))
