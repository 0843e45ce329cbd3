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
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from pos_tui.engine.models import (
    ChargeDecision,
    ChargeRequest,
    Customer,
    CustomerAccount,
    Refusal,
    Rule,
    TransactionType,
)
from pos_tui.engine.money import ZERO
from pos_tui.engine.settings import Settings

LABELS = {"charge": "charge", "cash_withdrawal": "cash withdrawal", "payment": "payment"}


@dataclass(frozen=True, slots=True)
class _Charge:
    """One receivable request being checked, with the figures every check reads."""

    customer: Customer
    request: ChargeRequest
    amount: Decimal
    balance: Decimal
    settings: Settings
    on: dt.date

    @property
    def kind(self) -> TransactionType:
        return self.request.transaction_type

    @property
    def label(self) -> str:
        return LABELS[self.kind]

    @property
    def name(self) -> str:
        return self.customer.display_name

    @property
    def takes_credit(self) -> bool:
        """A charge or a withdrawal uses the credit line; a payment gives it back."""
        return self.kind in ("charge", "cash_withdrawal")

    @property
    def unlimited(self) -> bool:
        return self.customer.credit_limit == 0 and self.settings.zero_credit_limit_is_unlimited

    @property
    def available(self) -> Decimal | None:
        """The credit left (None: no limit, or a payment, which takes no credit)."""
        if not self.takes_credit or self.unlimited:
            return None
        return self.customer.credit_limit - self.balance


#: One check: the refusal it finds, or None.
Check = Callable[[_Charge], Refusal | None]


def _no_amount(c: _Charge) -> Refusal | None:
    if c.amount <= 0:
        return Refusal("NO_AMOUNT", f"Nothing to {c.label}: the amount is {c.amount}")
    return None


def _inactive(c: _Charge) -> Refusal | None:
    if not c.customer.active:
        return Refusal("CUSTOMER_INACTIVE", f"{c.name} is inactive")
    return None


def _no_account(c: _Charge) -> Refusal | None:
    if not c.customer.ar_enabled:
        return Refusal("AR_NOT_ENABLED", f"{c.name} has no receivable account")
    return None


def _not_allowed(c: _Charge) -> Refusal | None:
    code, allowed = {
        "charge": ("CHARGE_NOT_ALLOWED", c.customer.allow_charge),
        "cash_withdrawal": ("WITHDRAWAL_NOT_ALLOWED", c.customer.allow_cash_withdrawal),
        "payment": ("PAYMENT_NOT_ALLOWED", c.customer.allow_payment),
    }[c.kind]
    if not allowed:
        return Refusal(code, f"{c.name} is not allowed a {c.label} on account")
    return None


def _other_location(c: _Charge) -> Refusal | None:
    only = c.customer.limit_to_location_id
    if only is not None and c.request.location_id != only:
        where = c.customer.limit_to_location_name or f"location {only}"
        return Refusal("LOCATION_LIMITED", f"{c.name} may only use the account at {where}")
    return None


def _no_pin(c: _Charge) -> Refusal | None:
    if c.takes_credit and c.customer.pin_hash and not c.request.pin_verified:
        return Refusal("PIN_REQUIRED", f"{c.name} must enter their PIN to {c.label} to the account")
    return None


def _no_reference(c: _Charge) -> Refusal | None:
    if c.customer.required_reference and not (c.request.reference or "").strip():
        what = c.customer.required_reference_label or "reference"
        return Refusal(
            "REFERENCE_REQUIRED", f"A {what} is required for every {c.label} by {c.name}"
        )
    return None


def _card_expired(c: _Charge) -> Refusal | None:
    expiry = c.customer.card_expiry_date
    if c.settings.validate_card_expiry and expiry is not None and expiry < c.on:
        return Refusal("CARD_EXPIRED", f"{c.name}'s card expired on {expiry}")
    return None


