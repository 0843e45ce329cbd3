"""Reading a scenario's JSON text exactly and safely, before any of it is used.

Numbers are read as ``Decimal`` (never a binary float); a number too long to read exactly is
kept as a :class:`~pos_tui.engine.convert.HugeNumber` and refused with its path later; a key given
twice in one object, nesting deeper than :data:`MAX_DEPTH` and text longer than
:data:`MAX_INPUT_CHARS` are refused here. Every refusal is a :class:`ScenarioError`.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from pos_tui.engine.convert import HugeNumber, key_path

#: Longest scenario text, in characters (a basket of a thousand lines takes a tenth of it).
MAX_INPUT_CHARS = 1_000_000
#: Deepest nesting of objects and lists (a scenario needs 4: ``$.lines[0].manual_discount``).
MAX_DEPTH = 20
# Longest JSON number read as a number: anything longer is out of every bound anyway.
_MAX_NUMBER_CHARS = 40


class ScenarioError(ValueError):
    """A scenario that cannot be used; the message names the JSON path."""


def _refuse_constant(name: str) -> Any:
    raise ScenarioError(f"$: {name} is not a number")


def _read_float(text: str) -> Decimal | HugeNumber:
    if len(text) > _MAX_NUMBER_CHARS:
        return HugeNumber(text)
    try:
        return Decimal(text)
    except InvalidOperation:  # an exponent past what Decimal holds
        return HugeNumber(text)


def _read_int(text: str) -> int | HugeNumber:
    return HugeNumber(text) if len(text) > _MAX_NUMBER_CHARS else int(text)


class _JsonObject(dict[str, Any]):
    """A parsed JSON object that remembers the first key it was given twice."""

    duplicate: str | None = None


def _object(pairs: list[tuple[str, Any]]) -> _JsonObject:
    obj = _JsonObject()
    for key, value in pairs:
        if key in obj and obj.duplicate is None:
            obj.duplicate = key
        obj[key] = value
    return obj


def _first_duplicate(value: Any, path: str) -> str | None:
    """The path of the first key given twice in one object (document order), if any."""
    if isinstance(value, _JsonObject):
        if value.duplicate is not None:
            return key_path(path, value.duplicate)
        for key, inner in value.items():
            found = _first_duplicate(inner, key_path(path, key))
            if found:
                return found
    elif isinstance(value, list):
        for i, inner in enumerate(value):
            found = _first_duplicate(inner, f"{path}[{i}]")
            if found:
                return found
    return None


# A JSON string (skipped whole: brackets inside it do not count) or a bracket.
_TOKENS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')


def _too_deep(text: str) -> bool:
    """Whether objects and lists nest deeper than MAX_DEPTH (checked before parsing recurses)."""
    depth = 0
    for token in _TOKENS.finditer(text):
        mark = token.group()
        if mark in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return True
        elif mark in "]}":
            depth -= 1
    return False


def load_json(text: str) -> Any:
    """Parse JSON text exactly (``parse_float=Decimal``); ScenarioError on bad JSON, a key given
    twice in one object, nesting deeper than MAX_DEPTH or text longer than MAX_INPUT_CHARS."""
    if len(text) > MAX_INPUT_CHARS:
        raise ScenarioError(f"$: the scenario is longer than {MAX_INPUT_CHARS} characters")
    if _too_deep(text):
        raise ScenarioError(f"$: objects and lists nest deeper than {MAX_DEPTH} levels")
    try:
        data = json.loads(
            text,
            parse_float=_read_float,
            parse_int=_read_int,
            parse_constant=_refuse_constant,
            object_pairs_hook=_object,
        )
    except json.JSONDecodeError as exc:
        raise ScenarioError(
            f"$: invalid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from None
    duplicate = _first_duplicate(data, "$")
    if duplicate is not None:
        raise ScenarioError(f"{duplicate}: the key is given twice; give it once")
    return data
