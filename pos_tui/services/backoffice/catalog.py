"""Editing the reference data of the back office: card types, customer types, items,
sub-groups, teams, locations, location groups, taxes, tax classes and price lists (their item
prices: ``services.price_lists``).

Each table is described once (:data:`TABLES`): its fields, their kinds and sections. The edit
screen lays itself out from that description and :meth:`CatalogAdmin.save` validates every value
against it, refusing with a :class:`FieldError` that names the field, before anything is written.
Every save is audited with what changed.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from pos_tui.engine.bounds import MAX_AMOUNT, MAX_PLACES
from pos_tui.engine.models import WEEKDAYS
from pos_tui.services.customers import fields as cf
from pos_tui.services.customers.fields import FieldError
from pos_tui.services.runtime.backend import Backend
from pos_tui.storage.db import write
from pos_tui.storage.errors import ConstraintRefused
from pos_tui.storage.reports import ReportRepository
from pos_tui.storage.rows import Row
from pos_tui.text import plain

AdminKind = Literal[
    "text", "decimal", "percent", "int", "flag", "choice", "ref", "date", "time", "weekdays", "refs"
]


@dataclass(frozen=True)
class AdminField:
    """One editable value.

    ``default`` is what a new row's form shows and what an empty value stores: the schema's
    default of the column (a test holds the two together). Without one, an empty decimal,
    percent, whole number or flag stores 0 unless ``optional`` (then NULL, "not set"), and an
    empty text, date, time or reference stores NULL. ``required`` fields refuse to be empty.
    """

    name: str
    label: str
    kind: AdminKind = "text"
    section: str = "main"
    choices: tuple[str, ...] = ()
    ref: str = ""
    required: bool = False
    optional: bool = False
    maximum: Decimal | None = None
    default: str = ""

    @property
    def words(self) -> str:
        """The label as a message names the field: without its hint ("(0-10)") or indent."""
        return self.label.split(" (")[0].strip()

    @property
    def initial(self) -> str:
        """The form's text for a new row (and what an empty value means)."""
        if self.default or self.required or self.optional:
            return self.default
        return "0" if self.kind in ("decimal", "percent", "int", "flag") else ""


@dataclass(frozen=True)
class TableSpec:
    table: str
    title: str
    fields: tuple[AdminField, ...]
    columns: tuple[str, ...]  # shown in the list

    def field(self, name: str) -> AdminField:
        return next(f for f in self.fields if f.name == name)


def _a(name: str, label: str, kind: AdminKind = "text", **kw: Any) -> AdminField:
    return AdminField(name, label, kind, **kw)


