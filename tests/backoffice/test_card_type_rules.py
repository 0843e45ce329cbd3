"""Card types whose money depends on them: every field has a valid default or a refusal that
names it, the demo card types round-trip through the editor, a refused database write is told
in words, and a multiplier window over midnight is kept as the engine reads it.

Through the service (:class:`CatalogAdmin`) and under Pilot through the real back office screens.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from pos_tui.app import PosApp, create_app
from pos_tui.demo import DemoGenerator
from pos_tui.engine.convert import from_row
from pos_tui.engine.loyalty import multiplier_active
from pos_tui.engine.models import CardType
from pos_tui.screens.backoffice.catalog import CatalogEditScreen, CatalogListScreen
from pos_tui.services.backoffice import catalog as admin_module
from pos_tui.services.backoffice.catalog import TABLES, AdminField, CatalogAdmin
from pos_tui.services.customers.fields import FieldError
from pos_tui.services.runtime.backend import Backend
from pos_tui.widgets.backoffice.fields import rows_by_name
from tests.backoffice.conftest import open_back_office, screen_text, settle
from tests.catalog import Store

DEMO_NOW = dt.datetime(2026, 3, 14, 11, 0)
CARD_TYPES = TABLES["card_types"]
# The stored card type columns the editor shows (its other fields live in side tables).
SUB_PREFIX = "sub_"


@pytest.fixture
def demo(backend: Backend) -> Backend:
    """The demo store's reference data (its card types: None, Silver, Gold, Platinum, Junior)."""
    DemoGenerator(backend, seed=7, now=DEMO_NOW).run(customers=0, sales=0)
    return backend


def card_type_id(backend: Backend, code: str) -> int:
    row = backend.catalog.by_code("card_types", code)
    assert row is not None, code
    return int(row["id"])


def stored(backend: Backend, table: str, row_id: int) -> dict[str, Any]:
    row = backend.catalog.get(table, row_id)
    assert row is not None
    return dict(row)


def _required_value(backend: Backend, f: AdminField, n: int) -> str:
    if f.kind == "text":
        return f"T{n}"
    if f.kind in ("decimal", "percent"):
        return "5"
    if f.kind == "choice":
        return f.choices[0]
    if f.kind == "ref":
        rows = backend.catalog.all(f.ref)
        assert rows, f"the test store needs a row in {f.ref}"
        return str(rows[0]["id"])
    raise AssertionError(f"no test value for a required {f.kind}")


def required_only(backend: Backend, table: str, n: int) -> dict[str, str]:
    return {f.name: _required_value(backend, f, n) for f in TABLES[table].fields if f.required}


def _stored_columns(table: str) -> Iterator[AdminField]:
    """Fields stored in ``table``'s own columns (not its side tables or JSON)."""
    for f in TABLES[table].fields:
        if f.kind == "refs" or f.name == "subscription" or f.name.startswith(SUB_PREFIX):
            continue
        if f.name.startswith(admin_module.DEFAULT_PREFIX):
            continue
        yield f


# --- every field has a valid default -------------------------------------------------------


def test_a_new_card_type_saved_with_the_form_s_defaults(backend: Backend, store: Store) -> None:
    """It failed with "NOT NULL constraint failed: card_types.extra_margin_days"."""
    admin = CatalogAdmin(backend)
    values = admin.load("card_types", None)
    values.update(code="BRONZE", name="Bronze")
    row_id = admin.save("card_types", None, values, employee_id=store.supervisor.id)
    plain = backend.catalog.insert("card_types", {"code": "PLAIN", "name": "Plain"})
    saved, schema = stored(backend, "card_types", row_id), stored(backend, "card_types", plain)
    for name in ("id", "code", "name"):
        saved.pop(name), schema.pop(name)
    assert saved == schema, "the form's defaults are the schema's defaults"
    assert saved["multiplier_weekdays"] == "" and saved["extra_margin_days"] == 0
    assert admin.load("card_types", row_id)["extra_margin_days"] == "0"


