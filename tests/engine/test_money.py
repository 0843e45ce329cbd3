"""Exact arithmetic helpers: conversion, rounding, allocation."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_EVEN, Decimal
from decimal import Decimal as D
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pos_tui.engine.errors import Refused
from pos_tui.engine.money import (
    NotANumber,
    TooManyPlaces,
    allocate,
    fmt,
    parse_money,
    quantum,
    round_money,
    round_to_step,
    to_decimal,
)


def test_to_decimal_accepts_exact_values() -> None:
    assert to_decimal("12.50") == D("12.50")
    assert to_decimal(3) == D(3)
    assert to_decimal(D("0.1")) == D("0.1")


@pytest.mark.parametrize("bad", [0.1, 1.0])
def test_to_decimal_refuses_floats(bad: float) -> None:
    with pytest.raises(TypeError, match="floats are not allowed"):
        to_decimal(bad)


@pytest.mark.parametrize("bad", [True, None, [1]])
def test_to_decimal_refuses_non_numbers(bad: object) -> None:
    with pytest.raises(TypeError):
        to_decimal(bad)


@pytest.mark.parametrize("bad", ["abc", "NaN", "Infinity", ""])
def test_to_decimal_refuses_bad_strings(bad: str) -> None:
    with pytest.raises(ValueError):
        to_decimal(bad)


def test_round_money_default_is_half_up_and_mode_is_configurable() -> None:
    assert round_money(D("2.345"), 2) == D("2.35")
    assert round_money(D("2.345"), 2, ROUND_HALF_EVEN) == D("2.34")
    assert round_money(D("2.5"), 0) == D(3)
    assert round_money(D("1.2345"), 3) == D("1.235")


def test_quantum() -> None:
    assert (quantum(0), quantum(2), quantum(3)) == (D(1), D("0.01"), D("0.001"))


@pytest.mark.parametrize(
    ("value", "step", "mode", "expected"),
    [
        ("125.75", "1", "higher", "126"),
        ("125.00", "1", "higher", "125"),
        ("125.75", "1", "lower", "125"),
        ("125.50", "1", "standard", "126"),
        ("125.49", "1", "standard", "125"),
        ("125.49", "5", "standard", "125"),
        ("127.50", "5", "standard", "130"),
        ("126", "10", "lower", "120"),
        ("1.26", "0.5", "higher", "1.5"),
    ],
)
def test_round_to_step(value: str, step: str, mode: str, expected: str) -> None:
    assert round_to_step(D(value), D(step), mode) == D(expected)


def test_round_to_step_refuses_bad_arguments() -> None:
    with pytest.raises(ValueError):
        round_to_step(D(1), D(0), "higher")
    with pytest.raises(ValueError):
        round_to_step(D(1), D(1), "sideways")


def test_allocate_sums_exactly_and_gives_leftovers_to_largest_remainders() -> None:
    assert allocate(D("10.00"), [D(1), D(1), D(1)], D("0.01")) == [D("3.34"), D("3.33"), D("3.33")]
    assert allocate(D("0.05"), [D(3), D(1)], D("0.01")) == [D("0.04"), D("0.01")]
    assert allocate(D("1.00"), [D(0), D(0)], D("0.01")) == [D("1.00"), D(0)]
    assert allocate(D(0), [], D("0.01")) == []


def test_allocate_refuses_what_it_cannot_split() -> None:
    with pytest.raises(ValueError):
        allocate(D("-1"), [D(1)], D("0.01"))
    with pytest.raises(ValueError):
        allocate(D("1"), [], D("0.01"))


def test_fmt_never_uses_exponents() -> None:
    assert fmt(D("1E+2")) == "100"
    assert fmt(D("0.0000001")) == "0.0000001"
    assert fmt(None) is None


# -- the one reader of a Decimal, the one ZERO (issue 13) ----------------------------------------


def test_to_decimal_reads_what_a_person_types_when_asked() -> None:
    assert to_decimal(" 1,250.50 ", commas=True) == D("1250.50")
    with pytest.raises(NotANumber):
        to_decimal("1,250.50")  # engine inputs carry no thousands separators


@pytest.mark.parametrize("bad", ["abc", "NaN", "-Infinity", "", "1.2.3", ","])
def test_text_that_is_no_number_is_a_refusal(bad: str) -> None:
    with pytest.raises(NotANumber) as caught:
        to_decimal(bad, "Amount", commas=True)
    assert isinstance(caught.value, Refused) and isinstance(caught.value, ValueError)
    assert str(caught.value).startswith("Amount: ")


def test_parse_money_keeps_the_currencys_minor_unit() -> None:
    assert parse_money("12", "Amount", 2) == D("12.00")
    assert str(parse_money("1,250.5", "Amount", 2)) == "1250.50"
    assert parse_money(D("7"), "Amount", 0) == D(7)
    with pytest.raises(TooManyPlaces, match="Amount has more than 2 decimal places"):
        parse_money("12.345", "Amount", 2)
    with pytest.raises(NotANumber, match="too large"):
        parse_money("9" * 40, "Amount", 2)
    with pytest.raises(TypeError):
        parse_money(12.5, "Amount", 2)


@given(
    st.decimals(
        allow_nan=False, allow_infinity=False, places=2, min_value=-(10**9), max_value=10**9
    )
)
def test_parse_money_reads_back_what_it_is_given(amount: Decimal) -> None:
    text = format(amount, ",f")  # with thousands separators, as a person writes it
    assert parse_money(text, "Amount", 2) == amount
    assert parse_money(format(amount, "f"), "Amount", 2) == amount


def _sources() -> list[Path]:
    return sorted((Path(__file__).parents[2] / "pos_tui").rglob("*.py"))


def test_one_zero_and_one_decimal_reader() -> None:
    """ZERO is defined in engine/money.py alone, and outside the engine nothing turns text into
    a Decimal behind its own `except InvalidOperation`: it asks to_decimal/parse_money."""
    for path in _sources():
        text = path.read_text(encoding="utf-8")
        if path.name == "money.py" and path.parent.name == "engine":
            continue
        assert not re.search(r"^ZERO\s*=", text, re.M), f"{path} defines its own ZERO"
        assert "Decimal(0)" not in text and 'Decimal("0")' not in text, path
        if "engine" not in path.parts:
            assert "InvalidOperation" not in text, f"{path} parses decimals itself"
