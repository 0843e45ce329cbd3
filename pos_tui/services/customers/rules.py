"""The rules of the customer master: values coerced and checked field by field, uniqueness,
account numbers and card codes handed out, children (addresses, contacts, discounts) cleaned.

Each rule refuses with a :class:`FieldError` naming the field and saying why, before anything is
written. :class:`CustomerRules` is a part of
:class:`~pos_tui.services.customers.service.CustomerService`, which runs the checks inside its write
transaction so two lanes cannot both take one mobile.
"""

from __future__ import annotations

import json
import random
import secrets
import string
from decimal import Decimal
from typing import Any

from pos_tui import phones
from pos_tui.services.customers import fields as cf
from pos_tui.services.customers.fields import FieldError
from pos_tui.services.customers.names import display_name
from pos_tui.services.runtime.backend import Backend
from pos_tui.services.staff.pins import PinError, check_pin_format, hash_pin
from pos_tui.storage.customers import UniqueColumn
from pos_tui.storage.errors import ConstraintRefused

_CODE_ALPHABET = string.ascii_uppercase + string.digits
ACCOUNT_COUNTER = "customer_account_number"
# Store settings (table ``settings``) that change the rules; values are strings.
SETTING_ACCOUNT_MODE = "customers.account_number_mode"  # sequential | manual
SETTING_ACCOUNT_START = "customers.account_number_start"
SETTING_CARD_HEX = "customers.card_number_allow_hex"  # 1: contactless UIDs as card numbers


