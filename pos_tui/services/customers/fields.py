"""Every field of the customer master, described once.

The customer service validates with it, CSV import and export map columns with it, and the back
office form lays itself out from it, so a field added here is entered, stored and read back
everywhere. ``group`` follows how the manuals group the fields (basic, settings, card & loyalty,
receivable, personal, other information).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from pos_tui import phones
from pos_tui.engine.bounds import MAX_AMOUNT
from pos_tui.engine.errors import Refused
from pos_tui.engine.money import ZERO, NotANumber, to_decimal
from pos_tui.text import describe_control, first_control, fold_email

Kind = Literal["text", "flag", "decimal", "percent", "date", "int", "choice", "ref"]

# SQLite stores integers as signed 64-bit: nothing larger may reach it (OverflowError).
INT64_MAX = 2**63 - 1
# Amounts: at most 10^9, as everywhere else amounts come in (engine/bounds.py; docs/back-office.md,
# "What a field takes").
MONEY_MAX = MAX_AMOUNT
FIRST_DATE, LAST_DATE = date(1900, 1, 1), date(2199, 12, 31)
# A search is a name, a number or an address: longer text is a paste gone wrong (and costs
# seconds of full-text matching).
MAX_SEARCH_LENGTH = 200


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
    # Bounds of a number (int, decimal, percent); None: the kind's default (see ``bounds``).
    low: int | Decimal | None = None
    high: int | Decimal | None = None
    # Most digits after the decimal point of a decimal or percent.
    places: int = 4
    # Text that may hold line breaks (remarks); any other control character is refused.
    multiline: bool = False
    # A date that cannot lie in the future (birth dates): checked against the store's clock.
    past_only: bool = False
    # Accept an exponent (1e2): the catalog editors take it and store plain digits themselves.
    exponent: bool = False

    def bounds(self) -> tuple[int | Decimal, int | Decimal]:
        """(lowest, highest) value a number of this field may take."""
        default: dict[str, tuple[int | Decimal, int | Decimal]] = {
            "int": (0, INT64_MAX),
            "ref": (0, INT64_MAX),
            "decimal": (ZERO, MONEY_MAX),
            "percent": (ZERO, Decimal(100)),
        }
        low, high = default.get(self.kind, (0, INT64_MAX))
        return (low if self.low is None else self.low, high if self.high is None else self.high)


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
    _f("price_level", "Price level (0 regular, 1-4; A/B/C = 1/2/3)", "int", "settings", high=4),
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
    _f("credit_limit", "Credit limit", "decimal", "receivable", places=2),
    _f("credit_hold", "Credit hold", "flag", "receivable"),
    _f(
        "grace_period_type",
        "Grace period type",
        "choice",
        "receivable",
        choices=("none", "posted_date", "statement_date"),
    ),
    _f("grace_period_days", "Grace period days", "int", "receivable", high=3650),
    _f("payment_terms", "Payment terms", "text", "receivable", max_length=40),
    _f("service_charge_percent", "Annual service charge %", "percent", "receivable"),
    _f("statement_print", "Print statement", "flag", "receivable"),
    _f("statement_email", "Email statement", "flag", "receivable"),
    _f("allow_charge", "May charge to account", "flag", "receivable"),
    _f("allow_cash_withdrawal", "May withdraw cash", "flag", "receivable"),
    _f("allow_payment", "May pay on account", "flag", "receivable"),
    _f("withdraw_only_in_credit", "Withdraw only in credit", "flag", "receivable"),
    # Personal (FusionRetail personal info).
    _f("birth_date", "Birth date", "date", "personal", past_only=True),
    _f("spouse_name", "Spouse name", "text", "personal"),
    _f("anniversary_date", "Anniversary date", "date", "personal", past_only=True),
    _f("pos_remarks", "PoS remarks", "text", "personal", multiline=True),
    # Other information (FusionRetail).
    _f("other_information", "Other information", "flag", "other"),
    _f("billing_address", "Billing address", "choice", "other", choices=("main", "alternate")),
    _f("circular_address", "Circular address", "choice", "other", choices=("main", "alternate")),
    _f("bill_delivery", "Bill delivery", "choice", "other", choices=("email", "print", "both")),
    _f("send_email", "Send email", "flag", "other"),
    _f("send_sms", "Send SMS", "flag", "other"),
    _f("remarks", "Remarks", "text", "other", multiline=True),
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


class FieldError(Refused, ValueError):
    """A value that does not fit its field; ``field`` names it for the form."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def coerce(field: Field, value: Any) -> Any:
    """Turn user or CSV input into the stored form, or raise FieldError with a clear message."""
    if value is None or (isinstance(value, str) and value.strip() == "" and field.kind != "text"):
        return None
    return _COERCERS[field.kind](field, value)


