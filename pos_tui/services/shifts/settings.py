"""The store options of shifts (back office, Options: "Shifts and cash")."""

from __future__ import annotations

from decimal import Decimal

from pos_tui.engine.money import NotANumber, to_decimal
from pos_tui.services.runtime.backend import Backend

SETTING_BLIND_CLOSE = "shifts.blind_close"
SETTING_OVER_SHORT_TOLERANCE = "shifts.over_short_tolerance"
DEFAULT_TOLERANCE = Decimal("5.00")


def blind_close(backend: Backend) -> bool:
    return (backend.store.setting(SETTING_BLIND_CLOSE) or "0") in ("1", "yes", "true")


def tolerance(backend: Backend) -> Decimal:
    try:
        value = to_decimal(backend.store.setting(SETTING_OVER_SHORT_TOLERANCE) or DEFAULT_TOLERANCE)
    except NotANumber:
        return DEFAULT_TOLERANCE
    return value if value.is_finite() and value >= 0 else DEFAULT_TOLERANCE