_CODE = (_a("code", "Code", required=True), _a("name", "Name", required=True))
_CARD_TYPE = (
    *_CODE,
    _a("block_sale_value", "On sale value (block)", "decimal", section="points"),
    _a("points_awarded", "Points awarded per block", "decimal", section="points"),
    _a(
        "rounding",
        "Round off points",
        "choice",
        section="points",
        choices=("no", "higher", "lower", "standard"),
        default="no",
    ),
    _a("rounding_limit", "Rounding limit", "decimal", section="points", default="1"),
    _a("extra_points", "Extra points on B'day & A'day", "decimal", section="extras"),
    _a(
        "extra_points_on",
        "Calculate extra points on",
        "choice",
        section="extras",
        choices=("fixed", "sale_value"),
        default="fixed",
    ),
    _a("extra_points_sale_value", "Extra points: on sale value", "decimal", section="extras"),
    # Beyond half a year either way every day of the year is in the window.
    _a(
        "extra_margin_days",
        "Margin +/- days for B'day & A'day",
        "int",
        section="extras",
        maximum=Decimal(183),
    ),
    _a("referral_points", "Award points to link customer", "decimal", section="extras"),
    _a("referral_block_value", "  per block of sale value", "decimal", section="extras"),
    _a("points_to_convert", "Points to convert", "decimal", section="redeem"),
    _a("equivalent_currency", "Equivalent currency", "decimal", section="redeem"),
    _a("discount_percent", "Discount %", "percent", section="redeem"),
    _a(
        "restricted_subgroups",
        "Restricted sub-groups",
        "refs",
        section="redeem",
        ref="item_subgroups",
    ),
    _a(
        "multiplier",
        "Multiply points by (0-10)",
        "decimal",
        section="multiplier",
        maximum=Decimal(10),
        default="1",
    ),
    _a("multiplier_weekdays", "Applicable weekdays (mon,sat)", "weekdays", section="multiplier"),
    _a("multiplier_from_time", "From time (HH:MM)", "time", section="multiplier"),
    _a("multiplier_to_time", "To time (HH:MM, may pass midnight)", "time", section="multiplier"),
    _a(
        "upgrade_min_points",
        "Auto-upgrade: from points",
        "decimal",
        section="upgrade",
        optional=True,
    ),
    _a(
        "upgrade_max_points", "Auto-upgrade: to points", "decimal", section="upgrade", optional=True
    ),
    _a(
        "method_of_input",
        "Method of input",
        "choice",
        section="upgrade",
        choices=("keyboard", "list", "num_pad", "smart_card"),
        default="keyboard",
    ),
    _a("active", "Active", "flag", section="upgrade", default="1"),
    _a("subscription", "Subscription", "flag", section="subscription"),
    _a("sub_ledger_account", "Ledger", section="subscription"),
    _a(
        "sub_periodicity",
        "Periodicity",
        "choice",
        section="subscription",
        choices=("monthly", "quarterly", "half_yearly", "yearly"),
        default="monthly",
    ),
    _a("sub_rate", "Rate", "decimal", section="subscription"),
    _a("sub_tax_code", "Tax", section="subscription"),
    _a("sub_tax_rate_percent", "Tax rate %", "percent", section="subscription"),
    _a("sub_cover_charges", "Cover charges (deduct sales)", "flag", section="subscription"),
    _a(
        "sub_posting",
        "Posting",
        "choice",
        section="subscription",
        choices=("beginning", "end"),
        default="beginning",
    ),
)
_PRICES = tuple(
    _a(f"price_level_{n}", f"Price level {n}", "decimal", section="prices", optional=True)
    for n in range(1, 5)
)
_ITEM = (
    _a("sku", "SKU", required=True),
    _a("barcode", "Barcode"),
    _a("name", "Name", required=True),
    _a("subgroup_id", "Sub-group", "ref", ref="item_subgroups"),
    _a("tax_class_id", "Tax class", "ref", ref="tax_classes"),
    _a("points_eligible", "Earns points", "flag", default="1"),
    _a("discount_eligible", "Discountable", "flag", default="1"),
    _a("active", "Active", "flag", default="1"),
    _a("regular_price", "Regular price", "decimal", section="prices", required=True),
    *_PRICES,
    _a("promo_price", "Promotional price", "decimal", section="prices", optional=True),
    _a("promo_start", "Promotion from", "date", section="prices"),
    _a("promo_end", "Promotion to", "date", section="prices"),
)
_TAX = (
    *_CODE,
    _a("rate_percent", "Rate % (0-100)", "percent", required=True),
    _a("mode", "Mode (exclusive: added on top)", "choice", choices=("exclusive", "inclusive"), required=True, default="exclusive"),
)  # fmt: skip
_TAX_CLASS = (*_CODE, _a("taxes", "Taxes in the class", "refs", ref="taxes"))
# Customer fields a customer type cannot default (they identify one customer).
_NOT_DEFAULTS = {
    "account_number", "salutation", "first_name", "last_name", "company_name", "is_company",
    "customer_type_id", "phone", "mobile", "fax", "email", "website", "card_number",
    "card_issue_date", "card_expiry_date", "link_customer_id", "birth_date", "spouse_name",
    "anniversary_date", "pos_remarks", "remarks", "tax_resale_id",
}  # fmt: skip
_CF_KINDS: dict[str, AdminKind] = {"flag": "choice", "int": "int", "ref": "ref", "date": "date"}
DEFAULT_PREFIX = "default."
_CUSTOMER_TYPE = (
    *_CODE,
    *(
        _a(
            DEFAULT_PREFIX + f.name,
            f.label,
            _CF_KINDS.get(f.kind, f.kind),
            section=f.group,
            choices=("yes", "no") if f.kind == "flag" else f.choices,
            ref=f.ref,
            optional=True,
        )
        for f in cf.FIELDS
        if f.name not in _NOT_DEFAULTS
    ),
)
TABLES: dict[str, TableSpec] = {
    "card_types": TableSpec("card_types", "Card types", _CARD_TYPE, ("code", "name", "points_awarded", "block_sale_value", "multiplier", "active")),
    "customer_types": TableSpec("customer_types", "Customer types", _CUSTOMER_TYPE, ("code", "name")),
    "items": TableSpec("items", "Items and price levels", _ITEM, ("sku", "name", "regular_price", "price_level_1", "price_level_2", "price_level_3", "price_level_4", "active")),
    "item_subgroups": TableSpec("item_subgroups", "Sub-groups", (*_CODE, _a("group_id", "Group", "ref", ref="item_groups", required=True)), ("code", "name", "group_id")),
    "teams": TableSpec("teams", "Teams", _CODE, ("code", "name")),
    "locations": TableSpec("locations", "Locations", (*_CODE, _a("location_group_id", "Location group", "ref", ref="location_groups")), ("code", "name", "location_group_id")),
    "location_groups": TableSpec("location_groups", "Location groups", _CODE, ("code", "name")),
    "taxes": TableSpec("taxes", "Taxes", _TAX, ("code", "name", "rate_percent", "mode")),
    "tax_classes": TableSpec("tax_classes", "Tax classes", _TAX_CLASS, ("code", "name", "taxes")),
    "price_lists": TableSpec("price_lists", "Price lists", _CODE, ("code", "name", "prices")),
}  # fmt: skip
# Amounts, rates and points are exact: a value finer than this is a typing slip, not a real
# amount; a larger one too (the same bounds as `pos-tui quote`, docs/quote.md).
RATE_STEP = Decimal(1).scaleb(-MAX_PLACES)
_TIME = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")
_ID = re.compile(r"^[0-9]{1,10}$")
_DIGITS = re.compile(r"^[0-9]+$")
_NO_LIMIT = Decimal("Infinity")
_SUB_FIELDS = ("ledger_account", "periodicity", "rate", "tax_code", "tax_rate_percent", "cover_charges", "posting")  # fmt: skip


