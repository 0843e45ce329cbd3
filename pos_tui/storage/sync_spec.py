"""What travels between a lane's SQLite and the head office, and how rows are named there.

Local ids mean nothing at another store, so a row that travels names what it refers to by
natural key: reference rows by code (items by SKU, employees by number), customers by a chain
id (``gid``: ``<origin>:<local id>`` of the lane that enrolled them). A reference column loses
its ``_id`` on the way (``card_type_id`` 7 becomes ``card_type`` "GOLD").
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class MasterTable:
    """A reference table kept chain-wide: one row per natural key, last writer wins."""

    name: str
    # Natural key columns; a reference column among them is named by its referent's key.
    key: tuple[str, ...]
    # Reference column -> referenced master table.
    refs: dict[str, str] = field(default_factory=dict)
    # JSON columns holding customer columns by name (customer type defaults): their
    # references are translated too.
    json_refs: tuple[str, ...] = ()


# In dependency order: a row's referents come before it.
MASTER_TABLES: tuple[MasterTable, ...] = (
    MasterTable("location_groups", ("code",)),
    MasterTable("locations", ("code",), {"location_group_id": "location_groups"}),
    MasterTable("teams", ("code",)),
    MasterTable("employees", ("number",)),
    MasterTable("taxes", ("code",)),
    MasterTable("tax_classes", ("code",)),
    MasterTable(
        "tax_class_taxes",
        ("tax_class_id", "tax_id"),
        {"tax_class_id": "tax_classes", "tax_id": "taxes"},
    ),
    MasterTable("item_groups", ("code",)),
    MasterTable("item_subgroups", ("code",), {"group_id": "item_groups"}),
    MasterTable(
        "items", ("sku",), {"subgroup_id": "item_subgroups", "tax_class_id": "tax_classes"}
    ),
    MasterTable("price_lists", ("code",)),
    MasterTable(
        "price_list_items",
        ("price_list_id", "item_id"),
        {"price_list_id": "price_lists", "item_id": "items"},
    ),
    MasterTable("card_types", ("code",)),
    MasterTable(
        "card_type_restricted_subgroups",
        ("card_type_id", "subgroup_id"),
        {"card_type_id": "card_types", "subgroup_id": "item_subgroups"},
    ),
    MasterTable("card_type_subscriptions", ("card_type_id",), {"card_type_id": "card_types"}),
    MasterTable("customer_types", ("code",), json_refs=("defaults",)),
)
MASTER = {t.name: t for t in MASTER_TABLES}

# A customer's references to reference data (and to another customer: the link for referrals).
CUSTOMER_REFS: dict[str, str] = {
    "customer_type_id": "customer_types",
    "card_type_id": "card_types",
    "price_list_id": "price_lists",
    "home_location_id": "locations",
    "location_group_id": "location_groups",
    "limit_to_location_id": "locations",
    "link_customer_id": "customers",
}
# Unique customer fields: a value two stores gave two customers offline is resolved at HQ.
CUSTOMER_UNIQUE = ("account_number", "card_number", "mobile", "email")

# A customer's other rows, sent as one set whenever any of them changes.
CUSTOMER_CHILDREN: dict[str, str] = {
    "addresses": "customer_addresses",
    "contacts": "customer_contacts",
    "transaction_discounts": "customer_transaction_discounts",
    "teams": "customer_teams",
    "exempt_taxes": "customer_exempt_taxes",
    "pictures": "customer_pictures",
}
CHILD_REFS: dict[str, dict[str, str]] = {
    "customer_teams": {"team_id": "teams"},
    "customer_exempt_taxes": {"tax_id": "taxes"},
}

# Append-only tables whose new rows travel up as events (read when pushed: they never change).
APPEND_ONLY = {
    "sales": "sale",
    "loyalty_ledger": "points",
    "receivable_ledger": "receivable",
    "audit_log": "audit",
}


def ref_name(column: str) -> str:
    """``card_type_id`` -> ``card_type``: how a reference column is named at HQ."""
    return column[:-3] if column.endswith("_id") else column


@dataclass(frozen=True)
class RecordTable:
    """A table of the lane's own records that head office keeps a copy of (orders, statement
    runs): rows named by ``<origin>:<local rowid>``, sent whole whenever one is written."""

    name: str
    # Reference column -> what it names: a master table, "customers", "sales" (lane and sale
    # number), "ledger" (the chain name of a receivable ledger row) or another record table.
    refs: dict[str, str] = field(default_factory=dict)
    # Columns that stay on the lane (a print job is this lane's queue).
    local: tuple[str, ...] = ()
    # Columns holding personal data, blanked when the customer is erased.
    personal: tuple[str, ...] = ()


# In dependency order. The journal records of orders, withdrawals and statement charges are
# sales and ledger rows, which travel as such; these are what links and describes them.
RECORD_TABLES: tuple[RecordTable, ...] = (
    RecordTable(
        "customer_orders",
        {
            "customer_id": "customers",
            "location_id": "locations",
            "employee_id": "employees",
            "completed_sale_id": "sales",
        },
    ),
    RecordTable(
        "customer_order_records",
        {"order_id": "customer_orders", "sale_id": "sales"},
    ),
    RecordTable("statement_runs", {"employee_id": "employees"}),
    RecordTable(
        "statements",
        {"run_id": "statement_runs", "customer_id": "customers"},
        local=("print_job_id",),
        personal=("email_to", "print_file", "email_error"),
    ),
    RecordTable(
        "statement_entries",
        {"statement_id": "statements", "entry_id": "ledger"},
    ),
)
RECORDS = {t.name: t for t in RECORD_TABLES}

# Tables that stay on the lane database, and why (docs/sync.md "What stays on the lane"). A
# sale's lines, discounts, taxes and tenders travel inside its sale event.
LANE_ONLY: dict[str, str] = {
    "_sqlite_migrations": "this file's schema version",
    "counters": "this file's numbering (sale numbers, the catalog version)",
    "settings": "the store's own options (pos-tui options): settings differ by store",
    "open_sales": "sales being rung up or held at this store's lanes",
    "print_jobs": "this store's print queue",
    # Each no-sale is also an audit row, and audit rows travel.
    "drawer_openings": "this store's cash drawer journal (its no-sales are audited)",
    "customer_visits": "who is in this store now",
    "customer_name_keys": "the name search index, rebuilt from the customers",
    "journal_migrations": "how this file's journal was re-sealed; head office keeps the seals",
    "journal_reseals": "how this file's journal was re-sealed; head office keeps the seals",
    # Wrong PINs in a row are the store's defence against someone at its keyboards: shared by
    # the lanes on the file, short-lived (minutes), and never dependent on the network. Every
    # failure, lockout and clear is an audit row, and those reach head office.
    "pin_lockouts": "the store's running count of wrong PINs (its audit rows travel)",
    "sync_outbox": "the sync agent's own state",
    "sync_state": "the sync agent's own state",
    "sync_ids": "the sync agent's own state",
    "sync_applying": "the sync agent's own state",
    "sync_flags": "head office's flags as they came down",
}
