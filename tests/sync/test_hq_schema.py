"""The head office schema: migrations apply once, and a lane's role may insert only its own
events and read what flows down; it cannot touch anything head office derives."""

from __future__ import annotations

import json

import psycopg
import pytest
from click.testing import CliRunner

from pos_tui.storage.hq import schema
from tests.helpers import cli_runner_invoke
from tests.sync.headoffice import HeadOffice


def test_migrations_apply_once_and_record_themselves(hq: HeadOffice) -> None:
    with hq.connect() as conn:
        assert schema.applied(conn) == ["0001_hq"]
        assert schema.migrate(conn) == []
    tables = {r[0] for r in hq.all("SELECT tablename FROM pg_tables WHERE schemaname = 'hq'")}
    assert {
        "events",
        "sales",
        "customers",
        "points_ledger",
        "receivable_ledger",
        "master",
        "flags",
        "lanes",
        "chain_breaks",
    } <= tables


def test_hq_init_and_add_lane_commands(hq: HeadOffice) -> None:
    runner = CliRunner()
    done = cli_runner_invoke(runner, ["hq", "init", "--url", hq.url])
    assert done.exit_code == 0, done.output
    assert "up to date" in done.output
    role = f"{hq.name}_cmd"
    hq.lanes["CMD"] = role
    done = cli_runner_invoke(
        runner, ["hq", "add-lane", "CMD", "--url", hq.url, "--role", role, "--store", "S9"]
    )
    assert done.exit_code == 0, done.output
    assert f"lane CMD syncs as role {role}" in done.output
    assert hq.one("SELECT store_id FROM hq.lanes WHERE origin = 'CMD'") == "S9"
    bad = cli_runner_invoke(runner, ["hq", "add-lane", "no spaces", "--url", hq.url])
    assert bad.exit_code != 0 and "use 1-40 letters" in bad.output


def _event(origin: str, seq: int) -> tuple[object, ...]:
    payload = {
        "local_id": seq,
        "customer": "X:1",
        "entry_type": "earned",
        "points": "1",
        "created_at": "2026-11-24T10:00:00",
    }
    return (origin, seq, "points", json.dumps(payload), "d")


def test_a_lane_role_inserts_only_its_own_events(hq: HeadOffice) -> None:
    url_a = hq.add_lane("RA")
    hq.add_lane("RB")
    insert = (
        "INSERT INTO hq.events (origin, seq, kind, payload, digest) VALUES (%s, %s, %s, %s, %s)"
    )
    with psycopg.connect(url_a, autocommit=True) as conn:
        conn.execute(insert, _event("RA", 1))
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            conn.execute(insert, _event("RB", 1))
        # Its own events only, read back; the others' are invisible.
        assert conn.execute("SELECT origin, seq FROM hq.events").fetchall() == [("RA", 1)]
        for statement in (
            "UPDATE hq.events SET kind = 'sale'",
            "DELETE FROM hq.events",
            "INSERT INTO hq.flags (kind) VALUES ('event_gap')",
            "UPDATE hq.customers SET mobile = '1'",
            "DELETE FROM hq.points_ledger",
            "TRUNCATE hq.sales",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(statement)
        # What flows down is readable.
        for table in ("master", "customers", "points_ledger", "receivable_ledger", "flags"):
            conn.execute(f"SELECT count(*) FROM hq.{table}").fetchone()
    assert hq.one("SELECT sum(points) FROM hq.points_ledger") == 1


def test_add_lane_refuses_a_second_role_for_one_lane(hq: HeadOffice) -> None:
    hq.add_lane("RC")
    with hq.connect() as conn, pytest.raises(schema.HqSetupError, match="already syncs as role"):
        schema.add_lane(conn, "RC", role=f"{hq.name}_other")