@pytest.mark.parametrize("table", sorted(TABLES))
def test_every_field_left_empty_stores_the_schema_default_or_is_refused_by_name(
    backend: Backend, store: Store, table: str
) -> None:
    """Each field in turn is emptied on a new row and on an existing one: the row stores what
    the schema would (a NOT NULL column's default, NULL elsewhere), or the save is refused with
    the field named in words. Never a database error."""
    admin = CatalogAdmin(backend)
    columns = {c.name: c for c in backend.db[table].columns}
    plain = backend.catalog.insert(table, required_only(backend, table, 0))
    schema = stored(backend, table, plain)
    existing = admin.save(table, None, {**admin.load(table, None), **required_only(backend, table, 1)}, employee_id=None)  # fmt: skip
    n = 1
    for f in TABLES[table].fields:
        for row_id in (None, existing):
            n += 1
            values = {**admin.load(table, row_id), **required_only(backend, table, n), f.name: ""}
            if f.required:
                with pytest.raises(FieldError) as info:
                    admin.save(table, row_id, values, employee_id=None)
                assert info.value.field == f.name
                assert f.words.lower() in info.value.message.lower()
                continue
            saved_id = admin.save(table, row_id, values, employee_id=None)
            if f in set(_stored_columns(table)):
                column = columns[f.name]
                got = stored(backend, table, saved_id)[f.name]
                assert got == schema[f.name], (table, f.name, got, column.default_value)


def test_the_new_row_form_shows_the_schema_defaults(backend: Backend, store: Store) -> None:
    values = CatalogAdmin(backend).load("card_types", None)
    assert {
        k: values[k]
        for k in (
            "rounding",
            "rounding_limit",
            "multiplier",
            "extra_margin_days",
            "block_sale_value",
            "method_of_input",
            "active",
            "sub_periodicity",
            "sub_posting",
        )
    } == {
        "rounding": "no",
        "rounding_limit": "1",
        "multiplier": "1",
        "extra_margin_days": "0",
        "block_sale_value": "0",
        "method_of_input": "keyboard",
        "active": "1",
        "sub_periodicity": "monthly",
        "sub_posting": "beginning",
    }


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"block_sale_value": "1e999999"}, "block_sale_value", "at most 1000000000"),
        ({"points_awarded": "0.00001"}, "points_awarded", "at most 4 decimals"),
        ({"extra_margin_days": "9" * 30}, "extra_margin_days", "between 0 and 183"),
        ({"restricted_subgroups": "x"}, "restricted_subgroups", "Restricted sub-groups"),
        ({"restricted_subgroups": "999"}, "restricted_subgroups", "No sub-group with id 999"),
    ],
)
def test_out_of_range_values_are_refused_by_name(
    backend: Backend, store: Store, changes: dict[str, str], field: str, words: str
) -> None:
    admin = CatalogAdmin(backend)
    values = {**admin.load("card_types", store.silver), **changes}
    with pytest.raises(FieldError) as info:
        admin.save("card_types", store.silver, values, employee_id=None)
    assert info.value.field == field and words in info.value.message


def test_plain_numbers_are_stored_plain(backend: Backend, store: Store) -> None:
    admin = CatalogAdmin(backend)
    values = {**admin.load("card_types", store.silver), "block_sale_value": "1e2"}
    admin.save("card_types", store.silver, values, employee_id=None)
    assert stored(backend, "card_types", store.silver)["block_sale_value"] == "100"


