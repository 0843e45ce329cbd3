-- pos-tui schema, version 1.
-- Money and points are TEXT holding exact decimal strings ("125.50", "102.375"): they are summed
-- in Python with Decimal, never by SQLite (whose SUM would go through float).
-- Flags are INTEGER 0/1. Dates are ISO 'YYYY-MM-DD', moments ISO 'YYYY-MM-DDTHH:MM:SS'.

CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE counters (
    name TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);

CREATE TABLE location_groups (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL
);

CREATE TABLE locations (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    location_group_id INTEGER REFERENCES location_groups(id)
);

CREATE TABLE teams (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL
);

CREATE TABLE employees (
    id INTEGER PRIMARY KEY,
    number TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('cashier', 'supervisor', 'manager')),
    pin_hash TEXT NOT NULL,
    max_discount_percent TEXT NOT NULL DEFAULT '0',
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
);

CREATE TABLE taxes (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    rate_percent TEXT NOT NULL,
    -- 'exclusive': added on top of the price; 'inclusive': already inside the price.
    mode TEXT NOT NULL DEFAULT 'exclusive' CHECK (mode IN ('exclusive', 'inclusive'))
);

CREATE TABLE tax_classes (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL
);

CREATE TABLE tax_class_taxes (
    tax_class_id INTEGER NOT NULL REFERENCES tax_classes(id) ON DELETE CASCADE,
    tax_id INTEGER NOT NULL REFERENCES taxes(id),
    PRIMARY KEY (tax_class_id, tax_id)
);

CREATE TABLE item_groups (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL
);

CREATE TABLE item_subgroups (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    group_id INTEGER NOT NULL REFERENCES item_groups(id)
);

CREATE TABLE items (
    id INTEGER PRIMARY KEY,
    sku TEXT NOT NULL UNIQUE,
    barcode TEXT UNIQUE,
    name TEXT NOT NULL,
    subgroup_id INTEGER REFERENCES item_subgroups(id),
    tax_class_id INTEGER REFERENCES tax_classes(id),
    regular_price TEXT NOT NULL,
    -- Price levels 1-4 (OpSuite's A/B/C are levels 1/2/3). NULL: the level falls back to regular.
    price_level_1 TEXT,
    price_level_2 TEXT,
    price_level_3 TEXT,
    price_level_4 TEXT,
    -- A promotional price applies to non-forced customers between the dates.
    promo_price TEXT,
    promo_start TEXT,
    promo_end TEXT,
    points_eligible INTEGER NOT NULL DEFAULT 1 CHECK (points_eligible IN (0, 1)),
    discount_eligible INTEGER NOT NULL DEFAULT 1 CHECK (discount_eligible IN (0, 1)),
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
);

CREATE TABLE price_lists (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL
);

CREATE TABLE price_list_items (
    price_list_id INTEGER NOT NULL REFERENCES price_lists(id) ON DELETE CASCADE,
    item_id INTEGER NOT NULL REFERENCES items(id),
    price TEXT NOT NULL,
    PRIMARY KEY (price_list_id, item_id)
);

CREATE TABLE card_types (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    -- Earning: points_awarded per block of block_sale_value (e.g. 2 per 100).
    block_sale_value TEXT NOT NULL DEFAULT '0',
    points_awarded TEXT NOT NULL DEFAULT '0',
    rounding TEXT NOT NULL DEFAULT 'no' CHECK (rounding IN ('no', 'higher', 'lower', 'standard')),
    rounding_limit TEXT NOT NULL DEFAULT '1',
    -- Birthday / anniversary extras.
    extra_points TEXT NOT NULL DEFAULT '0',
    extra_points_on TEXT NOT NULL DEFAULT 'fixed' CHECK (extra_points_on IN ('fixed', 'sale_value')),
    extra_points_sale_value TEXT NOT NULL DEFAULT '0',
    extra_margin_days INTEGER NOT NULL DEFAULT 0 CHECK (extra_margin_days >= 0),
    -- Referral: points to the link (referring) customer per block of the referred one's sales.
    referral_points TEXT NOT NULL DEFAULT '0',
    referral_block_value TEXT NOT NULL DEFAULT '0',
    -- Redemption: points_to_convert points are worth equivalent_currency.
    points_to_convert TEXT NOT NULL DEFAULT '0',
    equivalent_currency TEXT NOT NULL DEFAULT '0',
    discount_percent TEXT NOT NULL DEFAULT '0',
    -- Point multiplier 0-10 on chosen weekdays ('mon,tue,...') inside a time window.
    multiplier TEXT NOT NULL DEFAULT '1',
    multiplier_weekdays TEXT NOT NULL DEFAULT '',
    multiplier_from_time TEXT,
    multiplier_to_time TEXT,
    -- Auto-upgrade: a customer whose points balance enters [upgrade_min_points, upgrade_max_points]
    -- moves to this card type.
    upgrade_min_points TEXT,
    upgrade_max_points TEXT,
    method_of_input TEXT NOT NULL DEFAULT 'keyboard'
        CHECK (method_of_input IN ('keyboard', 'list', 'num_pad', 'smart_card')),
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    CHECK (CAST(multiplier AS REAL) >= 0 AND CAST(multiplier AS REAL) <= 10)
);

CREATE TABLE card_type_restricted_subgroups (
    card_type_id INTEGER NOT NULL REFERENCES card_types(id) ON DELETE CASCADE,
    subgroup_id INTEGER NOT NULL REFERENCES item_subgroups(id),
    PRIMARY KEY (card_type_id, subgroup_id)
);

CREATE TABLE card_type_subscriptions (
    card_type_id INTEGER PRIMARY KEY REFERENCES card_types(id) ON DELETE CASCADE,
    ledger_account TEXT NOT NULL,
    periodicity TEXT NOT NULL CHECK (periodicity IN ('monthly', 'quarterly', 'half_yearly', 'yearly')),
    rate TEXT NOT NULL,
    tax_code TEXT,
    tax_rate_percent TEXT NOT NULL DEFAULT '0',
    cover_charges INTEGER NOT NULL DEFAULT 0 CHECK (cover_charges IN (0, 1)),
    posting TEXT NOT NULL DEFAULT 'beginning' CHECK (posting IN ('beginning', 'end'))
);

CREATE TABLE customer_types (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    -- JSON object of customer column -> default value, applied when a customer of this type is
    -- created (e.g. {"card_type_id": 2, "price_level": 1, "credit_limit": "5000.00"}).
    defaults TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(defaults))
);

