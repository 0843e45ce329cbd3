"""PINs are stored as salted scrypt hashes, never as digits."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets

from pos_tui.engine.errors import Refused

# scrypt at n=2**13 (8 MB) costs ~20 ms here (~50 ms with both cores busy). A PIN has a few
# digits: what protects it is the lockout (a few tries online, ``lockout.py``), and any cost
# only slows someone holding a stolen database by hashes-per-PIN-space. So the cost is a few tens
# of ms, the most a cashier's Enter can carry within the lane's 100 ms (docs/bench.md "Lane
# keys"); it was n=2**14 (~40 ms): such hashes still verify, their parameters are in the string,
# and ``needs_rehash`` tells the caller to store a new one after a right PIN.
_N, _R, _P = 2**13, 8, 1
# fullmatch, not "$": "$" also matches before a final newline, which let "1234\n" through.
_PIN_OK = re.compile(r"[0-9]{4,12}")


# The rule's own words: its digits are the rule's, never a PIN typed (a masker leaves them).
PIN_RULE = "A PIN is 4 to 12 digits"


class PinError(Refused, ValueError):
    pass


def check_pin_format(pin: str) -> str:
    if not _PIN_OK.fullmatch(pin):
        raise PinError(PIN_RULE)
    return pin


def hash_pin(pin: str) -> str:
    check_pin_format(pin)
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    b64 = base64.b64encode
    return f"scrypt${_N}${_R}${_P}${b64(salt).decode()}${b64(digest).decode()}"


def needs_rehash(stored: str | None) -> bool:
    """Whether a hash that just verified was made with other parameters than today's."""
    if not stored:
        return False
    parts = stored.split("$")
    return len(parts) == 6 and parts[0] == "scrypt" and parts[1:4] != [str(_N), str(_R), str(_P)]


def verify_pin(pin: str, stored: str | None) -> bool:
    if not stored or not pin:
        return False
    try:
        scheme, n, r, p, salt_b64, digest_b64 = stored.split("$")
        if scheme != "scrypt":
            return False
        salt = base64.b64decode(salt_b64)
        expected = base64.b64decode(digest_b64)
        digest = hashlib.scrypt(
            pin.encode(), salt=salt, n=int(n), r=int(r), p=int(p), dklen=len(expected)
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(digest, expected)
