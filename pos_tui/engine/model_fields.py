"""What the engine's dataclasses share: the choices of their text fields, the weekday names, and
the checks every constructor runs (floats refused, exact numbers made ``Decimal``, choices and
signs checked)."""

from __future__ import annotations

import dataclasses
import types
import typing
from decimal import Decimal
from typing import Any, Literal

from pos_tui.engine.money import to_decimal

TaxMode = Literal["exclusive", "inclusive"]
Rounding = Literal["no", "higher", "lower", "standard"]
ExtraPointsOn = Literal["fixed", "sale_value"]
Periodicity = Literal["monthly", "quarterly", "half_yearly", "yearly"]
Posting = Literal["beginning", "end"]
GracePeriodType = Literal["none", "posted_date", "statement_date"]
TransactionType = Literal["charge", "cash_withdrawal", "payment"]
SaleKind = Literal["sale", "return"]
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


_HINTS: dict[type, dict[str, Any]] = {}
_DECIMALS: dict[type, tuple[str, ...]] = {}


def _hints(cls: type) -> dict[str, Any]:
    # Resolved once per class: get_type_hints is slow and constructors call this on every line.
    if cls not in _HINTS:
        _HINTS[cls] = typing.get_type_hints(cls)
    return _HINTS[cls]


def _is_decimal_type(tp: Any) -> bool:
    if tp is Decimal:
        return True
    return isinstance(tp, types.UnionType) and Decimal in typing.get_args(tp)


def _decimal_fields(cls: type) -> tuple[str, ...]:
    if cls not in _DECIMALS:
        hints = _hints(cls)
        _DECIMALS[cls] = tuple(
            f.name for f in dataclasses.fields(cls) if _is_decimal_type(hints[f.name])
        )
    return _DECIMALS[cls]


def normalise(obj: Any) -> None:
    """Refuse floats anywhere and coerce exact numbers into ``Decimal`` for Decimal fields."""
    cls = type(obj)
    decimals = _decimal_fields(cls)
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        if isinstance(value, float):
            raise TypeError(f"{cls.__name__}.{f.name}: floats are not allowed, use Decimal")
        if f.name in decimals and value is not None and not isinstance(value, Decimal):
            object.__setattr__(obj, f.name, to_decimal(value, f"{cls.__name__}.{f.name}"))


def check_choice(obj: Any, name: str) -> None:
    """The field ``name`` holds one of the choices of its ``Literal`` type."""
    choices = typing.get_args(_hints(type(obj))[name])
    if getattr(obj, name) not in choices:
        raise ValueError(f"{type(obj).__name__}.{name} must be one of {', '.join(choices)}")


def non_negative(obj: Any, *names: str) -> None:
    """None of these fields is below zero (None is allowed)."""
    for name in names:
        value = getattr(obj, name)
        if value is not None and value < 0:
            raise ValueError(f"{type(obj).__name__}.{name} must not be negative")
