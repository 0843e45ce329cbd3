"""Customer orders: opened from the sale with a deposit, paid, staged, completed with points,
cancelled (refund or keep); refusals; a fault mid-payment leaves nothing; the books agree."""

from __future__ import annotations

import contextlib
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from pos_tui.config import load_settings
from pos_tui.services.accounts.order_view import OrderError, Tender
from pos_tui.services.accounts.orders import OrderService
from pos_tui.services.checkout.sale import Checkout
from pos_tui.services.runtime.backend import Backend, open_backend
from tests.catalog import Store, build_store
from tests.conftest import Clock


@pytest.fixture
def store(backend: Backend) -> Store:
    return build_store(backend)


def _sale(backend: Backend, store: Store, customer: int, qty: str = "2") -> Checkout:
    co = Checkout(backend, store.cashier)
    co.add_item("APPLE", qty)
    co.attach_customer(customer)
    return co


def _counts(backend: Backend) -> dict[str, int]:
    tables = ("sales", "sale_tenders", "loyalty_ledger", "receivable_ledger", "print_jobs",
              "customer_orders", "customer_order_records", "audit_log", "open_sales")  # fmt: skip
    return {t: backend.db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}


def test_layaway_from_deposit_to_completion(backend: Backend, store: Store) -> None:
    co = _sale(backend, store, store.anna)  # 2 apples at Silver: 210.00
    orders = OrderService(backend, store.cashier)
    opened = orders.open_from_checkout(
        co, "layaway", Tender("cash", "50.00"), description="Two apples"
    )
    assert co.cart.lines == [] and co.open_sale_id is None, "the lane starts a new sale"
    assert opened.number == "LAY-000001" and opened.order.stage == "open"
    assert (opened.paid, opened.due) == (Decimal("50.00"), Decimal("160.00"))
    assert backend.open_sales.for_lane("L1", "in_progress") == []
    with pytest.raises(
        OrderError, match=r"A payment of 200.00 is more than the 160.00 still due on LAY-000001"
    ):
        orders.pay(opened.order.id, Tender("card", "200.00", "AUTH-1"))
    paid = orders.pay(opened.order.id, Tender("card", "100.00", "AUTH-2"))
    assert (
        paid.due == Decimal("60.00") and paid.sale is not None and paid.sale.kind == "order_payment"
    )
    points_before = backend.customers.loyalty_balance(store.anna)
    with pytest.raises(OrderError, match=r"60\.00 is still due on LAY-000001: take it"):
        orders.complete(opened.order.id)
    done = orders.complete(opened.order.id, Tender("cash", "60.00"))
    sale = done.sale
    assert sale is not None and sale.kind == "sale" and sale.total == Decimal("210.00")
    tenders = backend.journal.children(sale.id).tenders
    assert [(t.kind, t.amount, t.reference) for t in tenders] == [
        ("deposit", Decimal("150.00"), "LAY-000001"),
        ("cash", Decimal("60.00"), None),
    ]
    lines = backend.journal.children(sale.id).lines
    assert [(line.sku, line.quantity) for line in lines] == [("APPLE", Decimal("2"))]
    assert done.order.status == "completed" and done.due == 0
    assert backend.customers.loyalty_balance(store.anna) == points_before + Decimal(
        sale.points_earned
    )
    assert sale.points_earned > 0, "points are earned on completion"
    payments = [r for r in done.records if r.kind == "order_payment"]
    assert [str(r.total) for r in payments] == ["50.00", "100.00"]
    assert all(r.points_earned == Decimal("0") for r in payments), "no points on deposits"
    assert backend.journal.verify()[1] is None
    with pytest.raises(OrderError, match="LAY-000001 is completed"):
        orders.pay(opened.order.id, Tender("cash", "1.00"))


def test_cancel_refunds_each_payment_where_it_came_from(backend: Backend, store: Store) -> None:
    orders = OrderService(backend, store.cashier)
    opened = orders.open_from_checkout(_sale(backend, store, store.corp), "special", Tender("account", "50.00", "PO-9", pin="4321"))  # fmt: skip
    assert backend.customers.receivable_balance(store.corp) == Decimal("50.00")
    oid = opened.order.id
    orders.pay(oid, Tender("cash", "20.00"))
    with pytest.raises(OrderError, match="is requested: it can be completed once arrived"):
        orders.complete(oid, Tender("cash", "140.00"))
    assert orders.advance(oid).order.stage == "ordered"
    done = orders.cancel(oid)
    assert done.order.status == "cancelled" and "70.00 refunded" in done.messages[0]
    assert done.sale is not None and done.sale.total == Decimal("-70.00")
    tenders = backend.journal.children(done.sale.id).tenders
    assert [(t.kind, str(t.amount)) for t in tenders] == [
        ("account", "-50.00"),
        ("cash", "-20.00"),
    ]
    assert backend.customers.receivable_balance(store.corp) == 0
    trail = backend.store.audit_trail("customer_order", int(oid))
    assert [a.action for a in trail] == ["open", "stage", "cancel"]


