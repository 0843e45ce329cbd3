"""The refunds engine (pos_tui.engine.refunds): shares of what was paid, never priced again.

Properties over random sales: any grouping and order of returned units gives back no more than
was paid, exactly what was paid once everything came back (line by line, tax code by tax code,
tender by tender, point by point), and every part of every return is non-negative."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pos_tui.engine import (
    CardType,
    GivenBack,
    PaidLine,
    PaidSale,
    PaidTax,
    PaidTender,
    ReturnLine,
    Settings,
    points_shortfall,
    price_return,
    route_refund,
)
from pos_tui.engine.refunds import allocate_refund, line_parts

D = Decimal
S = Settings()
MOMENT = dt.datetime(2026, 11, 24, 10, 30)
CENT = D("0.01")


def _line(
    no: int,
    qty: str,
    price: str,
    discount: str,
    tax: str,
    total: str,
    *,
    tax_codes: frozenset[str] = frozenset(),
) -> PaidLine:
    return PaidLine(
        no,
        f"SKU{no}",
        f"Item {no}",
        D(qty),
        D(price),
        D(discount),
        D(tax),
        D(total),
        tax_codes=tax_codes,
    )


def test_a_line_splits_into_its_parts_whatever_its_taxes() -> None:
    exclusive = line_parts(_line(1, "3", "100", "15", "14.25", "299.25"), S)
    assert (exclusive.exclusive, exclusive.inclusive, exclusive.removed) == (D("14.25"), 0, 0)
    inclusive = line_parts(_line(2, "1", "105", "0", "5", "105"), S)
    assert (inclusive.exclusive, inclusive.inclusive, inclusive.removed) == (0, 5, 0)
    exempt = line_parts(_line(3, "1", "105", "0", "0", "100"), S)
    assert (exempt.removed, exempt.net, exempt.total) == (5, 105, 100)
    mixed = line_parts(_line(4, "1", "105", "0", "7", "107"), S)
    assert (mixed.exclusive, mixed.inclusive) == (2, 5)


def test_29_00_over_three_units_comes_back_as_9_67_9_66_9_67() -> None:
    sale = PaidSale(lines=(_line(1, "3", "10", "1", "0", "29"),), points_earned=D("0.58"))
    given = GivenBack()
    refunds, points = [], []
    for n in range(3):
        alloc = allocate_refund(sale, given, [ReturnLine(1, 1, D(1))], S)
        refunds.append(alloc.total)
        points.append(alloc.points)
        given = GivenBack(quantities={1: D(n + 1)}, points=sum(points, D(0)))
    assert refunds == [D("9.67"), D("9.66"), D("9.67")]
    assert sum(points) == D("0.58")


def test_a_return_over_what_is_left_is_refused_not_raised() -> None:
    sale = PaidSale(lines=(_line(1, "2", "10", "0", "0", "20"),))
    alloc = allocate_refund(sale, GivenBack(quantities={1: D(1)}), [ReturnLine(1, 1, D(2))], S)
    assert [r.code for r in alloc.refusals] == ["RETURN_OVER_QUANTITY"]
    assert "Only 1" in alloc.refusals[0].message


def test_taxes_follow_the_codes_each_line_carries() -> None:
    sale = PaidSale(
        lines=(
            _line(1, "1", "100", "0", "5", "105", tax_codes=frozenset({"GST5"})),
            _line(2, "2", "100", "0", "36", "236", tax_codes=frozenset({"VAT18"})),
        ),
        taxes=(PaidTax("GST5", D(100), D(5)), PaidTax("VAT18", D(200), D(36))),
    )
    one = allocate_refund(sale, GivenBack(), [ReturnLine(1, 2, D(1))], S)
    assert [(t.tax_code, t.taxable, t.amount) for t in one.taxes] == [("VAT18", D(100), D(18))]


def test_the_route_sends_points_back_as_points_at_the_rate_paid() -> None:
    sale = PaidSale(
        lines=(_line(1, "2", "100", "0", "0", "200"),),
        tenders=(PaidTender("points", D(100), D(40)), PaidTender("cash", D(100))),
    )
    half = route_refund(sale, GivenBack(), D(100), S)
    assert [(p.kind, p.amount, p.points) for p in half] == [
        ("cash", D(50), 0),
        ("points", D(50), D(20)),
    ]
    kept = route_refund(sale, GivenBack(), D(200), S, keep=D(30))
    assert [(p.kind, p.amount) for p in kept] == [("cash", D(70)), ("points", D(100))]


def test_what_the_sale_tenders_cannot_take_goes_back_in_cash() -> None:
    sale = PaidSale(lines=(_line(1, "1", "10", "0", "0", "10"),))  # no tenders stored
    assert [(p.kind, p.amount) for p in route_refund(sale, GivenBack(), D(10), S)] == [
        ("cash", D(10))
    ]


SILVER = CardType(id=1, code="S", name="Silver", points_to_convert=D(2), equivalent_currency=D(5))
NO_VALUE = CardType(id=2, code="N", name="Plain")


@pytest.mark.parametrize(
    ("card", "policy", "money", "allowed", "value", "refused"),
    [
        (SILVER, "deduct", D(5000), None, D("250.00"), False),
        (NO_VALUE, "deduct", D(5000), None, D("0.00"), True),
        (SILVER, "deduct", D(100), None, D("0.00"), True),
        (SILVER, "supervisor", D(5000), None, D("0.00"), True),
        (SILVER, "supervisor", D(5000), 7, D("0.00"), False),
    ],
)
def test_points_short_follow_the_store_policy(
    card: CardType, policy: str, money: Decimal, allowed: int | None, value: Decimal, refused: bool
) -> None:
    short = points_shortfall(
        reversed_points=D(100),
        points_back=D(0),
        balance=D(0),
        card_type=card,
        money_back=money,
        settings=Settings(return_points_shortfall=policy),  # type: ignore[arg-type]
        allowed_by=allowed,
    )
    assert short is not None and short.short == 100
    assert short.value == value
    assert (short.refusal is not None) == refused
    if refused:
        assert short.refusal is not None and short.refusal.override_allowed
        assert "-100" in short.refusal.message
    assert short.balance_after == (0 if value else -100)


def test_no_points_short_while_the_balance_or_the_points_given_back_cover_it() -> None:
    args = {"card_type": SILVER, "money_back": D(10), "settings": S}
    assert points_shortfall(reversed_points=D(10), points_back=D(0), balance=D(10), **args) is None  # type: ignore[arg-type]
    assert points_shortfall(reversed_points=D(10), points_back=D(6), balance=D(4), **args) is None  # type: ignore[arg-type]


def test_a_priced_return_says_what_the_tenders_give_back() -> None:
    sale = PaidSale(lines=(_line(1, "1", "5000", "0", "0", "5000"),), points_earned=D(100))
    priced = price_return(
        sale, GivenBack(), [ReturnLine(1, 1, D(1))], S, MOMENT, customer_id=1,
        card_type=SILVER, points_balance=D(0),
    )  # fmt: skip
    assert priced.kind == "return" and priced.totals.total == D("5000.00")
    assert priced.totals.redeemed == D("250.00") and priced.totals.amount_due == D("4750.00")
    assert priced.points is not None and priced.points.points == -100
    assert not priced.refusals


# -- properties ---------------------------------------------------------------------------------

MODES = ("none", "exclusive", "inclusive", "exempt", "mixed")


@st.composite
def paid_lines(draw: st.DrawFn, no: int) -> PaidLine:
    qty = draw(st.sampled_from(["1", "2", "3", "5", "7", "1.5", "0.375", "12"]))
    price = D(draw(st.integers(1, 100_000))) / 100
    gross = (price * D(qty)).quantize(CENT)
    discount = (gross * D(draw(st.integers(0, 100))) / 100).quantize(CENT)
    net = gross - discount
    mode = draw(st.sampled_from(MODES))
    if mode == "exclusive":
        tax, total = (net * D("0.18")).quantize(CENT), None
        total = net + tax
    elif mode == "inclusive":
        tax, total = (net - net / D("1.05")).quantize(CENT), net
    elif mode == "exempt":
        tax, total = D(0), (net / D("1.05")).quantize(CENT)
    elif mode == "mixed":
        pre = net / D("1.05")
        excl = (pre * D("0.02")).quantize(CENT)
        tax, total = (net - pre).quantize(CENT) + excl, net + excl
    else:
        tax, total = D(0), net
    codes = {"exclusive": {"T18"}, "inclusive": {"V5"}, "mixed": {"V5", "C2"}}.get(mode, set())
    return PaidLine(
        no, f"S{no}", f"Item {no}", D(qty), price, discount, tax, total,
        points_eligible=draw(st.booleans()), tax_codes=frozenset(codes),
    )  # fmt: skip


@st.composite
def sales(draw: st.DrawFn) -> PaidSale:
    lines = [draw(paid_lines(no)) for no in range(1, draw(st.integers(1, 4)) + 1)]
    sale_total = sum((x.total for x in lines), D(0))
    tax_total = sum((x.tax for x in lines), D(0))
    # The sale's taxes per code: the line taxes spread over the codes the lines carry.
    codes = sorted({c for x in lines for c in x.tax_codes})
    per_code = {c: D(0) for c in codes}
    for x in lines:
        mine = sorted(x.tax_codes)
        for i, c in enumerate(mine):
            per_code[c] += x.tax if i == len(mine) - 1 else (x.tax / 2).quantize(CENT)
            if i < len(mine) - 1:
                per_code[mine[-1]] -= (x.tax / 2).quantize(CENT)
    assert sum(per_code.values(), D(0)) == tax_total
    taxes = tuple(PaidTax(c, sale_total, per_code[c]) for c in codes)
    cash = (sale_total * D(draw(st.integers(0, 100))) / 100).quantize(CENT)
    card = sale_total - cash
    points_value = (card * D(draw(st.integers(0, 100))) / 100).quantize(CENT)
    tenders = tuple(
        t
        for t in (
            PaidTender("cash", cash),
            PaidTender("points", points_value, points_value * 2 / 5),
            PaidTender("card", card - points_value),
        )
        if t.amount
    )
    earned = D(draw(st.integers(0, 10_000))) / 100
    return PaidSale(tuple(lines), taxes, tenders, earned, earned / 4, 9 if earned else None, 1)


@st.composite
def sale_and_returns(draw: st.DrawFn) -> tuple[PaidSale, list[list[tuple[int, Decimal]]], bool]:
    sale = draw(sales())
    pieces: list[tuple[int, Decimal]] = []
    for x in sale.lines:
        left = x.quantity
        while left > 0:
            step = min(left, D(draw(st.sampled_from(["1", "0.5", "0.125", "2"]))))
            pieces.append((x.line_no, step))
            left -= step
    pieces = draw(st.permutations(pieces))
    everything = draw(st.booleans())
    if not everything:
        pieces = pieces[: draw(st.integers(0, len(pieces)))]
    groups: list[list[tuple[int, Decimal]]] = []
    while pieces:
        n = draw(st.integers(1, len(pieces)))
        groups.append(pieces[:n])
        pieces = pieces[n:]
    return sale, groups, everything


def _add(totals: dict[object, Decimal], key: object, value: Decimal) -> None:
    totals[key] = totals.get(key, D(0)) + value


@settings(max_examples=300, deadline=None)
@given(case=sale_and_returns())
def test_returns_in_any_order_and_grouping_add_up_to_what_was_paid(
    case: tuple[PaidSale, list[list[tuple[int, Decimal]]], bool],
) -> None:
    sale, groups, everything = case
    units: dict[int, Decimal] = {}
    taxes: dict[str, tuple[Decimal, Decimal]] = {}
    tenders: dict[str, tuple[Decimal, Decimal]] = {}
    sums: dict[object, Decimal] = {}
    given_total = points = referral = D(0)
    for group in groups:
        given = GivenBack(dict(units), dict(taxes), dict(tenders), given_total, points, referral)
        lines = [ReturnLine(i + 1, no, q) for i, (no, q) in enumerate(group)]
        alloc = allocate_refund(sale, given, lines, S)
        assert not alloc.refusals
        for r in alloc.lines:
            for part in ("gross", "discount", "exempt_reduction", "exclusive_tax", "inclusive_tax", "tax", "total"):  # fmt: skip
                assert getattr(r, part) >= 0 or part == "gross", (part, r)
                _add(sums, (r.original_line_no, part), getattr(r, part))
            units[r.original_line_no] = units.get(r.original_line_no, D(0)) + r.quantity
        assert sum((t.amount for t in alloc.taxes), D(0)) == alloc.tax
        for t in alloc.taxes:
            before = taxes.get(t.tax_code, (D(0), D(0)))
            taxes[t.tax_code] = (before[0] + t.taxable, before[1] + t.amount)
            assert t.amount >= 0 and t.taxable >= 0
        route = route_refund(sale, given, alloc.total, S)
        assert sum((p.amount for p in route), D(0)) == alloc.total
        for p in route:
            before = tenders.get(p.kind, (D(0), D(0)))
            tenders[p.kind] = (before[0] + p.amount, before[1] + p.points)
        given_total += alloc.total
        points += alloc.points
        referral += alloc.referral_points
        assert alloc.points >= 0 and alloc.referral_points >= 0
        assert given_total <= sum((x.total for x in sale.lines), D(0))
        assert points <= sale.points_earned and referral <= sale.referral_points
        for kind, (amount, pts) in tenders.items():
            paid = sum((t.amount for t in sale.tenders if t.kind == kind), D(0))
            assert amount <= paid or (kind == "cash" and not paid)
            assert pts <= sum((t.points for t in sale.tenders if t.kind == kind), D(0))
    if everything:
        for x in sale.lines:
            assert sums[(x.line_no, "total")] == x.total
            assert sums[(x.line_no, "tax")] == x.tax
            assert sums[(x.line_no, "discount")] == x.discount
        assert points == sale.points_earned and referral == sale.referral_points
        assert {c: a for c, (_, a) in taxes.items() if a} == {
            t.tax_code: t.amount for t in sale.taxes if t.amount
        }
        assert {c: tx for c, (tx, _) in taxes.items()} == {
            t.tax_code: t.taxable for t in sale.taxes if t.tax_code in taxes
        }
        for tender in sale.tenders:
            assert tenders[tender.kind][0] == tender.amount, tender.kind
            assert tenders[tender.kind][1] == tender.points, tender.kind
