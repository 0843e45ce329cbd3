"""Prompts at the lane: a refusal keeps what was typed and names things by their names, and
what can be checked is checked before more is asked (docs/lane.md, "Prompts and messages")."""

from __future__ import annotations

from decimal import Decimal

from textual.pilot import Pilot
from textual.widgets import Input

from pos_tui.app import PosApp
from pos_tui.screens.checkout import CheckoutScreen
from pos_tui.screens.dialogs import PromptScreen
from pos_tui.screens.returns import ReturnScreen
from pos_tui.screens.supervisor import SupervisorScreen
from pos_tui.screens.tender import TenderScreen
from pos_tui.services.checkout.sale import Checkout
from pos_tui.services.customers.service import CustomerService
from pos_tui.services.runtime.backend import Backend
from pos_tui.services.runtime.lane_devices import SETTING_METHOD_OF_INPUT
from tests.app.conftest import enter, screen_text, settle, sign_in
from tests.app.helpers_lane import message, view
from tests.app.shift_flow import menu
from tests.catalog import Store


async def _at_pay_with_acme(pilot: Pilot[None]) -> None:
    await sign_in(pilot)
    await pilot.press("f2")
    await settle(pilot)
    await enter(pilot, "Acme")
    await enter(pilot, "APPLE")
    await pilot.press("f5")
    await settle(pilot)
    assert isinstance(pilot.app.screen, TenderScreen)


async def test_an_account_limited_to_another_store_is_refused_by_name_before_the_pin(
    app: PosApp, backend: Backend, store: Store
) -> None:
    uptown = backend.catalog.insert("locations", {"code": "UP", "name": "Uptown Mall"})
    CustomerService(backend).update(store.corp, {"limit_to_location_id": uptown}, employee_id=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await _at_pay_with_acme(pilot)
        await pilot.press("f7")
        await settle(pilot)
        # Refused before a PIN or PO number is asked for: no prompt to type into for nothing.
        assert isinstance(app.screen, TenderScreen)
        assert "Acme Traders may only use the account at Uptown Mall" in message(pilot)
        assert "location" not in message(pilot)
        assert app.screen.view.tenders == ()


async def test_a_supervisor_refusing_the_override_gives_the_prompt_back_as_typed(
    app: PosApp, backend: Backend, store: Store
) -> None:
    CustomerService(backend).update(store.corp, {"credit_limit": "50"}, employee_id=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await _at_pay_with_acme(pilot)
        await pilot.press("f7")
        await settle(pilot)
        await enter(pilot, "4321")
        await enter(pilot, "PO-9")
        await pilot.press("escape")  # the supervisor does not approve
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PromptScreen)
        assert "over Acme Traders's available credit" in screen_text(pilot)
        assert screen.query_one("#field-pin").value == "4321"  # type: ignore[attr-defined]
        assert screen.query_one("#field-reference").value == "PO-9"  # type: ignore[attr-defined]
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, TenderScreen) and app.screen.view.tenders == ()


# -- every prompt of the sale keeps its input -----------------------------------------------------


def _prompt(pilot: Pilot[None]) -> tuple[str, dict[str, str]]:
    """The prompt on top: what it says (why it is asked again) and what its fields hold."""
    screen = pilot.app.screen
    assert isinstance(screen, PromptScreen), f"no prompt on top: {screen!r}"
    fields = {f.name: screen.query_one(f"#field-{f.name}", Input).value for f in screen.fields}
    return screen.message, fields


async def _retype(pilot: Pilot[None], text: str) -> None:
    """Type over the prompt's field (a refused value is selected: the first key replaces it)."""
    await enter(pilot, text)


