"""The journal verifies after every kind of sale the checkout makes: several tax codes, discounts,
returns, voids, points, account, held and recalled on another lane; and after a full shift of
mixed sales on a fresh demo store, through ``pos-tui journal verify``."""

from __future__ import annotations

import re
import tempfile
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pos_tui.demo import DEMO_CUSTOMER_PIN
from pos_tui.services.checkout.sale import Checkout, CheckoutError
from pos_tui.services.runtime.backend import Backend
from pos_tui.services.staff.auth import AuthService
from pos_tui.storage.journal import SaleRow
from pos_tui.storage.journal_seal import seal_v2
from pos_tui.storage.rows import one
from tests.catalog import Store, build_store
from tests.conftest import FIXED_NOW
from tests.helpers import cli_runner_invoke, lane_backend


def add_taxed_items(b: Backend) -> None:
    """Items under other tax codes than the store's GST5: one 12%, one 28% with a cess."""
    cat = b.catalog
    gst12 = cat.insert("taxes", {"code": "GST12", "name": "GST 12%", "rate_percent": "12"})
    gst28 = cat.insert("taxes", {"code": "GST28", "name": "GST 28%", "rate_percent": "28"})
    cess = cat.insert("taxes", {"code": "CESS", "name": "Cess", "rate_percent": "5"})
    snack = cat.insert("tax_classes", {"code": "SNACK", "name": "Snacks"})
    cat.set_tax_class_taxes(snack, [gst12])
    sin = cat.insert("tax_classes", {"code": "SIN", "name": "Sin goods"})
    cat.set_tax_class_taxes(sin, [gst28, cess])
    for sku, name, price, tax_class in (
        ("CHIPS", "Potato chips", "40.00", snack),
        ("CIGAR", "Cigar", "250.00", sin),
    ):
        cat.insert(
            "items", {"sku": sku, "name": name, "regular_price": price, "tax_class_id": tax_class}
        )


def _lane(path: Path, lane: str) -> Backend:
    return lane_backend(path, lane, now=lambda: FIXED_NOW)


@pytest.fixture
def store(backend: Backend) -> Store:
    s = build_store(backend)
    add_taxed_items(backend)
    return s


def _intact(b: Backend, sales: int) -> None:
    check = b.journal.check()
    assert (check.checked, check.broken, check.versions) == (sales, None, {2: sales})
    # Each record is sealed over exactly what reads back, in any order.
    for sale in b.db.execute("SELECT id FROM sales").fetchall():
        # The seal covers the columns as stored (column maps, not the typed rows).
        row = one(b.db.execute("SELECT * FROM sales WHERE id = ?", [sale[0]]))
        assert row is not None
        children = b.journal.child_rows_of([sale[0]])[sale[0]]
        flipped = {kind: rows[::-1] for kind, rows in children.items()}
        assert seal_v2(row["prev_hash"], row, flipped) == row["hash"]


def _pay_cash(co: Checkout) -> SaleRow:
    """Cash for a sale; a return is refunded the way its sale was paid (docs/money.md)."""
    if co.cart.kind == "return":
        co.refund_as_paid(card_reference="REFUND-1")
    else:
        co.add_cash(str(abs(co.remaining())))
    return co.commit().sale


