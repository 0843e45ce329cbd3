"""Settings validation and loading from the settings table's text values."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN
from typing import Any

import pytest

from pos_tui.engine import Settings


def test_defaults() -> None:
    s = Settings()
    assert (s.minor_unit, s.rounding, s.financial_year_start_month) == (2, "ROUND_HALF_UP", 4)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"minor_unit": 9},
        {"rounding": "ROUND_SIDEWAYS"},
        {"percent_combination": "max"},
        {"financial_year_start_month": 13},
        {"points_places": -1},
        {"default_terms_days": -1},
    ],
)
def test_bad_values_are_refused(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        Settings(**kwargs)


def test_bad_types_are_refused() -> None:
    with pytest.raises(TypeError):
        Settings(promo_best_price=1)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Settings(minor_unit=True)


def test_from_strings() -> None:
    s = Settings.from_strings(
        {
            "engine.minor_unit": "3",
            "engine.rounding": "ROUND_HALF_EVEN",
            "engine.allow_downgrade": "yes",
            "tax_rounding": "sale",
            "lane.id": "L1",  # belongs to someone else: ignored
        }
    )
    assert (s.minor_unit, s.rounding, s.allow_downgrade, s.tax_rounding) == (
        3,
        ROUND_HALF_EVEN,
        True,
        "sale",
    )


def test_from_strings_refuses_unknown_and_bad_values() -> None:
    with pytest.raises(ValueError, match="unknown engine setting"):
        Settings.from_strings({"engine.colour": "red"})
    with pytest.raises(ValueError, match="not a boolean"):
        Settings.from_strings({"engine.allow_downgrade": "maybe"})
