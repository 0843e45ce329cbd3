-- Shifts and cash (issue 16): a lane's till from its opening float to its Z report.
-- (The journal's new record kinds are widened in db.py: SQLite cannot ALTER a CHECK.)

-- One shift of one lane: opened with a float, closed once by the Z report sealed in the
-- journal. The shift's journal records are the lane's records numbered after
-- ``after_sale_number`` (the lane's last record when it opened) up to its Z record.
CREATE TABLE shifts (
    id INTEGER PRIMARY KEY,
    lane_id TEXT NOT NULL,
    store_id TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    opened_at TEXT NOT NULL,
    opened_by INTEGER NOT NULL REFERENCES employees(id),
    opening_float TEXT NOT NULL,
    -- The float counted by denomination (JSON {"500": 2, ...}), NULL when given as one amount.
    float_counts TEXT CHECK (float_counts IS NULL OR json_valid(float_counts)),
    after_sale_number INTEGER NOT NULL,
    closed_at TEXT,
    closed_by INTEGER REFERENCES employees(id),
    z_sale_id INTEGER REFERENCES sales(id),
    CHECK ((status = 'open') = (z_sale_id IS NULL))
);
-- Two lanes never share a shift, and a lane has at most one open shift.
CREATE UNIQUE INDEX shifts_one_open_per_lane ON shifts(lane_id) WHERE status = 'open';
CREATE INDEX shifts_lane_opened ON shifts(lane_id, opened_at);

-- A shift only ever closes, once; it is never deleted.
CREATE TRIGGER shifts_close_once BEFORE UPDATE ON shifts
WHEN OLD.status = 'closed' OR NEW.id IS NOT OLD.id OR NEW.lane_id IS NOT OLD.lane_id
    OR NEW.opened_at IS NOT OLD.opened_at OR NEW.opening_float IS NOT OLD.opening_float
    OR NEW.after_sale_number IS NOT OLD.after_sale_number OR NEW.opened_by IS NOT OLD.opened_by
BEGIN SELECT RAISE(ABORT, 'a shift closes once and is otherwise never changed'); END;
CREATE TRIGGER shifts_no_delete BEFORE DELETE ON shifts
BEGIN SELECT RAISE(ABORT, 'shifts are kept'); END;

-- How a payment on account was applied to the charges it settles (oldest first unless the
-- cashier picked one): the money is the ledger's, this only says which charge it went to.
CREATE TABLE receivable_allocations (
    payment_entry_id INTEGER NOT NULL REFERENCES receivable_ledger(id),
    charge_entry_id INTEGER NOT NULL REFERENCES receivable_ledger(id),
    amount TEXT NOT NULL,
    PRIMARY KEY (payment_entry_id, charge_entry_id)
);
CREATE INDEX receivable_allocations_charge ON receivable_allocations(charge_entry_id);
CREATE TRIGGER receivable_allocations_no_update BEFORE UPDATE ON receivable_allocations
BEGIN SELECT RAISE(ABORT, 'receivable_allocations is append-only'); END;
CREATE TRIGGER receivable_allocations_no_delete BEFORE DELETE ON receivable_allocations
BEGIN SELECT RAISE(ABORT, 'receivable_allocations is append-only'); END;
