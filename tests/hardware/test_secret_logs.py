"""No log line carries track data or a whole card number (pure: no device needed)."""

from __future__ import annotations

import logging

import pytest

from pos_tui.hardware.events import CardRead, DeviceEvent, Swipe, mask_card
from pos_tui.hardware.serial_lines import SerialMagstripe
from pos_tui.services.runtime.lane_devices import DeviceAction, route

PAN = "6035559876543210"
TRACKS = f"%B{PAN}^TESTER/SECRET^3012101123456789?;{PAN}=3012101123456789?"


def test_mask_card_keeps_at_most_the_first_six_and_the_last_four() -> None:
    assert mask_card(PAN) == "603555******3210"
    assert mask_card("4000001") == "***0001"
    assert mask_card("1234") == "****"


def test_events_and_actions_print_masked() -> None:
    for value in (
        Swipe(PAN, TRACKS),
        CardRead(PAN, "reader"),
        route(Swipe(PAN, TRACKS)),
        DeviceAction("ignore", PAN),
    ):
        shown = repr(value)
        assert PAN not in shown and "TESTER" not in shown and "3012101123456789" not in shown
        assert "603555******3210" in shown
    assert repr(DeviceAction("scan", "8901234567890")).count("8901234567890") == 1


def test_a_swipe_whose_handler_fails_logs_no_track_data(caplog: pytest.LogCaptureFixture) -> None:
    def broken(event: DeviceEvent) -> None:
        raise RuntimeError("the lane is gone")

    reader = SerialMagstripe("loop://", broken)
    with caplog.at_level(logging.DEBUG):
        reader.handle_line(TRACKS)
    assert "event handler failed" in caplog.text
    assert PAN not in caplog.text and "TESTER" not in caplog.text
    assert "3012101123456789" not in caplog.text
    assert "603555******3210" in caplog.text
