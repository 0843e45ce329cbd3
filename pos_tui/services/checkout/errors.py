"""What the checkout refuses, said to the cashier."""

from __future__ import annotations

from decimal import Decimal

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
