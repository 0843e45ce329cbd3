"""Pure logic of the hardware layer (no IO): magstripe tracks, wedge-scanner detection, APDU
profiles over a scripted channel, text safety and receipt layout."""

from __future__ import annotations

import os

import pytest

from pos_tui.hardware.keyboard_wedge import WedgeDetector
from pos_tui.hardware.magstripe import MagstripeError, luhn_valid, parse_swipe
from pos_tui.hardware.printer import render_to_bytes
from pos_tui.hardware.receipt_text import (
    Columns,
    ReceiptDocument,
    TextLine,
    columns_for_paper,
    two_columns,
)
from pos_tui.hardware.smartcard_profiles import (
    CardReadError,
    LoyaltyAppProfile,
    UidProfile,
    build_read_profile,
    parse_aid,
)
from pos_tui.hardware.text_safety import encode_for_device, strip_controls, to_code_page_text

# -- magstripe -----------------------------------------------------------------------------------


def test_track1_and_track2_give_the_card_number() -> None:
    both = "%B4111111111111111^DOE/JANE ^2812101000000000?;4111111111111111=28121010000?"
    card = parse_swipe(both)
    assert (card.card_number, card.name, card.expiry_yymm, card.track) == (
        "4111111111111111",
        "JANE DOE",
        "2812",
        2,
    )
    only_track1 = parse_swipe("%B6009123456^SMITH/J^2901?")
    assert (only_track1.card_number, only_track1.track) == ("6009123456", 1)
    assert parse_swipe(";6009123456=2901?").card_number == "6009123456"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "Empty swipe"),
        ("%E?", "could not be read"),
        ("%E?;E?", "could not be read"),
        ("hello world", "Not a card swipe"),
        ("%B12^X^?", "too short"),
        ("%B6009123456^A/B^29?;6009999999=29?", "tracks disagree"),
    ],
)
def test_bad_swipes_raise_clear_errors(raw: str, message: str) -> None:
    with pytest.raises(MagstripeError, match=message):
        parse_swipe(raw)


def test_luhn_check_is_optional() -> None:
    assert luhn_valid("4111111111111111")
    assert not luhn_valid("4111111111111112")
    assert parse_swipe(";4111111111111112=29?").card_number == "4111111111111112"
    with pytest.raises(MagstripeError, match="check digit"):
        parse_swipe(";4111111111111112=29?", require_luhn=True)


# -- keyboard wedge ------------------------------------------------------------------------------


def feed_text(detector: WedgeDetector, text: str, start: float, gap: float) -> float:
    at = start
    for char in text:
        assert detector.feed(char, char, at) is None
        at += gap
    return at


def test_fast_burst_ending_in_enter_is_a_scan() -> None:
    detector = WedgeDetector()
    at = feed_text(detector, "4006381333931", 10.0, 0.004)
    burst = detector.feed("enter", None, at)
    assert burst is not None and burst.code == "4006381333931" and burst.typed_before == ""


def test_typing_is_not_a_scan() -> None:
    detector = WedgeDetector()
    at = feed_text(detector, "4006381333931", 10.0, 0.120)
    assert detector.feed("enter", None, at) is None
    assert detector.pending == ""


def test_slow_prefix_then_scan_and_short_bursts() -> None:
    detector = WedgeDetector(min_length=4, max_gap=0.030)
    at = feed_text(detector, "12", 0.0, 0.2)
    at = feed_text(detector, "ABCD1234", at + 0.5, 0.008)
    burst = detector.feed("enter", None, at)
    assert burst is not None and (burst.code, burst.typed_before) == ("ABCD1234", "12")
    # Too short, Enter too late, or broken by a non-character key: not scans.
    at = feed_text(detector, "123", 5.0, 0.005)
    assert detector.feed("enter", None, at) is None
    at = feed_text(detector, "12345", 6.0, 0.005)
    assert detector.feed("enter", None, at + 0.2) is None
    at = feed_text(detector, "123", 7.0, 0.005)
    detector.feed("left", None, at)
    at = feed_text(detector, "45", at, 0.005)
    assert detector.feed("enter", None, at) is None


# -- APDU profiles over a scripted channel (a unit seam; pcscd tests cover the real stack) ------


class ScriptedChannel:
    def __init__(self, answers: dict[bytes, list[tuple[bytes, int]]]) -> None:
        self.answers = answers
        self.sent: list[bytes] = []

    def transmit(self, apdu: bytes) -> tuple[bytes, int]:
        self.sent.append(apdu)
        return self.answers[apdu].pop(0)


