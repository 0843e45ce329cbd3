"""Every tender at the lane, committed to a real database: cash, card, account, points, split."""

from __future__ import annotations

from decimal import Decimal

from textual.pilot import Pilot

from pos_tui.app import PosApp
from pos_tui.screens.dialogs import PromptScreen
from pos_tui.screens.supervisor import SupervisorScreen
from pos_tui.screens.tender import TenderScreen
from pos_tui.services.checkout.sale import Committed
from pos_tui.services.runtime.backend import Backend
from tests.app.conftest import enter, focused_input, screen_text, settle, sign_in
from tests.app.helpers_lane import burst, checkout, message, notifications, skus, view
from tests.catalog import Store
from tests.helpers import wrong_account_pins


async def _attach(pilot: Pilot[None], text: str) -> None:
    await pilot.press("f2")
    await settle(pilot)
    await enter(pilot, text)


async def test_cash_with_change_commits_and_calls_the_hooks(app: PosApp, backend: Backend) -> None:
    seen: list[Committed] = []
    hooked: list[Committed] = []
    kicks: list[int] = []

    class Printing:
        def kick(self) -> None:
            kicks.append(1)

    app.after_commit.append(seen.append)
    app.on_sale_committed = hooked.append  # type: ignore[attr-defined]
    app.printing = Printing()
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await enter(pilot, "2*APPLE")
        await enter(pilot, "BAG")
        await pilot.press("f5")
        await settle(pilot)
        assert isinstance(app.screen, TenderScreen)
        assert "215.00" in screen_text(pilot)
        await enter(pilot, "500")
        text = screen_text(pilot)
        assert "CHANGE DUE  285.00" in text and "SALE #1 COMPLETE" in text
        assert view(pilot).empty, "a new sale is ready"
        assert len(seen) == 1 and seen[0].change == Decimal("285.00")
        assert hooked == seen and kicks == [1]
        assert any("Sale 1 committed" in n for n in notifications(pilot))
    sale = backend.journal.last("L1")
    assert sale is not None and sale.total == Decimal("215.00")
    tenders = backend.journal.children(sale.id).tenders
    assert [(t.kind, t.amount, t.change_given) for t in tenders] == [
        ("cash", Decimal("500.00"), Decimal("285.00"))
    ]
    assert [j.kind for j in backend.print_jobs.pending("L1")] == ["receipt"]


async def test_exact_cash_is_f5_then_enter(app: PosApp, backend: Backend) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await enter(pilot, "APPLE")
        await pilot.press("f5")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert "CHANGE DUE  0.00" in screen_text(pilot)
    assert backend.journal.last("L1").total == Decimal("105.00")  # type: ignore[union-attr]


async def test_external_card_needs_a_reference(app: PosApp, backend: Backend) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await enter(pilot, "APPLE")
        await pilot.press("f5")
        await settle(pilot)
        await pilot.press("f6")
        await settle(pilot)
        await pilot.press("enter")  # no reference: said on the prompt, which stays open
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PromptScreen) and "approval reference" in screen.message
        await enter(pilot, "AUTH-9")
        assert view(pilot).empty
    sale = backend.journal.last("L1")
    assert sale is not None
    tenders = backend.journal.children(sale.id).tenders
    assert [(t.kind, t.amount, t.reference) for t in tenders] == [
        ("card", Decimal("105.00"), "AUTH-9")
    ]


