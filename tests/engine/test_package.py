"""``pos_tui.engine`` names its API once and loads each part on first use (PEP 562)."""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from pathlib import Path

import pos_tui.engine as engine

INIT = Path(engine.__file__)


def test_every_name_of_the_api_is_its_modules_own() -> None:
    assert sorted(engine._WHERE) == sorted(engine.__all__)
    for name, module in engine._WHERE.items():
        own = getattr(importlib.import_module(f"pos_tui.engine.{module}"), name)
        assert getattr(engine, name) is own, name


def test_the_type_checkers_imports_match_the_lazy_ones() -> None:
    """The ``if TYPE_CHECKING:`` imports (what mypy sees) name what ``_EXPORTS`` loads."""
    typed: dict[str, tuple[str, ...]] = {}
    for node in ast.walk(ast.parse(INIT.read_text(encoding="utf-8"))):
        module = node.module or "" if isinstance(node, ast.ImportFrom) else ""
        if isinstance(node, ast.ImportFrom) and module.startswith("pos_tui.engine."):
            typed[module.removeprefix("pos_tui.engine.")] = tuple(a.name for a in node.names)
    assert typed == engine._EXPORTS


def test_one_module_of_the_engine_loads_alone() -> None:
    script = "import sys, pos_tui.engine.errors; print(' '.join(sys.modules))"
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    loaded = {m for m in out.stdout.split() if m.startswith("pos_tui.engine")}
    assert loaded == {"pos_tui.engine", "pos_tui.engine.errors"}