def coerce_admin(spec: AdminField, raw: str) -> Any:
    """One typed value into its stored form, or a FieldError naming the field."""
    text = (raw or "").strip()
    if text == "":
        if spec.required:
            raise FieldError(spec.name, f"{spec.words} is required")
        if spec.initial:
            return coerce_admin(spec, spec.initial)
        return "" if spec.kind == "weekdays" else None  # weekdays: the column's '' (none)
    if spec.kind == "time":
        if not _TIME.match(text):
            raise FieldError(spec.name, f"{spec.words} must be a time HH:MM")
        return text
    if spec.kind == "weekdays":
        days = [d.strip().lower()[:3] for d in text.split(",") if d.strip()]
        bad = [d for d in days if d not in WEEKDAYS]
        if bad:
            raise FieldError(spec.name, f"Unknown weekday {bad[0]!r}: use mon,tue,wed,...")
        return ",".join(d for d in WEEKDAYS if d in days)
    if spec.kind == "refs":
        parts = [x.strip() for x in text.split(",") if x.strip()]
        if not all(_ID.match(x) for x in parts):
            raise FieldError(spec.name, f"{spec.words}: choose from the list")
        return sorted({int(x) for x in parts})
    if spec.kind == "choice" and spec.choices == ("yes", "no"):
        return cf.coerce(cf.Field(spec.name, spec.label, "flag", ""), text)
    maximum = spec.maximum if spec.maximum is not None else MAX_AMOUNT
    if spec.kind in ("int", "ref"):
        if not _DIGITS.match(text):
            raise FieldError(spec.name, f"{spec.words} must be a whole number, not {text[:20]!r}")
        if len(text) > 10 or int(text) > maximum:  # len first: int() of a million digits
            raise FieldError(spec.name, f"{spec.words} must be between 0 and {maximum}")
        return int(text)
    # cf.coerce only reads the number (1e2 too): its bounds and decimal places are _bounded's.
    field = cf.Field(
        spec.name, spec.label, spec.kind, "", choices=spec.choices,
        high=_NO_LIMIT if spec.kind == "decimal" else None, places=28, exponent=True,
    )  # fmt: skip
    value = cf.coerce(field, text)
    if spec.kind in ("decimal", "percent"):
        value = _bounded(spec, Decimal(value))
        if Decimal(value) > maximum:
            raise FieldError(spec.name, f"{spec.words} must be between 0 and {maximum}")
    return value


