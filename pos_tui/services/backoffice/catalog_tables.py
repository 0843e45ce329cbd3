"""The reference tables the back office edits, described once: each table's fields, their
kinds, sections and defaults, and the columns its list shows. The edit screen lays itself out
from these and :mod:`.catalog_rules` validates every value against them."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from pos_tui.services.customers import fields as cf

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
