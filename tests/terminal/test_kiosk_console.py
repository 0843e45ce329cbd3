"""The kiosk on a local terminal, as the shipped systemd files start it (config/kiosk/systemd).

No systemd runs here, so the test starts what systemd would, on a tmux pane as the terminal:
the getty drop-in's ``ExecStart`` (agetty skipping the login and running setpriv, which
becomes the lane's account and runs the kiosk), and the unit's ``ExecStart`` as its ``User=``
with its ``Environment=``. Run as another user than root, only root may switch accounts: the
same command lines run as the test user instead.
"""

from __future__ import annotations

import os
import shlex
from pathlib import Path

import pytest

from tests.hardware.sshd import KIOSK_CONFIG, SHIPPED, SNIPPET, command_line, descendants
from tests.hardware.stacks import wait_until
from tests.terminal.kiosk import LANE, KioskStack, sign_in

pytestmark = [pytest.mark.terminal, pytest.mark.hardware]

SYSTEMD = KIOSK_CONFIG / "systemd"
GETTY_DROP_IN = SYSTEMD / "getty@tty1.service.d" / "pos-tui-kiosk.conf"
UNIT = SYSTEMD / "pos-tui-kiosk@.service"
SHIPPED_ACCOUNT = "lane1"
SHIPPED_DATA_DIR = "/var/lib/pos-tui-kiosk/%i"


def service_lines(path: Path) -> dict[str, list[str]]:
    """The [Service] settings of a unit file, every value of a key in order."""
    values: dict[str, list[str]] = {}
    section = ""
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if line.startswith("[") and line.endswith("]"):
            section = line
        elif section == "[Service]" and "=" in line and not line.startswith("#"):
            key, _, value = line.partition("=")
            values.setdefault(key, []).append(value)
    return values


def forced_command() -> str:
    """The snippet's ForceCommand, less the ``exec`` its ``sh -c`` needs (systemd and
    setpriv run the command with no shell)."""
    line = next(
        line.split(None, 1)[1]
        for line in SNIPPET.read_text().splitlines()
        if line.strip().startswith("ForceCommand")
    )
    return line.removeprefix("exec ")


def for_this_run(text: str, kiosk: KioskStack) -> str:
    for shipped, here in (
        (SHIPPED["pos_tui"], str(kiosk.install.pos_tui)),
        (SHIPPED["config"], str(kiosk.config)),
        (SHIPPED_DATA_DIR, str(kiosk.data)),
        (f"={SHIPPED_ACCOUNT} ", f"={kiosk.account.name} "),
    ):
        text = text.replace(shipped, here)
    return text


def test_the_unit_and_the_getty_drop_in_run_the_same_kiosk_and_restart_it() -> None:
    unit = service_lines(UNIT)
    getty = service_lines(GETTY_DROP_IN)
    [command] = unit["ExecStart"]
    assert command == forced_command()  # one command: ForceCommand, the unit, the getty
    assert forced_command() in getty["ExecStart"][-1]
    assert getty["ExecStart"][0] == ""  # the getty's own agetty line is replaced
    for settings in (unit, getty):
        assert settings["Restart"] == ["always"]
    assert unit["TTYPath"] == ["/dev/%I"] and unit["User"] == [SHIPPED_ACCOUNT]
    assert unit["StandardInput"] == ["tty-force"]


def _getty_command(kiosk: KioskStack) -> list[str]:
    line = for_this_run(service_lines(GETTY_DROP_IN)["ExecStart"][-1], kiosk)
    argv = shlex.split(line.replace("%I", "-").replace("$TERM", "linux"))
    argv[0] = argv[0].removeprefix("-")  # systemd's "ignore the exit status" mark
    if kiosk.account.created:
        return argv
    # Not root: no agetty, and no account to become; the login program's command as is.
    options = shlex.split(argv[argv.index("--login-options") + 1])
    return _as_test_user(kiosk, options[options.index("--") + 1 :])


def _unit_command(kiosk: KioskStack) -> list[str]:
    unit = service_lines(UNIT)
    environment = [for_this_run(value, kiosk) for value in unit["Environment"]]
    [command] = [shlex.split(for_this_run(v, kiosk)) for v in unit["ExecStart"]]
    if not kiosk.account.created:
        return _as_test_user(kiosk, ["env", *environment, *command])
    account = kiosk.account.name
    switch = ["setpriv", f"--reuid={account}", f"--regid={account}", "--init-groups"]
    return [*switch, "--reset-env", "--", "env", *environment, *command]


def _as_test_user(kiosk: KioskStack, command: list[str]) -> list[str]:
    """What setpriv --reset-env leaves, with this run's home and data instead of the user's."""
    home = kiosk.root / "home"
    home.mkdir(exist_ok=True)
    clean = [f"HOME={home}", f"PATH={os.environ['PATH']}", "TERM=linux"]
    isolated = [f"POS_TUI_CONFIG_DIR={kiosk.root / 'config'}", f"POS_TUI_DATA_DIR={kiosk.data}"]
    return ["env", "-i", *clean, *isolated, *command]


@pytest.mark.parametrize("started_by", ["getty drop-in", "systemd unit"])
def test_a_console_lane_as_systemd_starts_it(kiosk: KioskStack, started_by: str) -> None:
    kiosk.clear_open_sales()
    command = _getty_command(kiosk) if started_by == "getty drop-in" else _unit_command(kiosk)
    tmux = kiosk.tmux(TERM="linux")
    try:
        tmux.start(command)
        sign_in(tmux)
        tmux.type("BAG")
        tmux.keys("Enter")
        screen = tmux.wait_for("Carry bag", f"Lane {LANE}")
        assert "Cass Cashier" in screen
        pane = int(tmux.pane("pane_pid"))
        lanes = [p for p in [pane, *descendants(pane)] if " kiosk" in command_line(p)]
        assert lanes, "no kiosk on the terminal"
        owners = {Path(f"/proc/{pid}").stat().st_uid for pid in lanes}
        assert owners == {kiosk.account.uid}
        tmux.keys("C-q")  # the lane ends; systemd (Restart=always) would start it again
        assert wait_until(lambda: tmux.pane("pane_dead") == "1", 20)
    finally:
        tmux.kill()
    [left] = kiosk.open_sales()  # the sale is kept for the next start
    assert left.lane_id == LANE