def test_uid_profile_and_t0_chaining() -> None:
    channel = ScriptedChannel(
        {
            bytes.fromhex("FFCA000000"): [(b"", 0x6C04)],
            bytes.fromhex("FFCA000004"): [(b"", 0x6104)],
            bytes.fromhex("00C0000004"): [(bytes.fromhex("DEADBEEF"), 0x9000)],
        }
    )
    assert UidProfile().read_card_number(channel) == "DEADBEEF"


def test_loyalty_profile_errors_are_cashier_readable() -> None:
    aid = bytes.fromhex("A000000999")
    select = bytes.fromhex("00A4040005") + aid
    profile = LoyaltyAppProfile(aid=aid)
    with pytest.raises(CardReadError, match=r"loyalty application.*6A82"):
        profile.read_card_number(ScriptedChannel({select: [(b"", 0x6A82)]}))
    garbage = ScriptedChannel(
        {select: [(b"", 0x9000)], bytes.fromhex("00B0000000"): [(b"12AB", 0x9000)]}
    )
    with pytest.raises(CardReadError, match="not made of digits"):
        profile.read_card_number(garbage)
    padded = ScriptedChannel(
        {select: [(b"", 0x9000)], bytes.fromhex("00B0000000"): [(b"123456\x00\xff", 0x9000)]}
    )
    assert profile.read_card_number(padded) == "123456"


def test_profile_config() -> None:
    assert build_read_profile("uid").name == "uid"
    assert parse_aid("F0:50:4F:53:54") == bytes.fromhex("F0504F5354")
    assert parse_aid(None) == bytes.fromhex("F0504F5354554901")
    with pytest.raises(ValueError, match="hexadecimal"):
        parse_aid("not hex")
    with pytest.raises(ValueError, match="unknown card read profile"):
        build_read_profile("magic")


# -- text safety and layout ----------------------------------------------------------------------


def test_control_bytes_never_survive() -> None:
    hostile = "A\x1b@B\x1dV\x00C\x10\x04\x01D\x7fE\x9bF\u202eG\tH\nI"
    for codec in ("cp437", "cp858"):
        data = encode_for_device(hostile, codec)
        assert all(0x20 <= b != 0x7F for b in data), data
    assert strip_controls("a\tb\nc") == "a b c"


def test_code_page_fallbacks_are_readable() -> None:
    assert to_code_page_text("€ é ü ₹ — “x” …", "cp858") == '€ é ü Rs. - "x" ...'
    assert to_code_page_text("€ ő ł 漢", "cp437") == "EUR o l ?"


def test_receipt_layout_widths() -> None:
    assert columns_for_paper(58) == 32 and columns_for_paper(80) == 48
    with pytest.raises(ValueError):
        columns_for_paper(76)
    assert two_columns("Tea", "1.50", 12) == ["Tea     1.50"]
    assert two_columns("Jasmine green tea", "1.50", 12) == ["Jasmine", "green", "tea     1.50"]
    # A right part too wide to share a line gets its own, flush right.
    assert two_columns("Tea", "123456789012", 12) == ["Tea", "123456789012"]


def test_rendered_bytes_contain_no_data_controls() -> None:
    data = render_to_bytes(
        ReceiptDocument((TextLine("X\x1bd\x09Y"), Columns("\x1dV\x00", "1.00"))),
        code_page="CP858",
    )
    # Only our own commands: the ESC d / GS V from data must not appear.
    assert b"\x1bd\x09" not in data and b"\x1dV\x00" not in data
    assert b"X d Y" in data


# -- devices that do not open --------------------------------------------------------------------


def test_a_device_that_does_not_open_says_why_in_words() -> None:
    import errno
    import pwd

    import serial

    from pos_tui.hardware.access import open_failure

    me = pwd.getpwuid(os.getuid()).pw_name
    denied = serial.SerialException(errno.EACCES, "could not open port /dev/ttyACM0: denied")
    assert open_failure(denied) == (
        f"permission denied for the lane's account {me} (give it the device's group, e.g. dialout)"
    )
    missing = FileNotFoundError(errno.ENOENT, "No such file or directory")
    assert "it must be attached to the machine the lane runs on" in open_failure(missing)
    assert open_failure(OSError(errno.EIO, "I/O error")) == "[Errno 5] I/O error"
