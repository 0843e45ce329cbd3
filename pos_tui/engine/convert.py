"""Build engine dataclasses from database rows or JSON, and turn results back into JSON.

Two modes share one converter driven by the dataclasses' type hints:

* :func:`from_row` (lenient, for the storage layer): a ``sqlite`` row mapping -> dataclass.
  Columns the dataclass does not have are ignored; flags may be 0/1; money, points, dates,
  moments and times arrive as text. Join-table fields are passed as keyword arguments.
* :func:`build` with ``strict=True`` (the default): an unknown key anywhere, a missing required
  key or a wrong type is a :class:`ConvertError` naming the path (``$.lines[2].quantity``).
  JSON scenarios also pass ``fractions=False``: a fractional JSON number in a money, points,
  percent or quantity field must be written as a string (``"12.50"``; whole numbers are fine).

:func:`to_jsonable` renders any result with money and points as strings (``"12.50"``), dates and
moments in ISO form.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import types
import typing
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, TypeVar

from pos_tui.engine.money import fmt, to_decimal

T = TypeVar("T")


class ConvertError(ValueError):
    """A value that does not fit its field; ``path`` says where (``$.customer.price_level``)."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message


_HINTS: dict[type, dict[str, Any]] = {}


def _hints(cls: type) -> dict[str, Any]:
    if cls not in _HINTS:
        _HINTS[cls] = typing.get_type_hints(cls)
    return _HINTS[cls]


_TIME = re.compile(r"^(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?$")


def parse_time(text: str) -> dt.time:
    """``"10:00"``, ``"10.00"`` (FusionRetail) or ``"10:00:30"`` -> ``datetime.time``."""
    match = _TIME.match(text.strip())
    if not match:
        raise ValueError(f"{text!r} is not a time of day (HH:MM)")
    hour, minute, second = (int(g) if g else 0 for g in match.groups())
    return dt.time(hour, minute, second)


