"""``pos-tui quote FILE``: price a self-contained JSON scenario and print the result as JSON.

A thin wrapper: parsing, checking and pricing live in :mod:`pos_tui.engine.scenario`.
``FILE`` may be ``-`` for standard input. Bad input of any kind - not UTF-8, too long, bad JSON,
a key given twice, an unknown field, a value out of bounds - prints one line
``error: <path>: <why>`` on stderr and exits with code 2, never a traceback. The schema and the
bounds are in ``docs/quote.md``.
"""

from __future__ import annotations

import json
from typing import BinaryIO

import click

from pos_tui.engine.scenario import MAX_INPUT_CHARS, ScenarioError, parse_scenario, sale_to_json

# Longest error line: a message quotes at most a short piece of the input.
_MAX_MESSAGE = 300
# Control characters (C0, DEL, C1) are written as escapes: a message never moves the cursor,
# clears the screen or recolours the terminal it is printed on.
_CONTROLS = {c: f"\\x{c:02x}" for c in (*range(0x20), *range(0x7F, 0xA0))}


def one_line(message: str) -> str:
    """``message`` as one short printable line."""
    text = message.translate(_CONTROLS)
    return text if len(text) <= _MAX_MESSAGE else text[: _MAX_MESSAGE - 3] + "..."


def _fail(message: str, code: int = 2) -> SystemExit:
    click.echo(f"error: {one_line(message)}", err=True)
    return SystemExit(code)


def read_scenario(file: BinaryIO) -> str:
    """The file's text: UTF-8 (a byte order mark is allowed), at most MAX_INPUT_CHARS."""
    # Four bytes per character at most: read no more than a too-long text could need.
    data = file.read(MAX_INPUT_CHARS * 4 + 1)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ScenarioError(f"$: the file is not UTF-8 text (byte {exc.start})") from None
    if len(text) > MAX_INPUT_CHARS:
        raise ScenarioError(f"$: the scenario is longer than {MAX_INPUT_CHARS} characters")
    return text


@click.command("quote")
@click.argument("file", type=click.File("rb"))
@click.option("--compact", is_flag=True, help="One line of JSON instead of indented output.")
def quote(file: BinaryIO, compact: bool) -> None:
    """Price the sale scenario in FILE (JSON; '-' reads stdin) and print it as JSON."""
    try:
        scenario = parse_scenario(read_scenario(file))
        result = sale_to_json(scenario.price())
    except ScenarioError as exc:
        raise _fail(str(exc)) from None
    except (TypeError, ValueError) as exc:  # an engine rule the inputs break (e.g. mismatched ids)
        raise _fail(f"$: {exc}") from None
    except Exception as exc:  # a fault of ours, not of the input: said in one line, exit 1
        raise _fail(f"could not price the scenario ({type(exc).__name__}): please report it", 1) from None  # fmt: skip
    click.echo(json.dumps(result, indent=None if compact else 2, ensure_ascii=False))
