"""Someone with the database file and sqlite3 drops the journal's guard triggers and edits it."""

from __future__ import annotations

import sqlite3
from pathlib import Path


def tamper(path: Path, *statements: str) -> None:
    conn = sqlite3.connect(path)
    names = conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall()
    for (name,) in names:
        if name.startswith(("sale", "journal_")):
            conn.execute(f"DROP TRIGGER {name}")
    for statement in statements:
        conn.execute(statement)
    conn.commit()
    conn.close()