async def test_the_quantity_prompt_keeps_a_refused_quantity_and_says_why(app: PosApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await enter(pilot, "2*APPLE")  # 210.00
        # A card of 150.00 is on the sale: fewer apples would make it more than the total.
        await pilot.press("f5", "1", "5", "0", "f6")
        await settle(pilot)
        await enter(pilot, "AUTH-1")
        await pilot.press("escape")
        await settle(pilot)
        # F4 with text that is no quantity: the text stays in the entry, said why.
        await pilot.press("x", "y", "f4")
        await settle(pilot)
        assert "'xy' is not a quantity: type a number, then F4" in message(pilot)
        assert pilot.app.screen.query_one("#entry", Input).value == "xy"
        await pilot.press("backspace", "backspace", "f4")
        await settle(pilot)
        assert pilot.app.screen.title_text == "Quantity of Apple 1kg (line 1)"  # type: ignore[attr-defined]
        await _retype(pilot, "0")  # checked by the prompt: it stays open
        assert _prompt(pilot) == ("Quantity must be more than zero", {"qty": "0"})
        await _retype(pilot, "1")  # checked by the checkout: refused, asked again
        said, typed = _prompt(pilot)
        assert "would be more than the new total 105.00" in said and typed == {"qty": "1"}
        await _retype(pilot, "3")
        assert isinstance(app.screen, CheckoutScreen)
        assert [line.quantity for line in view(pilot).priced.lines] == [Decimal("3")]


async def test_the_line_discount_prompt_keeps_its_input_over_the_limit_and_a_declined_override(
    app: PosApp,
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)  # Cass Cashier: 5% at most without a supervisor
        await enter(pilot, "APPLE")
        await pilot.press("f6")
        await settle(pilot)
        await _retype(pilot, "150%")
        assert _prompt(pilot) == (
            "A discount of 150% is not possible: at most 100%",
            {"discount": "150%"},
        )
        await _retype(pilot, "30%")
        assert isinstance(app.screen, SupervisorScreen)
        await pilot.press("escape")  # the supervisor does not approve
        await settle(pilot)
        said, typed = _prompt(pilot)
        assert "on line 1 is over Cass Cashier's limit of 5%: needs supervisor" in said
        assert typed == {"discount": "30%"}
        await _retype(pilot, "5%")
        assert isinstance(app.screen, CheckoutScreen)
        assert view(pilot).priced.totals.discount_total == Decimal("5.00")  # of 100.00


async def test_the_sale_discount_prompt_keeps_a_negative_amount_and_says_why(
    app: PosApp,
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await enter(pilot, "APPLE")
        await pilot.press("f8")
        await settle(pilot)
        await _retype(pilot, "-5")
        assert _prompt(pilot) == ("A discount cannot be negative", {"discount": "-5"})
        await pilot.press("escape")  # Escape still cancels
        await settle(pilot)
        assert (
            isinstance(app.screen, CheckoutScreen) and not view(pilot).priced.totals.discount_total
        )
        await pilot.press("f8")
        await settle(pilot)
        await _retype(pilot, "5")
        assert isinstance(app.screen, CheckoutScreen)
        assert view(pilot).priced.totals.discount_total == Decimal("5.00")


async def test_the_card_prompt_checks_the_amount_first_then_keeps_the_reference(
    app: PosApp, backend: Backend
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await _at_pay_with_acme(pilot)  # 105.00 due
        await pilot.press("5", "0", "0", "f6")
        await settle(pilot)
        # More than is due: said before a reference is typed for nothing.
        assert isinstance(app.screen, TenderScreen)
        assert "A card pays at most the 105.00 still due" in message(pilot)
        await pilot.press("backspace", "backspace", "backspace", "f6")  # the amount due, now
        await settle(pilot)
        await pilot.press("enter")  # no reference
        await settle(pilot)
        assert _prompt(pilot) == (
            "Enter the card terminal's approval reference",
            {"reference": ""},
        )
        await _retype(pilot, "AUTH-7")  # the card pays it all: the sale commits
        assert isinstance(app.screen, CheckoutScreen)
    sale = backend.journal.last("L1")
    assert sale is not None
    tenders = backend.journal.children(sale.id).tenders
    assert [(t.kind, t.amount, t.reference) for t in tenders] == [
        ("card", Decimal("105.00"), "AUTH-7")
    ]


async def test_a_card_refund_declined_by_the_supervisor_gives_the_reference_back(
    app: PosApp, backend: Backend, store: Store
) -> None:
    co = Checkout(backend, store.cashier)
    priced = co.add_item("APPLE", "2")
    co.add_cash(str(priced.totals.total))  # paid in cash: a card refund needs a supervisor
    co.commit()
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(pilot)
        await pilot.press("ctrl+l")
        await settle(pilot)
        await enter(pilot, "1")
        await pilot.press("f7")
        await settle(pilot)
        await pilot.press("f4", "f5")  # every line, then the refund
        await settle(pilot)
        await pilot.press("f6")
        await settle(pilot)
        await _retype(pilot, "R-1")
        assert isinstance(app.screen, SupervisorScreen)
        await pilot.press("escape")  # not approved
        await settle(pilot)
        said, typed = _prompt(pilot)
        assert "by card: the sale had no card: needs a supervisor" in said
        assert typed == {"reference": "R-1"}
        await _retype(pilot, "")  # Enter keeps R-1: the supervisor is asked again
        assert isinstance(app.screen, SupervisorScreen)
        await enter(pilot, "201")
        await enter(pilot, "2345")
        assert "RETURN #2 COMPLETE" in screen_text(pilot)
    sale = backend.journal.last("L1")
    assert sale is not None and sale.kind == "return"
    tenders = backend.journal.children(sale.id).tenders
    assert [(t.kind, t.reference) for t in tenders] == [("card", "R-1")]


async def test_the_points_prompt_says_how_many_the_customer_has_and_keeps_the_points(
    app: PosApp,
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await pilot.press("f2")
        await settle(pilot)
        await enter(pilot, "9876543210")  # Anna Smith: 100 points, 2 points = 5.00
        await enter(pilot, "APPLE")
        await pilot.press("f5")
        await settle(pilot)
        await pilot.press("f8")
        await settle(pilot)
        assert _prompt(pilot)[1] == {"points": "42"}  # what pays the 105.00 due
        await _retype(pilot, "500")
        assert _prompt(pilot) == (
            "Anna Smith has 100 points to use: redeem at most 100",
            {"points": "500"},
        )
        await _retype(pilot, "1")  # less than one unit (2 points): the checkout refuses it
        said, typed = _prompt(pilot)
        assert said.startswith("Cannot redeem 1 points") and typed == {"points": "1"}
        await _retype(pilot, "10")
        screen = app.screen
        assert isinstance(screen, TenderScreen) and screen.view.remaining == Decimal("80.00")


async def test_the_num_pad_customer_prompt_keeps_a_number_that_finds_nobody(
    app: PosApp, backend: Backend
) -> None:
    backend.store.set_setting(SETTING_METHOD_OF_INPUT, "num_pad")
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await pilot.press("f2")
        await settle(pilot)
        await _retype(pilot, "5550000")
        assert _prompt(pilot) == (
            "No customer with card or mobile number 5550000",
            {"number": "5550000"},
        )
        await _retype(pilot, "9876543210")
        assert isinstance(app.screen, CheckoutScreen)
        customer = view(pilot).customer
        assert customer is not None and customer.name == "Anna Smith"


async def test_a_cash_drop_over_the_drawer_is_asked_again_as_typed(app: PosApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await menu(pilot, "cash_drop")
        await _retype(pilot, "500")
        said, typed = _prompt(pilot)
        assert "cash is expected in the drawer: 500.00 cannot be taken out" in said
        assert typed == {"amount": "500"}
        await _retype(pilot, "50")
        assert isinstance(app.screen, CheckoutScreen)
        assert "Cash drop 50.00 recorded" in message(pilot)


async def test_the_price_prompt_keeps_a_refused_price_and_a_declined_override(
    app: PosApp,
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await enter(pilot, "APPLE")  # 100.00 before tax
        await pilot.press("f7")
        await settle(pilot)
        await _retype(pilot, "-1")
        assert _prompt(pilot) == ("A price cannot be negative", {"price": "-1"})
        await _retype(pilot, "50")  # 50% under the price: over Cass Cashier's 5%
        assert isinstance(app.screen, SupervisorScreen)
        await pilot.press("escape")
        await settle(pilot)
        said, typed = _prompt(pilot)
        assert "over Cass Cashier's limit of 5%: needs supervisor" in said
        assert typed == {"price": "50"}
        await _retype(pilot, "96")
        assert isinstance(app.screen, CheckoutScreen)
        assert [line.unit_price for line in view(pilot).priced.lines] == [Decimal("96")]


async def test_a_payment_on_account_is_asked_again_with_all_five_fields(
    app: PosApp, backend: Backend, store: Store
) -> None:
    co = Checkout(backend, store.cashier)  # Acme Traders owes 105.00
    co.add_item("APPLE")
    co.attach_customer(store.corp)
    co.add_account("105.00", pin="4321", reference="PO-1")
    co.commit()
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await menu(pilot, "payment")
        await enter(pilot, "Acme")  # the customer
        await pilot.press("enter")  # oldest first
        await settle(pilot)
        for value in ("60", "40", "20", "", "CHQ-1"):  # no card approval code
            await enter(pilot, value)
        said, typed = _prompt(pilot)
        assert "Give the card terminal's approval code" in said
        assert typed == {
            "amount": "60", "cash": "40", "card": "20", "approval": "", "reference": "CHQ-1"
        }  # fmt: skip
        for value in ("", "", "", "AUTH-2", ""):  # Enter keeps what is there
            await enter(pilot, value)
        assert isinstance(app.screen, CheckoutScreen), _prompt(pilot)
        assert "60.00 paid on account" in message(pilot)


async def test_the_return_quantity_prompt_keeps_more_than_can_come_back(
    app: PosApp, backend: Backend, store: Store
) -> None:
    co = Checkout(backend, store.cashier)
    priced = co.add_item("APPLE", "2")
    co.add_cash(str(priced.totals.total))
    co.commit()
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(pilot)
        await pilot.press("ctrl+l")
        await settle(pilot)
        await enter(pilot, "1")
        await pilot.press("f7")
        await settle(pilot)
        assert isinstance(app.screen, ReturnScreen)
        await pilot.press("enter")  # the sale's first line
        await settle(pilot)
        assert app.screen.title_text == "Return how many of Apple 1kg (line 1)?"  # type: ignore[attr-defined]
        await _retype(pilot, "x")
        assert _prompt(pilot) == ("Quantity must be a number, not 'x'", {"qty": "x"})
        await _retype(pilot, "3")  # two were sold
        assert _prompt(pilot) == (
            "Only 2 of Apple 1kg (line 1) can still be returned",
            {"qty": "3"},
        )
        await _retype(pilot, "1")
        assert isinstance(app.screen, ReturnScreen)
        assert [line.quantity for line in app.screen.view.priced.lines] == [Decimal("1")]  # type: ignore[union-attr]


async def test_holding_a_sale_with_tenders_is_refused_before_the_label(app: PosApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await enter(pilot, "APPLE")
        await pilot.press("f5", "1", "0", "f6")
        await settle(pilot)
        await enter(pilot, "AUTH-1")
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert isinstance(app.screen, CheckoutScreen), "no label asked for nothing"
        assert "Remove the tenders before holding the sale" in message(pilot)


# -- messages -----------------------------------------------------------------------------------


async def test_a_refusal_is_cleared_by_the_next_key(app: PosApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await enter(pilot, "NOSUCH")
        assert "No item with barcode or SKU 'NOSUCH'" in message(pilot)
        await pilot.press("f9")  # the next action: void line with nothing to void
        await settle(pilot)
        assert "NOSUCH" not in message(pilot)
        await pilot.press("A")  # the next key: the refusal of F9 is stale too
        await settle(pilot)
        assert message(pilot) == "F2 customer · F5 pay · F1 every key"
        await pilot.press("P", "P", "L", "E", "enter")
        await settle(pilot)
        assert "Apple 1kg × 1 = 105.00" in message(pilot), "the next outcome replaces it"


async def test_a_return_shows_the_amount_refunded_not_change(
    app: PosApp, backend: Backend, store: Store
) -> None:
    co = Checkout(backend, store.cashier)
    priced = co.add_item("APPLE", "2")
    co.add_cash(str(priced.totals.total))
    co.commit()
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(pilot)
        await pilot.press("ctrl+l")
        await settle(pilot)
        await enter(pilot, "1")
        await pilot.press("f7")
        await settle(pilot)
        assert isinstance(app.screen, ReturnScreen)
        await pilot.press("f4", "f5")
        await settle(pilot)
        await pilot.press("enter")  # cash back
        await settle(pilot)
        text = screen_text(pilot)
        assert "REFUNDED  210.00" in text and "RETURN #2 COMPLETE" in text
        assert "CHANGE DUE" not in text
        assert "Return 2 complete · refunded 210.00" in message(pilot)


async def test_an_empty_sale_is_not_offered_back_at_sign_in(
    app: PosApp, backend: Backend, store: Store
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await enter(pilot, "APPLE")
        await pilot.press("f9")  # the only line voided: the open sale is empty
        await settle(pilot)
        await pilot.press("f12")
        await settle(pilot)
        await sign_in(pilot)
        assert isinstance(app.screen, CheckoutScreen)
        assert "SALE LEFT IN PROGRESS" not in screen_text(pilot)
    assert Checkout(backend, store.cashier).in_progress() == [], "voided, not asked again"
    voids = backend.db.execute("SELECT changes FROM audit_log WHERE action = 'void_sale'")
    assert [row[0] for row in voids] == ['{"lines": 0, "tenders": []}'], "the drop is audited"
