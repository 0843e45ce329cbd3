"""Every worked example of the three manuals in /work/shared/seeds, one named test each.

004 = FusionRetail 6 (card types, loyalty, subscriptions), 003 = Quasar (receivable, price
levels, forced level, transaction types, PIN, reference), 000 = OpSuite (levels A/B/C, automatic
discount, tax exempt, active flag).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from typing import Any

import pytest

from pos_tui.engine import (
    CardTypeSubscription,
    ChargeRequest,
    Customer,
    CustomerAccount,
    LoyaltyEntry,
    OpenItem,
    RedemptionRequest,
    Settings,
    Subgroup,
    TransactionDiscount,
    card_type_for_balance,
    check_charge,
    due_date,
    earn_points,
    period_containing,
    points_balance,
    posting_window,
    price_sale,
    redeem,
    referral_points,
    service_charge,
    subscription_charge,
)
from pos_tui.engine.loyalty import round_earned
from pos_tui.engine.money import round_to_step
from pos_tui.engine.subscriptions import Period, net_sales_in_period
from tests.engine.engine_factories import (
    NOON,
    SETTINGS,
    STANDARD,
    TAX_CLASSES,
    basket,
    card,
    customer,
    item,
    line,
)

# --- FusionRetail 004: points per block ---------------------------------------------------------


def test_fusion_points_awarded_2_per_block_of_100() -> None:
    """ "On Sale Value: block of sale value (e.g. 100). Points Awarded (e.g. 2)"."""
    ct = card(block_sale_value=D(100), points_awarded=D(2))
    assert earn_points(ct, None, D(100), NOON, SETTINGS).points == D(2)
    assert earn_points(ct, None, D(500), NOON, SETTINGS).points == D(10)


def test_fusion_round_off_no_carries_the_fraction() -> None:
    """ "Set No to carry the computed value in fraction without any rounding off"."""
    ct = card(block_sale_value=D(100), points_awarded=D(2), rounding="no")
    assert earn_points(ct, None, D("150.00"), NOON, SETTINGS).points == D(3)
    assert earn_points(ct, None, D("123.45"), NOON, SETTINGS).points == D("2.469")


def test_fusion_rounding_higher_125_75_becomes_126() -> None:
    ct = card(rounding="higher", rounding_limit=D(1))
    assert round_earned(D("125.75"), ct, SETTINGS) == D(126)


def test_fusion_rounding_lower_125_75_becomes_125() -> None:
    ct = card(rounding="lower", rounding_limit=D(1))
    assert round_earned(D("125.75"), ct, SETTINGS) == D(125)


def test_fusion_rounding_standard_125_50_becomes_126_and_125_49_becomes_125() -> None:
    ct = card(rounding="standard", rounding_limit=D(1))
    assert round_earned(D("125.50"), ct, SETTINGS) == D(126)
    assert round_earned(D("125.49"), ct, SETTINGS) == D(125)


def test_fusion_rounding_limit_rs_123_45_to_123_and_123_55_to_124() -> None:
    """ "The amount is rounded to nearest rounding limit (Rs. 123.45 -> 123; 123.55 -> 124)"."""
    assert round_to_step(D("123.45"), D(1), "standard") == D(123)
    assert round_to_step(D("123.55"), D(1), "standard") == D(124)


def test_fusion_rounding_applies_per_sales_bill() -> None:
    """Rounding is on the bill's points: 2 per 100 on 6287.50 = 125.75 -> 126 (higher)."""
    ct = card(block_sale_value=D(100), points_awarded=D(2), rounding="higher")
    assert earn_points(ct, None, D("6287.50"), NOON, SETTINGS).points == D(126)


# --- FusionRetail 004: birthday / anniversary extras ---------------------------------------------

BIRTHDAY = dt.date(1990, 5, 15)  # NOON is 2024-05-15