def test_a_refused_database_write_names_the_field_in_words(
    backend: Backend, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A value that slips past the checks (here: rounding forced to NULL) comes back from the
    database as a refusal of that field, in words, never as SQLite's text."""
    real = admin_module.coerce_admin

    def slipping(spec: AdminField, raw: str) -> Any:
        return None if spec.name == "rounding" else real(spec, raw)

    monkeypatch.setattr(admin_module, "coerce_admin", slipping)
    admin = CatalogAdmin(backend)
    values = admin.load("card_types", store.silver)
    with pytest.raises(FieldError) as info:
        admin.save("card_types", store.silver, values, employee_id=None)
    assert info.value.field == "rounding"
    assert info.value.message == "Round off points cannot be empty"
    assert "constraint" not in info.value.message.lower()


@pytest.mark.parametrize(
    ("message", "field", "words"),
    [
        (
            "NOT NULL constraint failed: card_types.extra_margin_days",
            "extra_margin_days",
            "Margin +/- days for B'day & A'day cannot be empty",
        ),
        (
            "CHECK constraint failed: extra_margin_days >= 0",
            "extra_margin_days",
            "Margin +/- days for B'day & A'day is outside the allowed range",
        ),
        (
            "CHECK constraint failed: CAST(multiplier AS REAL) >= 0 AND CAST(multiplier AS REAL) <= 10",
            "multiplier",
            "Multiply points by is outside the allowed range",
        ),
        (
            "UNIQUE constraint failed: card_types.code",
            "code",
            "Code is already used by another row",
        ),
        (
            "NOT NULL constraint failed: card_type_subscriptions.rate",
            "sub_rate",
            "Rate cannot be empty",
        ),
        (
            "CHECK constraint failed: periodicity IN ('monthly', 'quarterly', 'half_yearly', 'yearly')",
            "sub_periodicity",
            "Periodicity is outside the allowed range",
        ),
        (
            "FOREIGN KEY constraint failed",
            "restricted_subgroups",
            "Restricted sub-groups refers to a row that does not exist",
        ),
    ],
)
def test_constraint_messages_become_words(message: str, field: str, words: str) -> None:
    """SQLite's error as storage's write() hands it on (ConstraintRefused), then the form's
    words for it."""
    import sqlite3

    from pos_tui.storage.errors import constraint_refused

    raw = sqlite3.IntegrityError(message)
    raw.sqlite_errorcode = _CODES[message.partition(" constraint")[0]]
    error = admin_module.refusal_of(CARD_TYPES, constraint_refused(raw))
    assert (error.field, error.message) == (field, words)


# SQLite's extended result codes for the constraints (sqlite3.h), as a real error carries them.
_CODES = {"NOT NULL": 1299, "CHECK": 275, "UNIQUE": 2067, "FOREIGN KEY": 787}


# --- the demo card types round-trip --------------------------------------------------------


@pytest.mark.parametrize("code", ["SILVER", "NONE", "JUNIOR", "GOLD", "PLATINUM"])
def test_demo_card_types_round_trip_through_the_service(demo: Backend, code: str) -> None:
    admin = CatalogAdmin(demo)
    row_id = card_type_id(demo, code)
    before = stored(demo, "card_types", row_id)
    extras = (demo.catalog.restricted_subgroup_ids(row_id), demo.catalog.subscription(row_id))
    admin.save("card_types", row_id, admin.load("card_types", row_id), employee_id=None)
    assert stored(demo, "card_types", row_id) == before, "saved unchanged: nothing changes"
    assert (demo.catalog.restricted_subgroup_ids(row_id), demo.catalog.subscription(row_id)) == extras  # fmt: skip
    assert admin.load("card_types", row_id) == admin.load("card_types", row_id)
    changed = {**admin.load("card_types", row_id), "extra_margin_days": "4", "name": f"{before['name']} 2"}  # fmt: skip
    admin.save("card_types", row_id, changed, employee_id=None)
    after = stored(demo, "card_types", row_id)
    assert (after["extra_margin_days"], after["name"]) == (4, f"{before['name']} 2")
    assert {k: v for k, v in after.items() if k not in ("extra_margin_days", "name")} == {
        k: v for k, v in before.items() if k not in ("extra_margin_days", "name")
    }


# --- multiplier windows over midnight ------------------------------------------------------


def _engine_card(backend: Backend, row_id: int) -> CardType:
    return from_row(CardType, stored(backend, "card_types", row_id))


def test_a_window_over_midnight_is_saved_and_read_by_the_engine_as_the_start_day_s(
    backend: Backend, store: Store
) -> None:
    admin = CatalogAdmin(backend)
    values = {**admin.load("card_types", store.gold), "multiplier": "2", "multiplier_weekdays": "fri", "multiplier_from_time": "22:00", "multiplier_to_time": "02:00"}  # fmt: skip
    admin.save("card_types", store.gold, values, employee_id=None)
    card = _engine_card(backend, store.gold)
    friday, saturday = dt.date(2024, 5, 17), dt.date(2024, 5, 18)
    expect = {
        (friday, "21:59"): False,
        (friday, "22:00"): True,
        (friday, "23:59"): True,
        (saturday, "00:00"): True,
        (saturday, "01:59"): True,
        (saturday, "02:00"): True,
        (saturday, "02:01"): False,
        (saturday, "22:00"): False,
        (friday, "01:00"): False,
    }
    got = {
        key: multiplier_active(card, dt.datetime.combine(key[0], dt.time.fromisoformat(key[1])))
        for key in expect
    }
    assert got == expect


@pytest.mark.parametrize(
    ("start", "end", "field", "words"),
    [
        ("10:00", "10:00", "multiplier_to_time", "To time must differ from from time"),
        ("22:00", "", "multiplier_to_time", "Give both a from time and a to time, or neither"),
        ("", "02:00", "multiplier_to_time", "Give both a from time and a to time, or neither"),
    ],
)
def test_window_refusals(
    backend: Backend, store: Store, start: str, end: str, field: str, words: str
) -> None:
    admin = CatalogAdmin(backend)
    values = {**admin.load("card_types", store.gold), "multiplier_from_time": start, "multiplier_to_time": end}  # fmt: skip
    with pytest.raises(FieldError) as info:
        admin.save("card_types", store.gold, values, employee_id=None)
    assert (info.value.field, info.value.message[: len(words)]) == (field, words)


# --- under Pilot, through the real screens -------------------------------------------------


async def test_a_new_card_type_with_the_defaults_saves_in_the_editor(
    app: PosApp, backend: Backend, store: Store
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await open_back_office(pilot, CatalogListScreen("card_types"))
        await pilot.press("ctrl+n")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CatalogEditScreen)
        await pilot.press(*"BRONZE", "tab", *"Bronze")
        await pilot.press("ctrl+s")
        await settle(pilot)
        text = screen_text(pilot)
        assert "Saved Bronze" in text, text
        assert "constraint" not in text.lower()
    row = backend.catalog.by_code("card_types", "BRONZE")
    assert row is not None and (row["extra_margin_days"], row["multiplier_weekdays"]) == (0, "")


async def _open_card_type(pilot: Any, name: str) -> CatalogEditScreen:
    """From the card type list, move the cursor to ``name`` and press Enter."""
    screen = pilot.app.screen
    assert isinstance(screen, CatalogListScreen)
    position = [r["name"] for r in screen.rows].index(name)
    await pilot.press(*(["down"] * position), "enter")
    await settle(pilot)
    edit = pilot.app.screen
    assert isinstance(edit, CatalogEditScreen)
    assert rows_by_name(edit)["name"].value == name
    return edit


@pytest.fixture
def demo_app(demo: Backend) -> PosApp:
    return create_app(demo.settings, backend=demo, now=demo.now)


@pytest.mark.parametrize("code", ["SILVER", "NONE", "JUNIOR"])
async def test_demo_card_types_round_trip_in_the_editor(
    demo_app: PosApp, demo: Backend, code: str
) -> None:
    """Open, save unchanged, save changed: Silver, None and Junior could not be saved at all
    ("NOT NULL constraint failed: card_types.multiplier_weekdays")."""
    row_id = card_type_id(demo, code)
    before = stored(demo, "card_types", row_id)
    async with demo_app.run_test(size=(120, 40)) as pilot:
        await open_back_office(pilot, CatalogListScreen("card_types"))
        edit = await _open_card_type(pilot, before["name"])
        await pilot.press("ctrl+s")
        await settle(pilot)
        text = screen_text(pilot)
        assert f"Saved {before['name']}" in text, text
        assert stored(demo, "card_types", row_id) == before
        rows = rows_by_name(edit)
        rows["multiplier"].value = "2"
        rows["multiplier_weekdays"].value = "fri"
        rows["multiplier_from_time"].value = "22:00"
        rows["multiplier_to_time"].value = "02:00"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert rows["multiplier_to_time"].error == "", screen_text(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(demo_app.screen, CatalogListScreen)
    after = stored(demo, "card_types", row_id)
    assert (after["multiplier"], after["multiplier_weekdays"]) == ("2", "fri")
    assert (after["multiplier_from_time"], after["multiplier_to_time"]) == ("22:00", "02:00")
    card = from_row(CardType, after)
    assert multiplier_active(card, dt.datetime(2026, 3, 14, 1, 30))  # a Saturday: Friday's


async def test_an_empty_length_window_is_refused_next_to_its_field(
    app: PosApp, backend: Backend, store: Store
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await open_back_office(pilot, CatalogListScreen("card_types"))
        edit = await _open_card_type(pilot, "Gold")
        rows = rows_by_name(edit)
        rows["multiplier_from_time"].value = "10:00"
        rows["multiplier_to_time"].value = "10:00"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "must differ from from time" in rows["multiplier_to_time"].error
        assert "must differ from from time" in screen_text(pilot), "its tab is shown"
