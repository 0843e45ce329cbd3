"""Build engine dataclasses from database rows or JSON (results go back out through
:func:`pos_tui.engine.jsonable.to_jsonable`).

Two modes share one converter driven by the dataclasses' type hints:

* :func:`from_row` (lenient, for the storage layer): a ``sqlite`` row mapping -> dataclass.
  Columns the dataclass does not have are ignored; flags may be 0/1; money, points, dates,
  moments and times arrive as text. Join-table fields are passed as keyword arguments.
* :func:`build` with ``strict=True`` (the default): an unknown key anywhere, a missing required
  key or a wrong type is a :class:`ConvertError` naming the path (``$.lines[2].quantity``).
  JSON scenarios also pass ``fractions=False``: a fractional JSON number in a money, points,
  percent or quantity field must be written as a string (``"12.50"``; whole numbers are fine);
  and ``bounded=True``: every number, text and date keeps the bounds of
  :mod:`pos_tui.engine.bounds` (amounts within 10^9 with at most 4 places, no exponents).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import types
import typing
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any, TypeVar

from pos_tui.engine import bounds
from pos_tui.engine.errors import Refused
from pos_tui.engine.money import to_decimal

T = TypeVar("T")
V = TypeVar("V")
R = TypeVar("R")


class ConvertError(Refused, ValueError):
    """A value that does not fit its field; ``path`` says where (``$.customer.price_level``)."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message


class HugeNumber(str):
    """A JSON number too long or too large to read exactly (``1e999999999999999999999``):
    refused wherever it stands, with its path, instead of failing inside the JSON parser."""


@dataclasses.dataclass(frozen=True, slots=True)
class _Mode:
    strict: bool
    fractions: bool
    bounded: bool


_HINTS: dict[type, dict[str, Any]] = {}
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,40}$")
_ID = re.compile(r"^-?[0-9]{1,10}$")
_TIME = re.compile(r"^(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?$")


def key_path(path: str, key: object) -> str:
    """``path`` and one more object key: ``$.lines`` plainly, an odd key quoted and cut short
    (``$["a\\nb"]``), so a path is always one short line."""
    text = str(key)
    if _NAME.match(text):
        return f"{path}.{text}"
    shown = text if len(text) <= 40 else text[:40] + "..."
    return f"{path}[{json.dumps(shown)}]"


def _hints(cls: type) -> dict[str, Any]:
    if cls not in _HINTS:
        _HINTS[cls] = typing.get_type_hints(cls)
    return _HINTS[cls]


def parse_time(text: str) -> dt.time:
    """``"10:00"``, ``"10.00"`` (FusionRetail) or ``"10:00:30"`` -> ``datetime.time``."""
    match = _TIME.match(text.strip())
    if not match:
        raise ValueError(f"{text!r} is not a time of day (HH:MM)")
    hour, minute, second = (int(g) if g else 0 for g in match.groups())
    return dt.time(hour, minute, second)


def _describe(value: object) -> str:
    if isinstance(value, HugeNumber):
        return "a number out of range"
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


def _convert(tp: Any, value: Any, path: str, mode: _Mode) -> Any:
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin in (types.UnionType, typing.Union):
        if value is None:
            if type(None) in args:
                return None
            raise ConvertError(path, "must not be null")
        (inner,) = [a for a in args if a is not type(None)]
        return _convert(inner, value, path, mode)
    if value is None:
        raise ConvertError(path, "must not be null")
    if isinstance(value, HugeNumber):
        raise ConvertError(path, "a number out of range (too many digits)")
    if origin is typing.Literal:
        if value not in args:
            raise ConvertError(path, f"must be one of {', '.join(map(repr, args))}")
        return value
    scalar = _SCALARS.get(tp)
    if scalar is not None:
        return scalar(tp, value, path, mode)
    if origin in (tuple, frozenset):
        return _collection(origin, args[0], value, path, mode)
    if origin in (dict, Mapping):
        return _mapping(args, value, path, mode)
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        return _build(tp, value, path, mode, {})
    raise ConvertError(path, f"unsupported field type {tp!r}")  # a programming error


def _flag(tp: Any, value: Any, path: str, mode: _Mode) -> bool:
    if isinstance(value, bool):
        return value
    # A database row stores flags as 0/1; JSON must say true or false.
    if not mode.strict and value in (0, 1) and not isinstance(value, (float, Decimal)):
        return bool(value)
    raise ConvertError(path, f"expected true or false, got {_describe(value)}")


def _integer(tp: Any, value: Any, path: str, mode: _Mode) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return _bounded(bounds.bounded_integer, value, path, mode)
    raise ConvertError(path, f"expected an integer, got {_describe(value)}")


def _text(tp: Any, value: Any, path: str, mode: _Mode) -> str:
    if isinstance(value, str):
        return _bounded(bounds.bounded_text, value, path, mode)
    raise ConvertError(path, f"expected a string, got {_describe(value)}")