def _bounded(spec: AdminField, number: Decimal) -> str:
    """A decimal within the bounds every amount, rate and points value keeps, in plain form
    ("100", never "1E+2")."""
    if number.copy_abs() > MAX_AMOUNT:
        raise FieldError(spec.name, f"{spec.words} must be at most {MAX_AMOUNT}")
    if number != number.quantize(RATE_STEP):
        raise FieldError(spec.name, f"{spec.words} has at most {MAX_PLACES} decimals")
    return format(number, "f")


class CatalogAdmin:
    """List, load and save reference rows (database thread)."""

    def __init__(self, backend: Backend) -> None:
        self.b = backend
        self.reports = ReportRepository(backend.db)

    def rows(self, table: str) -> list[Row]:
        spec = TABLES[table]
        order = "sku" if table == "items" else "code"
        rows = self.b.catalog.all(table, order_by=order)
        refs = {f.name: self.reports.names(f.ref) for f in spec.fields if f.kind == "ref"}
        for row in rows:
            for name, names in refs.items():
                if name in spec.columns and row.get(name) is not None:
                    row[name] = names.get(row[name], row[name])
        if table == "tax_classes":
            for row in rows:
                taxes = self.b.catalog.taxes_of_class(int(row["id"]))
                row["taxes"] = ", ".join(str(t["code"]) for t in taxes)
        if table == "price_lists":
            sizes = self.b.catalog.price_list_sizes()
            for row in rows:
                row["prices"] = sizes.get(int(row["id"]), 0)
        return rows

    def options(self, table: str) -> dict[str, list[tuple[int, str]]]:
        """(id, name) choices of every reference field of ``table``."""
        return {
            f.name: list(self.reports.names(f.ref).items())
            for f in TABLES[table].fields
            if f.kind in ("ref", "refs")
        }

    def load(self, table: str, row_id: int | None) -> dict[str, str]:
        """The form's text values of a row (a new row: the column defaults)."""
        spec = TABLES[table]
        row = self.b.catalog.get(table, row_id) if row_id is not None else None
        values = {f.name: f.initial for f in spec.fields}
        if row_id is None:
            return values
        if row is None:
            raise FieldError("id", f"No such row in {spec.title}")
        for f in spec.fields:
            if f.name in row:
                values[f.name] = plain(row[f.name])
        if table == "card_types":
            ids = self.b.catalog.restricted_subgroup_ids(int(row["id"]))
            values["restricted_subgroups"] = ",".join(str(i) for i in ids)
            sub = self.b.catalog.subscription(int(row["id"]))
            values["subscription"] = "1" if sub else "0"
            for name in _SUB_FIELDS:
                values["sub_" + name] = plain(sub[name]) if sub else values["sub_" + name]
        if table == "tax_classes":
            taxes = self.b.catalog.taxes_of_class(int(row["id"]))
            values["taxes"] = ",".join(str(t["id"]) for t in sorted(taxes, key=lambda t: t["id"]))
        if table == "customer_types":
            for name, value in json.loads(row["defaults"]).items():
                key = DEFAULT_PREFIX + name
                if key in values:
                    is_flag = cf.BY_NAME[name].kind == "flag"
                    values[key] = ("yes" if value else "no") if is_flag else plain(value)
        return values

    def save(
        self, table: str, row_id: int | None, values: dict[str, str], *, employee_id: int | None
    ) -> int:
        """Validate and store; returns the row id. Raises FieldError naming the field."""
        spec = TABLES[table]
        typed = {f.name: coerce_admin(f, values.get(f.name, "")) for f in spec.fields}
        self._check_references(spec, typed)
        extras = {k: typed.pop(k) for k in list(typed) if spec.field(k).kind == "refs" or k == "subscription" or k.startswith("sub_")}  # fmt: skip
        defaults = {k: typed.pop(k) for k in list(typed) if k.startswith(DEFAULT_PREFIX)}
        _check_rules(table, typed, extras)
        if table == "customer_types":
            clean = {
                k.removeprefix(DEFAULT_PREFIX): v for k, v in defaults.items() if v is not None
            }
            typed["defaults"] = json.dumps(clean, sort_keys=True)
        key = "sku" if table == "items" else "code"
        with write(self.b.db):
            other = self.b.catalog.by_code(table, typed[key])
            if other is not None and other["id"] != row_id:
                raise FieldError(key, f"{typed[key]} already exists with {other['name']}")
            old = self.b.catalog.get(table, row_id) if row_id is not None else None
            if row_id is not None and old is None:
                raise FieldError(key, f"No such row in {spec.title}")
            try:
                if row_id is None:
                    row_id = self.b.catalog.insert(table, typed)
                else:
                    self.b.catalog.update(table, row_id, typed)
                if table == "card_types":
                    self._save_card_extras(row_id, extras)
            except ConstraintRefused as exc:
                raise refusal_of(spec, exc) from None
            diff = {k: [None if old is None else old.get(k), v] for k, v in typed.items() if old is None or old.get(k) != v}  # fmt: skip
            if table == "tax_classes":
                diff.update(self._save_class_taxes(row_id, extras.pop("taxes") or []))
            self.b.store.audit(
                at=self.b.timestamp(),
                entity=table,
                entity_id=row_id,
                action="create" if old is None else "update",
                changes={**diff, **({"extras": extras} if extras else {})},
                employee_id=employee_id,
                lane_id=self.b.settings.lane.id,
            )
        return row_id

    def _check_references(self, spec: TableSpec, typed: dict[str, Any]) -> None:
        """Every chosen reference exists (a row deleted since the form opened, a typed id)."""
        for f in spec.fields:
            value = typed.get(f.name)
            if f.kind not in ("ref", "refs") or value in (None, []):
                continue
            known = self.reports.names(f.ref)
            for ref_id in value if isinstance(value, list) else [value]:
                if ref_id not in known:
                    raise FieldError(f.name, f"No {_REF_WORDS.get(f.ref, f.ref)} with id {ref_id}")

    def _save_class_taxes(self, tax_class_id: int, tax_ids: list[int]) -> dict[str, Any]:
        """Set the taxes of a class; the audit's [old, new] tax codes if they changed."""
        before = self.b.catalog.taxes_of_class(tax_class_id)
        if sorted(int(t["id"]) for t in before) == tax_ids:
            return {}  # unchanged: no catalog version bump, lanes keep their cache
        self.b.catalog.set_tax_class_taxes(tax_class_id, tax_ids)
        after = self.b.catalog.taxes_of_class(tax_class_id)
        return {"taxes": [[t["code"] for t in before], [t["code"] for t in after]]}

    def _save_card_extras(self, card_type_id: int, extras: dict[str, Any]) -> None:
        self.b.catalog.set_restricted_subgroups(
            card_type_id, extras.get("restricted_subgroups") or []
        )
        if not extras.get("subscription"):
            self.b.catalog.set_subscription(card_type_id, None)
            return
        sub = {name: extras.get("sub_" + name) for name in _SUB_FIELDS}
        sub["cover_charges"] = sub["cover_charges"] or 0
        self.b.catalog.set_subscription(card_type_id, sub)


