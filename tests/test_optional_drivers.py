"""A thin terminal installs pos-tui without its `cardreader` and `printer` extras (pyscard,
python-escpos): the lane starts, and a configured device that needs a missing extra says which
extra to install, in the lane and in `pos-tui devices`.

The extras are installed here, so each test makes them unimportable: in this process by
`sys.modules[name] = None`, in a subprocess by a sitecustomize doing the same before pos-tui
starts (both make `import smartcard` raise ModuleNotFoundError, as on a thin terminal).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from pos_tui.app import create_app
from pos_tui.config import load_settings
from pos_tui.hardware.registry import DeviceSet, DriverMissing, build_device
from pos_tui.screens.sign_in import SignInScreen
from pos_tui.services.runtime.backend import open_backend
from tests.app.conftest import settle
from tests.app.helpers_lane import notifications
from tests.helpers import HANG_SECONDS

CARD_READER_MISSING = "Card reader not used: pyscard is not installed — install pos-tui[cardreader]"
PRINTER_MISSING = (
    "Receipt printer not used: python-escpos is not installed — install pos-tui[printer]"
)
# The optional libraries and every pos-tui module that imports them at its top.
OPTIONAL = ("smartcard", "escpos", "usb")
DRIVERS = ("pos_tui.hardware.card_reader",)

DEVICES: dict[str, dict[str, object]] = {
    "card_reader": {"kind": "pcsc", "profile": "uid"},
    # A closed port: nothing is printed, and the printer is never reached in these tests.
    "printer": {"kind": "network", "host": "127.0.0.1", "port": 9},
}


@pytest.fixture
def without_extras(monkeypatch: pytest.MonkeyPatch) -> None:
    """pyscard and python-escpos unimportable in this process, as on a thin terminal."""
    for name in list(sys.modules):
        if name.partition(".")[0] in OPTIONAL or name in DRIVERS:
            monkeypatch.delitem(sys.modules, name)
    for name in OPTIONAL:
        monkeypatch.setitem(sys.modules, name, None)


def _config(tmp_path: Path) -> Path:
    path = tmp_path / "lane.toml"
    path.write_text(
        '[devices.card_reader]\nkind = "pcsc"\nprofile = "uid"\n\n'
        '[devices.printer]\nkind = "network"\nhost = "127.0.0.1"\nport = 9\n'
    )
    return path


def _thin_terminal(tmp_path: Path) -> dict[str, str]:
    """The environment of a subprocess where pyscard and python-escpos cannot be imported."""
    site = tmp_path / "thin-site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(
        f"import sys\nfor name in {OPTIONAL!r}:\n    sys.modules[name] = None\n"
    )
    path = os.pathsep.join(p for p in (str(site), os.environ.get("PYTHONPATH", "")) if p)
    return {**os.environ, "PYTHONPATH": path}


def _pos_tui(env: dict[str, str], *args: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pos_tui", *map(str, args)],
        env=env,
        capture_output=True,
        text=True,
        timeout=HANG_SECONDS,
    )


@pytest.mark.usefixtures("without_extras")
def test_a_device_needing_a_missing_extra_names_the_extra() -> None:
    with pytest.raises(DriverMissing) as card_reader:
        build_device("card_reader", dict(DEVICES["card_reader"]))
    assert str(card_reader.value) == CARD_READER_MISSING
    assert card_reader.value.extra == "cardreader"
    with pytest.raises(DriverMissing) as printer:
        build_device("printer", dict(DEVICES["printer"]))
    assert str(printer.value) == PRINTER_MISSING
    # Devices that need neither extra are built as usual; "none" needs no driver at all.
    built = DeviceSet.from_config({"scanner": {"kind": "keyboard"}, "printer": {"kind": "none"}})
    assert built.printer is None and built.card_reader is None
    assert built.describe()[2].kind == "keyboard"


@pytest.mark.usefixtures("without_extras")
async def test_the_lane_starts_and_says_which_extra_a_configured_device_needs(
    tmp_path: Path,
) -> None:
    settings = load_settings(database={"path": str(tmp_path / "pos.db")}, devices=DEVICES)
    backend = open_backend(settings)
    app = create_app(settings, backend=backend)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            shown = notifications(pilot)
            assert CARD_READER_MISSING in shown and PRINTER_MISSING in shown, shown
            # The lane goes on from the keyboard: the sign-in screen takes a cashier.
            assert isinstance(app.screen, SignInScreen)
    finally:
        backend.close()


def test_pos_tui_devices_on_a_thin_terminal_names_the_extra(tmp_path: Path) -> None:
    env = _thin_terminal(tmp_path)
    config, db = _config(tmp_path), tmp_path / "pos.db"
    probe = subprocess.run(
        [sys.executable, "-c", "import smartcard"], env=env, capture_output=True, text=True
    )
    assert "ModuleNotFoundError" in probe.stderr  # the seam works: no pyscard here

    # The list shows each device left out and why, beside the others.
    listed = _pos_tui(env, "--db", db, "--config", config, "devices")
    assert listed.returncode == 0, listed.stderr
    rows = {line.split()[0]: line for line in listed.stdout.splitlines()[1:]}
    assert rows["card_reader"].endswith(CARD_READER_MISSING)
    assert rows["printer"].endswith(PRINTER_MISSING)
    assert rows["scanner"].split()[1:] == ["none", "-", "disabled"]

    tested = _pos_tui(env, "--db", db, "--config", config, "devices", "test", "printer")
    assert tested.returncode == 1
    assert PRINTER_MISSING in tested.stderr and "Traceback" not in tested.stderr

    # With no device configured, nothing asks for either library.
    bare = _pos_tui(env, "--db", db, "devices")
    assert bare.returncode == 0, bare.stderr
    assert "No devices configured" in bare.stdout


def test_the_extras_add_up_and_the_dev_install_has_them() -> None:
    """`hardware` is `cardreader` plus `printer`, and `dev` (the lock scripts/setup installs)
    has both, so the tests always run with the drivers (spelled out in pyproject.toml)."""
    project = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text())
    extras = project["project"]["optional-dependencies"]
    assert extras["hardware"] == extras["cardreader"] + extras["printer"]
    assert set(extras["hardware"]) <= set(extras["dev"])
    assert not any(
        dep.startswith(("pyscard", "python-escpos")) for dep in project["project"]["dependencies"]
    )


def _check_lock(*args: str) -> subprocess.CompletedProcess[str]:
    script = Path(__file__).parents[1] / "scripts" / "check_lock.py"
    return subprocess.run(
        [sys.executable, str(script), *args], capture_output=True, text=True, check=False
    )


def test_the_committed_locks_hold_what_pyproject_asks_for() -> None:
    """What scripts/setup checks before it trusts the lock: every dependency of the dev and
    hardware installs is pinned at a version pyproject.toml allows."""
    done = _check_lock()
    assert done.returncode == 0, done.stderr


def test_a_dependency_not_yet_locked_stops_the_set_up_naming_it(tmp_path: Path) -> None:
    lock = tmp_path / "lock-dev.txt"
    lock.write_text("textual==8.2.0\n    # via pos-tui\nsqlite-utils==3.0\n")
    done = _check_lock(str(lock), "dev")
    assert done.returncode == 1
    assert "lock-dev.txt has no aiosmtpd (aiosmtpd>=1.4)" in done.stderr
    assert "pins sqlite-utils==3.0, pyproject.toml asks sqlite-utils<5,>=4.2" in done.stderr
    assert "has no textual" not in done.stderr
    assert "run scripts/lock" in done.stderr
