"""The checkout at 80x24 as the docs show it: a real capture, never a drawing.

The real ``pos-tui`` runs in tmux at 80x24 on a fresh demo database (``pos-tui demo``, seed
42), the demo cashier signs in, rings up three items and attaches a customer with F2; the
screen tmux shows is the block between the markers in README.md and docs/lane.md.
``scripts/lane-capture`` writes it there; ``tests/terminal/test_docs_capture.py`` checks the
docs still show what the lane shows (modulo the clock), so the picture cannot go stale.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pos_tui.config import load_settings
from pos_tui.services.runtime.backend import open_backend
from pos_tui.storage.customers import CustomerRow
from tests.terminal.tmux import Tmux

REPO = Path(__file__).resolve().parents[2]
DOCS = (REPO / "README.md", REPO / "docs" / "lane.md")
POS_TUI = Path(sys.executable).parent / "pos-tui"
BEGIN = "<!-- lane-80x24 begin: written by scripts/lane-capture, checked by a test -->"
END = "<!-- lane-80x24 end -->"
# What a sale at the demo store rings up: a long name, a quantity, a short one.
ITEMS = ("STAP-0018", "2*SNAC-0077", "STAP-0001")
# The lane bar's clock (and date): the only part of the screen that moves with time.
_CLOCK = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}(:\d{2})?")


def demo_database(directory: Path, env: dict[str, str]) -> Path:
    db = directory / "demo.db"
    subprocess.run(
        [str(POS_TUI), "--db", str(db), "demo", "--customers", "200", "--sales", "0"],
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )
    return db


def demo_sale(db: Path) -> tuple[list[str], CustomerRow]:
    """The items' names, and the first customer on account with a card and neither a
    birthday nor an anniversary (the demo draws those around the calendar: one could fall on
    the day of a run)."""
    backend = open_backend(load_settings(database={"path": str(db)}))
    try:
        names = []
        for code in ITEMS:
            item = backend.catalog.item_by_sku(code.split("*")[-1])
            assert item is not None, f"the demo has no {code}"
            names.append(item.name)
        for customer_id in range(1, 201):
            row = backend.customers.get(customer_id)
            if (
                row is not None
                and row.account_number
                and row.card_number
                and row.birth_date is None
                and row.anniversary_date is None
                and not row.credit_hold
            ):
                return names, row
    finally:
        backend.close()
    raise AssertionError("the demo has no customer on account without dates")


def still(tmux: Tmux, *texts: str) -> str:
    """The screen once it shows ``texts`` and two captures in a row agree (drawn whole)."""
    last = tmux.wait_for(*texts)
    while True:
        time.sleep(0.3)
        now = tmux.wait_for(*texts)
        if now == last:
            return now
        last = now


def capture(directory: Path) -> str:
    """The checkout of a sale with a customer, at 80x24, as tmux shows it."""
    assert shutil.which("tmux"), "tmux is installed by scripts/setup"
    env = {
        **os.environ,
        "TERM": "xterm-256color",
        "POS_TUI_CONFIG_DIR": str(directory / "config"),
        "POS_TUI_DATA_DIR": str(directory / "data"),
    }
    for name in ("TMUX", "NO_COLOR"):
        env.pop(name, None)
    db = demo_database(directory, env)
    names, customer = demo_sale(db)
    tmux = Tmux(env)
    try:
        tmux.start([str(POS_TUI), "--db", str(db)])
        tmux.wait_for("Sign in")
        tmux.type("101")
        tmux.keys("Enter")
        tmux.type("1234")
        tmux.keys("Enter")
        tmux.wait_for("Demo Cashier", "Scan or type")
        for code, name in zip(ITEMS, names, strict=True):
            tmux.type(code)
            tmux.keys("Enter")
            tmux.wait_for(name)
        tmux.keys("F2")
        tmux.wait_for("Find customer")
        tmux.type(str(customer.card_number))
        tmux.wait_for("1 found", str(customer.account_number))
        tmux.keys("Enter")
        return still(tmux, "Scan or type", f"Acct {customer.account_number}")
    finally:
        tmux.kill()


def block(screen: str) -> str:
    """The capture as it stands in the docs: a text block between the markers."""
    return f"{BEGIN}\n```text\n{screen.rstrip()}\n```\n{END}"


def in_docs(path: Path) -> str:
    """The block a document holds now."""
    text = path.read_text(encoding="utf-8")
    start, end = text.index(BEGIN), text.index(END) + len(END)
    return text[start:end]


def without_clock(text: str) -> str:
    return _CLOCK.sub("YYYY-MM-DD hh:mm", text)


def write(screen: str) -> None:
    for path in DOCS:
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace(in_docs(path), block(screen)), encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only say whether the docs agree")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="lane-capture-") as tmp:
        screen = capture(Path(tmp))
    if args.check:
        stale = [p for p in DOCS if without_clock(in_docs(p)) != without_clock(block(screen))]
        for path in stale:
            print(f"{path.relative_to(REPO)}: the 80x24 block is not what the lane shows")
        return 1 if stale else 0
    write(screen)
    print(screen)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
