"""Every field of the customer master, described once.

The customer service validates with it, CSV import and export map columns with it, and the back
office form lays itself out from it, so a field added here is entered, stored and read back
everywhere. ``group`` follows how the manuals group the fields (basic, settings, card & loyalty,
receivable, personal, other information).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

Kind = Literal["text", "flag", "decimal", "percent", "date", "int", "choice", "ref"]


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    kind: Kind
    group: str
    choices: tuple[str, ...] = ()
    # For kind "ref": the table the id points into.
    ref: str = ""
    max_length: int = 10_000
    help: str = ""


def _f(name: str, label: str, kind: Kind, group: str, **kw: Any) -> Field:
    return Field(name, label, kind, group, **kw)


FIELDS: tuple[Field, ...] = (
    # Basic (OpSuite basic information, FusionRetail "Customer", Quasar header).
    _f("account_number", "Account number", "text", "basic", max_length=30),
    _f("salutation", "Salutation", "text", "basic", max_length=20),
    _f("first_name", "First name", "text", "basic"),
    _f("last_name", "Last name", "text", "basic"),
    _f("is_company", "Company", "flag", "basic"),
    _f("company_name", "Company name", "text", "basic"),
    _f("customer_type_id", "Customer type", "ref", "basic", ref="customer_types"),
    _f("active", "Active", "flag", "basic"),
    _f("phone", "Telephone", "text", "basic", max_length=40),
    _f("mobile", "Mobile", "text", "basic", max_length=40),
    _f("fax", "Fax", "text", "basic", max_length=40),
    _f("email", "Email", "text", "basic", max_length=254),
    _f("website", "Website", "text", "basic"),
    # Settings (OpSuite settings, Quasar controls).
    _f("tax_resale_id", "Tax / resale ID", "text", "settings"),
    _f("tax_exempt", "Tax exempt (all taxes)", "flag", "settings"),
    _f("is_employee", "Employee", "flag", "settings"),
    _f("price_level", "Price level (0 regular, 1-4; A/B/C = 1/2/3)", "int", "settings"),
    _f("forced_price_level", "Force price level (no promotions)", "flag", "settings"),
    _f("price_list_id", "Default price list", "ref", "settings", ref="price_lists"),
    _f("auto_discount_percent", "Automatic discount %", "percent", "settings"),
    _f("home_location_id", "Home location", "ref", "settings", ref="locations"),
    _f("location_group_id", "Location group", "ref", "settings", ref="location_groups"),
    _f("limit_to_location_id", "Limit to store", "ref", "settings", ref="locations"),
    _f("patronage_group", "Patronage group", "text", "settings"),
    _f("second_receipt", "Always print a second receipt", "flag", "settings"),
    _f("required_reference", "Reference required (e.g. PO)", "flag", "settings"),
    _f("required_reference_label", "Reference label", "text", "settings", max_length=40),
    # Card & loyalty (FusionRetail).
    _f("card_type_id", "Card type", "ref", "card", ref="card_types"),
    _f("card_number", "Card number", "text", "card", max_length=64),
    _f("card_issue_date", "Card issue date", "date", "card"),
    _f("card_expiry_date", "Card expiry date", "date", "card"),
    _f("link_customer_id", "Link (referring) customer", "ref", "card", ref="customers"),
    _f("privacy_show_other_info", "Show other information", "flag", "card"),
    _f("privacy_show_crm_points", "Show CRM point details", "flag", "card"),
    # Receivable (Quasar AR, OpSuite AR, FusionRetail credit sale).
    _f("ar_enabled", "Allow credit sale / AR account", "flag", "receivable"),
    _f(
        "ar_account_type",
        "AR account type",
        "choice",
        "receivable",
        choices=("open_item", "balance_forward"),
    ),
    _f("ledger_account", "Ledger account", "text", "receivable"),
    _f("credit_limit", "Credit limit", "decimal", "receivable"),
    _f("credit_hold", "Credit hold", "flag", "receivable"),
    _f(
        "grace_period_type",
        "Grace period type",
        "choice",
        "receivable",
        choices=("none", "posted_date", "statement_date"),
    ),
    _f("grace_period_days", "Grace period days", "int", "receivable"),
    _f("payment_terms", "Payment terms", "text", "receivable", max_length=40),
    _f("service_charge_percent", "Annual service charge %", "percent", "receivable"),
    _f("statement_print", "Print statement", "flag", "receivable"),
    _f("statement_email", "Email statement", "flag", "receivable"),
    _f("allow_charge", "May charge to account", "flag", "receivable"),
    _f("allow_cash_withdrawal", "May withdraw cash", "flag", "receivable"),
    _f("allow_payment", "May pay on account", "flag", "receivable"),
    _f("withdraw_only_in_credit", "Withdraw only in credit", "flag", "receivable"),
    # Personal (FusionRetail personal info).
    _f("birth_date", "Birth date", "date", "personal"),
    _f("spouse_name", "Spouse name", "text", "personal"),
    _f("anniversary_date", "Anniversary date", "date", "personal"),
    _f("pos_remarks", "PoS remarks", "text", "personal"),
    # Other information (FusionRetail).
    _f("other_information", "Other information", "flag", "other"),
    _f("billing_address", "Billing address", "choice", "other", choices=("main", "alternate")),
    _f("circular_address", "Circular address", "choice", "other", choices=("main", "alternate")),
    _f("bill_delivery", "Bill delivery", "choice", "other", choices=("email", "print", "both")),
    _f("send_email", "Send email", "flag", "other"),
    _f("send_sms", "Send SMS", "flag", "other"),
    _f("remarks", "Remarks", "text", "other"),
)

BY_NAME: dict[str, Field] = {f.name: f for f in FIELDS}

ADDRESS_FIELDS: tuple[str, ...] = (
    "address_type",
    "contact_name",
    "street_number",
    "street_name",
    "line_1",
    "line_2",
    "line_3",
    "line_4",
    "locality",
    "related_location",
    "city",
    "state",
    "postal_code",
    "country",
    "phone",
    "alt_phone",
    "mobile",
    "fax",
    "email",
    "website",
)
ADDRESS_TYPES = ("main", "alternate", "billing", "circular", "shipping")
CONTACT_FIELDS: tuple[str, ...] = ("name", "relationship", "phone", "mobile", "email", "may_charge")

_TRUE = frozenset({"1", "true", "yes", "y", "on", "t"})
_FALSE = frozenset({"0", "false", "no", "n", "off", "f"})


def parse_flag(text: str) -> bool | None:
    """A yes/no as people and CSV files write it (yes, y, 1, true, on ...); None if neither."""
    word = text.strip().lower()
    return True if word in _TRUE else False if word in _FALSE else None


class FieldError(ValueError):
    """A value that does not fit its field; ``field`` names it for the form."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def coerce(field: Field, value: Any) -> Any:
    """Turn user or CSV input into the stored form, or raise FieldError with a clear message."""
    if value is None or (isinstance(value, str) and value.strip() == "" and field.kind != "text"):
        return None
    label = field.label
    if field.kind == "text":
        text = str(value)
        if text.strip() == "":
            return None
        if len(text) > field.max_length:
            raise FieldError(field.name, f"{label} is longer than {field.max_length} characters")
        return text
    if field.kind == "flag":
        if isinstance(value, bool):
            return int(value)
        flag = parse_flag(str(value))
        if flag is None:
            raise FieldError(field.name, f"{label} must be yes or no, not {str(value)!r}")
        return int(flag)
    if field.kind in ("decimal", "percent"):
        if isinstance(value, float):
            raise FieldError(field.name, f"{label}: give the amount as text, not a float")
        try:
            number = Decimal(str(value).strip().replace(",", ""))
        except InvalidOperation:
            raise FieldError(field.name, f"{label} must be a number, not {str(value)!r}") from None
        if not number.is_finite() or number < 0:
            raise FieldError(field.name, f"{label} must be zero or more")
        if field.kind == "percent" and number > 100:
            raise FieldError(field.name, f"{label} must be between 0 and 100")
        return str(number)
    if field.kind == "date":
        if isinstance(value, date):
            return value.isoformat()
        try:
            return date.fromisoformat(str(value).strip()).isoformat()
        except ValueError:
            raise FieldError(
                field.name, f"{label} must be a date YYYY-MM-DD, not {str(value)!r}"
            ) from None
    if field.kind in ("int", "ref"):
        try:
            number_i = int(str(value).strip())
        except ValueError:
            raise FieldError(
                field.name, f"{label} must be a whole number, not {str(value)!r}"
            ) from None
        if number_i < 0:
            raise FieldError(field.name, f"{label} must be zero or more")
        if field.name == "price_level" and number_i > 4:
            raise FieldError(field.name, "Price level must be 0 (regular) or 1 to 4")
        return number_i
    if field.kind == "choice":
        text = str(value).strip().lower().replace(" ", "_").replace("-", "_")
        if text not in field.choices:
            raise FieldError(field.name, f"{label} must be one of {', '.join(field.choices)}")
        return text
    raise AssertionError(field.kind)


