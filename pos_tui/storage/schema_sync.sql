-- The lane's side of head office sync (docs/sync.md).
--
-- sync_outbox: one row per change that must reach head office, written by the triggers of
-- storage/sync_outbox.py in the same transaction as the change, whoever made it (checkout,
-- back office, CSV import, the CLI). ``seq`` is the lane's event sequence: (origin, seq) is the
-- idempotency key at head office. AUTOINCREMENT: a number is never used twice.
CREATE TABLE sync_outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL CHECK (kind IN
        ('sale', 'points', 'receivable', 'customer', 'customer_children', 'master', 'audit',
         'record', 'erasure')),
    -- master and record: the table; customer: 'created' or 'changed'; master: 'upsert' or
    -- 'delete'.
    entity TEXT,
    op TEXT,
    -- The changed row's id (sales, ledgers, audit, customers), or the master row's natural key.
    ref TEXT,
    -- Customer values captured as written (all fields when created, the changed ones after).
    data TEXT CHECK (data IS NULL OR json_valid(data)),
    at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%S', 'now')),
    -- The event exactly as first sent (kept until head office has it): a retry after any
    -- failure sends the same bytes, whatever changed here since.
    payload TEXT,
    -- 1: an erasure blanked the personal values of this unsent row (data and kept text), so a
    -- retry may differ from what head office got first (head office blanks its copy too).
    blanked INTEGER NOT NULL DEFAULT 0,
    sent_at TEXT
);
CREATE INDEX sync_outbox_pending ON sync_outbox(kind, ref) WHERE sent_at IS NULL;

-- Key/value state of the sync agent: origin (this database's name at head office), the pull
-- cursor, the last contact and error.
CREATE TABLE sync_state (
    key TEXT PRIMARY KEY,
    value TEXT
);

-- Rows that came from head office, by their chain id: customers enrolled at another lane,
-- ledger rows another lane posted.
CREATE TABLE sync_ids (
    entity TEXT NOT NULL,
    local_id INTEGER NOT NULL,
    gid TEXT NOT NULL,
    PRIMARY KEY (entity, local_id),
    UNIQUE (entity, gid)
);

-- Holds a row only inside the transaction that applies head office changes, so the outbox
-- triggers stand aside: what came down does not go back up.
CREATE TABLE sync_applying (
    since TEXT NOT NULL
);

-- Head office's flags for a supervisor (overdrafts, unique fields taken twice, chain breaks),
-- as they came down; shown in the back office.
CREATE TABLE sync_flags (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    customer_gid TEXT,
    customer_id INTEGER REFERENCES customers(id),
    origin TEXT,
    detail TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(detail)),
    created_at TEXT NOT NULL,
    resolved_at TEXT,
    resolution TEXT
);
CREATE INDEX sync_flags_open ON sync_flags(customer_id) WHERE resolved_at IS NULL;