def _on_hold(c: _Charge) -> Refusal | None:
    if c.customer.credit_hold:
        return Refusal("CREDIT_HOLD", f"{c.name}'s credit is on hold", override_allowed=True)
    return None


def _over_limit(c: _Charge) -> Refusal | None:
    """A withdrawal only from a credit balance, when the customer is so limited; otherwise
    the amount must fit in the available credit."""
    if c.kind == "cash_withdrawal" and c.customer.withdraw_only_in_credit:
        credit = -c.balance
        if c.amount <= credit:
            return None
        return Refusal(
            "WITHDRAW_ONLY_IN_CREDIT",
            f"{c.name} may only withdraw from a credit balance; credit is "
            f"{max(credit, ZERO)}, {c.amount} asked",
        )
    available = c.available
    if available is None or c.amount <= available:
        return None
    return Refusal(
        "CREDIT_LIMIT",
        f"{c.label.capitalize()} of {c.amount} is over {c.name}'s available credit "
        f"{available} (limit {c.customer.credit_limit}, balance {c.balance})",
        override_allowed=True,
    )


def _owes_over_limit(c: _Charge) -> Refusal | None:
    limit = c.customer.credit_limit
    if c.settings.validate_due_over_credit_limit and not c.unlimited and c.balance > limit:
        return Refusal(
            "DUE_OVER_CREDIT_LIMIT",
            f"{c.name} owes {c.balance}, over the credit limit {limit}",
            override_allowed=True,
        )
    return None


def _owes_anything(c: _Charge) -> Refusal | None:
    if c.settings.validate_due_over_zero and c.balance > 0:
        return Refusal("DUE_OVER_ZERO", f"{c.name} has {c.balance} due", override_allowed=True)
    return None


#: Every check, in the order of the table above (the order the refusals are reported in).
CHECKS: tuple[Check, ...] = (
    _no_amount,
    _inactive,
    _no_account,
    _not_allowed,
    _other_location,
    _no_pin,
    _no_reference,
)
#: The checks of a charge or withdrawal only: they use the credit line.
CREDIT_CHECKS: tuple[Check, ...] = (
    _card_expired,
    _on_hold,
    _over_limit,
    _owes_over_limit,
    _owes_anything,
)


def check_charge(
    customer: Customer,
    account: CustomerAccount,
    request: ChargeRequest,
    amount: Decimal,
    settings: Settings,
    on: dt.date,
) -> ChargeDecision:
    """Decide a receivable transaction of ``amount`` for ``customer`` on day ``on``."""
    c = _Charge(customer, request, amount, account.receivable_balance, settings, on)
    checks = CHECKS + CREDIT_CHECKS if c.takes_credit else CHECKS
    found = [r for r in (check(c) for check in checks) if r is not None]
    # With a supervisor's override the overridable refusals no longer block (still explained).
    overridden = [r for r in found if r.override_allowed and request.supervisor_override]
    blocking = [r for r in found if not (r.override_allowed and request.supervisor_override)]
    # These rules go into the sales journal: they name the check, never the customer (the
    # refusal's message does), so erasing a customer leaves no name in the journal.
    rules = [
        Rule(
            "SUPERVISOR_OVERRIDE", f"Overridden by a supervisor: {r.code.replace('_', ' ').lower()}"
        )
        for r in overridden
    ]
    after = c.balance - amount if c.kind == "payment" else c.balance + amount
    if not blocking:
        rules.append(
            Rule(
                "RECEIVABLE_" + c.kind.upper(),
                f"{c.label.capitalize()} of {amount} on account: balance {c.balance} -> {after}",
                amount=amount,
            )
        )
    return ChargeDecision(
        allowed=not blocking,
        transaction_type=c.kind,
        amount=amount,
        balance_before=c.balance,
        balance_after=after,
        available_credit=c.available,
        refusals=tuple(blocking),
        overridden=tuple(overridden),
        rules=tuple(rules),
    )
