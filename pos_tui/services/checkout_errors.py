"""What the checkout refuses, said to the cashier."""

from __future__ import annotations


class CheckoutError(Exception):
    """A refusal the cashier sees. ``override_allowed``: a supervisor's PIN may lift it."""

    def __init__(
        self, message: str, *, code: str = "REFUSED", override_allowed: bool = False
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.override_allowed = override_allowed
