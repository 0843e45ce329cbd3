"""Deterministic demo data: a whole store with customers, loyalty, receivables and past sales.

``DemoGenerator(backend, seed=S, now=T).run(customers=N, sales=M)`` fills a database with
reference data (locations, teams, taxes, item groups, ~300 items, price lists, card and customer
types), three employees with fixed credentials (:data:`DEMO_EMPLOYEES`), N customers and M past
sales in the hash-chained journal with their loyalty and receivable entries.

Everything is drawn from one ``random.Random(seed)`` and every date from the base moment ``now``:
the same seed and moment give the same database, row for row, hash for hash (PIN hashes use a
salt drawn from the same generator, so they repeat too).

Customers are written by :mod:`pos_tui.storage.bulk`, not by ``CustomerService.create``: rows are
built valid (the generator keeps to every rule of the customer master) and unique by
construction (mobiles, e-mails, card numbers and account numbers come from injective functions
of the row number), so 100,000 customers load in seconds inside one transaction.
"""

from __future__ import annotations

import base64
import hashlib
import json
import random
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from functools import partial
from pathlib import Path

from pos_tui.services import demo_names as names
from pos_tui.services.backend import Backend
from pos_tui.services.customers import ACCOUNT_COUNTER, SETTING_ACCOUNT_START
from pos_tui.services.setup import StoreSetup
from pos_tui.storage import bulk
from pos_tui.storage.bulk import column_defaults, fts_rebuilt_after, insert_rows
from pos_tui.storage.db import write
from pos_tui.storage.rows import Row


@dataclass(frozen=True)
class DemoEmployee:
    number: str
    name: str
    role: str
    pin: str
    max_discount: str


# The sign-in credentials the demo command prints and the README documents.
DEMO_EMPLOYEES: tuple[DemoEmployee, ...] = (
    DemoEmployee("101", "Demo Cashier", "cashier", "1234", "5"),
    DemoEmployee("201", "Demo Supervisor", "supervisor", "2345", "20"),
    DemoEmployee("301", "Demo Manager", "manager", "3456", "100"),
)
# The account PIN of the few demo customers whose receivable account asks for one.
DEMO_CUSTOMER_PIN = "4321"
# At most this many customers get a PIN: hashing one costs ~30 ms on purpose.
MAX_CUSTOMER_PINS = 50
DEFAULT_SEED = 42
DEFAULT_SALES = 300

ProgressFn = Callable[[str, int], None]
"""Told (stage, units done since the last call): stages are "setup", "customers", "sales"."""

CENT = Decimal("0.01")
_ZERO = Decimal(0)
_CODE_FIRST = "ABCDEFGHJKLMNPQRSTUVWXYZ"
_BASE36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class DemoError(Exception):
    """The demo cannot run on this database (for example: it already has customers)."""


@dataclass
class DemoResult:
    database: Path
    seed: int
    counts: dict[str, int] = field(default_factory=dict)
    customer_pins: int = 0


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def ean13_check_digit(first12: str) -> str:
    """The EAN-13 check digit of 12 digits (weights 1, 3, 1, 3, ... from the left)."""
    if len(first12) != 12 or not first12.isdigit():
        raise ValueError("EAN-13 needs 12 digits before the check digit")
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(first12))
    return str((10 - total % 10) % 10)


def seeded_pin_hash(pin: str, rng: random.Random) -> str:
    """A PIN hash in the format of :func:`pos_tui.services.pins.hash_pin` with a seeded salt.

    Demo data must repeat exactly for a seed; a random salt from ``secrets`` would not.
    ``verify_pin`` reads the parameters from the string, so it checks these like any other.
    """
    n, r, p = 2**14, 8, 1
    salt = rng.randbytes(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=n, r=r, p=p, dklen=32)
    b64 = base64.b64encode
    return f"scrypt${n}${r}${p}${b64(salt).decode()}${b64(digest).decode()}"


def _ascii(text: str) -> str:
    """'Müller' -> 'muller', "O'Brien" -> 'obrien': the local part of a demo e-mail."""
    decomposed = unicodedata.normalize("NFKD", text.replace("ß", "ss"))
    return "".join(c for c in decomposed if c.isascii() and c.isalnum()).lower()


