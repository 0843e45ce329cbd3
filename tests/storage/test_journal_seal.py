"""The v2 seal: one canonical form, the same at write and at verify, whatever the rows' order."""

from __future__ import annotations

import hashlib
import json
import random
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pos_tui.storage.db import connect
from pos_tui.storage.journal import JournalRepository
from pos_tui.storage.journal_seal import (
    CHILD_FIELDS,
    CHILD_ORDER,
    CHILD_TABLES,
    SALE_FIELDS,
    normalise,
    seal_v1,
    seal_v2,
)
from pos_tui.storage.rows import one
from tests.storage import journal_v1
from tests.storage.tampering import tamper

TAX_CODES = ["GST5", "GST12", "GST18", "GST28", "CESS", "USST", "VAT"]

amounts = st.decimals(
    min_value=-10000, max_value=10000, places=2, allow_nan=False, allow_infinity=False
)


@st.composite
def written(draw: st.DrawFn, value: Decimal) -> Any:
    """An amount as a caller may hand it over: a Decimal, its text, or an exponent form."""
    form = draw(st.sampled_from(["decimal", "text", "normalized", "exponent"]))
    if form == "decimal":
        return value
    if form == "text":
        return str(value)
    if form == "normalized":
        return value.normalize()  # 100 -> Decimal('1E+2')
    return f"{value:E}"


@st.composite
def sales(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, list[dict[str, Any]]]]:
    n_lines = draw(st.integers(1, 5))
    lines = [
        {
            "line_no": n,
            "sku": f"SKU{n}",
            "description": draw(st.text(min_size=1, max_size=8)),
            "quantity": draw(written(draw(amounts))),
            "unit_price": draw(written(draw(amounts))),
            "price_source": "regular",
            "tax": draw(written(draw(amounts))),
            "total": draw(written(draw(amounts))),
        }
        for n in range(1, n_lines + 1)
    ]
    codes = draw(st.lists(st.sampled_from(TAX_CODES), unique=True, max_size=5))
    taxes = [
        {
            "tax_code": c,
            "taxable": draw(written(draw(amounts))),
            "amount": draw(written(draw(amounts))),
        }
        for c in codes
    ]
    discounts = [
        {
            "line_no": draw(st.one_of(st.none(), st.integers(1, n_lines))),
            "kind": draw(st.sampled_from(["card", "customer", "manual_line"])),
            "description": draw(st.sampled_from(["Card 5%", "Customer", "Manual"])),
            "amount": draw(written(draw(amounts))),
        }
        for _ in range(draw(st.integers(0, 3)))
    ]
    tenders = [
        {
            "seq": s,
            "kind": draw(st.sampled_from(["cash", "card", "account", "points"])),
            "amount": draw(written(draw(amounts))),
            "points": draw(st.one_of(st.none(), written(draw(amounts)))),
        }
        for s in range(1, draw(st.integers(1, 3)) + 1)
    ]
    children = {"lines": lines, "taxes": taxes, "discounts": discounts, "tenders": tenders}
    # The caller's order is any order: the engine lists taxes by first use, for one.
    shuffled = {kind: draw(st.permutations(rows)) for kind, rows in children.items()}
    sale = {
        "lane_id": draw(st.sampled_from(["L1", "L2"])),
        "store_id": "S1",
        "kind": "sale",
        "committed_at": "2026-11-24T10:00:00",
        "subtotal": draw(written(draw(amounts))),
        "discount_total": draw(written(draw(amounts))),
        "tax_total": draw(written(draw(amounts))),
        "total": draw(written(draw(amounts))),
        "points_earned": draw(written(draw(amounts))),
    }
    return sale, shuffled


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(sales(), min_size=1, max_size=4))
def test_a_sale_verifies_whatever_order_and_decimal_form_its_rows_came_in(
    batch: list[tuple[dict[str, Any], dict[str, list[dict[str, Any]]]]],
) -> None:
    db = connect(":memory:")
    journal = JournalRepository(db)
    for sale, children in batch:
        stored = journal.append(sale, children)
        assert stored.hash_version == 2
        # The seal covers the columns as stored (column maps, not the typed rows).
        back = journal.child_rows_of([stored.id])[stored.id]
        # What was sealed is what reads back: amounts as fixed-point text, rows in key order.
        read = one(db.execute("SELECT * FROM sales WHERE id = ?", [stored.id]))
        assert read is not None
        assert read["total"] == format(Decimal(sale["total"]), "f")
        assert "E" not in read["total"]
        assert stored.total == Decimal(sale["total"])
        for kind, rows in children.items():
            assert sorted(
                format(Decimal(r["amount" if kind != "lines" else "total"]), "f") for r in rows
            ) == sorted(r["amount" if kind != "lines" else "total"] for r in back[kind])
        assert seal_v2(read["prev_hash"], read, back) == read["hash"]
        assert _seal_v2_in_one_piece(read["prev_hash"], read, back) == read["hash"]
        reordered = {k: random.Random(1).sample(v, len(v)) for k, v in back.items()}
        assert seal_v2(read["prev_hash"], read, reordered) == read["hash"]
    assert journal.verify() == (len(batch), None)