CREATE TABLE customers (
    id INTEGER PRIMARY KEY,
    account_number TEXT NOT NULL UNIQUE,
    salutation TEXT,
    first_name TEXT,
    last_name TEXT,
    is_company INTEGER NOT NULL DEFAULT 0 CHECK (is_company IN (0, 1)),
    company_name TEXT,
    customer_type_id INTEGER REFERENCES customer_types(id),
    card_type_id INTEGER REFERENCES card_types(id),
    card_number TEXT UNIQUE,
    card_issue_date TEXT,
    card_expiry_date TEXT,
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    -- Main contact (the main address's phone/mobile/fax/email; mobile and email are unique).
    phone TEXT,
    mobile TEXT,
    fax TEXT,
    email TEXT,
    website TEXT,
    tax_resale_id TEXT,
    tax_exempt INTEGER NOT NULL DEFAULT 0 CHECK (tax_exempt IN (0, 1)),
    is_employee INTEGER NOT NULL DEFAULT 0 CHECK (is_employee IN (0, 1)),
    -- 0 = regular price, 1-4 = price levels (A/B/C = 1/2/3).
    price_level INTEGER NOT NULL DEFAULT 0 CHECK (price_level BETWEEN 0 AND 4),
    forced_price_level INTEGER NOT NULL DEFAULT 0 CHECK (forced_price_level IN (0, 1)),
    price_list_id INTEGER REFERENCES price_lists(id),
    auto_discount_percent TEXT NOT NULL DEFAULT '0',
    home_location_id INTEGER REFERENCES locations(id),
    location_group_id INTEGER REFERENCES location_groups(id),
    limit_to_location_id INTEGER REFERENCES locations(id),
    patronage_group TEXT,
    link_customer_id INTEGER REFERENCES customers(id),
    birth_date TEXT,
    spouse_name TEXT,
    anniversary_date TEXT,
    remarks TEXT,
    pos_remarks TEXT,
    other_information INTEGER NOT NULL DEFAULT 0 CHECK (other_information IN (0, 1)),
    billing_address TEXT NOT NULL DEFAULT 'main' CHECK (billing_address IN ('main', 'alternate')),
    circular_address TEXT NOT NULL DEFAULT 'main' CHECK (circular_address IN ('main', 'alternate')),
    bill_delivery TEXT NOT NULL DEFAULT 'print' CHECK (bill_delivery IN ('email', 'print', 'both')),
    send_email INTEGER NOT NULL DEFAULT 1 CHECK (send_email IN (0, 1)),
    send_sms INTEGER NOT NULL DEFAULT 1 CHECK (send_sms IN (0, 1)),
    privacy_show_other_info INTEGER NOT NULL DEFAULT 1 CHECK (privacy_show_other_info IN (0, 1)),
    privacy_show_crm_points INTEGER NOT NULL DEFAULT 1 CHECK (privacy_show_crm_points IN (0, 1)),
    statement_print INTEGER NOT NULL DEFAULT 1 CHECK (statement_print IN (0, 1)),
    statement_email INTEGER NOT NULL DEFAULT 0 CHECK (statement_email IN (0, 1)),
    second_receipt INTEGER NOT NULL DEFAULT 0 CHECK (second_receipt IN (0, 1)),
    required_reference INTEGER NOT NULL DEFAULT 0 CHECK (required_reference IN (0, 1)),
    required_reference_label TEXT,
    -- Allowed transaction types (Quasar).
    allow_charge INTEGER NOT NULL DEFAULT 0 CHECK (allow_charge IN (0, 1)),
    allow_cash_withdrawal INTEGER NOT NULL DEFAULT 0 CHECK (allow_cash_withdrawal IN (0, 1)),
    allow_payment INTEGER NOT NULL DEFAULT 1 CHECK (allow_payment IN (0, 1)),
    withdraw_only_in_credit INTEGER NOT NULL DEFAULT 0 CHECK (withdraw_only_in_credit IN (0, 1)),
    -- Accounts receivable.
    ar_enabled INTEGER NOT NULL DEFAULT 0 CHECK (ar_enabled IN (0, 1)),
    ar_account_type TEXT NOT NULL DEFAULT 'open_item'
        CHECK (ar_account_type IN ('open_item', 'balance_forward')),
    ledger_account TEXT,
    credit_limit TEXT NOT NULL DEFAULT '0',
    credit_hold INTEGER NOT NULL DEFAULT 0 CHECK (credit_hold IN (0, 1)),
    grace_period_type TEXT NOT NULL DEFAULT 'none'
        CHECK (grace_period_type IN ('none', 'posted_date', 'statement_date')),
    grace_period_days INTEGER NOT NULL DEFAULT 0 CHECK (grace_period_days >= 0),
    payment_terms TEXT,
    service_charge_percent TEXT NOT NULL DEFAULT '0',
    pin_hash TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK (card_expiry_date IS NULL OR card_issue_date IS NULL OR card_expiry_date >= card_issue_date)
);
CREATE UNIQUE INDEX customers_mobile ON customers(mobile) WHERE mobile IS NOT NULL;
CREATE UNIQUE INDEX customers_email ON customers(lower(email)) WHERE email IS NOT NULL;
CREATE INDEX customers_card_type ON customers(card_type_id);
CREATE INDEX customers_customer_type ON customers(customer_type_id);
CREATE INDEX customers_link ON customers(link_customer_id);
CREATE INDEX customers_birthday ON customers(substr(birth_date, 6, 5));

CREATE TABLE customer_exempt_taxes (
    customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    tax_id INTEGER NOT NULL REFERENCES taxes(id),
    PRIMARY KEY (customer_id, tax_id)
);

CREATE TABLE customer_teams (
    customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    team_id INTEGER NOT NULL REFERENCES teams(id),
    PRIMARY KEY (customer_id, team_id)
);

CREATE TABLE customer_addresses (
    id INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    address_type TEXT NOT NULL
        CHECK (address_type IN ('main', 'alternate', 'billing', 'circular', 'shipping')),
    contact_name TEXT,
    street_number TEXT,
    street_name TEXT,
    line_1 TEXT,
    line_2 TEXT,
    line_3 TEXT,
    line_4 TEXT,
    locality TEXT,
    related_location TEXT,
    city TEXT,
    state TEXT,
    postal_code TEXT,
    country TEXT,
    phone TEXT,
    alt_phone TEXT,
    mobile TEXT,
    fax TEXT,
    email TEXT,
    website TEXT
);
CREATE INDEX customer_addresses_customer ON customer_addresses(customer_id);

CREATE TABLE customer_contacts (
    id INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    relationship TEXT,
    phone TEXT,
    mobile TEXT,
    email TEXT,
    may_charge INTEGER NOT NULL DEFAULT 1 CHECK (may_charge IN (0, 1))
);
CREATE INDEX customer_contacts_customer ON customer_contacts(customer_id);

-- Automatic transaction discounts given to one customer at the point of sale.
CREATE TABLE customer_transaction_discounts (
    id INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    description TEXT NOT NULL,
    percent TEXT NOT NULL DEFAULT '0',
    amount TEXT NOT NULL DEFAULT '0',
    min_subtotal TEXT NOT NULL DEFAULT '0'
);

CREATE TABLE customer_pictures (
    customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    slot INTEGER NOT NULL CHECK (slot IN (1, 2)),
    media_type TEXT NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (customer_id, slot)
);

-- Work orders, back orders, special orders and layaways (OpSuite "Orders").
CREATE TABLE customer_orders (
    id INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    number TEXT NOT NULL UNIQUE,
    order_type TEXT NOT NULL CHECK (order_type IN ('work', 'back', 'special', 'layaway')),
    status TEXT NOT NULL CHECK (status IN ('pending', 'completed', 'cancelled')),
    location_id INTEGER REFERENCES locations(id),
    placed_at TEXT NOT NULL,
    amount_due TEXT NOT NULL DEFAULT '0',
    closed_at TEXT
);
CREATE INDEX customer_orders_customer ON customer_orders(customer_id);

-- Append-only ledgers. Balances are sums over them, computed with Decimal.
CREATE TABLE loyalty_ledger (
    id INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    entry_type TEXT NOT NULL
        CHECK (entry_type IN ('opening', 'earned', 'used', 'adjusted', 'referral', 'reversed')),
    points TEXT NOT NULL,
    sale_id INTEGER REFERENCES sales(id),
    reason TEXT,
    employee_id INTEGER REFERENCES employees(id),
    created_at TEXT NOT NULL,
    CHECK (entry_type != 'adjusted' OR (reason IS NOT NULL AND trim(reason) != ''))
);
CREATE INDEX loyalty_ledger_customer ON loyalty_ledger(customer_id);

CREATE TABLE receivable_ledger (
    id INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    -- amount > 0 raises what the customer owes (charge, withdrawal, service charge);
    -- amount < 0 lowers it (payment, credit adjustment, return).
    entry_type TEXT NOT NULL CHECK (entry_type IN
        ('opening', 'charge', 'payment', 'adjustment', 'service_charge', 'withdrawal', 'return')),
    amount TEXT NOT NULL,
    reference TEXT,
    sale_id INTEGER REFERENCES sales(id),
    due_date TEXT,
    note TEXT,
    employee_id INTEGER REFERENCES employees(id),
    posted_at TEXT NOT NULL
);
CREATE INDEX receivable_ledger_customer ON receivable_ledger(customer_id);

-- The sales journal: one row per committed sale or return, chained per lane by hash.
CREATE TABLE sales (
    id INTEGER PRIMARY KEY,
    lane_id TEXT NOT NULL,
    store_id TEXT NOT NULL,
    sale_number INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('sale', 'return')),
    original_sale_id INTEGER REFERENCES sales(id),
    customer_id INTEGER REFERENCES customers(id),
    employee_id INTEGER REFERENCES employees(id),
    committed_at TEXT NOT NULL,
    subtotal TEXT NOT NULL,
    discount_total TEXT NOT NULL,
    tax_total TEXT NOT NULL,
    total TEXT NOT NULL,
    points_earned TEXT NOT NULL DEFAULT '0',
    -- The earning base of points_earned, and the link customer's referral points: a return
    -- reverses exactly what its sale gave.
    points_base TEXT NOT NULL DEFAULT '0',
    referral_customer_id INTEGER REFERENCES customers(id),
    referral_points TEXT NOT NULL DEFAULT '0',
    points_used TEXT NOT NULL DEFAULT '0',
    reference TEXT,
    explanation TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(explanation)),
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL UNIQUE,
    UNIQUE (lane_id, sale_number)
);
CREATE INDEX sales_customer ON sales(customer_id, committed_at);
CREATE INDEX sales_committed ON sales(committed_at);

