"""Orders and money: change only out of cash, the supervisor who lifted an account refusal on
the ledger row and the audit, and returns of a completed order's sale routed back the way the
order's payments were made (a hypothesis invariant over the real services)."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from pos_tui.config import load_settings
from pos_tui.services.accounts.order_view import OrderError, Tender
from pos_tui.services.accounts.orders import OrderService
from pos_tui.services.checkout.errors import CheckoutError
from pos_tui.services.checkout.sale import Checkout, Committed
from pos_tui.services.customers.service import CustomerService
from pos_tui.services.runtime.backend import Backend, open_backend
from pos_tui.storage.journal import SaleRow
from tests.catalog import Store, build_store
from tests.conftest import Clock

D = Decimal


@pytest.fixture
def store(backend: Backend) -> Store:
    return build_store(backend)


def mixed_customer(b: Backend, store: Store, **fields: object) -> int:
    """A Silver card with 200 points and a receivable account (PIN 4321): every tender."""
    return CustomerService(b).create(
        {
            "first_name": "Mia",
            "last_name": "Mixed",
            "card_type_id": store.silver,
            "ar_enabled": True,
            "allow_charge": True,
            "credit_limit": "5000",
            "grace_period_type": "posted_date",
            "grace_period_days": 30,
            **fields,
        },
        pin="4321",
        opening_points="200",
    )


def order_of(b: Backend, store: Store, customer: int, qty: str = "2") -> Checkout:
    co = Checkout(b, store.cashier)
    co.add_item("APPLE", qty)
    co.attach_customer(customer)
    return co


def tender_kinds(b: Backend, sale_id: int) -> list[tuple[str, Decimal, Decimal]]:
    return [(t.kind, t.amount, t.change_given) for t in b.journal.children(sale_id).tenders]


# -- change comes only out of cash -----------------------------------------------------------


def test_cash_over_what_is_due_gives_change_other_tenders_are_capped(
    backend: Backend, store: Store
) -> None:
    orders = OrderService(backend, store.cashier)
    opened = orders.open_from_checkout(
        order_of(backend, store, store.anna), "layaway", Tender("cash", "50.00")
    )
    oid = opened.order.id
    with pytest.raises(
        OrderError,
        match=r"A payment of 200\.00 is more than the 160\.00 still due on LAY-000001 "
        r"\(only cash can be more: the rest is change\)",
    ):
        orders.pay(oid, Tender("card", "200.00", "AUTH-1"))
    with pytest.raises(OrderError, match=r"more than the 160\.00 still due"):
        orders.pay(oid, Tender("points", "200.00"))
    paid = orders.pay(oid, Tender("cash", "200.00"))
    assert paid.sale is not None
    assert paid.sale.total == Decimal("160.00"), "the record is what the order was paid"
    assert tender_kinds(backend, paid.sale.id) == [("cash", Decimal("200.00"), Decimal("40.00"))]
    assert paid.due == 0 and paid.paid == D("210.00")
    assert paid.messages == ("160.00 paid on LAY-000001: 0.00 still due, change 40.00",)
    with pytest.raises(OrderError, match="Nothing is still due on LAY-000001: complete it"):
        orders.pay(oid, Tender("cash", "1.00"))
    done = orders.complete(oid)
    assert done.sale is not None
    assert tender_kinds(backend, done.sale.id) == [("deposit", Decimal("210.00"), Decimal("0"))]
    assert backend.journal.verify()[1] is None


def test_a_cash_deposit_over_the_total_and_a_final_cash_payment_give_change(
    backend: Backend, store: Store
) -> None:
    orders = OrderService(backend, store.cashier)
    whole = orders.open_from_checkout(
        order_of(backend, store, store.anna, "1"), "special", Tender("cash", "150.00")
    )
    assert whole.paid == D("105.00") and whole.due == 0
    assert whole.messages == ("SO-000001 opened: 105.00, paid 105.00, change 45.00",)
    opened = orders.open_from_checkout(
        order_of(backend, store, store.anna), "layaway", Tender("card", "10.00", "A1")
    )
    oid = opened.order.id
    with pytest.raises(OrderError, match=r"The final payment is the 200\.00 still due"):
        orders.complete(oid, Tender("cash", "199.99"))
    with pytest.raises(OrderError, match=r"200\.00 still due on LAY-000002 \(only cash can be"):
        orders.complete(oid, Tender("card", "250.00", "A2"))
    done = orders.complete(oid, Tender("cash", "500.00"))
    assert done.sale is not None and done.sale.total == Decimal("210.00")
    assert tender_kinds(backend, done.sale.id) == [
        ("deposit", Decimal("10.00"), Decimal("0")),
        ("cash", Decimal("500.00"), Decimal("300.00")),
    ]
    assert done.messages[0].endswith(", change 300.00")
    (job,) = [j for j in backend.print_jobs.pending("L1") if j.sale_id == done.sale.id]
    assert job.open_drawer == 1


def test_cancelling_refunds_the_cash_net_of_the_change(backend: Backend, store: Store) -> None:
    orders = OrderService(backend, store.cashier)
    opened = orders.open_from_checkout(
        order_of(backend, store, store.anna), "layaway", Tender("cash", "20.00")
    )
    orders.pay(opened.order.id, Tender("cash", "500.00"))  # 190.00 due: 310.00 change
    done = orders.cancel(opened.order.id)
    assert done.sale is not None and done.sale.total == Decimal("-210.00")
    assert tender_kinds(backend, done.sale.id) == [
        ("cash", Decimal("-20.00"), Decimal("0")),
        ("cash", Decimal("-190.00"), Decimal("0")),
    ]


# -- an account refusal a supervisor lifts -----------------------------------------------------


def test_a_supervisor_lifts_the_credit_limit_the_approver_is_on_the_ledger_and_audited(
    backend: Backend, store: Store
) -> None:
    orders = OrderService(backend, store.cashier)
    opened = orders.open_from_checkout(
        order_of(backend, store, store.corp, "20"), "special", None
    )  # 2100.00 on a 1000.00 limit
    oid = opened.order.id
    tender = Tender("account", "1500.00", "PO-1", pin="4321")
    with pytest.raises(OrderError) as refused:
        orders.pay(oid, tender)
    assert refused.value.override_allowed and refused.value.code == "CREDIT_LIMIT"
    assert "over Acme Traders's available credit 1000" in refused.value.message
    cashier_try = Tender("account", "1500.00", "PO-1", pin="4321", approver=store.cashier)
    with pytest.raises(OrderError):
        orders.pay(oid, cashier_try)
    done = orders.pay(
        oid, Tender("account", "1500.00", "PO-1", pin="4321", approver=store.supervisor)
    )
    assert done.sale is not None and done.due == D("600.00")
    (entry,) = backend.ledgers.receivable_entries(store.corp)
    assert entry.approved_by == store.supervisor.id and entry.employee_id == store.cashier.id
    assert entry.note is not None and "supervisor override" in entry.note
    trail = backend.store.audit_trail("customer_order", int(oid))
    (override,) = [a for a in trail if a.action == "account_override"]
    assert json.loads(override.changes) == {
        "sale_id": done.sale.id,
        "approved_by": store.supervisor.id,
        "lifted": ["CREDIT_LIMIT"],
    }
    plain = orders.pay(oid, Tender("cash", "10.00"))
    assert plain.sale is not None
    assert [a.action for a in backend.store.audit_trail("customer_order", int(oid))].count(
        "account_override"
    ) == 1


# -- returns of a completed order's sale ---------------------------------------------------------


def _return(
    b: Backend, store: Store, sale_id: int, qty: str, card: str | None = "R-1"
) -> Committed:
    co = Checkout.start_return(b, store.cashier, sale_id)
    co.add_return_line(1, qty)
    co.refund_as_paid(card_reference=card)
    return co.commit()


def test_a_completed_orders_sale_is_refunded_the_way_the_order_was_paid(
    backend: Backend, store: Store
) -> None:
    mia = mixed_customer(backend, store)
    orders = OrderService(backend, store.cashier)
    opened = orders.open_from_checkout(
        order_of(backend, store, mia), "layaway", Tender("account", "50.00", pin="4321")
    )
    oid = opened.order.id
    orders.pay(oid, Tender("cash", "60.00"))
    orders.pay(oid, Tender("points", "20.00"))  # 8 points
    done = orders.complete(oid, Tender("card", "80.00", "AUTH-8"))
    assert done.sale is not None
    sale_id = done.sale.id
    assert tender_kinds(backend, sale_id) == [
        ("deposit", Decimal("130.00"), Decimal("0")),
        ("card", Decimal("80.00"), Decimal("0")),
    ]
    points_after_completion = backend.customers.loyalty_balance(mia)

    co = Checkout.start_return(backend, store.cashier, sale_id)
    co.add_return_line(1, "1")
    plan = co.refund_plan()
    assert [(p.kind, p.amount, p.points) for p in plan.parts] == [
        ("card", D("40.00"), 0),
        ("points", D("10.00"), D("4")),
        ("cash", D("30.00"), 0),
        ("account", D("25.00"), 0),
    ]
    co.refund_as_paid(card_reference="R-1")
    first = co.commit()
    assert first.sale.total == Decimal("-105.00")
    assert backend.customers.receivable_balance(mia) == D("25.00")
    second = _return(backend, store, sale_id, "1", "R-2")
    back = backend.journal.children(second.sale.id).tenders
    assert sorted((t.kind, t.amount) for t in back) == [
        ("account", Decimal("-25.00")),
        ("card", Decimal("-40.00")),
        ("cash", Decimal("-30.00")),
        ("points", Decimal("-10.00")),
    ]
    assert backend.customers.receivable_balance(mia) == 0
    assert backend.customers.loyalty_balance(mia) == D("200"), "8 used back, earned reversed"
    assert points_after_completion == D("192") + done.sale.points_earned
    assert backend.journal.verify()[1] is None


def test_a_cash_refund_of_a_card_paid_deposit_needs_a_supervisor(
    backend: Backend, store: Store
) -> None:
    orders = OrderService(backend, store.cashier)
    opened = orders.open_from_checkout(
        order_of(backend, store, store.anna, "1"), "layaway", Tender("card", "105.00", "A-1")
    )
    done = orders.complete(opened.order.id)
    assert done.sale is not None
    co = Checkout.start_return(backend, store.cashier, done.sale.id)
    co.add_return_line(1, "1")
    with pytest.raises(
        CheckoutError, match=r"Refund 105\.00 by cash: the sale had no cash: needs a supervisor"
    ):
        co.add_cash("105.00")
    co.add_card("105.00", "R-9")
    assert co.commit().sale.total == Decimal("-105.00")


PAYMENT = st.tuples(
    st.sampled_from(["cash", "card", "account", "points", "cash_over"]), st.integers(1, 12)
)


@hsettings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    payments=st.lists(PAYMENT, max_size=4),
    final=st.sampled_from(["cash", "card", "account", "cash_over"]),
    qty=st.integers(1, 4),
    groups=st.lists(st.integers(1, 4), min_size=1, max_size=4),
)
def test_returns_of_an_order_sale_give_back_each_kind_what_the_order_took(
    tmp_path_factory: pytest.TempPathFactory,
    payments: list[tuple[str, int]],
    final: str,
    qty: int,
    groups: list[int],
) -> None:
    """Whatever the payments (cash with change too) and however the goods come back: no return
    gives back more of a kind than the order took by it; all of them give back exactly what it
    took, per kind; the account, the points and the journal end as they began."""
    path = tmp_path_factory.mktemp("order-returns") / "pos.db"
    b = open_backend(load_settings(database={"path": str(path)}), now=Clock())
    try:
        store = build_store(b)
        mia = mixed_customer(b, store)
        orders = OrderService(b, store.cashier)
        view = orders.open_from_checkout(order_of(b, store, mia, str(qty)), "layaway", None)
        oid = view.order.id
        took: dict[str, Decimal] = {}
        for kind, n in payments:
            tender = _tender(kind, n, view.due)
            try:
                view = orders.pay(oid, tender)
            except OrderError:
                continue
            _count(b, view.sale, took)
        view = orders.complete(oid, _tender(final, 0, view.due) if view.due else None)
        assert view.sale is not None
        sale_id = view.sale.id
        _count(b, view.sale, took, skip_deposit=True)
        assert sum(took.values(), D(0)) == view.sale.total
        back: dict[str, Decimal] = {}
        left = qty
        for n in groups:
            n = min(n, left)
            if n == 0:
                break
            ret = _return(b, store, sale_id, str(n), card=f"R{left}")
            left -= n
            tenders = b.journal.children(ret.sale.id).tenders
            assert sum((t.amount for t in tenders), D(0)) == ret.sale.total
            for t in tenders:
                back[t.kind] = back.get(t.kind, D(0)) - t.amount
            for kind, amount in back.items():
                assert amount <= took.get(kind, D(0)), (kind, back, took)
        if left == 0:
            assert {k: v for k, v in back.items() if v} == {k: v for k, v in took.items() if v}
            assert b.customers.receivable_balance(mia) == 0
            assert b.customers.loyalty_balance(mia) == D("200")
        assert b.journal.verify()[1] is None
    finally:
        b.close()


def _tender(kind: str, n: int, due: Decimal) -> Tender:
    """A payment of ``n`` x 5.00 (cash over: 1000.00; 0: what is due)."""
    amount = D(n * 5) if n else due
    if kind == "cash_over":
        return Tender("cash", str(due + 1000))
    pin = "4321" if kind == "account" else None
    return Tender(kind, str(amount), "REF" if kind == "card" else None, pin=pin)


def _count(
    b: Backend,
    sale: SaleRow | None,
    took: dict[str, Decimal],
    *,
    skip_deposit: bool = False,
) -> None:
    """Add a record's tenders, net of change, to what the order took per kind."""
    assert sale is not None
    for t in b.journal.children(sale.id).tenders:
        if skip_deposit and t.kind == "deposit":
            continue
        took[t.kind] = took.get(t.kind, D(0)) + t.amount - t.change_given
