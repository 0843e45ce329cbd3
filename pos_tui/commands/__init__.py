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
    ("orders", "orders"),
    ("options", "options"),
    ("kiosk", "kiosk"),
    ("sync", "sync"),
    ("sync", "hq"),
    ("shifts", "shifts"),
)


def register(group: click.Group, name: str | None = None) -> bool:
    """Attach every subcommand, or only the one called ``name`` (its module alone is
    imported: ``pos-tui kiosk`` starts each SSH session, and loads no demo or import code).
    False when no subcommand has that name."""
    found = False
    for module_name, attr in COMMANDS:
        if name is None or attr.replace("_", "-") == name:
            module = import_module(f"pos_tui.commands.{module_name}")
            group.add_command(getattr(module, attr))
            found = True
    return found