def _check_rules(table: str, typed: dict[str, Any], extras: dict[str, Any]) -> None:
    """The rules between fields (one field's own format is checked by ``coerce_admin``)."""
    if table == "card_types":
        if typed["rounding"] != "no" and Decimal(typed["rounding_limit"]) <= 0:
            raise FieldError("rounding_limit", "A rounding limit above zero is needed to round")
        if Decimal(typed["rounding_limit"]) <= 0:
            raise FieldError("rounding_limit", "Rounding limit must be above zero")
        if (Decimal(typed["points_to_convert"]) > 0) != (Decimal(typed["equivalent_currency"]) > 0):
            raise FieldError("equivalent_currency", "Give both points to convert and their currency value, or neither")  # fmt: skip
        if (
            typed["extra_points_on"] == "sale_value"
            and Decimal(typed["extra_points_sale_value"]) <= 0
        ):
            raise FieldError("extra_points_sale_value", "Extra points on sale value need the sale value")  # fmt: skip
        low, high = typed["upgrade_min_points"], typed["upgrade_max_points"]
        if low is not None and high is not None and Decimal(high) < Decimal(low):
            raise FieldError("upgrade_max_points", "The upgrade range ends below where it starts")
        # A window whose to-time is before its from-time runs over midnight and belongs to the
        # weekday it starts on (Fri 22:00-02:00 ends on Saturday at 02:00), as the engine reads
        # it (loyalty.in_multiplier_window). Equal times would be a one-minute window: a slip.
        start, end = typed["multiplier_from_time"], typed["multiplier_to_time"]
        if (start is None) != (end is None):
            raise FieldError(
                "multiplier_to_time", "Give both a from time and a to time, or neither"
            )
        if start is not None and start == end:
            raise FieldError(
                "multiplier_to_time",
                "To time must differ from from time (22:00 to 02:00 runs past midnight)",
            )
        if extras.get("subscription"):
            if not extras.get("sub_ledger_account"):
                raise FieldError("sub_ledger_account", "A subscription needs its ledger")
            if not extras.get("sub_periodicity"):
                raise FieldError("sub_periodicity", "Choose the periodicity")
            if Decimal(extras.get("sub_rate") or 0) <= 0:
                raise FieldError("sub_rate", "The subscription rate must be above zero")
            extras["sub_posting"] = extras.get("sub_posting") or "beginning"
    if table == "taxes":
        rate = Decimal(typed["rate_percent"])
        if rate != rate.quantize(RATE_STEP):
            raise FieldError("rate_percent", "Rate % has at most 4 decimals")
        typed["rate_percent"] = format(rate, "f")  # never "1E+1"
    if table == "items":
        start, end = typed["promo_start"], typed["promo_end"]
        if start and end and end < start:
            raise FieldError("promo_end", "The promotion ends before it starts")
        if typed["promo_price"] is not None and not (start and end):
            raise FieldError("promo_start", "A promotional price needs its from and to dates")


