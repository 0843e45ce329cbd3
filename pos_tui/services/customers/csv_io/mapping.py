"""Mappings: which CSV column feeds which customer field, from a TOML file or a shipped preset
(``config/mappings/*.toml``), and how values like "yes"/"no" become ours."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pos_tui.config import shipped_defaults_file
from pos_tui.services.customers.csv_io.columns import IGNORE, CsvFileError, valid_targets


@dataclass(frozen=True)
class ColumnRule:
    """How one CSV column becomes one target: a field, an address part, a code, or nothing."""

    column: str
    target: str
    values: dict[str, str] = field(default_factory=dict)  # lower-cased input -> output
    default: str | None = None  # used when the cell is empty
    strip_prefix: str = ""  # e.g. "'" that spreadsheets put before phone numbers and ZIPs
    trim: bool = False

    def apply(self, raw: str) -> str:
        value = raw.strip() if self.trim else raw
        if self.strip_prefix and value.startswith(self.strip_prefix):
            value = value[len(self.strip_prefix) :]
        if self.values:
            value = self.values.get(value.strip().lower(), value)
        if value.strip() == "" and self.default is not None:
            value = self.default
        return value


@dataclass
class Mapping:
    name: str = "by field name"
    rules: list[ColumnRule] = field(default_factory=list)
    ignore: set[str] = field(default_factory=set)
    defaults: dict[str, str] = field(default_factory=dict)  # target -> value for every row
    by_header: bool = True  # columns named like a target map onto it without a rule


_MAPPING_KEYS = {"name", "description", "columns", "ignore", "defaults", "match_field_names"}
_RULE_KEYS = {"field", "values", "default", "strip_prefix", "trim"}


def load_mapping(path: Path) -> Mapping:
    """Read a TOML mapping file; any mistake in it is a :class:`CsvFileError`."""
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except OSError as exc:
        raise CsvFileError(f"{path}: cannot be read: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise CsvFileError(f"{path}: not valid TOML: {exc}") from None
    return mapping_from_dict(data, source=str(path))


def mapping_from_dict(data: dict[str, Any], *, source: str = "mapping") -> Mapping:
    unknown = set(data) - _MAPPING_KEYS
    if unknown:
        raise CsvFileError(f"{source}: unknown key {sorted(unknown)[0]!r}")
    targets = valid_targets()
    columns = data.get("columns", {})
    if not isinstance(columns, dict):
        raise CsvFileError(f"{source}: [columns] must be a table of CSV column = field")
    rules = [_column_rule(source, column, spec, targets) for column, spec in columns.items()]
    ignore = data.get("ignore", [])
    if not isinstance(ignore, list) or not all(isinstance(x, str) for x in ignore):
        raise CsvFileError(f"{source}: ignore must be a list of column names")
    defaults = data.get("defaults", {})
    if not isinstance(defaults, dict):
        raise CsvFileError(f"{source}: [defaults] must be a table of field = value")
    for target in defaults:
        if target not in targets:
            raise CsvFileError(f"{source}: [defaults]: {target!r} is not a customer field")
    return Mapping(
        name=str(data.get("name", source)),
        rules=rules,
        ignore=set(ignore),
        defaults={k: _toml_text(v) for k, v in defaults.items()},
        by_header=bool(data.get("match_field_names", True)),
    )


def _column_rule(source: str, column: str, spec: Any, targets: set[str]) -> ColumnRule:
    """One ``[columns]`` entry: a field name, or a table of field, values, default and trims."""
    if isinstance(spec, str):
        spec = {"field": spec}
    if not isinstance(spec, dict):
        raise CsvFileError(f"{source}: column {column!r}: give a field name or a table")
    bad = set(spec) - _RULE_KEYS
    if bad:
        raise CsvFileError(f"{source}: column {column!r}: unknown key {sorted(bad)[0]!r}")
    target = spec.get("field")
    if not isinstance(target, str) or (target not in targets and target != IGNORE):
        raise CsvFileError(f"{source}: column {column!r}: {target!r} is not a customer field")
    values = spec.get("values", {})
    if not isinstance(values, dict):
        raise CsvFileError(f"{source}: column {column!r}: values must be a table")
    default = spec.get("default")
    return ColumnRule(
        column=column,
        target=target,
        values={str(k).strip().lower(): _toml_text(v) for k, v in values.items()},
        default=None if default is None else _toml_text(default),
        strip_prefix=str(spec.get("strip_prefix", "")),
        trim=bool(spec.get("trim", False)),
    )


def _toml_text(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


def mappings_dir() -> Path:
    return shipped_defaults_file().parent / "mappings"


def preset_mapping(name: str) -> Mapping:
    path = mappings_dir() / f"{name}.toml"
    if not re.fullmatch(r"[a-z0-9_-]+", name) or not path.is_file():
        available = sorted(p.stem for p in mappings_dir().glob("*.toml"))
        raise CsvFileError(f"no preset {name!r}; presets: {', '.join(available) or 'none'}")
    return load_mapping(path)
