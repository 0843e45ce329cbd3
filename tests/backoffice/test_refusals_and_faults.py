"""A refusal and a bug are told apart (issue 13): a rule's refusal (any ``Refused``) is said
politely on the screen; any other exception, a stray ValueError included, is a bug that goes
to the screens' one fault handler: logged with its traceback, said as an error, the screen
and what was typed kept."""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import Any

import pytest
from textual.pilot import Pilot

from pos_tui.app import PosApp
from pos_tui.engine.bounds import OutOfBounds
from pos_tui.engine.convert import ConvertError
from pos_tui.engine.errors import Refused
from pos_tui.screens.backoffice.base import USER_ERRORS
from pos_tui.screens.backoffice.money import AccountScreen
from pos_tui.screens.dialogs import PromptScreen
from pos_tui.services.accounts.receivable import ReceivableError, ReceivableService
from pos_tui.services.accounts.statements import StatementError
from pos_tui.services.checkout.errors import CheckoutError
from pos_tui.services.customers.csv_io.columns import CsvFileError
from pos_tui.services.customers.erasure import ErasureError
from pos_tui.services.customers.fields import FieldError
from pos_tui.services.runtime.backend import Backend
from pos_tui.services.runtime.setup import StoreSetup
from pos_tui.services.staff.auth import AuthError
from pos_tui.services.staff.lockout import PinLocked
from pos_tui.services.staff.pins import PinError
from tests.backoffice.conftest import open_back_office, screen_text, settle
from tests.catalog import Store


@pytest.mark.parametrize(
    "error",
    [FieldError, ReceivableError, StatementError, ErasureError, CheckoutError, CsvFileError,
     AuthError, PinLocked, PinError, OutOfBounds, ConvertError],
)  # fmt: skip
def test_every_domain_error_is_a_refusal(error: type[Exception]) -> None:
    assert issubclass(error, Refused)


def test_the_back_office_reads_only_refusals() -> None:
    assert set(USER_ERRORS) == {Refused}
    assert not issubclass(ValueError, USER_ERRORS)


def test_services_refuse_with_the_domain_type(backend: Backend, store: Store) -> None:
    """What used to be a bare ValueError is a Refused: an employee the rules refuse."""
    with pytest.raises(Refused, match="role must be one of"):
        StoreSetup(backend).add_employee("401", "Pat", "owner", "4567")
    with pytest.raises(Refused, match="max discount must be between 0 and 100"):
        StoreSetup(backend).add_employee("401", "Pat", "cashier", "4567", max_discount="150")


def _said(pilot: Pilot[Any]) -> list[tuple[str, str, str]]:
    return [(n.title, n.severity, n.message) for n in pilot.app._notifications]


async def _pay(pilot: Pilot[Any], *values: str) -> None:
    await pilot.press("f7")
    await settle(pilot)
    assert isinstance(pilot.app.screen, PromptScreen), pilot.app.screen
    for value in values:
        await pilot.press(*value, "enter")
    await settle(pilot)


async def test_a_refusal_is_said_politely_and_not_logged_as_a_fault(
    app: PosApp, backend: Backend, store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    backend.ledgers.add_receivable(
        customer_id=store.corp, entry_type="charge", amount=Decimal("525.00"),
        at="2026-11-20T10:00:00", reference="PO-77", due_date="2026-12-20",
    )  # fmt: skip
    caplog.set_level(logging.ERROR)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_back_office(pilot, AccountScreen(store.corp))
        await _pay(pilot, "200", "")  # Acme requires a PO number: a rule says no
        said = _said(pilot)
        assert any(t == "Refused" and "requires a PO number" in m for t, _, m in said), said
        assert not any(t == "Error" for t, _, _ in said)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_a_bug_in_a_service_is_not_shown_as_a_refusal(
    app: PosApp,
    backend: Backend,
    store: Store,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A ValueError that is a bug (here: a service that breaks) reaches the fault handler:
    logged with its traceback, said as an error naming it, the account screen still open."""
    backend.ledgers.add_receivable(
        customer_id=store.corp, entry_type="charge", amount=Decimal("525.00"),
        at="2026-11-20T10:00:00", reference="PO-77", due_date="2026-12-20",
    )  # fmt: skip

    def broken(self: ReceivableService, *args: object, **kwargs: object) -> Decimal:
        raise ValueError("invalid literal for int() with base 10: 'PO-78'")

    monkeypatch.setattr(ReceivableService, "take_payment", broken)
    caplog.set_level(logging.ERROR)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_back_office(pilot, AccountScreen(store.corp))
        await _pay(pilot, "200", "PO-78")
        said = _said(pilot)
        assert not any(t == "Refused" for t, _, _ in said), said
        faults = [m for t, s, m in said if t == "Error" and s == "error"]
        assert len(faults) == 1, said
        assert "Unexpected error" in faults[0] and "ValueError" in faults[0], faults
        assert isinstance(app.screen, AccountScreen), "the screen stays"
        assert "see the log" in screen_text(pilot)
    (record,) = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert record.exc_info is not None and record.exc_info[0] is ValueError
    assert backend.customers.receivable_balance(store.corp) == Decimal("525.00")