CREATE TABLE sale_lines (
    sale_id INTEGER NOT NULL REFERENCES sales(id),
    line_no INTEGER NOT NULL,
    item_id INTEGER REFERENCES items(id),
    sku TEXT NOT NULL,
    description TEXT NOT NULL,
    quantity TEXT NOT NULL,
    unit_price TEXT NOT NULL,
    price_source TEXT NOT NULL,
    discount TEXT NOT NULL DEFAULT '0',
    tax TEXT NOT NULL DEFAULT '0',
    total TEXT NOT NULL,
    original_line_no INTEGER,
    PRIMARY KEY (sale_id, line_no)
);

CREATE TABLE sale_discounts (
    id INTEGER PRIMARY KEY,
    sale_id INTEGER NOT NULL REFERENCES sales(id),
    line_no INTEGER,
    kind TEXT NOT NULL,
    description TEXT NOT NULL,
    amount TEXT NOT NULL
);
CREATE INDEX sale_discounts_sale ON sale_discounts(sale_id);

CREATE TABLE sale_taxes (
    sale_id INTEGER NOT NULL REFERENCES sales(id),
    tax_code TEXT NOT NULL,
    taxable TEXT NOT NULL,
    amount TEXT NOT NULL,
    PRIMARY KEY (sale_id, tax_code)
);

