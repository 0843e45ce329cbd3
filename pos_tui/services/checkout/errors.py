"""What the checkout refuses, said to the cashier."""

from __future__ import annotations

from decimal import Decimal

from pos_tui.engine.bounds import MAX_QUANTITY  # the lane's limit is pos-tui quote's too
from pos_tui.engine.errors import Refused
from pos_tui.engine.money import NotANumber, to_decimal


class CheckoutError(Refused):
    """A refusal the cashier sees. ``override_allowed``: a supervisor's PIN may lift it.
    ``retry``: nothing was wrong with the change, the database could not take it (a full disk,
    a lock held too long): the same change may simply be tried again (Enter at the lane)."""

    def __init__(
        self,
        message: str,
        *,
        code: str = "REFUSED",
        override_allowed: bool = False,
        retry: bool = False,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.override_allowed = override_allowed
        self.retry = retry


def parse_decimal(text: str | Decimal | int, what: str) -> Decimal:
    """A number the cashier typed (the engine's one reader, thousands commas allowed), or the
    checkout's refusal in the cashier's words."""
    if isinstance(text, float):
        raise CheckoutError(f"{what}: not a float")
    try:
        return to_decimal(text, what, commas=True)
    except (NotANumber, TypeError):
        raise CheckoutError(f"{what} must be a number, not {str(text)!r}") from None


# What the cashier types into the lane's prompts, checked as the checkout checks it: a prompt
# runs the same function before it closes (screens/prompt_checks.py), so what it lets through
# is what the checkout takes, and a slip is said while the prompt still holds it.


def typed_quantity(text: str | Decimal) -> Decimal:
    """A line quantity: a number above zero, at most ``MAX_QUANTITY`` (a slip at the scanner)."""
    qty = parse_decimal(text, "Quantity")
    if qty <= 0:
        raise CheckoutError("Quantity must be more than zero")
    if qty > MAX_QUANTITY:
        raise CheckoutError(f"Quantity over {MAX_QUANTITY}: check the entry")
    return qty


def typed_price(text: str | Decimal) -> Decimal:
    """A new unit price: a number, never negative."""
    price = parse_decimal(text, "Price")
    if price < 0:
        raise CheckoutError("A price cannot be negative")
    return price


def typed_discount(
    percent: str | None, amount: str | None
) -> tuple[Decimal | None, Decimal | None]:
    """A manual discount: exactly one of a percent (0 to 100) or an amount (not negative)."""
    pct = parse_decimal(percent, "Discount %") if percent else None
    amt = parse_decimal(amount, "Discount amount") if amount else None
    if (pct is None) == (amt is None):
        raise CheckoutError("Give a discount percent or an amount")
    if pct is not None and not 0 <= pct <= 100:
        raise CheckoutError(f"A discount of {pct}% is not possible: at most 100%")
    if amt is not None and amt < 0:
        raise CheckoutError("A discount cannot be negative")
    return pct, amt


def typed_points(text: str | Decimal) -> Decimal:
    """Points to redeem: a number above zero."""
    wanted = parse_decimal(text, "Points")
    if wanted <= 0:
        raise CheckoutError("Points to redeem must be more than zero")
    return wanted