def _coerce_text(field: Field, value: Any) -> str | None:
    text = check_text(field.name, field.label, str(value), multiline=field.multiline)
    if text.strip() == "":
        return None
    if len(text) > field.max_length:
        raise FieldError(field.name, f"{field.label} is longer than {field.max_length} characters")
    return text


def _coerce_flag(field: Field, value: Any) -> int:
    if isinstance(value, bool):
        return int(value)
    flag = parse_flag(str(value))
    if flag is None:
        raise FieldError(field.name, f"{field.label} must be yes or no, not {shown(value)}")
    return int(flag)


def _coerce_decimal(field: Field, value: Any) -> str:
    low, high = field.bounds()
    number = parse_decimal(
        field.name, field.label, value, low, high, field.places, exponent=field.exponent
    )
    return str(number)


def _coerce_date(field: Field, value: Any) -> str:
    return parse_date(field.name, field.label, value).isoformat()


def _coerce_int(field: Field, value: Any) -> int:
    low, high = field.bounds()
    return parse_int(field.name, field.label, value, int(low), int(high))


def _coerce_choice(field: Field, value: Any) -> str:
    text = str(value).strip().lower().replace(" ", "_").replace("-", "_")
    if text not in field.choices:
        raise FieldError(field.name, f"{field.label} must be one of {', '.join(field.choices)}")
    return text


# One step per field kind: coerce reads the kind once and hands the value to its step.
_COERCERS: dict[Kind, Callable[[Field, Any], Any]] = {
    "text": _coerce_text,
    "flag": _coerce_flag,
    "decimal": _coerce_decimal,
    "percent": _coerce_decimal,
    "date": _coerce_date,
    "int": _coerce_int,
    "ref": _coerce_int,
    "choice": _coerce_choice,
}


# -- the checks behind coerce, for other entry points (points, child rows, searches) ------------
_SHOWN_MAX = 40
_INT_TEXT = re.compile(r"[+-]?[0-9]+")
_DECIMAL_TEXT = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
_EXPONENT_TEXT = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]{1,9})?")
_DATE_TEXT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def shown(value: Any) -> str:
    """A refused value as a message quotes it: control characters visible, long text cut."""
    text = str(value)
    cut = text if len(text) <= _SHOWN_MAX else text[:_SHOWN_MAX] + "…"
    return repr(cut)


def check_text(name: str, label: str, text: str, *, multiline: bool = False) -> str:
    """``text`` without control characters (tabs and line breaks too, unless ``multiline``:
    then CRLF becomes LF); else a FieldError naming the field and the character."""
    if multiline:
        text = text.replace("\r\n", "\n")
    bad = first_control(text, newlines=multiline)
    if bad is None and not multiline and "\t" in text:  # shown as it is, but no part of a name
        bad = "\t"
    if bad is not None:
        raise FieldError(
            name,
            f"{label} holds a control character {describe_control(bad)}: type the text without it",
        )
    return text


def _ascii_digits(name: str, label: str, text: str) -> None:
    if any(ch.isdigit() and not ch.isascii() for ch in text):
        raise FieldError(name, f"{label}: type the digits 0-9, not {shown(text)}")


def _range_text(low: int | Decimal, high: int | Decimal) -> str:
    return f"between {low:,} and {high:,}" if low != high else f"exactly {low}"


def parse_int(name: str, label: str, value: Any, low: int, high: int) -> int:
    """A whole number from low to high; digits 0-9 only (no ١٢٣, no 1e3, no 1_000)."""
    text = str(value).strip()
    _ascii_digits(name, label, text)
    if not _INT_TEXT.fullmatch(text):
        raise FieldError(name, f"{label} must be a whole number, not {shown(text)}")
    number = int(text)
    if number < low and low == 0:
        raise FieldError(name, f"{label} must be zero or more, not {shown(text)}")
    if not low <= number <= high:
        raise FieldError(name, f"{label} must be {_range_text(low, high)}, not {shown(text)}")
    return number


def parse_decimal(
    name: str,
    label: str,
    value: Any,
    low: int | Decimal,
    high: int | Decimal,
    places: int,
    *,
    exponent: bool = False,
) -> Decimal:
    """An exact number written out in digits 0-9 (thousands commas allowed; no NaN or
    infinity, no exponent unless ``exponent``), from low to high with at most ``places``
    decimals."""
    if isinstance(value, float):
        raise FieldError(name, f"{label}: give the amount as text, not a float")
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise FieldError(name, f"{label} must be a number, not {shown(value)}")
        text = format(value, "f")
    else:
        text = str(value).strip().replace(",", "")
    _ascii_digits(name, label, text)
    if not (_EXPONENT_TEXT if exponent else _DECIMAL_TEXT).fullmatch(text):
        raise FieldError(name, f"{label} must be a number, not {shown(value)}")
    try:
        number = to_decimal(text, label)
    except NotANumber:  # the pattern lets no such text through; kept for safety
        raise FieldError(name, f"{label} must be a number, not {shown(value)}") from None
    if number < low and low == 0:
        raise FieldError(name, f"{label} must be zero or more, not {shown(value)}")
    if not low <= number <= high:
        raise FieldError(name, f"{label} must be {_range_text(low, high)}, not {shown(value)}")
    power = number.as_tuple().exponent
    if isinstance(power, int) and -power > places:
        raise FieldError(name, f"{label} has at most {places} decimal places, not {shown(value)}")
    return number