CREATE TABLE sale_tenders (
    sale_id INTEGER NOT NULL REFERENCES sales(id),
    seq INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('cash', 'card', 'account', 'points')),
    amount TEXT NOT NULL,
    reference TEXT,
    points TEXT,
    change_given TEXT NOT NULL DEFAULT '0',
    PRIMARY KEY (sale_id, seq)
);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    lane_id TEXT,
    employee_id INTEGER REFERENCES employees(id),
    entity TEXT NOT NULL,
    entity_id INTEGER,
    action TEXT NOT NULL,
    changes TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(changes))
);
CREATE INDEX audit_log_entity ON audit_log(entity, entity_id);

-- Nothing may rewrite history: ledgers, the journal and the audit log only grow.
CREATE TRIGGER loyalty_ledger_no_update BEFORE UPDATE ON loyalty_ledger
BEGIN SELECT RAISE(ABORT, 'loyalty_ledger is append-only'); END;
CREATE TRIGGER loyalty_ledger_no_delete BEFORE DELETE ON loyalty_ledger
BEGIN SELECT RAISE(ABORT, 'loyalty_ledger is append-only'); END;
CREATE TRIGGER receivable_ledger_no_update BEFORE UPDATE ON receivable_ledger
BEGIN SELECT RAISE(ABORT, 'receivable_ledger is append-only'); END;
CREATE TRIGGER receivable_ledger_no_delete BEFORE DELETE ON receivable_ledger
BEGIN SELECT RAISE(ABORT, 'receivable_ledger is append-only'); END;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER sales_no_update BEFORE UPDATE ON sales
BEGIN SELECT RAISE(ABORT, 'the sales journal is append-only'); END;
CREATE TRIGGER sales_no_delete BEFORE DELETE ON sales
BEGIN SELECT RAISE(ABORT, 'the sales journal is append-only'); END;
CREATE TRIGGER sale_lines_no_update BEFORE UPDATE ON sale_lines
BEGIN SELECT RAISE(ABORT, 'the sales journal is append-only'); END;
CREATE TRIGGER sale_lines_no_delete BEFORE DELETE ON sale_lines
BEGIN SELECT RAISE(ABORT, 'the sales journal is append-only'); END;
CREATE TRIGGER sale_discounts_no_update BEFORE UPDATE ON sale_discounts
BEGIN SELECT RAISE(ABORT, 'the sales journal is append-only'); END;
CREATE TRIGGER sale_discounts_no_delete BEFORE DELETE ON sale_discounts
BEGIN SELECT RAISE(ABORT, 'the sales journal is append-only'); END;
CREATE TRIGGER sale_taxes_no_update BEFORE UPDATE ON sale_taxes
BEGIN SELECT RAISE(ABORT, 'the sales journal is append-only'); END;
CREATE TRIGGER sale_taxes_no_delete BEFORE DELETE ON sale_taxes
BEGIN SELECT RAISE(ABORT, 'the sales journal is append-only'); END;
CREATE TRIGGER sale_tenders_no_update BEFORE UPDATE ON sale_tenders
BEGIN SELECT RAISE(ABORT, 'the sales journal is append-only'); END;
CREATE TRIGGER sale_tenders_no_delete BEFORE DELETE ON sale_tenders
BEGIN SELECT RAISE(ABORT, 'the sales journal is append-only'); END;

-- A customer who owes money cannot be made inactive (Quasar).
CREATE TRIGGER customers_inactive_with_balance BEFORE UPDATE OF active ON customers
WHEN NEW.active = 0 AND OLD.active = 1 AND EXISTS (
    SELECT 1 FROM receivable_ledger WHERE customer_id = NEW.id
    GROUP BY customer_id HAVING round(total(CAST(amount AS REAL)), 6) != 0
)
BEGIN SELECT RAISE(ABORT, 'customer has a receivable balance and cannot be made inactive'); END;
