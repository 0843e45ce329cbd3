#!/usr/bin/env python3
"""Check that the lock files pin everything pyproject.toml asks for, at versions it allows.

scripts/setup runs it before installing, so a dependency added to pyproject.toml but not yet
locked stops the set-up with "run scripts/lock" instead of surfacing later as an ImportError in
a test (pip check cannot see it: pos-tui is installed with --no-deps and pip checks no extras).
Requirements of a requirement's own extras (python-escpos[usb]) are pip-compile's business.

Usage: scripts/check_lock.py [LOCK EXTRA]...   (default: the two locks scripts/lock writes)
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
LOCKS = {"requirements/lock-dev.txt": "dev", "requirements/lock.txt": "hardware"}
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)")


def pins(lock: Path) -> dict[str, Version]:
    found: dict[str, Version] = {}
    for line in lock.read_text().splitlines():
        if m := PIN.match(line):
            found[canonicalize_name(m[1])] = Version(m[2])
    return found


def wanted(project: dict[str, object], extra: str) -> list[Requirement]:
    table = project["project"]
    assert isinstance(table, dict)
    listed = list(table.get("dependencies", [])) + list(
        table.get("optional-dependencies", {}).get(extra, [])
    )
    reqs = [Requirement(text) for text in listed]
    # Python 3.11 is what the lock is compiled for (pip-compile runs on it in scripts/lock).
    env = {"python_version": "3.11", "python_full_version": "3.11.0", "extra": extra}
    return [r for r in reqs if r.marker is None or r.marker.evaluate(env)]


def problems(lock: Path, extra: str, project: dict[str, object]) -> list[str]:
    if not lock.exists():
        return [f"{lock.name} is missing"]
    have = pins(lock)
    out = []
    for req in wanted(project, extra):
        pinned = have.get(canonicalize_name(req.name))
        if pinned is None:
            out.append(f"{lock.name} has no {req.name} ({req})")
        elif not req.specifier.contains(pinned, prereleases=True):
            out.append(f"{lock.name} pins {req.name}=={pinned}, pyproject.toml asks {req}")
    return out


def main(argv: list[str]) -> int:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    pairs = list(zip(argv[::2], argv[1::2], strict=True)) if argv else list(LOCKS.items())
    found = [p for lock, extra in pairs for p in problems(ROOT / lock, extra, project)]
    for line in found:
        print(f"check_lock: {line}", file=sys.stderr)
    if found:
        print(
            "check_lock: the lock is behind pyproject.toml: run scripts/lock and commit requirements/",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