class CustomerRules:
    """Checks and helpers of :class:`~pos_tui.services.customers.service.CustomerService`."""

    b: Backend
    _rng: random.Random | None
    _settings: dict[str, str]

    def _setting(self, key: str, default: str) -> str:
        # Read once per service: a bulk import must not query settings for every row.
        if key not in self._settings:
            self._settings[key] = self.b.store.setting(key, default) or default
        return self._settings[key]

    # -- rules ---------------------------------------------------------------------------------
    def _coerce(self, data: dict[str, Any]) -> dict[str, Any]:
        values: dict[str, Any] = {}
        allow_hex = self._setting(SETTING_CARD_HEX, "0") == "1"
        for name, raw in data.items():
            spec = cf.BY_NAME.get(name)
            if spec is None:
                raise FieldError(name, f"Unknown customer field {name!r}")
            if name == "price_level" and raw not in (None, ""):
                values[name] = cf.parse_price_level(raw)
                continue
            value = cf.coerce(spec, raw)
            if value is not None and name == "mobile":
                value = cf.normalize_mobile(value, self.b.settings.store.phone_region)
            elif value is not None and name == "email":
                value = cf.normalize_email(value)
            elif value is not None and name == "card_number":
                value = cf.check_card_number(value, allow_hex=allow_hex)
            elif value is not None and name == "account_number":
                value = cf.check_account_number(value)
            elif value is not None and spec.past_only:
                self._check_not_future(spec, value)
            values[name] = value
        return values

    def _check_not_future(self, spec: cf.Field, value: str) -> None:
        """A birth or anniversary date is a day that has happened (the store's clock)."""
        today = self.b.now().date()
        if value > today.isoformat():
            raise FieldError(spec.name, f"{spec.label} {value} is in the future (today is {today})")

    def _apply_type_defaults(self, values: dict[str, Any]) -> dict[str, Any]:
        type_id = values.get("customer_type_id")
        if not type_id:
            return values
        ctype = self.b.catalog.get("customer_types", type_id)
        if ctype is None:
            raise FieldError("customer_type_id", f"No customer type with id {type_id}")
        defaults = self._coerce(json.loads(ctype["defaults"]))
        return {**defaults, **{k: v for k, v in values.items() if v is not None}}

    def _check_names(self, values: dict[str, Any]) -> None:
        if values.get("is_company"):
            if not values.get("company_name"):
                raise FieldError("company_name", "A company needs a company name")
        elif not (
            values.get("first_name") or values.get("last_name") or values.get("company_name")
        ):
            raise FieldError("first_name", "Give a first name, a last name or a company name")

    def _check_refs(self, values: dict[str, Any]) -> None:
        for name, value in values.items():
            spec = cf.BY_NAME[name]
            if spec.kind != "ref" or value is None:
                continue
            if spec.ref == "customers":
                if self.b.customers.get(value) is None:
                    raise FieldError(name, f"{spec.label}: no customer with id {value}")
            elif self.b.catalog.get(spec.ref, value) is None:
                raise FieldError(name, f"{spec.label}: no such entry ({value})")

    def _check_rules(self, values: dict[str, Any], *, customer_id: int | None) -> None:
        issue, expiry = values.get("card_issue_date"), values.get("card_expiry_date")
        if issue and expiry and expiry < issue:
            raise FieldError(
                "card_expiry_date", "Card expiry date must not be earlier than the issue date"
            )
        if customer_id is not None and values.get("link_customer_id") == customer_id:
            raise FieldError("link_customer_id", "A customer cannot refer themselves")
        if values.get("forced_price_level") and not values.get("price_level"):
            raise FieldError(
                "forced_price_level", "Forcing works with price levels 1-4, not the regular price"
            )
        for column in ("mobile", "email", "card_number"):
            if values.get(column):
                self._check_unique(column, values[column], customer_id)

    def _check_unique(self, column: UniqueColumn, value: Any, customer_id: int | None) -> None:
        other = self.b.customers.exists(column, value, except_id=customer_id)
        if other is not None:
            label = {
                "mobile": "Mobile number",
                "email": "Email-ID",
                "card_number": "Card number",
                "account_number": "Account number",
            }[column]
            if column == "mobile":
                value = phones.shown(value)  # "+91 98765 43210", however it was typed
            raise FieldError(
                column,
                f"{label} {value} already exists with {display_name(other)} "
                f"(account {other.account_number})",
            )

    def _account_number(self, given: str | None) -> str:
        mode = self._setting(SETTING_ACCOUNT_MODE, "sequential")
        if given:
            self._check_unique("account_number", given, None)
            if given.isascii() and given.isdigit():  # at most 18 digits (check_account_number)
                self.b.store.raise_counter(ACCOUNT_COUNTER, int(given))
            return given
        if mode == "manual":
            raise FieldError("account_number", "Account numbers are entered by hand in this store")
        start = int(self._setting(SETTING_ACCOUNT_START, "1001") or "1001")
        while True:
            number = str(self.b.store.next_counter(ACCOUNT_COUNTER, start=start))
            if self.b.customers.exists("account_number", number) is None:
                return number

    def _card_code(self, kept: str | None) -> str:
        if kept is None:
            return self._generate_card_code()
        code = kept.strip().upper()
        if len(code) != 5 or not code.isalnum() or code.isdigit():
            raise FieldError("card_number", f"{kept!r} is not a generated 5-character card code")
        self._check_unique("card_number", code, None)
        return code

    def _generate_card_code(self) -> str:
        """FusionRetail: a card left empty gets a unique 5-character alphanumeric code."""
        for _ in range(100):
            if self._rng is not None:
                code = "".join(self._rng.choice(_CODE_ALPHABET) for _ in range(5))
            else:
                code = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(5))
            if not code.isdigit() and self.b.customers.exists("card_number", code) is None:
                return code
        raise FieldError("card_number", "Could not generate a free card code; enter a card number")

    def _hash_pin(self, pin: str) -> str:
        try:
            check_pin_format(pin)
        except PinError as exc:
            raise FieldError("pin", str(exc)) from None
        return hash_pin(pin)

    def _insert(self, values: dict[str, Any]) -> int:
        try:
            return self.b.customers.insert(values)
        except ConstraintRefused as exc:
            raise _integrity_error(exc) from None

    def _update(self, customer_id: int, values: dict[str, Any]) -> None:
        try:
            self.b.customers.update(customer_id, values)
        except ConstraintRefused as exc:
            raise _integrity_error(exc) from None

    def _save_children(
        self,
        customer_id: int,
        addresses: list[dict[str, Any]] | None,
        contacts: list[dict[str, Any]] | None,
        transaction_discounts: list[dict[str, Any]] | None,
        team_ids: list[int] | None,
        exempt_tax_ids: list[int] | None,
    ) -> dict[str, Any]:
        repo = self.b.customers
        changed: dict[str, Any] = {}
        if addresses is not None:
            rows = [_clean_address(a) for a in addresses]
            repo.replace_children(customer_id, "addresses", rows)
            changed["addresses"] = len(rows)
        if contacts is not None:
            rows = [_clean_contact(c) for c in contacts]
            repo.replace_children(customer_id, "contacts", rows)
            changed["contacts"] = len(rows)
        if transaction_discounts is not None:
            rows = [_clean_discount(d) for d in transaction_discounts]
            repo.replace_children(customer_id, "transaction_discounts", rows)
            changed["transaction_discounts"] = len(rows)
        if team_ids is not None:
            repo.set_teams(customer_id, team_ids)
            changed["team_ids"] = sorted(set(team_ids))
        if exempt_tax_ids is not None:
            repo.set_exempt_taxes(customer_id, exempt_tax_ids)
            changed["exempt_tax_ids"] = sorted(set(exempt_tax_ids))
        return changed


