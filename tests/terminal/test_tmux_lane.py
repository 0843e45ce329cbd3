"""The real ``pos-tui`` in tmux at 80x24: sign in, ring up, pay cash, read the screen."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from pos_tui.config import load_settings
from pos_tui.services.runtime.backend import open_backend
from tests.catalog import build_store
from tests.terminal.tmux import Tmux

pytestmark = pytest.mark.terminal

POS_TUI = Path(sys.executable).parent / "pos-tui"


# Thin terminals and kiosks: full colour, the Linux console's 16 colours, monochrome.
TERMINALS = {
    "256-colour": {"TERM": "xterm-256color"},
    "16-colour": {"TERM": "linux"},
    "monochrome": {"TERM": "vt100", "NO_COLOR": "1"},
}


@pytest.fixture(params=sorted(TERMINALS))
def tmux(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Tmux]:
    assert shutil.which("tmux"), "tmux is installed by scripts/setup"
    env = {
        **os.environ,
        **TERMINALS[request.param],
        "POS_TUI_CONFIG_DIR": str(tmp_path / "config"),
        "POS_TUI_DATA_DIR": str(tmp_path / "data"),
    }
    env.pop("TMUX", None)
    if "NO_COLOR" not in TERMINALS[request.param]:
        env.pop("NO_COLOR", None)
    session = Tmux(env)
    try:
        yield session
    finally:
        session.kill()


def test_cash_sale_in_the_real_app(tmux: Tmux, tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    settings = load_settings(database={"path": str(db)})
    backend = open_backend(settings)
    build_store(backend)
    backend.close()

    tmux.start([str(POS_TUI), "--db", str(db)])
    tmux.wait_for("Sign in", "Lane L1")
    tmux.type("101")
    tmux.keys("Enter")
    tmux.type("1234")
    tmux.keys("Enter")
    tmux.wait_for("Cass Cashier", "Scan or type")
    tmux.type("2*APPLE")
    tmux.keys("Enter")
    tmux.wait_for("Apple 1kg")
    tmux.type("BAG")
    tmux.keys("Enter")
    checkout = tmux.wait_for("Carry bag", "215.00")
    (tmp_path / "checkout-80x24.txt").write_text(checkout, encoding="utf-8")
    assert "REMAINING" in checkout and "f5 Pay" in checkout
    tmux.keys("F5")
    tmux.wait_for("Amount (Enter = cash)", "215.00")
    tmux.type("500")
    tmux.keys("Enter")
    done = tmux.wait_for("CHANGE DUE")
    assert "CHANGE DUE  285.00" in done and "SALE #1 COMPLETE · Total 215.00" in done

    backend = open_backend(settings)
    try:
        sale = backend.journal.last("L1")
        assert sale is not None and sale.total == Decimal("215.00")
        tenders = backend.journal.children(sale.id).tenders
        assert [(t.kind, t.amount, t.change_given) for t in tenders] == [
            ("cash", Decimal("500.00"), Decimal("285.00"))
        ]
    finally:
        backend.close()