def _collection(origin: Any, item_tp: Any, value: Any, path: str, mode: _Mode) -> Any:
    """A tuple or frozenset field, from a JSON list (or any Python collection)."""
    if not isinstance(value, (list, tuple, set, frozenset)):
        raise ConvertError(path, f"expected a list, got {_describe(value)}")
    items = [_convert(item_tp, v, f"{path}[{i}]", mode) for i, v in enumerate(value)]
    return tuple(items) if origin is tuple else frozenset(items)


def _mapping(args: tuple[Any, ...], value: Any, path: str, mode: _Mode) -> dict[Any, Any]:
    """A mapping field (e.g. a price list's item id -> price); integer keys may be JSON text."""
    if not isinstance(value, Mapping):
        raise ConvertError(path, f"expected an object, got {_describe(value)}")
    key_tp, value_tp = args
    out: dict[Any, Any] = {}
    for k, v in value.items():
        key: Any = k
        if key_tp is int:
            if not _ID.match(str(k).strip()):
                raise ConvertError(key_path(path, k), "keys must be integer ids")
            key = int(k)
        out[key] = _convert(value_tp, v, key_path(path, k), mode)
    return out


def _bounded(check: Callable[[V], R], value: V, path: str, mode: _Mode) -> V | R:
    """``check(value)`` when the mode keeps bounds, with the path on a refusal."""
    if not mode.bounded:
        return value
    try:
        return check(value)
    except bounds.OutOfBounds as exc:
        raise ConvertError(path, str(exc)) from None


def _decimal(tp: Any, value: Any, path: str, mode: _Mode) -> Decimal:
    # JSON is parsed with parse_float=Decimal, so a JSON number with a fraction or exponent
    # arrives here as a Decimal: with fractions=False (JSON scenarios) it is refused like a
    # float, so every exact amount in a scenario is visibly a string ("12.50") or a whole
    # number. Python callers passing Decimal objects keep fractions=True.
    if isinstance(value, float) or (not mode.fractions and isinstance(value, Decimal)):
        raise ConvertError(
            path, "numbers with a fraction are not allowed; write the amount as a string"
        )
    if mode.bounded and isinstance(value, str):
        try:
            return bounds.bounded_decimal(value)
        except bounds.OutOfBounds as exc:
            raise ConvertError(path, str(exc)) from None
    try:
        number = to_decimal(value, path)
    except (TypeError, ValueError) as exc:
        raise ConvertError(path, f"expected a decimal amount, got {_describe(value)}") from exc
    return _bounded(bounds.bounded_amount, number, path, mode)


def _moment(tp: Any, value: Any, path: str, mode: _Mode) -> Any:
    if isinstance(value, tp) and (tp is not dt.date or not isinstance(value, dt.datetime)):
        return value
    if not isinstance(value, str):
        raise ConvertError(path, f"expected an ISO {tp.__name__} string, got {_describe(value)}")
    text = _bounded(bounds.bounded_text, value, path, mode)
    try:
        if tp is dt.time:
            return parse_time(text)  # a time of day needs no calendar bounds
        parsed = dt.date.fromisoformat(text) if tp is dt.date else dt.datetime.fromisoformat(text)
    except ValueError as exc:
        raise ConvertError(path, f"{bounds.short(value)} is not an ISO {tp.__name__}") from exc
    return _bounded(bounds.bounded_date, parsed, path, mode)


#: The converters of the plain field types, by type.
_SCALARS: dict[Any, Callable[[Any, Any, str, _Mode], Any]] = {
    Decimal: _decimal,
    bool: _flag,
    int: _integer,
    str: _text,
    dt.date: _moment,
    dt.datetime: _moment,
    dt.time: _moment,
}


def build(
    cls: type[T],
    data: Any,
    *,
    path: str = "$",
    strict: bool = True,
    fractions: bool = True,
    bounded: bool = False,
    **extra: Any,
) -> T:
    """Build dataclass ``cls`` from a mapping; ``extra`` keyword values are used as they are.

    Strict: unknown keys are refused. Lenient: they are ignored (a row has more columns).
    ``fractions=False`` (JSON scenarios) refuses ``Decimal`` values in exact fields: there they
    can only come from a fractional JSON number, which must be written as a string instead.
    ``bounded=True`` (JSON scenarios) keeps every value within :mod:`pos_tui.engine.bounds`.
    Constructor errors (e.g. a negative price) come back as :class:`ConvertError` too.
    """
    return _build(cls, data, path, _Mode(strict, fractions, bounded), extra)


def _build(cls: type[T], data: Any, path: str, mode: _Mode, extra: dict[str, Any]) -> T:
    if not isinstance(data, Mapping):
        raise ConvertError(path, f"expected an object, got {_describe(data)}")
    hints = _hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    if mode.strict:
        unknown = sorted(set(data) - set(fields))
        if unknown:
            raise ConvertError(key_path(path, unknown[0]), "unknown field")
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
        kwargs[name] = _convert(hints[name], data[name], f"{path}.{name}", mode)
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