# Every part of an address or a contact is one line of text of at most this many characters.
CHILD_TEXT_MAX = 10_000


def _child_text(kind: str, name: str, value: Any) -> str | None:
    """One part of an address or contact: None when empty, else one line of text."""
    if value in (None, ""):
        return None
    label = f"{kind.capitalize()} {name.replace('_', ' ')}"
    text = cf.check_text(name, label, str(value))
    if len(text) > CHILD_TEXT_MAX:
        raise FieldError(name, f"{label} is longer than {CHILD_TEXT_MAX} characters")
    return text


def _clean_address(data: dict[str, Any]) -> dict[str, Any]:
    unknown = set(data) - set(cf.ADDRESS_FIELDS) - {"id", "customer_id"}
    if unknown:
        raise FieldError("addresses", f"Unknown address field {sorted(unknown)[0]!r}")
    kind = str(data.get("address_type") or "main").lower()
    if kind not in cf.ADDRESS_TYPES:
        raise FieldError(
            "address_type", f"Address type must be one of {', '.join(cf.ADDRESS_TYPES)}"
        )
    row = {k: _child_text("address", k, data.get(k)) for k in cf.ADDRESS_FIELDS}
    row["address_type"] = kind
    return row


def _clean_contact(data: dict[str, Any]) -> dict[str, Any]:
    unknown = set(data) - set(cf.CONTACT_FIELDS) - {"id", "customer_id"}
    if unknown:
        raise FieldError("contacts", f"Unknown contact field {sorted(unknown)[0]!r}")
    if not data.get("name"):
        raise FieldError("contacts", "A contact needs a name")
    row = {
        k: _child_text("contact", k, data.get(k)) for k in cf.CONTACT_FIELDS if k != "may_charge"
    }
    row["may_charge"] = cf.coerce(
        cf.Field("may_charge", "May charge", "flag", ""), data.get("may_charge", 1)
    )
    return row


# The columns of an automatic transaction discount: (key, kind, decimal places).
_DISCOUNT_NUMBERS: tuple[tuple[str, cf.Kind, int], ...] = (
    ("percent", "percent", 4),
    ("amount", "decimal", 2),
    ("min_subtotal", "decimal", 2),
)


def _clean_discount(data: dict[str, Any]) -> dict[str, Any]:
    if not data.get("description"):
        raise FieldError("transaction_discounts", "A transaction discount needs a description")
    description = _child_text("discount", "description", data["description"])
    out: dict[str, Any] = {"description": description}
    for key, kind, places in _DISCOUNT_NUMBERS:
        spec = cf.Field(key, key.replace("_", " ").capitalize(), kind, "", places=places)
        out[key] = cf.coerce(spec, data.get(key, "0")) or "0"
    return out


# Points given, adjusted or opened at once: at most 10^9 either way, four decimals.
POINTS_MAX = cf.MONEY_MAX


def decimal_or_none(value: Decimal | str | None, name: str) -> Decimal | None:
    """``value`` as a Decimal (None when empty); refused with a FieldError on ``name``."""
    if value in (None, ""):
        return None
    if isinstance(value, float):
        raise FieldError(name, "Points are given as text or Decimal, never float")
    label = name.replace("_", " ").capitalize()
    return cf.parse_decimal(name, label, value, -POINTS_MAX, POINTS_MAX, 4)


def redact(values: dict[str, Any]) -> dict[str, Any]:
    """``values`` for the audit log: the PIN hash never leaves the customers table."""
    return {k: ("***" if k == "pin_hash" else v) for k, v in values.items()}


def _integrity_error(exc: ConstraintRefused) -> FieldError:
    """The field a constraint of the customers table is about, in the form's words. The checks
    above run first; this catches a rule enforced only by the schema."""
    column = exc.about(cf.BY_NAME)
    if column is None:
        return FieldError("customer", exc.message)
    if exc.kind == "unique" and column in TAKEN_COLUMNS:
        return FieldError(column, f"{column.replace('_', ' ').capitalize()} is already taken")
    return FieldError(column, f"{cf.BY_NAME[column].label} {exc.words}")


# The customer's unique columns a form names when another customer holds the value.
TAKEN_COLUMNS = ("mobile", "email", "card_number", "account_number")
