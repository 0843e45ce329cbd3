"""Name search as you type: each active customer's name read from each of its words.

"Anna Smith" of "Acme Ltd" is kept under the keys ``anna smith acme ltd``, ``smith anna acme
ltd``, ``acme ltd anna smith`` and ``ltd acme anna smith`` (table ``customer_name_keys``,
migration 0006): the person's words (first, then last name) turned round to start at each
word, then the company's. A word typed is then one range of the primary key, already in name
order, so the first 20 hits are read and the scan stops: no sort of every match, however
many customers a letter or two matches. Other words typed must start one of the key's words
(``instr(' ' || key, ' sm')``), checked by SQLite on the index entries, without reading the
customer rows.

Words are what FTS5's ``unicode61 remove_diacritics 2`` tokenizer makes of a name (letters and
digits, lower case, accents removed), so the search matches as the ``customers_fts`` index did.
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


def words(text: str | None) -> list[str]:
    """The words of ``text``: lower case, accents removed, split at anything but letters and
    digits ("O'Brien-Smith" is o, brien, smith)."""
    if not text:
        return []
    text = text.lower()
    if not text.isascii():
        decomposed = unicodedata.normalize("NFD", text)
        text = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _WORD.findall(text)


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


def matching_ids(conn: sqlite3.Connection, text: str, *, limit: int) -> list[int]:
    """Ids of active customers whose name has a word starting with every word of ``text``.

    Ordered by the name read from the word matching the longest word typed (the first of the
    longest on a tie): "smi" lists Smith Anna before Smith Bob, "ann" lists Anna Smith,
    Annabel Jones, Annan Bob. The range of that word is walked in key order and the walk stops
    at ``limit`` customers.
    """
    typed = list(dict.fromkeys(words(text)))
    if not typed or limit <= 0 or len(typed) > MAX_WORDS:
        return []
    lead = max(typed, key=len)
    others = [w for w in typed if w != lead]
    sql = "SELECT customer_id FROM customer_name_keys WHERE key >= ? AND key < ?" + "".join(
        " AND instr(' ' || key, ?) > 0" for _ in others
    )
    params = [lead, lead + _AFTER, *(" " + w for w in others)]
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
