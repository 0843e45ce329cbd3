"""The kiosk's supervisor: the lane runs in a child process and comes back after a crash.

A child survives what an in-process loop cannot: a segfault in a C extension, a killed
process, a lane that no longer answers. The supervisor holds no database, no Textual and no
thread (it forks a copy of itself), ignores the terminal's job-control and quit signals, and
on a crash puts the terminal back, says so in one short message and starts the lane again;
the sale that was open is offered back at the next sign-in. It stops restarting after
``limit`` crashes within ``window`` seconds. A hang-up (the SSH session or the terminal went
away) or SIGTERM ends the lane for good: it is passed on to the child, which saves and leaves,
and a child that does not leave within ``LEAVE_SECONDS`` is killed, so nothing of the session
stays behind.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import sys
import termios
import textwrap
import time
from collections import deque
from collections.abc import Callable
from types import FrameType
from typing import Any

log = logging.getLogger(__name__)

# Mouse reporting, bracketed paste, focus events and the kitty keyboard protocol off; plain
# attributes, line wrap on, the main screen, the cursor shown, the screen cleared.
RESET_TERMINAL = (
    "\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1006l\x1b[?1015l"
    "\x1b[?2004l\x1b[?1004l\x1b[<u"
    "\x1b[0m\x1b[?7h\x1b[?1049l\x1b[?25h\x1b[2J\x1b[H"
)
CRASHED = (
    "The lane stopped on an error (details are in its log). It is starting again: "
    "the open sale is offered back at sign-in."
)
# Signals a terminal (or a user) could use to stop, quit or suspend the kiosk itself.
IGNORED = (signal.SIGINT, signal.SIGQUIT, signal.SIGTSTP, signal.SIGTTIN, signal.SIGTTOU)
ENDING = (signal.SIGHUP, signal.SIGTERM)
LEAVE_SECONDS = 5
CHILD_FAILED = 70  # EX_SOFTWARE: the lane raised instead of returning


class RestartBudget:
    """At most ``limit`` crashes within any ``window`` seconds."""

    def __init__(
        self, limit: int, window: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limit = limit
        self.window = window
        self._clock = clock
        self._crashes: deque[float] = deque()

    def crashed(self) -> bool:
        """Count a crash; True while the lane may start again."""
        now = self._clock()
        self._crashes.append(now)
        while self._crashes and self._crashes[0] <= now - self.window:
            self._crashes.popleft()
        return len(self._crashes) <= self.limit


class Supervisor:
    """Run ``run_lane`` (returns an exit code) in a forked child until it ends for good.

    ``terminal`` is the file descriptor of the session's terminal (its settings are saved
    before the first start and put back after a crash); messages go to ``output``.
    """

    def __init__(
        self,
        run_lane: Callable[[], int],
        *,
        budget: RestartBudget,
        delay: float,
        terminal: int = 0,
        output: int = 2,
    ) -> None:
        self.run_lane = run_lane
        self.budget = budget
        self.delay = delay
        self.terminal = terminal
        self.output = output
        self.starts = 0
        self._child: int | None = None
        self._ended: int | None = None

    # -- the parent ------------------------------------------------------------------------------
    def run(self) -> int:
        saved = self._terminal_settings()
        for number in IGNORED:
            signal.signal(number, signal.SIG_IGN)
        for number in ENDING:
            signal.signal(number, self._end)
        signal.signal(signal.SIGALRM, self._kill_child)
        while True:
            self.starts += 1
            code, killed_by = self._run_child()
            if self._ended is not None or killed_by == signal.SIGHUP:
                log.info("kiosk session ended (signal %s)", self._ended or killed_by)
                return 0
            if code == 0 and killed_by is None:
                return 0
            if killed_by is None:
                log.error("the lane stopped with exit code %s", code)
            else:
                log.error("the lane was killed by %s", signal.Signals(killed_by).name)
            self._restore_terminal(saved)
            if not self.budget.crashed():
                self._say(
                    f"The lane stopped {self.budget.limit + 1} times within "
                    f"{self.budget.window:g} s and is not restarted: call the store's "
                    "administrator."
                )
                return 1
            self._say(CRASHED)
            time.sleep(self.delay)
            if self._ended is not None:
                return 0
            with contextlib.suppress(termios.error, OSError):
                termios.tcflush(self.terminal, termios.TCIFLUSH)  # keys typed meanwhile

    def _run_child(self) -> tuple[int, int | None]:
        """Start the lane and wait for it: (exit code, the signal that killed it or None)."""
        # A hang-up between the fork and knowing the child's pid would not be passed on:
        # held back until then (and not inherited by the child, which starts with none).
        signal.pthread_sigmask(signal.SIG_BLOCK, ENDING)
        try:
            pid = os.fork()
            if pid == 0:
                self._child_main()
            self._child = pid
        finally:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, ENDING)
        try:
            _, status = os.waitpid(pid, 0)
        finally:
            self._child = None
            signal.alarm(0)
        if os.WIFSIGNALED(status):
            return -1, os.WTERMSIG(status)
        return os.waitstatus_to_exitcode(status), None

    def _end(self, signum: int, _frame: FrameType | None) -> None:
        self._ended = signum
        if self._child is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._child, signal.SIGHUP)
            signal.alarm(LEAVE_SECONDS)

    def _kill_child(self, _signum: int, _frame: FrameType | None) -> None:
        if self._child is not None:
            log.warning("the lane did not leave within %s s: killed", LEAVE_SECONDS)
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._child, signal.SIGKILL)

    # -- the child -------------------------------------------------------------------------------
    def _child_main(self) -> None:
        """Run the lane; never return into the parent's stack (``os._exit``)."""
        code = CHILD_FAILED
        try:
            for number in (*ENDING, signal.SIGALRM):
                signal.signal(number, signal.SIG_DFL)
            signal.pthread_sigmask(signal.SIG_UNBLOCK, ENDING)
            code = int(self.run_lane() or 0)
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else CHILD_FAILED
        except BaseException:
            log.exception("the lane raised")
        finally:
            with contextlib.suppress(Exception):
                sys.stdout.flush()
                sys.stderr.flush()
            logging.shutdown()
            os._exit(code)

    # -- the terminal ----------------------------------------------------------------------------
    def _terminal_settings(self) -> Any:
        try:
            return termios.tcgetattr(self.terminal)
        except (termios.error, OSError):
            return None

    def _restore_terminal(self, saved: Any) -> None:
        if saved is not None:
            with contextlib.suppress(termios.error, OSError):
                termios.tcsetattr(self.terminal, termios.TCSANOW, saved)
        self._write(RESET_TERMINAL)

    def _say(self, message: str) -> None:
        """A message that fits the narrowest terminal (76 columns, lines ended by CR LF)."""
        lines = textwrap.wrap(message, 76)
        self._write("\r\n" + "".join(f"  {line}\r\n" for line in lines))

    def _write(self, text: str) -> None:
        with contextlib.suppress(OSError):
            os.write(self.output, text.encode("utf-8", "replace"))
