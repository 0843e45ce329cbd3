"""Pilot helpers: a real temporary database with the known store of tests/catalog.py."""

from __future__ import annotations

import asyncio
import time

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from pos_tui.app import PosApp, create_app
from pos_tui.services.runtime.backend import Backend
from tests.catalog import Store, build_store
from tests.helpers import HANG_SECONDS


@pytest.fixture
def store(backend: Backend) -> Store:
    return build_store(backend)


@pytest.fixture
def app(backend: Backend, store: Store) -> PosApp:
    return create_app(backend.settings, backend=backend, now=backend.now)


async def settle(pilot: Pilot[None], rounds: int = 4) -> None:
    """Let workers, their callbacks and the workers those start finish.

    Each round also waits for the database thread to run everything submitted so far (it runs
    jobs in order), so a loaded machine cannot leave a service call in flight.
    """
    runner = getattr(pilot.app, "runner", None)
    for _ in range(rounds):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        if runner is not None:
            await asyncio.wrap_future(runner.submit(lambda: None))
    await pilot.pause()


async def sign_in(pilot: Pilot[None], number: str = "101", pin: str = "1234") -> None:
    await pilot.press(*number, "enter", *pin, "enter")
    await settle(pilot)


async def enter(pilot: Pilot[None], text: str) -> None:
    """Type into the focused input and press Enter."""
    await pilot.press(*text, "enter")
    await settle(pilot)


def focused_input(pilot: Pilot[None]) -> Input:
    focused = pilot.app.focused
    assert isinstance(focused, Input), f"focus is on {focused!r}"
    return focused


def screen_text(pilot: Pilot[None]) -> str:
    """Everything on the screen as plain text (as a cashier would read it)."""
    strips = pilot.app.screen._compositor.render_strips()
    return "\n".join(strip.text for strip in strips)


async def until_shown(pilot: Pilot[None], *texts: str) -> str:
    """The screen's text once it shows every one of ``texts``: a table filled by a worker is
    drawn on a later refresh, later still on a loaded machine. Only a hang fails."""
    deadline = time.monotonic() + HANG_SECONDS
    while True:
        text = screen_text(pilot)
        if all(t in text for t in texts):
            return text
        if time.monotonic() > deadline:
            raise AssertionError(f"not shown within {HANG_SECONDS} s: {texts!r}\n{text}")
        await pilot.pause(0.05)