_MOBILE_OK = re.compile(r"^\+?[0-9]{6,15}$")
_EMAIL_OK = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_CARD_DIGITS = re.compile(r"^[0-9]{6,20}$")
_PRICE_LEVEL_LETTERS = {"A": 1, "B": 2, "C": 3, "D": 4}


def normalize_mobile(text: str) -> str:
    """Digits with an optional leading +, so '98 765-43210' and '9876543210' are one number."""
    cleaned = re.sub(r"[\s\-().]", "", text)
    if not _MOBILE_OK.match(cleaned):
        raise FieldError("mobile", f"Mobile number {text!r} must be 6 to 15 digits")
    return cleaned


def normalize_email(text: str) -> str:
    cleaned = text.strip()
    if not _EMAIL_OK.match(cleaned):
        raise FieldError("email", f"Email-ID {text!r} is not an email address")
    return cleaned


_CARD_HEX = re.compile(r"^[0-9A-F]{6,20}$")


def check_card_number(text: str, *, allow_hex: bool = False) -> str:
    """6-20 digits (FusionRetail); contactless UIDs are hex, allowed when the store says so."""
    cleaned = text.strip().upper() if allow_hex else text.strip()
    if _CARD_DIGITS.match(cleaned) or (allow_hex and _CARD_HEX.match(cleaned)):
        return cleaned
    what = "6 to 20 digits or hex characters" if allow_hex else "6 to 20 digits"
    raise FieldError("card_number", f"Card number must be {what}")


def parse_price_level(value: Any) -> int:
    """Price level as 0-4 or OpSuite's letters A/B/C."""
    text = str(value).strip().upper()
    if text in _PRICE_LEVEL_LETTERS:
        return _PRICE_LEVEL_LETTERS[text]
    if text in ("", "R", "REGULAR"):
        return 0
    return int(coerce(BY_NAME["price_level"], text))
