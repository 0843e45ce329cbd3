"""A real small file system that fills up, for the full-disk tests and the reliability harness.

As root (CI runs as root) it is a tmpfs of a few MiB mounted on a temporary folder: the
database lives on it, :meth:`SmallDisk.fill` writes a filler file until the kernel says ENOSPC
and :meth:`SmallDisk.free` deletes it. Where mounting is refused (a developer's machine without
root) the disk is emulated on the given connections with ``PRAGMA max_page_count`` over a file
whose free pages are used up first; :attr:`SmallDisk.real` says which one ran.
"""

from __future__ import annotations

import errno
import json
import os
import sqlite3
import subprocess
from pathlib import Path

import sqlite_utils

from pos_tui.storage.db import write

FILLER = "filler.bin"


class SmallDisk:
    def __init__(self, folder: Path, *, size_kib: int = 8192) -> None:
        self.folder = folder
        self.size_kib = size_kib
        self.real = False
        self._capped: list[sqlite_utils.Database] = []

    def __enter__(self) -> SmallDisk:
        self.folder.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(
            [
                "mount",
                "-t",
                "tmpfs",
                "-o",
                f"size={self.size_kib}k,mode=0755",
                "tmpfs",
                str(self.folder),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        self.real = done.returncode == 0
        return self

    def __exit__(self, *_exc_info: object) -> None:
        if self.real:
            # Lazy: a connection a failed test left open must not keep the mount.
            subprocess.run(["umount", "-l", str(self.folder)], check=False, capture_output=True)

    @property
    def path(self) -> Path:
        return self.folder

    def free_bytes(self) -> int:
        st = os.statvfs(self.folder)
        return st.f_bavail * st.f_frsize

    def fill(self, *dbs: sqlite_utils.Database) -> None:
        """No byte left. ``dbs``: the connections on the disk; their WAL is emptied first
        (else the next commits would reuse its space and succeed), and where the disk is only
        emulated they are capped instead."""
        for db in dbs:
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        if not self.real:
            for db in dbs:
                _cap(db)
                self._capped.append(db)
            return
        with (self.folder / FILLER).open("ab", buffering=0) as fh:
            for size in (1 << 16, 1 << 12, 1 << 8, 1):
                block = b"\0" * size
                while True:
                    try:
                        fh.write(block)
                    except OSError as exc:
                        if exc.errno != errno.ENOSPC:
                            raise
                        break
        assert self.free_bytes() == 0

    def free(self) -> None:
        """Room again: the filler deleted (or the connections uncapped)."""
        (self.folder / FILLER).unlink(missing_ok=True)
        for db in self._capped:
            db.execute("PRAGMA max_page_count = 1073741823")
        self._capped.clear()


def _cap(db: sqlite_utils.Database) -> None:
    """A database that cannot grow: every free page taken, the file capped at its size."""
    pages = db.execute("PRAGMA page_count").fetchone()[0]
    db.execute(f"PRAGMA max_page_count = {pages}")
    for size in (4000, 400, 40, 1):
        while True:
            try:
                with write(db):
                    db.execute(
                        "INSERT INTO audit_log (at, entity, action, changes) VALUES (?, ?, ?, ?)",
                        ["t", "filler", "fill", json.dumps({"x": "x" * size})],
                    )
            except sqlite3.OperationalError as exc:
                assert "full" in str(exc)
                break