async def test_account_pin_po_number_credit_refusal_and_override(
    app: PosApp, backend: Backend, store: Store
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await _attach(pilot, "Acme")
        assert "Credit available: 1,000.00" in screen_text(pilot)
        await enter(pilot, "5*APPLE")  # 525.00
        await pilot.press("f5")
        await settle(pilot)
        await pilot.press("f7")
        await settle(pilot)
        assert "PO number (required)" in screen_text(pilot)
        await enter(pilot, "0000")
        await enter(pilot, "PO-1")
        assert "Wrong customer PIN" in screen_text(pilot)
        # Asked again at once: the PO number kept, the wrong PIN cleared, the PIN to type.
        assert focused_input(pilot).id == "field-pin" and focused_input(pilot).value == ""
        assert app.screen.query_one("#field-reference").value == "PO-1"  # type: ignore[attr-defined]
        await enter(pilot, "4321")
        focused_input(pilot).value = ""  # no PO number after all
        await pilot.press("enter")
        await settle(pilot)
        assert "A PO number is required" in screen_text(pilot)
        # Asked again with the PIN kept, at the PO number.
        assert focused_input(pilot).id == "field-reference"
        assert app.screen.query_one("#field-pin").value == "4321"  # type: ignore[attr-defined]
        await enter(pilot, "PO-77")
        assert "SALE #1 COMPLETE" in screen_text(pilot)
        # A second charge goes over the credit limit: refused, a supervisor overrides.
        await _attach(pilot, "Acme")
        await enter(pilot, "5*APPLE")
        await pilot.press("f5")
        await settle(pilot)
        await pilot.press("f7")
        await settle(pilot)
        await enter(pilot, "4321")
        await enter(pilot, "PO-78")
        assert isinstance(app.screen, SupervisorScreen)
        assert "credit" in str(app.screen.query_one("#why").render()).lower()
        await enter(pilot, "201")
        await enter(pilot, "2345")
        assert "SALE #2 COMPLETE" in screen_text(pilot)
    entries = backend.ledgers.receivable_entries(store.corp)
    assert [(e.amount, e.reference) for e in entries] == [
        (Decimal("525.00"), "PO-77"),
        (Decimal("525.00"), "PO-78"),
    ]
    assert backend.customers.receivable_balance(store.corp) == Decimal("1050.00")


async def test_points_redemption_then_cash(app: PosApp, backend: Backend, store: Store) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await _attach(pilot, "9876543210")
        await enter(pilot, "APPLE")  # 105.00
        await pilot.press("f5")
        await settle(pilot)
        assert "Points 100: 42 usable now = 105.00" in screen_text(pilot)
        await pilot.press("f8")
        await settle(pilot)
        await enter(pilot, "10")  # 2 points = 5.00 -> 25.00
        screen = app.screen
        assert isinstance(screen, TenderScreen) and screen.view.remaining == Decimal("80.00")
        await pilot.press("enter")  # the rest in cash
        await settle(pilot)
        assert view(pilot).empty
    sale = backend.journal.last("L1")
    assert sale is not None and sale.points_used == Decimal("10")
    entries = [(e.entry_type, e.points) for e in backend.ledgers.points_entries(store.anna)]
    assert ("used", Decimal(-10)) in entries


async def test_split_tender_with_a_removed_tender(app: PosApp, backend: Backend) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await enter(pilot, "APPLE")  # 105.00
        await pilot.press("f5")
        await settle(pilot)
        await enter(pilot, "20")
        screen = app.screen
        assert isinstance(screen, TenderScreen) and len(screen.view.tenders) == 1
        await pilot.press("f9")
        await settle(pilot)
        assert screen.view.tenders == () and screen.view.remaining == Decimal("105.00")
        await enter(pilot, "50")
        assert screen.view.remaining == Decimal("55.00")
        await pilot.press("f6")
        await settle(pilot)
        await enter(pilot, "AUTH-2")
        assert checkout(pilot).view is not None and checkout(pilot).view.empty  # type: ignore[union-attr]
    sale = backend.journal.last("L1")
    assert sale is not None
    tenders = backend.journal.children(sale.id).tenders
    assert [(t.kind, t.amount) for t in tenders] == [
        ("cash", Decimal("50.00")),
        ("card", Decimal("55.00")),
    ]


async def test_escape_keeps_tenders_on_the_sale(app: PosApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await enter(pilot, "APPLE")
        await pilot.press("f5")
        await settle(pilot)
        await enter(pilot, "5")
        await pilot.press("escape")
        await settle(pilot)
        assert view(pilot).paid == Decimal("5.00") and view(pilot).remaining == Decimal("100.00")


async def _at_pay(pilot: Pilot[None], *scans: str, customer: str | None = None) -> None:
    """Signed in, ``scans`` rung up (for ``customer``), on the pay screen."""
    await sign_in(pilot)
    if customer is not None:
        await _attach(pilot, customer)
    for scan in scans:
        await enter(pilot, scan)
    await _press(pilot, "f5")


async def _press(pilot: Pilot[None], *keys: str) -> None:
    await pilot.press(*keys)
    await settle(pilot)


async def test_points_after_cash_pay_the_rest_and_give_no_change(
    app: PosApp, backend: Backend, store: Store
) -> None:
    """Cash 100.00 first, then F8: the points offered pay the 110.00 still due, not the total,
    and no change comes back (it used to pre-fill the whole 210.00 and show CHANGE 100.00)."""
    async with app.run_test(size=(80, 24)) as pilot:
        # Anna: 100 points, 2 points = 5.00; 210.00 due.
        await _at_pay(pilot, "2*APPLE", customer="9876543210")
        await enter(pilot, "100")
        screen = app.screen
        assert isinstance(screen, TenderScreen) and screen.view.remaining == Decimal("110.00")
        await _press(pilot, "f8")
        assert focused_input(pilot).value == "44"
        await _press(pilot, "enter")
        text = screen_text(pilot)
        assert "CHANGE DUE  0.00" in text and "SALE #1 COMPLETE" in text
    sale = backend.journal.last("L1")
    assert sale is not None and sale.points_used == Decimal("44")
    tenders = backend.journal.children(sale.id).tenders
    assert [(t.kind, t.amount, t.change_given) for t in tenders] == [
        ("cash", Decimal("100.00"), Decimal("0.00")),
        ("points", Decimal("110.00"), Decimal("0")),
    ]


async def test_points_over_what_is_due_are_capped_and_said(
    app: PosApp, backend: Backend, store: Store
) -> None:
    """More points than pay what is due are cut to those that do (more than the customer has
    is said on the prompt: tests/app/test_prompts.py)."""
    async with app.run_test(size=(80, 24)) as pilot:
        await _at_pay(pilot, "3*APPLE", customer="9876543210")  # 315.00
        await _press(pilot, "1", "0", "0", "enter")  # 100.00 cash: 215.00 still due
        await _press(pilot, "f8")
        await enter(pilot, "100")  # the card's 100 points are worth 250.00
        said = "100 points asked: 86 redeemed = 215.00 (215.00 pays the 215.00 still due)"
        assert said in notifications(pilot)  # (the sale then commits: paid in full)
    sale = backend.journal.last("L1")
    assert sale is not None and sale.points_used == Decimal("86")


async def test_a_card_tender_does_not_outlive_the_voided_lines(
    app: PosApp, backend: Backend
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await _at_pay(pilot, "APPLE")
        await _press(pilot, "1", "0", "f6")
        await enter(pilot, "AUTH-1")
        await _press(pilot, "escape")
        assert view(pilot).paid == Decimal("10.00")
        await _press(pilot, "f9")  # void the only line
        assert "Tenders of card 10.00 are on the sale: take the tenders off first" in message(pilot)
        assert skus(pilot) == [("APPLE", "1")] and view(pilot).paid == Decimal("10.00")
        # The tender is taken off on purpose, then the line goes; the next sale starts clean.
        for key in ("f5", "f9", "escape", "f9"):  # pay screen, remove the card, back, void
            await _press(pilot, key)
        assert view(pilot).empty and view(pilot).tenders == ()
        await enter(pilot, "BAG")
        assert view(pilot).paid == 0 and view(pilot).remaining == Decimal("5.00")
    (row,) = backend.open_sales.for_lane("L1", "in_progress")
    assert '"tenders": []' in row.state and "AUTH-1" not in row.state


async def test_voiding_a_sale_with_tenders_says_what_to_give_back(app: PosApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await _at_pay(pilot, "APPLE")
        await enter(pilot, "20")
        await _press(pilot, "escape")
        await _press(pilot, "ctrl+y")
        await _press(pilot, "down", "enter")  # "Void the sale"
        assert view(pilot).empty
        assert "Sale voided: give back cash 20.00" in message(pilot)


# -- keys typed ahead ---------------------------------------------------------------------------


async def _ready_to_pay(pilot: Pilot[None]) -> None:
    await _attach(pilot, "Acme")
    await enter(pilot, "APPLE")  # 105.00
    await pilot.press("f5")
    await settle(pilot)
    assert isinstance(pilot.app.screen, TenderScreen)


async def test_account_pin_typed_ahead_in_a_burst_is_verified_every_time(
    app: PosApp, backend: Backend, store: Store
) -> None:
    """F7, the PIN, Tab, the PO number and Enter as one burst: every key reaches the field it
    was typed for (the PIN was "wrong" 7 times out of 8 when Tab arrived before the prompt's
    focus did)."""
    verified = 0
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        for round_ in range(8):
            await _ready_to_pay(pilot)
            if round_ % 2:  # the prompt already open, then the burst
                await pilot.press("f7")
                await settle(pilot)
                burst(app, *"4321", "tab", "P", "O", "minus", *str(round_), "enter")
            else:  # the key that opens the prompt is part of the burst
                burst(app, "f7", *"4321", "tab", "P", "O", "minus", *str(round_), "enter")
            await settle(pilot, 8)
            assert "Wrong customer PIN" not in message(pilot)
            verified += view(pilot).empty
    assert verified == 8
    entries = backend.ledgers.receivable_entries(store.corp)
    assert [(e.amount, e.reference) for e in entries] == [
        (Decimal("105.00"), f"PO-{n}") for n in range(8)
    ]


async def test_amount_typed_before_the_prompt_key_is_the_amount_charged(
    app: PosApp, backend: Backend, store: Store
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await _ready_to_pay(pilot)
        burst(app, "5", "0", "f7", *"4321", "tab", "P", "O", "enter")
        await settle(pilot, 8)
        screen = app.screen
        assert isinstance(screen, TenderScreen)
        assert [(t.kind, t.amount) for t in screen.view.tenders] == [("account", "50.00")]
        # Points: the value typed ahead replaces the suggested one.
        await pilot.press("f6")
        await settle(pilot)
        assert "Card payment of 55.00" in screen_text(pilot)
        burst(app, *"AUTH", "enter")
        await settle(pilot, 8)
        assert view(pilot).empty
    sale = backend.journal.last("L1")
    assert sale is not None
    tenders = backend.journal.children(sale.id).tenders
    assert [(t.kind, t.amount) for t in tenders] == [
        ("account", Decimal("50.00")),
        ("card", Decimal("55.00")),
    ]


async def test_a_locked_account_pin_is_refused_at_the_lane(
    app: PosApp, backend: Backend, store: Store
) -> None:
    wrong_account_pins(backend, store.corp, 4)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await _ready_to_pay(pilot)
        await pilot.press("f7")
        await settle(pilot)
        await enter(pilot, "0000")
        await enter(pilot, "PO-1")
        assert "Account PIN locked after too many wrong PINs: try again in 30 s" in message(pilot)
        await pilot.press("f7")
        await settle(pilot)
        await enter(pilot, "4321")
        await enter(pilot, "PO-1")
        assert "Account PIN locked" in message(pilot), "the right PIN waits too"
        assert isinstance(app.screen, TenderScreen) and app.screen.view.tenders == ()
    actions = [
        r.action
        for r in backend.store.audit_trail("customer", store.corp)
        if str(r.action).startswith("pin_")
    ]
    assert actions == ["pin_failed"] * 5 + ["pin_locked", "pin_refused_locked"]


async def test_an_amount_typed_right_after_f9_is_kept_when_the_removal_answers(
    app: PosApp, backend: Backend
) -> None:
    """Keys typed ahead of F9's answer are the cashier's: the amount still due does not
    replace them (it once charged the whole sale where 1.37 was typed)."""
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await enter(pilot, "APPLE")  # 105.00
        await pilot.press("f5")
        await settle(pilot)
        await enter(pilot, "20")
        screen = app.screen
        assert isinstance(screen, TenderScreen) and len(screen.view.tenders) == 1
        burst(app, "f9", *"1.37")
        await settle(pilot, 8)
        assert screen.view.tenders == ()
        assert focused_input(pilot).value == "1.37"
        await pilot.press("enter")
        await settle(pilot)
        assert [(t.kind, t.amount) for t in screen.view.tenders] == [("cash", "1.37")]
        # Nothing typed after F9: the field offers what is still due, as before.
        await pilot.press("f9")
        await settle(pilot)
        assert focused_input(pilot).value == "105.00"