def test_cancel_keeps_the_deposit_by_store_option(backend: Backend, store: Store) -> None:
    backend.store.set_setting("orders.cancel_deposit", "keep")
    orders = OrderService(backend, store.cashier)
    opened = orders.open_from_checkout(
        _sale(backend, store, store.anna), "layaway", Tender("cash", "30.00")
    )
    done = orders.cancel(opened.order.id)
    assert done.sale is not None and done.sale.total == Decimal("0")
    assert "0 refunded, 30.00 kept (store option)" in done.messages[0]
    assert backend.journal.children(done.sale.id).tenders == []


def test_refusals_when_opening(backend: Backend, store: Store) -> None:
    orders = OrderService(backend, store.cashier)
    co = Checkout(backend, store.cashier)
    co.add_item("APPLE")
    with pytest.raises(OrderError, match="needs a customer on the sale"):
        orders.open_from_checkout(co, "layaway", None)
    backend.store.set_setting("orders.min_deposit_percent", "20")
    co.attach_customer(store.anna)
    with pytest.raises(OrderError, match=r"at least 21.00 \(20% of 105.00\)"):
        orders.open_from_checkout(co, "layaway", Tender("cash", "10.00"))
    assert co.cart.lines, "a refused order keeps the sale"


@pytest.mark.parametrize("where", ["journal.slip", "tenders.post"])
def test_a_fault_inside_a_payment_leaves_nothing(
    backend: Backend, store: Store, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    orders = OrderService(backend, store.cashier)
    opened = orders.open_from_checkout(
        _sale(backend, store, store.anna), "layaway", Tender("cash", "10.00")
    )
    before = _counts(backend)

    def broken(*_a: object, **_k: object) -> None:
        raise OSError("disk I/O error")

    part, method = where.split(".")
    monkeypatch.setattr(getattr(orders, part), method, broken)
    with pytest.raises(OSError):
        orders.pay(opened.order.id, Tender("points", "5.00"))
    assert _counts(backend) == before
    assert orders.view(opened.order.id).due == Decimal("200.00")


@hsettings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.tuples(st.sampled_from(["cash", "card", "points", "over"]), st.integers(1, 80)),
        max_size=6,
    ),
    st.sampled_from(["complete", "cancel", "none"]),
)
def test_an_order_due_is_its_total_less_its_journal_payments(
    tmp_path_factory: pytest.TempPathFactory, payments: list[tuple[str, int]], end: str
) -> None:
    path = tmp_path_factory.mktemp("orders") / "pos.db"
    b = open_backend(load_settings(database={"path": str(path)}), now=Clock())
    try:
        store = build_store(b)
        orders = OrderService(b, store.cashier)
        view = orders.open_from_checkout(_sale(b, store, store.anna), "layaway", None)
        oid = view.order.id
        for kind, amount in payments:
            value = Decimal(amount * 5 if kind == "points" else amount)
            if kind == "over":
                value = view.due + 1
            with contextlib.suppress(OrderError):
                view = orders.pay(oid, Tender("cash" if kind == "over" else kind, str(value), "R"))
            total = view.order.total
            journal = sum(
                (r.total for r in b.journal.recent(limit=100) if r.kind == "order_payment"),
                Decimal(0),
            )
            assert view.due == total - journal == view.order.amount_due
            assert view.due >= 0
        if end == "complete":
            view = orders.complete(oid, Tender("cash", str(view.due)) if view.due else None)
            assert view.sale is not None
            tenders = b.journal.children(view.sale.id).tenders
            assert sum((t.amount for t in tenders), Decimal(0)) == view.sale.total
        elif end == "cancel":
            view = orders.cancel(oid)
            assert view.sale is not None and view.sale.total == -view.paid
        assert b.journal.verify()[1] is None
    finally:
        b.close()


def test_withdrawal_only_in_credit(backend: Backend, store: Store) -> None:
    from pos_tui.services.accounts.receivable import ReceivableService
    from pos_tui.services.accounts.withdrawals import WithdrawalService
    from pos_tui.services.checkout.errors import CheckoutError
    from pos_tui.services.customers.service import CustomerService

    cid = CustomerService(backend).create(
        {
            "first_name": "Credit",
            "ar_enabled": True,
            "allow_cash_withdrawal": True,
            "withdraw_only_in_credit": True,
            "credit_limit": "1000",
        }
    )
    service = WithdrawalService(backend, store.cashier)
    with pytest.raises(
        CheckoutError, match=r"may only withdraw from a credit balance; credit is 0, 10\.00 asked"
    ):
        service.withdraw(cid, "10")
    ReceivableService(backend).take_payment(cid, "25.00")  # the store now owes the customer 25.00
    with pytest.raises(CheckoutError, match=r"credit is 25\.00, 30\.00 asked"):
        service.withdraw(cid, "30")
    done = service.withdraw(cid, "25")
    assert done.balance == 0 and done.sale.kind == "withdrawal"
    assert backend.journal.verify()[1] is None
