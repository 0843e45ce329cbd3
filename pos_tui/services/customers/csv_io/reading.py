"""Reading a CSV file and planning its columns against a mapping, once, from the header."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from pos_tui.services.customers.csv_io.columns import (
    IGNORE,
    READ_ONLY_COLUMNS,
    CsvFileError,
    valid_targets,
)
from pos_tui.services.customers.csv_io.mapping import ColumnRule, Mapping


def read_csv(path: Path) -> tuple[list[str], list[list[str]]]:
    """The header and the rows of a UTF-8 CSV file (with or without a byte order mark)."""
    csv.field_size_limit(2**31 - 1)
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.reader(fh)
            header = next(reader, None)
            rows = list(reader)
    except OSError as exc:
        raise CsvFileError(f"{path}: cannot be read: {exc.strerror}") from None
    except UnicodeDecodeError as exc:
        raise CsvFileError(
            f"{path}: not UTF-8 (byte 0x{exc.object[exc.start]:02x} at offset {exc.start}); "
            "save the file as CSV UTF-8"
        ) from None
    except csv.Error as exc:
        raise CsvFileError(f"{path}: not a readable CSV file: {exc}") from None
    if not header or not any(h.strip() for h in header):
        raise CsvFileError(f"{path}: the file is empty or has no header row")
    names = [h.strip() for h in header]
    seen: set[str] = set()
    for name in names:
        if name and name in seen:
            raise CsvFileError(f"{path}: the header names column {name!r} twice")
        seen.add(name)
    return names, rows


@dataclass
class Plan:
    """Which CSV column feeds which target, decided once from the header."""

    rules: list[tuple[int, ColumnRule]]
    ignored: list[str]  # columns nobody asked for, reported once
    missing: list[str]  # mapped columns the file does not have
    read_only: list[str]


def plan_columns(header: list[str], mapping: Mapping) -> Plan:
    targets = valid_targets()
    by_column: dict[str, ColumnRule] = {r.column: r for r in mapping.rules}
    lowered = {r.column.strip().lower(): r for r in mapping.rules}
    rules: list[tuple[int, ColumnRule]] = []
    ignored: list[str] = []
    read_only: list[str] = []
    used: set[str] = set()
    for index, name in enumerate(header):
        rule = by_column.get(name) or lowered.get(name.lower())
        if rule is not None:
            used.add(rule.column)
            if rule.target != IGNORE:
                rules.append((index, rule))
        elif name in mapping.ignore or not name:
            continue
        elif name in READ_ONLY_COLUMNS:
            read_only.append(name)
        elif mapping.by_header and name in targets:
            rules.append((index, ColumnRule(column=name, target=name)))
        else:
            ignored.append(name)
    missing = [r.column for r in mapping.rules if r.column not in used and r.target != IGNORE]
    if not rules:
        raise CsvFileError(
            "no column of the file maps onto a customer field "
            f"(columns: {', '.join(header[:8])}{'...' if len(header) > 8 else ''})"
        )
    return Plan(rules=rules, ignored=ignored, missing=missing, read_only=read_only)
