"""A throwaway PostgreSQL cluster in a directory: for the tests, the bench and a developer's
head office (``pos-tui hq dev``). Production runs a PostgreSQL the distribution manages.

``initdb`` refuses to run as root, so as root the cluster belongs to the ``postgres`` user the
server package creates (``runuser``); as anyone else it runs as that user. The server listens on
127.0.0.1 at a free port and on a Unix socket in the cluster's own directory, trusts local
connections (it is for tests and development), and stops when :meth:`stop` is called.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

SUPERUSER = "pos"


class ClusterError(RuntimeError):
    """The PostgreSQL server binaries are missing or the cluster did not start."""


def server_bindir() -> Path:
    """Where initdb and pg_ctl live: ``POS_TUI_PG_BINDIR``, ``pg_config --bindir`` if it has
    them, else the newest /usr/lib/postgresql/*/bin (Debian's layout)."""
    override = os.environ.get("POS_TUI_PG_BINDIR")
    candidates = [Path(override)] if override else []
    pg_config = shutil.which("pg_config")
    if pg_config:
        out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, check=False)
        if out.returncode == 0:
            candidates.append(Path(out.stdout.strip()))
    candidates += [
        Path(p)
        for p in sorted(
            glob.glob("/usr/lib/postgresql/*/bin"),
            key=lambda p: [int(x) for x in Path(p).parent.name.split(".") if x.isdigit()],
            reverse=True,
        )
    ]
    for candidate in candidates:
        if (candidate / "initdb").exists() and (candidate / "pg_ctl").exists():
            return candidate
    raise ClusterError(
        "PostgreSQL server binaries (initdb, pg_ctl) not found: install the Debian package "
        "'postgresql' (scripts/setup does) or set POS_TUI_PG_BINDIR"
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Cluster:
    """One PostgreSQL cluster in ``root`` (created with :meth:`create`)."""

    root: Path
    port: int
    bindir: Path = field(default_factory=server_bindir)
    # Who runs initdb and pg_ctl: None as an ordinary user, the postgres user as root.
    run_as: str | None = field(default_factory=lambda: _unprivileged_user())

    @classmethod
    def create(cls, root: Path | None = None, *, port: int | None = None) -> Cluster:
        """initdb into ``root`` (a new temp dir by default) and start the server."""
        bindir = server_bindir()
        run_as = _unprivileged_user()
        if root is None:
            # Not under pytest's tmp dirs: they are 0700 root, which the postgres user cannot
            # enter.
            root = Path(tempfile.mkdtemp(prefix="pos-tui-pg-"))
        root.mkdir(parents=True, exist_ok=True)
        cluster = cls(root=root, port=port or free_port(), bindir=bindir, run_as=run_as)
        if run_as:
            entry = pwd.getpwnam(run_as)
            os.chown(root, entry.pw_uid, entry.pw_gid)
        if not (root / "data" / "PG_VERSION").exists():
            cluster._run(
                "initdb",
                "-D",
                str(root / "data"),
                "-A",
                "trust",
                "-U",
                SUPERUSER,
                "-E",
                "UTF8",
                "--no-instructions",
            )
        cluster.start()
        return cluster

    @property
    def socket_dir(self) -> Path:
        return self.root

    def url(self, dbname: str = "postgres", user: str = SUPERUSER) -> str:
        return f"postgresql://{user}@127.0.0.1:{self.port}/{dbname}"

    def start(self) -> None:
        self._clear_stale_pidfile()
        options = (
            f"-p {self.port} -k {self.socket_dir} -c listen_addresses=127.0.0.1 "
            "-c max_connections=200 -c fsync=on"
        )
        self._run(
            "pg_ctl",
            "-D",
            str(self.root / "data"),
            "-o",
            options,
            "-l",
            str(self.log),
            "-w",
            "-t",
            "60",
            "start",
        )

    def _clear_stale_pidfile(self) -> None:
        """After :meth:`kill`: a postmaster left a zombie (nothing reaps it in a container)
        that PostgreSQL would take for a live server; wait for its children, drop the file."""
        pidfile = self.root / "data" / "postmaster.pid"
        if not pidfile.exists() or self.pid() is not None:
            return
        deadline = time.monotonic() + 30
        while _children_of_cluster(self.root) and time.monotonic() < deadline:
            time.sleep(0.05)
        pidfile.unlink(missing_ok=True)
        (self.socket_dir / f".s.PGSQL.{self.port}.lock").unlink(missing_ok=True)

    def stop(self, mode: str = "fast") -> None:
        if self.pid() is None:
            return
        self._run("pg_ctl", "-D", str(self.root / "data"), "-m", mode, "-w", "-t", "60", "stop")

    def restart(self, mode: str = "fast") -> None:
        self.stop(mode)
        self.start()

    def kill(self) -> None:
        """SIGKILL the postmaster (a crash: the next start recovers from the WAL)."""
        pid = self.pid()
        if pid is not None:
            os.kill(pid, signal.SIGKILL)
            deadline = time.monotonic() + 30
            while _alive(pid) and time.monotonic() < deadline:
                time.sleep(0.05)
            # Its backends notice the postmaster is gone and exit; the next start waits for them.

    def pid(self) -> int | None:
        pidfile = self.root / "data" / "postmaster.pid"
        try:
            pid = int(pidfile.read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None
        return pid if _alive(pid) else None

    @property
    def log(self) -> Path:
        return self.root / "server.log"

    def destroy(self) -> None:
        try:
            self.stop("immediate")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def _run(self, tool: str, *args: str) -> None:
        cmd = [str(self.bindir / tool), *args]
        if self.run_as:
            cmd = ["runuser", "-u", self.run_as, "--", *cmd]
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            tail = ""
            if self.log.exists():
                tail = "\n" + "\n".join(self.log.read_text(errors="replace").splitlines()[-20:])
            raise ClusterError(
                f"{tool} failed ({done.returncode}): {done.stderr.strip() or done.stdout.strip()}"
                + tail
            )


def _unprivileged_user() -> str | None:
    """None when not root; as root, the postgres user (initdb will not run as root)."""
    if os.geteuid() != 0:
        return None
    for name in (os.environ.get("POS_TUI_PG_USER") or "", "postgres"):
        if not name:
            continue
        try:
            pwd.getpwnam(name)
        except KeyError:
            continue
        return name
    raise ClusterError(
        "running as root and no 'postgres' user to own the cluster: install the Debian package "
        "'postgresql' (it creates the user) or set POS_TUI_PG_USER"
    )


def _children_of_cluster(root: Path) -> list[int]:
    """Live postgres processes still serving the cluster in ``root`` (by their command line)."""
    data = str(root / "data")
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if data in cmdline and _alive(int(entry.name)):
            found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie child of ours counts as gone.
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as f:
            return f.read().split(") ")[-1][:1] != "Z"
    except OSError:
        return True
