"""A store's kiosk, built for a test: the lane's account, pos-tui installed for it, the store's
database, a scanner it can open, a device it may not open and one that is not there, the kiosk config, and sshd with the
shipped snippet (tests/hardware/sshd.py)."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from pos_tui.config import Settings, load_settings
from pos_tui.services.runtime.backend import Backend, open_backend
from pos_tui.storage.lane_state import OpenSaleRow
from tests.catalog import build_store
from tests.hardware.sshd import (
    KioskInstall,
    LaneAccount,
    Sshd,
    command_line,
    fingerprint,
    keygen,
    shared_directory,
)
from tests.hardware.stacks import PtyPair, StackError, wait_until
from tests.helpers import lane_backend
from tests.terminal.tmux import Tmux

LANE = "L7"
KEY_LANE = "L8"  # the lane of the second terminal's key in [kiosk.keys]
CASHIER = ("101", "1234")
ANNA_MOBILE = "9876543210"


@dataclass
class KioskStack:
    root: Path
    account: LaneAccount
    install: KioskInstall
    sshd: Sshd
    db: Path
    config: Path
    data: Path
    scanner: PtyPair
    denied: Path
    terminal_key: Path  # a second terminal's key, which [kiosk.keys] gives lane KEY_LANE

    def settings(self) -> Settings:
        return load_settings(database={"path": str(self.db)}, lane={"id": LANE})

    @contextlib.contextmanager
    def backend(self) -> Iterator[Backend]:
        backend = open_backend(self.settings())
        try:
            yield backend
        finally:
            backend.close()

    def open_sales(self) -> list[OpenSaleRow]:
        with self.backend() as backend:
            return backend.open_sales.for_lane(LANE, "in_progress")

    def clear_open_sales(self) -> None:
        with self.backend() as backend:
            for sale in backend.open_sales.for_lane(LANE, "in_progress"):
                backend.open_sales.release(sale.id, LANE)

    def kiosk_pids(self) -> tuple[int, int]:
        """(supervisor, lane): the kiosk command and the lane it forked, once both run."""
        found: list[tuple[int, int]] = []

        def both() -> bool:
            pids = [
                pid
                for pid in self.sshd.sessions()
                if command_line(pid).startswith(str(self.install.python))
            ]
            parents = {pid: _parent(pid) for pid in pids}
            lanes = [pid for pid in pids if parents[pid] in pids]
            found[:] = [(parents[lane], lane) for lane in lanes]
            return len(found) == 1

        assert wait_until(both, 30, interval=0.1), f"no kiosk under sshd: {self.sshd.leftovers()}"
        return found[0]

    def tmux(self, **terminal: str) -> Tmux:
        env = {k: v for k, v in os.environ.items() if k not in ("TMUX", "NO_COLOR")}
        return Tmux({**env, "TERM": "xterm-256color", **terminal})


def _parent(pid: int) -> int:
    text = Path(f"/proc/{pid}/stat").read_text()
    return int(text[text.rindex(")") + 2 :].split()[1])


def kiosk_config(
    db: Path, account: LaneAccount, scanner: Path, denied: Path, terminal_key: Path
) -> str:
    return "\n".join(
        [
            "[database]",
            f'path = "{db}"',
            "[kiosk.accounts]",
            f'"{account.name}" = "{LANE}"',
            "[kiosk.keys]",
            f'"{fingerprint(terminal_key.with_suffix(".pub"))}" = "{KEY_LANE}"',
            "[devices.scanner]",
            'kind = "serial"',
            f'url = "{scanner}"',
            "[devices.magstripe]",
            'kind = "serial"',
            f'url = "{denied}"',
            # A pole display on a port this machine does not have (a thin terminal's, say).
            "[devices.pole_display]",
            'kind = "serial"',
            f'url = "{denied.with_name("pole")}"',
            "",
        ]
    )


@contextlib.contextmanager
def kiosk_stack(*, sshd_for_account: list[str] | None = None) -> Iterator[KioskStack]:
    """Everything a store following docs/kiosk.md has, in a scratch directory."""
    with shared_directory() as root, pytest.MonkeyPatch.context() as env:
        # The module-wide fixture runs before the per-test isolation: isolate it here too.
        env.setenv("POS_TUI_CONFIG_DIR", str(root / "config"))
        env.setenv("POS_TUI_DATA_DIR", str(root / "test-data"))
        account = LaneAccount.make()
        scanner: PtyPair | None = None
        sshd: Sshd | None = None
        try:
            install = KioskInstall.make(root, account)
            store = root / "srv"
            store.mkdir()
            db = store / "store.db"
            backend = open_backend(load_settings(database={"path": str(db)}))
            build_store(backend)
            backend.close()
            for lane in (LANE, KEY_LANE):  # each kiosk lane with its shift open, ready to sell
                lane_backend(db, lane).close()
            data = root / "data"
            data.mkdir()
            (root / "config").mkdir()
            devices = root / "devices"
            devices.mkdir(mode=0o755)
            scanner = PtyPair.start(devices, "scanner")
            denied = devices / "magstripe"
            denied.write_bytes(b"")
            denied.chmod(0)  # not even its owner may open it
            for path in (store, *store.iterdir(), data, scanner.app_end.resolve()):
                os.chown(path, account.uid, account.gid)
            client = root / "client"
            client.mkdir(mode=0o700)
            key = keygen(client / "id_ed25519", "thin terminal")
            terminal_key = keygen(client / "id_terminal2", "thin terminal 2")
            config = root / "kiosk.toml"
            config.write_text(kiosk_config(db, account, scanner.app_end, denied, terminal_key))
            sshd = Sshd.start(
                root,
                account=account,
                install=install,
                kiosk_config=config,
                client_key=key,
                environment={
                    "POS_TUI_CONFIG_DIR": str(root / "config"),
                    "POS_TUI_DATA_DIR": str(data),
                },
                per_user=sshd_for_account or [],
                more_keys=(terminal_key,),
            )
            yield KioskStack(
                root, account, install, sshd, db, config, data, scanner, denied, terminal_key
            )
        except StackError as error:
            pytest.fail(f"cannot build the kiosk: {error}", pytrace=False)
        finally:
            if sshd is not None:
                sshd.stop()
            if scanner is not None:
                scanner.stop()
            account.remove()


def sign_in(tmux: Tmux) -> str:
    tmux.wait_for("Sign in", f"Lane {LANE}")
    tmux.type(CASHIER[0])
    tmux.keys("Enter")
    tmux.type(CASHIER[1])
    tmux.keys("Enter")
    return tmux.wait_until(
        lambda s: "Scan or type" in s or "SALE LEFT IN PROGRESS" in s, "the checkout"
    )


def resume_left_sale(tmux: Tmux, *expected: str) -> str:
    """At sign-in the sale left open is offered: resume it and see its lines again."""
    tmux.wait_for("SALE LEFT IN PROGRESS", "Resume the sale")
    tmux.keys("Enter")
    return tmux.wait_for("Scan or type", *expected)
