"""``pos-tui quote FILE``: price a self-contained JSON scenario and print the result as JSON.

A thin wrapper: parsing, checking and pricing live in :mod:`pos_tui.engine.scenario`.
``FILE`` may be ``-`` for standard input. Bad JSON, an unknown field or a wrong value prints
``error: <path>: <why>`` on stderr and exits with code 2. The schema is in ``docs/quote.md``.
"""

from __future__ import annotations

import json
from typing import TextIO

import click

from pos_tui.engine.scenario import ScenarioError, parse_scenario, sale_to_json


@click.command("quote")
@click.argument("file", type=click.File("r", encoding="utf-8"))
@click.option("--compact", is_flag=True, help="One line of JSON instead of indented output.")
def quote(file: TextIO, compact: bool) -> None:
    """Price the sale scenario in FILE (JSON; '-' reads stdin) and print it as JSON."""
    try:
        scenario = parse_scenario(file.read())
        result = sale_to_json(scenario.price())
    except ScenarioError as exc:
        click.echo(f"error: {exc}", err=True)
        raise SystemExit(2) from None
    except (TypeError, ValueError) as exc:  # an engine rule the inputs break (e.g. mismatched ids)
        click.echo(f"error: $: {exc}", err=True)
        raise SystemExit(2) from None
    click.echo(json.dumps(result, indent=None if compact else 2, ensure_ascii=False))