class _Injective:
    """i -> a*i + b (mod space) with a coprime to space: distinct i give distinct values."""

    def __init__(self, rng: random.Random, space: int) -> None:
        self.space = space
        a = rng.randrange(space // 3, space) | 1
        while a % 5 == 0 or _gcd(a, space) != 1:
            a += 2
        self.a = a
        self.b = rng.randrange(space)

    def __call__(self, i: int) -> int:
        if not 0 <= i < self.space:
            raise ValueError("demo numbering space exhausted")
        return (self.a * i + self.b) % self.space


def _gcd(a: int, b: int) -> int:
    while b:
        a, b = b, a % b
    return a


@dataclass
class _Catalog:
    """What the customer and sales generators need to know about the reference data."""

    locations: list[int] = field(default_factory=list)
    location_groups: dict[int, int] = field(default_factory=dict)  # location id -> group id
    teams: list[int] = field(default_factory=list)
    taxes: dict[str, Row] = field(default_factory=dict)  # code -> row
    class_taxes: dict[int, list[Row]] = field(default_factory=dict)  # tax class id -> taxes
    items: list[Row] = field(default_factory=list)
    restricted: dict[int, set[int]] = field(default_factory=dict)  # card type -> subgroup ids
    card_types: dict[str, Row] = field(default_factory=dict)  # code -> row
    card_types_by_id: dict[int, Row] = field(default_factory=dict)
    customer_types: dict[str, Row] = field(default_factory=dict)
    price_lists: dict[str, int] = field(default_factory=dict)
    price_list_prices: dict[tuple[int, int], Decimal] = field(default_factory=dict)
    employees: dict[str, int] = field(default_factory=dict)  # number -> id


class DemoGenerator:
    def __init__(
        self, backend: Backend, *, seed: int = DEFAULT_SEED, now: datetime | None = None
    ) -> None:
        self.b = backend
        self.seed = seed
        self.now = (now or backend.now()).replace(microsecond=0)
        self.today = self.now.date()
        self.rng = random.Random(seed)
        self.cat = _Catalog()

    # -- entry point -------------------------------------------------------------------------
    def existing_customers(self) -> int:
        return self.b.customers.count()

    def run(
        self,
        *,
        customers: int,
        sales: int = DEFAULT_SALES,
        force: bool = False,
        progress: ProgressFn | None = None,
    ) -> DemoResult:
        """Fill the database; refuses one that has customers already unless ``force``."""
        if customers < 0 or sales < 0:
            raise DemoError("the numbers of customers and sales cannot be negative")
        if sales and not customers:
            raise DemoError("past sales need customers: give --customers as well")
        if not force and self.existing_customers():
            raise DemoError(
                f"the database already has {self.existing_customers()} customers: "
                "use a fresh file (--db) or --force to add demo data to them"
            )
        tick = progress or (lambda _stage, _n: None)
        db = self.b.db
        # A bigger page cache for the load; the connection keeps it, which does no harm.
        bulk.use_large_cache(db)
        with write(db):
            self._reference_data()
            tick("setup", 1)
            pins = 0
            if customers:
                # One FTS rebuild after the load beats a trigger firing per row.
                with fts_rebuilt_after(db, "customers"):
                    pins = self._customers(customers, tick)
            if sales:
                self._sales(sales, tick)
            self.b.store.audit(
                at=self.now.isoformat(timespec="seconds"),
                entity="demo",
                entity_id=None,
                action="generate",
                changes={"seed": self.seed, "customers": customers, "sales": sales},
                lane_id=self.b.settings.lane.id,
            )
        counts = {
            table: bulk.table_count(db, table)
            for table in (
                "customers",
                "customer_addresses",
                "customer_contacts",
                "items",
                "card_types",
                "customer_types",
                "employees",
                "sales",
                "loyalty_ledger",
                "receivable_ledger",
            )
        }
        return DemoResult(
            database=self.b.settings.database_path(),
            seed=self.seed,
            counts=counts,
            customer_pins=pins,
        )

    # -- reference data ------------------------------------------------------------------------
    def _ensure(self, table: str, code: str, row: Row) -> int:
        cat = self.b.catalog
        existing = cat.by_code(table, code)
        if existing is not None:
            return int(existing["id"])
        key = "sku" if table == "items" else "code"
        return cat.insert(table, {key: code, **row})

    def _reference_data(self) -> None:
        StoreSetup(self.b).ensure_basics()
        cat, c = self.b.catalog, self.cat
        group_all = self._ensure("location_groups", "ALL", {"name": "All locations"})
        north = self._ensure("location_groups", "NORTH", {"name": "North region"})
        west = self._ensure("location_groups", "WEST", {"name": "West region"})
        lane_loc = cat.by_code("locations", self.b.settings.lane.location)
        assert lane_loc is not None
        c.locations.append(int(lane_loc["id"]))
        c.location_groups[int(lane_loc["id"])] = int(lane_loc["location_group_id"] or group_all)
        for code, name, group in (
            ("CITY", "City Centre", west),
            ("MALL", "Mall Road", west),
            ("AIRPORT", "Airport Terminal", north),
        ):
            loc = self._ensure("locations", code, {"name": name, "location_group_id": group})
            c.locations.append(loc)
            c.location_groups[loc] = group
        for code, name in (
            ("SALES", "Sales floor"),
            ("CORP", "Corporate desk"),
            ("VIP", "VIP care"),
            ("EVENTS", "Events & catering"),
        ):
            c.teams.append(self._ensure("teams", code, {"name": name}))

        for code, name, rate in (
            ("GST5", "GST 5%", "5"),
            ("GST12", "GST 12%", "12"),
            ("GST18", "GST 18%", "18"),
            ("GST28", "GST 28%", "28"),
            ("CESS", "Compensation cess", "5"),
            ("USST", "US sales tax", "7.25"),
        ):
            tax_id = self._ensure(
                "taxes", code, {"name": name, "rate_percent": rate, "mode": "exclusive"}
            )
            c.taxes[code] = {"id": tax_id, "code": code, "rate": Decimal(rate)}
        for code, name, tax_codes in (
            ("GST5", "Essentials (GST 5%)", ("GST5",)),
            ("GST12", "Processed food (GST 12%)", ("GST12",)),
            ("GST18", "Standard (GST 18%)", ("GST18",)),
            ("GST28", "Sin goods (GST 28% + cess)", ("GST28", "CESS")),
            ("USST", "US sales tax", ("USST",)),
            ("EXEMPT", "Exempt", ()),
        ):
            class_id = self._ensure("tax_classes", code, {"name": name})
            if not cat.taxes_of_class(class_id) and tax_codes:
                cat.set_tax_class_taxes(class_id, [c.taxes[t]["id"] for t in tax_codes])
            c.class_taxes[class_id] = [c.taxes[t] for t in tax_codes]
        class_ids = {
            code: row_id for row_id, code in bulk.ids_by_key(self.b.db, "tax_classes").items()
        }

        subgroup_ids: dict[str, int] = {}
        combos: list[tuple[int, str, str, str, tuple[int, int], str, str]] = []
        for g_code, g_name, subgroups in names.PRODUCTS:
            group_id = self._ensure("item_groups", g_code, {"name": g_name})
            for s_code, s_name, tax_class, price_range, products in subgroups:
                sub_id = self._ensure(
                    "item_subgroups", s_code, {"name": s_name, "group_id": group_id}
                )
                subgroup_ids[s_code] = sub_id
                for product, sizes in products:
                    for size in sizes:
                        for brand in names.BRANDS:
                            combos.append(
                                (sub_id, s_code, tax_class, product, price_range, size, brand)
                            )
        self._items(combos, class_ids)
        self._card_types(subgroup_ids)
        self._customer_types()
        self._price_lists()
        self._employees()

    def _items(
        self,
        combos: list[tuple[int, str, str, str, tuple[int, int], str, str]],
        class_ids: dict[str, int],
    ) -> None:
        rng, c = self.rng, self.cat
        chosen = sorted(rng.sample(range(len(combos)), min(300, len(combos))))
        barcode = _Injective(rng, 10**9)
        defaults = column_defaults(self.b.db, "items")
        new_rows: list[Row] = []
        for n, index in enumerate(chosen, start=1):
            sub_id, s_code, tax_class, product, (lo, hi), size, brand = combos[index]
            sku = f"{s_code[:4]}-{n:04d}"
            first12 = f"890{barcode(n):09d}"
            regular = Decimal(rng.randint(lo, hi))
            regular = regular - 1 if regular > 20 and rng.random() < 0.5 else regular
            if rng.random() < 0.3:
                regular += Decimal("0.50")
            restricted = s_code in ("LIQUOR", "CIG")
            levels = [money(regular * Decimal(f)) for f in ("0.97", "0.94", "0.90", "0.85")]
            if rng.random() < 0.2:
                levels[2] = None  # type: ignore[call-overload]
            promo = rng.random() < 0.08 and not restricted
            start = self.today - timedelta(days=rng.randint(0, 20))
            row = {
                **defaults,
                "sku": sku,
                "barcode": first12 + ean13_check_digit(first12),
                "name": f"{brand} {product} {size}",
                "subgroup_id": sub_id,
                "tax_class_id": class_ids[tax_class],
                "regular_price": str(regular),
                "price_level_1": str(levels[0]),
                "price_level_2": str(levels[1]),
                "price_level_3": None if levels[2] is None else str(levels[2]),
                "price_level_4": str(levels[3]),
                "promo_price": str(money(regular * Decimal("0.85"))) if promo else None,
                "promo_start": start.isoformat() if promo else None,
                "promo_end": (start + timedelta(days=30)).isoformat() if promo else None,
                "points_eligible": 0 if restricted else 1,
                "discount_eligible": 0 if s_code == "CIG" else 1,
                "active": 1,
            }
            row.pop("id", None)
            if self.b.catalog.by_code("items", sku) is None:
                new_rows.append(row)
        if new_rows:
            insert_rows(self.b.db, "items", new_rows)
        c.items = bulk.items_with_subgroup_codes(self.b.db)

    def _card_types(self, subgroup_ids: dict[str, int]) -> None:
        cat, c = self.b.catalog, self.cat
        specs: list[tuple[str, str, Row]] = [
            ("NONE", "None", {}),
            (
                "SILVER",
                "Silver",
                {
                    "block_sale_value": "100",
                    "points_awarded": "2",
                    "rounding": "lower",
                    "rounding_limit": "1",
                    "extra_points": "50",
                    "extra_points_on": "fixed",
                    "extra_margin_days": 3,
                    "referral_points": "1",
                    "referral_block_value": "100",
                    "points_to_convert": "2",
                    "equivalent_currency": "5",
                    "discount_percent": "0",
                    "method_of_input": "keyboard",
                },
            ),
            (
                "GOLD",
                "Gold",
                {
                    "block_sale_value": "100",
                    "points_awarded": "3",
                    "rounding": "standard",
                    "rounding_limit": "0.5",
                    "extra_points": "5",
                    "extra_points_on": "sale_value",
                    "extra_points_sale_value": "100",
                    "extra_margin_days": 5,
                    "referral_points": "2",
                    "referral_block_value": "100",
                    "points_to_convert": "2",
                    "equivalent_currency": "5",
                    "discount_percent": "2",
                    "multiplier": "2",
                    "multiplier_weekdays": "tue,wed",
                    "multiplier_from_time": "10:00",
                    "multiplier_to_time": "20:00",
                    "upgrade_min_points": "2000",
                    "upgrade_max_points": "9999.99",
                    "method_of_input": "keyboard",
                },
            ),
            (
                "PLATINUM",
                "Platinum",
                {
                    "block_sale_value": "100",
                    "points_awarded": "5",
                    "rounding": "higher",
                    "rounding_limit": "1",
                    "extra_points": "200",
                    "extra_points_on": "fixed",
                    "extra_margin_days": 7,
                    "referral_points": "3",
                    "referral_block_value": "100",
                    "points_to_convert": "2",
                    "equivalent_currency": "5",
                    "discount_percent": "5",
                    "multiplier": "3",
                    "multiplier_weekdays": "mon,tue,wed,thu,fri",
                    "multiplier_from_time": "10:00",
                    "multiplier_to_time": "20:00",
                    "upgrade_min_points": "10000",
                    "upgrade_max_points": "99999999",
                    "method_of_input": "smart_card",
                },
            ),
            (
                "JUNIOR",
                "Junior Member",
                {
                    "block_sale_value": "100",
                    "points_awarded": "1",
                    "rounding": "no",
                    "rounding_limit": "1",
                    "extra_points": "25",
                    "extra_points_on": "fixed",
                    "extra_margin_days": 2,
                    "points_to_convert": "2",
                    "equivalent_currency": "5",
                    "method_of_input": "list",
                },
            ),
        ]
        for code, name, values in specs:
            card_id = self._ensure("card_types", code, {"name": name, **values})
            row = cat.get("card_types", card_id)
            assert row is not None
            c.card_types[code] = row
            c.card_types_by_id[card_id] = row
        junior = c.card_types["JUNIOR"]["id"]
        if not cat.restricted_subgroup_ids(junior):
            cat.set_restricted_subgroups(junior, [subgroup_ids["LIQUOR"], subgroup_ids["CIG"]])
        c.restricted = {
            int(card_id): set(cat.restricted_subgroup_ids(card_id))
            for card_id in c.card_types_by_id
        }
        platinum = c.card_types["PLATINUM"]["id"]
        if cat.subscription(platinum) is None:
            cat.set_subscription(
                platinum,
                {
                    "ledger_account": "SUBS-PLATINUM",
                    "periodicity": "monthly",
                    "rate": "499.00",
                    "tax_code": "GST18",
                    "tax_rate_percent": "18",
                    "cover_charges": 1,
                    "posting": "beginning",
                },
            )

    def _customer_types(self) -> None:
        c = self.cat
        card = {code: row["id"] for code, row in c.card_types.items()}
        for code, name, defaults in (
            (
                "REGULAR",
                "Regular",
                {"card_type_id": card["SILVER"], "price_level": 0, "bill_delivery": "print"},
            ),
            (
                "PREMIUM",
                "Premium",
                {
                    "card_type_id": card["GOLD"],
                    "price_level": 1,
                    "bill_delivery": "email",
                    "statement_email": 1,
                },
            ),
            (
                "CORPORATE",
                "Corporate",
                {
                    "card_type_id": card["NONE"],
                    "price_level": 2,
                    "ar_enabled": 1,
                    "allow_charge": 1,
                    "credit_limit": "50000",
                    "payment_terms": "Net 30",
                    "grace_period_type": "statement_date",
                    "grace_period_days": 15,
                    "statement_email": 1,
                    "required_reference": 1,
                    "required_reference_label": "PO number",
                    "bill_delivery": "both",
                },
            ),
        ):
            type_id = self._ensure(
                "customer_types", code, {"name": name, "defaults": json.dumps(defaults)}
            )
            row = self.b.catalog.get("customer_types", type_id)
            assert row is not None
            c.customer_types[code] = {**row, "defaults_dict": json.loads(row["defaults"])}

    def _price_lists(self) -> None:
        c, rng = self.cat, self.rng
        for code, name, factor, share in (
            ("WHOLESALE", "Wholesale", "0.88", 0.4),
            ("STAFF", "Staff prices", "0.90", 0.3),
        ):
            list_id = self._ensure("price_lists", code, {"name": name})
            c.price_lists[code] = list_id
            have = bulk.price_list_prices(self.b.db, list_id)
            picks = [it for it in c.items if rng.random() < share]
            if not have:
                insert_rows(
                    self.b.db,
                    "price_list_items",
                    (
                        {
                            "price_list_id": list_id,
                            "item_id": it["id"],
                            "price": str(money(Decimal(it["regular_price"]) * Decimal(factor))),
                        }
                        for it in picks
                    ),
                )
            for item_id, price in bulk.price_list_prices(self.b.db, list_id).items():
                c.price_list_prices[(list_id, item_id)] = Decimal(price)

    def _employees(self) -> None:
        cat = self.b.catalog
        for emp in DEMO_EMPLOYEES:
            found = cat.employee_by_number(emp.number)
            if found is None:
                emp_id = cat.insert_employee(
                    {
                        "number": emp.number,
                        "name": emp.name,
                        "role": emp.role,
                        "pin_hash": seeded_pin_hash(emp.pin, self.rng),
                        "max_discount_percent": emp.max_discount,
                    }
                )
            else:
                emp_id = int(found["id"])
            self.cat.employees[emp.number] = emp_id

    # -- customers -----------------------------------------------------------------------------
    def _customers(self, count: int, tick: ProgressFn) -> int:
        rng, c, db = self.rng, self.cat, self.b.db
        first_id = bulk.max_id(db, "customers") + 1
        start = int(self.b.store.setting(SETTING_ACCOUNT_START, "1001") or "1001")
        counter = bulk.counter_value(db, ACCOUNT_COUNTER)
        next_account = max(start, (counter or 0) + 1, bulk.max_numeric_account(db) + 1)
        # Values already in the database (after --force) are avoided; a fresh file has none.
        taken = bulk.taken_customer_values(db)
        taken_mobile, taken_email = taken["mobile"], taken["email"]
        taken_card, taken_account = taken["card_number"], taken["account_number"]
        offset = first_id  # numbering continues after existing customers
        mobile_maps = {
            r.code: _Injective(rng, 10 ** (r.mobile_digits - max(len(x) for x in r.mobile_leads)))
            for r in names.REGIONS
        }
        card_map = {length: _Injective(rng, 10 ** (length - 2)) for length in (8, 10, 12, 16, 19)}
        code_map = _Injective(rng, len(_CODE_FIRST) * 36**4)

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
            salutation = rng.choice(
                region.female_salutations if female else region.male_salutations
            )
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
                    partial(self._random_mobile, region, lead, width, pad),
                )
            email: str | None = None
            if rng.random() < 0.82:
                local = rng.choice(
                    (
                        f"{_ascii(first)}.{_ascii(last)}",
                        f"{_ascii(first)[:1]}{_ascii(last)}",
                        f"{_ascii(last)}.{_ascii(first)}",
                    )
                )
                domain = (
                    f"{_ascii(company or '')[:12]}.example.com"
                    if company and rng.random() < 0.5
                    else region.email_domain
                )
                email = unique(
                    f"{local}{idx}@{domain}",
                    taken_email,
                    partial(self._random_email, local, domain),
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
                    partial(self._random_card, prefix, length),
                )
            else:
                card = unique(
                    self._code(code_map(idx)),
                    taken_card,
                    partial(self._random_code, code_map.space),
                )
            while str(next_account) in taken_account:
                next_account += 1
            account = str(next_account)
            taken_account.add(account)
            next_account += 1

            issue = self.today - timedelta(days=rng.randint(1, 1800))
            expiry = issue + timedelta(days=365 * rng.choice((1, 2, 3, 5)))
            age = rng.randint(10, 17) if card_code == "JUNIOR" else rng.randint(18, 82)
            birth: date | None = None
            if rng.random() < 0.75 or card_code == "JUNIOR":
                birth = (
                    self._date_near_today(age)
                    if rng.random() < 0.03
                    else self._random_birthday(age)
                )
            spouse = anniversary = None
            if not is_company and age >= 25 and rng.random() < 0.35:
                spouse = (
                    f"{rng.choice(region.first_male if female else region.first_female)} {last}"
                )
                years = rng.randint(1, max(1, age - 22))
                anniversary = (
                    self._date_near_today(years)
                    if rng.random() < 0.04
                    else self._random_birthday(years)
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
                "phone": f"{region.dial}{rng.randrange(10**8, 10**9)}"
                if rng.random() < 0.2
                else None,
                "mobile": mobile,
                "fax": f"{region.dial}{rng.randrange(10**8, 10**9)}"
                if is_company and rng.random() < 0.3
                else None,
                "email": email,
                "website": f"https://{_ascii(company or 'shop')[:16]}.example.com"
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
                self._address(
                    region, cid, "main", company or f"{first} {last}", mobile, email, addr_defaults
                )
            )
            if rng.random() < 0.15:
                addresses.append(
                    self._address(region, cid, "alternate", None, None, None, addr_defaults)
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
                            "email": f"{_ascii(cf)}.{_ascii(cl)}{idx}@contacts.example.com",
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
                    (_ZERO, Decimal("0.5"), Decimal("0.25"))
                )
                opening.append(self._points_row(cid, "opening", points, None, "Opening points", at))
            if ar and rng.random() < 0.2:
                ar_opening.append(
                    self._receivable_row(
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
        self.b.store.raise_counter(ACCOUNT_COUNTER, next_account - 1)
        return MAX_CUSTOMER_PINS - pins_left

    def _random_mobile(self, region: names.Region, lead: str, width: int, pad: int) -> str:
        return f"{region.dial}{lead}{self.rng.randrange(10**width):0{pad}d}"

    def _random_email(self, local: str, domain: str) -> str:
        return f"{local}{self.rng.randrange(10**9)}@{domain}"

    def _random_card(self, prefix: str, length: int) -> str:
        return f"{prefix}{self.rng.randrange(10 ** (length - 2)):0{length - 2}d}"

    def _random_code(self, space: int) -> str:
        return self._code(self.rng.randrange(space))

    @staticmethod
    def _code(n: int) -> str:
        """A 5-character card code (a letter, then base 36), like CustomerService generates."""
        first, rest = divmod(n, 36**4)
        tail = ""
        for _ in range(4):
            rest, digit = divmod(rest, 36)
            tail = _BASE36[digit] + tail
        return _CODE_FIRST[first] + tail

    def _random_birthday(self, years_ago: int) -> date:
        year = self.today.year - years_ago
        day = self.rng.randint(1, 365)
        return date(year, 1, 1) + timedelta(days=day - 1)

    def _date_near_today(self, years_ago: int) -> date:
        """A birthday or anniversary today or within three days of it."""
        shifted = self.today + timedelta(days=self.rng.randint(-3, 3))
        try:
            return shifted.replace(year=shifted.year - years_ago)
        except ValueError:  # 29 February
            return shifted.replace(year=shifted.year - years_ago, day=28)

    def _address(
        self,
        region: names.Region,
        cid: int,
        kind: str,
        contact: str | None,
        mobile: str | None,
        email: str | None,
        defaults: Row,
    ) -> Row:
        rng = self.rng
        city, state, zip_prefix, zip_len = rng.choice(region.cities)
        postal = zip_prefix + "".join(
            str(rng.randrange(10)) for _ in range(zip_len - len(zip_prefix))
        )
        if region.code == "IE":
            postal = f"{zip_prefix}{rng.randrange(10)} {rng.choice('ACDEFHKNPRTVWXY')}{rng.randrange(100, 999)}"
        number = str(rng.randint(1, 250))
        street = rng.choice(region.streets)
        line_1 = f"{street} {number}" if region.code in ("DE", "ES") else f"{number} {street}"
        if region.code == "FR":
            line_1 = f"{number} {street}"
        return {
            **defaults,
            "customer_id": cid,
            "address_type": kind,
            "contact_name": contact,
            "street_number": number,
            "street_name": street,
            "line_1": line_1,
            "line_2": f"Flat {rng.randint(1, 40)}{rng.choice('ABCD')}"
            if rng.random() < 0.3
            else None,
            "line_3": None,
            "line_4": None,
            "locality": None,
            "related_location": None,
            "city": city,
            "state": state,
            "postal_code": postal,
            "country": region.country,
            "phone": None,
            "alt_phone": None,
            "mobile": mobile,
            "fax": None,
            "email": email,
            "website": None,
        }

    @staticmethod
    def _points_row(
        cid: int, kind: str, points: Decimal, sale_id: int | None, reason: str | None, at: str
    ) -> Row:
        return {
            "customer_id": cid,
            "entry_type": kind,
            "points": str(points),
            "sale_id": sale_id,
            "reason": reason,
            "employee_id": None,
            "created_at": at,
        }

    @staticmethod
    def _receivable_row(
        cid: int,
        kind: str,
        amount: Decimal,
        sale_id: int | None,
        due: str | None,
        note: str | None,
        at: str,
        reference: str | None = None,
    ) -> Row:
        return {
            "customer_id": cid,
            "entry_type": kind,
            "amount": str(amount),
            "reference": reference,
            "sale_id": sale_id,
            "due_date": due,
            "note": note,
            "employee_id": None,
            "posted_at": at,
        }

    # -- past sales ----------------------------------------------------------------------------
    def _sales(self, count: int, tick: ProgressFn) -> None:
        rng, c, db = self.rng, self.cat, self.b.db
        lane = self.b.settings.lane
        buyers = bulk.active_customers_for_sales(db)
        if not buyers:
            return
        exempt_taxes = bulk.exempt_tax_ids_by_customer(db)
        # A few regulars buy often, like a real store.
        regulars = rng.sample(buyers, min(len(buyers), max(5, len(buyers) // 10)))
        start = self.now - timedelta(days=90)
        moments = sorted(
            datetime.combine(
                (start + timedelta(days=rng.randrange(90))).date(),
                time(rng.randint(9, 20), rng.randrange(60), rng.randrange(60)),
            )
            for _ in range(count)
        )
        cashier = c.employees["101"]
        supervisor = c.employees["201"]
        charged: dict[int, list[tuple[str, Decimal]]] = {}
        balances: dict[int, Decimal] = {}
        for moment in moments:
            moment = min(moment, self.now - timedelta(minutes=5))
            roll = rng.random()
            customer = (
                None
                if roll < 0.25
                else (rng.choice(regulars) if roll < 0.6 else rng.choice(buyers))
            )
            sale, children, points, extras = self._one_sale(customer, moment, exempt_taxes)
            account_tender = False
            if (
                customer
                and customer["ar_enabled"]
                and customer["allow_charge"]
                and not customer["credit_hold"]
            ):
                owed = balances.get(customer["id"], _ZERO)
                if owed + sale["total"] <= Decimal(customer["credit_limit"]) and rng.random() < 0.6:
                    account_tender = True
            total: Decimal = sale["total"]
            reference = None
            if account_tender:
                reference = (
                    f"PO-{rng.randrange(10000, 99999)}"
                    if customer and customer["required_reference"]
                    else None
                )
                tenders = [
                    {
                        "seq": 1,
                        "kind": "account",
                        "amount": str(total),
                        "reference": reference,
                        "points": None,
                        "change_given": "0",
                    }
                ]
            elif rng.random() < 0.55:
                step = Decimal(100) if total > 100 else Decimal(10)
                paid = (total / step).to_integral_value(rounding=ROUND_CEILING) * step
                tenders = [
                    {
                        "seq": 1,
                        "kind": "cash",
                        "amount": str(money(paid)),
                        "reference": None,
                        "points": None,
                        "change_given": str(money(paid - total)),
                    }
                ]
            else:
                tenders = [
                    {
                        "seq": 1,
                        "kind": "card",
                        "amount": str(total),
                        "reference": f"{rng.choice(('VISA', 'MC', 'RUPAY', 'AMEX'))} ****{rng.randrange(10000):04d}",
                        "points": None,
                        "change_given": "0",
                    }
                ]
            children["tenders"] = tenders
            at = moment.isoformat(timespec="seconds")
            record = {
                "lane_id": lane.id,
                "store_id": lane.store_id,
                "kind": "sale",
                "original_sale_id": None,
                "customer_id": customer["id"] if customer else None,
                "employee_id": supervisor if rng.random() < 0.1 else cashier,
                "committed_at": at,
                "subtotal": str(sale["subtotal"]),
                "discount_total": str(sale["discount_total"]),
                "tax_total": str(sale["tax_total"]),
                "total": str(total),
                "points_earned": str(points + extras),
                "points_used": "0",
                "reference": reference,
                "explanation": json.dumps(sale["explanation"], ensure_ascii=False),
            }
            stored = self.b.journal.append(record, children)
            sale_id = int(stored["id"])
            if customer is not None:
                cid = customer["id"]
                if points:
                    self.b.ledgers.add_points(
                        customer_id=cid, entry_type="earned", points=points, at=at, sale_id=sale_id
                    )
                if extras:
                    self.b.ledgers.add_points(
                        customer_id=cid,
                        entry_type="earned",
                        points=extras,
                        at=at,
                        sale_id=sale_id,
                        reason="Birthday / anniversary extra points",
                    )
                referral = self._referral_points(customer, sale)
                if referral:
                    self.b.ledgers.add_points(
                        customer_id=customer["link_customer_id"],
                        entry_type="referral",
                        points=referral,
                        at=at,
                        sale_id=sale_id,
                        reason=f"Referral: account {customer['account_number']}",
                    )
                if account_tender:
                    days = int((customer["payment_terms"] or "Net 30").split()[-1])
                    due = (moment.date() + timedelta(days=days)).isoformat()
                    self.b.ledgers.add_receivable(
                        customer_id=cid,
                        entry_type="charge",
                        amount=total,
                        at=at,
                        reference=reference,
                        sale_id=sale_id,
                        due_date=due,
                    )
                    charged.setdefault(cid, []).append((at, total))
                    balances[cid] = balances.get(cid, _ZERO) + total
            tick("sales", 1)
        # Customers on account pay most of what they owe a week after their last charge.
        for cid in sorted(charged):
            last_at = datetime.fromisoformat(charged[cid][-1][0])
            pay_at = min(last_at + timedelta(days=7), self.now - timedelta(minutes=1))
            owed = sum((amount for _at, amount in charged[cid]), _ZERO)
            share = Decimal(rng.choice(("0.5", "0.75", "1")))
            amount = money(owed * share)
            if amount > 0 and pay_at > last_at:
                self.b.ledgers.add_receivable(
                    customer_id=cid,
                    entry_type="payment",
                    amount=-amount,
                    at=pay_at.isoformat(timespec="seconds"),
                    reference=f"RCPT-{rng.randrange(100000, 999999)}",
                    note="Payment on account",
                )

    def _one_sale(
        self, customer: Row | None, moment: datetime, exempt_taxes: dict[int, set[int]]
    ) -> tuple[Row, dict[str, list[Row]], Decimal, Decimal]:
        rng, c = self.rng, self.cat
        card = c.card_types_by_id.get(customer["card_type_id"]) if customer else None
        restricted = c.restricted.get(card["id"], set()) if card else set()
        allowed = [it for it in c.items if it["subgroup_id"] not in restricted]
        lines: list[Row] = []
        taxes: dict[str, list[Decimal]] = {}
        subtotal = discount_total = tax_total = eligible = _ZERO
        explanation: list[str] = []
        card_discount = Decimal(card["discount_percent"]) if card else _ZERO
        auto_discount = Decimal(customer["auto_discount_percent"]) if customer else _ZERO
        for line_no, item in enumerate(rng.sample(allowed, rng.randint(1, 6)), start=1):
            quantity = Decimal(rng.choice((1, 1, 1, 2, 2, 3)))
            unit, source = self._price(item, customer, moment.date())
            gross = money(unit * quantity)
            percent = card_discount + auto_discount if item["discount_eligible"] else _ZERO
            discount = money(gross * percent / 100)
            net = gross - discount
            tax = _ZERO
            exempt = exempt_taxes.get(customer["id"], set()) if customer else set()
            if not (customer and customer["tax_exempt"]):
                for t in c.class_taxes.get(item["tax_class_id"], []):
                    if t["id"] in exempt:
                        continue
                    amount = money(net * t["rate"] / 100)
                    tax += amount
                    entry = taxes.setdefault(t["code"], [_ZERO, _ZERO])
                    entry[0] += net
                    entry[1] += amount
            lines.append(
                {
                    "line_no": line_no,
                    "item_id": item["id"],
                    "sku": item["sku"],
                    "description": item["name"],
                    "quantity": str(quantity),
                    "unit_price": str(unit),
                    "price_source": source,
                    "discount": str(discount),
                    "tax": str(tax),
                    "total": str(net + tax),
                    "original_line_no": None,
                }
            )
            subtotal += gross
            discount_total += discount
            tax_total += tax
            if item["points_eligible"]:
                eligible += net
        if discount_total:
            explanation.append(f"card/customer discount {card_discount + auto_discount}%")
        sale = {
            "subtotal": subtotal,
            "discount_total": discount_total,
            "tax_total": tax_total,
            "total": subtotal - discount_total + tax_total,
            "eligible": eligible,
            "explanation": explanation,
        }
        children: dict[str, list[Row]] = {
            "lines": lines,
            "discounts": (
                [
                    {
                        "line_no": None,
                        "kind": "customer",
                        "description": "Card and customer discount",
                        "amount": str(discount_total),
                    }
                ]
                if discount_total
                else []
            ),
            "taxes": [
                {"tax_code": code, "taxable": str(v[0]), "amount": str(v[1])}
                for code, v in sorted(taxes.items())
            ],
        }
        points = extras = _ZERO
        if customer is not None and card is not None:
            points = self._earned_points(card, eligible, moment)
            extras = self._extra_points(card, customer, eligible, moment.date())
            if points:
                explanation.append(f"{points} points on {eligible}")
            if extras:
                explanation.append(f"{extras} birthday/anniversary extra points")
        return sale, children, points, extras

    def _price(self, item: Row, customer: Row | None, day: date) -> tuple[Decimal, str]:
        unit, source = Decimal(item["regular_price"]), "regular"
        if customer is not None:
            level = customer["price_level"]
            if level and item[f"price_level_{level}"] is not None:
                unit, source = Decimal(item[f"price_level_{level}"]), f"level_{level}"
            if customer["price_list_id"]:
                listed = self.cat.price_list_prices.get((customer["price_list_id"], item["id"]))
                if listed is not None and listed < unit:
                    unit, source = listed, "price_list"
            if customer["forced_price_level"]:
                return unit, source
        promo = item["promo_price"]
        if (
            promo
            and item["promo_start"] <= day.isoformat() <= item["promo_end"]
            and Decimal(promo) < unit
        ):
            return Decimal(promo), "promo"
        return unit, source

    @staticmethod
    def _round_points(points: Decimal, mode: str, limit: Decimal) -> Decimal:
        if mode == "no" or limit <= 0:
            return points.quantize(CENT, rounding=ROUND_HALF_UP)
        rounding = {"lower": ROUND_FLOOR, "higher": ROUND_CEILING, "standard": ROUND_HALF_UP}[mode]
        return (points / limit).to_integral_value(rounding=rounding) * limit

    def _earned_points(self, card: Row, eligible: Decimal, moment: datetime) -> Decimal:
        block = Decimal(card["block_sale_value"])
        per_block = Decimal(card["points_awarded"])
        if block <= 0 or per_block <= 0 or eligible <= 0:
            return _ZERO
        points = eligible / block * per_block
        weekdays = {d for d in card["multiplier_weekdays"].split(",") if d}
        if weekdays and _WEEKDAYS[moment.weekday()] in weekdays:
            start, end = (
                card["multiplier_from_time"] or "00:00",
                card["multiplier_to_time"] or "23:59",
            )
            if start <= moment.strftime("%H:%M") <= end:
                points *= Decimal(card["multiplier"])
        return _positive(
            self._round_points(points, card["rounding"], Decimal(card["rounding_limit"]))
        )

    @staticmethod
    def _extra_points(card: Row, customer: Row, eligible: Decimal, day: date) -> Decimal:
        extra = Decimal(card["extra_points"])
        if extra <= 0:
            return _ZERO
        margin = int(card["extra_margin_days"])
        celebrating = False
        for iso in (customer["birth_date"], customer["anniversary_date"]):
            if not iso:
                continue
            for year in (day.year - 1, day.year, day.year + 1):
                try:
                    event = date.fromisoformat(iso).replace(year=year)
                except ValueError:
                    event = date(year, 2, 28)
                if abs((event - day).days) <= margin:
                    celebrating = True
        if not celebrating:
            return _ZERO
        if card["extra_points_on"] == "sale_value":
            block = Decimal(card["extra_points_sale_value"])
            if block <= 0:
                return _ZERO
            return money(eligible / block * extra)
        return extra

    def _referral_points(self, customer: Row, sale: Row) -> Decimal:
        link = customer["link_customer_id"]
        card = self.cat.card_types_by_id.get(customer["card_type_id"])
        if not link or card is None:
            return _ZERO
        block = Decimal(card["referral_block_value"])
        per_block = Decimal(card["referral_points"])
        if block <= 0 or per_block <= 0:
            return _ZERO
        return _positive(
            (sale["eligible"] / block).to_integral_value(rounding=ROUND_FLOOR) * per_block
        )


def _positive(value: Decimal) -> Decimal:
    return value if value > 0 else _ZERO
