"""Name search as you type: each active customer's name read from each of its words.

"Anna Smith" of "Acme Ltd" is kept under the keys ``anna smith acme ltd``, ``smith anna acme
ltd``, ``acme ltd anna smith`` and ``ltd acme anna smith`` (table ``customer_name_keys``,
migration 0006): the person's words (first, then last name) turned round to start at each
word, then the company's. A word typed is then one range of the primary key, already in name
order, so the first 20 hits are read and the scan stops: no sort of every match, however
many customers a letter or two matches. Other words typed must start one of the key's words
(``instr(' ' || key, ' sm')``), checked by SQLite on the index entries, without reading the
customer rows.

Words are letters and digits folded for search (:func:`fold`): width (fullwidth "Ｏｄｅ" is
"ode"), case (full case folding: "Straße" is "strasse"), accents removed, and the Latin letters
that carry a stroke rather than an accent read as their base letter ("Ødegård" is "odegard",
"Łukasz" is "lukasz"). The customer row keeps the name as typed; only the keys are folded.
Migration 0016 re-wrote the keys of the names this fold reads differently from the first one.
Triggers keep the keys in step with ``customers`` through the SQL function ``pos_name_keys``,
which :func:`register` adds to every connection ``connect`` opens.
"""

from __future__ import annotations

import json
import re
import sqlite3
import unicodedata

# Letters and digits; "_" is \w in Python but a separator to unicode61.
_WORD = re.compile(r"[^\W_]+")
# Sorts after any character a word holds, so [w, w + _AFTER) is every key starting with w.
_AFTER = "\U0010ffff"
# A name never has more words than this; a longer query is no name (and no SQL of 1,000 terms).
MAX_WORDS = 16
SQL_FUNCTION = "pos_name_keys"
# The trigger of migration 0006 that writes a new customer's keys (bulk loads suspend it).
INSERT_TRIGGER = "customers_name_keys_ai"


# Letters that no Unicode decomposition takes to a base letter, read as people type them on a
# keyboard without them (the Nordic, Polish, Croatian, Icelandic and Turkish ones).
_UNSTROKED = str.maketrans(
    {"ø": "o", "đ": "d", "ð": "d", "ł": "l", "ŀ": "l", "ħ": "h", "ŧ": "t", "ı": "i",
     "æ": "ae", "œ": "oe", "þ": "th", "ŋ": "n", "ƀ": "b", "ɨ": "i", "ʉ": "u"}
)  # fmt: skip


def fold(text: str) -> str:
    """``text`` as search compares it: NFKC (width and compatibility forms), case folded,
    accents removed, stroked letters as their base letter. ASCII text is only lower-cased."""
    if text.isascii():
        return text.lower()
    text = unicodedata.normalize("NFKC", text).casefold().translate(_UNSTROKED)
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words(text: str | None) -> list[str]:
    """The words of ``text`` folded (:func:`fold`), split at anything but letters and digits
    ("O'Brien-Smith" is o, brien, smith)."""
    if not text:
        return []
    return _WORD.findall(fold(text))


def name_keys(first: str | None, last: str | None, company: str | None) -> list[str]:
    """Every key a customer is found under, sorted, without repeats."""
    person = words(first) + words(last)
    firm = words(company)
    keys = [
        " ".join(block[i:] + block[:i] + rest)
        for block, rest in ((person, firm), (firm, person))
        for i in range(len(block))
    ]
    return sorted(set(keys)) if len(keys) > 1 else keys


def _sql_name_keys(first: object, last: object, company: object) -> str:
    def text(value: object) -> str | None:
        return None if value is None else str(value)

    return json.dumps(name_keys(text(first), text(last), text(company)), ensure_ascii=False)


def register(conn: sqlite3.Connection) -> None:
    """Add ``pos_name_keys(first, last, company)`` (a JSON array of keys) for the triggers."""
    conn.create_function(SQL_FUNCTION, 3, _sql_name_keys, deterministic=True)


def rebuild(conn: sqlite3.Connection) -> None:
    """Every active customer's keys written afresh, in key order, inside the caller's
    transaction (after a bulk load that suspended the insert trigger)."""
    conn.execute("DELETE FROM customer_name_keys")
    conn.execute("DROP INDEX customer_name_keys_customer")
    conn.execute(
        "INSERT INTO customer_name_keys (key, customer_id) "
        f"SELECT k.value, c.id FROM customers c, json_each({SQL_FUNCTION}("
        "c.first_name, c.last_name, c.company_name)) k WHERE c.active = 1 ORDER BY 1, 2"
    )
    conn.execute("CREATE INDEX customer_name_keys_customer ON customer_name_keys(customer_id)")


def refold_non_ascii(conn: sqlite3.Connection) -> int:
    """Write afresh the keys of active customers whose name is not all ASCII (the only ones
    :func:`fold` can read differently), inside the caller's transaction; how many."""
    # length() counts characters, a BLOB's length bytes: they differ where a name is not ASCII.
    non_ascii = " OR ".join(
        f"length(CAST({c} AS BLOB)) != length({c})"
        for c in ("c.first_name", "c.last_name", "c.company_name")
    )
    ids = [int(r[0]) for r in conn.execute(f"SELECT c.id FROM customers c WHERE {non_ascii}")]
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ", ".join("?" * len(chunk))
        conn.execute(f"DELETE FROM customer_name_keys WHERE customer_id IN ({marks})", chunk)
        conn.execute(
            "INSERT OR IGNORE INTO customer_name_keys (key, customer_id) "
            f"SELECT k.value, c.id FROM customers c, json_each({SQL_FUNCTION}("
            f"c.first_name, c.last_name, c.company_name)) k WHERE c.active = 1 AND c.id IN ({marks})",
            chunk,
        )
    return len(ids)


def matching_sql(text: str) -> tuple[str, list[str]] | None:
    """``SELECT customer_id FROM customer_name_keys ...`` of the keys matching ``text``
    (every word typed starts a word of the key), with its parameters; None: nothing to match."""
    typed = list(dict.fromkeys(words(text)))
    if not typed or len(typed) > MAX_WORDS:
        return None
    lead = max(typed, key=len)
    others = [w for w in typed if w != lead]
    sql = "SELECT customer_id FROM customer_name_keys WHERE key >= ? AND key < ?" + "".join(
        " AND instr(' ' || key, ?) > 0" for _ in others
    )
    return sql, [lead, lead + _AFTER, *(" " + w for w in others)]


def matching_ids(conn: sqlite3.Connection, text: str, *, limit: int) -> list[int]:
    """Ids of active customers whose name has a word starting with every word of ``text``.

    Ordered by the name read from the word matching the longest word typed (the first of the
    longest on a tie): "smi" lists Smith Anna before Smith Bob, "ann" lists Anna Smith,
    Annabel Jones, Annan Bob. The range of that word is walked in key order and the walk stops
    at ``limit`` customers.
    """
    query = matching_sql(text)
    if query is None or limit <= 0:
        return []
    sql, params = query
    found: dict[int, None] = {}
    cur = conn.execute(sql + " ORDER BY key, customer_id", params)
    try:
        for (customer_id,) in cur:
            found[int(customer_id)] = None
            if len(found) >= limit:
                break
    finally:
        # Ends the statement now: a half-read SELECT would hold its read snapshot open.
        cur.close()
    return list(found)
