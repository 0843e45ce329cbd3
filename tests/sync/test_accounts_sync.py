"""Customer accounts at head office: orders with their deposits and records, cash withdrawals,
statement runs and the entries they bill, an account tender's approving supervisor. The
journal's new kinds (order payments, cancellations, withdrawals) and the deposit tender arrive
as sealed and their chains verify; a ledger row billed at two stores is flagged."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from click.testing import CliRunner

from pos_tui.services.accounts.order_view import Tender
from pos_tui.services.accounts.orders import OrderService
from pos_tui.services.accounts.receivable import ReceivableService
from pos_tui.services.accounts.statements import StatementRun
from pos_tui.services.accounts.withdrawals import WithdrawalService
from pos_tui.services.checkout.sale import Checkout
from tests.catalog import build_store
from tests.conftest import Clock
from tests.helpers import cli_runner_invoke
from tests.sync.headoffice import HeadOffice, Lane


def test_orders_withdrawals_statements_and_approvers_reach_head_office(
    make_lane: Callable[..., Lane], hq: HeadOffice
) -> None:
    clock = Clock(dt.datetime(2026, 11, 20, 10, 0))
    a = make_lane("A1", store_id="SA", now=clock)
    b = make_lane("B1", store_id="SB", now=clock)
    store = build_store(a.backend)
    orders = OrderService(a.backend, store.cashier)

    # A layaway with a cash deposit, a card payment, completed by the deposits and cash.
    co = Checkout(a.backend, store.cashier)
    co.add_item("APPLE", "2")
    co.attach_customer(store.anna)
    layaway = orders.open_from_checkout(co, "layaway", Tender("cash", "50.00"))
    oid = int(layaway.order.id)
    orders.pay(oid, Tender("card", "100.00", "AUTH-2"))
    done = orders.complete(oid, Tender("cash", "60.00"))
    assert done.sale is not None
    # A special order cancelled: its deposit refunded (an order_cancel record).
    co = Checkout(a.backend, store.cashier)
    co.add_item("APPLE")
    co.attach_customer(store.anna)
    special = orders.open_from_checkout(co, "special", Tender("cash", "20.00"))
    orders.cancel(int(special.order.id))
    # A work order left open with a deposit and one payment.
    co = Checkout(a.backend, store.cashier)
    co.add_item("APPLE")
    co.attach_customer(store.bob)
    work = orders.open_from_checkout(co, "work", Tender("cash", "30.00"))
    orders.pay(int(work.order.id), Tender("cash", "5.00"))
    # A charge over the credit hold approved by a supervisor, paid back with more: in credit,
    # so the customer can withdraw cash.
    a.backend.customers.update(store.corp, {"credit_hold": 1, "allow_cash_withdrawal": 1})
    co = Checkout(a.backend, store.cashier)
    co.attach_customer(store.corp)
    co.add_item("APPLE")
    co.add_account("105.00", pin="4321", reference="PO-1", approver=store.supervisor)
    co.commit()
    ReceivableService(a.backend).take_payment(store.corp, "155.00", reference="PO-2")
    WithdrawalService(a.backend, store.cashier).withdraw(
        store.corp, "20.00", pin="4321", reference="PO-3", approver=store.supervisor
    )
    clock.current = dt.datetime(2026, 12, 2, 9, 0)
    StatementRun(a.backend).run(dt.date(2026, 11, 30), deliver=False)
    a.sync()

    kinds = {r[0] for r in hq.all("SELECT kind FROM hq.sales WHERE origin = 'A1'")}
    assert {"sale", "order_payment", "order_cancel", "withdrawal"} <= kinds
    deposits = hq.all(
        "SELECT t->>'amount', t->>'reference' FROM hq.sales s, "
        "jsonb_array_elements(s.children->'tenders') t WHERE t->>'kind' = 'deposit'"
    )
    assert deposits == [("150.00", layaway.number)]
    records = dict(
        hq.all("SELECT entity, count(*) FROM hq.records WHERE origin = 'A1' GROUP BY entity")
    )
    assert records["customer_orders"] == 3
    # Layaway: 2 payments + completion; special: deposit + cancel; work: 2 payments.
    assert records["customer_order_records"] == 7
    assert records["statement_runs"] == 1 and records["statements"] >= 1
    order = hq.one(
        "SELECT data FROM hq.records WHERE entity = 'customer_orders' AND local_id = %s", oid
    )
    assert (order["status"], order["number"], order["customer"]) == (
        "completed",
        layaway.number,
        f"A1:{store.anna}",
    )
    assert order["completed_sale"] == {"lane_id": "A1", "sale_number": done.sale["sale_number"]}
    # The open orders and what they hold, chain-wide (the query of docs/sync.md).
    open_orders = hq.all(
        "SELECT o.data->>'number', o.customer_gid, o.data->>'stage', "
        "sum((s.record->>'total')::numeric) FROM hq.records o "
        "JOIN hq.records r ON r.entity = 'customer_order_records' AND r.origin = o.origin "
        " AND r.data->>'order' = o.origin || ':customer_orders:' || o.local_id "
        "JOIN hq.sales s ON s.origin = r.origin AND s.lane_id = r.data->'sale'->>'lane_id' "
        " AND s.sale_number = (r.data->'sale'->>'sale_number')::bigint "
        "WHERE o.entity = 'customer_orders' AND o.data->>'status' = 'pending' GROUP BY 1, 2, 3"
    )
    assert open_orders == [(work.number, f"A1:{store.bob}", work.order.stage, Decimal("35.00"))]
    approver = hq.all(
        "SELECT entry_type, employee_number, approved_by_number FROM hq.receivable_ledger "
        "WHERE approved_by_number IS NOT NULL ORDER BY local_id"
    )
    assert ("charge", "101", "201") in approver
    withdrawals = hq.all(
        "SELECT amount FROM hq.receivable_ledger WHERE entry_type = 'withdrawal' AND origin = 'A1'"
    )
    assert withdrawals == [(Decimal("20.00"),)]
    # Every entry of the corp's statement is billed once chain-wide.
    billed = hq.one("SELECT count(*) FROM hq.billed")
    entries = a.backend.db.execute("SELECT count(*) FROM statement_entries").fetchone()[0]
    assert billed == entries > 0
    verified = cli_runner_invoke(CliRunner(), ["hq", "verify", "--url", hq.url])
    assert verified.exit_code == 0, verified.output
    assert "intact" in verified.output and hq.one("SELECT count(*) FROM hq.chain_breaks") == 0

    # Another store gets the ledger rows with their approver, and balances agree.
    b.sync()
    corp_b = b.backend.customers.by_account(
        str(a.backend.customers.get(store.corp).account_number)  # type: ignore[union-attr]
    )
    assert corp_b is not None
    approved = b.backend.db.execute(
        "SELECT e.number FROM receivable_ledger r JOIN employees e ON e.id = r.approved_by "
        "WHERE r.customer_id = ? AND r.entry_type = 'charge'",
        [corp_b.id],
    ).fetchall()
    assert approved == [("201",)]
    assert b.backend.customers.receivable_balance(
        int(corp_b.id)
    ) == a.backend.customers.receivable_balance(store.corp)
    assert hq.one(
        "SELECT receivable FROM hq.balances WHERE gid = %s", f"A1:{store.corp}"
    ) == a.backend.customers.receivable_balance(store.corp)

    # A statement run at the other store over the same entries: each entry stays billed on
    # the first statement at head office, the second is flagged.
    StatementRun(b.backend).run(dt.date(2026, 11, 30), deliver=False)
    b.sync()
    flags = hq.all("SELECT detail->>'billed_on' FROM hq.flags WHERE kind = 'billed_twice'")
    assert len(flags) == entries and all(f[0].startswith("A1:statements:") for f in flags)
    assert hq.one("SELECT count(*) FROM hq.billed") == entries
