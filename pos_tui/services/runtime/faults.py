"""The database's faults (locked, disk full, read-only, I/O) as services let them through to the
screens. SQLite's faults are translated once, in ``storage/errors.py``; screens reach the
database only through services, and that includes the faults they catch and say.
"""

from __future__ import annotations

from pos_tui.storage.errors import FaultKind, StorageFault, fault_of

__all__ = ["FaultKind", "StorageFault", "fault_of"]
