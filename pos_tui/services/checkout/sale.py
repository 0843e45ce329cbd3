"""A sale at the lane: ring up, price with the engine, tender, commit atomically.

Every change to the cart is written to ``open_sales`` at once, so a crash or a dropped SSH
session loses nothing: the next start offers the sale back. A change and its audit row are one
transaction, and a change that fails (refused, database locked, disk full) leaves the cart as it
was in memory too (:mod:`~pos_tui.services.checkout.atomic`). Audit rows of a sale being rung up
name its open sale (entity ``open_sale``); the commit writes one ``sale`` row listing them.
Committing writes the journal row, its lines, discounts, taxes and tenders, the points and
receivable ledgers, a card type upgrade and the receipt print jobs in one transaction, and
removes the open sale in the same one.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from pos_tui import engine
from pos_tui.engine.money import ZERO
from pos_tui.services.checkout.atomic import atomic, saved
from pos_tui.services.checkout.cart import Cart, CartDiscount, CartLine, discount_audit
from pos_tui.services.checkout.engine_inputs import EngineInputs, PricingBasis
from pos_tui.services.checkout.errors import (
    CheckoutError,
    typed_discount,
    typed_price,
    typed_quantity,
)
from pos_tui.services.checkout.holding import link_open_sale_audit, this_lanes
from pos_tui.services.checkout.pricing import CartPricer, price_cart
from pos_tui.services.checkout.record import Committed, SaleDraft, SaleRecorder
from pos_tui.services.checkout.returns import ReturnLines
from pos_tui.services.checkout.tenders import Tenders, give_back
from pos_tui.services.customers.visits import VisitService
from pos_tui.services.runtime.backend import Backend
from pos_tui.services.shifts.gate import open_shift
from pos_tui.services.staff.auth import Employee
from pos_tui.storage.journal import SaleRow
from pos_tui.storage.lane_state import OpenSaleRow, open_sale_payload

# An audit row of the sale being changed: (action, changes).
AuditRow = tuple[str, dict[str, Any]]


class Checkout(ReturnLines, Tenders):
    """One cart on one lane, rung up by one employee."""

    def __init__(
        self,
        backend: Backend,
        employee: Employee,
        *,
        inputs: EngineInputs | None = None,
        cart: Cart | None = None,
        open_sale_id: int | None = None,
    ) -> None:
        self.b = backend
        self.employee = employee
        self.inputs = inputs or EngineInputs(backend)
        # Re-prices only what each change affects (pricing.py), always as a full price would.
        self.pricer = CartPricer(self.inputs)
        self.cart = cart or Cart()
        self.open_sale_id = open_sale_id
        # The cart as the database holds it (as given, before the first save): what a failed
        # change puts back.
        self._saved = self.cart.to_json()
        # What the lane should tell the cashier about the last change (see take_notices).
        self.notices: list[str] = []
        self._original: SaleRow | None = None
        self._paid: engine.PaidSale | None = None
        self._return_basis: PricingBasis | None = None
        # The last price and what it was made from (basis, cart, redemption, charge): the same
        # inputs give the same price, so it is reused instead of priced again.
        self._quoted: tuple[tuple[Any, ...], engine.PricedSale] | None = None
        if self.cart.original_sale_id is not None:
            self._original = self.b.journal.get(self.cart.original_sale_id)

    # -- resuming ------------------------------------------------------------------------------
    @classmethod
    def resume(
        cls,
        backend: Backend,
        employee: Employee,
        open_sale_id: int,
        *,
        inputs: EngineInputs | None = None,
    ) -> Checkout:
        """Recall a held sale (of any lane) or one this lane left in progress. Claimed at once:
        the sale moves to this lane; a lane that recalls it a moment later is refused, told
        which lane has it. A locked database or a failed write is a refusal like any other:
        the sale stays where it was."""
        with (
            saved(backend.db, failed="The sale was not recalled"),
            this_lanes(open_sale_id, recall=True),
        ):
            row = backend.open_sales.claim(
                open_sale_id,
                lane_id=backend.settings.lane.id,
                employee_id=employee.id,
                at=backend.timestamp(),
            )
        return cls(
            backend,
            employee,
            inputs=inputs,
            cart=Cart.from_json(json.loads(row.state)),
            open_sale_id=open_sale_id,
        )

    def in_progress(self) -> list[OpenSaleRow]:
        """Sales left in progress on this lane (a crash, a closed SSH session)."""
        return self.b.open_sales.for_lane(self.b.settings.lane.id, "in_progress")

    def suspend(self, label: str | None = None) -> int:
        if not self.cart.lines:
            raise CheckoutError("Nothing to suspend")
        if self.cart.tenders:
            raise CheckoutError("Remove the tenders before suspending the sale")
        sale_id = self._save("suspended", label=label)
        VisitService(self.b).leave(self.cart.customer_id, "hold")
        self._new_sale()
        return sale_id

    def cancel(self) -> None:
        """Void the whole sale: nothing was committed, so nothing is reversed in the books, but
        money already taken is given back, and the lane is told so (:attr:`notices`). The open
        sale goes and its audit row is written in one transaction."""
        tenders = [
            {"kind": t.kind, "amount": t.amount, "reference": t.reference, "points": t.points}
            for t in self.cart.tenders
        ]
        changes = {"lines": len(self.cart.lines), "tenders": tenders}
        with saved(self.b.db, failed="The sale was not voided"):
            if self.open_sale_id is not None:
                try:
                    with this_lanes(self.open_sale_id):
                        self.b.open_sales.release(self.open_sale_id, self.b.settings.lane.id)
                except CheckoutError:
                    pass  # completed, voided or on another lane meanwhile: only this copy goes
            self._audit(self.open_sale_id, "void_sale", changes)
        if back := give_back(self.cart.tenders):
            self.notices.append(f"Sale voided: {back}")
        VisitService(self.b).leave(self.cart.customer_id, "void")
        self._new_sale()

    def _new_sale(self) -> None:
        self.cart = Cart()
        self.open_sale_id = None
        self._saved = self.cart.to_json()
        self._original = None
        self._paid = None

    # -- saving: the cart, the open sale and the audit agree -----------------------------------
    def _save(
        self,
        status: str = "in_progress",
        label: str | None = None,
        *,
        audit: Sequence[AuditRow] = (),
    ) -> int:
        """Write the cart and ``audit`` (rows of this change) in one transaction; only then is
        this cart the saved one. A failure puts the cart back as the database still holds it."""
        state = self.cart.to_json()
        payload = open_sale_payload(state)  # the JSON made before the write lock
        try:
            with saved(self.b.db, failed="The sale was not saved"), this_lanes(self.open_sale_id):
                before = self.inputs.mark()
                sale_id = self.b.open_sales.save(
                    open_sale_id=self.open_sale_id,
                    lane_id=self.b.settings.lane.id,
                    employee_id=self.employee.id,
                    status=status,
                    state=payload,
                    at=self.b.timestamp(),
                    label=label,
                )
                for action, changes in audit:
                    self._audit(sale_id, action, changes)
                quoted = self._carried_quote(before)
        except BaseException:
            self._restore()
            raise
        self.open_sale_id = sale_id
        self._saved = state
        self._quoted = quoted
        return sale_id

    def _carried_quote(self, before: tuple[int, int]) -> tuple[tuple[Any, ...], Any] | None:
        """The last quote, its basis still holding after this save: the save writes only the
        open sale and its audit rows, which no price depends on, so a basis that held when the
        save began (``before``, read under its write lock) holds after it. Then the next quote
        and the commit read nothing again (EngineInputs.basis)."""
        if self._quoted is None:
            return None
        key, priced = self._quoted
        carried = self.inputs.carried(key[0], before)
        return ((carried, *key[1:]), priced) if carried is not None else self._quoted

    def _restore(self) -> None:
        """Put the cart back as it was last saved (a change failed half-way); what the change
        meant to tell the cashier goes with it."""
        self.cart = Cart.from_json(copy.deepcopy(self._saved))
        self.notices.clear()

    def _audit(self, open_sale_id: int | None, action: str, changes: dict[str, Any]) -> None:
        """An audit row of the sale being rung up, inside the caller's transaction."""
        self.b.store.audit(
            at=self.b.timestamp(),
            entity="open_sale",
            entity_id=open_sale_id,
            action=action,
            changes=changes,
            employee_id=self.employee.id,
            lane_id=self.b.settings.lane.id,
        )

    def _changed(
        self,
        *,
        refused_if: Callable[[engine.Refusal], bool] | None = None,
        audit: Sequence[AuditRow] = (),
    ) -> engine.PricedSale:
        """Price the changed cart and save it with ``audit``. Refused (and the change undone by
        :func:`atomic`) when the engine refuses it or the tenders no longer fit the total."""
        priced = self.quote()
        refused = [r for r in priced.refusals if refused_if(r)] if refused_if else []
        if refused:
            raise CheckoutError(
                refused[0].message,
                code=refused[0].code,
                override_allowed=refused[0].override_allowed,
            )
        self._tenders_fit(priced)
        self._save(audit=audit)
        return priced

    def take_notices(self) -> tuple[str, ...]:
        """What the last changes want the cashier told (capped points, voided tenders...)."""
        out, self.notices = tuple(self.notices), []
        return out

    # -- lines ---------------------------------------------------------------------------------
    @atomic
    def add_item(self, code: str, quantity: Decimal | str = Decimal(1)) -> engine.PricedSale:
        """Add by barcode or SKU; refused (and not added) when the engine refuses the line."""
        if self.cart.kind == "return":
            raise CheckoutError("A return takes lines from its original sale only")
        qty = self._quantity(quantity)
        row = self.inputs.item_row_by_code(code.strip())
        if row is None:
            raise CheckoutError(
                f"No item with barcode or SKU {code.strip()!r}", code="UNKNOWN_ITEM"
            )
        line_no = self.cart.next_line_no
        self.cart.lines.append(CartLine(line_no=line_no, item_id=row.id, quantity=str(qty)))
        self.cart.next_line_no += 1
        return self._changed(refused_if=lambda r: r.line_no == line_no)

    @atomic
    def void_line(self, line_no: int) -> engine.PricedSale:
        """Take a line off; refused while the tenders taken would no longer fit the sale."""
        line = self._line(line_no)
        self.cart.lines.remove(line)
        item = self.inputs.item(line.item_id)
        changes = {"line_no": line_no, "sku": item.sku, "quantity": line.quantity}
        return self._changed(audit=[("void_line", changes)])

    @atomic
    def set_quantity(self, line_no: int, quantity: Decimal | str) -> engine.PricedSale:
        line = self._line(line_no)
        qty = self._quantity(quantity)
        if self.cart.kind == "return" and line.original_line_no is not None:
            self._check_returnable(line.original_line_no, qty, except_line=line_no)
        line.quantity = str(qty)
        return self._changed()

    @atomic
    def discount_line(
        self,
        line_no: int,
        *,
        percent: str | None = None,
        amount: str | None = None,
        approver: Employee | None = None,
    ) -> engine.PricedSale:
        """A manual line discount within the giver's limit, or approved by a supervisor."""
        line = self._line(line_no)
        line.discount = self._discount(percent, amount, approver)
        changes = {"line_no": line_no, "sku": self.inputs.item(line.item_id).sku}
        with self._giver_named(approver):
            return self._changed(
                refused_if=lambda r: r.line_no == line_no,
                audit=[("line_discount", {**changes, **discount_audit(line.discount)})],
            )

    @atomic
    def override_price(
        self, line_no: int, price: str, *, approver: Employee | None = None
    ) -> engine.PricedSale:
        """A new unit price; a cut deeper than the giver's discount limit needs a supervisor."""
        line = self._line(line_no)
        new_price = typed_price(price)
        item = self.inputs.item(line.item_id)
        giver = approver or self.employee
        regular = item.regular_price
        if regular > 0 and new_price < regular:
            cut = (regular - new_price) * 100 / regular
            if cut > giver.max_discount_percent and not (
                approver and approver.at_least("supervisor")
            ):
                raise CheckoutError(
                    f"Price {new_price} is {cut.quantize(Decimal('0.1'))}% under the regular price: "
                    f"over {giver.name}'s limit of {giver.max_discount_percent}%: needs supervisor",
                    code="PRICE_NEEDS_SUPERVISOR",
                    override_allowed=True,
                )
        line.price_override = str(new_price)
        line.price_approved_by = giver.id
        changes = {
            "line_no": line_no,
            "sku": item.sku,
            "from": str(regular),
            "to": str(new_price),
            "approved_by": giver.id,
            "override": approver is not None,
        }
        return self._changed(audit=[("price_override", changes)])

    @atomic
    def discount_sale(
        self,
        *,
        percent: str | None = None,
        amount: str | None = None,
        approver: Employee | None = None,
    ) -> engine.PricedSale:
        self.cart.sale_discount = self._discount(percent, amount, approver)
        with self._giver_named(approver):
            return self._changed(
                refused_if=lambda r: (
                    r.line_no is None and r.code.startswith(("DISCOUNT", "MANUAL"))
                ),
                audit=[("sale_discount", discount_audit(self.cart.sale_discount))],
            )

    @contextmanager
    def _giver_named(self, approver: Employee | None) -> Iterator[None]:
        """A discount over the giver's limit is refused naming the giver, as the cashier
        knows them ("over Cass Cashier's limit of 5%"), not as "the giver"."""
        try:
            yield
        except CheckoutError as exc:
            if exc.code != "DISCOUNT_NEEDS_SUPERVISOR":
                raise
            giver = approver or self.employee
            named = exc.message.replace("the giver's", f"{giver.name}'s")
            raise CheckoutError(
                named, code=exc.code, override_allowed=exc.override_allowed
            ) from None

    def discount_precheck(self, line_no: int | None = None) -> None:
        """Refuse a manual discount on line ``line_no`` (None: the whole sale) before its
        prompt opens when none could be given whatever is typed (the customer's forced price
        level): no supervisor lifts it. Reads only: the cart is priced on a copy."""
        if self.cart.kind == "return":
            return  # a return's lines are priced as they were sold (its own checks)
        if line_no is not None:
            self._line(line_no)
        trial = copy.deepcopy(self.cart)
        nominal = CartDiscount(percent="0", approver_limit="100", override=True)
        if line_no is None:
            trial.sale_discount = nominal
        else:
            trial.line(line_no).discount = nominal
        basis = self.inputs.basis(self.cart.customer_id, self.b.now())
        priced = price_cart(self.inputs, trial, basis, redemption=None, charge=None)
        final = [
            r
            for r in priced.refusals
            if r.code == "FORCED_PRICE_LEVEL_NO_DISCOUNT" and r.line_no == line_no
        ]
        if final:
            raise CheckoutError(final[0].message, code=final[0].code)

    def _discount(
        self, percent: str | None, amount: str | None, approver: Employee | None
    ) -> CartDiscount:
        pct, amt = typed_discount(percent, amount)
        giver = approver or self.employee
        return CartDiscount(
            percent=str(pct) if pct is not None else None,
            amount=str(amt) if amt is not None else None,
            approved_by=giver.id,
            approver_limit=str(giver.max_discount_percent),
            override=approver is not None and approver.at_least("supervisor"),
        )

    # -- customer ------------------------------------------------------------------------------
    @atomic
    def attach_customer(self, customer_id: int) -> engine.PricedSale:
        row = self.b.customers.get(customer_id)
        if row is None or not row.active:
            raise CheckoutError("That customer is not active")
        if (
            self.cart.kind == "return"
            and self._original
            and self._original.customer_id not in (None, customer_id)
        ):
            raise CheckoutError("A return belongs to the customer of the original sale")
        self.cart.customer_id = customer_id
        priced = self._changed(refused_if=lambda r: r.line_no is not None)
        VisitService(self.b).arrive(customer_id, self.employee)
        return priced

    @atomic
    def detach_customer(self) -> engine.PricedSale:
        if self.cart.kind == "return" and self._original and self._original.customer_id:
            # Its points come back from them: a return stays with the sale's customer.
            raise CheckoutError("A return belongs to the customer of the original sale")
        if any(t.kind in ("account", "points") for t in self.cart.tenders):
            raise CheckoutError("Remove the account and points tenders first")
        leaving = self.cart.customer_id
        self.cart.customer_id = None
        priced = self._changed()
        VisitService(self.b).leave(leaving, "detach")
        return priced

    # -- pricing -------------------------------------------------------------------------------
    def quote(
        self,
        *,
        redemption: engine.RedemptionRequest | None = None,
        charge: engine.ChargeRequest | None = None,
        basis: PricingBasis | None = None,
    ) -> engine.PricedSale:
        """The cart priced now, or on ``basis`` (catalog version, moment, customer rows) read
        already. The engine is pure: when nothing it is given changed, the last price stands."""
        inputs = self.inputs
        if basis is None:
            last = self._quoted[0][0] if self._quoted is not None else None
            basis = inputs.basis(self.cart.customer_id, self.b.now(), known=last)
        if self.cart.kind == "return" and self._original is not None:
            return self._quote_return(basis)
        if redemption is None:
            redemption = self._redemption_request()
        key = (basis, self.cart.pricing_key(), redemption, charge)
        if self._quoted is not None and self._quoted[0] == key:
            return self._quoted[1]
        priced = self.pricer.price(self.cart, basis, redemption=redemption, charge=charge)
        self._quoted = (key, priced)
        return priced

    def _redemption_request(self) -> engine.RedemptionRequest | None:
        points = [Decimal(t.points) for t in self.cart.tenders if t.kind == "points" and t.points]
        return engine.RedemptionRequest(points=sum(points, ZERO)) if points else None

    # -- commit --------------------------------------------------------------------------------
    def commit(self) -> Committed:
        """Write the sale and everything it changes in one transaction, then clear the cart.

        The sale's price and rows are made before the write lock is taken, from what the last
        quote read (the lane quotes every change: this is the price on screen, not priced
        again). Under the lock only what can change beneath a priced cart is read again: the
        catalog version, the customer's rows and balances, the date and multiplier window. If
        any of it moved, the sale is priced again there, so nothing stale is committed and the
        lock is held for the writes alone.
        """
        if not self.cart.lines:
            raise CheckoutError("The sale has no lines")
        open_sale_id = self.open_sale_id
        recorder = SaleRecorder(self.b, self.inputs, self.employee, self.cart, open_sale_id)
        customer_id = self.cart.customer_id
        last = self._quoted[0][0] if self._quoted is not None else None
        basis = self.inputs.basis(customer_id, self.b.now(), known=last)
        draft: SaleDraft | None
        try:
            draft = self._draft(recorder, basis)
        except CheckoutError:
            draft = None  # refused or not: decided on what is read under the lock
        with saved(self.b.db, failed="The sale was not completed", whole=True):
            open_shift(self.b)  # no sale without an open shift (checked under the lock)
            latest = self.inputs.basis(customer_id, self.b.now(), known=basis)
            # A return is priced again under the lock: another lane may have returned the
            # same sale's lines since (what is left to give back is part of its price).
            if draft is None or latest != basis or self.cart.kind == "return":
                draft = self._draft(recorder, latest)
            committed = recorder.record(draft, latest)
            sale_id = committed.sale.id
            link_open_sale_audit(self.b, self.employee, open_sale_id, sale_id, latest.timestamp)
            VisitService(self.b).leave(self.cart.customer_id, "sale", sale_id=sale_id)
        self._new_sale()
        return committed

    def _draft(self, recorder: SaleRecorder, basis: PricingBasis) -> SaleDraft:
        """The cart priced on ``basis``, checked as paid, and its journal rows."""
        priced = self.quote(basis=basis)
        if priced.refusals:
            raise CheckoutError(priced.refusals[0].message, code=priced.refusals[0].code)
        if self.cart.kind == "return":
            return recorder.prepare(priced, self._change(self.due(priced), self.paid()), self.sign)
        points = [t for t in self.cart.tenders if t.kind == "points"]
        tendered = sum((Decimal(t.points or 0) for t in points), ZERO)
        value = sum((Decimal(t.amount) for t in points), ZERO)
        red = priced.redemption
        redeemed = (red.points_used, red.currency_value) if red else (ZERO, ZERO)
        if redeemed != (tendered, value):
            # The balance or the rate moved since the points were tendered (another lane).
            raise CheckoutError(
                f"{tendered} points cannot pay {value} now: take the points off and add them again",
                code="REDEMPTION_CHANGED",
            )
        self._tenders_fit(priced)
        change = self._change(self.due(priced), self.paid())
        self._check_charges(basis)
        return recorder.prepare(priced, change, self.sign)

    @classmethod
    def start_return(
        cls,
        backend: Backend,
        employee: Employee,
        sale_id: int,
        *,
        inputs: EngineInputs | None = None,
    ) -> Checkout:
        """A return cart against a committed sale: its lines, at the prices paid."""
        original = backend.journal.get(sale_id)
        if original is None or original.kind != "sale":
            raise CheckoutError("No such sale to return against")
        cart = Cart(kind="return", customer_id=original.customer_id, original_sale_id=sale_id)
        checkout = cls(backend, employee, inputs=inputs, cart=cart)
        return checkout

    # -- helpers -------------------------------------------------------------------------------
    def _line(self, line_no: int) -> CartLine:
        try:
            return self.cart.line(line_no)
        except KeyError:
            raise CheckoutError(f"There is no line {line_no}") from None

    def _quantity(self, quantity: Decimal | str) -> Decimal:
        return typed_quantity(quantity)
