"""Phone numbers in one form: E.164 (``+919876543210``), parsed with Google's libphonenumber
(the ``phonenumbers`` package) against the store's default region (``[store] phone_region``).

A number typed without its country code ("98765 43210", "098765-43210") is read as a number
of the store's region; one typed with it ("+91 98765 43210", "0091 9876543210") as itself.
Both come out as the same E.164 text, which is what is stored and compared, so a cashier finds
and a duplicate check refuses the same person whatever form was typed.

A number is accepted when it is a *possible* mobile number of its country (the right length
for a mobile there), not only when it is *valid* (in a range the metadata knows of): metadata
lags behind new ranges, and a till must not refuse a customer's real number.

``phonenumbers`` is imported on first use: it costs ~0.2 s, which the lane's start does not pay.
"""

from __future__ import annotations

import re
from typing import Any

DEFAULT_REGION = "IN"
_MIN_DIGITS = 6
_MAX_TYPED = 40  # the mobile field's length; anything longer is no phone number


class PhoneError(ValueError):
    """Text that is no phone number of the region (the message says why, for the cashier)."""


def _lib() -> Any:
    import phonenumbers

    return phonenumbers


def to_e164(text: str, region: str = DEFAULT_REGION) -> str:
    """``text`` as E.164; :class:`PhoneError` when it cannot be read as a possible number."""
    cleaned = text.strip()
    digits = sum(ch.isdigit() for ch in cleaned)
    if digits < _MIN_DIGITS or len(cleaned) > _MAX_TYPED:
        raise PhoneError("must have 6 to 15 digits")
    pn = _lib()
    try:
        number = pn.parse(cleaned, region.upper())
    except pn.NumberParseException as exc:
        raise PhoneError("is not a phone number") from exc
    if not pn.is_possible_number_for_type(number, pn.PhoneNumberType.MOBILE):
        raise PhoneError(f"is not a possible mobile number of +{number.country_code}")
    e164: str = pn.format_number(number, pn.PhoneNumberFormat.E164)
    return e164


# E.164 as stored: "+", a country code (never 0) and at most 15 digits in all.
_E164 = re.compile(r"\+[1-9][0-9]{5,14}")


def written_e164(text: str) -> str | None:
    """``text`` (blanks around it dropped) when it is written as E.164 already, else None: the
    form a stored number has, which a lookup may try as it is before parsing it."""
    cleaned = text.strip()
    return cleaned if _E164.fullmatch(cleaned) else None


def maybe_e164(text: str, region: str = DEFAULT_REGION) -> str | None:
    """``text`` as E.164 if it reads as a phone number, else None (a name typed in a search)."""
    if sum(ch.isdigit() for ch in text) < _MIN_DIGITS:
        return None
    try:
        return to_e164(text, region)
    except PhoneError:
        return None


def shown(e164: str) -> str:
    """A stored number as people read it: international format with spaces ("+91 98765
    43210"); text that is not E.164 (a number kept as typed by the migration) as it is."""
    if not e164.startswith("+"):
        return e164
    pn = _lib()
    try:
        number = pn.parse(e164, None)
    except pn.NumberParseException:
        return e164
    text: str = pn.format_number(number, pn.PhoneNumberFormat.INTERNATIONAL)
    return text
