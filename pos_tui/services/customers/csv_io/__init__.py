"""Customers in and out of CSV files.

Import maps each CSV column onto a customer field (a mapping file says which, and how to turn
values like "yes"/"no" into ours) and stores every row through ``CustomerService.create``, so an
imported customer passes exactly the rules a typed one does. Good rows are kept, bad rows are
reported with their row number and the reason. Rows are committed in batches; inside a batch each
row has its own savepoint, so a refused row takes back only itself.

Export writes every field of the customer master, the main and alternate addresses and the
balances, in the form import reads back: export, then import into a fresh database, gives the
same customers.

Row numbers are those a spreadsheet shows: the header is row 1, the first customer row 2.

The parts: :mod:`.columns` (the shared column vocabulary), :mod:`.mapping` (mapping files and
presets), :mod:`.reading` (the file and its column plan), :mod:`.importer` (the import run) and
:mod:`.export`.
"""

from __future__ import annotations

from pos_tui.services.customers.csv_io.columns import (
    ADDRESS_COLUMN_FIELDS,
    EXPORT_ADDRESS_TYPES,
    EXTRA_TARGETS,
    IGNORE,
    LINK_COLUMN,
    LIST_COLUMNS,
    READ_ONLY_COLUMNS,
    REF_COLUMNS,
    CsvFileError,
    ProgressFn,
    valid_targets,
)
from pos_tui.services.customers.csv_io.export import export_columns, export_customers
from pos_tui.services.customers.csv_io.importer import (
    DEFAULT_BATCH,
    CustomerImporter,
    ImportReport,
    Rejected,
    write_rejects,
)
from pos_tui.services.customers.csv_io.mapping import (
    ColumnRule,
    Mapping,
    load_mapping,
    mapping_from_dict,
    mappings_dir,
    preset_mapping,
)
from pos_tui.services.customers.csv_io.reading import Plan, plan_columns, read_csv

__all__ = [
    "ADDRESS_COLUMN_FIELDS",
    "DEFAULT_BATCH",
    "EXPORT_ADDRESS_TYPES",
    "EXTRA_TARGETS",
    "IGNORE",
    "LINK_COLUMN",
    "LIST_COLUMNS",
    "READ_ONLY_COLUMNS",
    "REF_COLUMNS",
    "ColumnRule",
    "CsvFileError",
    "CustomerImporter",
    "ImportReport",
    "Mapping",
    "Plan",
    "ProgressFn",
    "Rejected",
    "export_columns",
    "export_customers",
    "load_mapping",
    "mapping_from_dict",
    "mappings_dir",
    "plan_columns",
    "preset_mapping",
    "read_csv",
    "valid_targets",
    "write_rejects",
]
