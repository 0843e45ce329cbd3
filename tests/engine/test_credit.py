"""Receivable checks beyond the manual examples."""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

from pos_tui.engine import ChargeRequest, Customer, CustomerAccount, Settings, check_charge
from tests.engine.engine_factories import NOON, SETTINGS, customer


def _ar(**kw: Any) -> Customer:
    base: dict[str, Any] = {"ar_enabled": True, "allow_charge": True, "credit_limit": D(500)}
    base.update(kw)
    return customer(**base)


def _codes(
    cust: Customer,
    request: ChargeRequest,
    amount: str,
    balance: str = "0",
    settings: Settings = SETTINGS,
) -> list[str]:
    account = CustomerAccount(receivable_balance=D(balance))
    return [
        r.code
        for r in check_charge(cust, account, request, D(amount), settings, NOON.date()).refusals
    ]


def test_every_reason_is_reported_at_once() -> None:
    cust = _ar(
        active=False,
        ar_enabled=False,
        allow_charge=False,
        credit_hold=True,
        pin_hash="h",
        required_reference=True,
        limit_to_location_id=4,
    )
    assert _codes(cust, ChargeRequest(location_id=1), "600") == [
        "CUSTOMER_INACTIVE",
        "AR_NOT_ENABLED",
        "CHARGE_NOT_ALLOWED",
        "LOCATION_LIMITED",
        "PIN_REQUIRED",
        "REFERENCE_REQUIRED",
        "CREDIT_HOLD",
        "CREDIT_LIMIT",
    ]


def test_override_does_not_lift_non_overridable_refusals() -> None:
    cust = _ar(credit_hold=True, pin_hash="h")
    account = CustomerAccount()
    decision = check_charge(
        cust, account, ChargeRequest(supervisor_override=True), D(10), SETTINGS, NOON.date()
    )
    assert not decision.allowed
    assert [r.code for r in decision.refusals] == ["PIN_REQUIRED"]
    assert [r.code for r in decision.overridden] == ["CREDIT_HOLD"]


def test_exactly_the_available_credit_is_allowed() -> None:
    assert _codes(_ar(), ChargeRequest(), "100.00", balance="400.00") == []
    assert _codes(_ar(), ChargeRequest(), "100.01", balance="400.00") == ["CREDIT_LIMIT"]


def test_zero_credit_limit_setting() -> None:
    cust = _ar(credit_limit=D(0))
    assert _codes(cust, ChargeRequest(), "1") == ["CREDIT_LIMIT"]
    unlimited = Settings(zero_credit_limit_is_unlimited=True)
    assert _codes(cust, ChargeRequest(), "1000000", settings=unlimited) == []


def test_payment_needs_no_credit_and_lowers_the_balance() -> None:
    cust = _ar(credit_hold=True, credit_limit=D(0))
    decision = check_charge(
        cust,
        CustomerAccount(receivable_balance=D(300)),
        ChargeRequest("payment"),
        D(100),
        SETTINGS,
        NOON.date(),
    )
    assert decision.allowed and decision.balance_after == D(200)
    assert decision.available_credit is None


def test_payment_not_allowed_and_reference_applies_to_payments() -> None:
    cust = _ar(allow_payment=False, required_reference=True)
    assert _codes(cust, ChargeRequest("payment"), "5") == [
        "PAYMENT_NOT_ALLOWED",
        "REFERENCE_REQUIRED",
    ]


def test_pin_not_needed_for_payments() -> None:
    assert _codes(_ar(pin_hash="h"), ChargeRequest("payment"), "5") == []


def test_withdrawal_checks_credit_limit_when_not_only_in_credit() -> None:
    cust = _ar(allow_cash_withdrawal=True)
    assert _codes(cust, ChargeRequest("cash_withdrawal"), "600") == ["CREDIT_LIMIT"]


def test_zero_amount_is_refused() -> None:
    assert _codes(_ar(), ChargeRequest(), "0") == ["NO_AMOUNT"]


def test_blank_reference_counts_as_missing() -> None:
    cust = _ar(required_reference=True)
    assert _codes(cust, ChargeRequest(reference="   "), "5") == ["REFERENCE_REQUIRED"]


def test_allowed_charge_is_explained() -> None:
    decision = check_charge(_ar(), CustomerAccount(), ChargeRequest(), D(50), SETTINGS, NOON.date())
    assert decision.allowed
    assert decision.rules[0].code == "RECEIVABLE_CHARGE"


def test_the_location_refusal_names_the_store() -> None:
    named = _ar(limit_to_location_id=4, limit_to_location_name="Uptown Mall")
    decision = check_charge(
        named, CustomerAccount(), ChargeRequest(location_id=1), D(10), SETTINGS, NOON.date()
    )
    assert [r.message for r in decision.refusals] == [
        f"{named.display_name} may only use the account at Uptown Mall"
    ]
