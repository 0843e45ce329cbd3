-- Print job states and the cash drawer's openings (docs/hardware.md, "Receipts and the print
-- queue" and "The cash drawer").
--
-- A job is queued -> printing (an attempt started: written before any byte goes to the printer)
-- -> printed. A job found "printing" when the lane starts was cut off (power, crash): it is
-- queued again, and prints as a late copy. A job that cannot print as written is failed, and one a
-- supervisor took off the queue cancelled; nothing else ever leaves the queue unprinted.
-- The table is changed in place (statements.print_job_id and others refer to it): the status
-- check and default are swapped in db.py (widen_check), then the columns below are added.
-- Prints labelled LATE COPY: it missed its moment (an attempt failed or was cut off, it waited
-- behind one that did, or it was waiting when the lane started).
ALTER TABLE print_jobs ADD COLUMN late INTEGER NOT NULL DEFAULT 0 CHECK (late IN (0, 1));
ALTER TABLE print_jobs ADD COLUMN started_at TEXT;
-- Receipts the old queue was still trying, or had given up on after five attempts ('failed'),
-- are queued again; those already tried print as late copies. Printing never opens the drawer
-- any more: open_drawer only records that cash was tendered (drawer_openings says whether the
-- drawer opened).
UPDATE print_jobs SET late = 1 WHERE status IN ('pending', 'failed') AND attempts > 0;
UPDATE print_jobs SET status = 'queued' WHERE status IN ('pending', 'failed');

-- Every time the lane asks the cash drawer to open: for a cash sale (right after its commit),
-- a no-sale, a sale's drawer opened by hand after its kick failed, or `pos-tui devices test
-- drawer`. Written as 'requested' before the pulse is sent, then 'opened' or 'not_opened'; one
-- still 'requested' when the lane starts was cut off and becomes 'unknown'. Nothing ever sends
-- a pulse for an old row.
CREATE TABLE drawer_openings (
    id INTEGER PRIMARY KEY,
    lane_id TEXT NOT NULL,
    reason TEXT NOT NULL CHECK (reason IN ('sale', 'sale_by_hand', 'no_sale', 'test')),
    sale_id INTEGER REFERENCES sales(id),
    employee_id INTEGER REFERENCES employees(id),
    -- Who allowed a no-sale the employee's role does not allow alone.
    approved_by INTEGER REFERENCES employees(id),
    note TEXT,
    state TEXT NOT NULL DEFAULT 'requested'
        CHECK (state IN ('requested', 'opened', 'not_opened', 'unknown')),
    -- How the pulse went: 'drawer' (its own port) or 'printer' (the kick connector).
    route TEXT CHECK (route IN ('drawer', 'printer')),
    error TEXT,
    requested_at TEXT NOT NULL,
    done_at TEXT,
    CHECK (reason IN ('no_sale', 'test') OR sale_id IS NOT NULL)
);
CREATE INDEX drawer_openings_lane ON drawer_openings(lane_id, id);

-- The openings are the drawer's journal: never deleted, and each row changes once, from
-- 'requested' to what the pulse did (or 'unknown'); who, why and when never change.
CREATE TRIGGER drawer_openings_no_delete BEFORE DELETE ON drawer_openings
BEGIN SELECT RAISE(ABORT, 'drawer_openings is append-only'); END;
CREATE TRIGGER drawer_openings_once BEFORE UPDATE ON drawer_openings
WHEN OLD.state != 'requested' OR NEW.state = 'requested'
    OR NEW.id IS NOT OLD.id OR NEW.lane_id IS NOT OLD.lane_id OR NEW.reason IS NOT OLD.reason
    OR NEW.sale_id IS NOT OLD.sale_id OR NEW.employee_id IS NOT OLD.employee_id
    OR NEW.approved_by IS NOT OLD.approved_by OR NEW.note IS NOT OLD.note
    OR NEW.requested_at IS NOT OLD.requested_at
BEGIN SELECT RAISE(ABORT, 'a drawer opening is recorded once: drawer_openings is append-only'); END;
