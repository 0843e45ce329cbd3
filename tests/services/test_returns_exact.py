"""Issue 11, returns: a refund is what was paid, to the cent and the point, back where it came
from. Every symptom of the issue is a named test with its numbers, then hypothesis properties
over the real checkout service and database."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pos_tui.services.backoffice.store_options import StoreOptionsService
from pos_tui.services.checkout.receipts import build_receipt
from pos_tui.services.checkout.sale import Checkout, CheckoutError
from pos_tui.services.runtime.backend import Backend
from pos_tui.storage.rows import Row
from tests.helpers import cli_runner_invoke
from tests.returns_store import (
    ReturnsStore,
    build_returns_store,
    cash_sale,
    earn_then_spend,
    points_sale,
    return_lines,
    total,
)
from tests.services.test_receipts import text_of

D = Decimal


@pytest.fixture
def store(backend: Backend) -> ReturnsStore:
    return build_returns_store(backend)


def _lines(backend: Backend, sale_id: int) -> list[Row]:
    return backend.journal.children(sale_id)["lines"]


def _earns_points(backend: Backend, item_id: int) -> bool:
    item = backend.catalog.get("items", item_id)
    assert item is not None, f"item {item_id} of a sale line is in the catalog"
    return bool(item["points_eligible"])


def _taxes(backend: Backend, sale_id: int) -> dict[str, str]:
    return {t["tax_code"]: t["amount"] for t in backend.journal.children(sale_id)["taxes"]}


def _points(backend: Backend, customer_id: int) -> list[tuple[str, Decimal]]:
    return [(e.entry_type, e.points) for e in backend.ledgers.points_entries(customer_id)]


# -- refunds are what was paid -------------------------------------------------------------------


def test_gold_customer_whole_sale_of_1457_80_is_refunded_1457_80_and_every_point(
    backend: Backend, store: ReturnsStore
) -> None:
    sale = cash_sale(backend, store.cashier, ("TV", "1"), customer=store.goldie)
    assert sale.sale["total"] == "1457.80"  # 1534.53 less the Gold card's 5%
    assert D(sale.sale["points_earned"]) == D("58.312")
    ret = return_lines(backend, store.cashier, int(sale.sale["id"]), (1, "1"))
    assert ret.sale["total"] == "-1457.80"  # not 1384.91: the 5% is not taken a second time
    assert D(ret.sale["points_earned"]) == D("-58.312")
    assert backend.customers.loyalty_balance(store.goldie) == 0  # keeps no points


def test_a_line_sold_at_180_after_a_transaction_discount_is_refunded_180(
    backend: Backend, store: ReturnsStore
) -> None:
    sale = cash_sale(backend, store.cashier, ("DESK", "1"), customer=store.listed)
    assert sale.sale["total"] == "180.00"  # 200 less the automatic 10%
    ret = return_lines(backend, store.cashier, int(sale.sale["id"]), (1, "1"))
    assert ret.sale["total"] == "-180.00"  # not 162.00


def test_a_tax_exempt_customer_gets_back_the_100_paid_not_95_24(
    backend: Backend, store: ReturnsStore
) -> None:
    sale = cash_sale(backend, store.cashier, ("WINE", "1"), customer=store.exempt)
    assert sale.sale["total"] == "100.00"  # 105.00 with its inclusive VAT taken out
    ret = return_lines(backend, store.cashier, int(sale.sale["id"]), (1, "1"))
    assert ret.sale["total"] == "-100.00"
    assert ret.sale["tax_total"] == "0.00"


def test_inclusive_and_exclusive_taxes_in_one_class_refund_107_00_not_101_90(
    backend: Backend, store: ReturnsStore
) -> None:
    sale = cash_sale(backend, store.cashier, ("SPIRIT", "1"))
    assert sale.sale["total"] == "107.00"  # 105 with VAT 5% inside, cess 2% on top
    ret = return_lines(backend, store.cashier, int(sale.sale["id"]), (1, "1"))
    assert ret.sale["total"] == "-107.00"
    assert ret.sale["tax_total"] == "-7.00"
    assert _taxes(backend, int(ret.sale["id"])) == {"VAT5": "-5.00", "CESS2": "-2.00"}


@pytest.mark.parametrize("order", [(1, 1, 1), (2, 1), (1, 2)])
def test_unit_by_unit_refunds_29_00_not_29_01_and_exactly_the_points(
    backend: Backend, store: ReturnsStore, order: tuple[int, ...]
) -> None:
    anna = store.base.anna
    before = backend.customers.loyalty_balance(anna)
    sale = cash_sale(
        backend, store.cashier, ("PEN", "3"), customer=anna, line_discounts={1: "1.00"}
    )
    assert sale.sale["total"] == "29.00" and D(sale.sale["points_earned"]) == D("0.58")
    refunds, reversed_ = [], []
    for units in order:
        ret = return_lines(backend, store.cashier, int(sale.sale["id"]), (1, str(units)))
        refunds.append(-total(ret))
        reversed_.append(-D(ret.sale["points_earned"]))
    assert sum(refunds) == D("29.00")  # one at a time: 9.67 + 9.66 + 9.67
    assert sum(reversed_) == D("0.58")
    assert backend.customers.loyalty_balance(anna) == before
    if order == (1, 1, 1):
        assert refunds == [D("9.67"), D("9.66"), D("9.67")]


def test_a_partial_return_of_a_discounted_taxed_line_adds_up_line_by_line(
    backend: Backend, store: ReturnsStore
) -> None:
    sale = cash_sale(backend, store.cashier, ("APPLE", "3"), customer=store.goldie)
    line = _lines(backend, int(sale.sale["id"]))[0]  # 3 x 100 less 5%, GST 5% on 285
    assert (line["discount"], line["tax"], line["total"]) == ("15.00", "14.25", "299.25")
    parts = [
        _lines(
            backend,
            int(return_lines(backend, store.cashier, int(sale.sale["id"]), (1, "1")).sale["id"]),
        )[0]
        for _ in range(3)
    ]
    for column in ("discount", "tax", "total"):
        assert sum(-D(p[column]) for p in parts) == D(line[column])
    assert [p["total"] for p in parts] == ["-99.75", "-99.75", "-99.75"]


# -- points reversed ----------------------------------------------------------------------------


def _earn_then_spend(backend: Backend, store: ReturnsStore) -> int:
    sale_id = earn_then_spend(backend, store)
    assert backend.customers.loyalty_balance(store.zed) == 0  # 100 earned, 100 spent
    return sale_id


def test_points_spent_before_the_return_are_kept_from_the_refund_not_driven_to_minus_100(
    backend: Backend, store: ReturnsStore
) -> None:
    sale_id = _earn_then_spend(backend, store)
    co = Checkout.start_return(backend, store.cashier, sale_id)
    priced = co.add_return_line(1, "1")
    assert priced.shortfall is not None and priced.shortfall.short == 100
    assert priced.totals.total == D("5000.00") and priced.totals.amount_due == D("4750.00")
    plan = co.refund_plan()
    assert [(p.kind, p.amount) for p in plan.parts] == [("cash", D("4750.00"))]
    co.refund_as_paid()
    done = co.commit()
    assert backend.customers.loyalty_balance(store.zed) == 0  # not -100
    tenders = backend.journal.children(int(done.sale["id"]))["tenders"]
    assert [(t["kind"], t["amount"], D(t["points"] or 0)) for t in tenders] == [
        ("cash", "-4750.00", 0),
        ("points", "-250.00", 100),
    ]
    assert sum(D(t["amount"]) for t in tenders) == total(done) == D("-5000.00")
    assert _points(backend, store.zed)[-2:] == [("reversed", D(-100)), ("adjusted", D(100))]
    receipt = text_of(build_receipt(backend, int(done.sale["id"])))
    assert "Points short (100 pts) | -250.00" in receipt


def test_points_below_zero_need_a_supervisor_under_the_supervisor_policy(
    backend: Backend, store: ReturnsStore
) -> None:
    StoreOptionsService(backend).save({"engine.return_points_shortfall": "supervisor"}, None)
    sale_id = _earn_then_spend(backend, store)
    co = Checkout.start_return(backend, store.cashier, sale_id)
    co.add_return_line(1, "1")
    co.refund_as_paid()
    assert co.cart.tenders[0].amount == "-5000.00"  # nothing is kept under this policy
    with pytest.raises(CheckoutError, match="supervisor must allow the balance to go to -100"):
        co.commit()
    with pytest.raises(CheckoutError) as refused:
        co.allow_points_below_zero(store.cashier)
    assert refused.value.override_allowed
    co.allow_points_below_zero(store.supervisor)
    done = co.commit()
    assert backend.customers.loyalty_balance(store.zed) == -100
    audit = [
        a
        for a in backend.store.audit_trail("sale", int(done.sale["id"]))
        if a.action == "points_below_zero"
    ]
    assert len(audit) == 1 and audit[0].employee_id == store.cashier.id
    assert json.loads(audit[0].changes)["approved_by"] == store.supervisor.id


def test_demo_sales_store_their_points_base_and_a_line_takes_back_only_its_share(
    tmp_path: Path,
) -> None:
    from pos_tui.demo import DemoGenerator
    from tests.services.test_demo import NOW, make_backend

    demo = make_backend(tmp_path / "demo.db")
    try:
        DemoGenerator(demo, seed=11, now=NOW).run(customers=80, sales=60)
        found = None
        for sale in demo.journal.recent(limit=100):
            lines = _lines(demo, int(sale["id"]))
            eligible = [x for x in lines if _earns_points(demo, int(x["item_id"]))]
            if D(sale["points_earned"]) > 1 and len(eligible) >= 2:
                found = sale, eligible
                break
        assert found is not None, "the demo has a sale with points and two earning lines"
        sale, eligible = found
        assert D(sale["points_base"]) > 0
        net = sum(D(x["total"]) - D(x["tax"]) for x in eligible)
        assert D(sale["points_base"]) == net
        cashier = demo.catalog.employee_by_number("101")
        from pos_tui.services.staff.auth import AuthService

        who = AuthService(demo).sign_in("101", "1234") if cashier else None
        assert who is not None
        ret = return_lines(
            demo,
            who,
            int(sale["id"]),
            (int(eligible[0]["line_no"]), str(eligible[0]["quantity"])),
            as_paid=False,
        )
        assert 0 < -D(ret.sale["points_earned"]) < D(sale["points_earned"])
    finally:
        demo.close()


# -- tenders back where they came from ----------------------------------------------------------


def test_an_account_refund_lowers_the_balance_with_its_ledger_row(
    backend: Backend, store: ReturnsStore, db_path: Path
) -> None:
    co = Checkout(backend, store.cashier)
    co.attach_customer(store.trade)
    co.add_item("SOFA")
    assert co.quote().totals.total == D("369.40")  # 396.78 less 5% and the card's 2%
    co.add_account("369.40", pin="4321")
    sale = co.commit()
    ret = Checkout.start_return(backend, store.cashier, int(sale.sale["id"]))
    ret.add_return_line(1, "1")
    assert [(p.kind, p.amount) for p in ret.refund_plan().parts] == [("account", D("369.40"))]
    ret.add_account("369.40")  # was: "ChargeRequest.amount must not be negative"
    done = ret.commit()
    assert done.sale["total"] == "-369.40"  # not 343.92 in cash
    rows = backend.ledgers.receivable_entries(store.trade)
    assert [(r.entry_type, r.amount, r.sale_id) for r in rows] == [
        ("charge", D("369.40"), sale.sale["id"]),
        ("return", D("-369.40"), done.sale["id"]),
    ]
    balance = backend.customers.receivable_balance(store.trade)
    assert balance == sum(D(r.amount) for r in rows) == 0
    account = backend.customers.get(store.trade).account_number  # type: ignore[union-attr]
    shown = cli_runner_invoke(
        CliRunner(), ["--db", str(db_path), "receivable", "show", str(account)]
    )
    assert shown.exit_code == 0, shown.output
    assert "charge" in shown.output and "return" in shown.output
    assert "-369.40" in shown.output and shown.output.strip().endswith("balance 0.00")


def test_a_points_sale_refunds_points_as_points_and_cash_as_cash(
    backend: Backend, store: ReturnsStore
) -> None:
    anna = store.base.anna  # 100 opening points
    sale = points_sale(backend, store)  # 40 points (100.00) and 100.00 cash
    after_sale = backend.customers.loyalty_balance(anna)
    assert after_sale == 100 - 40 + 4  # 4 points earned on 200
    ret = Checkout.start_return(backend, store.cashier, int(sale.sale["id"]))
    ret.add_return_line(1, "1")
    plan = ret.refund_plan()
    assert [(p.kind, p.amount, p.points) for p in plan.parts] == [  # last tender first
        ("cash", D("100.00"), D(0)),
        ("points", D("100.00"), D(40)),
    ]
    ret.add_points("0")  # the points part, whatever is typed
    ret.add_cash("100")
    done = ret.commit()
    assert backend.customers.loyalty_balance(anna) == 100
    assert done.sale["points_used"] == "-40"
    assert ("used", D(40)) in _points(backend, anna)


def test_a_points_sale_refunded_in_cash_needs_a_supervisor_and_is_audited(
    backend: Backend, store: ReturnsStore
) -> None:
    anna = store.base.anna
    sale = points_sale(backend, store)  # 40 points (100.00) and 100.00 cash
    ret = Checkout.start_return(backend, store.cashier, int(sale.sale["id"]))
    ret.add_return_line(1, "1")
    with pytest.raises(CheckoutError) as refused:
        ret.add_cash("200")
    assert refused.value.override_allowed and "supervisor" in refused.value.message
    ret.add_cash("200", approver=store.supervisor)
    done = ret.commit()
    assert backend.customers.loyalty_balance(anna) == 100 - 40  # points not given back
    audit = [
        a
        for a in backend.store.audit_trail("sale", int(done.sale["id"]))
        if a.action == "refund_rerouted"
    ]
    assert len(audit) == 1
    changes = json.loads(audit[0].changes)
    assert changes["approved_by"] == store.supervisor.id
    assert changes["original_sale_id"] == sale.sale["id"] and changes["amount"] == "-200.00"


def test_card_and_cash_come_back_in_proportion_and_add_up_over_partial_returns(
    backend: Backend, store: ReturnsStore
) -> None:
    co = Checkout(backend, store.cashier)
    co.add_item("PEN", "3")  # 30.00
    co.add_card("20", "AUTH-1")
    co.add_cash("50")  # 10.00 and 40.00 change
    sale = co.commit()
    given: dict[str, Decimal] = {}
    each = []
    for _ in range(3):
        ret = Checkout.start_return(backend, store.cashier, int(sale.sale["id"]))
        ret.add_return_line(1, "1")
        ret.refund_as_paid(card_reference="REFUND-1")
        done = ret.commit()
        tenders = backend.journal.children(int(done.sale["id"]))["tenders"]
        each.append({t["kind"]: t["amount"] for t in tenders})
        for t in tenders:
            given[t["kind"]] = given.get(t["kind"], D(0)) - D(t["amount"])
    assert each == [  # docs/money.md
        {"cash": "-3.33", "card": "-6.67"},
        {"cash": "-3.33", "card": "-6.67"},
        {"cash": "-3.34", "card": "-6.66"},
    ]
    assert given == {"card": D("20.00"), "cash": D("10.00")}


def test_card_refund_needs_the_terminal_reference(backend: Backend, store: ReturnsStore) -> None:
    co = Checkout(backend, store.cashier)
    co.add_item("PEN")
    co.add_card("10", "AUTH-2")
    sale = co.commit()
    ret = Checkout.start_return(backend, store.cashier, int(sale.sale["id"]))
    ret.add_return_line(1, "1")
    ret.refund_as_paid()  # the card part waits for the terminal
    assert ret.cart.tenders == [] and ret.remaining() == D("-10.00")
    with pytest.raises(CheckoutError, match="reference"):
        ret.add_card("10", " ")
    ret.add_card("10", "REF-9")
    assert ret.commit().sale["total"] == "-10.00"


def test_a_supervisor_approved_charge_records_the_approver_beside_the_cashier(
    backend: Backend, store: ReturnsStore, db_path: Path
) -> None:
    co = Checkout(backend, store.cashier)
    co.attach_customer(store.trade)
    co.add_item("BIKE", "2")  # 9310.00: over the 5000 limit
    with pytest.raises(CheckoutError) as over:
        co.add_account(co.remaining(), pin="4321")
    assert over.value.override_allowed
    co.add_account(co.remaining(), pin="4321", approver=store.supervisor)
    co.commit()
    entry = backend.ledgers.receivable_entries(store.trade)[-1]
    assert entry.employee_id == store.cashier.id
    assert entry.approved_by == store.supervisor.id
    account = backend.customers.get(store.trade).account_number  # type: ignore[union-attr]
    shown = cli_runner_invoke(
        CliRunner(), ["--db", str(db_path), "receivable", "show", str(account)]
    )
    assert "approved by Sue Supervisor" in shown.output
    assert "by Cass Cashier" in shown.output


def test_a_second_lane_returning_the_same_units_first_is_caught_at_commit(
    backend: Backend, store: ReturnsStore
) -> None:
    sale = cash_sale(backend, store.cashier, ("PEN", "1"))
    first = Checkout.start_return(backend, store.cashier, int(sale.sale["id"]))
    first.add_return_line(1, "1")
    first.add_cash("10")
    other = Checkout.start_return(backend, store.cashier, int(sale.sale["id"]))
    other.add_return_line(1, "1")
    other.add_cash("10")
    first.commit()
    with pytest.raises(CheckoutError, match="Only 0"):
        other.commit()
    assert backend.journal.returned_quantities(int(sale.sale["id"])) == {1: D(1)}


# -- properties over the real service --------------------------------------------------------

ITEMS = ("APPLE", "PEN", "DESK", "WINE", "SPIRIT", "BAG", "TV")


@st.composite
def sales_and_returns(
    draw: st.DrawFn,
) -> tuple[list[tuple[str, str]], str, dict[int, str], list[list[tuple[int, str]]]]:
    """A sale (items and quantities, a customer, line discounts) and its units returned in a
    random grouping and order, maybe not all of them."""
    lines = draw(
        st.lists(st.tuples(st.sampled_from(ITEMS), st.integers(1, 5)), min_size=1, max_size=4)
    )
    who = draw(st.sampled_from(["none", "anna", "goldie", "listed", "exempt"]))
    discounts = draw(
        st.dictionaries(
            st.integers(1, len(lines)), st.sampled_from(["0.01", "0.99", "3.33"]), max_size=2
        )
    )
    units = [(no, 1) for no, (_, qty) in enumerate(lines, start=1) for _ in range(qty)]
    units = draw(st.permutations(units))
    keep = draw(st.integers(0, len(units)))
    cuts = sorted(draw(st.lists(st.integers(1, max(keep, 1)), max_size=4)))
    groups, start = [], 0
    for cut in [*cuts, keep]:
        if cut > start:
            group: dict[int, int] = {}
            for no, n in units[start:cut]:
                group[no] = group.get(no, 0) + n
            groups.append([(no, str(n)) for no, n in group.items()])
            start = cut
    return [(sku, str(q)) for sku, q in lines], who, {k: v for k, v in discounts.items()}, groups


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(case=sales_and_returns())
def test_any_sequence_of_partial_returns_never_refunds_more_than_was_paid(
    backend: Backend,
    store: ReturnsStore,
    case: tuple[list[tuple[str, str]], str, dict[int, str], list[list[tuple[int, str]]]],
) -> None:
    items, who, discounts, groups = case
    customer = {
        "none": None,
        "anna": store.base.anna,
        "goldie": store.goldie,
        "listed": store.listed,
        "exempt": store.exempt,
    }[who]
    before = backend.customers.loyalty_balance(customer) if customer else D(0)
    sale = cash_sale(
        backend,
        store.cashier,
        *items,
        customer=customer,
        approver=store.supervisor,
        line_discounts=discounts,
    )
    sale_id = int(sale.sale["id"])
    paid_lines = {int(x["line_no"]): x for x in _lines(backend, sale_id)}
    paid_taxes = _taxes(backend, sale_id)
    refunded, points = D(0), D(0)
    per_line: dict[int, dict[str, Decimal]] = {}
    per_tax: dict[str, Decimal] = {}
    for group in groups:
        ret = return_lines(backend, store.cashier, sale_id, *group)
        got = -total(ret)
        assert got >= 0
        refunded += got
        points += -D(ret.sale["points_earned"])
        assert refunded <= D(sale.sale["total"])
        rows = _lines(backend, int(ret.sale["id"]))
        assert sum(-D(r["total"]) for r in rows) == got
        for r in rows:
            sums = per_line.setdefault(int(r["original_line_no"]), {})
            for column in ("quantity", "discount", "tax", "total"):
                sums[column] = sums.get(column, D(0)) - D(r[column])
        for code, amount in _taxes(backend, int(ret.sale["id"])).items():
            per_tax[code] = per_tax.get(code, D(0)) - D(amount)
        assert sum(per_tax.values(), D(0)) <= D(sale.sale["tax_total"])
    everything = all(
        per_line.get(no, {}).get("quantity") == D(x["quantity"]) for no, x in paid_lines.items()
    )
    assert points <= D(sale.sale["points_earned"])
    if everything:
        assert refunded == D(sale.sale["total"])
        assert points == D(sale.sale["points_earned"])
        for no, x in paid_lines.items():
            for column in ("discount", "tax", "total"):
                assert per_line[no][column] == D(x[column]), (no, column)
        assert {c: str(v) for c, v in per_tax.items() if v} == {
            c: v for c, v in paid_taxes.items() if D(v)
        }
        if customer is not None:
            assert backend.customers.loyalty_balance(customer) == before
    assert backend.journal.verify()[1] is None
