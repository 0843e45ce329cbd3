-- FusionRetail "Track In or Out": a customer's visit at a lane, from the moment the cashier
-- attaches them to a sale ("in") to the moment that sale is committed, voided or held, or the
-- customer is taken off it ("out"). Written only when the store option customers.track_in_out
-- is on. ``out_at`` is set once, when the visit ends, so this table is not append-only.
CREATE TABLE customer_visits (
    id INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    lane_id TEXT NOT NULL,
    employee_id INTEGER REFERENCES employees(id),
    in_at TEXT NOT NULL,
    out_at TEXT,
    outcome TEXT CHECK (outcome IN ('sale', 'void', 'hold', 'detach', 'replaced')),
    sale_id INTEGER REFERENCES sales(id),
    CHECK ((out_at IS NULL) = (outcome IS NULL)),
    CHECK (sale_id IS NULL OR outcome = 'sale')
);
CREATE INDEX customer_visits_customer ON customer_visits(customer_id, in_at);
-- At most one visit is open per lane; the lane finds it on every attach and commit.
CREATE UNIQUE INDEX customer_visits_open ON customer_visits(lane_id) WHERE out_at IS NULL;
