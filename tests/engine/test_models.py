"""Dataclass inputs: no floats, exact coercion, validation, and 1:1 with the schema's columns."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from decimal import Decimal as D
from pathlib import Path

import pytest

from pos_tui.engine import (
    Basket,
    BasketLine,
    CardType,
    CardTypeSubscription,
    Customer,
    Item,
    ManualDiscount,
    PriceList,
    Tax,
    TransactionDiscount,
    from_row,
)
from tests.engine.engine_factories import card, customer, item

SCHEMA = Path(__file__).resolve().parents[2] / "pos_tui" / "storage" / "schema_v1.sql"

# Fields that come from join tables / ledgers rather than the table's own columns (a customer's
# store limit is named from the locations table).
JOINED = {"restricted_subgroups", "subscription", "limit_to_location_name"}


def _columns(table: str) -> set[str]:
    text = SCHEMA.read_text()
    match = re.search(rf"CREATE TABLE {table} \((.*?)\n\);", text, re.S)
    assert match, table
    names = set()
    for raw in match.group(1).splitlines():
        word = raw.strip().split(" ")[0]
        if word and word.isidentifier() and word.upper() not in {"CHECK", "PRIMARY", "UNIQUE"}:
            names.add(word)
    return names


@pytest.mark.parametrize(
    ("cls", "table"),
    [
        (Item, "items"),
        (CardType, "card_types"),
        (CardTypeSubscription, "card_type_subscriptions"),
        (Customer, "customers"),
        (Tax, "taxes"),
        (TransactionDiscount, "customer_transaction_discounts"),
    ],
)
def test_dataclass_fields_are_schema_columns(cls: type, table: str) -> None:
    fields = {f.name for f in dataclasses.fields(cls)} - JOINED
    assert fields <= _columns(table), fields - _columns(table)


def test_card_type_has_every_loyalty_column() -> None:
    wanted = _columns("card_types") - {"id", "code", "name"}
    assert wanted <= {f.name for f in dataclasses.fields(CardType)}


def test_constructors_refuse_floats() -> None:
    with pytest.raises(TypeError, match="floats"):
        Item(1, "A", "A", regular_price=9.99)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="floats"):
        customer(auto_discount_percent=0.5)
    with pytest.raises(TypeError, match="floats"):
        BasketLine(1, item(), 1.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="floats"):
        PriceList(1, "W", "W", {1: 1.5})  # type: ignore[dict-item]


def test_constructors_coerce_exact_values_to_decimal() -> None:
    it = Item(1, "A", "A", regular_price="9.99")  # type: ignore[arg-type]
    assert it.regular_price == D("9.99") and isinstance(it.regular_price, D)
    assert customer(credit_limit=500).credit_limit == D(500)


@pytest.mark.parametrize(
    "make",
    [
        lambda: item(price="-1"),
        lambda: customer(price_level=5),
        lambda: customer(auto_discount_percent=D(101)),
        lambda: customer(grace_period_type="sometimes"),
        lambda: card(multiplier=D(11)),
        lambda: card(multiplier_weekdays="mon,funday"),
        lambda: card(rounding="up"),
        lambda: card(rounding_limit=D(0)),
        lambda: card(upgrade_min_points=D(10), upgrade_max_points=D(5)),
        lambda: Tax(1, "T", "T", D(5), "sometimes"),  # type: ignore[arg-type]
        lambda: ManualDiscount(D(10)),
        lambda: ManualDiscount(D(10), percent=D(5), amount=D(5)),
        lambda: ManualDiscount(D(10), percent=D(150)),
        lambda: BasketLine(1, item(), D(0)),
        lambda: Basket((BasketLine(1, item(), D(1)), BasketLine(1, item(), D(1)))),
        lambda: TransactionDiscount("x", percent=D(101)),
    ],
)
def test_invalid_inputs_are_refused(make: object) -> None:
    with pytest.raises(ValueError):
        make()  # type: ignore[operator]


def test_weekdays_accept_full_names_and_case() -> None:
    assert card(multiplier_weekdays="Saturday, SUN").weekdays == {"sat", "sun"}


def test_from_row_maps_a_database_row() -> None:
    row = {
        "id": 3,
        "account_number": "C3",
        "first_name": "Ravi",
        "last_name": None,
        "is_company": 0,
        "active": 1,
        "tax_exempt": 0,
        "price_level": 2,
        "forced_price_level": 1,
        "auto_discount_percent": "7.5",
        "credit_limit": "5000.00",
        "birth_date": "1990-02-28",
        "card_expiry_date": None,
        "grace_period_type": "none",
        "created_at": "2024-01-01T10:00:00",
        "mobile": "98450",
        "pin_hash": "x",
        "allow_charge": 1,
        "ar_enabled": 1,
    }
    cust = from_row(Customer, row)
    assert cust.forced_price_level is True and cust.allow_charge is True
    assert cust.auto_discount_percent == D("7.5")
    assert cust.birth_date == dt.date(1990, 2, 28)
    assert cust.display_name == "Ravi"


def test_from_row_card_type_times_and_join_fields() -> None:
    row = {
        "id": 1,
        "code": "G",
        "name": "Gold",
        "multiplier": "1.5",
        "multiplier_from_time": "10.00",
        "multiplier_to_time": "20:00",
        "upgrade_min_points": None,
        "active": 1,
        "extra_margin_days": 2,
    }
    ct = from_row(CardType, row, restricted_subgroups=())
    assert ct.multiplier_from_time == dt.time(10, 0)
    assert ct.multiplier_to_time == dt.time(20, 0)
    assert ct.multiplier == D("1.5")


def test_display_name() -> None:
    assert customer(is_company=True, company_name="Acme").display_name == "Acme"
    assert customer(first_name=None, last_name=None).display_name == "C0007"


def test_build_strict_refuses_unknown_keys_but_accepts_decimals() -> None:
    import pytest as _pytest

    from pos_tui.engine import ConvertError, build

    tax = build(Tax, {"id": 1, "code": "V", "name": "V", "rate_percent": D("12.5")})
    assert tax.rate_percent == D("12.5")
    with _pytest.raises(ConvertError, match=r"\$\.colour: unknown field"):
        build(Tax, {"id": 1, "code": "V", "name": "V", "rate_percent": "1", "colour": "red"})
    with _pytest.raises(ConvertError, match="string"):
        build(Tax, {"id": 1, "code": "V", "name": "V", "rate_percent": D("12.5")}, fractions=False)
