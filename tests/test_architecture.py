"""The layering of docs/architecture.md, enforced: the engine is pure, Textual stays in screens,
screens reach the database only through services."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "pos_tui"
IMPURE = {"textual", "rich", "sqlite3", "sqlite_utils", "serial", "smartcard", "escpos"}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
            if node.module.startswith("pos_tui.") and not node.module.startswith("pos_tui.engine"):
                found.add(node.module)
    return found


def test_engine_imports_no_ui_database_or_hardware() -> None:
    files = sorted((PACKAGE / "engine").rglob("*.py"))
    assert files, "the engine package exists"
    for path in files:
        bad = {m for m in _imports(path) if m in IMPURE or m.startswith("pos_tui.")}
        assert not bad, f"{path.name} imports {sorted(bad)}"


def test_services_storage_and_hardware_never_import_textual() -> None:
    for layer in ("services", "storage", "hardware", "engine"):
        for path in (PACKAGE / layer).rglob("*.py"):
            assert "textual" not in _imports(path), f"{layer}/{path.name} imports textual"


def test_sql_lives_in_storage_only() -> None:
    for path in PACKAGE.rglob("*.py"):
        if path.relative_to(PACKAGE).parts[0] == "storage":  # storage/ and storage/hq/
            continue
        text = " ".join(path.read_text(encoding="utf-8").split())
        found = _SQL.search(text)
        assert found is None, f"{path.relative_to(PACKAGE)} contains SQL: {found.group()!r}"


_SQL = re.compile(
    r"\b(SELECT\s.+?\sFROM\s\w+|INSERT\s+INTO\s+\w+|DELETE\s+FROM\s+\w+|UPDATE\s+\w+\s+SET\b)"
)


def test_import_linter_contracts_hold() -> None:
    result = subprocess.run(
        [str(Path(sys.executable).parent / "lint-imports")],
        capture_output=True,
        text=True,
        cwd=PACKAGE.parent,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _repositories() -> set[str]:
    """The backend's attributes that are storage: its connection and its repositories (each
    made on first use, a ``cached_property``)."""
    from functools import cached_property

    from pos_tui.services.runtime.backend import Backend

    made = {name for name, value in vars(Backend).items() if isinstance(value, cached_property)}
    return made | {"db"}


def test_screens_reach_the_database_only_through_services() -> None:
    """The contract in pyproject.toml refuses a screen's import of storage; this refuses the
    other way round it: reading a repository off the backend (``backend.journal.last``)."""
    names = "|".join(sorted(_repositories()))
    reads = re.compile(rf"\b(?:backend|b)\s*\.\s*(?:{names})\b")
    for layer in ("screens", "widgets"):
        for path in (PACKAGE / layer).rglob("*.py"):
            found = reads.search(path.read_text(encoding="utf-8"))
            assert found is None, f"{layer}/{path.name} reads storage: {found.group()!r}"
