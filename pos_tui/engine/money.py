"""Exact money and points arithmetic.

Everything the engine computes is a :class:`decimal.Decimal`. Floats are refused at every entry
point because a binary float cannot hold 0.10 exactly and a point-of-sale must never lose or
invent a paisa/cent. Rounding always goes through :func:`round_money` / :func:`round_points` so
the mode (``ROUND_HALF_UP`` by default, configurable in :class:`~pos_tui.engine.settings.Settings`)
is applied in exactly one place.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal, InvalidOperation

from pos_tui.engine.errors import Refused

ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)


class NotANumber(Refused, ValueError):
    """Text that is not an exact, finite decimal number."""


class TooManyPlaces(Refused, ValueError):
    """An amount with more decimals than the currency's minor unit."""


def to_decimal(value: object, what: str = "value", *, commas: bool = False) -> Decimal:
    """The one reader of a ``Decimal``: from a Decimal, an int or decimal text.

    Every amount typed, imported or stored as text goes through here (screens, services and
    storage keep their own words for the refusal, not their own parsing). ``commas``: text
    may group thousands ("1,250.50"), as a person types it. Floats are refused:
    ``to_decimal(0.1)`` raises ``TypeError`` because the float is already inexact. Booleans
    are refused too (``True`` is an ``int`` in Python, but never money). Text that is no
    number and non-finite values (NaN, Infinity) raise ``NotANumber``.
    """
    if isinstance(value, bool):
        raise TypeError(f"{what}: a boolean is not a number")
    if isinstance(value, float):
        raise TypeError(f"{what}: floats are not allowed, use a decimal string or Decimal")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, str):
        text = value.strip()
        try:
            result = Decimal(text.replace(",", "") if commas else text)
        except InvalidOperation:
            raise NotANumber(f"{what}: {value!r} is not a decimal number") from None
    else:
        raise TypeError(f"{what}: expected a Decimal, int or decimal string, got {type(value)}")
    if not result.is_finite():
        raise NotANumber(f"{what}: {value!r} is not a finite number")
    return result


def parse_money(value: object, what: str, minor_unit: int, *, commas: bool = True) -> Decimal:
    """An amount in the currency's minor unit, as typed: ``to_decimal``, then 12.345 is
    refused (``TooManyPlaces``) where the unit is the cent, and 12 becomes 12.00."""
    amount = to_decimal(value, what, commas=commas)
    try:
        exact = amount.quantize(quantum(minor_unit))
    except InvalidOperation:  # more digits than Decimal's context holds
        raise NotANumber(f"{what}: {value!r} is too large") from None
    if amount != exact:
        raise TooManyPlaces(f"{what} has more than {minor_unit} decimal places")
    return exact


# quantum() of the places every rounding uses, made once (money is rounded thousands of times
# a sale).
_QUANTA = {places: ONE.scaleb(-places) for places in range(-4, 13)}


def quantum(places: int) -> Decimal:
    """The smallest step for ``places`` decimal digits: 2 -> Decimal('0.01'), 0 -> Decimal('1')."""
    step = _QUANTA.get(places)
    return step if step is not None else ONE.scaleb(-places)


def round_money(amount: Decimal, minor_unit: int, rounding: str = ROUND_HALF_UP) -> Decimal:
    """Round an amount to the currency's minor unit with an explicit rounding mode."""
    return amount.quantize(quantum(minor_unit), rounding=rounding)


def round_points(points: Decimal, places: int, rounding: str = ROUND_HALF_UP) -> Decimal:
    """Round points to the configured number of decimal places (fractions are allowed)."""
    return points.quantize(quantum(places), rounding=rounding)


def round_to_step(value: Decimal, step: Decimal, mode: str) -> Decimal:
    """Round ``value`` to a multiple of ``step`` (a loyalty "rounding limit").

    ``mode`` is ``higher`` (ceiling), ``lower`` (floor) or ``standard`` (nearest, halves up),
    which are FusionRetail's three rounding options: 125.75 -> 126 higher, 125 lower;
    125.50 -> 126 and 125.49 -> 125 standard (step 1).
    """
    if step <= 0:
        raise ValueError("rounding step must be positive")
    modes = {"higher": ROUND_CEILING, "lower": ROUND_FLOOR, "standard": ROUND_HALF_UP}
    if mode not in modes:
        raise ValueError(f"unknown rounding mode {mode!r}")
    steps = (value / step).quantize(ONE, rounding=modes[mode])
    # Normalise the exponent so that 126 * Decimal('1') prints as "126", not "126.00".
    result = steps * step
    return result.quantize(ONE) if step == step.to_integral_value() else result.quantize(step)


def percent_of(amount: Decimal, percent: Decimal) -> Decimal:
    """``percent`` % of ``amount``, unrounded."""
    return amount * percent / HUNDRED


def allocate(total: Decimal, weights: Sequence[Decimal], step: Decimal) -> list[Decimal]:
    """Split ``total`` over ``weights`` in proportion, in multiples of ``step``, summing exactly.

    Used to spread a transaction discount over lines and to spread a per-sale rounded tax back
    over the lines. Largest-remainder method: every share is first floored to ``step``; the
    steps left over go to the shares with the largest remainders (ties to the earlier line), so
    the parts always add up to ``total`` and no part differs from its exact share by a step or
    more. ``total`` must be a non-negative multiple of ``step``; weights must be non-negative.
    """
    if total < 0:
        raise ValueError("allocate() needs a non-negative total")
    weight_sum = sum(weights, ZERO)
    if not weights:
        if total != 0:
            raise ValueError("cannot allocate a non-zero total over no weights")
        return []
    if weight_sum == 0:
        # Nothing to weigh by: everything goes to the first part.
        return [total if i == 0 else ZERO for i in range(len(weights))]
    exact = [total * w / weight_sum for w in weights]
    if step.as_tuple().digits == (1,):
        # A power of ten (the minor unit): flooring to it is one quantize, exponent and all.
        floors = [e.quantize(step, rounding=ROUND_FLOOR) for e in exact]
    else:
        floors = [
            ((e / step).to_integral_value(rounding=ROUND_FLOOR) * step).quantize(step)
            for e in exact
        ]
    left = int(((total - sum(floors, ZERO)) / step).to_integral_value())
    if left:
        # The largest remainders, ties to the earlier part.
        order = sorted(range(len(floors)), key=lambda i: (floors[i] - exact[i], i))
        for i in order[:left]:
            floors[i] += step
    return floors


def fmt(amount: Decimal | None) -> str | None:
    """Render a Decimal as a plain string (no exponent) for JSON output; None stays None."""
    if amount is None:
        return None
    return format(amount, "f")
