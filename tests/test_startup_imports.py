"""Opening the lane loads only what its first screens need: no subcommand modules, no settings
framework, no device drivers for devices that are off, no back office, no image library, no
pricing engine (README "Performance"). A lookup or a quote from the shell loads no Textual."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from pos_tui.services.runtime.backend import Backend
from tests.catalog import build_store

# What `pos-tui` (no subcommand) imports before the sign-in screen, then the devices it opens
# after the first frame, all off as shipped.
_SCRIPT = """
import sys
import pos_tui.cli
from pos_tui.config import load_settings
from pos_tui.app import create_app
from pos_tui.services.runtime.devices import device_config
from pos_tui.services.runtime.lane_devices import LaneDevices
from pos_tui.hardware.events import ignore_event

settings = load_settings(database={"path": sys.argv[1]})
app = create_app(settings)
LaneDevices(settings, ignore_event)
print(" ".join(sorted(sys.modules)))
"""

NEVER = (
    "pydantic",
    "pydantic_settings",
    "pos_tui.commands",
    "pos_tui.screens.backoffice",
    "pos_tui.screens.checkout",  # loaded while the PIN is typed
    "pos_tui.hardware.printer",
    "pos_tui.hardware.card_reader",
    "pos_tui.hardware.pole_display",
    "pos_tui.hardware.serial_lines",
    "pos_tui.screens.customer_search",
    "pos_tui.widgets.backoffice",
    "pos_tui.services.backoffice",
    "pos_tui.services.checkout.sale",  # the print worker and the drawer's are there at start
    "pos_tui.engine.sale",  # the pricing engine comes with the checkout
    "pos_tui.engine.models",
    "smartcard",
    "serial",
    "escpos",
    "PIL",
    "phonenumbers",  # parsed on the first mobile typed
    "importlib.metadata",  # sqlite-utils plugins are not looked for
)


def _loaded(script: str, *args: str) -> set[str]:
    """The modules ``script`` (run in a new interpreter) prints as its last line."""
    result = subprocess.run(
        [sys.executable, "-c", script, *args], capture_output=True, text=True, check=True
    )
    return set(result.stdout.splitlines()[-1].split())


def _among(loaded: set[str], names: tuple[str, ...]) -> list[str]:
    return sorted(m for m in loaded if any(m == n or m.startswith(n + ".") for n in names))


def test_the_lane_starts_without_what_it_does_not_need(tmp_path: Path) -> None:
    loaded = _loaded(_SCRIPT, str(tmp_path / "pos.db"))
    assert "pos_tui.screens.sign_in" in loaded
    found = _among(loaded, NEVER)
    assert not found, f"imported at start: {found}"


# The real app run to its sign-in screen (headless, as the tests run it) and left idle there:
# what it loaded for that screen and after its first frame (the devices, off as shipped).
_TO_SIGN_IN = """
import asyncio, sys
from pos_tui.config import load_settings
from pos_tui.app import create_app
from pos_tui.screens.sign_in import SignInScreen

async def main():
    app = create_app(load_settings(database={"path": sys.argv[1]}))
    async with app.run_test() as pilot:
        while not isinstance(app.screen, SignInScreen):
            await pilot.pause()
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen.query_one("#number").has_focus
    app.backend.close()

asyncio.run(main())
print(" ".join(sorted(sys.modules)))
"""


def test_the_sign_in_screen_shows_without_what_it_does_not_need(backend: Backend) -> None:
    build_store(backend)
    loaded = _loaded(_TO_SIGN_IN, str(backend.settings.database_path()))
    assert "pos_tui.widgets.device_bridge" in loaded  # the devices were opened (all off)
    found = _among(loaded, NEVER)
    assert not found, f"imported by the sign-in screen: {found}"


# `pos-tui ARGS...` in this interpreter; then the modules it loaded.
_COMMAND = """
import sys
from pos_tui.cli import cli
try:
    cli(sys.argv[1:], prog_name="pos-tui")
except SystemExit as end:
    assert not end.code, end.code
print()
print(" ".join(sorted(sys.modules)))
"""

# Neither the lane's UI nor what only other commands use.
NOT_FOR_A_COMMAND = (
    "textual",
    "rich",
    "pos_tui.app",
    "pos_tui.screens",
    "pos_tui.widgets",
    "pos_tui.commands.customers_io",
    "pos_tui.services.checkout",
    "pos_tui.services.backoffice",
    "escpos",
    "smartcard",
    "serial",
    "PIL",
)


def test_a_lookup_from_the_shell_loads_no_textual(backend: Backend) -> None:
    build_store(backend)
    db = str(backend.settings.database_path())
    for typed in ("+919876543210", "98765 43210"):
        script = _COMMAND.replace("print()", "print(flush=True)")
        result = subprocess.run(
            [sys.executable, "-c", script, "--db", db, "customers", "find", typed],
            capture_output=True,
            text=True,
            check=True,
        )
        assert "+919876543210" in result.stdout.splitlines()[0], result.stdout
        found = _among(set(result.stdout.splitlines()[-1].split()), NOT_FOR_A_COMMAND)
        assert not found, f"customers find {typed!r} imported {found}"


def test_a_quote_from_the_shell_loads_no_textual_nor_database(tmp_path: Path) -> None:
    example = Path(__file__).parent.parent / "docs/examples/quote-loyalty-member.json"
    result = subprocess.run(
        [sys.executable, "-c", _COMMAND, "quote", "--compact", str(example)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(result.stdout.splitlines()[0])["kind"] == "sale"
    found = _among(set(result.stdout.splitlines()[-1].split()), (*NOT_FOR_A_COMMAND, "sqlite3"))
    assert not found, f"quote imported {found}"


_OPEN = """
import sys
from pos_tui.config import load_settings
from pos_tui.services.runtime.backend import open_backend

backend = open_backend(load_settings(database={"path": sys.argv[1]}))
print("sqlite_utils" in sys.modules, "customers" in backend.db.table_names())
print(" ".join(sorted(sys.modules)))
"""


def test_a_store_up_to_date_opens_without_sqlite_utils(backend: Backend, tmp_path: Path) -> None:
    """The schema is checked with one read; sqlite-utils comes with the first repository."""
    result = subprocess.run(
        [sys.executable, "-c", _OPEN, str(backend.settings.database_path())],
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.splitlines()[0] == "False True"
    fresh = subprocess.run(
        [sys.executable, "-c", _OPEN, str(tmp_path / "new.db")],
        capture_output=True,
        text=True,
        check=True,
    )
    assert fresh.stdout.splitlines()[0] == "True True"  # a new file is migrated with it
