"""Finding customers at the lane: exactly by card, account, mobile or email, else by name as
typed; and everything the lane and the back office show about one customer.

:class:`CustomerLookup` is a part of :class:`~pos_tui.services.customers.service.CustomerService`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from pos_tui import phones
from pos_tui.engine.money import ZERO
from pos_tui.services.customers import fields as cf
from pos_tui.services.customers.names import display_name
from pos_tui.services.runtime.backend import Backend
from pos_tui.storage.customers import (
    AddressRow,
    ContactRow,
    CustomerRow,
    PictureRow,
    TransactionDiscountRow,
)
from pos_tui.storage.rows import Row
from pos_tui.text import fold_email


@dataclass
class CustomerDetails:
    """A customer with everything the lane and the back office show about them."""

    row: CustomerRow
    addresses: list[AddressRow] = field(default_factory=list)
    contacts: list[ContactRow] = field(default_factory=list)
    transaction_discounts: list[TransactionDiscountRow] = field(default_factory=list)
    team_ids: list[int] = field(default_factory=list)
    exempt_tax_ids: list[int] = field(default_factory=list)
    points_balance: Decimal = ZERO
    receivable_balance: Decimal = ZERO
    card_type: Row | None = None
    # Picture 1 (image bytes), shown at the lane to confirm who is charging to the account.
    photo: bytes | None = None

    @property
    def name(self) -> str:
        return display_name(self.row)

    @property
    def available_credit(self) -> Decimal:
        return self.row.credit_limit - self.receivable_balance


# What the lane shows for a customer's credit: this, never an amount, while credit is on hold.
CREDIT_HOLD = "CREDIT HOLD"


def credit_shown(row: CustomerRow, available: Decimal | None) -> str | Decimal | None:
    """The customer's credit as the lane shows it: CREDIT_HOLD when on hold (whatever the
    limit says), the amount available on an account, None for a customer without one."""
    if row.credit_hold:
        return CREDIT_HOLD
    return available if row.ar_enabled else None


class CustomerLookup:
    """Lookups of :class:`~pos_tui.services.customers.service.CustomerService`; on its own,
    the lookups without the rules (``pos-tui customers find`` loads no more than these)."""

    b: Backend

    def __init__(self, backend: Backend) -> None:
        self.b = backend

    # -- lookups -------------------------------------------------------------------------------
    def find(self, text: str, *, limit: int = 20) -> list[CustomerRow]:
        """Mobile, card number or account number exactly, else a name prefix search.

        Refuses (FieldError on ``search``) text over 200 characters or holding control
        characters (:func:`~pos_tui.services.customers.fields.search_text`)."""
        text = cf.search_text(text)
        if not text:
            return []
        repo = self.b.customers
        # A mobile typed national, international or spaced is compared in E.164 (phones.py).
        # Text written as a stored number is looked up as it is: a hit is the customer whose
        # mobile it is, whatever libphonenumber would make of it, and needs no parsing.
        as_stored = phones.written_e164(text)
        exact = repo.by_numbers(text, text, as_stored or self._parsed_mobile(text))
        if as_stored and all(row.mobile != as_stored for row in exact):
            parsed = self._parsed_mobile(text)  # "+9109876543210": stored as +919876543210
            found = repo.by_mobile(parsed) if parsed and parsed != as_stored else None
            if found and all(found.id != e.id for e in exact):
                exact.append(found)
        if "@" in (email := fold_email(text)):
            found = repo.by_email(email)
            if found and all(found.id != e.id for e in exact):
                exact.append(found)
        if exact:
            return exact
        return repo.search_names(text, limit=limit)

    def credit_of(self, rows: list[CustomerRow]) -> dict[int, str | Decimal | None]:
        """:func:`credit_shown` of each found customer, by id (search results' Credit column);
        balances are read only for account customers not on hold."""
        repo = self.b.customers
        out: dict[int, str | Decimal | None] = {}
        for row in rows:
            needs = row.ar_enabled and not row.credit_hold
            available = row.credit_limit - repo.receivable_balance(row.id) if needs else None
            out[row.id] = credit_shown(row, available)
        return out

    def _parsed_mobile(self, text: str) -> str | None:
        return phones.maybe_e164(text, self.b.settings.store.phone_region)

    def by_card(self, card_number: str) -> CustomerRow | None:
        return self.b.customers.by_card(card_number.strip())

    def details(self, customer_id: int) -> CustomerDetails | None:
        repo = self.b.customers
        row = repo.get(customer_id)
        if row is None:
            return None
        return CustomerDetails(
            row=row,
            addresses=repo.addresses(customer_id),
            contacts=repo.contacts(customer_id),
            transaction_discounts=repo.transaction_discounts(customer_id),
            team_ids=repo.team_ids(customer_id),
            exempt_tax_ids=repo.exempt_tax_ids(customer_id),
            points_balance=repo.loyalty_balance(customer_id),
            receivable_balance=repo.receivable_balance(customer_id),
            card_type=self.b.catalog.get("card_types", row.card_type_id)
            if row.card_type_id
            else None,
            photo=_photo(repo.picture(customer_id, 1)),
        )


def _photo(row: PictureRow | None) -> bytes | None:
    return bytes(row.data) if row is not None else None
