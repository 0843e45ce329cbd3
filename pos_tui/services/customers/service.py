"""Creating and changing customers, with every rule of the customer master; finding them.

Each rule refuses with a :class:`FieldError` naming the field and saying why, before anything is
written; the checks run inside the write transaction so two lanes cannot both take one mobile.
The rules live in :mod:`~pos_tui.services.customers.rules`, the lookups in
:mod:`~pos_tui.services.customers.lookup`; :class:`CustomerService` brings them together.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from pos_tui.engine.money import NotANumber, TooManyPlaces, parse_money, to_decimal
from pos_tui.services.customers.fields import FieldError
from pos_tui.services.customers.lookup import CustomerDetails, CustomerLookup
from pos_tui.services.customers.names import display_name
from pos_tui.services.customers.rules import (
    ACCOUNT_COUNTER,
    SETTING_ACCOUNT_MODE,
    SETTING_ACCOUNT_START,
    SETTING_CARD_HEX,
    CustomerRules,
    decimal_or_none,
    redact,
)
from pos_tui.services.runtime.backend import Backend
from pos_tui.services.staff.lockout import check_customer_pin
from pos_tui.storage.accounts import PERSONAL_FIELDS, ErasureRepository
from pos_tui.storage.customers import CustomerRow
from pos_tui.storage.db import write

__all__ = [
    "ACCOUNT_COUNTER",
    "PRIVACY_DEFAULTS",
    "SETTING_ACCOUNT_MODE",
    "SETTING_ACCOUNT_START",
    "SETTING_CARD_HEX",
    "SETTING_PRIVACY_CRM_POINTS",
    "SETTING_PRIVACY_OTHER_INFO",
    "CustomerDetails",
    "CustomerRow",
    "CustomerService",
    "OpeningBalance",
]

# FusionRetail privacy settings: the store's default for a new customer ("1"/"0").
SETTING_PRIVACY_OTHER_INFO = "customers.privacy_show_other_info"
SETTING_PRIVACY_CRM_POINTS = "customers.privacy_show_crm_points"
PRIVACY_DEFAULTS = {
    "privacy_show_other_info": SETTING_PRIVACY_OTHER_INFO,
    "privacy_show_crm_points": SETTING_PRIVACY_CRM_POINTS,
}


@dataclass(frozen=True)
class OpeningBalance:
    """What a customer owed (negative: was owed) on a day, brought from another system."""

    amount: Decimal
    on: date
    reference: str | None = None

    @classmethod
    def parse(
        cls, amount: str | None, on: str | None, reference: str | None, *, today: date, places: int
    ) -> OpeningBalance | None:
        """From three text cells (empty amount: no opening balance); FieldError names the cell."""
        amount, on, reference = (x.strip() if x else "" for x in (amount, on, reference))
        if not amount:
            if on or reference:
                raise FieldError(
                    "opening_balance",
                    "An opening balance date or reference needs an opening balance",
                )
            return None
        try:
            value = to_decimal(amount, "Opening balance", commas=True)  # stored as given
            parse_money(value, "Opening balance", places)
        except NotANumber:
            raise FieldError(
                "opening_balance", f"Opening balance must be an amount, not {amount!r}"
            ) from None
        except TooManyPlaces:
            raise FieldError(
                "opening_balance",
                f"Opening balance must be an amount with at most {places} decimals, not {amount!r}",
            ) from None
        if abs(value) > Decimal(10) ** 9:
            raise FieldError("opening_balance", "Opening balance is over 1,000,000,000")
        if on:
            try:
                day = date.fromisoformat(on)
            except ValueError:
                raise FieldError(
                    "opening_balance_date", f"Opening balance date must be YYYY-MM-DD, not {on!r}"
                ) from None
        else:
            day = today
        if day > today:
            raise FieldError("opening_balance_date", f"Opening balance date {day} is in the future")
        return cls(value.quantize(Decimal(1).scaleb(-places)), day, reference or None)


class CustomerService(CustomerLookup, CustomerRules):
    def __init__(self, backend: Backend, *, rng: random.Random | None = None) -> None:
        self.b = backend
        # An injected rng makes generated card codes reproducible for demo data and tests.
        self._rng = rng
        self._settings: dict[str, str] = {}

    def new_customer_defaults(self) -> dict[str, int]:
        """The store's defaults for a new customer (privacy flags, from the store options)."""
        return {col: int(self._setting(key, "1") == "1") for col, key in PRIVACY_DEFAULTS.items()}

    # -- create and change ---------------------------------------------------------------------
    def create(
        self,
        data: dict[str, Any],
        *,
        addresses: list[dict[str, Any]] | None = None,
        contacts: list[dict[str, Any]] | None = None,
        transaction_discounts: list[dict[str, Any]] | None = None,
        team_ids: list[int] | None = None,
        exempt_tax_ids: list[int] | None = None,
        pin: str | None = None,
        opening_points: Decimal | str | None = None,
        opening_balance: OpeningBalance | None = None,
        employee_id: int | None = None,
        generated_card_code: str | None = None,
        audit_action: str = "create",
        audit_note: dict[str, Any] | None = None,
    ) -> int:
        """Validate and store a new customer; customer type defaults fill what is not given.

        ``generated_card_code``: a 5-character code this store generated earlier (an exported
        customer coming back), kept instead of a new one. ``audit_action``/``audit_note`` say
        where the customer came from (e.g. "import" with the file and row).
        """
        values = self._coerce(data)
        with write(self.b.db):
            values = {**self.new_customer_defaults(), **self._apply_type_defaults(values)}
            values.setdefault("active", 1)
            self._check_names(values)
            self._check_refs(values)
            self._check_rules(values, customer_id=None)
            values["account_number"] = self._account_number(values.get("account_number"))
            if not values.get("card_number"):
                values["card_number"] = self._card_code(generated_card_code)
            if pin:
                values["pin_hash"] = self._hash_pin(pin)
            now = self.b.timestamp()
            values["created_at"] = values["updated_at"] = now
            customer_id = self._insert(values)
            self._save_children(
                customer_id, addresses, contacts, transaction_discounts, team_ids, exempt_tax_ids
            )
            opening = decimal_or_none(opening_points, "opening_points")
            if opening:
                self.b.ledgers.add_points(
                    customer_id=customer_id,
                    entry_type="opening",
                    points=opening,
                    at=now,
                    reason="Opening points",
                    employee_id=employee_id,
                )
            if opening_balance is not None:
                self._post_opening_balance(customer_id, values, opening_balance, employee_id)
            self.b.store.audit(
                at=now,
                entity="customer",
                entity_id=customer_id,
                action=audit_action,
                changes={**redact(values), **(audit_note or {})},
                employee_id=employee_id,
                lane_id=self.b.settings.lane.id,
            )
        return customer_id

    def _post_opening_balance(
        self,
        customer_id: int,
        values: dict[str, Any],
        opening: OpeningBalance,
        employee_id: int | None,
    ) -> None:
        """The receivable balance a customer brings from another system: one ``opening``
        ledger entry dated when it stood, due by the customer's terms from that date."""
        from pos_tui.services.accounts.calendar import charge_due_date
        from pos_tui.services.checkout.engine_inputs import EngineInputs

        if not values.get("ar_enabled"):
            raise FieldError(
                "opening_balance", "An opening balance needs a receivable account (ar_enabled yes)"
            )
        inputs = EngineInputs(self.b)
        due = None
        if opening.amount > 0:
            customer, _, _ = inputs.customer(customer_id)
            try:
                due = charge_due_date(self.b, customer, opening.on, inputs.settings()).due
            except ValueError as exc:
                raise FieldError("payment_terms", str(exc)) from None
        self.b.ledgers.add_receivable(
            customer_id=customer_id,
            entry_type="opening",
            amount=opening.amount,
            at=f"{opening.on.isoformat()}T00:00:00",
            reference=opening.reference,
            due_date=due.isoformat() if due else None,
            note="Opening balance",
            employee_id=employee_id,
        )

    def update(
        self,
        customer_id: int,
        data: dict[str, Any],
        *,
        addresses: list[dict[str, Any]] | None = None,
        contacts: list[dict[str, Any]] | None = None,
        transaction_discounts: list[dict[str, Any]] | None = None,
        team_ids: list[int] | None = None,
        exempt_tax_ids: list[int] | None = None,
        pin: str | None = None,
        employee_id: int | None = None,
    ) -> None:
        """Change fields of a customer; children given replace the stored ones."""
        changes = self._coerce(data)
        with write(self.b.db):
            old = self.b.customers.get(customer_id)
            if old is None:
                raise FieldError("id", f"No customer with id {customer_id}")
            self._refuse_if_erased(customer_id, changes, bool(pin or addresses or contacts))
            stored = old.columns()
            merged = {**stored, **changes}
            self._check_names(merged)
            self._check_refs(changes)
            self._check_rules(merged, customer_id=customer_id)
            if "account_number" in changes:
                if not changes["account_number"]:
                    raise FieldError("account_number", "Account number cannot be empty")
                self._check_unique("account_number", changes["account_number"], customer_id)
            if "card_number" in changes and not changes["card_number"]:
                changes["card_number"] = self._generate_card_code()
            if changes.get("active") == 0 and old.active == 1:
                balance = self.b.customers.receivable_balance(customer_id)
                if balance != 0:
                    raise FieldError(
                        "active",
                        f"{display_name(old)} owes {balance} on account and cannot be made inactive",
                    )
            if pin:
                changes["pin_hash"] = self._hash_pin(pin)
            diff = {k: [stored.get(k), v] for k, v in changes.items() if stored.get(k) != v}
            now = self.b.timestamp()
            if diff:
                changes["updated_at"] = now
                self._update(customer_id, {k: changes[k] for k in [*diff, "updated_at"]})
            child_diff = self._save_children(
                customer_id, addresses, contacts, transaction_discounts, team_ids, exempt_tax_ids
            )
            if diff or child_diff:
                self.b.store.audit(
                    at=now,
                    entity="customer",
                    entity_id=customer_id,
                    action="update",
                    changes={**redact(diff), **child_diff},
                    employee_id=employee_id,
                    lane_id=self.b.settings.lane.id,
                )

    def set_active(self, customer_id: int, active: bool, *, employee_id: int | None = None) -> None:
        self.update(customer_id, {"active": active}, employee_id=employee_id)

    def link_card(
        self, customer_id: int, card_number: str, *, employee_id: int | None = None
    ) -> None:
        """Give a customer the card just read or typed at the lane."""
        self.update(customer_id, {"card_number": card_number}, employee_id=employee_id)

    def set_picture(
        self,
        customer_id: int,
        slot: int,
        data: bytes | None,
        media_type: str = "image/png",
        *,
        employee_id: int | None = None,
    ) -> None:
        if slot not in (1, 2):
            raise FieldError("picture", "A customer has picture 1 and picture 2")
        with write(self.b.db):
            self._refuse_if_erased(customer_id, {}, bool(data))
            self.b.customers.set_picture(customer_id, slot, media_type, data)
            self.b.store.audit(
                at=self.b.timestamp(),
                entity="customer",
                entity_id=customer_id,
                action="picture",
                changes={"slot": slot, "bytes": len(data) if data else 0},
                employee_id=employee_id,
                lane_id=self.b.settings.lane.id,
            )

    def _refuse_if_erased(self, customer_id: int, changes: dict[str, Any], other: bool) -> None:
        """An erased customer stays erased, here and at head office (which never takes their
        personal values again, docs/sync.md): a returning customer is enrolled anew."""
        given = [f for f in PERSONAL_FIELDS if changes.get(f) not in (None, "")]
        if not given and not other:
            return
        erased = ErasureRepository(self.b.db).get(customer_id)
        if erased is not None:
            raise FieldError(
                given[0] if given else "id",
                f"This customer was erased on {str(erased.erased_at)[:10]}: personal details "
                "cannot be entered again (enrol them as a new customer)",
            )

    # -- PIN and points ------------------------------------------------------------------------
    def check_pin(
        self,
        customer_id: int,
        pin: str,
        *,
        where: str = "pin check",
        employee_id: int | None = None,
    ) -> bool:
        """The account PIN, with the lockout (:class:`PinLocked` while locked)."""
        row = self.b.customers.get(customer_id)
        if row is None:
            return False
        return check_customer_pin(
            self.b, customer_id, pin, row.pin_hash, where=where, employee_id=employee_id
        )

    def adjust_points(
        self, customer_id: int, points: Decimal | str, reason: str, *, employee_id: int | None
    ) -> None:
        """A points adjustment always carries a reason and the employee who made it (Quasar)."""
        value = decimal_or_none(points, "points")
        if not value:
            raise FieldError("points", "An adjustment needs a non-zero number of points")
        if not reason or not reason.strip():
            raise FieldError("reason", "Give a reason for the adjustment")
        with write(self.b.db):
            balance = self.b.customers.loyalty_balance(customer_id)
            if balance + value < 0:
                raise FieldError("points", f"The balance is {balance}: it cannot go below zero")
            self.b.ledgers.add_points(
                customer_id=customer_id,
                entry_type="adjusted",
                points=value,
                at=self.b.timestamp(),
                reason=reason.strip(),
                employee_id=employee_id,
            )
