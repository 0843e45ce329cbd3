"""A real OpenSSH server on 127.0.0.1 for the kiosk: throwaway host and user keys, the shipped
sshd snippet and key options, a lane account, the lane installed where that account can run
it, and a TCP relay that slows, counts or drops the link.

As root (CI) the lane runs as a throwaway Unix account made for the run, like a store's
``lane1``; otherwise sshd runs as the test user with its own config and the session is that
user's. The shipped files are used verbatim except for the names and paths a test must put
elsewhere (:data:`SHIPPED`).
"""

from __future__ import annotations

import contextlib
import grp
import importlib.metadata
import os
import pwd
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tests.hardware.stacks import StackError, free_port, wait_until

REPO_ROOT = Path(__file__).resolve().parents[2]
KIOSK_CONFIG = REPO_ROOT / "config" / "kiosk"
SNIPPET = KIOSK_CONFIG / "sshd_config.d" / "pos-tui-kiosk.conf"
KEY_OPTIONS = KIOSK_CONFIG / "authorized_keys.example"
SSHD = Path("/usr/sbin/sshd")

# What the shipped files name that a test puts elsewhere: (shipped text, what it stands for).
SHIPPED = {
    "group": "Match Group pos-lanes",
    "pos_tui": "/opt/pos-tui/bin/pos-tui",
    "config": "/etc/pos-tui/kiosk.toml",
    "keys": "/etc/pos-tui/keys/%u",
}


def _run(*argv: str) -> str:
    result = subprocess.run(argv, capture_output=True, text=True, timeout=60)
    if result.returncode != 0:
        raise StackError(f"{' '.join(argv)} failed: {result.stderr.strip() or result.stdout}")
    return result.stdout


def keygen(path: Path, comment: str) -> Path:
    """A throwaway ed25519 key pair (``path`` and ``path.pub``)."""
    _run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", str(path))
    return path


def fingerprint(public_key: Path) -> str:
    """``SHA256:...`` as ``ssh-keygen -l`` prints it."""
    return _run("ssh-keygen", "-l", "-f", str(public_key)).split()[1]


# -- processes -----------------------------------------------------------------------------------


def _stat(pid: int) -> tuple[int, str, int] | None:
    """(parent pid, state, uid) of a process, or None once it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
        uid = Path(f"/proc/{pid}").stat().st_uid
    except OSError:
        return None
    fields = text[text.rindex(")") + 2 :].split()
    return int(fields[1]), fields[0], uid


def _pids() -> list[int]:
    return [int(p) for p in os.listdir("/proc") if p.isdigit()]


def descendants(root: int) -> list[int]:
    """Every process below ``root`` (children, their children...)."""
    parents: dict[int, int] = {}
    for pid in _pids():
        info = _stat(pid)
        if info is not None:
            parents[pid] = info[0]
    found: list[int] = []
    frontier = [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent]
        found += children
        frontier += children
    return found


def command_line(pid: int) -> str:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return ""
    return raw.replace(b"\0", b" ").decode(errors="replace").strip()


def process_state(pid: int) -> str:
    """``R``, ``S``, ``T`` (stopped)... or ``""`` once the process is gone."""
    info = _stat(pid)
    return info[1] if info else ""


# -- the lane's account and installation ---------------------------------------------------------


@dataclass
class LaneAccount:
    """The Unix account a kiosk session runs as, and the group the snippet matches."""

    name: str
    group: str
    uid: int
    gid: int
    home: Path
    created: bool

    @classmethod
    def current(cls) -> LaneAccount:
        """The account running this process (nothing created, nothing removed)."""
        me = pwd.getpwuid(os.getuid())
        group = grp.getgrgid(me.pw_gid).gr_name
        return cls(me.pw_name, group, me.pw_uid, me.pw_gid, Path(me.pw_dir), False)

    @classmethod
    def make(cls) -> LaneAccount:
        """A throwaway lane account as root; otherwise the test user's own."""
        if os.geteuid() != 0:
            return cls.current()
        name = f"posk{uuid.uuid4().hex[:6]}"
        _run("groupadd", name)
        # `*`: no password and not locked (sshd without PAM refuses a locked `!` account).
        _run("useradd", "--create-home", "--shell", "/bin/sh", "--gid", name, "-p", "*", name)
        entry = pwd.getpwnam(name)
        return cls(name, name, entry.pw_uid, entry.pw_gid, Path(entry.pw_dir), True)

    def processes(self) -> list[int]:
        """Processes running as this account (only meaningful for an account of its own)."""
        return [pid for pid in _pids() if (info := _stat(pid)) is not None and info[2] == self.uid]

    def remove(self) -> None:
        if not self.created:
            return
        for pid in self.processes():
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        wait_until(lambda: not self.processes(), 5)
        subprocess.run(["userdel", "--remove", self.name], capture_output=True, timeout=60)
        subprocess.run(["groupdel", self.name], capture_output=True, timeout=60)


