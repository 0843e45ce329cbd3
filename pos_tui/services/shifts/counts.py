"""Counting a till: pieces per denomination of the currency config, or one amount.

A count is money: denominations come from ``[currency] denominations``; a count is a whole
number of pieces, never negative, and never absurd (more pieces or more money than a till
holds), each refused with a message naming the denomination.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from pos_tui.config import Settings
from pos_tui.engine.money import ZERO, NotANumber, to_decimal
from pos_tui.services.checkout.errors import CheckoutError

# A till never holds more than this many pieces of one denomination, nor more than this much.
MAX_PIECES = 10_000
MAX_AMOUNT = Decimal("100000000")


@dataclass(frozen=True)
class Count:
    """What was counted: the total and, when counted by denomination, the pieces of each."""

    total: Decimal
    pieces: dict[str, int] = field(default_factory=dict)

    def as_json(self) -> dict[str, int] | None:
        return dict(self.pieces) if self.pieces else None


def denominations(settings: Settings) -> list[Decimal]:
    """The configured denominations, largest first; a bad list is refused naming the entry."""
    places = settings.currency.minor_unit
    out: list[Decimal] = []
    for text in settings.currency.denominations:
        try:
            value = to_decimal(str(text))
        except NotANumber:
            raise CheckoutError(f"[currency] denominations: {text!r} is not an amount") from None
        if not value.is_finite() or value <= 0 or value != round(value, places):
            raise CheckoutError(
                f"[currency] denominations: {text!r} must be positive with at most "
                f"{places} decimals"
            )
        out.append(value)
    if len(set(out)) != len(out):
        raise CheckoutError("[currency] denominations: a denomination is listed twice")
    return sorted(out, reverse=True)


def money(settings: Settings, text: str | Decimal, what: str) -> Decimal:
    """An amount of money typed by the cashier: not negative, not absurd, in minor units."""
    places = settings.currency.minor_unit
    try:
        value = to_decimal(str(text).strip() or "x", commas=True)
    except NotANumber:
        raise CheckoutError(f"{what}: {str(text)!r} is not an amount") from None
    if not value.is_finite():
        raise CheckoutError(f"{what}: {str(text)!r} is not an amount")
    if value < 0:
        raise CheckoutError(f"{what} cannot be negative")
    if value != round(value, places):
        raise CheckoutError(f"{what}: at most {places} decimals")
    if value > MAX_AMOUNT:
        raise CheckoutError(f"{what} {value} is more than a till holds: check the count")
    return value.quantize(Decimal(1).scaleb(-places))


def by_denomination(settings: Settings, pieces: Mapping[str, str | int]) -> Count:
    """A count of pieces per denomination (keys as configured; blank or missing: none)."""
    known = {_key(d): d for d in denominations(settings)}
    counted: dict[str, int] = {}
    total = ZERO
    for key, raw in pieces.items():
        if key not in known:
            raise CheckoutError(f"{key} is not a denomination of {settings.currency.code}")
        text = str(raw).strip()
        if not text:
            continue
        if not text.lstrip("-").isdigit():
            raise CheckoutError(f"Count of {key}: {text!r} is not a whole number of pieces")
        number = int(text)
        if number < 0:
            raise CheckoutError(f"Count of {key} cannot be negative")
        if number > MAX_PIECES:
            raise CheckoutError(f"{number} pieces of {key} is more than a till holds: check it")
        if number:
            counted[_key(known[key])] = number
            total += known[key] * number
    if total > MAX_AMOUNT:
        raise CheckoutError(f"A count of {total} is more than a till holds: check it")
    places = settings.currency.minor_unit
    return Count(total.quantize(Decimal(1).scaleb(-places)), counted)


def one_amount(settings: Settings, text: str | Decimal) -> Count:
    return Count(money(settings, text, "Amount counted"))


def _key(value: Decimal) -> str:
    """How a denomination is named: "500", "0.50"."""
    return str(value.to_integral()) if value == value.to_integral() else str(value)


def denomination_keys(settings: Settings) -> list[str]:
    return [_key(d) for d in denominations(settings)]