def test_fusion_extra_points_fixed_100_plus_5_is_105() -> None:
    ct = card(block_sale_value=D(10), points_awarded=D(1), extra_points=D(5))
    result = earn_points(ct, customer(birth_date=BIRTHDAY), D(1000), NOON, SETTINGS)
    assert result.base_points == D(100)
    assert result.points == D(105)
    assert [r.code for r in result.rules] == ["POINTS_BASE", "POINTS_BIRTHDAY"]


def test_fusion_extra_points_on_sale_value_2000_gives_110() -> None:
    """100 points, on sale value 1000, extra 5: a sale of 2000 -> 110."""
    ct = card(
        block_sale_value=D(20),
        points_awarded=D(1),
        extra_points=D(5),
        extra_points_on="sale_value",
        extra_points_sale_value=D(1000),
    )
    result = earn_points(ct, customer(anniversary_date=BIRTHDAY), D(2000), NOON, SETTINGS)
    assert result.base_points == D(100)
    assert result.points == D(110)


def test_fusion_extra_points_on_sale_value_only_from_1000_up() -> None:
    """ "If the customer buys a product of sale value 1000 or above then only he will receive"."""
    ct = card(
        block_sale_value=D(10),
        points_awarded=D(1),
        extra_points=D(5),
        extra_points_on="sale_value",
        extra_points_sale_value=D(1000),
    )
    cust = customer(birth_date=BIRTHDAY)
    assert earn_points(ct, cust, D("999.99"), NOON, SETTINGS).extra_points == 0
    assert earn_points(ct, cust, D(1000), NOON, SETTINGS).extra_points == D(5)


def test_fusion_margin_zero_days_awards_only_on_the_same_date() -> None:
    ct = card(block_sale_value=D(10), points_awarded=D(1), extra_points=D(5), extra_margin_days=0)
    cust = customer(birth_date=BIRTHDAY)
    assert earn_points(ct, cust, D(1000), NOON, SETTINGS).points == D(105)
    next_day = NOON + dt.timedelta(days=1)
    assert earn_points(ct, cust, D(1000), next_day, SETTINGS).points == D(100)


def test_fusion_margin_days_before_and_after() -> None:
    ct = card(block_sale_value=D(10), points_awarded=D(1), extra_points=D(5), extra_margin_days=3)
    cust = customer(birth_date=BIRTHDAY)
    for delta in (-3, 0, 3):
        moment = NOON + dt.timedelta(days=delta)
        assert earn_points(ct, cust, D(1000), moment, SETTINGS).points == D(105)
    for delta in (-4, 4):
        moment = NOON + dt.timedelta(days=delta)
        assert earn_points(ct, cust, D(1000), moment, SETTINGS).points == D(100)


# --- FusionRetail 004: referral, conversion, discount, restriction -------------------------------


def test_fusion_award_point_to_link_customer_point_25_per_rs_100() -> None:
    """ ".25 reward point to the referee, on sale of Rs 100 (block size of sale)"."""
    ct = card(referral_points=D(".25"), referral_block_value=D(100))
    result = referral_points(ct, customer(link_customer_id=3), D(100), SETTINGS)
    assert result is not None
    assert result.link_customer_id == 3
    assert result.points == D("0.25")


def test_fusion_points_to_convert_2_equivalent_currency_5() -> None:
    """ "For redemption of each 2 points the customer will get cash benefit of Rs.5"."""
    ct = card(points_to_convert=D(2), equivalent_currency=D(5))
    result = redeem(ct, D(10), D(100), RedemptionRequest(D(2)), SETTINGS)
    assert (result.points_used, result.currency_value) == (D(2), D(5))
    result = redeem(ct, D(10), D(100), RedemptionRequest(D(10)), SETTINGS)
    assert (result.points_used, result.currency_value) == (D(10), D(25))


def test_fusion_card_discount_percent() -> None:
    """ "Set % of discount available with the card"."""
    sale = price_sale(
        basket(line(1, item(price="200.00"))),
        customer(),
        card(discount_percent=D(5)),
        SETTINGS,
        NOON,
    )
    assert sale.totals.discount_total == D("10.00")
    assert sale.discounts[0].kind == "card_type"


