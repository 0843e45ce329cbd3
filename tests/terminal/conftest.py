"""The kiosk built once for the terminal tests that need it (tests/terminal/kiosk.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.terminal.kiosk import KioskStack, kiosk_stack


@pytest.fixture(scope="session")
def kiosk() -> Iterator[KioskStack]:
    # sshd notices a dropped link after 2 unanswered keep-alives 1 s apart instead of the
    # snippet's 3 x 15 s; nothing else differs (the first value of a keyword wins in sshd, and
    # these lines come before the snippet).
    with kiosk_stack(sshd_for_account=["ClientAliveInterval 1", "ClientAliveCountMax 2"]) as stack:
        yield stack
