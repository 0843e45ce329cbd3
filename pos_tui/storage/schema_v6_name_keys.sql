-- Name search as you type (pos_tui/storage/name_keys.py): each active customer's name read
-- from each of its words, so that a typed prefix is one range of this primary key, already in
-- name order. pos_name_keys(first, last, company) is a function every connection of the app
-- registers; it returns the keys as a JSON array.
CREATE TABLE customer_name_keys (
    key TEXT NOT NULL,
    customer_id INTEGER NOT NULL,
    PRIMARY KEY (key, customer_id)
) WITHOUT ROWID;
CREATE TRIGGER customers_name_keys_ai AFTER INSERT ON customers WHEN new.active = 1 BEGIN
    INSERT INTO customer_name_keys (key, customer_id)
    SELECT value, new.id
    FROM json_each(pos_name_keys(new.first_name, new.last_name, new.company_name));
END;

CREATE TRIGGER customers_name_keys_au
AFTER UPDATE OF id, first_name, last_name, company_name, active ON customers BEGIN
    DELETE FROM customer_name_keys WHERE customer_id = old.id;
    INSERT INTO customer_name_keys (key, customer_id)
    SELECT value, new.id
    FROM json_each(pos_name_keys(new.first_name, new.last_name, new.company_name))
    WHERE new.active = 1;
END;

CREATE TRIGGER customers_name_keys_ad AFTER DELETE ON customers BEGIN
    DELETE FROM customer_name_keys WHERE customer_id = old.id;
END;

-- The customers already there, in key order; the index by customer after (both build faster).
INSERT INTO customer_name_keys (key, customer_id)
SELECT k.value, c.id
FROM customers c, json_each(pos_name_keys(c.first_name, c.last_name, c.company_name)) k
WHERE c.active = 1
ORDER BY 1, 2;
CREATE INDEX customer_name_keys_customer ON customer_name_keys(customer_id);