def parse_date(name: str, label: str, value: Any) -> date:
    """A date written YYYY-MM-DD, from 1900-01-01 to 2199-12-31."""
    if isinstance(value, date):
        day = value
    else:
        text = str(value).strip()
        _ascii_digits(name, label, text)
        try:
            if not _DATE_TEXT.fullmatch(text):
                raise ValueError(text)
            day = date.fromisoformat(text)
        except ValueError:
            raise FieldError(
                name, f"{label} must be a date YYYY-MM-DD, not {shown(text)}"
            ) from None
    if not FIRST_DATE <= day <= LAST_DATE:
        raise FieldError(
            name, f"{label} must lie between {FIRST_DATE} and {LAST_DATE}, not {day.isoformat()}"
        )
    return day


def search_text(text: str) -> str:
    """What a person typed to find a customer, trimmed; refused (FieldError on ``search``)
    when longer than MAX_SEARCH_LENGTH characters or holding a control character or bytes
    that are not text."""
    text = text.strip()
    if len(text) > MAX_SEARCH_LENGTH:
        raise FieldError(
            "search",
            f"Search text is limited to {MAX_SEARCH_LENGTH} characters ({len(text):,} given)",
        )
    bad = first_control(text)
    if bad is not None:
        what = (
            "bytes that are not UTF-8 text"
            if "\ud800" <= bad <= "\udfff"
            else describe_control(bad)
        )
        raise FieldError("search", f"Search text holds {what}: type it again")
    return text


_EMAIL_OK = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_CARD_DIGITS = re.compile(r"[0-9]{6,20}")
_PRICE_LEVEL_LETTERS = {"A": 1, "B": 2, "C": 3, "D": 4}


def normalize_mobile(text: str, region: str = phones.DEFAULT_REGION) -> str:
    """The stored form of a mobile number, E.164 (:mod:`pos_tui.phones`): '98765 43210',
    '098765-43210' and '+91 98765 43210' are all '+919876543210' in region IN."""
    try:
        return phones.to_e164(text, region)
    except phones.PhoneError as exc:
        raise FieldError("mobile", f"Mobile number {shown(text)} {exc}") from None


def normalize_email(text: str) -> str:
    """The stored form of an e-mail address (:func:`pos_tui.text.fold_email`: NFKC, case
    folded), so 'ÉVE@x.com' and 'éve@x.com' are one address; refused unless it looks like one."""
    cleaned = fold_email(check_text("email", "Email-ID", text.strip()))
    if len(cleaned) > BY_NAME["email"].max_length or not _EMAIL_OK.fullmatch(cleaned):
        raise FieldError("email", f"Email-ID {shown(text)} is not an email address")
    return cleaned


_CARD_HEX = re.compile(r"[0-9A-F]{6,20}")


def check_card_number(text: str, *, allow_hex: bool = False) -> str:
    """6-20 digits (FusionRetail); contactless UIDs are hex, allowed when the store says so."""
    cleaned = text.strip().upper() if allow_hex else text.strip()
    if _CARD_DIGITS.fullmatch(cleaned) or (allow_hex and _CARD_HEX.fullmatch(cleaned)):
        return cleaned
    what = "6 to 20 digits or hex characters" if allow_hex else "6 to 20 digits"
    raise FieldError("card_number", f"Card number must be {what}")


# An all-digit account number feeds the account counter: it must fit SQLite's integer.
ACCOUNT_DIGITS_MAX = 18


def check_account_number(text: str) -> str:
    """Account numbers are text, but digits are 0-9 and an all-digit one has at most 18."""
    cleaned = text.strip()
    _ascii_digits("account_number", "Account number", cleaned)
    if cleaned.isdigit() and len(cleaned) > ACCOUNT_DIGITS_MAX:
        raise FieldError(
            "account_number",
            f"An account number of digits only has at most {ACCOUNT_DIGITS_MAX} digits",
        )
    return cleaned


def parse_price_level(value: Any) -> int:
    """Price level as 0-4 or OpSuite's letters A/B/C."""
    text = str(value).strip().upper()
    if text in _PRICE_LEVEL_LETTERS:
        return _PRICE_LEVEL_LETTERS[text]
    if text in ("", "R", "REGULAR"):
        return 0
    return int(coerce(BY_NAME["price_level"], text))
