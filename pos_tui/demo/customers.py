"""Demo customers, written in bulk: names, contact points, cards, accounts, addresses, contacts,
teams, tax exemptions and opening points and balances.

Rows are built valid (the generator keeps to every rule of the customer master) and unique by
construction (mobiles, e-mails, card numbers and account numbers come from injective functions
of the row number), so they go through :mod:`pos_tui.storage.bulk` rather than
``CustomerService.create`` and 100,000 customers load in seconds inside one transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import partial
from typing import Any

from pos_tui.demo import names
from pos_tui.demo.context import DemoContext, ProgressFn, money
from pos_tui.demo.credentials import (
    DEMO_CUSTOMER_PIN,
    MAX_CUSTOMER_PINS,
    seeded_pin_hash,
)
from pos_tui.demo.customer_details import (
    address,
    ascii_word,
    date_near_today,
    points_row,
    random_birthday,
    random_card,
    random_code,
    random_email,
    random_mobile,
    receivable_row,
)
from pos_tui.demo.numbering import CARD_CODE_SPACE, Injective, format_card_code
from pos_tui.engine.money import ZERO
from pos_tui.services.customers.service import ACCOUNT_COUNTER, SETTING_ACCOUNT_START
from pos_tui.storage import bulk
from pos_tui.storage.bulk import column_defaults, insert_rows
from pos_tui.storage.rows import Row

_TYPE_CODES = ("REGULAR", "PREMIUM", "CORPORATE")
_CARD_BY_TYPE = {
    "REGULAR": (("SILVER", 70), ("NONE", 12), ("JUNIOR", 10), ("GOLD", 8)),
    "PREMIUM": (("GOLD", 70), ("PLATINUM", 30)),
    "CORPORATE": (("NONE", 60), ("GOLD", 25), ("PLATINUM", 15)),
}
# Customers are written in batches of this many rows.
_BATCH = 5000


def add_customers(ctx: DemoContext, count: int, tick: ProgressFn) -> int:
    """Add ``count`` customers; returns how many got the demo account PIN."""
    maker = _CustomerMaker(ctx)
    created: list[Row] = []
    for n in range(count):
        created.append(maker.customer(n))
        if len(created) >= _BATCH:
            insert_rows(ctx.b.db, "customers", created)
            tick("customers", len(created))
            created = []
    if created:
        insert_rows(ctx.b.db, "customers", created)
        tick("customers", len(created))
    maker.write_children()
    ctx.b.store.raise_counter(ACCOUNT_COUNTER, maker.next_account - 1)
    return MAX_CUSTOMER_PINS - maker.pins_left


def _unique(value: str, taken: set[str], remake: Callable[[], str]) -> str:
    while value.lower() in taken:
        value = remake()
    taken.add(value.lower())
    return value


@dataclass
class _Person:
    """The first draws of one customer: who they are, of which type, holding which card."""

    cid: int
    idx: int
    region: names.Region
    ctype: str
    ctype_row: Row
    is_company: bool
    female: bool
    first: str
    last: str
    salutation: str
    company: str | None
    card_code: str
    card_row: Row
    active: int


class _CustomerMaker:
    """Draws customers one by one, in the fixed order of ``ctx.rng``, and keeps their child
    rows (addresses, contacts, teams, exemptions, opening points and balances) to write last."""

    def __init__(self, ctx: DemoContext) -> None:
        rng, db = ctx.rng, ctx.b.db
        self.ctx, self.rng, self.c = ctx, rng, ctx.cat
        self.first_id = bulk.max_id(db, "customers") + 1
        start = int(ctx.b.store.setting(SETTING_ACCOUNT_START, "1001") or "1001")
        counter = bulk.counter_value(db, ACCOUNT_COUNTER)
        self.next_account = max(start, (counter or 0) + 1, bulk.max_numeric_account(db) + 1)
        # Values already in the database (after --force) are avoided; a fresh file has none.
        taken = bulk.taken_customer_values(db)
        self.taken_mobile, self.taken_email = taken["mobile"], taken["email"]
        self.taken_card, self.taken_account = taken["card_number"], taken["account_number"]
        self.offset = self.first_id  # numbering continues after existing customers
        self.mobile_maps = {
            r.code: Injective(rng, 10 ** (r.mobile_digits - max(len(x) for x in r.mobile_leads)))
            for r in names.REGIONS
        }
        self.card_map = {
            length: Injective(rng, 10 ** (length - 2)) for length in (8, 10, 12, 16, 19)
        }
        self.code_map = Injective(rng, CARD_CODE_SPACE)
        self.defaults = column_defaults(db, "customers")
        self.addr_defaults = column_defaults(db, "customer_addresses")
        self.contact_defaults = column_defaults(db, "customer_contacts")
        for d in (self.addr_defaults, self.contact_defaults):
            d.pop("id", None)
        self.addresses: list[Row] = []
        self.contacts: list[Row] = []
        self.teams: list[Row] = []
        self.exempt: list[Row] = []
        self.opening: list[Row] = []
        self.ar_opening: list[Row] = []
        self.pins_left = MAX_CUSTOMER_PINS

    def customer(self, n: int) -> Row:
        """The ``n``-th new customer's row; its child rows are kept for :meth:`write_children`."""
        person = self._person(n)
        mobile = self._mobile(person)
        email = self._email(person)
        card = self._card(person.idx)
        account = self._account()
        row = self._row(n, person, mobile, email, card, account)
        self._children(person, row, mobile, email)
        return row

    def write_children(self) -> None:
        db = self.ctx.b.db
        insert_rows(db, "customer_addresses", self.addresses)
        insert_rows(db, "customer_contacts", self.contacts)
        insert_rows(db, "customer_teams", self.teams)
        insert_rows(db, "customer_exempt_taxes", self.exempt)
        insert_rows(db, "loyalty_ledger", self.opening)
        insert_rows(db, "receivable_ledger", self.ar_opening)

    # -- the draws, in order -------------------------------------------------------------------
    def _person(self, n: int) -> _Person:
        rng, c = self.rng, self.c
        region = rng.choices(names.REGIONS, weights=names.REGION_WEIGHTS)[0]
        ctype = rng.choices(_TYPE_CODES, weights=(75, 17, 8))[0]
        is_company = ctype == "CORPORATE"
        female = rng.random() < 0.5
        first = rng.choice(region.first_female if female else region.first_male)
        last = rng.choice(region.last)
        salutation = rng.choice(region.female_salutations if female else region.male_salutations)
        company = None
        if is_company or rng.random() < 0.03:
            company = (
                f"{rng.choice(names.COMPANY_WORDS)} {rng.choice(names.COMPANY_TRADES)} "
                f"{rng.choice(region.company_suffixes)}"
            )
        card_codes, card_weights = zip(*_CARD_BY_TYPE[ctype], strict=True)
        card_code = rng.choices(card_codes, weights=card_weights)[0]
        if card_code == "JUNIOR" and is_company:
            card_code = "NONE"
        return _Person(
            cid=self.first_id + n,
            idx=self.offset + n,
            region=region,
            ctype=ctype,
            ctype_row=c.customer_types[ctype],
            is_company=is_company,
            female=female,
            first=first,
            last=last,
            salutation=salutation,
            company=company,
            card_code=card_code,
            card_row=c.card_types[card_code],
            active=0 if rng.random() < 0.02 else 1,
        )

    def _mobile(self, p: _Person) -> str | None:
        """A unique mobile, by construction."""
        rng, region = self.rng, p.region
        lead = rng.choice(region.mobile_leads)
        width = region.mobile_digits - max(len(x) for x in region.mobile_leads)
        pad = region.mobile_digits - len(lead)
        if rng.random() >= 0.96:
            return None
        return _unique(
            f"{region.dial}{lead}{self.mobile_maps[region.code](p.idx):0{pad}d}",
            self.taken_mobile,
            partial(random_mobile, self.ctx, region, lead, width, pad),
        )

    def _email(self, p: _Person) -> str | None:
        rng = self.rng
        if rng.random() >= 0.82:
            return None
        first, last, company = p.first, p.last, p.company
        local = rng.choice(
            (
                f"{ascii_word(first)}.{ascii_word(last)}",
                f"{ascii_word(first)[:1]}{ascii_word(last)}",
                f"{ascii_word(last)}.{ascii_word(first)}",
            )
        )
        domain = (
            f"{ascii_word(company or '')[:12]}.example.com"
            if company and rng.random() < 0.5
            else p.region.email_domain
        )
        return _unique(
            f"{local}{p.idx}@{domain}",
            self.taken_email,
            partial(random_email, self.ctx, local, domain),
        )

    def _card(self, idx: int) -> str:
        rng = self.rng
        if rng.random() < 0.85:
            length = rng.choice((8, 10, 12, 16, 16, 19))
            prefix = rng.choice(("60", "62", "70", "81", "90"))
            # 8-digit cards have room for a million numbers: wrap round, and _unique()
            # draws a free one if the wrapped number is taken.
            numbers = self.card_map[length]
            return _unique(
                f"{prefix}{numbers(idx % numbers.space):0{length - 2}d}",
                self.taken_card,
                partial(random_card, self.ctx, prefix, length),
            )
        return _unique(
            format_card_code(self.code_map(idx)),
            self.taken_card,
            partial(random_code, self.ctx, self.code_map.space),
        )

    def _account(self) -> str:
        while str(self.next_account) in self.taken_account:
            self.next_account += 1
        account = str(self.next_account)
        self.taken_account.add(account)
        self.next_account += 1
        return account

    def _dates(self, n: int, p: _Person) -> _Dates:
        rng, ctx = self.rng, self.ctx
        issue = ctx.today - timedelta(days=rng.randint(1, 1800))
        expiry = issue + timedelta(days=365 * rng.choice((1, 2, 3, 5)))
        age = rng.randint(10, 17) if p.card_code == "JUNIOR" else rng.randint(18, 82)
        birth: date | None = None
        if rng.random() < 0.75 or p.card_code == "JUNIOR":
            birth = date_near_today(ctx, age) if rng.random() < 0.03 else random_birthday(ctx, age)
        spouse = anniversary = None
        if not p.is_company and age >= 25 and rng.random() < 0.35:
            region = p.region
            spouse = (
                f"{rng.choice(region.first_male if p.female else region.first_female)} {p.last}"
            )
            years = rng.randint(1, max(1, age - 22))
            anniversary = (
                date_near_today(ctx, years) if rng.random() < 0.04 else random_birthday(ctx, years)
            )
        link = None
        if n > 10 and rng.random() < 0.1:
            link = self.first_id + rng.randrange(n)
        return _Dates(issue, expiry, birth, spouse, anniversary, link)

    def _terms(self, p: _Person) -> _Terms:
        rng = self.rng
        type_defaults = dict(p.ctype_row["defaults_dict"])
        price_level = int(type_defaults.get("price_level", 0))
        if rng.random() < 0.04:
            price_level = rng.randint(1, 4)
        forced = 1 if price_level and rng.random() < 0.15 else 0
        ar = 1 if (p.is_company or rng.random() < 0.04) and p.active else 0
        credit_limit = "0"
        hold = 0
        if ar:
            credit_limit = str(rng.choice((5000, 10000, 25000, 50000, 100000, 200000)))
            hold = 1 if rng.random() < 0.05 else 0
        tax_exempt = 1 if (p.is_company and rng.random() < 0.15) or rng.random() < 0.005 else 0
        location = rng.choice(self.c.locations)
        return _Terms(
            type_defaults, price_level, forced, ar, credit_limit, hold, tax_exempt, location
        )

    def _row(
        self, n: int, p: _Person, mobile: str | None, email: str | None, card: str, account: str
    ) -> Row:
        rng, c = self.rng, self.c
        dates = self._dates(n, p)
        t = self._terms(p)
        is_company, company, region, ar = p.is_company, p.company, p.region, t.ar
        issue, birth, anniversary = dates.issue, dates.birth, dates.anniversary
        type_defaults = t.type_defaults
        row = {
            **self.defaults,
            "id": p.cid,
            "account_number": account,
            "salutation": None if is_company else p.salutation,
            "first_name": p.first,
            "last_name": p.last,
            "is_company": 1 if is_company else 0,
            "company_name": company,
            "customer_type_id": p.ctype_row["id"],
            "card_type_id": p.card_row["id"],
            "card_number": card,
            "card_issue_date": issue.isoformat(),
            "card_expiry_date": dates.expiry.isoformat(),
            "active": p.active,
            "phone": f"{region.dial}{rng.randrange(10**8, 10**9)}" if rng.random() < 0.2 else None,
            "mobile": mobile,
            "fax": f"{region.dial}{rng.randrange(10**8, 10**9)}"
            if is_company and rng.random() < 0.3
            else None,
            "email": email,
            "website": f"https://{ascii_word(company or 'shop')[:16]}.example.com"
            if company and rng.random() < 0.6
            else None,
            "tax_resale_id": f"{region.code}{rng.randrange(10**9, 10**10)}"
            if t.tax_exempt or (is_company and rng.random() < 0.5)
            else None,
            "tax_exempt": t.tax_exempt,
            "is_employee": 1 if rng.random() < 0.005 else 0,
            "price_level": t.price_level,
            "forced_price_level": t.forced,
            "price_list_id": c.price_lists["WHOLESALE"]
            if is_company and rng.random() < 0.3
            else None,
            "auto_discount_percent": rng.choice(("0", "0", "0", "2", "5"))
            if p.ctype != "REGULAR"
            else "0",
            "home_location_id": t.location,
            "location_group_id": c.location_groups.get(t.location),
            "limit_to_location_id": t.location if ar and rng.random() < 0.1 else None,
            "patronage_group": rng.choice(("Walk-in", "Neighbourhood", "Online", "Referral"))
            if rng.random() < 0.3
            else None,
            "link_customer_id": dates.link,
            "birth_date": birth.isoformat() if birth else None,
            "spouse_name": dates.spouse,
            "anniversary_date": anniversary.isoformat() if anniversary else None,
            "remarks": rng.choice(
                ("Prefers evening delivery", "Call before delivery", "Bulk buyer")
            )
            if rng.random() < 0.05
            else None,
            "pos_remarks": rng.choice(
                ("Ask about the loyalty app", "Gift wrap by default", "Senior citizen")
            )
            if rng.random() < 0.03
            else None,
            "other_information": 1 if rng.random() < 0.2 else 0,
            "billing_address": "main",
            "circular_address": "main",
            "bill_delivery": type_defaults.get("bill_delivery", "print"),
            "send_email": 1 if email and rng.random() < 0.7 else 0,
            "send_sms": 1 if mobile and rng.random() < 0.6 else 0,
            "privacy_show_other_info": 1 if rng.random() < 0.9 else 0,
            "privacy_show_crm_points": 1 if rng.random() < 0.95 else 0,
            "statement_print": 1,
            "statement_email": int(type_defaults.get("statement_email", 0)),
            "second_receipt": 1 if is_company and rng.random() < 0.3 else 0,
            "required_reference": int(type_defaults.get("required_reference", 0)) if ar else 0,
            "required_reference_label": type_defaults.get("required_reference_label")
            if ar
            else None,
            "allow_charge": ar,
            "allow_cash_withdrawal": 1 if ar and not is_company and rng.random() < 0.3 else 0,
            "allow_payment": 1,
            "withdraw_only_in_credit": 0,
            "ar_enabled": ar,
            "ar_account_type": "balance_forward" if ar and rng.random() < 0.3 else "open_item",
            "ledger_account": f"AR-{account}" if ar else None,
            "credit_limit": t.credit_limit,
            "credit_hold": t.hold,
            "grace_period_type": rng.choice(("none", "posted_date", "statement_date"))
            if ar
            else "none",
            "grace_period_days": rng.choice((0, 7, 15, 30)) if ar else 0,
            "payment_terms": rng.choice(("Net 15", "Net 30", "Net 45")) if ar else None,
            "service_charge_percent": rng.choice(("0", "12", "18")) if ar else "0",
            "pin_hash": None,
            "created_at": f"{issue.isoformat()}T{rng.randint(9, 20):02d}:{rng.randint(0, 59):02d}:00",
        }
        if row["grace_period_type"] == "none":
            row["grace_period_days"] = 0
        # Customer type defaults fill what is still empty, exactly as CustomerService does.
        for key, value in type_defaults.items():
            if key in row and row[key] is None:
                row[key] = value
        row["updated_at"] = row["created_at"]
        if ar and self.pins_left > 0 and rng.random() < 0.5:
            row["pin_hash"] = seeded_pin_hash(DEMO_CUSTOMER_PIN, rng)
            self.pins_left -= 1
        return row

    def _children(self, p: _Person, row: Row, mobile: str | None, email: str | None) -> None:
        rng, region, cid = self.rng, p.region, p.cid
        self.addresses.append(
            address(
                self.ctx,
                region,
                cid,
                "main",
                p.company or f"{p.first} {p.last}",
                mobile,
                email,
                self.addr_defaults,
            )
        )
        if rng.random() < 0.15:
            self.addresses.append(
                address(self.ctx, region, cid, "alternate", None, None, None, self.addr_defaults)
            )
            if rng.random() < 0.5:
                row["billing_address"] = "alternate"
            if rng.random() < 0.3:
                row["circular_address"] = "alternate"
        if p.is_company:
            self._contacts(p)
        if rng.random() < 0.1:
            for team in sorted(set(rng.sample(self.c.teams, rng.randint(1, 2)))):
                self.teams.append({"customer_id": cid, "team_id": team})
        if p.is_company and not row["tax_exempt"] and rng.random() < 0.1:
            self.exempt.append({"customer_id": cid, "tax_id": self.c.taxes["CESS"]["id"]})
        self._openings(p, row)

    def _contacts(self, p: _Person) -> None:
        rng, region = self.rng, p.region
        for _ in range(rng.randint(1, 3)):
            cf, cl = (
                rng.choice(region.first_female + region.first_male),
                rng.choice(region.last),
            )
            self.contacts.append(
                {
                    **self.contact_defaults,
                    "customer_id": p.cid,
                    "name": f"{cf} {cl}",
                    "relationship": rng.choice(names.CONTACT_ROLES),
                    "phone": None,
                    "mobile": f"{region.dial}{rng.randrange(10**8, 10**9)}",
                    "email": f"{ascii_word(cf)}.{ascii_word(cl)}{p.idx}@contacts.example.com",
                    "may_charge": 1 if rng.random() < 0.7 else 0,
                }
            )

    def _openings(self, p: _Person, row: Row) -> None:
        rng, cid, at = self.rng, p.cid, row["created_at"]
        if p.active and p.card_code != "NONE" and rng.random() < 0.3:
            points = Decimal(rng.randint(10, 3000)) + rng.choice(
                (ZERO, Decimal("0.5"), Decimal("0.25"))
            )
            self.opening.append(points_row(cid, "opening", points, None, "Opening points", at))
        if row["ar_enabled"] and rng.random() < 0.2:
            self.ar_opening.append(
                receivable_row(
                    cid,
                    "opening",
                    money(Decimal(rng.randint(100, 4000))),
                    None,
                    None,
                    "Opening balance",
                    at,
                )
            )


@dataclass(frozen=True, slots=True)
class _Dates:
    issue: date
    expiry: date
    birth: date | None
    spouse: str | None
    anniversary: date | None
    link: int | None


@dataclass(frozen=True, slots=True)
class _Terms:
    """Price level, receivable and tax terms drawn before the row is written out."""

    type_defaults: dict[str, Any]
    price_level: int
    forced: int
    ar: int
    credit_limit: str
    hold: int
    tax_exempt: int
    location: int