def _open_to_all(path: Path) -> bool:
    """True if any user can reach and run ``path`` (every directory above it searchable)."""
    path = path.resolve()
    if not path.stat().st_mode & stat.S_IXOTH:
        return False
    return all(parent.stat().st_mode & stat.S_IXOTH for parent in path.parents)


def _shared_python() -> str:
    """A Python of this one's version that any account can run (the dev venv's may live
    under a home only its owner can enter)."""
    minor = f"{sys.version_info.major}.{sys.version_info.minor}"
    for candidate in (Path(sys.executable), Path(f"/usr/bin/python{minor}")):
        if candidate.exists() and _open_to_all(candidate):
            return str(candidate.resolve())
    raise StackError(f"no Python {minor} that other accounts can run: apt-get install python3")


def _runtime_distributions() -> list[importlib.metadata.Distribution]:
    """pos-tui's installed dependencies, all the way down (markers evaluated)."""
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    seen: dict[str, importlib.metadata.Distribution] = {}
    todo: list[tuple[str, tuple[str, ...]]] = [("pos-tui", ("usb",))]
    while todo:
        name, extras = todo.pop()
        key = canonicalize_name(name)
        if key in seen:
            continue
        dist = importlib.metadata.distribution(name)
        seen[key] = dist
        for text in dist.requires or []:
            requirement = Requirement(text)
            marker = requirement.marker
            if marker is None or any(marker.evaluate({"extra": e}) for e in extras or ("",)):
                todo.append((requirement.name, tuple(requirement.extras)))
    return [d for k, d in seen.items() if k not in ("pos-tui", "pip", "setuptools")]


@dataclass
class KioskInstall:
    """The ``pos-tui`` command the ForceCommand runs, installed where the lane's account can
    run it: as ``pip install`` would put it in ``/opt/pos-tui`` (a venv of a system Python,
    pos-tui and its dependencies copied from the dev venv: no network needed)."""

    pos_tui: Path
    python: Path  # what the kiosk's processes run (their command lines start with it)

    @classmethod
    def make(cls, root: Path, account: LaneAccount) -> KioskInstall:
        if not account.created:  # the test user's own dev venv
            return cls(Path(sys.executable).with_name("pos-tui"), Path(sys.executable))
        venv = root / "opt"
        _run(_shared_python(), "-m", "venv", "--without-pip", str(venv))
        site = next(venv.glob("lib/python3*/site-packages"))
        for dist in _runtime_distributions():
            for file in dist.files or []:
                if file.parts[0] == "..":  # console scripts of the dependencies
                    continue
                source = Path(str(file.locate()))
                if source.is_file() and "__pycache__" not in file.parts:
                    target = site / file
                    target.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(source, target)
        shutil.copytree(REPO_ROOT / "pos_tui", site / "pos_tui", ignore=_no_caches)
        shutil.copytree(REPO_ROOT / "config", site / "pos_tui" / "_shipped_config")
        script = venv / "bin" / "pos-tui"
        script.write_text(f"#!{venv}/bin/python\nfrom pos_tui.cli import main\nmain()\n")
        script.chmod(0o755)
        # Compiled once here, as pip does, so that each session starts as fast as installed.
        subprocess.run(
            [str(venv / "bin" / "python"), "-m", "compileall", "-q", "-j", "0", str(site)],
            capture_output=True,
            timeout=300,
        )
        for path in [root, *root.rglob("*")]:
            path.chmod(path.stat().st_mode | stat.S_IROTH | (stat.S_IXOTH if path.is_dir() else 0))
        return cls(script, venv / "bin" / "python")


def _no_caches(_directory: str, names: list[str]) -> list[str]:
    return [n for n in names if n == "__pycache__"]


# -- sshd ----------------------------------------------------------------------------------------


def installed_snippet(install: KioskInstall, account: LaneAccount, config: Path, keys: Path) -> str:
    """The shipped sshd snippet with this run's group, command, config and keys."""
    text = SNIPPET.read_text()
    for key, value in (
        ("group", f"Match Group {account.group}"),
        ("pos_tui", str(install.pos_tui)),
        ("config", str(config)),
        ("keys", str(keys / "%u")),
    ):
        assert SHIPPED[key] in text, f"the snippet no longer says {SHIPPED[key]!r}"
        text = text.replace(SHIPPED[key], value)
    return text


def authorized_line(install: KioskInstall, config: Path, public_key: Path) -> str:
    """The first line of the shipped key-options example, with this run's command and key."""
    example = next(
        line for line in KEY_OPTIONS.read_text().splitlines() if line.startswith("restrict")
    )
    options = example[: example.index(" ssh-")]
    options = options.replace(SHIPPED["pos_tui"], str(install.pos_tui))
    options = options.replace(SHIPPED["config"], str(config))
    return f"{options} {public_key.read_text().strip()}"