def test_verify_after_every_kind_of_sale(backend: Backend, store: Store, db_path: Path) -> None:
    cashier, supervisor = store.cashier, store.supervisor
    # Several tax codes, which the engine lists by first use (GST5, GST12, then the cigar's
    # CESS and GST28): the order v1 sealed and verify did not read back.
    co = Checkout(backend, cashier)
    co.add_item("APPLE")
    co.add_item("CHIPS", "2")
    co.add_item("CIGAR")
    codes = [t.tax_code for t in co.quote().taxes]
    assert codes == ["GST5", "GST12", "CESS", "GST28"] and codes != sorted(codes)
    several = _pay_cash(co)
    _intact(backend, 1)

    # Discounts on a line and on the sale, paid by card and cash.
    co = Checkout(backend, cashier)
    co.attach_customer(store.bob)
    co.add_item("CIGAR")
    co.add_item("APPLE", "2")
    co.discount_line(2, percent="5")
    co.discount_sale(amount="10")
    co.add_card("100", "AUTH-1")
    _pay_cash(co)
    assert backend.journal.children(2).discounts
    _intact(backend, 2)

    # Points: Anna pays part with points.
    co = Checkout(backend, cashier)
    co.attach_customer(store.anna)
    co.add_item("CHIPS")
    co.add_item("APPLE")
    co.add_points("10")
    points_sale = _pay_cash(co)
    assert points_sale.points_used == Decimal("10")
    _intact(backend, 3)

    # On account, with the customer's PIN and a PO number.
    co = Checkout(backend, cashier)
    co.attach_customer(store.corp)
    co.add_item("CHIPS")
    co.add_item("APPLE")
    co.add_account(str(co.remaining()), pin="4321", reference="PO-9")
    co.commit()
    _intact(backend, 4)

    # Returns: part of the several-tax sale, then the rest of it; all of the points sale.
    ret = Checkout.start_return(backend, cashier, int(str(several.id)))
    ret.add_return_line(2, "1")
    _pay_cash(ret)
    _intact(backend, 5)
    ret = Checkout.start_return(backend, cashier, int(str(several.id)))
    for line in ret.returnable():
        if Decimal(line.returnable) > 0:
            ret.add_return_line(line.line_no, line.returnable)
    _pay_cash(ret)
    ret = Checkout.start_return(backend, cashier, int(str(points_sale.id)))
    for line in ret.returnable():
        ret.add_return_line(line.line_no, line.returnable)
    _pay_cash(ret)
    _intact(backend, 7)

    # Voids: a voided sale never reaches the journal; a voided line leaves the sale without it.
    co = Checkout(backend, cashier)
    co.add_item("CIGAR")
    co.add_item("CHIPS")
    co.void_line(1)
    co.cancel()
    _intact(backend, 7)
    co = Checkout(backend, cashier)
    co.add_item("CIGAR")
    co.add_item("CHIPS")
    co.add_item("BAG")
    co.void_line(2)
    _pay_cash(co)
    assert [line.sku for line in backend.journal.children(8).lines] == ["CIGAR", "BAG"]
    _intact(backend, 8)

    # Held on lane L1, recalled and paid on lane L2: each lane's chain holds.
    co = Checkout(backend, cashier)
    co.add_item("CHIPS")
    co.add_item("APPLE")
    held = co.suspend("blue jacket")
    lane2 = _lane(db_path, "L2")
    try:
        back = Checkout.resume(lane2, supervisor, held)
        assert _pay_cash(back).lane_id == "L2"
    finally:
        lane2.close()
    _intact(backend, 9)
    assert backend.journal.verify("L2") == (1, None)