def test_fusion_junior_member_liquor_is_restricted() -> None:
    """Junior Member cards: liquor sub-groups are restricted, with a message."""
    liquor = Subgroup(4, "WHISKY", "Liquor")
    junior = card(code="JUNIOR", name="Junior Member", restricted_subgroups=(liquor,))
    whisky = item(1, "1500.00", name="Whisky 750ml", subgroup_id=4)
    juice = item(2, "80.00", name="Juice")
    sale = price_sale(basket(line(1, whisky), line(2, juice)), customer(), junior, SETTINGS, NOON)
    assert [p.line_no for p in sale.lines] == [2]
    (refusal,) = sale.refusals
    assert refusal.code == "RESTRICTED_SUBGROUP"
    assert refusal.line_no == 1
    assert refusal.message.startswith("Liquor is restricted for Junior Member card holders")


# --- FusionRetail 004: subscriptions ------------------------------------------------------------

APRIL = Settings(financial_year_start_month=4)


def test_fusion_monthly_periods_run_april_to_march() -> None:
    starts = [
        period_containing(dt.date(2024 + (m < 4), m, 10), "monthly", 4).start
        for m in (4, 5, 12, 1, 3)
    ]
    assert starts == [
        dt.date(2024, 4, 1),
        dt.date(2024, 5, 1),
        dt.date(2024, 12, 1),
        dt.date(2025, 1, 1),
        dt.date(2025, 3, 1),
    ]


def test_fusion_quarterly_periods_apr_jun_jul_sep_oct_dec_jan_mar() -> None:
    got = [
        period_containing(day, "quarterly", 4)
        for day in (
            dt.date(2024, 5, 1),
            dt.date(2024, 8, 1),
            dt.date(2024, 11, 1),
            dt.date(2025, 2, 1),
        )
    ]
    assert got == [
        Period(dt.date(2024, 4, 1), dt.date(2024, 6, 30)),
        Period(dt.date(2024, 7, 1), dt.date(2024, 9, 30)),
        Period(dt.date(2024, 10, 1), dt.date(2024, 12, 31)),
        Period(dt.date(2025, 1, 1), dt.date(2025, 3, 31)),
    ]


def test_fusion_half_yearly_april_to_september_and_october_to_march() -> None:
    assert period_containing(dt.date(2024, 9, 30), "half_yearly", 4) == Period(
        dt.date(2024, 4, 1), dt.date(2024, 9, 30)
    )
    assert period_containing(dt.date(2025, 3, 31), "half_yearly", 4) == Period(
        dt.date(2024, 10, 1), dt.date(2025, 3, 31)
    )


def test_fusion_yearly_1st_april_to_31st_march() -> None:
    assert period_containing(dt.date(2025, 1, 15), "yearly", 4) == Period(
        dt.date(2024, 4, 1), dt.date(2025, 3, 31)
    )


