"""Lane processes of the harness: started, waited for, killed, and what they wrote read back."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reliability.lane import read_log

REPO = Path(__file__).resolve().parents[1]


def child_env(scratch: Path) -> dict[str, str]:
    """The lanes read no developer's config and write no developer's data."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("POS_TUI_")}
    home = scratch / "home"
    home.mkdir(parents=True, exist_ok=True)
    env.update(
        PYTHONPATH=str(REPO),
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_DATA_HOME=str(home / ".local/share"),
        POS_TUI_CONFIG_DIR=str(home / "config"),
        POS_TUI_DATA_DIR=str(home / "data"),
    )
    return env


@dataclass
class LaneProcess:
    lane: str
    proc: subprocess.Popen[str]
    is_ready: bool = False

    def ready(self, timeout: float) -> bool:
        """Wait for the lane's ``ready`` (it has resumed what it left open and signed in)."""
        deadline = time.monotonic() + timeout
        assert self.proc.stdout is not None
        while not self.is_ready:
            left = deadline - time.monotonic()
            if left <= 0 or self.proc.poll() is not None:
                return False
            readable, _, _ = select.select([self.proc.stdout], [], [], min(left, 0.5))
            if readable:
                line = self.proc.stdout.readline()
                if not line:
                    return False
                self.is_ready = line.strip() == "ready"
        return True

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()


@dataclass
class LaneFiles:
    """Where one part's lanes write: committed sales, events and stderr, per lane."""

    folder: Path
    lanes: set[str] = field(default_factory=set)

    def start(self, db: Path, lane: str, *, mode: str, seed: int, **options: Any) -> LaneProcess:
        self.lanes.add(lane)
        args = [
            sys.executable, "-m", "reliability.lane", "--db", str(db), "--lane", lane,
            "--mode", mode, "--seed", str(seed),
            "--committed", str(self.folder / f"{lane}.committed"),
            "--events", str(self.folder / f"{lane}.events"),
        ]  # fmt: skip
        for key, value in options.items():
            args += [f"--{key}", str(value)]
        with (self.folder / f"{lane}.stderr").open("a") as err:
            proc = subprocess.Popen(
                args,
                stdout=subprocess.PIPE,
                stderr=err,
                stdin=subprocess.DEVNULL,
                text=True,
                cwd=REPO,
                env=child_env(self.folder),
            )
        return LaneProcess(lane, proc)

    def committed(self) -> list[dict[str, Any]]:
        return [
            e for lane in sorted(self.lanes) for e in read_log(self.folder / f"{lane}.committed")
        ]

    def events(self) -> list[dict[str, Any]]:
        return [e for lane in sorted(self.lanes) for e in read_log(self.folder / f"{lane}.events")]

    def stderr_tail(self, lane: str, chars: int = 600) -> str:
        path = self.folder / f"{lane}.stderr"
        return path.read_text(errors="replace")[-chars:] if path.exists() else ""


def lock_errors(events: list[dict[str, Any]]) -> int:
    """Storage faults a lane showed because another held the lock past the busy timeout."""
    return sum(1 for e in events if e.get("code") == "STORAGE_LOCKED")


def crashes(events: list[dict[str, Any]]) -> list[str]:
    return [str(e.get("error")) for e in events if e.get("event") == "crash"]
