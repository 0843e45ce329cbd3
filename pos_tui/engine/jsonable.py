"""Engine results as plain JSON values: money and points as strings (``"12.50"``, exactly as
the ``Decimal`` holds them), dates and moments in ISO form. What ``pos-tui quote`` prints and
what a sale's explanation is stored as."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from pos_tui.engine.money import fmt
from pos_tui.engine.result_models import Rule

# Field names per dataclass rendered so far: a sale's explanation renders the same few
# classes again and again (dataclasses.fields() is slow).
_JSON_FIELDS: dict[type, tuple[str, ...]] = {}
_PLAIN = frozenset({bool, int, str, type(None)})


def to_jsonable(obj: Any) -> Any:
    """Dataclasses/Decimals/dates -> plain JSON values (money and points as strings)."""
    if obj is None or isinstance(obj, (bool, int, str)):
        return obj
    if obj.__class__ is list or obj.__class__ is tuple:
        return [_rule(v) if v.__class__ is Rule else to_jsonable(v) for v in obj]
    names = _JSON_FIELDS.get(type(obj))
    if names is not None:
        out = {}
        for name in names:
            value = getattr(obj, name)
            out[name] = value if value.__class__ in _PLAIN else to_jsonable(value)
        return out
    if isinstance(obj, Decimal):
        return fmt(obj)
    if isinstance(obj, (dt.date, dt.datetime, dt.time)):
        return obj.isoformat()
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        names = tuple(f.name for f in dataclasses.fields(obj))
        _JSON_FIELDS[type(obj)] = names
        return {name: to_jsonable(getattr(obj, name)) for name in names}
    if isinstance(obj, Mapping):
        return {str(k): to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (frozenset, set)):
        return sorted(to_jsonable(v) for v in obj)
    if isinstance(obj, (list, tuple)):
        return [to_jsonable(v) for v in obj]
    raise TypeError(f"cannot render {type(obj).__name__} as JSON")


def _rule(rule: Rule) -> dict[str, Any]:
    """A rule of an explanation (a sale has a hundred): what the generic path gives, directly."""
    amount, points = rule.amount, rule.points
    return {
        "code": rule.code,
        "description": rule.description,
        "amount": None if amount is None else fmt(amount),
        "points": None if points is None else fmt(points),
        "line_no": rule.line_no,
    }
