"""The checkout oracle (issue 11): a hypothesis state machine that drives the real checkout
services on a real database file shared by two lanes, and after every step checks the money
invariants of docs/money.md ("The oracle").

Each example copies a store built once (tests/oracle_store.py: customers of every kind) and opens
lanes L1 and L2 on it, each with its own connection and its own :class:`Checkout`. Rules ring up
sales (customers attached and detached, lines added, voided, re-quantified, re-priced and
discounted, tenders of every kind and mix), hold them on one lane and recall them on the other,
commit, void, crash a lane and resume its sale, return sales whole or unit by unit in any order
with the refund as paid or routed by a supervisor, change the points-shortfall policy, reprint,
move the clock, and run any of those while another connection holds the write lock or while a
storage write raises.

A refused or failed step must change nothing: not the cart in memory, not the open sales, not
the journal, ledgers or print queue. After every step (:func:`invariant` methods) the oracle
checks the carts against the database, the journal (``Journal.verify``, the function behind
``pos-tui journal verify``), every committed sale's tenders and change, every return against its
sale, every held sale, and every balance against its ledger and the journal.

How many examples: the ``ci`` profile (the default) about a minute on 2 cores; ``HYPOTHESIS_PROFILE
=long`` 100 times as many (tests/conftest.py, docs/money.md "The oracle").
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from pos_tui.hardware.printer import build_printer
from pos_tui.services.backoffice.store_options import StoreOptionsService
from pos_tui.services.checkout.holding import ON_ANOTHER_LANE
from pos_tui.services.checkout.printing import PrintQueue
from pos_tui.services.checkout.receipts import build_receipt
from pos_tui.services.checkout.sale import Checkout, CheckoutError
from pos_tui.services.runtime.backend import Backend
from pos_tui.services.staff.auth import Employee
from pos_tui.storage.db import connect, write
from pos_tui.storage.journal import SaleChildren, SaleRow, SaleTenderRow
from pos_tui.storage.ledgers import ReceivableListing
from pos_tui.storage.returns import POINTS_SHORT_REFERENCE
from tests.conftest import Clock, scaled_examples
from tests.oracle_store import (
    ACCOUNT_PIN,
    CUSTOMER_KINDS,
    OracleStore,
    build_oracle_store,
    oracle_lane,
)
from tests.services.test_receipts import text_of

D = Decimal
ZERO = D(0)
CENT = D("0.01")
POINT_UNIT = D("0.0001")  # the engine's points_places (4)

LANES = ("L1", "L2")
ITEMS = ("APPLE", "RUM", "BAG", "TV", "DESK", "WINE", "SPIRIT", "PEN", "SOFA", "GIFT", "BIKE")
QUANTITIES = ("1", "2", "3", "1.5")
# How much a tender is, against what is still due.
HOW_MUCH = ("due", "half", "over", "10.00", "0.01")
# How a sale is paid in one step: one tender, or points, card and account with cash for the rest.
PAYMENTS = ("cash", "cash_over", "card", "points", "account", "split")
# The steps a locked database or a failing write is tried on.
FAULTY_STEPS = (
    "scan",
    "void",
    "cash",
    "card",
    "commit",
    "hold",
    "recall",
    "attach",
    "return",
    "cancel",
)
# Storage writes a fault is injected into (repository attribute, method).
FAULTS = (
    ("open_sales", "save"),
    ("open_sales", "claim"),
    ("open_sales", "release"),
    ("store", "audit"),
    ("journal", "append"),
    ("ledgers", "add_points"),
    ("ledgers", "add_receivable"),
    ("print_jobs", "add"),
)
# The money tables a refused or failed step must leave alone (and the open sales).
BOOKS = (
    "sales",
    "sale_lines",
    "sale_discounts",
    "sale_taxes",
    "sale_tenders",
    "loyalty_ledger",
    "receivable_ledger",
    "print_jobs",
)

# The ci profile: about a minute on 2 cores (docs/money.md, "The oracle").
CI_EXAMPLES = 60
STEPS = 40


# What the examples did, printed at the end of the test (pytest -s): commits by tender mix, refusals.
TALLY: Counter[str] = Counter()


class InjectedFault(RuntimeError):
    """A storage write that raises: a bug, a driver error, anything but sqlite3.Error."""


@dataclass
class Lane:
    id: str
    backend: Backend
    employee: Employee
    checkout: Checkout


@dataclass
class Model:
    """What the oracle knows beside the database."""

    sale_ids: list[int] = field(default_factory=list)  # committed sales (kind "sale")
    commits: int = 0  # journal rows written (sales and returns)
    committed_open_sales: list[int] = field(default_factory=list)
    held: set[int] = field(default_factory=set)  # suspended open sales
    unlinked_rows: dict[str, int] = field(default_factory=dict)  # ledger rows without a sale
    refused: int = 0


def _round(amount: Decimal, unit: Decimal) -> Decimal:
    return amount.quantize(unit, ROUND_HALF_UP)


def _sum(values: Iterator[Any] | list[Any]) -> Decimal:
    return sum((D(v or 0) for v in values), ZERO)


class CheckoutOracle(RuleBasedStateMachine):
    template: Path  # the store's file, built once (test_the_checkout_oracle)
    store: OracleStore

    def __init__(self) -> None:
        super().__init__()
        self.dir = Path(tempfile.mkdtemp(prefix="oracle-"))
        self.path = self.dir / "pos.db"
        shutil.copy(self.template, self.path)
        self.clock = Clock()
        self.lanes: dict[str, Lane] = {}
        employees = {"L1": self.store.cashier, "L2": self.store.supervisor}
        for lane_id in LANES:
            b = oracle_lane(self.path, lane_id, self.clock)
            self.lanes[lane_id] = Lane(
                lane_id, b, employees[lane_id], Checkout(b, employees[lane_id])
            )
        self.model = Model()
        self.refusal: Exception | None = None  # the last refusal _attempt saw

    @initialize()
    def note_the_opening_ledgers(self) -> None:
        self.model.unlinked_rows = self._unlinked_rows()

    def teardown(self) -> None:
        for lane in self.lanes.values():
            lane.backend.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    # -- helpers -------------------------------------------------------------------------------
    @property
    def supervisor(self) -> Employee:
        return self.store.supervisor

    def _books(self) -> tuple[Any, ...]:
        db = self.lanes["L1"].backend.db
        counts = tuple(
            tuple(db.execute(f"SELECT COUNT(*), COALESCE(MAX(rowid), 0) FROM {t}").fetchone())
            for t in BOOKS
        )
        open_rows = db.execute(
            "SELECT id, lane_id, status, state, employee_id FROM open_sales ORDER BY id"
        ).fetchall()
        return counts, tuple(tuple(r) for r in open_rows)

    def _attempt(self, lane: Lane, action: Callable[[], Any]) -> Any:
        """Run one cashier action; refused or failed, it must have changed nothing."""
        before, cart = self._books(), lane.checkout.cart.to_json()
        co = lane.checkout
        try:
            return action()
        except (CheckoutError, InjectedFault) as exc:
            self.model.refused += 1
            self.refusal = exc
            TALLY[f"refused: {getattr(exc, 'code', 'injected fault')} {str(exc)[:50]}"] += 1
            assert self._books() == before, "a refused step changed the books"
            assert co.cart.to_json() == cart, "a refused step changed the cart"
            lane.checkout = co
            return None

    def _amount(self, co: Checkout, how: str) -> str:
        due = abs(co.still_due())
        if how == "due":
            return str(due)
        if how == "half":
            return str(_round(due / 2, CENT))
        if how == "over":
            return str(due + D("20.00"))
        return how

    def _empty(self, lane: Lane) -> bool:
        """The lane has no sale on (an open sale with nothing on it is voided first)."""
        co = lane.checkout
        if co.cart.lines or co.cart.tenders:
            return False
        if co.open_sale_id is not None:

            def cancelled() -> bool:
                co.cancel()
                return True

            return self._attempt(lane, cancelled) is True
        return True

    def _committed(self, lane: Lane, open_sale_id: int | None, done: Any) -> None:
        sale: SaleRow = done.sale
        assert done.change >= 0
        tenders = lane.backend.journal.children(sale.id).tenders
        cash = _sum(t.amount for t in tenders if t.kind == "cash")
        assert done.change <= max(cash, ZERO), "change comes only out of cash"
        self.model.commits += 1
        kinds = "+".join(
            sorted(
                {
                    "points short" if t.reference == POINTS_SHORT_REFERENCE else t.kind
                    for t in tenders
                }
            )
        )
        TALLY[f"committed {sale.kind} paid by {kinds or 'nothing'}"] += 1
        if sale.kind == "sale":
            self.model.sale_ids.append(sale.id)
        if open_sale_id is not None:
            self.model.committed_open_sales.append(open_sale_id)
            self.model.held.discard(open_sale_id)
        assert not lane.checkout.cart.lines and lane.checkout.open_sale_id is None

    # -- which lane: the one drawn if it can take the step, else the other ------------------------
    def _lane(self, lane: str, can: Callable[[Checkout], bool] | None = None) -> Lane:
        here = self.lanes[lane]
        if can is None or can(here.checkout):
            return here
        return self.lanes["L2" if lane == "L1" else "L1"]

    def _some(self, can: Callable[[Checkout], bool]) -> bool:
        return any(can(lane.checkout) for lane in self.lanes.values())

    # -- ringing up ----------------------------------------------------------------------------
    @rule(lane=st.sampled_from(LANES), who=st.sampled_from(CUSTOMER_KINDS))
    def attach(self, lane: str, who: str) -> None:
        here = self._lane(lane)
        co = here.checkout
        self._attempt(here, lambda: co.attach_customer(self.store.customers[who]))

    @precondition(lambda self: self._some(_has_customer))
    @rule(lane=st.sampled_from(LANES))
    def detach(self, lane: str) -> None:
        here = self._lane(lane, _has_customer)
        self._attempt(here, here.checkout.detach_customer)

    @rule(
        lane=st.sampled_from(LANES),
        sku=st.sampled_from((*ITEMS, "NOPE")),
        qty=st.sampled_from(QUANTITIES),
    )
    def scan(self, lane: str, sku: str, qty: str) -> None:
        here = self._lane(lane, _is_sale)
        co = here.checkout
        self._attempt(here, lambda: co.add_item(sku, qty))

    @precondition(lambda self: self._some(_has_lines))
    @rule(lane=st.sampled_from(LANES), pick=st.integers(0, 5))
    def void_line(self, lane: str, pick: int) -> None:
        here = self._lane(lane, _has_lines)
        co = here.checkout
        line_no = _line_no(co, pick)
        self._attempt(here, lambda: co.void_line(line_no))

    @precondition(lambda self: self._some(_has_lines))
    @rule(lane=st.sampled_from(LANES), pick=st.integers(0, 5), qty=st.sampled_from(("1", "2", "0")))
    def set_quantity(self, lane: str, pick: int, qty: str) -> None:
        here = self._lane(lane, _has_lines)
        co = here.checkout
        line_no = _line_no(co, pick)
        self._attempt(here, lambda: co.set_quantity(line_no, qty))

    @precondition(lambda self: self._some(_has_sale_lines))
    @rule(
        lane=st.sampled_from(LANES),
        pick=st.integers(0, 5),
        price=st.sampled_from(("0.01", "9.99", "95.00", "150.00")),
        approved=st.booleans(),
    )
    def override_price(self, lane: str, pick: int, price: str, approved: bool) -> None:
        here = self._lane(lane, _has_sale_lines)
        co = here.checkout
        approver = self.supervisor if approved else None
        line_no = _line_no(co, pick)
        self._attempt(here, lambda: co.override_price(line_no, price, approver=approver))

    @precondition(lambda self: self._some(_has_sale_lines))
    @rule(
        lane=st.sampled_from(LANES),
        pick=st.integers(-1, 5),
        percent=st.sampled_from((None, "3", "10")),
        amount=st.sampled_from(("0.99", "5.00")),
        approved=st.booleans(),
    )
    def discount(
        self, lane: str, pick: int, percent: str | None, amount: str, approved: bool
    ) -> None:
        """A line discount (pick >= 0) or one on the whole sale (pick -1)."""
        here = self._lane(lane, _has_sale_lines)
        co = here.checkout
        approver = self.supervisor if approved else None
        size = {"percent": percent} if percent else {"amount": amount}
        if pick >= 0:
            line_no = _line_no(co, pick)
            self._attempt(here, lambda: co.discount_line(line_no, approver=approver, **size))
        else:
            self._attempt(here, lambda: co.discount_sale(approver=approver, **size))

    # -- tenders ---------------------------------------------------------------------------------
    @precondition(lambda self: self._some(_has_sale_lines))
    @rule(lane=st.sampled_from(LANES), how=st.sampled_from(HOW_MUCH))
    def cash(self, lane: str, how: str) -> None:
        here = self._lane(lane, _has_sale_lines)
        co = here.checkout
        self._attempt(here, lambda: co.add_cash(self._amount(co, how)))

    @precondition(lambda self: self._some(_has_sale_lines))
    @rule(lane=st.sampled_from(LANES), how=st.sampled_from(HOW_MUCH))
    def card(self, lane: str, how: str) -> None:
        here = self._lane(lane, _has_sale_lines)
        co = here.checkout
        self._attempt(here, lambda: co.add_card(self._amount(co, how), "AUTH-1"))

    @precondition(lambda self: self._some(_has_customer_and_lines))
    @rule(lane=st.sampled_from(LANES), points=st.sampled_from(("offer", "2", "10", "500")))
    def points(self, lane: str, points: str) -> None:
        here = self._lane(lane, _has_customer_and_lines)
        co = here.checkout

        def redeem() -> Any:
            wanted = co.usable_points()[0] if points == "offer" else D(points)
            return co.add_points(wanted if wanted > 0 else D(1))

        self._attempt(here, redeem)

    @precondition(lambda self: self._some(_has_customer_and_lines))
    @rule(
        lane=st.sampled_from(LANES),
        how=st.sampled_from(HOW_MUCH),
        pin=st.sampled_from((ACCOUNT_PIN, None, "0000")),
        reference=st.sampled_from(("PO-7", None)),
        approved=st.booleans(),
    )
    def account(
        self, lane: str, how: str, pin: str | None, reference: str | None, approved: bool
    ) -> None:
        here = self._lane(lane, _has_customer_and_lines)
        co = here.checkout
        approver = self.supervisor if approved else None
        self._attempt(
            here,
            lambda: co.add_account(
                self._amount(co, how), pin=pin, reference=reference, approver=approver
            ),
        )

    @precondition(lambda self: self._some(_has_tenders))
    @rule(lane=st.sampled_from(LANES), index=st.integers(0, 3))
    def remove_tender(self, lane: str, index: int) -> None:
        here = self._lane(lane, _has_tenders)
        co = here.checkout
        self._attempt(here, lambda: co.remove_tender(index % len(co.cart.tenders)))

    # -- the end of a sale -------------------------------------------------------------------------
    @precondition(lambda self: self._some(_has_lines))
    @rule(lane=st.sampled_from(LANES))
    def commit(self, lane: str) -> None:
        self._commit(self._lane(lane, _has_lines))

    def _commit(self, lane: Lane) -> bool:
        co = lane.checkout
        open_sale_id = co.open_sale_id
        done = self._attempt(lane, co.commit)
        if done is not None:
            self._committed(lane, open_sale_id, done)
        return done is not None

    @precondition(lambda self: self._some(_has_sale_lines))
    @rule(lane=st.sampled_from(LANES), how=st.sampled_from(PAYMENTS))
    def pay_and_commit(self, lane: str, how: str) -> None:
        """Tender what is still due one way or in a mix, then commit."""
        here = self._lane(lane, _has_sale_lines)
        self._pay(here, how)
        self._commit(here)

    def _pay(self, here: Lane, how: str) -> None:
        co = here.checkout
        steps: dict[str, list[Callable[[], Any]]] = {
            "cash": [lambda: co.add_cash(co.still_due())],
            "cash_over": [lambda: co.add_cash(co.still_due() + D("50"))],
            "card": [lambda: co.add_card(co.still_due(), "AUTH-2")],
            "points": [lambda: co.add_points(co.usable_points()[0] or D(1))],
            "account": [lambda: co.add_account(co.still_due(), pin=ACCOUNT_PIN, reference="PO-8")],
            "split": [
                lambda: co.add_points(co.usable_points()[0] or D(1)),
                lambda: co.add_card(_round(co.still_due() / 3, CENT), "AUTH-3"),
                lambda: co.add_account(
                    _round(co.still_due() / 2, CENT), pin=ACCOUNT_PIN, reference="PO-9"
                ),
            ],
        }
        for step in steps[how]:
            if co.still_due() > 0:
                self._attempt(here, step)
        if co.still_due() > 0:
            self._attempt(here, lambda: co.add_cash(co.still_due()))

    @rule(
        lane=st.sampled_from(LANES),
        who=st.sampled_from((None, *CUSTOMER_KINDS)),
        items=st.lists(
            st.tuples(st.sampled_from(ITEMS), st.sampled_from(QUANTITIES)), min_size=1, max_size=4
        ),
        how=st.sampled_from(PAYMENTS),
    )
    def ring_up_and_pay(
        self, lane: str, who: str | None, items: list[tuple[str, str]], how: str
    ) -> None:
        """A whole sale in one step: the customer, the items, the payment, the commit."""
        here = self._lane(lane, _is_empty)
        if not self._empty(here):
            return
        co = here.checkout
        if who is not None:
            self._attempt(here, lambda: co.attach_customer(self.store.customers[who]))
        for sku, qty in items:
            self._attempt(here, partial(co.add_item, sku, qty))
        if co.cart.lines:
            self._pay(here, how)
            self._commit(here)

    @rule(
        lane=st.sampled_from(LANES),
        who=st.sampled_from(("anna", "statement", "bob", "goldie")),
        sku=st.sampled_from(("GIFT", "PEN", "APPLE")),
        earn_first=st.booleans(),
        then_return=st.booleans(),
    )
    def spend_the_points(
        self, lane: str, who: str, sku: str, earn_first: bool, then_return: bool
    ) -> None:
        """A customer pays with every point they can (``earn_first``: after earning some on a
        bike). A return of an earlier sale (``then_return``) then finds the points it reverses
        spent: the shortfall policy decides."""
        here = self._lane(lane, _is_empty)
        if earn_first:
            # Paid by card or in cash: the points short come out of either refund.
            paid_by = "card" if who in ("anna", "bob") else "cash"
            self.ring_up_and_pay(here.id, who, [("BIKE", "1")], paid_by)
        if not self._empty(here):
            return
        co = here.checkout
        self._attempt(here, lambda: co.attach_customer(self.store.customers[who]))
        self._attempt(here, lambda: co.add_item(sku, "3"))
        if co.cart.lines:
            self._pay(here, "points")
            self._commit(here)
        theirs = self._sales_of(here, who)
        if then_return and len(theirs) > 1:
            self._return_refunded(here, theirs[-2], [0])

    @precondition(lambda self: self._some(_has_open_sale))
    @rule(lane=st.sampled_from(LANES))
    def void_sale(self, lane: str) -> None:
        here = self._lane(lane, _has_open_sale)
        self._attempt(here, here.checkout.cancel)

    @precondition(lambda self: self._some(_has_open_sale))
    @rule(lane=st.sampled_from(LANES))
    def crash_and_resume(self, lane: str) -> None:
        """The lane's process dies (the Checkout is dropped, nothing said) and the lane starts
        again: the sale it had on comes back whole from the database."""
        here = self._lane(lane, _has_open_sale)
        left = here.checkout.open_sale_id
        cart = here.checkout.cart.to_json()
        assert left is not None
        assert [r.id for r in here.checkout.in_progress()] == [left]
        here.checkout = Checkout.resume(here.backend, here.employee, left)
        assert here.checkout.cart.to_json() == cart, "a restart lost part of the sale"

    # -- held sales ------------------------------------------------------------------------------
    @precondition(lambda self: self._some(_has_sale_lines))
    @rule(lane=st.sampled_from(LANES))
    def hold(self, lane: str) -> None:
        here = self._lane(lane, _has_sale_lines)
        co = here.checkout
        held = self._attempt(here, lambda: co.suspend(f"held on {here.id}"))
        if held is not None:
            self.model.held.add(held)
            assert co.open_sale_id is None and not co.cart.lines

    @precondition(lambda self: bool(self.model.held) and self._some(_is_empty))
    @rule(lane=st.sampled_from(LANES), pick=st.integers(0, 5))
    def recall(self, lane: str, pick: int) -> None:
        """Recall a held sale (or try the other lane's open one: refused, naming the lane)."""
        here = self._lane(lane, _is_empty)
        other = self.lanes["L2" if here.id == "L1" else "L1"]
        candidates = sorted(self.model.held)
        if other.checkout.open_sale_id is not None:
            candidates.append(other.checkout.open_sale_id)
        if not self._empty(here):
            return
        wanted = candidates[pick % len(candidates)]
        back = self._attempt(here, lambda: Checkout.resume(here.backend, here.employee, wanted))
        if back is None:
            refusal = self.refusal
            if isinstance(refusal, CheckoutError) and refusal.code == ON_ANOTHER_LANE:
                assert wanted == other.checkout.open_sale_id, refusal.message
                assert f"lane {other.id}" in refusal.message
            else:  # a locked database or a failing write: still held, still anyone's
                assert wanted in self.model.held, str(refusal)
            return
        assert wanted in self.model.held, "a lane took a sale open on another lane"
        self.model.held.discard(wanted)
        here.checkout = back

    # -- returns ---------------------------------------------------------------------------------
    @precondition(lambda self: bool(self.model.sale_ids) and self._some(_is_empty))
    @rule(lane=st.sampled_from(LANES), pick=st.integers(0, 50))
    def start_return(self, lane: str, pick: int) -> None:
        here = self._lane(lane, _is_empty)
        if not self._empty(here):
            return
        sale_id = self.model.sale_ids[pick % len(self.model.sale_ids)]
        here.checkout = Checkout.start_return(here.backend, here.employee, sale_id)

    @precondition(lambda self: bool(self.model.sale_ids) and self._some(_is_empty))
    @rule(
        lane=st.sampled_from(LANES),
        who=st.sampled_from(("anna", "statement", "bob", "goldie", "trade")),
        pick=st.integers(0, 50),
        units=st.lists(st.integers(0, 5), min_size=1, max_size=3),
    )
    def return_a_customers_sale(self, lane: str, who: str, pick: int, units: list[int]) -> None:
        """A customer brings back something they bought, refunded as paid."""
        here = self._lane(lane, _is_empty)
        theirs = self._sales_of(here, who)
        if theirs:
            self._return_refunded(here, theirs[pick % len(theirs)], units)

    def _sales_of(self, here: Lane, who: str) -> list[int]:
        cid = self.store.customers[who]
        return [
            s.id
            for s in here.backend.journal.for_customer(cid)
            if s.kind == "sale" and s.id in self.model.sale_ids
        ]

    def _return_refunded(self, here: Lane, sale_id: int, units: list[int]) -> None:
        """Return ``units`` of the sale (0: a whole line), refund as paid, commit."""
        if not self._empty(here):
            return
        here.checkout = Checkout.start_return(here.backend, here.employee, sale_id)
        for unit in units:
            self.return_line(here.id, unit, whole=unit == 0)
        self.refund_as_paid(here.id, "REFUND-4")
        self._commit(here)

    @precondition(lambda self: self._some(_is_return))
    @rule(lane=st.sampled_from(LANES), pick=st.integers(0, 5), whole=st.booleans())
    def return_line(self, lane: str, pick: int, whole: bool) -> None:
        here = self._lane(lane, _is_return)
        co = here.checkout
        left = [x for x in co.returnable() if D(x.returnable) > 0]
        if not left:
            return
        line = left[pick % len(left)]
        qty = line.returnable if whole else min(D(1), D(line.returnable))
        self._attempt(here, lambda: co.add_return_line(int(line.line_no), qty))

    @precondition(lambda self: self._some(_is_return))
    @rule(lane=st.sampled_from(LANES), card_reference=st.sampled_from(("REFUND-1", None)))
    def refund_as_paid(self, lane: str, card_reference: str | None) -> None:
        here = self._lane(lane, _is_return)
        co = here.checkout
        self._attempt(here, lambda: co.refund_as_paid(card_reference=card_reference))

    @precondition(lambda self: self._some(_is_return))
    @rule(
        lane=st.sampled_from(LANES),
        kind=st.sampled_from(("cash", "card", "account", "points")),
        how=st.sampled_from(("due", "half", "1.00")),
        approved=st.booleans(),
    )
    def refund_to(self, lane: str, kind: str, how: str, approved: bool) -> None:
        here = self._lane(lane, _is_return)
        co = here.checkout
        approver = self.supervisor if approved else None
        self._attempt(
            here,
            lambda: co.refund_to(
                kind,  # type: ignore[arg-type]
                self._amount(co, how),
                reference="REFUND-2",
                approver=approver,
            ),
        )

    @precondition(lambda self: self._some(_is_return))
    @rule(lane=st.sampled_from(LANES), approved=st.booleans())
    def allow_points_below_zero(self, lane: str, approved: bool) -> None:
        here = self._lane(lane, _is_return)
        co = here.checkout
        approver = self.supervisor if approved else self.store.cashier
        self._attempt(here, lambda: co.allow_points_below_zero(approver))

    @precondition(lambda self: bool(self.model.sale_ids) and self._some(_is_empty))
    @rule(
        lane=st.sampled_from(LANES),
        pick=st.integers(0, 50),
        units=st.lists(st.integers(0, 5), min_size=1, max_size=4),
    )
    def return_and_refund(self, lane: str, pick: int, units: list[int]) -> None:
        """A return in one step: lines picked unit by unit (0: a whole line), refunded as
        paid, committed."""
        here = self._lane(lane, _is_empty)
        self.start_return(here.id, pick)
        if here.checkout.cart.kind != "return":
            return
        for unit in units:
            self.return_line(here.id, unit, whole=unit == 0)
        self.refund_as_paid(here.id, "REFUND-3")
        self._commit(here)

    @rule(policy=st.sampled_from(("deduct", "supervisor")))
    def points_policy(self, policy: str) -> None:
        """The back office changes what a return does with points spent (on either lane)."""
        StoreOptionsService(self.lanes["L1"].backend).save(
            {"engine.return_points_shortfall": policy}, None
        )

    # -- paper, time and faults ------------------------------------------------------------------
    @precondition(lambda self: self.model.commits > 0)
    @rule(lane=st.sampled_from(LANES), pick=st.integers(0, 50))
    def reprint(self, lane: str, pick: int) -> None:
        """A reprint says what the journal holds, and changes no money."""
        here = self.lanes[lane]
        sales = here.backend.journal.recent(limit=100)
        sale = sales[pick % len(sales)]
        queue = PrintQueue(here.backend, build_printer({"kind": "dummy"}))
        job = queue.reprint(sale.id)
        printed = {o.job_id: o for o in queue.process()}
        assert printed[job].printed, printed[job].message
        text = text_of(build_receipt(here.backend, sale.id, "reprint"))
        symbol = here.backend.settings.currency.symbol
        assert f"TOTAL | {symbol}{sale.total}" in text
        for tender in here.backend.journal.children(sale.id).tenders:
            assert any(line.endswith(f"| {tender.amount}") for line in text), tender

    @rule(hours=st.sampled_from((1, 13, 24 * 6)))
    def time_passes(self, hours: int) -> None:
        self.clock.current += timedelta(hours=hours)

    @rule(lane=st.sampled_from(LANES), op=st.sampled_from(FAULTY_STEPS))
    def while_locked(self, lane: str, op: str) -> None:
        """Another connection holds the write lock: the change is refused ("database busy"),
        and nothing of it stays."""
        other = connect(self.path, busy_timeout_ms=50, migrate=False)
        try:
            with write(other):
                self._op(lane, op)
        finally:
            other.close()

    @rule(
        lane=st.sampled_from(LANES), fault=st.sampled_from(FAULTS), op=st.sampled_from(FAULTY_STEPS)
    )
    def while_a_write_fails(self, lane: str, fault: tuple[str, str], op: str) -> None:
        """A storage write raises (a bug, not a database error): refused, nothing stays."""
        with self._fault(self.lanes[lane].backend, *fault):
            self._op(lane, op)

    @contextmanager
    def _fault(self, b: Backend, repository: str, method: str) -> Iterator[None]:
        target = getattr(b, repository)

        def fail(*args: Any, **kwargs: Any) -> Any:
            raise InjectedFault(f"{repository}.{method} failed")

        setattr(target, method, fail)
        try:
            yield
        finally:
            delattr(target, method)

    def _op(self, lane: str, op: str) -> None:
        """One of the steps a fault is injected into, on ``lane`` as it is."""
        here = self.lanes[lane]
        co = here.checkout
        steps: dict[str, Callable[[], Any]] = {
            "scan": lambda: co.add_item("APPLE", "1"),
            "void": lambda: co.void_line(_line_no(co, 0)),
            "cash": lambda: co.add_cash(co.still_due() or D(1)),
            "card": lambda: co.add_card(co.still_due() or D(1), "AUTH-4"),
            "hold": lambda: co.suspend("faulty"),
            "attach": lambda: co.attach_customer(self.store.customers["anna"]),
            "cancel": co.cancel,
        }
        if op == "commit":
            self._commit(here)
        elif op == "recall":
            if self.model.held:
                self.recall(lane, 0)
        elif op == "return":
            if self.model.sale_ids:
                self.return_and_refund(lane, 0, [1])
        elif op != "void" or co.cart.lines:
            held = self._attempt(here, steps[op])
            if op == "hold" and held is not None:
                self.model.held.add(held)

    # -- invariants ------------------------------------------------------------------------------
    @invariant()
    def carts_are_what_the_database_holds(self) -> None:
        """Cart in memory == open sale in the database; one lane per open sale; nothing open
        that no lane has; the held sales are the ones the oracle held."""
        db = self.lanes["L1"].backend
        owned = []
        for lane in self.lanes.values():
            co = lane.checkout
            if co.open_sale_id is None:
                assert not co.cart.lines and not co.cart.tenders
                continue
            owned.append(co.open_sale_id)
            row = db.open_sales.get(co.open_sale_id)
            assert row is not None, "a lane's open sale is gone"
            assert (row.lane_id, row.status) == (lane.id, "in_progress")
            assert json.loads(row.state) == co.cart.to_json()
        assert len(owned) == len(set(owned)), "two lanes own one sale"
        assert sorted(r.id for r in db.open_sales.suspended()) == sorted(self.model.held)
        for lane_id in LANES:
            ids = [r.id for r in db.open_sales.for_lane(lane_id, "in_progress")]
            assert set(ids) <= set(owned), "an open sale no lane has"

    @invariant()
    def tenders_fit_the_lines(self) -> None:
        """No tender without lines; card, account and points never more than the total; a
        return never gives back more than its refund. Another lane (returning the same units)
        or the back office (the points policy) may make a cart's tenders stale: such a cart
        cannot be committed until the cashier changes it."""
        for lane in self.lanes.values():
            co = lane.checkout
            if not co.cart.tenders:
                continue
            assert co.cart.lines, "a tender outlived its lines"
            priced = co.quote()
            if co.cart.kind == "sale":
                not_cash = _sum(t.amount for t in co.cart.tenders if t.kind != "cash")
                fits = not_cash <= priced.totals.total
            else:
                fits = -co.paid() <= priced.totals.amount_due
            if not fits:
                TALLY["stale cart refused at commit"] += 1
                assert self._attempt(lane, co.commit) is None, "a stale cart was committed"

    @invariant()
    def each_held_sale_is_committed_at_most_once(self) -> None:
        done = self.model.committed_open_sales
        assert len(done) == len(set(done)), done

    @invariant()
    def the_journal_verifies(self) -> None:
        for lane in self.lanes.values():
            checked, broken = lane.backend.journal.verify()
            assert broken is None, str(broken)
            assert checked == self.model.commits

    @invariant()
    def sales_add_up(self) -> None:
        """Every committed sale: lines, taxes and tenders add up to its total; change only out
        of cash; every return against its sale."""
        journal = self.lanes["L2"].backend.journal
        sales = journal.recent(limit=10_000)
        children = journal.children_of([s.id for s in sales])
        for sale in sales:
            _check_sale(sale, children[sale.id])
        returns: dict[int, list[SaleRow]] = {}
        for sale in sales:
            if sale.kind == "return" and sale.original_sale_id is not None:
                returns.setdefault(sale.original_sale_id, []).append(sale)
        by_id = {s.id: s for s in sales}
        for original_id, given in returns.items():
            _check_returns(by_id[original_id], children, given)

    @invariant()
    def balances_are_their_ledgers(self) -> None:
        """Every points and receivable balance is the sum of its ledger (as each lane reads it),
        every ledger row since the store opened belongs to a committed sale, and each sale's
        rows are what the journal says it earned, used, charged and gave back."""
        lanes = list(self.lanes.values())
        ledgers = lanes[0].backend.ledgers
        journal = lanes[0].backend.journal
        sales = {s.id: s for s in journal.recent(limit=10_000)}
        tenders = journal.children_of(list(sales))
        per_sale: dict[int, dict[str, Decimal]] = {}
        for cid in self.store.customers.values():
            points = ledgers.points_entries(cid)
            owed = ledgers.receivable_entries(cid)
            for lane in lanes:
                assert lane.backend.customers.loyalty_balance(cid) == _sum(p.points for p in points)
                assert lane.backend.customers.receivable_balance(cid) == _sum(
                    r.amount for r in owed
                )
            balance = _sum(p.points for p in points)
            if balance < 0:
                assert any("supervisor allowed" in (p.reason or "") for p in points), cid
            self._within_credit(cid, _sum(r.amount for r in owed), owed)
            for p in points:
                if p.sale_id is not None:
                    key = "referral" if p.entry_type == "referral" else p.entry_type
                    sums = per_sale.setdefault(int(p.sale_id), {})
                    sums[key] = sums.get(key, ZERO) + D(p.points)
            for r in owed:
                if r.sale_id is not None:
                    sums = per_sale.setdefault(int(r.sale_id), {})
                    sums["account"] = sums.get("account", ZERO) + D(r.amount)
        assert self._unlinked_rows() == self.model.unlinked_rows, "a balance moved with no sale"
        for sale_id, sale in sales.items():
            _check_ledger_rows(sale, tenders[sale_id].tenders, per_sale.get(sale_id, {}))

    def _within_credit(self, cid: int, owed: Decimal, rows: list[ReceivableListing]) -> None:
        """An account owes no more than its credit limit unless a supervisor approved a
        charge over it (the approver is on the ledger row)."""
        customer = self.lanes["L1"].backend.customers.get(cid)
        assert customer is not None
        if customer.ar_enabled and owed > D(customer.credit_limit):
            approved = [r for r in rows if r.entry_type == "charge" and r.approved_by]
            assert approved, f"customer {cid} owes {owed}, over {customer.credit_limit}"

    def _unlinked_rows(self) -> dict[str, int]:
        ledgers = self.lanes["L1"].backend.ledgers
        counts: dict[str, int] = {}
        for name, cid in self.store.customers.items():
            points = [p.sale_id for p in ledgers.points_entries(cid)]
            owed = [r.sale_id for r in ledgers.receivable_entries(cid)]
            counts[name] = [*points, *owed].count(None)
        return counts


# -- what a lane's cart can take -------------------------------------------------------------------


def _line_no(co: Checkout, pick: int) -> int:
    return co.cart.lines[pick % len(co.cart.lines)].line_no


def _is_sale(co: Checkout) -> bool:
    return co.cart.kind == "sale"


def _is_return(co: Checkout) -> bool:
    return co.cart.kind == "return"


def _is_empty(co: Checkout) -> bool:
    return not co.cart.lines and not co.cart.tenders


def _has_lines(co: Checkout) -> bool:
    return bool(co.cart.lines)


def _has_sale_lines(co: Checkout) -> bool:
    return _is_sale(co) and bool(co.cart.lines)


def _has_customer(co: Checkout) -> bool:
    return co.cart.customer_id is not None


def _has_customer_and_lines(co: Checkout) -> bool:
    return _has_customer(co) and _has_sale_lines(co)


def _has_tenders(co: Checkout) -> bool:
    return bool(co.cart.tenders)


def _has_open_sale(co: Checkout) -> bool:
    return co.open_sale_id is not None


# -- the checks, one committed sale at a time ------------------------------------------------------


def _check_sale(sale: SaleRow, rows: SaleChildren) -> None:
    total = sale.total
    assert rows.lines, "a sale without lines"
    assert _sum(t.amount for t in rows.taxes) == sale.tax_total
    tenders = rows.tenders
    paid = _sum(t.amount for t in tenders)
    change = _sum(t.change_given for t in tenders)
    cash = _sum(t.amount for t in tenders if t.kind == "cash")
    assert all(t.change_given == 0 for t in tenders if t.kind != "cash")
    assert ZERO <= change <= max(cash, ZERO), "change comes only out of cash"
    assert paid - change == total, (sale.id, paid, change, total)
    if sale.kind == "sale":
        assert total >= 0 and all(t.amount > 0 for t in tenders)
    else:
        assert total <= 0 and all(t.amount < 0 for t in tenders)


def _check_returns(
    original: SaleRow,
    children: dict[int, SaleChildren],
    returns: list[SaleRow],
) -> None:
    """Refunds never more than was paid, exactly what was paid once all came back; each line's
    refund the cumulative share round(A x q / Q) of what it paid (docs/money.md); points
    reversed never more than earned, exactly what was earned once all came back."""
    paid_lines = {int(x.line_no): x for x in children[original.id].lines}
    back: dict[int, dict[str, Decimal]] = {no: {} for no in paid_lines}
    for ret in sorted(returns, key=lambda r: r.id):
        assert ret.total <= 0 and ret.points_earned <= 0
        for row in children[ret.id].lines:
            assert row.original_line_no is not None
            sums = back[row.original_line_no]
            for column in ("quantity", "discount", "tax", "total"):
                sums[column] = sums.get(column, ZERO) - getattr(row, column)
    for no, line in paid_lines.items():
        q, whole = back[no].get("quantity", ZERO), line.quantity
        assert q <= whole, (original.id, no, q)
        for column in ("discount", "tax", "total"):
            share = _round(getattr(line, column) * q / whole, CENT)
            assert back[no].get(column, ZERO) == share, (original.id, no, column)
    refunded = -_sum(r.total for r in returns)
    reversed_ = -_sum(r.points_earned for r in returns)
    earned = original.points_earned
    all_back = all(back[no].get("quantity") == x.quantity for no, x in paid_lines.items())
    assert refunded <= original.total and reversed_ <= earned
    if all_back:
        assert refunded == original.total and reversed_ == earned
    elif len(paid_lines) == 1:
        ((no, line),) = paid_lines.items()
        share = back[no].get("quantity", ZERO) / line.quantity
        assert reversed_ == _round(earned * share, POINT_UNIT), (original.id, reversed_)
    points_back = -_sum(r.points_used for r in returns)
    assert ZERO <= points_back <= original.points_used, "more points back than paid"


def _check_ledger_rows(
    sale: SaleRow, tenders: list[SaleTenderRow], rows: dict[str, Decimal]
) -> None:
    """A sale's ledger rows are what its journal row says: points earned (or reversed), used
    (or given back), the points short bought back, referral points, the account tenders."""
    earned = rows.get("earned", ZERO) + rows.get("reversed", ZERO)
    assert earned == sale.points_earned, (sale.id, rows)
    assert -rows.get("used", ZERO) == sale.points_used, (sale.id, rows)
    short = _sum(t.points for t in tenders if t.reference == POINTS_SHORT_REFERENCE)
    assert rows.get("adjusted", ZERO) == short, (sale.id, rows)
    assert rows.get("referral", ZERO) == sale.referral_points, (sale.id, rows)
    charged = _sum(t.amount for t in tenders if t.kind == "account")
    assert rows.get("account", ZERO) == charged, (sale.id, rows)


def test_the_checkout_oracle(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The state machine over the real services (see the module's docstring)."""
    template = tmp_path_factory.mktemp("oracle") / "template.db"
    b = oracle_lane(template, "L1", Clock())
    try:
        store = build_oracle_store(b)
    finally:
        b.close()

    class Oracle(CheckoutOracle):
        pass

    Oracle.template, Oracle.store = template, store
    run_state_machine_as_test(
        Oracle,
        settings=hypothesis_settings(
            max_examples=scaled_examples(CI_EXAMPLES), stateful_step_count=STEPS
        ),
    )
    for what, count in sorted(TALLY.items()):
        print(f"{count:6d}  {what}")
