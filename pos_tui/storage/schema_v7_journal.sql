-- Journal seals by version (see pos_tui/storage/journal_seal.py), and the record of re-seals.

-- The serialisation each sale's seal used: 1 before this migration (and a lane still running an
-- older pos-tui on a shared file, which leaves the default), 2 for the canonical form.
-- (No upper bound here: a later version needs no rebuild of the table; verify refuses a version
-- it does not know.)
ALTER TABLE sales ADD COLUMN hash_version INTEGER NOT NULL DEFAULT 1 CHECK (hash_version >= 1);

-- One row per lane whose chain a migration re-sealed: from which sale to which, the lane's last
-- seal before and after, when and why. Nothing is re-sealed silently.
CREATE TABLE journal_migrations (
    id INTEGER PRIMARY KEY,
    migration TEXT NOT NULL,
    lane_id TEXT NOT NULL,
    from_sale_number INTEGER NOT NULL,
    to_sale_number INTEGER NOT NULL,
    from_version INTEGER NOT NULL,
    to_version INTEGER NOT NULL,
    old_head_hash TEXT NOT NULL,
    new_head_hash TEXT NOT NULL,
    sales_resealed INTEGER NOT NULL,
    reason TEXT NOT NULL,
    migrated_at TEXT NOT NULL
);

-- Every re-sealed sale: its original seal and link (kept, and still checked by verify) and the
-- new ones. ``v1_tax_order``: the tax codes in the order the original seal listed them (JSON),
-- NULL when it listed them as they are read (the sale was re-sealed because its predecessor was).
CREATE TABLE journal_reseals (
    migration_id INTEGER NOT NULL REFERENCES journal_migrations(id),
    sale_id INTEGER NOT NULL REFERENCES sales(id),
    sale_number INTEGER NOT NULL,
    old_version INTEGER NOT NULL,
    old_prev_hash TEXT NOT NULL,
    old_hash TEXT NOT NULL,
    v1_tax_order TEXT CHECK (v1_tax_order IS NULL OR json_valid(v1_tax_order)),
    new_prev_hash TEXT NOT NULL,
    new_hash TEXT NOT NULL,
    PRIMARY KEY (migration_id, sale_id)
);
CREATE INDEX journal_reseals_sale ON journal_reseals(sale_id);

CREATE TRIGGER journal_migrations_no_update BEFORE UPDATE ON journal_migrations
BEGIN SELECT RAISE(ABORT, 'journal_migrations is append-only'); END;
CREATE TRIGGER journal_migrations_no_delete BEFORE DELETE ON journal_migrations
BEGIN SELECT RAISE(ABORT, 'journal_migrations is append-only'); END;
CREATE TRIGGER journal_reseals_no_update BEFORE UPDATE ON journal_reseals
BEGIN SELECT RAISE(ABORT, 'journal_reseals is append-only'); END;
CREATE TRIGGER journal_reseals_no_delete BEFORE DELETE ON journal_reseals
BEGIN SELECT RAISE(ABORT, 'journal_reseals is append-only'); END;