def _ptys_owned_by_tty_group() -> bool:
    """True when new ptys get group tty (``devpts ... gid=5``), as on a standard host."""
    with open("/proc/mounts") as mounts:
        for line in mounts:
            fields = line.split()
            if len(fields) > 3 and fields[2] == "devpts" and fields[1] == "/dev/pts":
                return "gid=5" in fields[3].split(",")
    return False


@dataclass
class Sshd:
    """``sshd -D`` on 127.0.0.1 with the kiosk snippet included."""

    root: Path
    port: int
    account: LaneAccount
    client_key: Path
    process: subprocess.Popen[bytes] | None = None

    @property
    def log(self) -> Path:
        return self.root / "sshd.log"

    @classmethod
    def start(
        cls,
        root: Path,
        *,
        account: LaneAccount,
        install: KioskInstall,
        kiosk_config: Path | None,
        client_key: Path,
        environment: dict[str, str],
        per_user: list[str],
        more_keys: tuple[Path, ...] = (),
    ) -> Sshd:
        """With ``kiosk_config``, the shipped snippet and key options are installed (for
        ``client_key`` and ``more_keys``: one line per terminal); without, a plain server that
        runs the command the client asks for (the bench's floor)."""
        if not SSHD.exists():
            raise StackError("sshd is not installed: apt-get install openssh-server")
        etc = root / "etc"
        (etc / "sshd_config.d").mkdir(parents=True)
        keys = root / "keys"
        keys.mkdir()
        host_key = keygen(etc / "host_ed25519", "pos-tui test host")
        public_key = client_key.with_suffix(".pub")
        if kiosk_config is None:
            (keys / account.name).write_text(public_key.read_text())
        else:
            authorized = [
                authorized_line(install, kiosk_config, key.with_suffix(".pub"))
                for key in (client_key, *more_keys)
            ]
            (keys / account.name).write_text("\n".join(authorized) + "\n")
            snippet = installed_snippet(install, account, kiosk_config, keys)
            (etc / "sshd_config.d" / "pos-tui-kiosk.conf").write_text(snippet)
        port = free_port()
        set_env = " ".join(f"{k}={v}" for k, v in environment.items())
        # The first value of a keyword wins in sshd: the test's own lines come before the
        # snippet ("Match all" closes them, so the Include is read for every session).
        lines = [
            f"Port {port}",
            "ListenAddress 127.0.0.1",
            f"HostKey {host_key}",
            f"PidFile {root / 'sshd.pid'}",
            "UsePAM no",
            "StrictModes no",  # the keys live under /tmp, which is world-writable
            "PasswordAuthentication no",
            "KbdInteractiveAuthentication no",
            f"AuthorizedKeysFile {keys}/%u",  # never an account's own ~/.ssh
            "AcceptEnv LANG LC_*",  # as Debian's own sshd_config
            "Subsystem sftp internal-sftp",
            "LogLevel VERBOSE",
            f"SetEnv {set_env}",
            f"Match User {account.name}",
            *(f"    {line}" for line in per_user),
            "Match all",
            f"Include {etc / 'sshd_config.d'}/*.conf",
        ]
        config = etc / "sshd_config"
        config.write_text("\n".join(lines) + "\n")
        for path in (etc, host_key):
            path.chmod(0o700 if path.is_dir() else 0o600)
        if os.geteuid() == 0:
            Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)
        elif not _ptys_owned_by_tty_group():
            raise StackError(
                "sshd run by a user other than root cannot give a session a terminal here: "
                "/dev/pts is mounted without gid=5 (group tty), so sshd would have to chown "
                "each pty; run the tests as root (as CI does) or mount devpts with gid=5"
            )
        _run(str(SSHD), "-t", "-f", str(config))
        server = cls(root, port, account, client_key)
        log = server.log.open("ab")
        server.process = subprocess.Popen(
            [str(SSHD), "-D", "-e", "-f", str(config)], stdout=log, stderr=subprocess.STDOUT
        )
        log.close()
        if not wait_until(lambda: f"port {port}" in server.log.read_text(errors="replace"), 10):
            server.stop()
            raise StackError(f"sshd did not start listening: {server.log.read_text()}")
        return server

    def ssh(
        self,
        *options: str,
        port: int | None = None,
        command: str | None = None,
        key: Path | None = None,
    ) -> list[str]:
        """An ``ssh`` command line to the lane account with the throwaway key (or ``key``;
        ``options`` first: the first value of an option wins)."""
        return [
            "ssh",
            *options,
            "-F",
            "/dev/null",
            "-p",
            str(port or self.port),
            "-i",
            str(key or self.client_key),
            "-o",
            "IdentitiesOnly=yes",
            "-o",
            "BatchMode=yes",
            "-o",
            "StrictHostKeyChecking=no",
            "-o",
            "UserKnownHostsFile=/dev/null",
            "-o",
            "LogLevel=ERROR",
            f"{self.account.name}@127.0.0.1",
            *([command] if command is not None else []),
        ]

    def sessions(self) -> list[int]:
        """Every process of a session: whatever runs below the listening sshd."""
        return descendants(self.process.pid) if self.process else []

    def leftovers(self) -> list[str]:
        """Processes of the lane left behind: below sshd, and (an account of its own) any
        process of that account."""
        pids = set(self.sessions())
        if self.account.created:
            pids |= set(self.account.processes())
        return [f"{pid} {process_state(pid)} {command_line(pid)}" for pid in sorted(pids)]

    def wait_no_sessions(self, timeout: float = 20.0) -> None:
        if not wait_until(lambda: not self.leftovers(), timeout, interval=0.1):
            raise AssertionError(f"left behind after {timeout}s: {self.leftovers()}")

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None:
            return
        for pid in descendants(process.pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


@contextlib.contextmanager
def shared_directory() -> Iterator[Path]:
    """A scratch directory every account can enter (pytest's tmp dirs are the owner's only)."""
    path = Path(tempfile.mkdtemp(prefix="pos-tui-kiosk-"))
    path.chmod(0o755)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


# -- a link between the client and sshd ----------------------------------------------------------


@dataclass
class _Direction:
    """One direction of a relayed connection: delayed, rate-limited, counted."""

    source: socket.socket
    target: socket.socket
    relay: Relay
    downstream: bool
    queue: deque[tuple[float, bytes]] = field(default_factory=deque)
    ready: threading.Condition = field(default_factory=threading.Condition)
    closed: bool = False

    def start(self) -> None:
        threading.Thread(target=self._receive, daemon=True).start()
        threading.Thread(target=self._send, daemon=True).start()

    def _receive(self) -> None:
        try:
            while chunk := self.source.recv(65536):
                with self.ready:
                    self.queue.append((time.monotonic() + self.relay.delay, chunk))
                    self.ready.notify()
        except OSError:
            pass
        with self.ready:
            self.closed = True
            self.ready.notify()

    def _send(self) -> None:
        try:
            while True:
                with self.ready:
                    while not self.queue and not self.closed:
                        self.ready.wait()
                    if not self.queue:
                        break
                    due, chunk = self.queue.popleft()
                time.sleep(max(0.0, due - time.monotonic()))
                if self.relay.dropped.is_set():
                    continue  # the link is cut: the bytes never arrive, nothing is closed
                self._transmit(chunk)
        except OSError:
            pass
        if not self.relay.dropped.is_set():
            with contextlib.suppress(OSError):
                self.target.shutdown(socket.SHUT_WR)

    def _transmit(self, chunk: bytes) -> None:
        rate = self.relay.bytes_per_second
        step = len(chunk) if rate is None else max(1, int(rate / 20))
        for start in range(0, len(chunk), step):
            piece = chunk[start : start + step]
            if rate is not None:
                time.sleep(len(piece) / rate)  # the time the line takes to carry it
            self.target.sendall(piece)
            self.relay.count(len(piece), downstream=self.downstream)


@dataclass
class Relay:
    """A TCP relay in front of sshd: ``delay`` seconds each way (0.1 gives a 200 ms round
    trip), at most ``bytes_per_second`` each way (960 for a 9600-baud line), bytes counted;
    :meth:`drop` cuts the link without closing anything, as a pulled cable does."""

    target_port: int
    delay: float = 0.0
    bytes_per_second: float | None = None
    port: int = 0
    dropped: threading.Event = field(default_factory=threading.Event)
    downstream_bytes: int = 0
    upstream_bytes: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _listener: socket.socket | None = None
    _sockets: list[socket.socket] = field(default_factory=list)

    def start(self) -> Relay:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        self.port = int(listener.getsockname()[1])
        self._listener = listener
        threading.Thread(target=self._accept, daemon=True).start()
        return self

    def _accept(self) -> None:
        assert self._listener is not None
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            server = socket.create_connection(("127.0.0.1", self.target_port))
            for sock in (client, server):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self._sockets += [client, server]
            _Direction(client, server, self, downstream=False).start()
            _Direction(server, client, self, downstream=True).start()

    def count(self, n: int, *, downstream: bool) -> None:
        with self._lock:
            if downstream:
                self.downstream_bytes += n
            else:
                self.upstream_bytes += n

    def drop(self) -> None:
        self.dropped.set()

    def close(self) -> None:
        if self._listener is not None:
            self._listener.close()
        for sock in self._sockets:
            with contextlib.suppress(OSError):
                sock.close()
