"""The kiosk end to end over a real OpenSSH server: ``ssh -tt`` in tmux at 80x24 into the shipped
sshd snippet and key options, as the lane's own account (tests/terminal/kiosk.py).

A cashier signs in and rings up a sale with a customer; then every way out a kiosk user might
try: keys that are signals elsewhere, the command palette, a crash of the lane, a connection
closed or cut mid-sale, a hang-up, commands, a session without a terminal, file transfer and
forwarding. None leaves a shell or a process of the session behind, and the sale comes back at
the next sign-in.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import serial

from tests.hardware.sshd import (
    Relay,
    command_line,
    descendants,
    installed_snippet,
    keygen,
    process_state,
)
from tests.hardware.stacks import free_port, wait_until
from tests.terminal.kiosk import (
    ANNA_MOBILE,
    KEY_LANE,
    LANE,
    KioskStack,
    resume_left_sale,
    sign_in,
)
from tests.terminal.tmux import Tmux

pytestmark = [pytest.mark.terminal, pytest.mark.hardware]


@pytest.fixture
def tmux(kiosk: KioskStack) -> Iterator[Tmux]:
    kiosk.clear_open_sales()
    session = kiosk.tmux()
    try:
        yield session
    finally:
        session.kill()
        kiosk.sshd.wait_no_sessions()


def ssh_client(tmux: Tmux) -> int:
    """The ssh client running in the pane."""
    pane = int(tmux.pane("pane_pid"))
    for pid in [pane, *descendants(pane)]:
        if command_line(pid).startswith("ssh "):
            return pid
    raise AssertionError(f"no ssh in the pane: {command_line(pane)}")


def not_the_lane(kiosk: KioskStack) -> list[str]:
    """Processes of the session (below sshd, or of the lane's account) that are neither
    sshd's nor the kiosk's: a shell or anything else the user got to start."""
    pids = set(kiosk.sshd.sessions())
    if kiosk.account.created:
        pids |= set(kiosk.account.processes())
    return [
        f"{pid} {line}"
        for pid in sorted(pids)
        if (line := command_line(pid)) and not line.startswith(("sshd", f"{kiosk.install.python} "))
    ]


def pane_closed(tmux: Tmux) -> bool:
    return wait_until(lambda: tmux.pane("pane_dead") == "1", 20, interval=0.1)


def has_open(pid: int, device: Path) -> bool:
    fds = Path(f"/proc/{pid}/fd")
    target = str(device.resolve())
    return any(os.path.realpath(fd) == target for fd in fds.iterdir())


def scan_on_the_lane_scanner(kiosk: KioskStack, lane: int, code: str) -> None:
    """A barcode read by the scanner attached to the kiosk's own machine, once the lane has
    opened it (the devices open after the first frame, off the screen's thread; a code sent
    while the port opens is flushed by the open)."""
    assert wait_until(lambda: has_open(lane, kiosk.scanner.app_end), 30), "scanner not opened"
    with serial.Serial(str(kiosk.scanner.device_end)) as device:  # raw, as a scanner's line
        device.write(code.encode() + b"\r")
        device.flush()


def test_a_sale_with_a_customer_survives_every_way_out(kiosk: KioskStack, tmux: Tmux) -> None:
    # The client asks for variables that would give the signals back, end at a prompt or
    # choose another lane.
    asked = "SetEnv=TEXTUAL_ALLOW_SIGNALS=1 PYTHONINSPECT=1 POS_TUI_LANE__ID=L9"
    tmux.start(kiosk.sshd.ssh("-tt", "-o", asked))
    # A device the lane's account may not open, and one that is not on this machine (the pole
    # display's port), are refused by name, with the reason.
    tmux.wait_for("Sign in", f"Lane {LANE}", "permission denied", "no such device")
    sign_in(tmux)
    supervisor, lane = kiosk.kiosk_pids()
    names = {v.split(b"=", 1)[0] for v in Path(f"/proc/{lane}/environ").read_bytes().split(b"\0")}
    assert not names & {
        b"TEXTUAL_ALLOW_SIGNALS",
        b"PYTHONINSPECT",
        b"POS_TUI_LANE__ID",
        b"SSH_AUTH_SOCK",
        b"DISPLAY",
    }
    assert not_the_lane(kiosk) == []

    scan_on_the_lane_scanner(kiosk, lane, "8901234567890")
    tmux.wait_for("Apple 1kg")
    tmux.keys("F2")
    tmux.wait_for("Find customer", "Name, mobile, card or account number")
    tmux.type(ANNA_MOBILE)
    tmux.keys("Enter")
    tmux.wait_for("Anna Smith", "Card 4000001")
    tmux.type("BAG")
    tmux.keys("Enter")
    sale = tmux.wait_for("Carry bag", "Anna Smith")
    (kiosk.root / "kiosk-80x24.txt").write_text(sale, encoding="utf-8")

    # Keys that are signals on an ordinary terminal are keys of the lane here.
    for key, name in (("C-c", "Ctrl+C"), ("C-\\", "Ctrl+\\"), ("C-z", "Ctrl+Z")):
        tmux.keys(key)
        tmux.wait_for(f"{name} is not used here")
        assert process_state(lane) in ("R", "S"), f"after {name}: {process_state(lane)}"
    assert kiosk.kiosk_pids() == (supervisor, lane)
    assert not_the_lane(kiosk) == []

    # The palette has the lane's commands and nothing that reaches the host.
    for query in ("", "screenshot", "quit", "theme", "shell", "pay"):
        tmux.keys("C-p")  # a fresh palette for each query: no answer left from the last one
        opened = tmux.wait_for("Search for commands")
        assert "Screenshot" not in opened and "Quit" not in opened
        if query:
            tmux.type(query)
            tmux.wait_for("Take payment for the sale" if query == "pay" else "No matches found")
        tmux.keys("Escape")
        # The search line (its icon) is gone: the placeholder alone hides behind a query.
        tmux.wait_until(lambda s: "🔎" not in s, "the palette closed")
    tmux.wait_for("Scan or type", "Carry bag")

    # A crash of the lane: a short message, the lane again, the sale offered back.
    os.kill(lane, signal.SIGSEGV)
    tmux.wait_for("The lane stopped on an error")
    sign_in(tmux)
    resume_left_sale(tmux, "Apple 1kg", "Carry bag", "Anna Smith")
    again, lane = kiosk.kiosk_pids()
    assert again == supervisor
    assert not_the_lane(kiosk) == []
    log = (kiosk.data / "pos-tui.log").read_text()
    assert "killed by SIGSEGV" in log and "Traceback" not in tmux.screen()

    # The connection closed mid-sale (the client killed): the session ends, nothing stays.
    os.kill(ssh_client(tmux), signal.SIGKILL)
    kiosk.sshd.wait_no_sessions()
    [left] = kiosk.open_sales()
    assert left.employee_id is not None

    tmux.restart(kiosk.sshd.ssh("-tt"))
    sign_in(tmux)
    resume_left_sale(tmux, "Apple 1kg", "Carry bag", "Anna Smith")
    tmux.keys("F5")
    tmux.wait_for("Amount (Enter = cash)")
    tmux.type("500")
    tmux.keys("Enter")
    # The banner says it whole: the new session's device errors are on the message line, no
    # toast covers the banner or the customer panel (the line itself may say the next notice,
    # "No receipt printer is configured", by the time it is read).
    tmux.wait_for("CHANGE DUE", "SALE #1 COMPLETE")
    tmux.keys("C-q")
    assert pane_closed(tmux)
    kiosk.sshd.wait_no_sessions()

    with kiosk.backend() as backend:
        committed = backend.journal.last(LANE)
        assert committed is not None
        anna = backend.customers.by_mobile("+91" + ANNA_MOBILE)  # stored in E.164
        assert anna is not None and committed.customer_id == anna.id
        lines = backend.journal.children(committed.id).lines
        assert len(lines) == 2
        assert committed.total > 0
    assert kiosk.open_sales() == []


def test_a_terminal_key_names_its_lane_whatever_the_client_asks(
    kiosk: KioskStack, tmux: Tmux
) -> None:
    """One account, a key per terminal: the key sshd accepted (ExposeAuthInfo) picks the lane
    in [kiosk.keys]; a lane the client asks for by its environment is never taken."""
    asked = "SetEnv=POS_TUI_LANE__ID=L9 SSH_USER_AUTH=/dev/null"
    tmux.start(kiosk.sshd.ssh("-tt", "-o", asked, key=kiosk.terminal_key))
    screen = tmux.wait_for("Sign in", f"Lane {KEY_LANE}")
    assert "Lane L9" not in screen and f"Lane {LANE}" not in screen
    assert not_the_lane(kiosk) == []
    tmux.keys("C-q")
    assert pane_closed(tmux)
    kiosk.sshd.wait_no_sessions()
    log = (kiosk.data / "pos-tui.log").read_text()
    assert f"lane {KEY_LANE} (chosen by key SHA256:" in log


def test_a_dropped_link_and_a_hang_up_keep_the_sale(kiosk: KioskStack, tmux: Tmux) -> None:
    relay = Relay(kiosk.sshd.port).start()
    try:
        tmux.start(kiosk.sshd.ssh("-tt", port=relay.port))
        sign_in(tmux)
        tmux.type("BAG")
        tmux.keys("Enter")
        tmux.wait_for("Carry bag")
        # The cable is pulled: no FIN, no reset; sshd's keep-alives go unanswered.
        relay.drop()
        kiosk.sshd.wait_no_sessions(timeout=30)
        os.kill(ssh_client(tmux), signal.SIGKILL)  # the client would wait forever
    finally:
        relay.close()
    assert len(kiosk.open_sales()) == 1

    tmux.restart(kiosk.sshd.ssh("-tt"))
    sign_in(tmux)
    resume_left_sale(tmux, "Carry bag")
    tmux.type("APPLE")
    tmux.keys("Enter")
    tmux.wait_for("Apple 1kg")
    supervisor, _lane = kiosk.kiosk_pids()
    os.kill(supervisor, signal.SIGHUP)
    assert pane_closed(tmux)
    kiosk.sshd.wait_no_sessions()

    tmux.restart(kiosk.sshd.ssh("-tt"))
    sign_in(tmux)
    resume_left_sale(tmux, "Carry bag", "Apple 1kg")
    tmux.keys("C-q")
    assert pane_closed(tmux)


def _run(argv: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        argv,
        capture_output=True,
        text=True,
        timeout=60,
        stdin=kwargs.pop("stdin", subprocess.DEVNULL),
        **kwargs,  # type: ignore[call-overload]
    )


def _client_options(kiosk: KioskStack) -> list[str]:
    """The ssh options of the kiosk's client, for scp and sftp (which take -P for the port)."""
    ssh = kiosk.sshd.ssh()
    return ssh[1 : ssh.index("-p")] + ssh[ssh.index("-p") + 2 : -1]


def test_commands_shells_file_transfer_and_forwarding_are_refused(
    kiosk: KioskStack, tmp_path: Path
) -> None:
    ssh = kiosk.sshd.ssh
    not_allowed = "is not allowed here; connect with ssh -t and no command"
    for command in ("ls", "/bin/sh", "sh -i", "exec bash -l", "pos-tui --db /tmp/x.db"):
        plain = _run(ssh(command=command))
        assert plain.returncode == 1 and not_allowed in plain.stderr, plain
        assert len(plain.stderr.splitlines()) == 1 and plain.stdout == "", plain  # one line
        with_tty = _run(ssh("-tt", command=command))
        assert with_tty.returncode == 1 and not_allowed in with_tty.stdout, with_tty
    needs_terminal = "this lane needs a terminal; connect with ssh -t"
    for options in (["-T"], []):  # no pty asked for, or stdin not a terminal
        result = _run(ssh(*options))
        assert result.returncode == 1 and needs_terminal in result.stderr, result
        assert len(result.stderr.splitlines()) == 1 and result.stdout == "", result

    user_host = f"{kiosk.account.name}@127.0.0.1"
    port = str(kiosk.sshd.port)
    sftp = _run(["sftp", *_client_options(kiosk), "-P", port, "-b", "-", user_host], stdin=None)
    assert sftp.returncode != 0 and "hostname" not in sftp.stdout
    copied = tmp_path / "copied"
    scp = _run(
        [
            "scp",
            "-O",
            *_client_options(kiosk),
            "-P",
            port,
            f"{user_host}:/etc/hostname",
            str(copied),
        ]
    )
    assert scp.returncode != 0 and not copied.exists()

    # -R and -W: the server says no and the client gives up.
    remote = _run(ssh("-N", "-o", "ExitOnForwardFailure=yes", "-R", f"0:127.0.0.1:{port}"))
    assert remote.returncode == 255 and "forwarding failed" in remote.stderr, remote
    stdio = _run(ssh("-W", f"127.0.0.1:{port}"))
    assert stdio.returncode == 255 and "SSH-2.0" not in stdio.stdout, stdio
    # -L: the client listens, but every connection through it is refused by the server.
    local = free_port()
    forward = subprocess.Popen(
        ssh("-N", "-o", "LogLevel=INFO", "-L", f"{local}:127.0.0.1:{port}"),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert wait_until(lambda: _listening(local), 20), "ssh -L never listened"
        with socket.create_connection(("127.0.0.1", local), timeout=10) as through:
            assert through.recv(100) == b""  # through a working forward: b"SSH-2.0-OpenSSH..."
    finally:
        forward.terminate()
        _, errors = forward.communicate(timeout=20)
    assert "administratively prohibited" in errors
    kiosk.sshd.wait_no_sessions()


def _as_account(kiosk: KioskStack, *argv: str) -> subprocess.CompletedProcess[str]:
    account = kiosk.account.name
    switch = ["setpriv", f"--reuid={account}", f"--regid={account}", "--init-groups"]
    return _run([*switch, *argv])


def test_the_lane_account_can_change_nothing_its_session_runs(
    kiosk: KioskStack, tmux: Tmux, tmp_path: Path
) -> None:
    """A sudoers-free install: the lane's account can write nothing the session runs or reads
    (pos-tui, the kiosk config, the keys, sshd's config), and what it owns, its home, is never
    read at sign-in: its ~/.ssh/rc, ~/.ssh/environment, ~/.ssh/authorized_keys, ~/.profile."""
    session_files = [kiosk.install.pos_tui.parents[1], kiosk.config, kiosk.root / "keys"]
    session_files.append(kiosk.root / "etc")
    if not kiosk.account.created:  # the test user's own account: it owns all of it
        for path in (kiosk.config, kiosk.root / "keys", kiosk.root / "etc"):
            assert not path.stat().st_mode & 0o022, f"{path} writable by others"
        return
    found = _as_account(kiosk, "find", *map(str, session_files), "-writable")
    assert found.returncode in (0, 1) and found.stdout == "", found  # 1: sshd's etc is 0700
    # The control: its data directory (the lane's log) is the kind of place it may write.
    assert _as_account(kiosk, "test", "-w", str(kiosk.data)).returncode == 0
    if shutil.which("sudo"):
        assert _as_account(kiosk, "sudo", "-n", "true").returncode != 0

    home = kiosk.account.home
    ran = home / "ran"
    other = keygen(tmp_path / "id_home", "a key the account added itself")
    files = {
        ".profile": f"touch {ran}.profile\n",
        ".ssh/rc": f"touch {ran}.rc\n",
        ".ssh/environment": "POS_TUI_LANE__ID=L9\nTEXTUAL_ALLOW_SIGNALS=1\n",
        ".ssh/authorized_keys": other.with_suffix(".pub").read_text(),
    }
    for name, text in files.items():
        path = home / name
        path.parent.mkdir(mode=0o700, exist_ok=True)
        path.write_text(text)
        os.chown(path.parent, kiosk.account.uid, kiosk.account.gid)
        os.chown(path, kiosk.account.uid, kiosk.account.gid)
    try:
        refused = _run(kiosk.sshd.ssh("-tt", key=other))
        assert refused.returncode == 255 and "Permission denied" in refused.stderr, refused
        tmux.start(kiosk.sshd.ssh("-tt"))
        sign_in(tmux)
        _supervisor, lane = kiosk.kiosk_pids()
        environ = Path(f"/proc/{lane}/environ").read_bytes().split(b"\0")
        assert not [v for v in environ if v.startswith((b"TEXTUAL", b"POS_TUI_LANE__ID"))]
        assert not_the_lane(kiosk) == []
        tmux.keys("C-q")
        assert pane_closed(tmux)
        kiosk.sshd.wait_no_sessions()
        assert not list(home.glob("ran*")), "a file of the account's ran at sign-in"
    finally:
        for name in files:
            (home / name).unlink(missing_ok=True)


def _listening(port: int) -> bool:
    """True once something listens on 127.0.0.1:port (seen in /proc, without connecting)."""
    wanted = f"0100007F:{port:04X}"
    with open("/proc/net/tcp") as table:
        return any(
            line.split()[1] == wanted and line.split()[3] == "0A" for line in table.readlines()[1:]
        )


_SGR = re.compile(r"\x1b\[([0-9;]*)m")


def _is_grey_256(index: int) -> bool:
    if index < 16:
        return index in (0, 7, 8, 15)
    if index >= 232:
        return True
    cube = index - 16
    return cube // 36 == (cube // 6) % 6 == cube % 6


def colours(screen: str) -> tuple[set[str], bool]:
    """The colour systems used on the screen ("16", "256", "rgb") and whether any colour
    has a hue (is not black, white or a grey)."""
    systems: set[str] = set()
    hue = False
    for match in _SGR.finditer(screen):
        params = [int(p) if p else 0 for p in match.group(1).split(";")]
        i = 0
        while i < len(params):
            p = params[i]
            if p in (38, 48) and i + 2 < len(params) and params[i + 1] == 5:
                systems.add("256")
                hue |= not _is_grey_256(params[i + 2])
                i += 3
                continue
            if p in (38, 48) and i + 4 < len(params) and params[i + 1] == 2:
                systems.add("rgb")
                hue |= len(set(params[i + 2 : i + 5])) > 1
                i += 5
                continue
            if 30 <= p <= 37 or 40 <= p <= 47 or 90 <= p <= 97 or 100 <= p <= 107:
                systems.add("16")
                hue |= p % 10 not in (0, 7)
            i += 1
    return systems, hue


@pytest.mark.parametrize(
    ("term", "options", "palette"),
    [
        ("xterm-256color", [], "256 colours"),
        ("linux", [], "16 colours"),
        ("vt220", [], "monochrome"),
        ("vt100", [], "monochrome"),
        ("xterm-256color", ["-o", "SetEnv=NO_COLOR=1"], "monochrome"),
    ],
)
def test_thin_terminals_at_80x24(
    kiosk: KioskStack, term: str, options: list[str], palette: str
) -> None:
    kiosk.clear_open_sales()
    tmux = kiosk.tmux(TERM=term)
    try:
        tmux.start(kiosk.sshd.ssh("-tt", *options))
        sign_in(tmux)
        tmux.type("BAG")
        tmux.keys("Enter")
        screen = tmux.wait_for("Carry bag", "REMAINING", "f5 Pay")
        systems, hue = colours(tmux.screen(escapes=True))
        if palette == "256 colours":
            assert "256" in systems and hue
        elif palette == "16 colours":
            assert systems == {"16"} and hue
        else:
            assert systems and not hue, systems
        assert f"Lane {LANE}" in screen.splitlines()[0]
        tmux.keys("C-q")
        assert pane_closed(tmux)
    finally:
        tmux.kill()
    kiosk.sshd.wait_no_sessions()


def test_scans_over_a_200_ms_round_trip(kiosk: KioskStack, tmux: Tmux) -> None:
    """The lane over a slow link (100 ms each way): every scan shows (the time it takes is
    the bench's figure `kiosk_link`)."""
    relay = Relay(kiosk.sshd.port, delay=0.1).start()
    try:
        tmux.start(kiosk.sshd.ssh("-tt", port=relay.port))
        sign_in(tmux)
        for count, code in enumerate(("BAG", "APPLE", "BAG"), start=1):
            tmux.type(code)
            tmux.keys("Enter")
            tmux.wait_until(_line_shown(count), f"line {count}")
        tmux.keys("C-q")
        assert pane_closed(tmux)
    finally:
        relay.close()
    assert relay.downstream_bytes > 0


def test_the_snippet_where_debian_includes_it_changes_nothing_for_other_accounts(
    kiosk: KioskStack, tmp_path: Path
) -> None:
    """Debian's sshd_config includes sshd_config.d/*.conf at its top: the snippet's Match ends
    with its file, so the global lines after it still hold for every other account."""
    conf_d = tmp_path / "sshd_config.d"
    conf_d.mkdir()
    snippet = installed_snippet(kiosk.install, kiosk.account, kiosk.config, tmp_path)
    (conf_d / "pos-tui-kiosk.conf").write_text(snippet)
    main = tmp_path / "sshd_config"
    main.write_text(
        f"Include {conf_d}/*.conf\n"
        f"HostKey {kiosk.root / 'etc' / 'host_ed25519'}\n"
        "PasswordAuthentication yes\nX11Forwarding yes\nAllowTcpForwarding yes\nUsePAM no\n"
    )

    def effective(user: str) -> dict[str, str]:
        result = _run(
            ["/usr/sbin/sshd", "-T", "-f", str(main), "-C", f"user={user},host=t,addr=127.0.0.1"]
        )
        assert result.returncode == 0, result.stderr
        return dict(line.split(" ", 1) for line in result.stdout.splitlines() if " " in line)

    lane = effective(kiosk.account.name)
    assert lane["forcecommand"] == f"exec {kiosk.install.pos_tui} --config {kiosk.config} kiosk"
    for key, value in {
        "disableforwarding": "yes",
        "allowtcpforwarding": "no",
        "allowstreamlocalforwarding": "no",
        "allowagentforwarding": "no",
        "x11forwarding": "no",
        "permittunnel": "no",
        "permitopen": "none",
        "permitlisten": "none",
        "permittty": "yes",
        "permituserrc": "no",
        "passwordauthentication": "no",
        "exposeauthinfo": "yes",
        "maxsessions": "1",
    }.items():
        assert lane[key] == value, key
    other = effective("root")
    assert other["forcecommand"] == "none" and other["passwordauthentication"] == "yes"
    assert other["x11forwarding"] == "yes" and other["allowtcpforwarding"] == "yes"


def _line_shown(n: int) -> Callable[[str], bool]:
    """The screen shows the sale's line ``n`` (a bag or the apples)."""
    return lambda screen: re.search(rf"\b{n} (Carry bag|Apple 1kg)", screen) is not None
