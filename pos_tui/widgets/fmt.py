"""Numbers for the screen: money with grouping and fixed places, quantities without noise."""

from __future__ import annotations

from decimal import Decimal


def money(value: Decimal | str | int, places: int = 2) -> str:
    """``Decimal("1234.5")`` → ``"1,234.50"``."""
    return f"{Decimal(str(value)):,.{places}f}"


def quantity(value: Decimal | str | int) -> str:
    """``Decimal("2.000")`` → ``"2"``; ``Decimal("0.250")`` → ``"0.25"``."""
    d = Decimal(str(value))
    if d == d.to_integral_value():
        return str(d.quantize(Decimal(1)))
    return format(d.normalize(), "f")


def points(value: Decimal | str | int) -> str:
    return quantity(value)
