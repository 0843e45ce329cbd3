-- The lane's working state, so that nothing typed is lost to a crash or a dropped SSH session.

-- A sale being rung up or parked. ``state`` is the whole cart as JSON (items, quantities,
-- customer, discounts, tenders so far), rewritten on every change; a committed sale leaves this
-- table and enters the append-only journal in the same transaction.
CREATE TABLE open_sales (
    id INTEGER PRIMARY KEY,
    lane_id TEXT NOT NULL,
    employee_id INTEGER REFERENCES employees(id),
    status TEXT NOT NULL CHECK (status IN ('in_progress', 'suspended')),
    label TEXT,
    state TEXT NOT NULL CHECK (json_valid(state)),
    started_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX open_sales_lane ON open_sales(lane_id, status);

-- The durable print queue: a receipt is a job written with the sale; printing happens after
-- commit, and a printer that is off leaves the job pending for a retry or a reprint.
CREATE TABLE print_jobs (
    id INTEGER PRIMARY KEY,
    lane_id TEXT NOT NULL,
    sale_id INTEGER REFERENCES sales(id),
    kind TEXT NOT NULL CHECK (kind IN ('receipt', 'copy', 'reprint', 'test', 'statement')),
    document TEXT NOT NULL CHECK (json_valid(document)),
    open_drawer INTEGER NOT NULL DEFAULT 0 CHECK (open_drawer IN (0, 1)),
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'printed', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    created_at TEXT NOT NULL,
    printed_at TEXT
);
CREATE INDEX print_jobs_pending ON print_jobs(lane_id, status, id);
