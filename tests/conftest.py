"""Shared fixtures: every test runs with its own config and data dirs and a temp database."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from pos_tui.config import Settings, load_settings
from pos_tui.services.runtime.backend import Backend, open_backend

FIXED_NOW = datetime(2026, 11, 24, 10, 30, 0)

# Hypothesis profiles, chosen by HYPOTHESIS_PROFILE (docs/money.md, "The oracle"):
# ci (the default) keeps every property at its usual size, the checkout oracle about a minute
# on 2 cores; long runs 100 times as many examples of the oracle (scaled_examples) and of every
# property that sets no count of its own (a test's own @settings count stays as it is).
LONG_FACTOR = 100
_COMMON: dict[str, Any] = {
    "deadline": None,  # a shared 2-core machine: no example is timed
    "print_blob": True,  # a failure prints what reproduces it (@reproduce_failure)
    "suppress_health_check": [HealthCheck.too_slow],
}
hypothesis_settings.register_profile("ci", **_COMMON)
hypothesis_settings.register_profile("long", max_examples=100 * LONG_FACTOR, **_COMMON)
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
hypothesis_settings.load_profile(PROFILE)


def scaled_examples(ci: int) -> int:
    """A test's own example count (``ci`` under the ci profile), 100x under long."""
    return ci * LONG_FACTOR if PROFILE == "long" else ci


@pytest.fixture(autouse=True)
def isolated_paths(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """No test reads a developer's config or writes to their data dir."""
    home = tmp_path_factory.mktemp("home")
    for key in list(os.environ):
        if key.startswith("POS_TUI_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local/share"))
    monkeypatch.setenv("POS_TUI_CONFIG_DIR", str(home / "config"))
    monkeypatch.setenv("POS_TUI_DATA_DIR", str(home / "data"))
    return home


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "pos.db"


@pytest.fixture
def settings(db_path: Path) -> Settings:
    return load_settings(database={"path": str(db_path)})


class Clock:
    """A settable clock: services take time as an argument, tests move it."""

    def __init__(self, now: datetime = FIXED_NOW) -> None:
        self.current = now

    def __call__(self) -> datetime:
        return self.current


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def backend(settings: Settings, clock: Clock) -> Iterator[Backend]:
    b = open_backend(settings, now=clock)
    yield b
    b.close()


# tryfirst: before xdist's own hook reads the groups into each test's id.
@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Under xdist (``scripts/dev test`` runs ``-n auto --dist loadgroup``) the tests that need
    the machine's one pcscd run in one worker, and so do the real-terminal ones (tmux, sshd: a
    handful of long tests that gain nothing from sharing two cores with each other)."""
    for item in items:
        names = getattr(item, "fixturenames", ())
        if "pcscd" in names:
            item.add_marker(pytest.mark.xdist_group("pcscd"))
        elif item.get_closest_marker("terminal") is not None:
            item.add_marker(pytest.mark.xdist_group("terminal"))
