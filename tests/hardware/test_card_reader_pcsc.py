"""The PC/SC card reader driver against pcscd + vpcd with a virtual loyalty card."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from pos_tui.hardware.card_reader import PcscCardReader, build_card_reader
from pos_tui.hardware.events import CardError, CardRead, CardRemoved, ReaderStatus
from pos_tui.hardware.smartcard_profiles import LoyaltyAppProfile, UidProfile
from tests.helpers import HANG_SECONDS, returns_unless_hung, thread_alive

from .conftest import READER, EventLog
from .stacks import PcscdController, VirtualCard, wait_reader_state, wait_until

pytestmark = [pytest.mark.hardware, pytest.mark.xdist_group("pcscd")]


@pytest.fixture
def card() -> Iterator[VirtualCard]:
    virtual = VirtualCard()
    yield virtual
    virtual.remove()


def start_reader(events: EventLog, **kwargs: object) -> PcscCardReader:
    reader = PcscCardReader(on_event=events, reader_filter="Virtual PCD 00 00", **kwargs)  # type: ignore[arg-type]
    reader.start()
    events.wait_for(ReaderStatus, lambda e: e.ready, timeout=5)
    return reader


def test_uid_profile_reads_insert_remove_and_reinsert(
    reader: str, card: VirtualCard, events: EventLog
) -> None:
    driver = start_reader(events, profile=UidProfile())
    try:
        card.insert()
        read = events.wait_for(CardRead)
        assert read == CardRead("04A1B2C3D4E5F6", READER)

        mark = events.mark()
        card.remove()
        assert events.wait_for(CardRemoved, after=mark) == CardRemoved(READER)

        # Re-inserting before pcscd has seen the reader empty gives "card unpowered".
        assert wait_reader_state(reader, present=False)
        mark = events.mark()
        card.insert()
        again = events.wait_for(CardRead, after=mark)
        assert again.card_number == "04A1B2C3D4E5F6"
        assert not events.of_type(CardError)
        assert driver.state == "ready"
    finally:
        driver.stop()


def test_loyalty_app_profile_selects_aid_and_reads_number(
    reader: str, card: VirtualCard, events: EventLog
) -> None:
    card.card_number = "6012345678901234"
    driver = start_reader(events, profile=LoyaltyAppProfile())
    try:
        card.insert()
        assert events.wait_for(CardRead).card_number == "6012345678901234"
        # The card saw SELECT by our AID, then READ BINARY, and nothing else.
        commands = [apdu[:4] for apdu in card.apdus]
        assert commands == [bytes.fromhex("00A40400"), bytes.fromhex("00B00000")]
        assert card.apdus[0][5:] == bytes.fromhex("F0504F5354554901")
    finally:
        driver.stop()


def test_card_without_our_application_is_a_card_error(
    reader: str, card: VirtualCard, events: EventLog
) -> None:
    card.mode = "foreign"  # answers 6A82 to SELECT
    driver = start_reader(events, profile=LoyaltyAppProfile())
    try:
        card.insert()
        error = events.wait_for(CardError)
        assert error.reader == READER
        assert "6A82" in error.message
        assert "loyalty application" in error.message
        assert not events.of_type(CardRead)
        # The driver keeps working: the next (good) card reads.
        mark = events.mark()
        card.remove()
        events.wait_for(CardRemoved, after=mark)
        assert wait_reader_state(reader, present=False)
        card.mode = "ok"
        card.insert()
        assert events.wait_for(CardRead, after=mark).card_number == card.card_number
    finally:
        driver.stop()


def test_card_pulled_mid_read_is_a_card_error(
    reader: str, card: VirtualCard, events: EventLog
) -> None:
    card.mode = "pull"  # vanishes when READ BINARY arrives
    driver = start_reader(events, profile=LoyaltyAppProfile())
    try:
        card.insert()
        error = events.wait_for(CardError)
        assert error.message == "Card removed, tap again."  # no PC/SC code (0x80100013)
        assert not events.of_type(CardRead)
    finally:
        driver.stop()


def test_watcher_survives_pcscd_restart(
    reader: str, pcscd: PcscdController, card: VirtualCard, events: EventLog
) -> None:
    driver = start_reader(events, profile=UidProfile(), backoff_max=0.5)
    try:
        card.insert()
        events.wait_for(CardRead)

        mark = events.mark()
        pcscd.stop()  # takes vpcd (and so the card) with it
        card.remove()
        lost = events.wait_for(ReaderStatus, lambda e: not e.ready, after=mark)
        assert "reconnecting" in lost.message or "unavailable" in lost.message
        events.wait_for(CardRemoved, after=mark)
        # The watcher retried against the missing service (that failure sets this state) and
        # is still there to retry again.
        assert wait_until(lambda: driver.state == "waiting for PC/SC service", HANG_SECONDS)
        assert driver._thread is not None and driver._thread.is_alive()

        pcscd.start()
        events.wait_for(ReaderStatus, lambda e: e.ready, after=mark, timeout=10)
        mark = events.mark()
        card.insert()
        assert events.wait_for(CardRead, after=mark, timeout=10).card_number == "04A1B2C3D4E5F6"
    finally:
        driver.stop()


def test_reader_filter_matching_nothing_waits_and_stop_is_prompt(
    reader: str, events: EventLog
) -> None:
    # A poll far longer than the hang bound: only SCardCancel can end the wait in time.
    driver = PcscCardReader(
        on_event=events, reader_filter="No Such Reader", poll_timeout=HANG_SECONDS * 20
    )
    driver.start()
    try:
        status = events.wait_for(ReaderStatus)
        assert "Waiting for a card reader" in status.message
        assert driver.state == "waiting for a reader"
    finally:
        returns_unless_hung(lambda: driver.stop(timeout=HANG_SECONDS), "stop()")
        assert not thread_alive("card_reader-pcsc")


def test_build_card_reader_from_config(reader: str, card: VirtualCard, events: EventLog) -> None:
    driver = build_card_reader(
        {
            "kind": "pcsc",
            "reader": "PCD 00 00",
            "profile": "loyalty_app",
            "aid": "F0 50 4F 53 54 55 49 01",
        },
        events,
    )
    assert driver is not None
    assert "loyalty_app" in driver.target
    driver.start()
    try:
        events.wait_for(ReaderStatus, lambda e: e.ready)
        card.insert()
        assert events.wait_for(CardRead).card_number == card.card_number
    finally:
        driver.stop()
    assert build_card_reader({"kind": "none"}, events) is None
