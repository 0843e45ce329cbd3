"""Back office fixtures: the known store of tests/catalog.py in a real temporary database, and
helpers that sign in and open back office screens through Pilot."""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot
from textual.screen import Screen

from pos_tui.app import PosApp, create_app
from pos_tui.screens.backoffice import BackOfficeScreen
from pos_tui.services.runtime.backend import Backend
from pos_tui.services.staff.auth import AuthService, Employee
from tests.app.conftest import screen_text, settle, sign_in
from tests.catalog import Store, build_store

__all__ = ["open_back_office", "screen_text", "settle"]
PINS = {"101": "1234", "201": "2345"}


@pytest.fixture
def store(backend: Backend) -> Store:
    return build_store(backend)


@pytest.fixture
def app(backend: Backend, store: Store) -> PosApp:
    return create_app(backend.settings, backend=backend, now=backend.now)


async def open_back_office(
    pilot: Pilot[Any],
    screen: Screen[Any] | None = None,
    *,
    as_employee: Employee | None = None,
    through_sign_in: bool = False,
) -> None:
    """Open the back office menu as the supervisor (or ``as_employee``), then ``screen``.

    ``through_sign_in`` signs in at the lane first, as a person would; otherwise the employee
    is set directly (the lane's checkout is not what these tests are about, and is slow to open).
    """
    app = pilot.app
    assert isinstance(app, PosApp)
    if through_sign_in:
        who = as_employee
        await sign_in(pilot, who.number if who else "201", PINS[who.number] if who else "2345")
    else:
        app.employee = as_employee or AuthService(app.backend).sign_in("201", "2345")
    app.push_screen(BackOfficeScreen())
    await settle(pilot)
    if screen is not None:
        pilot.app.push_screen(screen)
        await settle(pilot)
