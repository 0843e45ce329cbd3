"""Name search as you type: the name keys index, its order, its limits and hostile text."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from pos_tui.demo import DemoGenerator
from pos_tui.services.backoffice.customer_list import CustomerListService, ListFilters
from pos_tui.services.customers.fields import FieldError
from pos_tui.services.customers.service import CustomerService
from pos_tui.services.runtime.backend import Backend
from pos_tui.storage import name_keys
from pos_tui.storage.customers import CustomerRepository, CustomerRow
from pos_tui.storage.db import connect, migrations


@pytest.fixture
def svc(backend: Backend) -> CustomerService:
    return CustomerService(backend)


def _names(rows: list[CustomerRow]) -> list[str]:
    return [" ".join(n for n in (r.first_name, r.last_name) if n) for r in rows]


def test_words_are_what_fts_unicode61_makes_of_a_name() -> None:
    assert name_keys.words("O'Brien-Smith") == ["o", "brien", "smith"]
    assert name_keys.words("  José  NÚÑEZ ") == ["jose", "nunez"]
    assert name_keys.words("snake_case 42nd") == ["snake", "case", "42nd"]
    assert name_keys.words(None) == [] and name_keys.words("--") == []


def test_words_fold_width_case_and_stroked_letters() -> None:
    # docs/lane.md "Finding customers": what the cashier types without the letters.
    assert name_keys.words("Ødegård") == ["odegard"]
    assert name_keys.words("Ｏｄｅｇａｒｄ Ｌｔｄ") == ["odegard", "ltd"]
    assert name_keys.words("Straße Łukasz Æsa Þór") == ["strasse", "lukasz", "aesa", "thor"]


def test_folded_names_are_found_and_kept_as_typed(svc: CustomerService, backend: Backend) -> None:
    ode = svc.create({"first_name": "Ødegård", "last_name": "Hansen"})
    wide = svc.create({"first_name": "Ｙｕｋｉ", "last_name": "Tanaka"})
    gross = svc.create({"first_name": "Ute", "last_name": "Großmann"})
    assert [r.id for r in svc.find("odegard")] == [ode]
    assert [r.id for r in svc.find("ØDEG")] == [ode]
    assert [r.id for r in svc.find("yuki")] == [wide]
    assert [r.id for r in svc.find("ｔａｎａｋａ")] == [wide]
    assert [r.id for r in svc.find("grossm")] == [gross]
    assert [r.id for r in svc.find("großm")] == [gross]
    found_ode, found_wide = backend.customers.get(ode), backend.customers.get(wide)
    assert found_ode is not None and found_ode.first_name == "Ødegård"
    assert found_wide is not None and found_wide.first_name == "Ｙｕｋｉ"
    # The back-office list folds the same way.
    listed = CustomerListService(backend).page(ListFilters(text="odegard"))
    assert [r.id for r in listed.rows] == [ode]


def test_migration_0016_refolds_the_keys_stored_before(tmp_path: Path) -> None:
    db = connect(tmp_path / "old.db", migrate=False)
    migrations.apply(db, stop_before="0016_name_keys_folded")
    repo = CustomerRepository(db)
    for first in ("Ødegård", "Anna"):
        repo.insert(
            {
                "first_name": first,
                "account_number": first,
                "created_at": "2026-01-01T00:00:00",
                "updated_at": "2026-01-01T00:00:00",
            }
        )
    # Keys as the first fold wrote them (the stroke kept).
    db.conn.execute("UPDATE customer_name_keys SET key = 'ødegard' WHERE key = 'odegard'")
    assert repo.search_names("odegard") == []
    migrations.apply(db)
    assert [r.first_name for r in repo.search_names("odegard")] == ["Ødegård"]
    assert [r.first_name for r in repo.search_names("ann")] == ["Anna"]
    db.conn.close()


def test_keys_read_the_name_from_each_word_person_then_company() -> None:
    assert name_keys.name_keys("Anna", "Smith", None) == ["anna smith", "smith anna"]
    assert name_keys.name_keys("Anna", "Smith", "Acme Ltd") == [
        "acme ltd anna smith",
        "anna smith acme ltd",
        "ltd acme anna smith",
        "smith anna acme ltd",
    ]
    assert name_keys.name_keys("Ann", "Ann", None) == ["ann ann"]  # no repeats
    assert name_keys.name_keys(None, None, None) == []


def test_prefix_of_any_word_in_name_order_from_the_matching_word(svc: CustomerService) -> None:
    svc.create({"first_name": "Anna", "last_name": "Smith"})
    svc.create({"first_name": "Annabel", "last_name": "Jones"})
    svc.create({"first_name": "Bob", "last_name": "Annan"})
    svc.create({"first_name": "Carl", "last_name": "Berg"})
    # "ann" starts Anna, Annabel and Annan: listed as read from those words.
    assert _names(svc.find("ann")) == ["Anna Smith", "Annabel Jones", "Bob Annan"]
    assert _names(svc.find("ANN")) == _names(svc.find("ann"))
    assert _names(svc.find("smi")) == ["Anna Smith"]
    assert _names(svc.find("zz")) == []


def test_several_words_each_start_a_word_in_any_order(svc: CustomerService) -> None:
    svc.create({"first_name": "Anna", "last_name": "Smith"})
    svc.create({"first_name": "Anna", "last_name": "Jones"})
    svc.create({"first_name": "Annabel", "last_name": "Smythe"})
    svc.create({"first_name": "Bob", "last_name": "Smith"})
    assert _names(svc.find("ann smi")) == ["Anna Smith"]
    assert _names(svc.find("smi ann")) == ["Anna Smith"]
    assert _names(svc.find("anna sm")) == ["Anna Smith", "Annabel Smythe"]
    # The longest word leads: Smiths read from "smith".
    assert _names(svc.find("smith a")) == ["Anna Smith"]
    assert _names(svc.find("smith")) == ["Anna Smith", "Bob Smith"]
    # One word may match two typed words, as with FTS5 prefixes.
    assert _names(svc.find("an anna jones")) == ["Anna Jones"]


def test_company_names_accents_and_punctuation(svc: CustomerService) -> None:
    acme = svc.create({"is_company": True, "company_name": "Acme Trading Co"})
    jose = svc.create({"first_name": "José", "last_name": "Núñez-Ortiz"})
    obrien = svc.create({"first_name": "Seán", "last_name": "O'Brien"})
    assert [r.id for r in svc.find("trading")] == [acme]
    assert [r.id for r in svc.find("co acme")] == [acme]
    assert [r.id for r in svc.find("jose nun")] == [jose]
    assert [r.id for r in svc.find("NÚÑEZ")] == [jose]
    assert [r.id for r in svc.find("ortiz")] == [jose]
    assert [r.id for r in svc.find("o'brien")] == [obrien]
    assert [r.id for r in svc.find("sean bri")] == [obrien]


def test_a_customer_matching_twice_is_listed_once(svc: CustomerService) -> None:
    cid = svc.create({"first_name": "Ann", "last_name": "Annan"})
    assert [r.id for r in svc.find("ann")] == [cid]


def test_inactive_customers_leave_the_index_and_come_back(svc: CustomerService) -> None:
    cid = svc.create({"first_name": "Gone", "last_name": "Away"})
    svc.create({"first_name": "Gonzo", "last_name": "Here"})
    assert _names(svc.find("gon")) == ["Gone Away", "Gonzo Here"]
    svc.set_active(cid, False)
    assert _names(svc.find("gon")) == ["Gonzo Here"]
    assert _names(svc.find("away")) == []
    svc.set_active(cid, True)
    assert _names(svc.find("gon")) == ["Gone Away", "Gonzo Here"]


def test_a_new_name_replaces_the_old_keys(svc: CustomerService, backend: Backend) -> None:
    cid = svc.create({"first_name": "Anna", "last_name": "Smith"})
    svc.update(cid, {"last_name": "Jones"})
    assert svc.find("smith") == []
    assert [r.id for r in svc.find("anna jon")] == [cid]
    keys = backend.db.execute(
        "SELECT key FROM customer_name_keys WHERE customer_id = ? ORDER BY key", [cid]
    ).fetchall()
    assert [k[0] for k in keys] == ["anna jones", "jones anna"]


def test_limit_takes_the_first_in_order(svc: CustomerService) -> None:
    for n in range(30):
        svc.create({"first_name": "Test", "last_name": f"Person {n:02d}"})
    everyone = svc.find("test", limit=100)
    assert len(everyone) == 30
    assert _names(everyone) == [f"Test Person {n:02d}" for n in range(30)]
    assert _names(svc.find("test")) == _names(everyone[:20])  # the default: 20
    assert _names(svc.find("test per", limit=5)) == _names(everyone[:5])
    assert svc.find("test", limit=0) == []


@pytest.mark.parametrize(
    "text",
    [
        '"ann" OR * NEAR(',
        "'; DROP TABLE customers; --",
        "%",
        "_",
        "\U0010ffff",
        "ann " * 50,
        " ".join(f"w{n}" for n in range(50)),
        "x" * 200,
        "🙂 ann",
    ],
)
def test_hostile_text_is_just_text(svc: CustomerService, backend: Backend, text: str) -> None:
    svc.create({"first_name": "Anna", "last_name": "Smith"})
    found = svc.find(text)
    assert all(r.first_name == "Anna" for r in found)
    assert backend.customers.count() == 1
    assert _names(svc.find("ann")) == ["Anna Smith"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("x" * 100_000, "Search text is limited to 200 characters (100,000 given)"),
        ("ann " * 500, "Search text is limited to 200 characters (1,999 given)"),
        ("a\x00b", "Search text holds U+0000 (NUL): type it again"),
        ("ann\x1b[2J", "Search text holds U+001B (ESC): type it again"),
        ("caf\udce9", "Search text holds bytes that are not UTF-8 text: type it again"),
    ],
)
def test_search_text_too_long_or_not_text_is_refused(
    svc: CustomerService, backend: Backend, text: str, message: str
) -> None:
    """Bounded at 200 characters: 100 KB took 9.7 s of full-text matching before."""
    svc.create({"first_name": "Anna", "last_name": "Smith"})
    for search in (
        lambda: svc.find(text),
        lambda: CustomerListService(backend).page(ListFilters(text=text)),
    ):
        with pytest.raises(FieldError) as info:
            search()
        assert (info.value.field, info.value.message) == ("search", message)


def test_search_finds_what_the_fts_index_finds(backend: Backend) -> None:
    """On generated names (accents, companies, inactive customers): the same customers as
    the FTS5 prefix query over first, last and company names."""
    DemoGenerator(backend, seed=3, now=datetime(2026, 3, 14, 11, 0)).run(customers=400, sales=0)
    repo = backend.customers
    rows = repo.page(limit=400)
    queries = {r.first_name[:1] for r in rows if r.first_name}
    queries |= {r.last_name[:2] for r in rows if r.last_name}
    queries |= {
        f"{r.first_name[:3]} {r.last_name[:1]}" for r in rows[:60] if r.first_name and r.last_name
    }
    queries |= {(r.company_name or "").split(" ")[-1][:3] for r in rows if r.company_name}
    for text in sorted(q for q in queries if q.strip()):
        match = " ".join('"' + w.replace('"', '""') + '"*' for w in name_keys.words(text))
        fts = {
            int(row[0])
            for row in backend.db.execute(
                "SELECT c.id FROM customers_fts f JOIN customers c ON c.rowid = f.rowid "
                "WHERE customers_fts MATCH ? AND c.active = 1",
                [match],
            ).fetchall()
        }
        found = [r.id for r in repo.search_names(text, limit=10_000)]
        assert len(found) == len(set(found)), text
        assert set(found) == fts, text
    # The load suspended the insert trigger and put it back: a new customer is found at once.
    cid = CustomerService(backend).create({"first_name": "Zebedee", "last_name": "Quayle"})
    assert [r.id for r in repo.search_names("zeb qua")] == [cid]


def test_migration_indexes_customers_already_there(tmp_path: Path) -> None:
    db = connect(tmp_path / "old.db", migrate=False)
    migrations.apply(db, stop_before="0006_customer_name_keys")
    repo = CustomerRepository(db)
    for first, last, active in (("Anna", "Smith", 1), ("Gone", "Away", 0)):
        repo.insert(
            {
                "first_name": first,
                "last_name": last,
                "active": active,
                "account_number": first,
                "created_at": "2026-01-01T00:00:00",
                "updated_at": "2026-01-01T00:00:00",
            }
        )
    migrations.apply(db)
    assert _names(repo.search_names("smi")) == ["Anna Smith"]
    assert repo.search_names("gone") == []
    db.conn.close()


def test_the_search_walks_the_index_and_stops(backend: Backend) -> None:
    plan = backend.db.execute(
        "EXPLAIN QUERY PLAN SELECT customer_id FROM customer_name_keys "
        "WHERE key >= ? AND key < ? AND instr(' ' || key, ?) > 0 ORDER BY key, customer_id",
        ["ann", "ann\U0010ffff", " sm"],
    ).fetchall()
    details = " ".join(str(row[-1]) for row in plan)
    assert "USING PRIMARY KEY (key>? AND key<?)" in details
    assert "TEMP B-TREE" not in details
