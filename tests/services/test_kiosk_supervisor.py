"""The kiosk's supervisor with real processes on a real pseudo-terminal: a lane that crashes
comes back with a message, one that keeps crashing stops, a hang-up ends it for good."""

from __future__ import annotations

import faulthandler
import os
import pty
import select
import signal
import time
from collections.abc import Callable
from pathlib import Path

from pos_tui.services.runtime.kiosk_supervisor import CRASHED, RestartBudget, Supervisor


def test_the_restart_budget_counts_crashes_within_the_window() -> None:
    now = [0.0]
    budget = RestartBudget(limit=2, window=10, clock=lambda: now[0])
    assert budget.crashed() and budget.crashed()
    assert not budget.crashed()  # a third within 10 s
    now[0] = 25.0
    assert budget.crashed()  # the old ones have left the window


def _supervise(
    tmp_path: Path, lane: Callable[[int], int], limit: int = 3
) -> tuple[int, bytes, int]:
    """Run a supervisor in a child process whose terminal is a new pty, the way sshd starts
    the kiosk; (its exit code, what it wrote on the terminal, how often the lane started)."""
    starts = tmp_path / "starts"
    pid, master = pty.fork()
    if pid == 0:  # the kiosk's process: a terminal of its own, as under sshd

        def run_lane() -> int:
            with starts.open("a") as f:
                f.write("x")
            return lane(len(starts.read_text()))

        supervisor = Supervisor(run_lane, budget=RestartBudget(limit, 60), delay=0.05)
        os._exit(supervisor.run())
    output = bytearray()
    while True:
        ready, _, _ = select.select([master], [], [], 30)
        assert ready, f"the supervisor hung; wrote {bytes(output)!r}"
        try:
            chunk = os.read(master, 4096)
        except OSError:  # EIO: every process of the terminal has left
            break
        if not chunk:
            break
        output += chunk
    _, status = os.waitpid(pid, 0)
    os.close(master)
    return os.waitstatus_to_exitcode(status), bytes(output), len(starts.read_text())


def test_a_crash_shows_a_short_message_and_the_lane_starts_again(tmp_path: Path) -> None:
    def lane(start: int) -> int:
        if start == 1:
            raise RuntimeError("a bug")  # an exception the lane did not handle
        if start == 2:
            faulthandler.disable()  # pytest's would print the crash on the test's output
            os.kill(os.getpid(), signal.SIGSEGV)  # a crash no handler sees
        return 0  # the third start: the cashier closes the lane

    code, output, starts = _supervise(tmp_path, lane)
    assert (code, starts) == (0, 3)
    text = output.decode(errors="replace")
    assert text.count("The lane stopped on an error") == 2
    assert "\x1b[?1049l" in text  # the main screen back before the message
    assert "Traceback" not in text and "a bug" not in text
    assert CRASHED.split(":")[0] in " ".join(text.split())


def test_a_lane_that_keeps_crashing_is_not_restarted_forever(tmp_path: Path) -> None:
    code, output, starts = _supervise(tmp_path, lambda _start: 3, limit=2)
    assert (code, starts) == (1, 3)
    assert b"is not restarted" in output and b"administrator" in output


def test_a_hang_up_ends_the_lane_for_good(tmp_path: Path) -> None:
    def lane(start: int) -> int:
        # A hang-up while the lane runs: the supervisor passes it on and does not restart.
        os.kill(os.getppid(), signal.SIGHUP)
        time.sleep(30)  # the lane ends by the hang-up it is passed, not by itself
        return 9

    code, _output, starts = _supervise(tmp_path, lane)
    assert (code, starts) == (0, 1)


def test_the_terminals_signals_never_stop_the_kiosk(tmp_path: Path) -> None:
    def lane(start: int) -> int:
        parent = os.getppid()
        for number in (signal.SIGINT, signal.SIGQUIT, signal.SIGTSTP):
            os.kill(parent, number)  # as a cooked terminal's Ctrl+C, Ctrl+\ and Ctrl+Z would
            os.kill(os.getpid(), number)
        time.sleep(0.2)
        state = Path(f"/proc/{parent}/stat").read_text().rsplit(")", 1)[1].split()[0]
        return 0 if state in ("R", "S") else 4

    code, _output, starts = _supervise(tmp_path, lane)
    assert (code, starts) == (0, 1)
