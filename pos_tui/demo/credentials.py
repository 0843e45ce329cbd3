"""The fixed demo sign-ins (employees, the account PIN) and PIN hashes that repeat for a seed."""

from __future__ import annotations

import base64
import hashlib
import random
from dataclasses import dataclass


@dataclass(frozen=True)
class DemoEmployee:
    number: str
    name: str
    role: str
    pin: str
    max_discount: str


# The sign-in credentials the demo command prints and the README documents.
DEMO_EMPLOYEES: tuple[DemoEmployee, ...] = (
    DemoEmployee("101", "Demo Cashier", "cashier", "1234", "5"),
    DemoEmployee("201", "Demo Supervisor", "supervisor", "2345", "20"),
    DemoEmployee("301", "Demo Manager", "manager", "3456", "100"),
)
# The account PIN of the few demo customers whose receivable account asks for one.
DEMO_CUSTOMER_PIN = "4321"
# At most this many customers get a PIN: hashing one costs ~30 ms on purpose.
MAX_CUSTOMER_PINS = 50


def seeded_pin_hash(pin: str, rng: random.Random) -> str:
    """A PIN hash in the format of :func:`pos_tui.services.staff.pins.hash_pin` with a seeded salt.

    Demo data must repeat exactly for a seed; a random salt from ``secrets`` would not.
    ``verify_pin`` reads the parameters from the string, so it checks these like any other.
    """
    n, r, p = 2**14, 8, 1
    salt = rng.randbytes(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=n, r=r, p=p, dklen=32)
    b64 = base64.b64encode
    return f"scrypt${n}${r}${p}${b64(salt).decode()}${b64(digest).decode()}"
