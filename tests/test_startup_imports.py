"""Opening the lane loads only what its first screens need: no subcommand modules, no settings
framework, no device drivers for devices that are off, no back office (README "Performance")."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

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
    "smartcard",
    "serial",
    "escpos",
    "importlib.metadata",  # sqlite-utils plugins are not looked for
)


def test_the_lane_starts_without_what_it_does_not_need(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", _SCRIPT, str(tmp_path / "pos.db")],
        capture_output=True,
        text=True,
        check=True,
    )
    loaded = set(result.stdout.split())
    assert "pos_tui.screens.sign_in" in loaded
    found = sorted(m for m in loaded if any(m == n or m.startswith(n + ".") for n in NEVER))
    assert not found, f"imported at start: {found}"
