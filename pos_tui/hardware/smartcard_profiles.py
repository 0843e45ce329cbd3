"""Read profiles: how an inserted smart card is turned into a loyalty card number.

Pure APDU logic over a `CardChannel`, so it runs the same against pyscard (card_reader.py) and
against a test double. Two profiles:

* `uid`: PC/SC GET DATA (FF CA 00 00 00) — the contactless UID, hex upper case. Works with any
  card the reader can see, but anyone can clone a UID: fine for a loyalty lookup, not for payment.
* `loyalty_app`: SELECT our application by AID (00 A4 04 00 Lc AID) then READ BINARY
  (00 B0 00 00 Le) returning the card number as ASCII digits.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

DEFAULT_LOYALTY_AID = bytes.fromhex("F0504F5354554901")  # "F0POSTUI\x01": proprietary (RID F)

SW_OK = 0x9000

# Status words a cashier can act on, keyed by SW. Anything else is reported by its hex value.
_STATUS_MEANINGS: dict[int, str] = {
    0x6A82: "it does not carry this shop's loyalty application",
    0x6A81: "the reader or card does not support this request",
    0x6986: "the card refused to be read (no application selected)",
    0x6982: "the card is locked (security status not satisfied)",
    0x6D00: "the card does not understand the request",
    0x6E00: "the card does not understand the request",
    0x6F00: "the card reported an internal error",
}


class CardReadError(Exception):
    """The card answered, but not with a usable card number. `str()` is cashier-facing."""


class CardChannel(Protocol):
    """An open connection to one card."""

    def transmit(self, apdu: bytes) -> tuple[bytes, int]:
        """Send a command APDU, return (response data, SW1SW2 as an int)."""
        ...


class ReadProfile(Protocol):
    @property
    def name(self) -> str: ...

    def read_card_number(self, channel: CardChannel) -> str:
        """Return the card number or raise CardReadError."""
        ...


def describe_status(sw: int) -> str:
    return _STATUS_MEANINGS.get(sw, f"the card answered with status {sw:04X}")


def transmit_checked(channel: CardChannel, apdu: bytes, what: str) -> bytes:
    """Transmit, following T=0 chaining (61xx / 6Cxx), and raise CardReadError unless 9000."""
    data, sw = channel.transmit(apdu)
    collected = b""
    # 61xx: more data waiting, fetch it with GET RESPONSE; bounded so a broken card cannot loop.
    for _ in range(16):
        if sw >> 8 == 0x61:
            collected += data
            data, sw = channel.transmit(bytes([0x00, 0xC0, 0x00, 0x00, sw & 0xFF]))
        elif sw >> 8 == 0x6C and len(apdu) >= 5:
            # 6Cxx: wrong Le, the card tells the right one: resend with it.
            data, sw = channel.transmit(apdu[:4] + bytes([sw & 0xFF]))
        else:
            break
    if sw != SW_OK:
        raise CardReadError(
            f"Card not accepted: {describe_status(sw)} ({what} failed, status {sw:04X})."
        )
    return collected + data


MAX_UID_BYTES = 10


@dataclass(frozen=True, slots=True)
class UidProfile:
    """Card number = the card's UID in upper-case hex."""

    name: str = "uid"

    def read_card_number(self, channel: CardChannel) -> str:
        uid = transmit_checked(channel, bytes.fromhex("FFCA000000"), "reading the card UID")
        if not uid:
            raise CardReadError("Card not accepted: the reader returned an empty UID.")
        if len(uid) > MAX_UID_BYTES:  # ISO 14443 UIDs are 4, 7 or 10 bytes
            raise CardReadError(
                f"Card not accepted: its UID is {len(uid)} bytes (at most {MAX_UID_BYTES})."
            )
        return uid.hex().upper()


@dataclass(frozen=True, slots=True)
class LoyaltyAppProfile:
    """Card number = ASCII digits read from the file of our selected application."""

    aid: bytes = DEFAULT_LOYALTY_AID
    read_length: int = 0  # Le; 0 means "up to 256 bytes, whatever the card has"
    min_digits: int = 4
    max_digits: int = 32
    name: str = "loyalty_app"

    def read_card_number(self, channel: CardChannel) -> str:
        select = bytes([0x00, 0xA4, 0x04, 0x00, len(self.aid)]) + self.aid
        transmit_checked(channel, select, "selecting the loyalty application")
        read = bytes([0x00, 0xB0, 0x00, 0x00, self.read_length & 0xFF])
        raw = transmit_checked(channel, read, "reading the card number")
        return parse_card_digits(raw, self.min_digits, self.max_digits)


def parse_card_digits(raw: bytes, min_digits: int = 4, max_digits: int = 32) -> str:
    """ASCII digits from a card file, tolerating the usual padding (NUL, 0xFF, spaces)."""
    text = raw.rstrip(b"\x00\xff ").lstrip(b" ")
    if not text:
        raise CardReadError("Card not accepted: its card number file is empty.")
    if not text.isdigit():
        raise CardReadError("Card not accepted: its card number is not made of digits.")
    if not min_digits <= len(text) <= max_digits:
        raise CardReadError(
            f"Card not accepted: its card number has {len(text)} digits "
            f"(expected {min_digits} to {max_digits})."
        )
    return text.decode("ascii")


def parse_aid(value: str | bytes | None) -> bytes:
    """An AID from config: hex with optional spaces/colons ("F0 50 4F ..."), 5 to 16 bytes."""
    if value is None or value == "":
        return DEFAULT_LOYALTY_AID
    if isinstance(value, bytes):
        aid = value
    else:
        cleaned = value.replace(" ", "").replace(":", "")
        try:
            aid = bytes.fromhex(cleaned)
        except ValueError:
            raise ValueError(f"card reader aid {value!r} is not hexadecimal") from None
    if not 5 <= len(aid) <= 16:
        raise ValueError(f"card reader aid must be 5 to 16 bytes, got {len(aid)}")
    return aid


def build_read_profile(name: str, aid: str | bytes | None = None) -> ReadProfile:
    if name == "uid":
        return UidProfile()
    if name == "loyalty_app":
        return LoyaltyAppProfile(aid=parse_aid(aid))
    raise ValueError(f"unknown card read profile {name!r} (expected 'uid' or 'loyalty_app')")
