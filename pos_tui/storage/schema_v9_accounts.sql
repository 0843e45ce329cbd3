-- Customer accounts end to end: statement runs, orders with their journal records, erasure.
-- (The journal's kinds and the deposit tender are widened in db.py: SQLite cannot ALTER a CHECK.)

-- A statement run closes the receivable period up to its statement date, once per date.
CREATE TABLE statement_runs (
    id INTEGER PRIMARY KEY,
    statement_date TEXT NOT NULL UNIQUE,
    run_at TEXT NOT NULL,
    employee_id INTEGER REFERENCES employees(id),
    via TEXT NOT NULL,
    statements INTEGER NOT NULL DEFAULT 0,
    service_charges TEXT NOT NULL DEFAULT '0'
);

-- One customer's statement of a run: the balances of the period it closed and its deliveries.
-- Amounts are sums of the ledger entries the statement bills (statement_entries), which makes
-- them checkable: closing = opening + charges + credits = every entry billed up to this one.
CREATE TABLE statements (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES statement_runs(id),
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    statement_date TEXT NOT NULL,
    opening_balance TEXT NOT NULL,
    charges TEXT NOT NULL,
    credits TEXT NOT NULL,
    closing_balance TEXT NOT NULL,
    -- Grace from statement date: the statement date + grace days; otherwise the earliest due
    -- date of what is still open (NULL: nothing is owed).
    due_date TEXT,
    -- Hard copy: none (toggle off), queued (an ESC/POS job in print_jobs), pending (a file to
    -- write), written (the file is there), failed.
    print_status TEXT NOT NULL CHECK (print_status IN ('none', 'queued', 'pending', 'written', 'failed')),
    print_job_id INTEGER REFERENCES print_jobs(id),
    print_file TEXT,
    -- E-mail copy: none (toggle off), pending (to send, or to try again), sent, failed (for good).
    email_status TEXT NOT NULL CHECK (email_status IN ('none', 'pending', 'sent', 'failed')),
    email_to TEXT,
    email_error TEXT,
    emailed_at TEXT,
    UNIQUE (run_id, customer_id)
);
CREATE INDEX statements_customer ON statements(customer_id, statement_date);

-- The ledger entries a statement bills: every entry is billed on exactly one statement.
CREATE TABLE statement_entries (
    statement_id INTEGER NOT NULL REFERENCES statements(id),
    entry_id INTEGER NOT NULL UNIQUE REFERENCES receivable_ledger(id),
    PRIMARY KEY (statement_id, entry_id)
);

CREATE TRIGGER statement_runs_no_delete BEFORE DELETE ON statement_runs
BEGIN SELECT RAISE(ABORT, 'statement runs are kept'); END;
CREATE TRIGGER statement_entries_no_change BEFORE UPDATE ON statement_entries
BEGIN SELECT RAISE(ABORT, 'statement_entries is append-only'); END;
CREATE TRIGGER statement_entries_no_delete BEFORE DELETE ON statement_entries
BEGIN SELECT RAISE(ABORT, 'statement_entries is append-only'); END;

-- Orders taken at the lane (OpSuite): the order's own stage besides pending/completed/cancelled,
-- its total, the priced rows its completing sale will carry, who took it and where.
ALTER TABLE customer_orders ADD COLUMN stage TEXT CHECK (stage IS NULL OR stage IN
    ('open', 'requested', 'ordered', 'received', 'in_progress', 'ready', 'waiting', 'arrived'));
ALTER TABLE customer_orders ADD COLUMN total TEXT NOT NULL DEFAULT '0';
ALTER TABLE customer_orders ADD COLUMN description TEXT;
ALTER TABLE customer_orders ADD COLUMN lane_id TEXT;
ALTER TABLE customer_orders ADD COLUMN employee_id INTEGER REFERENCES employees(id);
ALTER TABLE customer_orders ADD COLUMN priced TEXT CHECK (priced IS NULL OR json_valid(priced));
ALTER TABLE customer_orders ADD COLUMN completed_sale_id INTEGER REFERENCES sales(id);

-- The journal records of an order: its payments, its completing sale, its cancellation. The
-- money is in the journal; this only links it, so what an order has been paid is a sum of it.
CREATE TABLE customer_order_records (
    order_id INTEGER NOT NULL REFERENCES customer_orders(id),
    sale_id INTEGER NOT NULL UNIQUE REFERENCES sales(id),
    PRIMARY KEY (order_id, sale_id)
);
CREATE TRIGGER customer_order_records_no_update BEFORE UPDATE ON customer_order_records
BEGIN SELECT RAISE(ABORT, 'customer_order_records is append-only'); END;
CREATE TRIGGER customer_order_records_no_delete BEFORE DELETE ON customer_order_records
BEGIN SELECT RAISE(ABORT, 'customer_order_records is append-only'); END;

-- Customers erased on request (personal data removed; sales, ledgers and journal kept).
CREATE TABLE customer_erasures (
    customer_id INTEGER PRIMARY KEY REFERENCES customers(id),
    erased_at TEXT NOT NULL,
    employee_id INTEGER REFERENCES employees(id),
    via TEXT NOT NULL
);
CREATE TRIGGER customer_erasures_no_change BEFORE UPDATE ON customer_erasures
BEGIN SELECT RAISE(ABORT, 'customer_erasures is append-only'); END;
CREATE TRIGGER customer_erasures_no_delete BEFORE DELETE ON customer_erasures
BEGIN SELECT RAISE(ABORT, 'customer_erasures is append-only'); END;

-- The audit log only grows, with one exception: the values in the rows about an erased
-- customer may be blanked (everything else of such a row stays as written).
DROP TRIGGER audit_log_no_update;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
WHEN NOT (
    OLD.entity = 'customer'
    AND EXISTS (SELECT 1 FROM customer_erasures WHERE customer_id = OLD.entity_id)
    AND NEW.id IS OLD.id AND NEW.at IS OLD.at AND NEW.lane_id IS OLD.lane_id
    AND NEW.employee_id IS OLD.employee_id AND NEW.entity IS OLD.entity
    AND NEW.entity_id IS OLD.entity_id AND NEW.action IS OLD.action
)
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
