"""Checking what a back-office form holds before it is written: each value in its stored form
(:func:`coerce_admin`), the rules between the fields of a row (:func:`check_rules`), and a
database refusal of a save said in the form's words (:func:`refusal_of`)."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any, cast

from pos_tui.engine.bounds import MAX_AMOUNT, MAX_PLACES
from pos_tui.engine.models import WEEKDAYS
from pos_tui.services.backoffice.catalog_tables import AdminField, TableSpec
from pos_tui.services.customers import fields as cf
from pos_tui.services.customers.fields import FieldError
from pos_tui.storage.errors import ConstraintRefused

# Amounts, rates and points are exact: a value finer than this is a typing slip, not a real
# amount; a larger one too (the same bounds as `pos-tui quote`, docs/quote.md).
RATE_STEP = Decimal(1).scaleb(-MAX_PLACES)
_TIME = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")
_ID = re.compile(r"^[0-9]{1,10}$")
_DIGITS = re.compile(r"^[0-9]+$")
_NO_LIMIT = Decimal("Infinity")


def coerce_admin(spec: AdminField, raw: str) -> Any:
    """One typed value into its stored form, or a FieldError naming the field."""
    text = (raw or "").strip()
    if text == "":
        if spec.required:
            raise FieldError(spec.name, f"{spec.words} is required")
        if spec.initial:
            return coerce_admin(spec, spec.initial)
        return "" if spec.kind == "weekdays" else None  # weekdays: the column's '' (none)
    reader = _READERS.get(spec.kind)
    if reader is not None:
        return reader(spec, text)
    if spec.kind == "choice" and spec.choices == ("yes", "no"):
        return cf.coerce(cf.Field(spec.name, spec.label, "flag", ""), text)
    return _number(spec, text)


def _time(spec: AdminField, text: str) -> str:
    if not _TIME.match(text):
        raise FieldError(spec.name, f"{spec.words} must be a time HH:MM")
    return text


def _weekdays(spec: AdminField, text: str) -> str:
    days = [d.strip().lower()[:3] for d in text.split(",") if d.strip()]
    bad = [d for d in days if d not in WEEKDAYS]
    if bad:
        raise FieldError(spec.name, f"Unknown weekday {bad[0]!r}: use mon,tue,wed,...")
    return ",".join(d for d in WEEKDAYS if d in days)


def _refs(spec: AdminField, text: str) -> list[int]:
    parts = [x.strip() for x in text.split(",") if x.strip()]
    if not all(_ID.match(x) for x in parts):
        raise FieldError(spec.name, f"{spec.words}: choose from the list")
    return sorted({int(x) for x in parts})


def _whole(spec: AdminField, text: str) -> int:
    maximum = _maximum(spec)
    if not _DIGITS.match(text):
        raise FieldError(spec.name, f"{spec.words} must be a whole number, not {text[:20]!r}")
    if len(text) > 10 or int(text) > maximum:  # len first: int() of a million digits
        raise FieldError(spec.name, f"{spec.words} must be between 0 and {maximum}")
    return int(text)


_READERS = {"time": _time, "weekdays": _weekdays, "refs": _refs, "int": _whole, "ref": _whole}


def _maximum(spec: AdminField) -> Decimal:
    return spec.maximum if spec.maximum is not None else MAX_AMOUNT


def _number(spec: AdminField, text: str) -> Any:
    """A decimal, percent, flag or choice as cf.coerce reads it, decimals within bounds."""
    # cf.coerce only reads the number (1e2 too): its bounds and decimal places are _bounded's.
    # Times, weekdays, references and whole numbers were read by _READERS before.
    kind = cast("cf.Kind", spec.kind)
    field = cf.Field(
        spec.name, spec.label, kind, "", choices=spec.choices,
        high=_NO_LIMIT if spec.kind == "decimal" else None, places=28, exponent=True,
    )  # fmt: skip
    value = cf.coerce(field, text)
    if spec.kind in ("decimal", "percent"):
        maximum = _maximum(spec)
        value = _bounded(spec, Decimal(value))
        if Decimal(value) > maximum:
            raise FieldError(spec.name, f"{spec.words} must be between 0 and {maximum}")
    return value


def _bounded(spec: AdminField, number: Decimal) -> str:
    """A decimal within the bounds every amount, rate and points value keeps, in plain form
    ("100", never "1E+2")."""
    if number.copy_abs() > MAX_AMOUNT:
        raise FieldError(spec.name, f"{spec.words} must be at most {MAX_AMOUNT}")
    if number != number.quantize(RATE_STEP):
        raise FieldError(spec.name, f"{spec.words} has at most {MAX_PLACES} decimals")
    return format(number, "f")


def check_rules(table: str, typed: dict[str, Any], extras: dict[str, Any]) -> None:
    """The rules between fields (one field's own format is checked by ``coerce_admin``)."""
    if table == "card_types":
        _check_points(typed)
        _check_multiplier_window(typed)
        if extras.get("subscription"):
            _check_subscription(extras)
    if table == "taxes":
        rate = Decimal(typed["rate_percent"])
        if rate != rate.quantize(RATE_STEP):
            raise FieldError("rate_percent", "Rate % has at most 4 decimals")
        typed["rate_percent"] = format(rate, "f")  # never "1E+1"
    if table == "items":
        start, end = typed["promo_start"], typed["promo_end"]
        if start and end and end < start:
            raise FieldError("promo_end", "The promotion ends before it starts")
        if typed["promo_price"] is not None and not (start and end):
            raise FieldError("promo_start", "A promotional price needs its from and to dates")


def _check_points(typed: dict[str, Any]) -> None:
    """A card type's rounding, redemption, extra points and upgrade range agree."""
    if typed["rounding"] != "no" and Decimal(typed["rounding_limit"]) <= 0:
        raise FieldError("rounding_limit", "A rounding limit above zero is needed to round")
    if Decimal(typed["rounding_limit"]) <= 0:
        raise FieldError("rounding_limit", "Rounding limit must be above zero")
    if (Decimal(typed["points_to_convert"]) > 0) != (Decimal(typed["equivalent_currency"]) > 0):
        raise FieldError("equivalent_currency", "Give both points to convert and their currency value, or neither")  # fmt: skip
    if typed["extra_points_on"] == "sale_value" and Decimal(typed["extra_points_sale_value"]) <= 0:
        raise FieldError("extra_points_sale_value", "Extra points on sale value need the sale value")  # fmt: skip
    low, high = typed["upgrade_min_points"], typed["upgrade_max_points"]
    if low is not None and high is not None and Decimal(high) < Decimal(low):
        raise FieldError("upgrade_max_points", "The upgrade range ends below where it starts")


def _check_multiplier_window(typed: dict[str, Any]) -> None:
    # A window whose to-time is before its from-time runs over midnight and belongs to the
    # weekday it starts on (Fri 22:00-02:00 ends on Saturday at 02:00), as the engine reads
    # it (loyalty.in_multiplier_window). Equal times would be a one-minute window: a slip.
    start, end = typed["multiplier_from_time"], typed["multiplier_to_time"]
    if (start is None) != (end is None):
        raise FieldError("multiplier_to_time", "Give both a from time and a to time, or neither")
    if start is not None and start == end:
        raise FieldError(
            "multiplier_to_time",
            "To time must differ from from time (22:00 to 02:00 runs past midnight)",
        )


def _check_subscription(extras: dict[str, Any]) -> None:
    if not extras.get("sub_ledger_account"):
        raise FieldError("sub_ledger_account", "A subscription needs its ledger")
    if not extras.get("sub_periodicity"):
        raise FieldError("sub_periodicity", "Choose the periodicity")
    if Decimal(extras.get("sub_rate") or 0) <= 0:
        raise FieldError("sub_rate", "The subscription rate must be above zero")
    extras["sub_posting"] = extras.get("sub_posting") or "beginning"


# What a reference field's table is called in a message ("No sub-group with id 9").
_REF_WORDS = {
    "item_subgroups": "sub-group", "item_groups": "group", "tax_classes": "tax class",
    "taxes": "tax", "location_groups": "location group", "locations": "location",
    "card_types": "card type", "customer_types": "customer type", "price_lists": "price list",
    "teams": "team",
}  # fmt: skip


def ref_words(table: str) -> str:
    """A reference table as a message names it ("sub-group")."""
    return _REF_WORDS.get(table, table)


# A side table a save writes besides the edited table: its columns' field name prefix.
_SIDE_TABLES = {"card_type_subscriptions": "sub_"}


def refusal_of(spec: TableSpec, exc: ConstraintRefused) -> FieldError:
    """A database refusal of a save as the form's refusal: the field it is about, in words.

    The checks above should leave the database nothing to refuse; this is the last line, so
    that a rule the schema holds and the form does not still names its field in the form's
    words ("Extra margin days cannot be empty"), built from the constraint's kind and names
    (storage/errors.py), never from SQLite's text.
    """
    field = _field_named_in(spec, exc)
    if field is None:  # a foreign key names no column: the first reference field
        field = next((f for f in spec.fields if f.kind in ("ref", "refs")), spec.fields[0])
    return FieldError(field.name, f"{field.words} {exc.words}")


def _field_named_in(spec: TableSpec, exc: ConstraintRefused) -> AdminField | None:
    """The field whose column a constraint names (``card_types.code``,
    ``card_type_subscriptions.rate``) or whose name is a word of a CHECK's expression
    (``extra_margin_days >= 0``)."""
    if exc.table in (spec.table, *_SIDE_TABLES) and exc.columns:
        names = [_SIDE_TABLES.get(exc.table or "", "") + c for c in exc.columns]
        return next((f for f in spec.fields if f.name in names), None)
    words = set(re.findall(r"\w+", exc.expression))
    for f in spec.fields:
        if f.name in words or (f.name.startswith("sub_") and f.name.removeprefix("sub_") in words):
            return f
    return None
