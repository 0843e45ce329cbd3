"""Numbers and codes that are unique by construction: barcodes, card codes, injective maps."""

from __future__ import annotations

import random

CODE_FIRST = "ABCDEFGHJKLMNPQRSTUVWXYZ"
BASE36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def ean13_check_digit(first12: str) -> str:
    """The EAN-13 check digit of 12 digits (weights 1, 3, 1, 3, ... from the left)."""
    if len(first12) != 12 or not first12.isdigit():
        raise ValueError("EAN-13 needs 12 digits before the check digit")
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(first12))
    return str((10 - total % 10) % 10)


class Injective:
    """i -> a*i + b (mod space) with a coprime to space: distinct i give distinct values."""

    def __init__(self, rng: random.Random, space: int) -> None:
        self.space = space
        a = rng.randrange(space // 3, space) | 1
        while a % 5 == 0 or _gcd(a, space) != 1:
            a += 2
        self.a = a
        self.b = rng.randrange(space)

    def __call__(self, i: int) -> int:
        if not 0 <= i < self.space:
            raise ValueError("demo numbering space exhausted")
        return (self.a * i + self.b) % self.space


def _gcd(a: int, b: int) -> int:
    while b:
        a, b = b, a % b
    return a


def format_card_code(n: int) -> str:
    """A 5-character card code (a letter, then base 36), like CustomerService generates."""
    first, rest = divmod(n, 36**4)
    tail = ""
    for _ in range(4):
        rest, digit = divmod(rest, 36)
        tail = BASE36[digit] + tail
    return CODE_FIRST[first] + tail


# How many distinct card codes there are (the space of :func:`format_card_code`).
CARD_CODE_SPACE = len(CODE_FIRST) * 36**4
