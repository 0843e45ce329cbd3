-- Wrong PINs in a row, per subject: an employee (by id), a customer's account PIN (by id), or
-- unknown employee numbers typed at a lane (by lane id: the number itself may be a PIN and is
-- never stored). Every lane process on the file shares it, so a lockout holds on every lane.
-- ``locked_until`` is the lane clock's ISO time; a right PIN or a supervisor's clear deletes
-- the row (the audit log keeps the story).
CREATE TABLE pin_lockouts (
    subject_kind TEXT NOT NULL CHECK (subject_kind IN ('employee', 'customer', 'lane')),
    subject_key TEXT NOT NULL,
    failures INTEGER NOT NULL CHECK (failures > 0),
    locked_until TEXT,
    last_failure_at TEXT NOT NULL,
    PRIMARY KEY (subject_kind, subject_key)
) WITHOUT ROWID;
