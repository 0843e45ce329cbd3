"""Which sessions the kiosk lets in and which lane they get (pos_tui/services/runtime/kiosk.py)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from pos_tui.config import KioskConfig, load_settings
from pos_tui.services.runtime.kiosk import (
    KioskRefused,
    KioskSession,
    authenticated_key,
    lane_environment,
    open_session,
)

KIOSK_TOML = Path(__file__).resolve().parents[2] / "config" / "kiosk" / "kiosk.toml"


def session(kiosk: KioskConfig, **overrides: object) -> KioskSession:
    arguments: dict[str, object] = {
        "configured_lane": "L1",
        "account": "lane1",
        "environ": {"TERM": "xterm-256color"},
        "has_terminal": True,
    }
    arguments.update(overrides)
    return open_session(kiosk, **arguments)  # type: ignore[arg-type]


def test_the_lane_comes_from_the_store_never_from_the_client() -> None:
    kiosk = KioskConfig(accounts={"lane1": "L1", "lane2": "L2"})
    assert session(kiosk, account="lane2").lane_id == "L2"
    assert session(kiosk, account="lane2").chosen_by == "account lane2"
    # The client's command is checked, never read for a lane; the option is the store's.
    asked = session(kiosk, account="lane2", environ={"SSH_ORIGINAL_COMMAND": ""})
    assert asked.lane_id == "L2"
    assert session(kiosk, account="lane2", lane_option="L9").lane_id == "L9"
    with pytest.raises(KioskRefused, match="no lane for account 'guest'"):
        session(kiosk, account="guest")
    # Nothing mapped: the config's [lane] id (sshd's SetEnv POS_TUI_LANE__ID may set it).
    assert session(KioskConfig(), account="anyone", configured_lane="L4").lane_id == "L4"


def test_a_command_the_store_did_not_allow_is_refused_in_one_line() -> None:
    kiosk = KioskConfig(allowed_commands=["", "lane"])
    assert session(kiosk, environ={"SSH_ORIGINAL_COMMAND": "lane"}).lane_id == "L1"
    for command in ("ls", "/bin/sh -i", "internal-sftp", "scp -f /etc/passwd", "\x1b[2Jx" * 20):
        with pytest.raises(KioskRefused) as refused:
            session(kiosk, environ={"SSH_ORIGINAL_COMMAND": command})
        message = str(refused.value)
        assert "\n" not in message and "\x1b" not in message and "not allowed here" in message
        assert len(message) < 160


def test_a_session_without_a_terminal_is_refused() -> None:
    with pytest.raises(KioskRefused, match="needs a terminal; connect with ssh -t"):
        session(KioskConfig(), has_terminal=False)


def test_the_key_sshd_accepted_names_the_lane(tmp_path: Path) -> None:
    key = tmp_path / "terminal"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)], check=True)
    public = key.with_suffix(".pub").read_text().split()
    listed = subprocess.run(["ssh-keygen", "-lf", str(key)], capture_output=True, text=True)
    fingerprint = listed.stdout.split()[1]
    auth = tmp_path / "auth"  # what sshd writes with ExposeAuthInfo yes
    auth.write_text(f"publickey {public[0]} {public[1]}\n")
    environ = {"SSH_USER_AUTH": str(auth)}
    assert authenticated_key(environ) == fingerprint
    kiosk = KioskConfig(keys={fingerprint: "L3"}, accounts={"shared": "L1"})
    chosen = session(kiosk, account="shared", environ=environ)
    assert (chosen.lane_id, chosen.chosen_by) == ("L3", f"key {fingerprint}")
    # Another key of the same account: the account's lane.
    auth.write_text(
        "publickey ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOtherKeyOtherKeyOtherKeyOtherKeyOther\n"
    )
    assert session(kiosk, account="shared", environ=environ).lane_id == "L1"
    assert authenticated_key({"SSH_USER_AUTH": str(tmp_path / "missing")}) is None
    auth.write_text("password\n")
    assert authenticated_key(environ) is None


def test_the_lane_runs_without_what_would_reopen_an_escape() -> None:
    environ = {
        "TERM": "vt220",
        "LANG": "C.UTF-8",
        "TEXTUAL_ALLOW_SIGNALS": "1",
        "TEXTUAL": "devtools,debug",
        "TEXTUAL_SCREENSHOT": "1",
        "PYTHONINSPECT": "1",
        "PYTHONSTARTUP": "/tmp/x.py",
    }
    chosen = session(KioskConfig(), environ=environ)
    assert chosen.monochrome  # a VT220 has no colours
    assert lane_environment(environ, chosen) == {
        "TERM": "vt220",
        "LANG": "C.UTF-8",
        "NO_COLOR": "1",
    }
    coloured = session(KioskConfig(), environ={"TERM": "linux"})
    assert not coloured.monochrome
    assert "NO_COLOR" not in lane_environment({"TERM": "linux"}, coloured)
    assert session(KioskConfig(), environ={"TERM": "linux", "NO_COLOR": "1"}).monochrome


def test_the_shipped_kiosk_config_loads(tmp_path: Path) -> None:
    settings = load_settings(KIOSK_TOML)
    assert settings.kiosk.accounts == {"lane1": "L1", "lane2": "L2"}
    assert settings.kiosk.allowed_commands == [""]
    assert settings.database.path == "/srv/pos-tui/store.db"
    bad = tmp_path / "bad.toml"
    bad.write_text("[kiosk]\nrestart_limit = -1\n")
    with pytest.raises(Exception, match=r"kiosk\.restart_limit"):
        load_settings(bad)
