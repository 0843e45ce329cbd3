"""The till actions of the checkout (Ctrl+S): X report, paid in, paid out, cash drop, payment on
account, count and close with a Z; the opening float at sign-in; receipt previews."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial
from typing import Any

from pos_tui.screens.checkout_lines import LineFlows
from pos_tui.screens.dialogs import ChoiceScreen, Field, PromptScreen
from pos_tui.screens.kept_prompt import with_values
from pos_tui.screens.shift import CountScreen, PreviewScreen, ReportScreen
from pos_tui.services.checkout.errors import CheckoutError
from pos_tui.services.checkout.preview import receipt_preview
from pos_tui.services.checkout.sale_view import SaleView
from pos_tui.services.shifts.account_payments import AccountPaymentService
from pos_tui.services.shifts.cash import MOVES, CashService
from pos_tui.services.shifts.counts import Count
from pos_tui.services.shifts.service import ShiftService
from pos_tui.services.staff.auth import Employee
from pos_tui.widgets.fmt import money

log = logging.getLogger(__name__)

TILL_CHOICES = [
    ("x", "X report (changes nothing)"),
    ("paid_in", "Paid in"),
    ("paid_out", "Paid out"),
    ("cash_drop", "Cash drop to the safe"),
    ("payment", "Payment on account"),
    ("close", "Count and close the shift (Z report)"),
]


class TillFlows(LineFlows):
    view: SaleView | None
    last_sale_id: int | None = None
    _sign_out: Callable[[], Any]
    _offer_left_sales: Callable[[], Any]

    # -- the shift at sign-in -------------------------------------------------------------------
    async def ensure_shift(self) -> bool:
        """True when the lane has an open shift; else ask for the float (the first sign-in of
        the day), saying what the last shift left."""
        svc = ShiftService(self.pos.backend)
        ok, state = await self.attempt(svc.state)
        if not ok or state is None:
            return False
        if state.open is not None:
            return True
        cfg = self.pos.settings.shifts
        screen = CountScreen(
            "OPEN SHIFT: opening float",
            f"{state.describe()}. Count the float into the drawer; Esc signs out.",
            by_pieces=cfg.float_entry == "denominations",
            amount=cfg.default_float,
        )
        self.app.push_screen(screen, self._float_counted)
        return False

    def _float_counted(self, count: Count | None) -> None:
        if count is None:
            self.run_worker(self._sign_out(), group="sale-ops")
            return
        self.run_worker(self._open_shift(count), group="sale-ops")

    async def _open_shift(self, count: Count) -> None:
        svc = ShiftService(self.pos.backend)
        ok, row = await self.attempt(svc.open, self.pos_employee(), count)
        if ok and row is not None:
            said = f"Shift {row.id} open with a float of {money(count.total)}"
            self.hint(said)
            self.pos.say(said, title="Shift")
            self.pos.kick_printing()
            await self._float_drawer(row.id, str(count.total))
            await self._offer_left_sales()
        else:
            await self.ensure_shift()

    async def _float_drawer(self, shift_id: int, amount: str) -> None:
        """The drawer opens for the float: an opening with no sale, audited with the shift."""
        from pos_tui.services.checkout.drawer import DrawerRefused

        employee = self.pos_employee()
        try:
            result = await self.pos.call_drawer(
                lambda service: service.open(
                    "no_sale",
                    employee_id=employee.id,
                    note=f"opening float of shift {shift_id}",
                    audit={
                        "action": "shift_float_drawer",
                        "changes": {"shift_id": shift_id, "float": amount},
                    },
                )
            )
        except DrawerRefused:
            return  # no drawer on this lane: the float goes in by hand
        if not result.opened:
            self.pos.say(result.message, title="Drawer", severity="error")

    # -- the Ctrl+S menu ------------------------------------------------------------------------
    def action_till(self) -> None:
        actions = {
            "x": self._till_x,
            "paid_in": self._till_paid_in,
            "paid_out": self._till_paid_out,
            "cash_drop": self._till_cash_drop,
            "payment": self._till_payment,
            "close": self._till_close,
        }

        def chosen(choice: str | None) -> None:
            if choice is not None:
                actions[choice]()

        self.app.push_screen(
            ChoiceScreen("SHIFT AND CASH", "What to do with the till?", TILL_CHOICES), chosen
        )

    def _till_x(self) -> None:
        self.run_worker(self._x_report(), group="sale-ops")

    async def _x_report(self) -> None:
        svc = ShiftService(self.pos.backend)
        ok, report = await self.attempt(svc.x_report, self.pos_employee())
        if ok and report is not None:
            self.app.push_screen(ReportScreen(report))

    def _till_paid_in(self) -> None:
        self._cash_move("paid_in")

    def _till_paid_out(self) -> None:
        self._cash_move("paid_out")

    def _till_cash_drop(self) -> None:
        self._cash_move("cash_drop")

    def _cash_move(self, kind: str) -> None:
        what = MOVES[kind][0]
        reasons = CashService(self.pos.backend, self.pos_employee()).reasons(kind)

        def ask(reason: str | None, typed: dict[str, str] | None = None, said: str = "") -> None:
            fields = [Field("amount", f"{what}: amount", restrict=r"[0-9.,]*")]
            if kind != "cash_drop":
                fields.append(Field("reference", "Reference (receipt, note)"))

            def entered(values: dict[str, str] | None) -> None:
                if values is not None:
                    again = partial(ask, reason, values)
                    job = self._move(kind, values, reason, again)
                    self.run_worker(job, group="sale-ops")

            prompt = PromptScreen(what, with_values(fields, typed), message=said)
            self.app.push_screen(prompt, entered)

        if kind == "cash_drop":
            ask(None)
            return

        def picked(code: str | None) -> None:
            if code is not None:
                ask(code)

        choices = [(code, f"{code}: {label}") for code, label in reasons.items()]
        self.app.push_screen(ChoiceScreen(what.upper(), "Reason code", choices), picked)

    async def _move(
        self,
        kind: str,
        values: dict[str, str],
        reason: str | None,
        again: Callable[[str], object],
    ) -> None:
        """Record the cash move; a refusal asks ``again`` with what was typed."""
        svc = CashService(self.pos.backend, self.pos_employee())
        amount, reference = values["amount"], values.get("reference", "")
        ok, row = await self.attempt(
            svc.move, kind, amount, reason=reason, reference=reference, refused=again
        )
        if ok and row is not None:
            said = f"{MOVES[kind][0]} {money(abs(row.total))} recorded"
            self.last_sale_id = row.id
            self.hint(f"{said} · F5 preview")
            self.pos.say(said, title="Cash")
            self.pos.open_drawer_for(row, if_cash=True)
            self.pos.kick_printing()

    # -- payment on account --------------------------------------------------------------------
    def _till_payment(self) -> None:
        from pos_tui.screens.customer_search import CustomerSearchScreen

        view = self.view
        if view is not None and view.customer is not None and view.empty:
            self.run_worker(self._payment_for(int(view.customer.row.id)), group="sale-ops")
            return

        def chosen(customer_id: int | None) -> None:
            if customer_id is not None:
                self.run_worker(self._payment_for(customer_id), group="sale-ops")

        self.app.push_screen(CustomerSearchScreen(title="Payment on account: customer"), chosen)

    async def _payment_for(self, customer_id: int) -> None:
        b = self.pos.backend
        svc = AccountPaymentService(b, self.pos_employee())
        ok, charges = await self.attempt(svc.open_charges, customer_id)
        if not ok or charges is None:
            return
        ok, owed = await self.attempt(svc.owed, customer_id)
        choices = [("oldest", "Oldest first")] + [
            (str(c.entry_id), f"{(c.due_date or c.posted_at)[:10]} {c.reference or c.entry_type}"
             f"  open {money(c.open)}")
            for c in charges
        ]  # fmt: skip

        def picked(choice: str | None) -> None:
            if choice is None:
                return
            charge_id = None if choice == "oldest" else int(choice)
            self._payment_amounts(customer_id, charge_id, str(owed or "0"))

        message = f"The account owes {money(owed or 0)}: apply the payment to"
        self.app.push_screen(ChoiceScreen("PAYMENT ON ACCOUNT", message, choices), picked)

    def _payment_amounts(
        self,
        customer_id: int,
        charge_id: int | None,
        owed: str,
        typed: dict[str, str] | None = None,
        said: str = "",
    ) -> None:
        """The payment's amounts; a refusal asks again with what was typed and why."""
        money_only = r"[0-9.,]*"
        fields = [
            Field("amount", "Amount paid", value=owed, restrict=money_only),
            Field("cash", "Cash given (change from cash)", restrict=money_only),
            Field("card", "By card", restrict=money_only),
            Field("approval", "Card approval code"),
            Field("reference", "Reference (cheque, PO)"),
        ]

        def entered(values: dict[str, str] | None) -> None:
            if values is None:
                return
            again = partial(self._payment_amounts, customer_id, charge_id, owed, dict(values))
            if not values["cash"] and not values["card"]:
                values["cash"] = values["amount"]
            pay = partial(
                AccountPaymentService(self.pos.backend, self.pos_employee()).pay,
                customer_id,
                values["amount"],
                cash=values["cash"] or "0",
                card=values["card"] or "0",
                card_reference=values["approval"],
                reference=values["reference"],
                charge_id=charge_id,
            )
            self.run_worker(self._pay(pay, again), group="sale-ops")

        prompt = PromptScreen("Payment on account", with_values(fields, typed), message=said)
        self.app.push_screen(prompt, entered)

    async def _pay(self, pay: Callable[[], Any], again: Callable[[str], object]) -> None:
        ok, done = await self.attempt(pay, refused=again)
        if ok and done is not None:
            self.last_sale_id = done.sale.id
            self.hint(" · ".join(done.messages) + " · F5 preview")
            for message in done.messages:
                self.pos.say(message, title="Account")
            self.pos.open_drawer_for(done.sale, if_cash=True)
            self.pos.kick_printing()

    # -- count and close ------------------------------------------------------------------------
    def _till_close(self) -> None:
        self.run_worker(self._close_asked(), group="sale-ops")

    async def _close_asked(self) -> None:
        from pos_tui.services.shifts.settings import blind_close

        if self.view is not None and not self.view.empty:
            self.refuse("Finish, hold or void the current sale before closing the shift")
            return
        b = self.pos.backend
        ok, blind = await self.attempt(blind_close, b)
        ok2, expected = (
            await self.attempt(ShiftService(b).expected_cash) if ok and not blind else (ok, None)
        )
        if not ok or not ok2:
            return
        said = "Count the drawer" + ("" if blind else f": {money(expected or 0)} cash is expected")
        screen = CountScreen("CLOSE SHIFT: count the cash", said, by_pieces=True)
        self.app.push_screen(screen, self._counted)

    def _counted(self, count: Count | None) -> None:
        if count is not None:
            self.run_worker(self._close(count, None), group="sale-ops")

    async def _close(self, count: Count, approver: Employee | None) -> None:
        from pos_tui.screens.supervisor import SupervisorScreen

        svc = ShiftService(self.pos.backend)
        try:
            report = await self.pos.call_service(
                svc.close, self.pos_employee(), count, approver=approver
            )
        except CheckoutError as exc:
            refusal = exc.message
            if exc.override_allowed and approver is None:

                def approved(who: Employee | None) -> None:
                    if who is None:
                        self.refuse(f"{refusal} (not approved)")
                    else:
                        self.run_worker(self._close(count, who), group="sale-ops")

                self.app.push_screen(SupervisorScreen(refusal, reason="over/short"), approved)
            else:
                self.refuse(refusal)
            return
        except Exception as exc:
            log.exception("closing the shift failed")
            self.refuse(f"Unexpected error: {exc}: the shift stays open")
            return
        self.pos.say(f"Shift closed: Z {report.data['z_number']}", title="Shift")
        self.pos.kick_printing()
        self.app.push_screen(ReportScreen(report), self._after_z)

    def _after_z(self, _result: None) -> None:
        self.run_worker(self._sign_out(), group="sale-ops")

    # -- receipt preview ------------------------------------------------------------------------
    def preview(self, sale_id: int) -> None:
        self.run_worker(self._preview(sale_id), group="sale-ops")

    async def _preview(self, sale_id: int) -> None:
        ok, text = await self.attempt(receipt_preview, self.pos.backend, sale_id)
        if ok and text is not None:
            self.app.push_screen(PreviewScreen(f"Receipt (record {sale_id})", text, sale_id))
