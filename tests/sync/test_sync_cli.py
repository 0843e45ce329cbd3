"""``pos-tui sync`` says plainly when sync is off, when psycopg is missing and when head office
cannot be reached; the events stay queued and nothing is lost."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from pos_tui.storage.hq.cluster import free_port
from tests.catalog import build_store
from tests.helpers import cli_runner_invoke
from tests.sync.headoffice import HeadOffice, Lane


def test_sync_off_says_so(backend: object, db_path: Path) -> None:
    runner = CliRunner()
    done = cli_runner_invoke(runner, ["--db", str(db_path), "sync"])
    assert done.exit_code == 1 and "sync is not configured: set [sync] url" in done.output
    status = cli_runner_invoke(runner, ["--db", str(db_path), "sync", "status"])
    assert status.exit_code == 0 and "sync is off" in status.output


def test_without_psycopg_the_message_says_what_to_install(
    backend: object, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "psycopg_pool", None)
    monkeypatch.setenv("POS_TUI_SYNC__URL", "postgresql://nobody@127.0.0.1:1/none")
    done = cli_runner_invoke(CliRunner(), ["--db", str(db_path), "sync"])
    assert done.exit_code == 1
    assert "pip install 'pos-tui[hq]'" in done.output


def test_head_office_unreachable_keeps_the_events_queued(
    make_lane: Callable[..., Lane], hq: HeadOffice
) -> None:
    lane = make_lane("U1", port=free_port(), connect_timeout_seconds=1)
    build_store(lane.backend)
    env = {
        "POS_TUI_SYNC__URL": lane.settings.sync.url,
        "POS_TUI_LANE__ID": "U1",
        "POS_TUI_SYNC__CONNECT_TIMEOUT_SECONDS": "1",
    }
    runner = CliRunner(env=env)
    done = cli_runner_invoke(runner, ["--db", str(lane.path), "sync"])
    assert done.exit_code == 1
    assert "head office not reached" in done.output and "events stay queued" in done.output
    status = cli_runner_invoke(runner, ["--db", str(lane.path), "sync", "status"])
    assert "lane U1: offline · queued" in status.output and "last error:" in status.output
