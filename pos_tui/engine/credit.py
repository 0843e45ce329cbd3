"""May this customer charge (or withdraw, or pay) this amount on the receivable account?

Every check runs, so the screen can show every reason at once. Each refusal has a code, a message
saying why and ``override_allowed``; with ``ChargeRequest.supervisor_override`` the overridable
ones move to ``ChargeDecision.overridden`` (still explained) and no longer block.

================================  ==============================================  =========
code                              when (transaction types)                        override
================================  ==============================================  =========
NO_AMOUNT                         amount is 0 (all)                               no
CUSTOMER_INACTIVE                 customer not active (all)                       no
AR_NOT_ENABLED                    no receivable account (all)                     no
CHARGE_NOT_ALLOWED                allow_charge off (charge)                       no
WITHDRAWAL_NOT_ALLOWED            allow_cash_withdrawal off (cash_withdrawal)     no
PAYMENT_NOT_ALLOWED               allow_payment off (payment)                     no
WITHDRAW_ONLY_IN_CREDIT           withdrawal would leave the account owing        no
LOCATION_LIMITED                  limit_to_location_id is another store (all)     no
PIN_REQUIRED                      a PIN is set and was not verified (charge,      no
                                  cash_withdrawal)
REFERENCE_REQUIRED                required reference missing (all)                no
CARD_EXPIRED                      setting validate_card_expiry (charge, withdr.)  no
CREDIT_HOLD                       credit_hold on (charge, withdrawal)             yes
CREDIT_LIMIT                      amount over available credit (charge, withdr.)  yes
DUE_OVER_CREDIT_LIMIT             setting; balance already over the limit         yes
DUE_OVER_ZERO                     setting; anything owed at all                   yes
================================  ==============================================  =========

Available credit = credit_limit - receivable balance (a credit limit of 0 is no credit, or no
limit with ``Settings.zero_credit_limit_is_unlimited``). A withdrawal for a customer with
``withdraw_only_in_credit`` is checked against the credit balance instead of the credit limit.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from pos_tui.engine.models import (
    ChargeDecision,
    ChargeRequest,
    Customer,
    CustomerAccount,
    Refusal,
    Rule,
)
from pos_tui.engine.money import ZERO
from pos_tui.engine.settings import Settings

LABELS = {"charge": "charge", "cash_withdrawal": "cash withdrawal", "payment": "payment"}


def check_charge(
    customer: Customer,
    account: CustomerAccount,
    request: ChargeRequest,
    amount: Decimal,
    settings: Settings,
    on: dt.date,
) -> ChargeDecision:
    """Decide a receivable transaction of ``amount`` for ``customer`` on day ``on``."""
    kind = request.transaction_type
    label = LABELS[kind]
    name = customer.display_name
    balance = account.receivable_balance
    takes_credit = kind in ("charge", "cash_withdrawal")
    found: list[Refusal] = []
    rules: list[Rule] = []

    def refuse(code: str, message: str, override: bool = False) -> None:
        found.append(Refusal(code, message, override_allowed=override))

    if amount <= 0:
        refuse("NO_AMOUNT", f"Nothing to {label}: the amount is {amount}")
    if not customer.active:
        refuse("CUSTOMER_INACTIVE", f"{name} is inactive")
    if not customer.ar_enabled:
        refuse("AR_NOT_ENABLED", f"{name} has no receivable account")
    allowed_flag = {
        "charge": ("CHARGE_NOT_ALLOWED", customer.allow_charge),
        "cash_withdrawal": ("WITHDRAWAL_NOT_ALLOWED", customer.allow_cash_withdrawal),
        "payment": ("PAYMENT_NOT_ALLOWED", customer.allow_payment),
    }[kind]
    if not allowed_flag[1]:
        refuse(allowed_flag[0], f"{name} is not allowed a {label} on account")
    if (
        customer.limit_to_location_id is not None
        and request.location_id != customer.limit_to_location_id
    ):
        refuse(
            "LOCATION_LIMITED",
            f"{name} may only use the account at location {customer.limit_to_location_id}",
        )
    if takes_credit and customer.pin_hash and not request.pin_verified:
        refuse("PIN_REQUIRED", f"{name} must enter their PIN to {label} to the account")
    if customer.required_reference and not (request.reference or "").strip():
        what = customer.required_reference_label or "reference"
        refuse("REFERENCE_REQUIRED", f"A {what} is required for every {label} by {name}")

    available: Decimal | None = None
    if takes_credit:
        if (
            settings.validate_card_expiry
            and customer.card_expiry_date is not None
            and customer.card_expiry_date < on
        ):
            refuse("CARD_EXPIRED", f"{name}'s card expired on {customer.card_expiry_date}")
        if customer.credit_hold:
            refuse("CREDIT_HOLD", f"{name}'s credit is on hold", override=True)
        unlimited = customer.credit_limit == 0 and settings.zero_credit_limit_is_unlimited
        if not unlimited:
            available = customer.credit_limit - balance
        if kind == "cash_withdrawal" and customer.withdraw_only_in_credit:
            credit = -balance
            if amount > credit:
                refuse(
                    "WITHDRAW_ONLY_IN_CREDIT",
                    f"{name} may only withdraw from a credit balance; credit is "
                    f"{max(credit, ZERO)}, {amount} asked",
                )
        elif available is not None and amount > available:
            refuse(
                "CREDIT_LIMIT",
                f"{label.capitalize()} of {amount} is over {name}'s available credit "
                f"{available} (limit {customer.credit_limit}, balance {balance})",
                override=True,
            )
        if (
            settings.validate_due_over_credit_limit
            and not unlimited
            and (balance > customer.credit_limit)
        ):
            refuse(
                "DUE_OVER_CREDIT_LIMIT",
                f"{name} owes {balance}, over the credit limit {customer.credit_limit}",
                override=True,
            )
        if settings.validate_due_over_zero and balance > 0:
            refuse("DUE_OVER_ZERO", f"{name} has {balance} due", override=True)

    after = balance - amount if kind == "payment" else balance + amount
    blocking = [r for r in found if not (r.override_allowed and request.supervisor_override)]
    overridden = [r for r in found if r.override_allowed and request.supervisor_override]
    for r in overridden:
        rules.append(Rule("SUPERVISOR_OVERRIDE", f"Overridden by a supervisor: {r.message}"))
    if not blocking:
        rules.append(
            Rule(
                "RECEIVABLE_" + kind.upper(),
                f"{label.capitalize()} of {amount} on account: balance {balance} -> {after}",
                amount=amount,
            )
        )
    return ChargeDecision(
        allowed=not blocking,
        transaction_type=kind,
        amount=amount,
        balance_before=balance,
        balance_after=after,
        available_credit=available,
        refusals=tuple(blocking),
        overridden=tuple(overridden),
        rules=tuple(rules),
    )