def _subscription(cover: bool, posting: str = "beginning") -> CardTypeSubscription:
    return CardTypeSubscription(
        card_type_id=1,
        ledger_account="Membership Charges A/c",
        periodicity="monthly",
        rate=D(1000),
        cover_charges=cover,
        posting=posting,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize(
    ("sales", "charged"),
    [("500", "500"), ("0", "1000"), ("2000", "0"), ("1000", "0"), ("1001", "0")],
)
def test_fusion_cover_charges_yes_rate_1000(sales: str, charged: str) -> None:
    moment = dt.datetime(2024, 5, 5, 10)
    result = subscription_charge(_subscription(True), moment, D(sales), APRIL)
    assert result.amount == D(charged)


@pytest.mark.parametrize("sales", ["500", "0", "1000", "1001", "2000"])
def test_fusion_cover_charges_no_always_1000(sales: str) -> None:
    moment = dt.datetime(2024, 5, 5, 10)
    assert subscription_charge(_subscription(False), moment, D(sales), APRIL).amount == D(1000)


def test_fusion_cover_charges_counts_sales_less_returns() -> None:
    """ "Total sale amount for the subscription period will be calculated after deducting
    sale return"."""
    period = period_containing(dt.date(2024, 5, 20), "monthly", 4)
    sales = [(dt.datetime(2024, 5, 2, 9), D(700)), (dt.datetime(2024, 5, 3, 9), D(-200))]
    net = net_sales_in_period(sales, period, dt.datetime(2024, 5, 20, 9))
    assert net == D(500)
    assert subscription_charge(
        _subscription(True), dt.datetime(2024, 5, 5), net, APRIL
    ).amount == D(500)


def test_fusion_quarterly_mar_apr_may_end_posting_on_20_may_checks_1_march_to_20_may() -> None:
    """Posting=End, Cover=Yes, quarter Mar-Apr-May, voucher on 20th May: sales 1 Mar..20 May."""
    march_fy = Settings(financial_year_start_month=3)
    period = period_containing(dt.date(2024, 5, 20), "quarterly", 3)
    assert period == Period(dt.date(2024, 3, 1), dt.date(2024, 5, 31))
    voucher = dt.datetime(2024, 5, 20, 18)
    sales = [
        (dt.datetime(2024, 2, 29, 10), D(999)),  # before the period: ignored
        (dt.datetime(2024, 3, 1, 0), D(100)),
        (dt.datetime(2024, 5, 20, 17), D(50)),
        (dt.datetime(2024, 5, 21, 9), D(999)),  # after the voucher: ignored
    ]
    net = net_sales_in_period(sales, period, voucher)
    assert net == D(150)
    sub = CardTypeSubscription(
        1, "Membership", "quarterly", D(1000), cover_charges=True, posting="end"
    )
    result = subscription_charge(sub, voucher, net, march_fy)
    assert result.postable
    assert result.amount == D(850)


def test_fusion_posting_beginning_windows() -> None:
    month = period_containing(dt.date(2024, 5, 20), "monthly", 4)
    assert posting_window(month, "monthly", "beginning") == Period(
        dt.date(2024, 5, 1), dt.date(2024, 5, 15)
    )
    quarter = period_containing(dt.date(2024, 5, 20), "quarterly", 4)
    assert posting_window(quarter, "quarterly", "beginning") == Period(
        dt.date(2024, 4, 1), dt.date(2024, 4, 30)
    )
    half = period_containing(dt.date(2024, 5, 20), "half_yearly", 4)
    assert posting_window(half, "half_yearly", "beginning").end == dt.date(2024, 4, 30)
    year = period_containing(dt.date(2024, 5, 20), "yearly", 4)
    assert posting_window(year, "yearly", "beginning").end == dt.date(2024, 4, 30)


def test_fusion_posting_end_windows() -> None:
    month = period_containing(dt.date(2024, 2, 3), "monthly", 4)
    assert posting_window(month, "monthly", "end") == Period(
        dt.date(2024, 2, 16), dt.date(2024, 2, 29)
    )
    quarter = period_containing(dt.date(2024, 5, 20), "quarterly", 4)
    assert posting_window(quarter, "quarterly", "end") == Period(
        dt.date(2024, 6, 1), dt.date(2024, 6, 30)
    )
    year = period_containing(dt.date(2024, 5, 20), "yearly", 4)
    assert posting_window(year, "yearly", "end") == Period(
        dt.date(2025, 3, 1), dt.date(2025, 3, 31)
    )


def test_fusion_subscription_tax_service_tax_10_3_percent() -> None:
    """ "Set tax ledger e.g. Service Tax @10.3%"."""
    sub = CardTypeSubscription(
        1, "Membership", "monthly", D(1000), tax_code="ST", tax_rate_percent=D("10.3")
    )
    result = subscription_charge(sub, dt.datetime(2024, 5, 5), D(0), APRIL)
    assert (result.amount, result.tax, result.total) == (D(1000), D("103.00"), D("1103.00"))


# --- FusionRetail 004: point multiplier, opening points, options ---------------------------------


def test_fusion_point_multiplier_100_times_1_5_is_150() -> None:
    ct = card(
        block_sale_value=D(10),
        points_awarded=D(1),
        multiplier=D("1.5"),
        multiplier_weekdays="wed",
        multiplier_from_time=dt.time(10, 0),
        multiplier_to_time=dt.time(20, 0),
    )
    assert earn_points(ct, None, D(1000), NOON, SETTINGS).points == D(150)


def test_fusion_multiplier_only_between_10_am_and_8_pm() -> None:
    ct = card(
        block_sale_value=D(10),
        points_awarded=D(1),
        multiplier=D(2),
        multiplier_weekdays="wed",
        multiplier_from_time=dt.time(10, 0),
        multiplier_to_time=dt.time(20, 0),
    )
    day = dt.date(2024, 5, 15)
    at = {
        h: earn_points(ct, None, D(1000), dt.datetime.combine(day, h), SETTINGS).points
        for h in (dt.time(9, 59), dt.time(10, 0), dt.time(20, 0), dt.time(20, 1))
    }
    assert at == {
        dt.time(9, 59): 100,
        dt.time(10, 0): 200,
        dt.time(20, 0): 200,
        dt.time(20, 1): 100,
    }


def test_fusion_multiplier_only_on_selected_weekdays() -> None:
    ct = card(
        block_sale_value=D(10), points_awarded=D(1), multiplier=D(2), multiplier_weekdays="sat,sun"
    )
    assert earn_points(ct, None, D(1000), NOON, SETTINGS).points == D(100)  # a Wednesday
    saturday = dt.datetime(2024, 5, 18, 12)
    assert earn_points(ct, None, D(1000), saturday, SETTINGS).points == D(200)


def test_fusion_opening_point_may_be_fractional_102_375() -> None:
    balance = points_balance([LoyaltyEntry("opening", D("102.375"))])
    assert balance.unused == D("102.375")
    balance = points_balance(
        [LoyaltyEntry("opening", D("102.375")), LoyaltyEntry("earned", D("2.625"))]
    )
    assert balance.unused == D(105)


def test_fusion_card_status_validation_card_expiry_date() -> None:
    cust = customer(
        ar_enabled=True,
        allow_charge=True,
        credit_limit=D(1000),
        card_issue_date=dt.date(2023, 1, 1),
        card_expiry_date=dt.date(2024, 1, 1),
    )
    strict = Settings(validate_card_expiry=True)
    decision = check_charge(cust, CustomerAccount(), ChargeRequest(), D(10), strict, NOON.date())
    assert [r.code for r in decision.refusals] == ["CARD_EXPIRED"]


def test_fusion_card_status_validation_due_over_credit_limit_and_over_zero() -> None:
    cust = customer(ar_enabled=True, allow_charge=True, credit_limit=D(100))
    owing = CustomerAccount(receivable_balance=D("150.00"))
    over_limit = Settings(validate_due_over_credit_limit=True)
    codes = {
        r.code
        for r in check_charge(cust, owing, ChargeRequest(), D(1), over_limit, NOON.date()).refusals
    }
    assert "DUE_OVER_CREDIT_LIMIT" in codes
    over_zero = Settings(validate_due_over_zero=True)
    small = CustomerAccount(receivable_balance=D("0.01"))
    decision = check_charge(cust, small, ChargeRequest(), D(1), over_zero, NOON.date())
    assert [r.code for r in decision.refusals] == ["DUE_OVER_ZERO"]


def test_fusion_point_range_for_card_type_auto_upgrade() -> None:
    silver = card(id=1, name="Silver", upgrade_min_points=D(0), upgrade_max_points=D(999))
    gold = card(
        id=2, code="GOLD", name="Gold", upgrade_min_points=D(1000), upgrade_max_points=D(4999)
    )
    platinum = card(id=3, code="PLAT", name="Platinum", upgrade_min_points=D(5000))
    ladder = [silver, gold, platinum]
    decision = card_type_for_balance(silver, ladder, D(1200), SETTINGS)
    assert decision.changed and decision.card_type == gold
    assert card_type_for_balance(gold, ladder, D(7000), SETTINGS).card_type == platinum


def test_fusion_card_expiry_not_earlier_than_issue_date() -> None:
    with pytest.raises(ValueError, match="card_expiry_date"):
        customer(card_issue_date=dt.date(2024, 2, 1), card_expiry_date=dt.date(2024, 1, 31))


# --- Quasar 003 ---------------------------------------------------------------------------------


def test_quasar_regular_price_and_four_price_levels() -> None:
    it = item(
        price="10.00",
        price_level_1=D("9.00"),
        price_level_2=D("8.50"),
        price_level_3=D("8.00"),
        price_level_4=D("7.25"),
    )
    prices = [
        price_sale(basket(line(1, it)), customer(price_level=level), None, SETTINGS, NOON)
        .lines[0]
        .unit_price
        for level in range(5)
    ]
    assert prices == [D("10.00"), D("9.00"), D("8.50"), D("8.00"), D("7.25")]


def test_quasar_forced_price_level_takes_no_promotions() -> None:
    it = item(
        price="10.00",
        price_level_2=D("9.00"),
        promo_price=D("6.00"),
        promo_start=dt.date(2024, 5, 1),
        promo_end=dt.date(2024, 5, 31),
    )
    forced = customer(price_level=2, forced_price_level=True, auto_discount_percent=D(10))
    sale = price_sale(basket(line(1, it)), forced, card(discount_percent=D(5)), SETTINGS, NOON)
    (priced,) = sale.lines
    assert (priced.unit_price, priced.price_source, priced.discount) == (D("9.00"), "level_2", 0)
    not_forced = customer(price_level=2)
    assert price_sale(basket(line(1, it)), not_forced, None, SETTINGS, NOON).lines[
        0
    ].unit_price == D("6.00")


def test_quasar_forced_price_level_only_works_with_the_four_levels() -> None:
    it = item(price="10.00", promo_price=D("6.00"))
    regular_forced = customer(price_level=0, forced_price_level=True)
    sale = price_sale(basket(line(1, it)), regular_forced, None, SETTINGS, NOON)
    assert sale.lines[0].unit_price == D("6.00")  # not forced: the promotion applies
    assert "FORCED_LEVEL_IGNORED" in [r.code for r in sale.explanation]


def _ar(**kw: Any) -> Customer:
    base = dict(ar_enabled=True, allow_charge=True, credit_limit=D(500))
    base.update(kw)
    return customer(**base)


def test_quasar_credit_limit_may_be_overridden_with_clearance() -> None:
    cust = _ar()
    account = CustomerAccount(receivable_balance=D(400))
    refused = check_charge(cust, account, ChargeRequest(), D(150), SETTINGS, NOON.date())
    assert not refused.allowed
    assert refused.available_credit == D(100)
    (refusal,) = refused.refusals
    assert (refusal.code, refusal.override_allowed) == ("CREDIT_LIMIT", True)
    ok = check_charge(
        cust, account, ChargeRequest(supervisor_override=True), D(150), SETTINGS, NOON.date()
    )
    assert ok.allowed and [r.code for r in ok.overridden] == ["CREDIT_LIMIT"]


def test_quasar_credit_hold_may_be_overridden_with_clearance() -> None:
    cust = _ar(credit_hold=True)
    refused = check_charge(cust, CustomerAccount(), ChargeRequest(), D(10), SETTINGS, NOON.date())
    assert [(r.code, r.override_allowed) for r in refused.refusals] == [("CREDIT_HOLD", True)]
    ok = check_charge(
        cust,
        CustomerAccount(),
        ChargeRequest(supervisor_override=True),
        D(10),
        SETTINGS,
        NOON.date(),
    )
    assert ok.allowed


def test_quasar_pin_must_be_entered_to_charge() -> None:
    cust = _ar(pin_hash="argon2$...")
    refused = check_charge(
        cust,
        CustomerAccount(),
        ChargeRequest(supervisor_override=True),
        D(10),
        SETTINGS,
        NOON.date(),
    )
    assert [(r.code, r.override_allowed) for r in refused.refusals] == [("PIN_REQUIRED", False)]
    ok = check_charge(
        cust, CustomerAccount(), ChargeRequest(pin_verified=True), D(10), SETTINGS, NOON.date()
    )
    assert ok.allowed


def test_quasar_allowed_transaction_types() -> None:
    cust = _ar(allow_charge=False, allow_cash_withdrawal=False, allow_payment=True)
    account = CustomerAccount(receivable_balance=D(100))
    codes = {
        kind: [
            r.code
            for r in check_charge(
                cust, account, ChargeRequest(kind), D(10), SETTINGS, NOON.date()
            ).refusals
        ]
        for kind in ("charge", "cash_withdrawal", "payment")
    }
    assert codes == {
        "charge": ["CHARGE_NOT_ALLOWED"],
        "cash_withdrawal": ["WITHDRAWAL_NOT_ALLOWED"],
        "payment": [],
    }


def test_quasar_withdraw_only_in_credit() -> None:
    cust = _ar(allow_cash_withdrawal=True, withdraw_only_in_credit=True)
    in_credit = CustomerAccount(receivable_balance=D(-50))
    ok = check_charge(
        cust, in_credit, ChargeRequest("cash_withdrawal"), D(50), SETTINGS, NOON.date()
    )
    assert ok.allowed and ok.balance_after == 0
    too_much = check_charge(
        cust, in_credit, ChargeRequest("cash_withdrawal"), D("50.01"), SETTINGS, NOON.date()
    )
    assert [r.code for r in too_much.refusals] == ["WITHDRAW_ONLY_IN_CREDIT"]


def test_quasar_required_reference_e_g_purchase_order_number() -> None:
    cust = _ar(required_reference=True, required_reference_label="PO number")
    refused = check_charge(cust, CustomerAccount(), ChargeRequest(), D(10), SETTINGS, NOON.date())
    (refusal,) = refused.refusals
    assert refusal.code == "REFERENCE_REQUIRED" and "PO number" in refusal.message
    assert not refusal.override_allowed
    ok = check_charge(
        cust, CustomerAccount(), ChargeRequest(reference="PO-4711"), D(10), SETTINGS, NOON.date()
    )
    assert ok.allowed


def test_quasar_limit_to_one_store() -> None:
    cust = _ar(limit_to_location_id=2)
    other = check_charge(
        cust, CustomerAccount(), ChargeRequest(location_id=1), D(10), SETTINGS, NOON.date()
    )
    assert [r.code for r in other.refusals] == ["LOCATION_LIMITED"]
    home = check_charge(
        cust, CustomerAccount(), ChargeRequest(location_id=2), D(10), SETTINGS, NOON.date()
    )
    assert home.allowed


def test_quasar_grace_period_none_uses_payment_terms() -> None:
    cust = customer(grace_period_type="none", payment_terms="NET30")
    assert due_date(cust, dt.date(2024, 5, 1), SETTINGS).due == dt.date(2024, 5, 31)


def test_quasar_grace_period_from_posted_date() -> None:
    cust = customer(grace_period_type="posted_date", grace_period_days=15)
    assert due_date(cust, dt.date(2024, 5, 20), SETTINGS).due == dt.date(2024, 6, 4)


def test_quasar_grace_period_from_statement_date() -> None:
    cust = customer(grace_period_type="statement_date", grace_period_days=10)
    result = due_date(cust, dt.date(2024, 5, 20), SETTINGS, statement_date=dt.date(2024, 5, 31))
    assert result.due == dt.date(2024, 6, 10)


def test_quasar_annual_service_charge_on_past_due_invoices() -> None:
    # 18% a year on 1000.00 that is 30 days past due: 1000 * 0.18 * 30 / 365 = 14.79...
    charge = service_charge(
        [OpenItem(D("1000.00"), dt.date(2024, 4, 1))], D(18), dt.date(2024, 5, 1), SETTINGS
    )
    assert charge.amount == D("14.79")


def test_quasar_automatic_transaction_discounts() -> None:
    account = CustomerAccount(
        transaction_discounts=(
            TransactionDiscount("Loyal customer 5%", percent=D(5), min_subtotal=D(100)),
        )
    )
    sale = price_sale(
        basket(line(1, item(price="200.00"))), customer(), None, SETTINGS, NOON, account=account
    )
    assert sale.totals.discount_total == D("10.00")
    assert sale.discounts[0].kind == "transaction_auto"


def test_quasar_loyalty_points_earned_used_adjusted_unused() -> None:
    balance = points_balance(
        [
            LoyaltyEntry("earned", D(120)),
            LoyaltyEntry("used", D(-40)),
            LoyaltyEntry("adjusted", D(5)),
        ]
    )
    assert (balance.earned, balance.used, balance.adjusted, balance.unused) == (
        D(120),
        D(40),
        D(5),
        D(85),
    )


def test_quasar_tax_exemptions_named_tax() -> None:
    it = item(price="100.00", tax_class_id=3)  # GST 5% inclusive + CESS 2% exclusive
    account = CustomerAccount(exempt_tax_codes=frozenset({"CESS"}))
    sale = price_sale(
        basket(line(1, it)),
        customer(),
        None,
        SETTINGS,
        NOON,
        account=account,
        tax_classes=TAX_CLASSES,
    )
    assert [t.tax_code for t in sale.taxes] == ["GST"]
    assert sale.totals.total == D("100.00")


def test_quasar_inactive_customer_cannot_charge() -> None:
    cust = _ar(active=False)
    refused = check_charge(cust, CustomerAccount(), ChargeRequest(), D(10), SETTINGS, NOON.date())
    assert [r.code for r in refused.refusals] == ["CUSTOMER_INACTIVE"]


# --- OpSuite 000 --------------------------------------------------------------------------------


def test_opsuite_price_levels_a_b_c_are_levels_1_2_3() -> None:
    it = item(
        price="10.00", price_level_1=D("9.00"), price_level_2=D("8.00"), price_level_3=D("7.00")
    )
    for level, letter, price in ((1, "A", "9.00"), (2, "B", "8.00"), (3, "C", "7.00")):
        sale = price_sale(basket(line(1, it)), customer(price_level=level), None, SETTINGS, NOON)
        assert sale.lines[0].unit_price == D(price)
        assert f"({letter})" in sale.lines[0].rules[0].description


def test_opsuite_automatic_discount_on_all_purchases() -> None:
    sale = price_sale(
        basket(line(1, item(1, "50.00")), line(2, item(2, "30.00"))),
        customer(auto_discount_percent=D(10)),
        None,
        SETTINGS,
        NOON,
    )
    assert [p.discount for p in sale.lines] == [D("5.00"), D("3.00")]


def test_opsuite_tax_exempt_customer() -> None:
    it = item(price="100.00", tax_class_id=STANDARD.id)
    sale = price_sale(
        basket(line(1, it)),
        customer(tax_exempt=True),
        None,
        SETTINGS,
        NOON,
        tax_classes=TAX_CLASSES,
    )
    assert sale.totals.tax_total == 0
    assert sale.totals.total == D("100.00")


def test_opsuite_inactive_customer_is_refused_at_the_pos() -> None:
    sale = price_sale(basket(line(1, item())), customer(active=False), None, SETTINGS, NOON)
    assert [r.code for r in sale.refusals] == ["CUSTOMER_INACTIVE"]


def test_opsuite_ar_credit_limit_available_credit() -> None:
    cust = _ar(credit_limit=D(1000))
    decision = check_charge(
        cust,
        CustomerAccount(receivable_balance=D(250)),
        ChargeRequest(),
        D(100),
        SETTINGS,
        NOON.date(),
    )
    assert decision.available_credit == D(750)
    assert decision.balance_after == D(350)