def _describe(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, Decimal, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _convert(tp: Any, value: Any, path: str, strict: bool, fractions: bool = True) -> Any:
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin in (types.UnionType, typing.Union):
        if value is None:
            if type(None) in args:
                return None
            raise ConvertError(path, "must not be null")
        (inner,) = [a for a in args if a is not type(None)]
        return _convert(inner, value, path, strict, fractions)
    if value is None:
        raise ConvertError(path, "must not be null")
    if origin is typing.Literal:
        if value not in args:
            raise ConvertError(path, f"must be one of {', '.join(map(repr, args))}")
        return value
    if tp is Decimal:
        # JSON is parsed with parse_float=Decimal, so a JSON number with a fraction or exponent
        # arrives here as a Decimal: with fractions=False (JSON scenarios) it is refused like a
        # float, so every exact amount in a scenario is visibly a string ("12.50") or a whole
        # number. Python callers passing Decimal objects keep fractions=True.
        if isinstance(value, float) or (not fractions and isinstance(value, Decimal)):
            raise ConvertError(
                path, "numbers with a fraction are not allowed; write the amount as a string"
            )
        try:
            return to_decimal(value, path)
        except (TypeError, ValueError) as exc:
            raise ConvertError(path, f"expected a decimal amount, got {_describe(value)}") from exc
    if tp is bool:
        if isinstance(value, bool):
            return value
        if not strict and value in (0, 1) and not isinstance(value, (float, Decimal)):
            return bool(value)
        raise ConvertError(path, f"expected true or false, got {_describe(value)}")
    if tp is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        raise ConvertError(path, f"expected an integer, got {_describe(value)}")
    if tp is str:
        if isinstance(value, str):
            return value
        raise ConvertError(path, f"expected a string, got {_describe(value)}")
    if tp in (dt.date, dt.datetime, dt.time):
        if isinstance(value, tp) and (tp is not dt.date or not isinstance(value, dt.datetime)):
            return value
        if not isinstance(value, str):
            raise ConvertError(
                path, f"expected an ISO {tp.__name__} string, got {_describe(value)}"
            )
        try:
            if tp is dt.time:
                return parse_time(value)
            if tp is dt.date:
                return dt.date.fromisoformat(value)
            return dt.datetime.fromisoformat(value)
        except ValueError as exc:
            raise ConvertError(path, f"{value!r} is not an ISO {tp.__name__}") from exc
    if origin in (tuple, frozenset):
        if not isinstance(value, (list, tuple, set, frozenset)):
            raise ConvertError(path, f"expected a list, got {_describe(value)}")
        items = [
            _convert(args[0], v, f"{path}[{i}]", strict, fractions) for i, v in enumerate(value)
        ]
        return tuple(items) if origin is tuple else frozenset(items)
    if origin in (dict, Mapping):
        if not isinstance(value, Mapping):
            raise ConvertError(path, f"expected an object, got {_describe(value)}")
        key_tp, value_tp = args
        out: dict[Any, Any] = {}
        for k, v in value.items():
            key: Any = k
            if key_tp is int:
                try:
                    key = int(k)
                except (TypeError, ValueError):
                    raise ConvertError(f"{path}.{k}", "keys must be integer ids") from None
            out[key] = _convert(value_tp, v, f"{path}.{k}", strict, fractions)
        return out
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        return build(tp, value, path=path, strict=strict, fractions=fractions)
    raise ConvertError(path, f"unsupported field type {tp!r}")  # a programming error


def build(
    cls: type[T],
    data: Any,
    *,
    path: str = "$",
    strict: bool = True,
    fractions: bool = True,
    **extra: Any,
) -> T:
    """Build dataclass ``cls`` from a mapping; ``extra`` keyword values are used as they are.

    Strict: unknown keys are refused. Lenient: they are ignored (a row has more columns).
    ``fractions=False`` (JSON scenarios) refuses ``Decimal`` values in exact fields: there they
    can only come from a fractional JSON number, which must be written as a string instead.
    Constructor errors (e.g. a negative price) come back as :class:`ConvertError` too.
    """
    if not isinstance(data, Mapping):
        raise ConvertError(path, f"expected an object, got {_describe(data)}")
    hints = _hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    if strict:
        unknown = sorted(set(data) - set(fields))
        if unknown:
            raise ConvertError(f"{path}.{unknown[0]}", "unknown field")
    kwargs: dict[str, Any] = {}
    for name, f in fields.items():
        if name in extra:
            kwargs[name] = extra[name]
            continue
        if name not in data:
            no_default = (
                f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
            )
            if no_default:
                raise ConvertError(f"{path}.{name}", "required field is missing")
            continue
        kwargs[name] = _convert(hints[name], data[name], f"{path}.{name}", strict, fractions)
    try:
        return cls(**kwargs)
    except ConvertError:
        raise
    except (TypeError, ValueError) as exc:
        raise ConvertError(path, str(exc)) from exc


def from_row(cls: type[T], row: Mapping[str, Any], **extra: Any) -> T:
    """A database row (column -> value) as dataclass ``cls``; join-table fields via ``extra``.

    >>> from pos_tui.engine.models import Tax
    >>> from_row(Tax, {"id": 1, "code": "VAT", "name": "VAT", "rate_percent": "5"}).rate_percent
    Decimal('5')
    """
    return build(cls, row, path=cls.__name__, strict=False, **extra)


# Field names per dataclass rendered so far: a sale's explanation renders the same few
# classes again and again (dataclasses.fields() is slow).
_JSON_FIELDS: dict[type, tuple[str, ...]] = {}
_PLAIN = frozenset({bool, int, str, type(None)})


def to_jsonable(obj: Any) -> Any:
    """Dataclasses/Decimals/dates -> plain JSON values (money and points as strings)."""
    if obj is None or isinstance(obj, (bool, int, str)):
        return obj
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