def _seal_v2_in_one_piece(prev: str, sale: Any, children: dict[str, list[Any]]) -> str:
    """v2 as first written, one json.dumps of the whole body: the seal written in parts (the
    commit writes the rows' part before the write lock) must be the same text."""
    body: dict[str, Any] = {"v": 2, "prev": prev, "sale": {k: sale[k] for k in SALE_FIELDS}}
    for kind, fields in CHILD_FIELDS.items():
        rows = [{k: row.get(k) for k in fields} for row in children.get(kind, [])]
        body[kind] = sorted(rows, key=CHILD_ORDER[kind])
    text = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _two_taxes_in_the_engines_order(lane: str = "L1") -> tuple[dict[str, Any], dict[str, Any]]:
    sale = {
        "lane_id": lane,
        "store_id": "S1",
        "kind": "sale",
        "committed_at": "2026-11-24T10:00:00",
        "subtotal": "300.00",
        "discount_total": "0.00",
        "tax_total": "17.00",
        "total": "317.00",
    }
    children = {
        "lines": [
            {
                "line_no": 1,
                "sku": "RICE",
                "description": "Rice",
                "quantity": "1",
                "unit_price": "100.00",
                "price_source": "regular",
                "tax": "5.00",
                "total": "105.00",
            },
            {
                "line_no": 2,
                "sku": "CHIPS",
                "description": "Chips",
                "quantity": "1",
                "unit_price": "100.00",
                "price_source": "regular",
                "tax": "12.00",
                "total": "112.00",
            },
        ],
        # By first use, as the engine lists them: GST5 before GST12 (sorted, GST12 comes first).
        "taxes": [
            {"tax_code": "GST5", "taxable": "100.00", "amount": "5.00"},
            {"tax_code": "GST12", "taxable": "100.00", "amount": "12.00"},
        ],
        "tenders": [{"seq": 1, "kind": "cash", "amount": "317.00"}],
    }
    return sale, children


def test_two_tax_codes_in_the_engines_order_verify(tmp_path: Path) -> None:
    db = connect(tmp_path / "j.db")
    journal = JournalRepository(db)
    journal.append(*_two_taxes_in_the_engines_order())
    journal.append(*_two_taxes_in_the_engines_order())
    assert journal.verify() == (2, None)
    # The bug this replaces: v1 sealed the order given and read back the sorted one.
    old = connect(tmp_path / "old.db")
    journal_v1.append(old, *_two_taxes_in_the_engines_order())
    sale = one(old.execute("SELECT * FROM sales WHERE lane_id = 'L1'"))
    assert sale is not None
    back = JournalRepository(old).child_rows_of([sale["id"]])[sale["id"]]
    assert [t["tax_code"] for t in back["taxes"]] == ["GST12", "GST5"]
    assert seal_v1(sale["prev_hash"], sale, back) != sale["hash"]


def test_the_frozen_v1_seal_is_the_one_verify_uses() -> None:
    sale, children = _two_taxes_in_the_engines_order()
    record = {**sale, "sale_number": 1}
    assert journal_v1.sale_hash("0" * 64, record, children) == seal_v1("0" * 64, record, children)