SKUS = st.sampled_from(["APPLE", "CHIPS", "CIGAR", "BAG"])
PLANS = st.lists(
    st.fixed_dictionaries(
        {
            "items": st.lists(st.tuples(SKUS, st.integers(1, 3)), min_size=1, max_size=5),
            "customer": st.sampled_from([None, "anna", "bob", "corp"]),
            "pay": st.sampled_from(["cash", "card", "split", "points", "account"]),
            "then": st.sampled_from(["keep", "return_some", "return_all", "void", "hold"]),
        }
    ),
    min_size=1,
    max_size=6,
)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(PLANS)
def test_the_journal_verifies_after_any_run_of_sales(plans: list[dict[str, object]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "pos.db"
        b = _lane(path, "L1")
        lane2 = _lane(path, "L2")
        try:
            store = build_store(b)
            add_taxed_items(b)
            committed = sum(_run(b, lane2, store, plan) for plan in plans)
            check = b.journal.check()
            assert (check.checked, check.broken) == (committed, None)
            assert set(check.versions) <= {2}
        finally:
            lane2.close()
            b.close()


def _run(b: Backend, lane2: Backend, store: Store, plan: dict[str, object]) -> int:
    """Ring up one planned sale (and what follows it); how many journal records it made."""
    co = _ring_up(Checkout(b, store.cashier), store, plan)
    if co is None:
        return 0
    if plan["then"] == "hold":
        held = co.suspend()
        co = Checkout.resume(lane2, store.supervisor, held)
    try:
        _tender(co, store, plan)
        sale = co.commit().sale
    except CheckoutError:
        co.cancel()
        return 0
    made = 1
    if plan["then"] in ("return_some", "return_all"):
        made += _return(b, store, sale.id, every=plan["then"] == "return_all")
    return made


def _ring_up(co: Checkout, store: Store, plan: dict[str, object]) -> Checkout | None:
    """The plan's customer and items on ``co``; None once the sale is cancelled (refused or
    voided by the plan)."""
    try:
        if plan["customer"] is not None:
            co.attach_customer(getattr(store, str(plan["customer"])))
        for sku, qty in plan["items"]:  # type: ignore[attr-defined]
            co.add_item(sku, str(qty))
    except CheckoutError:
        co.cancel()
        return None
    if plan["then"] == "void":
        co.cancel()
        return None
    return co


def _tender(co: Checkout, store: Store, plan: dict[str, object]) -> None:
    """Pay as the plan says (points only for anna, on account only for corp), the rest cash."""
    due = co.remaining()
    customer = plan["customer"]
    if plan["pay"] == "card":
        co.add_card(str(due), "AUTH")
    elif plan["pay"] == "split":
        co.add_card(str((due / 2).quantize(Decimal("0.01"))), "AUTH")
    elif plan["pay"] == "points" and customer == "anna":
        co.add_points("4")
    elif plan["pay"] == "account" and customer == "corp":
        co.add_account(str(due), pin="4321", reference="PO-1", approver=store.supervisor)
    if co.remaining() > 0:
        co.add_cash(str(co.remaining()))


def _return(b: Backend, store: Store, sale_id: int, *, every: bool) -> int:
    """Return every unit of the sale (or one of each line), refunded the way it was paid; the
    journal records it made (0 when the refund is refused)."""
    ret = Checkout.start_return(b, store.cashier, sale_id)
    for line in ret.returnable():
        left = Decimal(line.returnable)
        qty = left if every else min(left, Decimal(1))
        if qty > 0:
            ret.add_return_line(line.line_no, str(qty))
    try:
        ret.refund_as_paid(card_reference="REFUND-1")  # back the way it was paid
        ret.commit()
    except CheckoutError:
        ret.cancel()
        return 0
    return 1


def test_journal_verify_after_a_full_shift_on_a_fresh_demo_store(tmp_path: Path) -> None:
    """``pos-tui demo``, then a shift of mixed sales on two lanes through the checkout, then
    ``pos-tui journal verify``: intact, every sale sealed with the current version."""
    db = tmp_path / "demo.db"
    runner = CliRunner()
    made = cli_runner_invoke(
        runner, ["--db", str(db), "demo", "--customers", "120", "--sales", "30", "--seed", "3"]
    )
    assert made.exit_code == 0, made.output
    lane1, lane2 = _lane(db, "L1"), _lane(db, "L2")
    try:
        shift = _full_shift(lane1, lane2)
        shift_sales = "FROM sales WHERE id > 30"
        kinds = lane1.db.execute(f"SELECT DISTINCT kind, lane_id {shift_sales}").fetchall()
        tenders = lane1.db.execute(
            f"SELECT DISTINCT kind FROM sale_tenders WHERE sale_id IN (SELECT id {shift_sales})"
        ).fetchall()
        several = lane1.db.execute(
            "SELECT count(*) FROM (SELECT sale_id FROM sale_taxes WHERE sale_id > 30 "
            "GROUP BY sale_id HAVING count(*) >= 3)"
        ).fetchone()[0]
    finally:
        lane1.close()
        lane2.close()
    assert shift == 12
    assert set(kinds) == {("sale", "L1"), ("sale", "L2"), ("return", "L1")}
    assert {t for (t,) in tenders} == {"cash", "card", "points", "account"}
    assert several >= 6, "most shift sales carry three or more tax codes"
    result = cli_runner_invoke(runner, ["--db", str(db), "journal", "verify"])
    assert result.exit_code == 0, result.output
    assert result.output == f"journal intact: {30 + shift} sales checked\n"
    one_lane = cli_runner_invoke(runner, ["--db", str(db), "journal", "verify", "--lane", "L2"])
    assert one_lane.exit_code == 0 and re.match(
        r"journal intact: \d+ sales checked\n$", one_lane.output
    )


def _full_shift(lane1: Backend, lane2: Backend) -> int:
    """A shift on the demo store: every kind of sale; the journal records it made."""
    db = lane1.db
    cashier = AuthService(lane1).sign_in("101", "1234")
    supervisor = AuthService(lane2).sign_in("201", "2345")
    by_class = dict(
        db.execute(
            "SELECT c.code, min(i.sku) FROM items i JOIN tax_classes c ON c.id = i.tax_class_id "
            "WHERE i.active = 1 GROUP BY c.code"
        ).fetchall()
    )
    mixed = [by_class[c] for c in ("GST5", "GST12", "GST28", "GST18") if c in by_class]
    assert len(mixed) >= 3
    adult = "JOIN card_types t ON t.id = c.card_type_id WHERE c.active = 1 AND t.code != 'JUNIOR'"
    points_customer = db.execute(
        f"SELECT c.id FROM customers c {adult} AND c.tax_exempt = 0 AND c.id IN "
        "(SELECT customer_id FROM loyalty_ledger GROUP BY customer_id "
        " HAVING sum(CAST(points AS REAL)) > 50) ORDER BY c.id LIMIT 1"
    ).fetchone()[0]
    account_customer = db.execute(
        f"SELECT c.id FROM customers c {adult} AND c.ar_enabled = 1 AND c.allow_charge = 1 "
        "AND c.credit_hold = 0 AND c.pin_hash IS NOT NULL AND c.limit_to_location_id IS NULL "
        "ORDER BY c.id LIMIT 1"
    ).fetchone()[0]
    made = 0
    sales = []

    def paid(co: Checkout) -> SaleRow:
        nonlocal made
        if co.cart.kind == "return":
            co.refund_as_paid(card_reference="REFUND-1")  # back the way it was paid
        elif co.remaining() != 0:
            co.add_cash(str(abs(co.remaining())))
        sale = co.commit().sale
        made += 1
        return sale

    for n in range(4):  # walk-in sales, several tax codes each, cash and card
        co = Checkout(lane1 if n % 2 == 0 else lane2, cashier if n % 2 == 0 else supervisor)
        for sku in mixed[n % len(mixed) :] + mixed[: n % len(mixed)]:
            co.add_item(sku, str(n % 3 + 1))
        if n % 2:
            co.add_card(str(co.remaining()), f"AUTH-{n}")
        sales.append(paid(co))
    co = Checkout(lane1, cashier)  # a member, part paid with points
    co.attach_customer(points_customer)
    for sku in mixed:
        co.add_item(sku)
    co.add_points("20")
    points_sale = paid(co)
    co = Checkout(lane2, supervisor)  # on account, with the account PIN and a reference
    co.attach_customer(account_customer)
    co.add_item(mixed[0])
    co.add_item(mixed[1])
    co.add_account(
        str(co.remaining()), pin=DEMO_CUSTOMER_PIN, reference="PO-4711", approver=supervisor
    )
    paid(co)
    co = Checkout(lane1, cashier)  # a line discount and a sale discount
    co.add_item(mixed[1], "2")
    co.add_item(mixed[2])
    co.discount_line(1, percent="5")
    co.discount_sale(amount="1")
    paid(co)
    for source in (sales[0], points_sale):  # a partial return, a full return
        ret = Checkout.start_return(lane1, cashier, int(str(source.id)))
        for line in ret.returnable()[:1] if source is sales[0] else ret.returnable():
            ret.add_return_line(line.line_no, line.returnable)
        paid(ret)
    co = Checkout(lane1, cashier)  # voided whole, and a sale with a voided line
    co.add_item(mixed[0])
    co.cancel()
    co = Checkout(lane2, supervisor)
    co.add_item(mixed[0])
    co.add_item(mixed[2])
    co.void_line(1)
    paid(co)
    for _ in range(2):  # held on one lane, recalled and paid on the other
        co = Checkout(lane1, cashier)
        for sku in mixed:
            co.add_item(sku)
        held = co.suspend("customer fetching wallet")
        paid(Checkout.resume(lane2, supervisor, held))
    return made
