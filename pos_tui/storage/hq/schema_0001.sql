-- pos-tui head office, migration 0001: the events lanes push, what HQ derives from them, and
-- the feed lanes pull. Everything lives in the schema "hq". Money and points are numeric
-- (exact); a lane's own rows travel as the text it stored.
--
-- Lanes write one table only, hq.events, through a role per lane that row-level security lets
-- insert (and read back) its own events; a trigger owned by the head office applies each new
-- event exactly once (ON CONFLICT DO NOTHING on (origin, seq) means a retried event is never
-- inserted, so never applied, twice).

CREATE SCHEMA IF NOT EXISTS hq;

-- Every row a lane may pull carries the transaction that last wrote it and a number from one
-- sequence: a lane reads rows of finished transactions only (xid below the oldest running
-- one), in (xid, seq) order, so a row committed late can never slip in behind its cursor.
CREATE SEQUENCE hq.change_seq;

CREATE FUNCTION hq.touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.change_xid := pg_current_xact_id();
    NEW.change_seq := nextval('hq.change_seq');
    RETURN NEW;
END $$;

-- One row per lane database (its "origin"): the role it syncs as and how far it has pushed.
CREATE TABLE hq.lanes (
    origin text PRIMARY KEY,
    role_name text NOT NULL UNIQUE,
    store_id text,
    last_seq bigint NOT NULL DEFAULT 0,
    last_push_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE hq.events (
    origin text NOT NULL REFERENCES hq.lanes(origin),
    seq bigint NOT NULL,
    kind text NOT NULL CHECK (kind IN
        ('sale', 'points', 'receivable', 'customer', 'customer_children', 'master', 'audit',
         'record', 'erasure')),
    payload jsonb NOT NULL,
    -- sha256 of the payload as the lane sent it: a retry must carry the same event. 'erased':
    -- an erasure blanked the personal values of this event (and the digest of them).
    digest text NOT NULL,
    lane_at text,
    received_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (origin, seq)
);

-- The customer an event is about (NULL for sales, ledgers, reference data): how an erasure
-- finds the events whose personal values it blanks, without reading every event.
CREATE FUNCTION hq.event_customer(kind text, payload jsonb) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE
        WHEN kind IN ('customer', 'customer_children', 'erasure') THEN payload->>'gid'
        WHEN kind = 'record' THEN payload->>'customer'
        WHEN kind = 'audit' AND payload->>'entity' = 'customer' THEN payload->>'entity_ref'
    END
$$;
CREATE INDEX events_customer ON hq.events (hq.event_customer(kind, payload))
    WHERE hq.event_customer(kind, payload) IS NOT NULL;

-- The sales journal of every lane, each sale exactly as its lane sealed it.
CREATE TABLE hq.sales (
    origin text NOT NULL,
    seq bigint NOT NULL,
    lane_id text NOT NULL,
    sale_number bigint NOT NULL,
    store_id text,
    kind text NOT NULL,
    committed_at text NOT NULL,
    total numeric NOT NULL,
    customer_gid text,
    employee_number text,
    prev_hash text NOT NULL,
    hash text NOT NULL,
    -- The sale row and its lines, discounts, taxes and tenders as stored at the lane.
    record jsonb NOT NULL,
    children jsonb NOT NULL,
    -- Set by the arrival check: the sale follows the lane's previous sale at HQ.
    linked boolean NOT NULL DEFAULT true,
    PRIMARY KEY (lane_id, sale_number, origin),
    UNIQUE (origin, seq)
);
CREATE INDEX sales_customer ON hq.sales (customer_gid);

-- Breaks of a lane's chain found at HQ: on arrival (a missing or out-of-order link) or by
-- `pos-tui hq verify` (a seal that does not match the sale's contents).
CREATE TABLE hq.chain_breaks (
    id bigserial PRIMARY KEY,
    lane_id text NOT NULL,
    sale_number bigint NOT NULL,
    origin text NOT NULL,
    reason text NOT NULL,
    found_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (lane_id, sale_number, origin, reason)
);

-- How far `pos-tui hq verify` has checked each lane's chain.
CREATE TABLE hq.chain_heads (
    lane_id text NOT NULL,
    origin text NOT NULL,
    sale_number bigint NOT NULL,
    hash text NOT NULL,
    verified_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (lane_id, origin)
);

-- Customers, chain-wide. The unique fields are columns (the database refuses two holders);
-- every other field is in data, references by code (card_type, price_list, home_location...).
CREATE TABLE hq.customers (
    gid text PRIMARY KEY,
    account_number text NOT NULL UNIQUE,
    card_number text UNIQUE,
    mobile text,
    email text,
    data jsonb NOT NULL DEFAULT '{}',
    -- Addresses, contacts, transaction discounts, teams, exempt taxes, pictures: one set.
    children jsonb,
    -- Erased on request at a lane: the erasure event (when, the personal fields, the other rows
    -- and record columns blanked, the mark of a blanked audit value). Later events cannot set
    -- them again.
    erasure jsonb,
    created_origin text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    change_xid xid8 NOT NULL DEFAULT pg_current_xact_id(),
    change_seq bigint NOT NULL DEFAULT nextval('hq.change_seq')
);
CREATE UNIQUE INDEX customers_mobile ON hq.customers (mobile) WHERE mobile IS NOT NULL;
CREATE UNIQUE INDEX customers_email ON hq.customers (lower(email)) WHERE email IS NOT NULL;
CREATE INDEX customers_feed ON hq.customers (change_xid, change_seq);
CREATE TRIGGER customers_touch BEFORE UPDATE ON hq.customers
    FOR EACH ROW EXECUTE FUNCTION hq.touch();

-- Every value a customer event overwrote (per-field last writer wins, by server order).
CREATE TABLE hq.customer_history (
    id bigserial PRIMARY KEY,
    gid text NOT NULL,
    field text NOT NULL,
    old_value jsonb,
    new_value jsonb,
    origin text NOT NULL,
    seq bigint NOT NULL,
    lane_at text,
    applied_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX customer_history_gid ON hq.customer_history (gid, id);

-- Reference data (card types, items, price lists, taxes, locations, employees...), one row per
-- entity and natural key (code, sku, number), last writer wins; deleted rows stay as tombstones.
CREATE TABLE hq.master (
    entity text NOT NULL,
    key text NOT NULL,
    data jsonb,
    deleted boolean NOT NULL DEFAULT false,
    origin text NOT NULL,
    seq bigint NOT NULL,
    change_xid xid8 NOT NULL DEFAULT pg_current_xact_id(),
    change_seq bigint NOT NULL DEFAULT nextval('hq.change_seq'),
    PRIMARY KEY (entity, key)
);
CREATE INDEX master_feed ON hq.master (change_xid, change_seq);
CREATE UNIQUE INDEX master_item_barcode ON hq.master ((data->>'barcode'))
    WHERE entity = 'items' AND NOT deleted AND data->>'barcode' IS NOT NULL;
CREATE TRIGGER master_touch BEFORE UPDATE ON hq.master
    FOR EACH ROW EXECUTE FUNCTION hq.touch();

-- The ledgers of every lane: balances at HQ are their sums.
CREATE TABLE hq.points_ledger (
    origin text NOT NULL,
    seq bigint NOT NULL,
    local_id bigint NOT NULL,
    customer_gid text NOT NULL,
    entry_type text NOT NULL,
    points numeric NOT NULL,
    reason text,
    employee_number text,
    lane_id text,
    sale_number bigint,
    created_at text NOT NULL,
    change_xid xid8 NOT NULL DEFAULT pg_current_xact_id(),
    change_seq bigint NOT NULL DEFAULT nextval('hq.change_seq'),
    PRIMARY KEY (origin, local_id),
    UNIQUE (origin, seq)
);
CREATE INDEX points_ledger_customer ON hq.points_ledger (customer_gid);
CREATE INDEX points_ledger_feed ON hq.points_ledger (change_xid, change_seq);

CREATE TABLE hq.receivable_ledger (
    origin text NOT NULL,
    seq bigint NOT NULL,
    local_id bigint NOT NULL,
    customer_gid text NOT NULL,
    entry_type text NOT NULL,
    amount numeric NOT NULL,
    reference text,
    due_date text,
    note text,
    employee_number text,
    -- The supervisor who approved an account tender (over the limit, a refund routed elsewhere).
    approved_by_number text,
    lane_id text,
    sale_number bigint,
    posted_at text NOT NULL,
    change_xid xid8 NOT NULL DEFAULT pg_current_xact_id(),
    change_seq bigint NOT NULL DEFAULT nextval('hq.change_seq'),
    PRIMARY KEY (origin, local_id),
    UNIQUE (origin, seq)
);
CREATE INDEX receivable_ledger_customer ON hq.receivable_ledger (customer_gid);
CREATE INDEX receivable_ledger_feed ON hq.receivable_ledger (change_xid, change_seq);

CREATE TABLE hq.audit (
    origin text NOT NULL,
    seq bigint NOT NULL,
    local_id bigint NOT NULL,
    at text NOT NULL,
    lane_id text,
    employee_number text,
    entity text NOT NULL,
    entity_ref text,
    action text NOT NULL,
    changes jsonb NOT NULL,
    PRIMARY KEY (origin, local_id)
);

-- The lanes' own records, as each lane last wrote them: orders and their journal records,
-- statement runs, statements and the ledger entries each statement billed (RECORD_TABLES in
-- pos_tui/storage/sync_spec.py). References are chain names: a customer's gid, a sale's lane
-- and number, a ledger row's origin:local id, another record's origin:table:local id.
CREATE TABLE hq.records (
    origin text NOT NULL,
    entity text NOT NULL,
    local_id bigint NOT NULL,
    customer_gid text,
    data jsonb NOT NULL,
    seq bigint NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (origin, entity, local_id)
);
CREATE INDEX records_customer ON hq.records (customer_gid) WHERE customer_gid IS NOT NULL;

-- Each receivable ledger row is billed on one statement chain-wide: a second statement (a run
-- at another store over rows that came down to it) is flagged.
CREATE TABLE hq.billed (
    entry text PRIMARY KEY,
    statement text NOT NULL,
    origin text NOT NULL,
    seq bigint NOT NULL
);

-- What a supervisor must look at: overdrafts found once every lane's events met, unique fields
-- taken at two stores, chain breaks, missing events. Never dropped; resolved with a note.
CREATE TABLE hq.flags (
    id bigserial PRIMARY KEY,
    kind text NOT NULL CHECK (kind IN
        ('points_overdraft', 'credit_overdraft', 'unique_conflict', 'chain_break', 'event_gap',
         'billed_twice')),
    customer_gid text,
    origin text,
    seq bigint,
    detail jsonb NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now(),
    resolved_at timestamptz,
    resolution text,
    change_xid xid8 NOT NULL DEFAULT pg_current_xact_id(),
    change_seq bigint NOT NULL DEFAULT nextval('hq.change_seq')
);
CREATE INDEX flags_feed ON hq.flags (change_xid, change_seq);
CREATE INDEX flags_open ON hq.flags (kind) WHERE resolved_at IS NULL;
CREATE TRIGGER flags_touch BEFORE UPDATE ON hq.flags
    FOR EACH ROW EXECUTE FUNCTION hq.touch();

-- Balances as sums of the ledgers (a view: never a stored number that could drift).
CREATE VIEW hq.balances AS
SELECT c.gid,
       c.account_number,
       coalesce((SELECT sum(points) FROM hq.points_ledger p WHERE p.customer_gid = c.gid), 0)
           AS points,
       coalesce((SELECT sum(amount) FROM hq.receivable_ledger r WHERE r.customer_gid = c.gid), 0)
           AS receivable
FROM hq.customers c;

-- Roles: pos_hq_lane is the group every lane role belongs to. A lane reads what flows down and
-- its own events; it inserts events of its own origin only (row-level security).
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'pos_hq_lane') THEN
        CREATE ROLE pos_hq_lane NOLOGIN;
    END IF;
END $$;

GRANT USAGE ON SCHEMA hq TO pos_hq_lane;
GRANT SELECT ON hq.lanes, hq.master, hq.customers, hq.points_ledger, hq.receivable_ledger,
    hq.flags TO pos_hq_lane;
GRANT SELECT, INSERT ON hq.events TO pos_hq_lane;

CREATE FUNCTION hq.my_origin() RETURNS text LANGUAGE sql STABLE AS $$
    SELECT origin FROM hq.lanes WHERE role_name = current_user
$$;

ALTER TABLE hq.events ENABLE ROW LEVEL SECURITY;
CREATE POLICY events_own_insert ON hq.events FOR INSERT TO pos_hq_lane
    WITH CHECK (origin = hq.my_origin());
CREATE POLICY events_own_select ON hq.events FOR SELECT TO pos_hq_lane
    USING (origin = hq.my_origin());