# What a reference field's table is called in a message ("No sub-group with id 9").
_REF_WORDS = {
    "item_subgroups": "sub-group", "item_groups": "group", "tax_classes": "tax class",
    "taxes": "tax", "location_groups": "location group", "locations": "location",
    "card_types": "card type", "customer_types": "customer type", "price_lists": "price list",
    "teams": "team",
}  # fmt: skip
# A side table a save writes besides the edited table: its columns' field name prefix.
_SIDE_TABLES = {"card_type_subscriptions": "sub_"}


def refusal_of(spec: TableSpec, exc: ConstraintRefused) -> FieldError:
    """A database refusal of a save as the form's refusal: the field it is about, in words.

    The checks above should leave the database nothing to refuse; this is the last line, so
    that a rule the schema holds and the form does not still names its field in the form's
    words ("Extra margin days cannot be empty"), built from the constraint's kind and names
    (storage/errors.py), never from SQLite's text.
    """
    field = _field_named_in(spec, exc)
    if field is None:  # a foreign key names no column: the first reference field
        field = next((f for f in spec.fields if f.kind in ("ref", "refs")), spec.fields[0])
    return FieldError(field.name, f"{field.words} {exc.words}")


def _field_named_in(spec: TableSpec, exc: ConstraintRefused) -> AdminField | None:
    """The field whose column a constraint names (``card_types.code``,
    ``card_type_subscriptions.rate``) or whose name is a word of a CHECK's expression
    (``extra_margin_days >= 0``)."""
    if exc.table in (spec.table, *_SIDE_TABLES) and exc.columns:
        names = [_SIDE_TABLES.get(exc.table or "", "") + c for c in exc.columns]
        return next((f for f in spec.fields if f.name in names), None)
    words = set(re.findall(r"\w+", exc.expression))
    for f in spec.fields:
        if f.name in words or (f.name.startswith("sub_") and f.name.removeprefix("sub_") in words):
            return f
    return None
