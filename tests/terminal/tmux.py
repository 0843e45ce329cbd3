"""A real terminal for the tests: one tmux server on its own socket, panes of 80x24."""

from __future__ import annotations

import subprocess
import time
import uuid
from collections.abc import Callable

TIMEOUT = 30.0


class Tmux:
    """One tmux server on its own socket, so no one else's sessions are touched.

    The pane stays after its program ends (``remain-on-exit``), so a test can read the last
    screen of a session that closed and start the next one in the same pane.
    """

    def __init__(self, env: dict[str, str]) -> None:
        self.socket = f"pos-tui-test-{uuid.uuid4().hex[:8]}"
        self.session = "lane"
        self.env = env

    def run(self, *args: str) -> str:
        result = subprocess.run(
            ["tmux", "-L", self.socket, "-f", "/dev/null", *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        )
        return result.stdout

    def _settings(self) -> list[str]:
        # tmux sets its own TERM inside the pane: hand the terminal's settings to the program.
        return [f"{k}={self.env[k]}" for k in ("TERM", "NO_COLOR") if k in self.env]

    def start(self, command: list[str]) -> None:
        self.run(
            "start-server",
            ";",
            "set-option",
            "-g",
            "remain-on-exit",
            "on",
            ";",
            "new-session",
            "-d",
            "-s",
            self.session,
            "-x",
            "80",
            "-y",
            "24",
            "env",
            *self._settings(),
            *command,
        )

    def restart(self, command: list[str]) -> None:
        """Run ``command`` in the pane again (after the previous one ended or was killed)."""
        self.run("respawn-pane", "-k", "-t", self.session, "env", *self._settings(), *command)

    def screen(self, *, escapes: bool = False) -> str:
        return self.run("capture-pane", "-p", *(["-e"] if escapes else []), "-t", self.session)

    def pane(self, field: str) -> str:
        """A pane variable: ``pane_pid``, ``pane_dead``, ``pane_tty``..."""
        return self.run("display-message", "-p", "-t", self.session, f"#{{{field}}}").strip()

    def keys(self, *keys: str) -> None:
        for key in keys:
            self.run("send-keys", "-t", self.session, key)
            time.sleep(0.1)

    def type(self, text: str) -> None:
        self.run("send-keys", "-t", self.session, "-l", text)
        time.sleep(0.2)

    def wait_for(self, *texts: str, timeout: float = TIMEOUT) -> str:
        return self.wait_until(lambda screen: all(t in screen for t in texts), str(texts), timeout)

    def wait_until(self, check: Callable[[str], bool], what: str, timeout: float = TIMEOUT) -> str:
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if check(screen):
                return screen
            time.sleep(0.2)
        raise AssertionError(f"{what} not on screen after {timeout}s:\n{screen}")

    def kill(self) -> None:
        subprocess.run(
            ["tmux", "-L", self.socket, "kill-server"],
            env=self.env,
            capture_output=True,
            timeout=10,
        )
