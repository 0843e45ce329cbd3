"""Taking payment: cash, external card, charge to account, points, split; then commit.

The amount field starts at what is still due, so F5 (pay) then Enter is an exact cash sale.
Every tender is saved with the open sale at once; the sale commits by itself when the tenders
cover it, and the screen dismisses with the :class:`Committed` result (None: back to the cart).
On a return the same screen gives money back: F4 refunds the way the sale was paid (points to
points, account to account, card to card, cash to cash); any other way needs a supervisor, as
does letting the customer's points go below zero (F3) when the store's policy asks for one.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Static

from pos_tui.engine.money import ZERO
from pos_tui.screens.dialogs import Check, Field, PromptScreen, focus_selected
from pos_tui.screens.kept_prompt import prechecked, required, typed_check
from pos_tui.screens.lane import LaneScreen, MessageLine
from pos_tui.screens.typeahead import drained
from pos_tui.services.checkout.errors import typed_points
from pos_tui.services.checkout.sale import Checkout, CheckoutError, Committed
from pos_tui.services.checkout.sale_view import SaleView, points_to_offer, points_value, snapshot
from pos_tui.widgets.fmt import money, points
from pos_tui.widgets.key_legend import KeyLegend
from pos_tui.widgets.refund_panel import RefundPanel
from pos_tui.widgets.safe import safe
from pos_tui.widgets.tender_table import TenderTable

# Keys that only mean something on a return.
RETURN_ACTIONS = frozenset({"as_paid", "below_zero"})


class TenderScreen(LaneScreen[Committed | None]):
    """Pay for (or refund) the sale held by ``co``."""

    DEFAULT_CSS = """
    TenderScreen #tender-body { height: 1fr; }
    TenderScreen #tender-left { width: 1fr; min-width: 34; padding: 0 1; }
    TenderScreen #tender-right { width: 1fr; }
    TenderScreen #due { height: auto; border: heavy $accent; padding: 0 1; }
    TenderScreen #amount-label { margin-top: 1; }
    TenderScreen #tender-customer { height: auto; margin-top: 1; }
    """
    BINDINGS = [
        Binding("f5", "cash", "Cash", id="tender.cash"),
        # The keys that open a prompt at once act as they arrive (priority): the keys typed
        # after them go to the prompt, in order, however fast they come. (F8 first asks the
        # database how many points pay what is due.)
        Binding("f6", "card", "Card", id="tender.card", priority=True),
        Binding("f7", "account", "Account", id="tender.account", priority=True),
        Binding("f8", "points", "Points", id="tender.points"),
        Binding("f4", "as_paid", "As paid", id="tender.refund_as_paid"),
        Binding("f3", "below_zero", "Below zero", id="tender.points_below_zero"),
        Binding("f9", "remove", "Remove", id="tender.remove"),
        Binding("f12", "commit", "Finish", id="tender.commit"),
        Binding("escape", "back", "Back", id="tender.back"),
        Binding("up", "cursor(-1)", "Tender up", id="tender.cursor_up", show=False),
        Binding("down", "cursor(1)", "Tender down", id="tender.cursor_down", show=False),
    ]

    def __init__(self, co: Checkout, view: SaleView) -> None:
        super().__init__()
        self.co = co
        self.view = view
        self.usable_points: tuple[Decimal, Decimal] | None = None
        self._committing = False
        self._offered = ""  # the amount the field was last given (what is still due)

    @property
    def places(self) -> int:
        return self.pos.settings.currency.minor_unit

    def compose(self) -> ComposeResult:
        yield self.lane_bar()
        with Horizontal(id="tender-body"):
            with Vertical(id="tender-left"):
                yield Static(id="due")
                yield RefundPanel()
                yield Label("Amount (Enter = cash)", id="amount-label")
                yield Input(id="amount", restrict=r"[0-9.,]*", select_on_focus=True)
                yield Static(id="tender-customer")
            with Vertical(id="tender-right"):
                yield TenderTable(id="tenders")
        yield MessageLine("Enter cash · F6 card · F7 account · F8 points · Esc back", id="message")
        yield KeyLegend()  # every key, wrapped: a footer row is cut at 80

    def on_mount(self) -> None:
        self.show(self.view)
        focus_selected(self.query_one("#amount", Input))
        if self.view.is_return:
            line = self.query_one(MessageLine)
            line.resting = (
                "F4 refunds as paid · Enter cash · F6 card · F7 account · F8 points · Esc back"
            )
            line.rest()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in RETURN_ACTIONS:
            return self.view.is_return
        return True

    # -- display -------------------------------------------------------------------------------
    def show(self, view: SaleView, *, keep_typed: bool = False) -> None:
        """``keep_typed``: when the cashier typed an amount over the one offered (keys typed
        ahead of a removal's answer, which a fast typist's keys reach before the F9 binding
        does), what they typed stays instead of the amount still due."""
        self.view = view
        grid = Table.grid(expand=True)
        grid.add_column(ratio=1)
        grid.add_column(justify="right")
        ret = view.is_return
        grid.add_row(Text("REFUND" if ret else "TOTAL", style="bold"), money(abs(view.due)))
        grid.add_row("Given back" if ret else "Paid", money(abs(view.paid)))
        left = abs(view.remaining) if self._outstanding(view) else ZERO
        grid.add_row(
            Text("TO GIVE BACK" if ret else "REMAINING", style="bold reverse"),
            Text(money(left), style="bold reverse"),
        )
        if not ret and view.remaining < 0:
            grid.add_row(Text("CHANGE", style="bold"), Text(money(-view.remaining), style="bold"))
        self.query_one("#due", Static).update(grid)
        self.pos.pole.due(money(abs(view.due)), money(left) if left else None)
        self.query_one("#due", Static).border_title = "Refund" if ret else "Pay"
        self.query_one(RefundPanel).show(view.refund, view.priced if ret else None, key="F4")
        self.query_one(TenderTable).show(view.tenders)
        amount = self.query_one("#amount", Input)
        if not keep_typed or amount.value == self._offered:
            self._offered = f"{left:.{self.places}f}" if left else ""
            amount.value = self._offered
            if amount.has_focus:
                focus_selected(amount)
        self._show_customer()
        self.run_worker(self._load_points(), group="tender-points", exclusive=True)

    def _show_customer(self) -> None:
        view, box = self.view, self.query_one("#tender-customer", Static)
        if view.customer is None:
            box.update("No customer: account and points need one (F2 on the sale)")
            return
        text = safe(view.customer.name, style="bold")
        if view.customer.row.ar_enabled:
            text.append(f"\nAvailable credit {money(view.customer.available_credit)}")
            if view.customer.row.credit_hold:
                text.append("  CREDIT HOLD", style="bold reverse")
        if self.usable_points is not None:
            usable, value = self.usable_points
            text.append(
                f"\nPoints {points(view.customer.points_balance)}: "
                f"{points(usable)} usable now = {money(value)}"
            )
        box.update(text)

    async def _load_points(self) -> None:
        ok, found = await self.attempt(points_value, self.co)
        if ok:
            self.usable_points = found
            self._show_customer()

    def _outstanding(self, view: SaleView) -> bool:
        """Still something to take (sale) or give back (return)."""
        return view.remaining < 0 if view.is_return else view.remaining > 0

    def _amount(self) -> str:
        value = self.query_one("#amount", Input).value.strip().replace(",", "")
        return value or f"{abs(self.view.remaining):.{self.places}f}"

    def action_cursor(self, step: int) -> None:
        table = self.query_one(TenderTable)
        if table.row_count:
            table.move_cursor(row=max(0, min(table.cursor_row + step, table.row_count - 1)))

    # -- tenders -------------------------------------------------------------------------------
    def tendered(self, view: SaleView) -> None:
        self.show(view)
        if not self._outstanding(view):
            self.action_commit()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if not self.retry_failed():  # after a full disk or a lock: what failed, again
            self.action_cash()

    def action_cash(self) -> None:
        co, amount = self.co, self._amount()
        reason = "cash refund" if self.view.is_return else "cash"
        self.guarded(
            co, lambda a: co.add_cash(amount, approver=a), reason=reason, done=self.tendered
        )

    def _prompt(
        self,
        title: Callable[[str], str],
        fields: list[Field],
        done: Callable[[str, dict[str, str]], None],
        *,
        message: str = "",
        focus: str | None = None,
        precheck: Callable[[str], object] | None = None,
        check: Check | None = None,
    ) -> None:
        """Open a prompt now; its title and ``done`` get the amount once the amount field has
        taken the keys typed before the one that opened the prompt. ``precheck(amount)`` runs on
        the database thread meanwhile: a refusal it raises closes the prompt before anything
        more is typed for nothing. ``check``: the prompt's own check of its values."""
        amount_field = self.query_one("#amount", Input)
        prompt = PromptScreen(
            title(self._amount()), fields, message=message, focus=focus, check=check
        )

        async def titled() -> None:
            await drained(amount_field)
            prompt.retitle(title(self._amount()))
            if precheck is not None:
                amount = self._amount()
                await prechecked(self, prompt, lambda: precheck(amount))

        async def entered(values: dict[str, str] | None) -> None:
            await drained(amount_field)
            if values is not None:
                done(self._amount(), values)

        self.app.push_screen(prompt, entered)
        self.run_worker(titled(), group="tender-prompt")

    def action_card(self) -> None:
        self._card_prompt("")

    def _card_prompt(self, typed: str, message: str = "") -> None:
        """The card terminal's approval reference. An amount the card may not pay is refused
        before it is typed (``precheck``), an empty one on the prompt; a refusal after it opens
        the prompt again with the reference typed and the refusal said in it."""
        co = self.co
        refund = self.view.is_return

        def entered(amount: str, values: dict[str, str]) -> None:
            self.guarded(
                co,
                lambda a: co.add_card(amount, values["reference"], approver=a),
                reason="card refund" if refund else "card",
                done=self.tendered,
                refused=lambda exc: self._card_prompt(values["reference"], exc.message),
            )

        self._prompt(
            lambda amount: f"Card refund of {amount}" if refund else f"Card payment of {amount}",
            [Field("reference", "Approval reference from the card terminal", typed)],
            entered,
            message=message,
            precheck=None if message else co.card_precheck,
            check=required(
                "reference",
                f"Enter the card terminal's {'refund' if refund else 'approval'} reference",
            ),
        )

    def action_as_paid(self) -> None:
        """A return: give the refund back the way the sale was paid (a card part then waits
        for the terminal's reference, F6)."""
        if not self.view.is_return:
            return
        co = self.co
        self.guarded(co, lambda _a: co.refund_as_paid(), reason="refund", done=self.tendered)

    def action_below_zero(self) -> None:
        """A return taking back points the customer spent: a supervisor may let the balance go
        below zero instead of keeping their value from the refund."""
        if not self.view.is_return:
            return
        co = self.co
        self.guarded(
            co,
            lambda a: co.allow_points_below_zero(a),
            reason="points below zero",
            done=self.show,
        )

    def action_account(self) -> None:
        if self.view.customer is None:
            self.refuse("Charging to an account needs a customer on the sale")
            return
        if self.view.is_return:
            co, amount = self.co, self._amount()
            self.guarded(
                co,
                lambda a: co.add_account(amount, approver=a),
                reason=f"refund {amount} to account",
                done=self.tendered,
            )
            return
        self._account_prompt({"pin": "", "reference": ""})

    def _account_prompt(
        self, typed: dict[str, str], message: str = "", focus: str | None = None
    ) -> None:
        """PIN and reference for a charge to account. A refusal that stands opens it again with
        what was typed (a wrong PIN cleared) and the refusal said in it; a refusal no PIN can
        lift (another store, no account) is said before anything is typed (``precheck``)."""
        assert self.view.customer is not None
        co, name, label = self.co, self.view.customer.name, self.view.reference_label
        if self.view.reference_required:
            label += " (required)"

        def entered(amount: str, values: dict[str, str]) -> None:
            pin, ref = values["pin"] or None, values["reference"] or None

            def refused(exc: CheckoutError) -> None:
                if exc.code in ("CHARGE_PIN_LOCKED",):
                    return  # nothing the prompt can change now
                wrong_pin = exc.code in ("CHARGE_PIN_WRONG", "PIN_REQUIRED")
                kept = dict(values, pin="") if wrong_pin else values
                at = (
                    "pin"
                    if wrong_pin
                    else "reference"
                    if exc.code == "REFERENCE_REQUIRED"
                    else None
                )
                self._account_prompt(kept, exc.message, at)

            self.guarded(
                co,
                lambda a: co.add_account(amount, pin=pin, reference=ref, approver=a),
                reason=f"charge {amount} to account",
                done=self.tendered,
                refused=refused,
            )

        self._prompt(
            lambda amount: f"Charge {amount} to the account of {name}",
            [
                Field("pin", "Customer PIN", typed["pin"], password=True, restrict=r"[0-9]*"),
                Field("reference", label, typed["reference"]),
            ],
            entered,
            message=message,
            focus=focus,
            precheck=None if message else co.account_precheck,
        )

    def action_points(self) -> None:
        if self.view.customer is None:
            self.refuse("Points need a customer on the sale")
            return
        if self.view.is_return:
            # The points the sale was paid with go back as points (no amount to ask).
            co = self.co
            self.guarded(co, lambda _a: co.add_points("0"), reason="points", done=self.tendered)
            return
        self.run_worker(self._points_prompt(), group="sale-ops")

    async def _points_prompt(self) -> None:
        """Ask how many points, offering those that pay what is still due (read now: the
        tenders just taken count). When none can pay (none on the card, a card type that does
        not redeem), that is said instead of asking."""
        ok, found = await self.attempt(points_to_offer, self.co)
        if not ok:
            return
        self.usable_points = found
        self._points_asked(points(found[0]) if found and found[0] else "")

    def _points_asked(self, typed: str, message: str = "") -> None:
        """The points prompt: more than the customer has is said on it; a refusal after it
        opens it again with the points typed and the refusal said in it."""
        co, customer = self.co, self.view.customer
        assert customer is not None
        spent = sum((Decimal(t.points or 0) for t in self.view.tenders if t.kind == "points"), ZERO)
        left = customer.points_balance - spent

        def within_balance(text: str) -> None:
            if typed_points(text) > left:
                on_sale = f" ({points(spent)} already on this sale)" if spent else ""
                raise CheckoutError(
                    f"{customer.name} has {points(left)} points to use{on_sale}: "
                    f"redeem at most {points(left)}"
                )

        def entered(_amount: str, values: dict[str, str]) -> None:
            if values["points"]:
                self.guarded(
                    co,
                    lambda _a: co.add_points(values["points"]),
                    reason="points",
                    done=self.tendered,
                    refused=lambda exc: self._points_asked(values["points"], exc.message),
                )

        self._prompt(
            lambda _amount: f"Pay with points of {customer.name}",
            [Field("points", "Points to redeem", typed)],
            entered,
            message=message,
            check=typed_check("points", within_balance),
        )

    def action_remove(self) -> None:
        index = self.query_one(TenderTable).selected_index()
        if index is None:
            self.refuse("No tender to remove")
            return
        co = self.co
        self.guarded(
            co,
            lambda _a: co.remove_tender(index),
            reason="remove",
            done=lambda view: self.show(view, keep_typed=True),
        )

    # -- finishing -----------------------------------------------------------------------------
    def action_commit(self) -> None:
        if not self._committing:
            self._committing = True
            self.run_worker(self._commit(), group="sale-ops")

    async def _commit(self) -> None:
        try:
            ok, committed = await self.attempt(self.co.commit, retry=self.action_commit)
        finally:
            self._committing = False
        if ok and committed is not None:
            self.dismiss(committed)
            return
        ok, view = await self.attempt(snapshot, self.co)
        if ok and view is not None:
            self.show(view)

    def action_back(self) -> None:
        self.dismiss(None)
