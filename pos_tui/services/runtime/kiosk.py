"""A kiosk session: whether it may open the lane, and as which lane (docs/kiosk.md).

``pos-tui kiosk`` is what sshd's ``ForceCommand`` (or a console unit) runs. Everything it
decides comes from what the store configured and what the server knows: the Unix account,
the SSH key sshd authenticated (``ExposeAuthInfo``), the kiosk's own command line and config.
What the client asks for (``SSH_ORIGINAL_COMMAND``) is only checked against the commands the
store allows; it never names the lane.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from pos_tui.config import KioskConfig
from pos_tui.text import plain

# Variables a lane never inherits: TEXTUAL_ALLOW_SIGNALS would give Ctrl+C, Ctrl+Z and Ctrl+\
# back to the terminal as signals, TEXTUAL=devtools,debug would connect to a console, and
# TEXTUAL_SCREENSHOT would write files on the host.
DROPPED_PREFIXES = ("TEXTUAL",)
DROPPED_NAMES = ("PYTHONINSPECT", "PYTHONSTARTUP", "PYTHONBREAKPOINT")


class KioskRefused(Exception):
    """The session may not open the lane; the message is the one line the client sees."""


@dataclass(frozen=True)
class KioskSession:
    account: str
    lane_id: str
    chosen_by: str  # how the lane was chosen, for the log
    monochrome: bool


def key_fingerprint(public_key_blob: bytes) -> str:
    """The key's fingerprint as ``ssh-keygen -l`` prints it: ``SHA256:`` + unpadded base64."""
    digest = hashlib.sha256(public_key_blob).digest()
    return "SHA256:" + base64.b64encode(digest).decode("ascii").rstrip("=")


def authenticated_key(environ: Mapping[str, str]) -> str | None:
    """The fingerprint of the public key sshd accepted, from the file it names in
    ``SSH_USER_AUTH`` (``ExposeAuthInfo yes``): lines ``publickey <type> <base64>``."""
    path = environ.get("SSH_USER_AUTH")
    if not path:
        return None
    try:
        lines = Path(path).read_text(encoding="ascii", errors="replace").splitlines()
    except OSError:
        return None
    for line in lines:
        parts = line.split()
        if len(parts) >= 3 and parts[0] == "publickey":
            try:
                return key_fingerprint(base64.b64decode(parts[2], validate=True))
            except (binascii.Error, ValueError):
                return None
    return None


def _shown(command: str) -> str:
    text = plain(command)
    return text if len(text) <= 60 else text[:57] + "..."


def open_session(
    kiosk: KioskConfig,
    *,
    configured_lane: str,
    account: str,
    environ: Mapping[str, str],
    has_terminal: bool,
    lane_option: str | None = None,
) -> KioskSession:
    """Check a session and choose its lane, or raise :class:`KioskRefused`.

    The lane is, first to last: ``lane_option`` (the kiosk's own command line, written by the
    store in ForceCommand or a key's ``command=``), the authenticated key in ``[kiosk.keys]``,
    the account in ``[kiosk.accounts]``, else ``configured_lane`` (the ``[lane] id`` of the
    config, which sshd's ``SetEnv POS_TUI_LANE__ID=...`` may set). When the store maps keys or
    accounts, a session that matches neither is refused.
    """
    command = environ.get("SSH_ORIGINAL_COMMAND")
    allowed = {c.strip() for c in kiosk.allowed_commands}
    if command is not None and command.strip() not in allowed:
        raise KioskRefused(
            f"pos-tui kiosk: {_shown(command)!r} is not allowed here; connect with ssh -t and no command"
        )
    if not has_terminal:
        raise KioskRefused("pos-tui kiosk: this lane needs a terminal; connect with ssh -t")
    lane_id, chosen_by = _lane(kiosk, configured_lane, account, environ, lane_option)
    term = environ.get("TERM", "")
    monochrome = bool(environ.get("NO_COLOR")) or term in kiosk.monochrome_terms
    return KioskSession(account, lane_id, chosen_by, monochrome)


def _lane(
    kiosk: KioskConfig,
    configured_lane: str,
    account: str,
    environ: Mapping[str, str],
    lane_option: str | None,
) -> tuple[str, str]:
    if lane_option:
        return lane_option, "--lane"
    if kiosk.keys:
        fingerprint = authenticated_key(environ)
        if fingerprint is not None and fingerprint in kiosk.keys:
            return kiosk.keys[fingerprint], f"key {fingerprint}"
    if account in kiosk.accounts:
        return kiosk.accounts[account], f"account {account}"
    if kiosk.keys or kiosk.accounts:
        raise KioskRefused(
            f"pos-tui kiosk: no lane for account {plain(account)!r} or its key; ask the store's administrator"
        )
    return configured_lane, "[lane] id"


def lane_environment(environ: Mapping[str, str], session: KioskSession) -> dict[str, str]:
    """The environment the lane runs with: nothing that reopens an escape, and ``NO_COLOR``
    for a monochrome terminal."""
    env = {
        name: value
        for name, value in environ.items()
        if not name.startswith(DROPPED_PREFIXES) and name not in DROPPED_NAMES
    }
    if session.monochrome:
        env["NO_COLOR"] = "1"
    return env
