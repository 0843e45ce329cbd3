"""Create and migrate the head office schema, and give each lane its role.

Migrations are SQL files applied in order, each once, recorded in ``hq.migrations``, under an
advisory lock so two ``pos-tui hq init`` at once migrate once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources

import psycopg
from psycopg import sql

# (name, files): applied in this order.
MIGRATIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("0001_hq", ("schema_0001.sql", "apply_0001.sql")),
)
_LOCK = 0x706F7374  # "post": the advisory lock of a migration run
LANE_GROUP = "pos_hq_lane"
_ROLE = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
_ORIGIN = re.compile(r"^[A-Za-z0-9_.-]{1,40}$")


class HqSetupError(ValueError):
    """A lane or role name that cannot be used, or a head office that is not set up."""


def _script(name: str) -> str:
    return resources.files("pos_tui.storage.hq").joinpath(name).read_text(encoding="utf-8")


def applied(conn: psycopg.Connection) -> list[str]:
    exists = conn.execute("SELECT to_regclass('hq.migrations') IS NOT NULL").fetchone()
    if not exists or not exists[0]:
        return []
    return [r[0] for r in conn.execute("SELECT name FROM hq.migrations ORDER BY name")]


def migrate(conn: psycopg.Connection) -> list[str]:
    """Apply the migrations not applied yet; the names applied now."""
    done: list[str] = []
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK])
        conn.execute(
            "CREATE SCHEMA IF NOT EXISTS hq; CREATE TABLE IF NOT EXISTS hq.migrations "
            "(name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())"
        )
        have = set(applied(conn))
        for name, files in MIGRATIONS:
            if name in have:
                continue
            for file in files:
                conn.execute(_script(file).encode())
            conn.execute("INSERT INTO hq.migrations (name) VALUES (%s)", [name])
            done.append(name)
    return done


def default_role(origin: str) -> str:
    return "pos_lane_" + re.sub(r"[^a-z0-9_]", "_", origin.lower())


@dataclass(frozen=True)
class Lane:
    origin: str
    role_name: str
    store_id: str | None
    last_seq: int


def add_lane(
    conn: psycopg.Connection,
    origin: str,
    *,
    role: str | None = None,
    password: str | None = None,
    store_id: str | None = None,
) -> Lane:
    """A login role for one lane database, member of the lane group, and its hq.lanes row.
    Adding a lane that exists only changes its password (when given)."""
    if not _ORIGIN.match(origin):
        raise HqSetupError(
            f"lane {origin!r}: use 1-40 letters, digits, '.', '_' or '-' (it names the lane's events)"
        )
    role = role or default_role(origin)
    if not _ROLE.match(role):
        raise HqSetupError(f"role {role!r}: use lower-case letters, digits and '_' (at most 63)")
    if "0001_hq" not in applied(conn):
        raise HqSetupError("the head office schema is not there: run 'pos-tui hq init' first")
    with conn.transaction():
        row = conn.execute("SELECT role_name FROM hq.lanes WHERE origin = %s", [origin]).fetchone()
        if row and row[0] != role:
            raise HqSetupError(f"lane {origin} already syncs as role {row[0]}")
        exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role]).fetchone()
        if not exists:
            conn.execute(
                sql.SQL("CREATE ROLE {} LOGIN IN ROLE {}").format(
                    sql.Identifier(role), sql.Identifier(LANE_GROUP)
                )
            )
        else:
            conn.execute(
                sql.SQL("GRANT {} TO {}").format(sql.Identifier(LANE_GROUP), sql.Identifier(role))
            )
        if password is not None:
            conn.execute(
                sql.SQL("ALTER ROLE {} PASSWORD {}").format(
                    sql.Identifier(role), sql.Literal(password)
                )
            )
        conn.execute(
            "INSERT INTO hq.lanes (origin, role_name, store_id) VALUES (%s, %s, %s) "
            "ON CONFLICT (origin) DO UPDATE SET store_id = coalesce(EXCLUDED.store_id, "
            "hq.lanes.store_id)",
            [origin, role, store_id],
        )
        got = conn.execute(
            "SELECT origin, role_name, store_id, last_seq FROM hq.lanes WHERE origin = %s",
            [origin],
        ).fetchone()
    assert got is not None
    return Lane(*got)


def lanes(conn: psycopg.Connection) -> list[Lane]:
    return [
        Lane(*r)
        for r in conn.execute(
            "SELECT origin, role_name, store_id, last_seq FROM hq.lanes ORDER BY origin"
        )
    ]


def ensure_database(conn: psycopg.Connection, name: str) -> bool:
    """CREATE DATABASE ``name`` unless it exists (on a connection to another database)."""
    if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
        return False
    conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return True
