"""A constraint broken inside write() is a domain refusal (issue 13): ConstraintRefused, its
kind from SQLite's result code and its names from the error, translated in storage alone, so
no refusal a person reads depends on SQLite's wording."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from pos_tui.engine.errors import Refused
from pos_tui.services.customers.service import CustomerService
from pos_tui.services.runtime.backend import Backend
from pos_tui.storage.db import write
from pos_tui.storage.errors import ConstraintRefused, constraint_refused

PACKAGE = Path(__file__).parents[2] / "pos_tui"


def _refusal(act: Callable[[], object]) -> ConstraintRefused:
    with pytest.raises(ConstraintRefused) as caught:
        act()
    error = caught.value
    assert isinstance(error, Refused) and isinstance(error, sqlite3.IntegrityError)
    assert isinstance(error.__cause__, sqlite3.IntegrityError), "SQLite's error kept as cause"
    assert not isinstance(error.__cause__, ConstraintRefused), "translated once"
    return error


def test_each_constraint_is_a_refusal_of_its_kind(backend: Backend) -> None:
    cat = backend.catalog
    cat.insert("card_types", {"code": "X", "name": "X"})

    dup = _refusal(lambda: cat.insert("card_types", {"code": "X", "name": "Other"}))
    assert (dup.kind, dup.table, dup.columns) == ("unique", "card_types", ("code",))
    assert dup.message == "Code is already used by another row"

    empty = _refusal(lambda: cat.insert("card_types", {"name": "No code"}))
    assert (empty.kind, empty.table, empty.columns) == ("not_null", "card_types", ("code",))
    assert empty.message == "Code cannot be empty"

    out = _refusal(lambda: cat.insert("card_types", {"code": "Z", "name": "Z", "multiplier": "10.5"}))  # fmt: skip
    assert out.kind == "check" and out.about(["name", "multiplier"]) == "multiplier"
    assert out.words == "is outside the allowed range"

    orphan = _refusal(
        lambda: backend.ledgers.add_points(
            customer_id=999, entry_type="earned", points=Decimal(1), at="2026-11-24T10:00:00"
        )
    )
    assert orphan.kind == "foreign_key" and orphan.words == "refers to a row that does not exist"

    ada = CustomerService(backend).create({"first_name": "Ada"})
    backend.ledgers.add_receivable(
        customer_id=ada, entry_type="charge", amount=Decimal("1"), at="2026-11-24T10:00:00"
    )

    def rewrite_history() -> None:
        with write(backend.db):
            backend.db.execute("DELETE FROM receivable_ledger")

    rule = _refusal(rewrite_history)
    assert (rule.kind, rule.message) == ("rule", "receivable_ledger is append-only")


def test_a_refusal_inside_a_transaction_undoes_only_its_own_write(backend: Backend) -> None:
    """As an import does row by row: the refused write is rolled back to its savepoint and the
    transaction goes on."""
    cat = backend.catalog
    cat.insert("card_types", {"code": "X", "name": "X"})
    with write(backend.db):
        with pytest.raises(ConstraintRefused):
            cat.insert("card_types", {"code": "X", "name": "Twice"})
        cat.insert("card_types", {"code": "Y", "name": "Y"})
    assert cat.by_code("card_types", "Y") is not None
    assert [r["name"] for r in backend.db["card_types"].rows_where("code = 'X'")] == ["X"]


@pytest.mark.parametrize(
    "text",
    ["UNIQUE constraint failed: card_types.code", "column code is not unique", "constraint failed"],
)
def test_the_kind_comes_from_the_result_code_not_the_wording(text: str) -> None:
    raw = sqlite3.IntegrityError(text)
    raw.sqlite_errorcode = 2067  # SQLITE_CONSTRAINT_UNIQUE, whatever the text says
    error = constraint_refused(raw)
    assert error.kind == "unique" and error.words == "is already used by another row"
    assert "constraint" not in error.message and "unique" not in error.message


def test_an_unknown_code_is_still_a_refusal_in_plain_words() -> None:
    error = constraint_refused(sqlite3.IntegrityError("something SQLite says"))
    assert (error.kind, error.message) == ("other", "A value was refused by the database")


def test_only_storage_reads_sqlites_constraint_errors() -> None:
    """Services, screens and commands catch ConstraintRefused (or any Refused), never
    sqlite3.IntegrityError: the translation has one place."""
    for path in PACKAGE.rglob("*.py"):
        if path.parent.name != "storage":
            assert "IntegrityError" not in path.read_text(encoding="utf-8"), path
