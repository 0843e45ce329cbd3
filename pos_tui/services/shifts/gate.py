"""No record without an open shift: the check every sale, return and cash movement makes
inside its own write transaction, so a shift closed a moment earlier (by a supervisor in the
back office, or another process of this lane) refuses it rather than losing it."""

from __future__ import annotations

from pos_tui.services.checkout.errors import CheckoutError
from pos_tui.services.runtime.backend import Backend
from pos_tui.storage.shifts import Shift

NO_SHIFT = "NO_SHIFT"


def open_shift(backend: Backend, lane_id: str | None = None) -> Shift:
    """The lane's open shift, or a refusal saying none is open."""
    lane = lane_id or backend.settings.lane.id
    row = backend.shifts.open_for(lane)
    if row is None:
        raise CheckoutError(
            f"No shift is open on lane {lane}: open one with a float first (sign in again)",
            code=NO_SHIFT,
        )
    return row