@pytest.mark.parametrize(
    ("kind", "field", "value", "says"),
    [
        ("sale", "total", 317.0, "a decimal amount"),
        ("sale", "total", "three hundred", "a decimal amount"),
        ("sale", "total", "NaN", "a decimal amount"),
        ("sale", "customer_id", "7", "an integer"),
        ("sale", "customer_id", True, "an integer"),
        ("lines", "sku", 5, "text"),
        ("taxes", "amount", Decimal("Infinity"), "a decimal amount"),
        ("tenders", "seq", 1.0, "an integer"),
    ],
)
def test_a_value_that_would_not_read_back_as_sealed_is_refused(
    tmp_path: Path, kind: str, field: str, value: Any, says: str
) -> None:
    journal = JournalRepository(connect(tmp_path / "j.db"))
    sale, children = _two_taxes_in_the_engines_order()
    if kind == "sale":
        sale[field] = value
    else:
        children[kind][0][field] = value
    with pytest.raises(ValueError, match=says):
        journal.append(sale, children)
    assert journal.verify() == (0, None)
    assert journal.db.execute("SELECT count(*) FROM sale_lines").fetchone()[0] == 0


def test_every_journal_column_is_sealed(tmp_path: Path) -> None:
    """A column added to a journal table needs a new seal version that covers it."""
    db = connect(tmp_path / "j.db")

    def columns(table: str) -> set[str]:
        return {r[1] for r in db.execute(f"PRAGMA table_info({table})").fetchall()}

    assert columns("sales") - {"id", "prev_hash", "hash", "hash_version"} == set(SALE_FIELDS)
    for kind, table in CHILD_TABLES.items():
        assert columns(table) - {"id", "sale_id"} == set(CHILD_FIELDS[kind]), table


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE sale_taxes SET amount = '6.00' WHERE tax_code = 'GST5'",
        # Same amounts, swapped between the codes: the rows' content changed, not their order.
        "UPDATE sale_taxes SET amount = CASE tax_code WHEN 'GST5' THEN '12.00' ELSE '5.00' END",
        "UPDATE sale_lines SET total = '105.0' WHERE line_no = 1",  # same number, other text
        "UPDATE sale_tenders SET kind = 'card'",
        "INSERT INTO sale_discounts (sale_id, line_no, kind, description, amount) "
        "VALUES (1, NULL, 'manual', 'late', '1.00')",
        "UPDATE sales SET hash_version = 1",
    ],
)
def test_a_changed_row_breaks_the_v2_seal(tmp_path: Path, statement: str) -> None:
    path = tmp_path / "j.db"
    db = connect(path)
    JournalRepository(db).append(*_two_taxes_in_the_engines_order())
    db.conn.close()
    tamper(path, statement)
    checked, broken = JournalRepository(connect(path)).verify()
    assert checked == 0 and broken is not None
    assert (broken.lane_id, broken.sale_number) == ("L1", 1)
    assert "contents changed after commit" in broken.reason


@settings(max_examples=300, deadline=None)
@given(
    st.decimals(allow_nan=False, allow_infinity=False),
    st.sampled_from(["decimal", "str", "fixed", "E", "e"]),
)
def test_amounts_are_kept_as_fixed_point_text_of_the_same_number(value: Decimal, form: str) -> None:
    given_as: Any = value if form == "decimal" else str(value) if form == "str" else None
    if form in ("fixed", "E", "e"):
        given_as = format(value, "f" if form == "fixed" else form)
    stored = normalise("amount", given_as, "sale_taxes")
    assert isinstance(stored, str) and "E" not in stored.upper()
    assert Decimal(stored) == value, "the same number"
    assert stored == format(Decimal(given_as), "f")
    assert normalise("amount", stored, "sale_taxes") == stored, "normalised once for all"


def test_a_seal_of_a_version_verify_does_not_know_is_a_break(tmp_path: Path) -> None:
    path = tmp_path / "j.db"
    JournalRepository(connect(path)).append(*_two_taxes_in_the_engines_order())
    tamper(path, "UPDATE sales SET hash_version = 3")
    checked, broken = JournalRepository(connect(path)).verify()
    assert checked == 0 and broken is not None
    assert broken.reason == "sealed with an unknown version 3"
