"""Exact arithmetic helpers: conversion, rounding, allocation."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN
from decimal import Decimal as D

import pytest

from pos_tui.engine.money import allocate, fmt, quantum, round_money, round_to_step, to_decimal


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
