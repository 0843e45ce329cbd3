"""Names vulture reports as unused that are used where it cannot look (read by vulture, never
run; `[tool.vulture]` in pyproject.toml). Each group says why; remove a line once the name goes."""

# ruff: noqa: B018, F821
# (bare names are what vulture reads; `_` stands for any object)

# Fields of the customer master and of results: filled from the manuals' specification and
# stored or shown, not all read by the code yet.
is_employee
home_location_id
service_charge_percent
points_requested
missing_columns
resealed_from
locale
duration
catalog_version
price_approved_by
_.price_approved_by

# Columns of whole-table row types (pos_tui/storage, checked against the schema by
# tests/storage/test_row_types.py): every column is a field, read or not.
print_job_id
print_file
emailed_at
done_at
float_counts
printed_at
# the customer master's and its children's (pos_tui/storage/customers.py), PIN lockouts' keys
fax
tax_resale_id
patronage_group
spouse_name
other_information
circular_address
bill_delivery
ar_account_type
contact_name
street_number
street_name
line_3
line_4
locality
related_location
alt_phone
relationship
subject_kind
subject_key
last_failure_at
# A join's column a bulk read's row type carries (storage/bulk.py ItemForSale), read by none yet.
subgroup_code

# Documented exit codes of `pos-tui customers import` (EXIT_BAD_FILE is the one named in code).
EXIT_OK
EXIT_REJECTED

# Found by name: the device registry imports its builders from strings.
build_magstripe
build_drawer

# Set on third-party objects, which read them: Textual's Input, sqlite3's Connection, the
# logging module (raiseExceptions: a log write that fails must not print over the lane).
_.selection
_.NOTIFICATION_TIMEOUT
_.row_factory
_.raiseExceptions

# Kept for tests and diagnostics (PrintWorker counts its process() calls; the SSH relay counts
# the bytes each way, the tests read the downstream figure).
_.runs
_.upstream_bytes

# Arguments a caller's signature requires: Textual's check_action and action_screenshot, a
# signal handler, and pytest fixtures asked for their effect.
parameters
filename
signum
tracking

# Hooks a framework calls by name: Textual's App._fatal_error (overridden so a crash's
# traceback shows no local variables) and aiosmtpd's handler methods (the tests' SMTP server).
_._fatal_error
_.handle_RCPT
_.handle_DATA

# The reliability run's figures, read by name through dataclasses.asdict (reliability/figures.py).
inputs_tried
_.inputs_tried

# Textual reads an OptionList's highlighted index when a test sets it (tests/backoffice/test_keyboard.py).
_.highlighted

# Textual reads these by name: the checkout entry's virtual_size reactive (widgets/entry.py)
# and the StylesCache method the memory fix puts in place (widgets/textual_fixes.py).
_.virtual_size
_.get_inner_outer

# The cart-redraw test's steps, called by name from the hypothesis operations
# (tests/app/test_cart_redraw.py: getattr(self, f"_{op[0]}")).
_._add_many
_._qty
_._void
_._sale_discount
_._hold
_._resume
