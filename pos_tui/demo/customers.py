"""Demo customers, written in bulk: names, contact points, cards, accounts, addresses, contacts,
teams, tax exemptions and opening points and balances.

Rows are built valid (the generator keeps to every rule of the customer master) and unique by
construction (mobiles, e-mails, card numbers and account numbers come from injective functions
of the row number), so they go through :mod:`pos_tui.storage.bulk` rather than
``CustomerService.create`` and 100,000 customers load in seconds inside one transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from functools import partial

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


def add_customers(ctx: DemoContext, count: int, tick: ProgressFn) -> int:
    """Add ``count`` customers; returns how many got the demo account PIN."""
    rng, c, db = ctx.rng, ctx.cat, ctx.b.db
    first_id = bulk.max_id(db, "customers") + 1
    start = int(ctx.b.store.setting(SETTING_ACCOUNT_START, "1001") or "1001")
    counter = bulk.counter_value(db, ACCOUNT_COUNTER)
    next_account = max(start, (counter or 0) + 1, bulk.max_numeric_account(db) + 1)
    # Values already in the database (after --force) are avoided; a fresh file has none.
    taken = bulk.taken_customer_values(db)
    taken_mobile, taken_email = taken["mobile"], taken["email"]
    taken_card, taken_account = taken["card_number"], taken["account_number"]
    offset = first_id  # numbering continues after existing customers
    mobile_maps = {
        r.code: Injective(rng, 10 ** (r.mobile_digits - max(len(x) for x in r.mobile_leads)))
        for r in names.REGIONS
    }
    card_map = {length: Injective(rng, 10 ** (length - 2)) for length in (8, 10, 12, 16, 19)}
    code_map = Injective(rng, CARD_CODE_SPACE)

    defaults = column_defaults(db, "customers")
    addr_defaults = column_defaults(db, "customer_addresses")
    contact_defaults = column_defaults(db, "customer_contacts")
    for d in (addr_defaults, contact_defaults):
        d.pop("id", None)
    addresses: list[Row] = []
    contacts: list[Row] = []
    teams: list[Row] = []
    exempt: list[Row] = []
    opening: list[Row] = []
    ar_opening: list[Row] = []
    pins_left = MAX_CUSTOMER_PINS
    type_codes = ("REGULAR", "PREMIUM", "CORPORATE")
    card_by_type = {
        "REGULAR": (("SILVER", 70), ("NONE", 12), ("JUNIOR", 10), ("GOLD", 8)),
        "PREMIUM": (("GOLD", 70), ("PLATINUM", 30)),
        "CORPORATE": (("NONE", 60), ("GOLD", 25), ("PLATINUM", 15)),
    }
    created: list[Row] = []

    def unique(value: str, taken: set[str], remake: Callable[[], str]) -> str:
        while value.lower() in taken:
            value = remake()
        taken.add(value.lower())
        return value

    for n in range(count):
        cid = first_id + n
        idx = offset + n
        region = rng.choices(names.REGIONS, weights=names.REGION_WEIGHTS)[0]
        ctype = rng.choices(type_codes, weights=(75, 17, 8))[0]
        ctype_row = c.customer_types[ctype]
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
        card_codes, card_weights = zip(*card_by_type[ctype], strict=True)
        card_code = rng.choices(card_codes, weights=card_weights)[0]
        if card_code == "JUNIOR" and is_company:
            card_code = "NONE"
        card_row = c.card_types[card_code]
        active = 0 if rng.random() < 0.02 else 1

        # Unique contact points, by construction.
        lead = rng.choice(region.mobile_leads)
        width = region.mobile_digits - max(len(x) for x in region.mobile_leads)
        pad = region.mobile_digits - len(lead)
        mobile: str | None = None
        if rng.random() < 0.96:
            mobile = unique(
                f"{region.dial}{lead}{mobile_maps[region.code](idx):0{pad}d}",
                taken_mobile,
                partial(random_mobile, ctx, region, lead, width, pad),
            )
        email: str | None = None
        if rng.random() < 0.82:
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
                else region.email_domain
            )
            email = unique(
                f"{local}{idx}@{domain}",
                taken_email,
                partial(random_email, ctx, local, domain),
            )
        if rng.random() < 0.85:
            length = rng.choice((8, 10, 12, 16, 16, 19))
            prefix = rng.choice(("60", "62", "70", "81", "90"))
            # 8-digit cards have room for a million numbers: wrap round, and unique()
            # draws a free one if the wrapped number is taken.
            numbers = card_map[length]
            card = unique(
                f"{prefix}{numbers(idx % numbers.space):0{length - 2}d}",
                taken_card,
                partial(random_card, ctx, prefix, length),
            )
        else:
            card = unique(
                format_card_code(code_map(idx)),
                taken_card,
                partial(random_code, ctx, code_map.space),
            )
        while str(next_account) in taken_account:
            next_account += 1
        account = str(next_account)
        taken_account.add(account)
        next_account += 1

        issue = ctx.today - timedelta(days=rng.randint(1, 1800))
        expiry = issue + timedelta(days=365 * rng.choice((1, 2, 3, 5)))
        age = rng.randint(10, 17) if card_code == "JUNIOR" else rng.randint(18, 82)
        birth: date | None = None
        if rng.random() < 0.75 or card_code == "JUNIOR":
            birth = date_near_today(ctx, age) if rng.random() < 0.03 else random_birthday(ctx, age)
        spouse = anniversary = None
        if not is_company and age >= 25 and rng.random() < 0.35:
            spouse = f"{rng.choice(region.first_male if female else region.first_female)} {last}"
            years = rng.randint(1, max(1, age - 22))
            anniversary = (
                date_near_today(ctx, years) if rng.random() < 0.04 else random_birthday(ctx, years)
            )
        link = None
        if n > 10 and rng.random() < 0.1:
            link = first_id + rng.randrange(n)

        type_defaults = dict(ctype_row["defaults_dict"])
        price_level = int(type_defaults.get("price_level", 0))
        if rng.random() < 0.04:
            price_level = rng.randint(1, 4)
        forced = 1 if price_level and rng.random() < 0.15 else 0
        ar = 1 if (is_company or rng.random() < 0.04) and active else 0
        credit_limit = "0"
        hold = 0
        if ar:
            credit_limit = str(rng.choice((5000, 10000, 25000, 50000, 100000, 200000)))
            hold = 1 if rng.random() < 0.05 else 0
        tax_exempt = 1 if (is_company and rng.random() < 0.15) or rng.random() < 0.005 else 0
        location = rng.choice(c.locations)
        row = {
            **defaults,
            "id": cid,
            "account_number": account,
            "salutation": None if is_company else salutation,
            "first_name": first,
            "last_name": last,
            "is_company": 1 if is_company else 0,
            "company_name": company,
            "customer_type_id": ctype_row["id"],
            "card_type_id": card_row["id"],
            "card_number": card,
            "card_issue_date": issue.isoformat(),
            "card_expiry_date": expiry.isoformat(),
            "active": active,
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
            if tax_exempt or (is_company and rng.random() < 0.5)
            else None,
            "tax_exempt": tax_exempt,
            "is_employee": 1 if rng.random() < 0.005 else 0,
            "price_level": price_level,
            "forced_price_level": forced,
            "price_list_id": c.price_lists["WHOLESALE"]
            if is_company and rng.random() < 0.3
            else None,
            "auto_discount_percent": rng.choice(("0", "0", "0", "2", "5"))
            if ctype != "REGULAR"
            else "0",
            "home_location_id": location,
            "location_group_id": c.location_groups.get(location),
            "limit_to_location_id": location if ar and rng.random() < 0.1 else None,
            "patronage_group": rng.choice(("Walk-in", "Neighbourhood", "Online", "Referral"))
            if rng.random() < 0.3
            else None,
            "link_customer_id": link,
            "birth_date": birth.isoformat() if birth else None,
            "spouse_name": spouse,
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
            "credit_limit": credit_limit,
            "credit_hold": hold,
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
        if ar and pins_left > 0 and rng.random() < 0.5:
            row["pin_hash"] = seeded_pin_hash(DEMO_CUSTOMER_PIN, rng)
            pins_left -= 1
        created.append(row)

        addresses.append(
            address(
                ctx, region, cid, "main", company or f"{first} {last}", mobile, email, addr_defaults
            )
        )
        if rng.random() < 0.15:
            addresses.append(
                address(ctx, region, cid, "alternate", None, None, None, addr_defaults)
            )
            if rng.random() < 0.5:
                row["billing_address"] = "alternate"
            if rng.random() < 0.3:
                row["circular_address"] = "alternate"
        if is_company:
            for _ in range(rng.randint(1, 3)):
                cf, cl = (
                    rng.choice(region.first_female + region.first_male),
                    rng.choice(region.last),
                )
                contacts.append(
                    {
                        **contact_defaults,
                        "customer_id": cid,
                        "name": f"{cf} {cl}",
                        "relationship": rng.choice(names.CONTACT_ROLES),
                        "phone": None,
                        "mobile": f"{region.dial}{rng.randrange(10**8, 10**9)}",
                        "email": f"{ascii_word(cf)}.{ascii_word(cl)}{idx}@contacts.example.com",
                        "may_charge": 1 if rng.random() < 0.7 else 0,
                    }
                )
        if rng.random() < 0.1:
            for team in sorted(set(rng.sample(c.teams, rng.randint(1, 2)))):
                teams.append({"customer_id": cid, "team_id": team})
        if is_company and not tax_exempt and rng.random() < 0.1:
            exempt.append({"customer_id": cid, "tax_id": c.taxes["CESS"]["id"]})
        at = row["created_at"]
        if active and card_code != "NONE" and rng.random() < 0.3:
            points = Decimal(rng.randint(10, 3000)) + rng.choice(
                (ZERO, Decimal("0.5"), Decimal("0.25"))
            )
            opening.append(points_row(cid, "opening", points, None, "Opening points", at))
        if ar and rng.random() < 0.2:
            ar_opening.append(
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
        if len(created) >= 5000:
            insert_rows(db, "customers", created)
            tick("customers", len(created))
            created = []
    if created:
        insert_rows(db, "customers", created)
        tick("customers", len(created))
    insert_rows(db, "customer_addresses", addresses)
    insert_rows(db, "customer_contacts", contacts)
    insert_rows(db, "customer_teams", teams)
    insert_rows(db, "customer_exempt_taxes", exempt)
    insert_rows(db, "loyalty_ledger", opening)
    insert_rows(db, "receivable_ledger", ar_opening)
    ctx.b.store.raise_counter(ACCOUNT_COUNTER, next_account - 1)
    return MAX_CUSTOMER_PINS - pins_left
