-- pos-tui head office, migration 0001 (continued): applying the events lanes insert.
--
-- One statement-level trigger sees the rows a push actually inserted (a retried event hit ON
-- CONFLICT DO NOTHING and is not among them) and applies them in each lane's order. It runs as
-- the schema's owner (SECURITY DEFINER): lanes cannot write the derived tables themselves.

CREATE FUNCTION hq.ref(lane text, num bigint) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN num IS NULL THEN NULL ELSE lane || '-' || num END
$$;

CREATE FUNCTION hq.flag(kind text, gid text, origin text, seq bigint, detail jsonb)
RETURNS void LANGUAGE sql AS $$
    INSERT INTO hq.flags (kind, customer_gid, origin, seq, detail)
    VALUES (kind, gid, origin, seq, detail)
$$;

-- The next account number HQ gives a customer who lost theirs to another store: past every
-- numeric account number in use.
CREATE FUNCTION hq.next_account_number() RETURNS text LANGUAGE sql AS $$
    SELECT (coalesce(max(account_number::numeric), 1000) + 1)::text
    FROM hq.customers WHERE account_number ~ '^[0-9]{1,30}$'
$$;

-- Who else holds a unique value (NULL: nobody).
CREATE FUNCTION hq.unique_holder(field text, value text, me text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE holder text;
BEGIN
    IF value IS NULL THEN
        RETURN NULL;
    END IF;
    -- Two pushes claiming one value queue here, so the second sees the first's holder.
    PERFORM pg_advisory_xact_lock(hashtext('hq.unique:' || field || ':' || lower(value)));
    IF field = 'email' THEN
        SELECT gid INTO holder FROM hq.customers WHERE lower(email) = lower(value) AND gid <> me;
    ELSIF field = 'mobile' THEN
        SELECT gid INTO holder FROM hq.customers WHERE mobile = value AND gid <> me;
    ELSIF field = 'card_number' THEN
        SELECT gid INTO holder FROM hq.customers WHERE card_number = value AND gid <> me;
    ELSE
        SELECT gid INTO holder FROM hq.customers WHERE account_number = value AND gid <> me;
    END IF;
    RETURN holder;
END $$;

-- A customer event: the fields a lane changed, applied over HQ's row (per-field last writer
-- wins by server order), each overwritten value kept in hq.customer_history. A unique value
-- another customer already holds is not taken: the event's customer is flagged (an account
-- number, which every customer must have, is replaced by a new one).
CREATE FUNCTION hq.apply_customer(e_origin text, e_seq bigint, e_at text, p jsonb)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    me text := p->>'gid';
    fields jsonb := coalesce(p->'fields', '{}');
    cur hq.customers%ROWTYPE;
    found_row boolean;
    f text;
    holder text;
    old_value jsonb;
    new_value jsonb;
    uniques text[] := ARRAY['account_number', 'card_number', 'mobile', 'email'];
    account_holder text;
BEGIN
    SELECT * INTO cur FROM hq.customers WHERE gid = me FOR UPDATE;
    found_row := FOUND;
    IF cur.erasure IS NOT NULL THEN
        -- Erased: an edit made before the erasure reached this lane sets no personal value.
        fields := fields - ARRAY(SELECT jsonb_array_elements_text(cur.erasure->'fields'));
    END IF;
    FOREACH f IN ARRAY uniques LOOP
        IF fields ? f AND fields->>f IS NOT NULL THEN
            holder := hq.unique_holder(f, fields->>f, me);
            IF holder IS NOT NULL THEN
                IF f = 'account_number' AND NOT found_row THEN
                    account_holder := holder;  -- flagged below, with the number given instead
                ELSE
                    PERFORM hq.flag('unique_conflict', me, e_origin, e_seq, jsonb_build_object(
                        'field', f, 'value', fields->>f, 'holder', holder,
                        'rule', 'first at head office keeps it'));
                END IF;
                fields := fields - f;
            END IF;
        END IF;
    END LOOP;
    IF NOT found_row THEN
        IF NOT fields ? 'account_number' OR fields->>'account_number' IS NULL THEN
            fields := fields || jsonb_build_object('account_number', hq.next_account_number());
            PERFORM hq.flag('unique_conflict', me, e_origin, e_seq, jsonb_build_object(
                'field', 'account_number', 'value', p->'fields'->>'account_number',
                'holder', account_holder, 'given', fields->>'account_number',
                'rule', 'first at head office keeps it; a new number for the other'));
        END IF;
        INSERT INTO hq.customers (gid, account_number, card_number, mobile, email, data,
                                  created_origin)
        VALUES (me, fields->>'account_number', fields->>'card_number', fields->>'mobile',
                fields->>'email', fields - uniques, e_origin);
        INSERT INTO hq.customer_history (gid, field, old_value, new_value, origin, seq, lane_at)
        SELECT me, k, NULL, CASE WHEN k = 'pin_hash' THEN to_jsonb('(set)'::text) ELSE v END,
               e_origin, e_seq, e_at
        FROM jsonb_each(fields) AS x(k, v) WHERE v <> 'null'::jsonb;
        RETURN;
    END IF;
    FOR f, new_value IN SELECT k, v FROM jsonb_each(fields) AS x(k, v) LOOP
        IF f = ANY(uniques) THEN
            old_value := to_jsonb(CASE f WHEN 'account_number' THEN cur.account_number
                WHEN 'card_number' THEN cur.card_number WHEN 'mobile' THEN cur.mobile
                ELSE cur.email END);
        ELSE
            old_value := coalesce(cur.data->f, 'null'::jsonb);
        END IF;
        IF old_value IS DISTINCT FROM new_value THEN
            INSERT INTO hq.customer_history
                (gid, field, old_value, new_value, origin, seq, lane_at)
            VALUES (me, f,
                CASE WHEN f = 'pin_hash' THEN to_jsonb('(was set)'::text) ELSE old_value END,
                CASE WHEN f = 'pin_hash' THEN to_jsonb('(changed)'::text) ELSE new_value END,
                e_origin, e_seq, e_at);
        END IF;
    END LOOP;
    UPDATE hq.customers SET
        account_number = CASE WHEN fields ? 'account_number' AND fields->>'account_number' IS NOT NULL
                              THEN fields->>'account_number' ELSE account_number END,
        card_number = CASE WHEN fields ? 'card_number' THEN fields->>'card_number' ELSE card_number END,
        mobile = CASE WHEN fields ? 'mobile' THEN fields->>'mobile' ELSE mobile END,
        email = CASE WHEN fields ? 'email' THEN fields->>'email' ELSE email END,
        data = data || (fields - uniques),
        updated_at = now()
    WHERE gid = me;
END $$;

CREATE FUNCTION hq.apply_children(e_origin text, e_seq bigint, p jsonb)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    UPDATE hq.customers SET children = p->'children', updated_at = now() WHERE gid = p->>'gid';
    IF NOT FOUND THEN
        -- The customer's own event is earlier in the same lane's order, so this is a lane that
        -- pushed children of a customer HQ never got: keep them for when it arrives.
        RAISE WARNING 'children of unknown customer % from %/%', p->>'gid', e_origin, e_seq;
    END IF;
END $$;

-- Reference data: the whole row, last writer wins; a barcode another item holds is not taken.
CREATE FUNCTION hq.apply_master(e_origin text, e_seq bigint, p jsonb)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    d jsonb := p->'data';
    holder text;
BEGIN
    IF p->>'entity' = 'items' AND d IS NOT NULL AND d->>'barcode' IS NOT NULL THEN
        PERFORM pg_advisory_xact_lock(hashtext('hq.barcode:' || (d->>'barcode')));
        SELECT key INTO holder FROM hq.master
        WHERE entity = 'items' AND NOT deleted AND data->>'barcode' = d->>'barcode'
          AND key <> p->>'key';
        IF holder IS NOT NULL THEN
            PERFORM hq.flag('unique_conflict', NULL, e_origin, e_seq, jsonb_build_object(
                'field', 'barcode', 'value', d->>'barcode', 'item', p->>'key',
                'holder', holder, 'rule', 'first at head office keeps it'));
            d := jsonb_set(d, '{barcode}', 'null'::jsonb);
        END IF;
    END IF;
    INSERT INTO hq.master (entity, key, data, deleted, origin, seq)
    VALUES (p->>'entity', p->>'key', d, d IS NULL, e_origin, e_seq)
    ON CONFLICT (entity, key) DO UPDATE
        SET data = EXCLUDED.data, deleted = EXCLUDED.deleted,
            origin = EXCLUDED.origin, seq = EXCLUDED.seq;
END $$;

-- A lane's own record (an order, a statement...), as the lane last wrote it. A ledger entry
-- already billed on another statement is flagged, never billed twice.
CREATE FUNCTION hq.apply_record(e_origin text, e_seq bigint, p jsonb)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    me text := e_origin || ':' || (p->>'entity') || ':' || (p->>'local_id');
    holder text;
BEGIN
    INSERT INTO hq.records (origin, entity, local_id, customer_gid, data, seq)
    VALUES (e_origin, p->>'entity', (p->>'local_id')::bigint, p->>'customer', p->'row', e_seq)
    ON CONFLICT (origin, entity, local_id) DO UPDATE
        SET customer_gid = EXCLUDED.customer_gid, data = EXCLUDED.data, seq = EXCLUDED.seq,
            updated_at = now();
    IF p->>'entity' = 'statement_entries' AND p->'row'->>'entry' IS NOT NULL THEN
        INSERT INTO hq.billed (entry, statement, origin, seq)
        VALUES (p->'row'->>'entry', p->'row'->>'statement', e_origin, e_seq)
        ON CONFLICT (entry) DO NOTHING;
        SELECT statement INTO holder FROM hq.billed WHERE entry = p->'row'->>'entry';
        IF holder <> p->'row'->>'statement' THEN
            PERFORM hq.flag('billed_twice', NULL, e_origin, e_seq, jsonb_build_object(
                'entry', p->'row'->>'entry', 'statement', p->'row'->>'statement',
                'billed_on', holder, 'rule', 'the first statement at head office bills it'));
        END IF;
    END IF;
END $$;

-- Personal values blanked: in an object, the keys named (present and set) become null, or the
-- mark; in a set of a customer's other rows, the sets named become empty.
CREATE FUNCTION hq.nulled(obj jsonb, keys text[], mark jsonb DEFAULT 'null')
RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN jsonb_typeof(obj) <> 'object' THEN obj ELSE coalesce(
        (SELECT jsonb_object_agg(k, CASE WHEN k = ANY(keys) AND v <> 'null'::jsonb THEN mark
                                         ELSE v END)
         FROM jsonb_each(obj) AS x(k, v)), '{}'::jsonb) END
$$;

CREATE FUNCTION hq.emptied(sets jsonb, keys text[]) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN jsonb_typeof(sets) <> 'object' THEN sets ELSE coalesce(
        (SELECT jsonb_object_agg(k, CASE WHEN k = ANY(keys) THEN '[]'::jsonb ELSE v END)
         FROM jsonb_each(sets) AS x(k, v)), '{}'::jsonb) END
$$;

CREATE FUNCTION hq.marked_value(v jsonb, mark jsonb) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN v IS NULL OR v = 'null'::jsonb THEN v ELSE mark END
$$;

-- A customer erased at a lane: the personal fields of HQ's row cleared at once; the rest
-- (history, audit, flags, records and the stored events) by hq.blank_erased.
CREATE FUNCTION hq.apply_erasure(p jsonb) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    UPDATE hq.customers SET erasure = p, updated_at = now() WHERE gid = p->>'gid';
    IF NOT FOUND THEN
        RAISE WARNING 'erasure of unknown customer %', p->>'gid';
    END IF;
END $$;

-- Every personal value head office holds of an erased customer, blanked: the customer row,
-- the overwritten values kept in hq.customer_history, the audit rows, the flags naming their
-- values, the records (a statement's e-mail address) and the events as they arrived (their
-- digest becomes 'erased': a lane's retry of such an event is not a divergence). Run after
-- every push that touches an erased customer, so a late event from another store is blanked
-- too.
CREATE FUNCTION hq.blank_erased(me text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    er jsonb;
    f text[];
    audit_f text[];
    kids text[];
    mark jsonb;
BEGIN
    SELECT erasure INTO er FROM hq.customers WHERE gid = me;
    IF er IS NULL THEN
        RETURN;
    END IF;
    f := ARRAY(SELECT jsonb_array_elements_text(er->'fields'));
    audit_f := f || ARRAY(SELECT jsonb_array_elements_text(er->'columns'));
    kids := ARRAY(SELECT jsonb_array_elements_text(er->'children'));
    mark := er->'mark';
    UPDATE hq.customers SET
        card_number = CASE WHEN 'card_number' = ANY(f) THEN NULL ELSE card_number END,
        mobile = CASE WHEN 'mobile' = ANY(f) THEN NULL ELSE mobile END,
        email = CASE WHEN 'email' = ANY(f) THEN NULL ELSE email END,
        data = hq.nulled(data, f),
        children = hq.emptied(children, kids)
    WHERE gid = me AND (
        ('card_number' = ANY(f) AND card_number IS NOT NULL)
        OR ('mobile' = ANY(f) AND mobile IS NOT NULL)
        OR ('email' = ANY(f) AND email IS NOT NULL)
        OR data IS DISTINCT FROM hq.nulled(data, f)
        OR children IS DISTINCT FROM hq.emptied(children, kids));
    UPDATE hq.customer_history SET
        old_value = hq.marked_value(old_value, mark), new_value = hq.marked_value(new_value, mark)
    WHERE gid = me AND field = ANY(f)
      AND (old_value IS DISTINCT FROM hq.marked_value(old_value, mark)
           OR new_value IS DISTINCT FROM hq.marked_value(new_value, mark));
    UPDATE hq.audit SET changes = hq.nulled(changes, audit_f, mark)
    WHERE entity = 'customer' AND entity_ref = me
      AND changes IS DISTINCT FROM hq.nulled(changes, audit_f, mark);
    UPDATE hq.flags SET detail = jsonb_set(detail, '{value}', mark)
    WHERE kind = 'unique_conflict' AND (customer_gid = me OR detail->>'holder' = me)
      AND detail->>'field' = ANY(f) AND detail->'value' IS DISTINCT FROM hq.marked_value(detail->'value', mark);
    UPDATE hq.records r SET data = hq.nulled(r.data,
            ARRAY(SELECT jsonb_array_elements_text(er->'records'->r.entity)))
    WHERE r.customer_gid = me AND er->'records' ? r.entity
      AND r.data IS DISTINCT FROM hq.nulled(r.data,
            ARRAY(SELECT jsonb_array_elements_text(er->'records'->r.entity)));
    UPDATE hq.events e SET digest = 'erased', payload = x.blanked
    FROM (
        SELECT origin, seq, CASE kind
            WHEN 'customer' THEN jsonb_set(payload, '{fields}', hq.nulled(payload->'fields', f))
            WHEN 'customer_children' THEN
                jsonb_set(payload, '{children}', hq.emptied(payload->'children', kids))
            WHEN 'audit' THEN
                jsonb_set(payload, '{changes}', hq.nulled(payload->'changes', audit_f, mark))
            ELSE jsonb_set(payload, '{row}', hq.nulled(payload->'row',
                     ARRAY(SELECT jsonb_array_elements_text(er->'records'->(payload->>'entity')))))
            END AS blanked
        FROM hq.events
        WHERE hq.event_customer(kind, payload) = me AND kind <> 'erasure'
          AND (kind <> 'record' OR er->'records' ? (payload->>'entity'))
    ) x
    WHERE e.origin = x.origin AND e.seq = x.seq AND e.payload IS DISTINCT FROM x.blanked;
END $$;

CREATE FUNCTION hq.apply_events() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = hq, pg_catalog AS $$
DECLARE
    e record;
    gaps record;
BEGIN
    -- Customers and reference data row by row, in each lane's order.
    FOR e IN
        SELECT origin, seq, kind, payload, lane_at FROM new_events
        WHERE kind IN ('customer', 'customer_children', 'master', 'record', 'erasure')
        ORDER BY origin, seq
    LOOP
        IF e.kind = 'customer' THEN
            PERFORM hq.apply_customer(e.origin, e.seq, e.lane_at, e.payload);
        ELSIF e.kind = 'customer_children' THEN
            PERFORM hq.apply_children(e.origin, e.seq, e.payload);
        ELSIF e.kind = 'record' THEN
            PERFORM hq.apply_record(e.origin, e.seq, e.payload);
        ELSIF e.kind = 'erasure' THEN
            PERFORM hq.apply_erasure(e.payload);
        ELSE
            PERFORM hq.apply_master(e.origin, e.seq, e.payload);
        END IF;
    END LOOP;

    -- Sales, kept exactly as sealed; the link to the lane's previous sale checked on arrival.
    INSERT INTO hq.sales (origin, seq, lane_id, sale_number, store_id, kind, committed_at, total,
                          customer_gid, employee_number, prev_hash, hash, record, children)
    SELECT origin, seq, payload->'record'->>'lane_id', (payload->'record'->>'sale_number')::bigint,
           payload->'record'->>'store_id', payload->'record'->>'kind',
           payload->'record'->>'committed_at', (payload->'record'->>'total')::numeric,
           payload->>'customer', payload->>'employee', payload->'record'->>'prev_hash',
           payload->'record'->>'hash', payload->'record', payload->'children'
    FROM new_events WHERE kind = 'sale' ORDER BY origin, seq
    ON CONFLICT DO NOTHING;

    WITH arrived AS (
        SELECT s.* FROM hq.sales s JOIN new_events n ON n.origin = s.origin AND n.seq = s.seq
        WHERE n.kind = 'sale'
    ), broken AS (
        SELECT a.lane_id, a.sale_number, a.origin,
               CASE WHEN p.hash IS NULL THEN 'previous sale ' || (a.sale_number - 1) || ' is missing'
                    ELSE 'does not follow the previous sale' END AS reason
        FROM arrived a
        LEFT JOIN hq.sales p ON p.origin = a.origin AND p.lane_id = a.lane_id
                            AND p.sale_number = a.sale_number - 1
        WHERE a.sale_number > 1 AND (p.hash IS NULL OR p.hash <> a.prev_hash)
    ), marked AS (
        UPDATE hq.sales s SET linked = false FROM broken b
        WHERE s.origin = b.origin AND s.lane_id = b.lane_id AND s.sale_number = b.sale_number
        RETURNING s.lane_id
    ), recorded AS (
        INSERT INTO hq.chain_breaks (lane_id, sale_number, origin, reason)
        SELECT lane_id, sale_number, origin, reason FROM broken
        ON CONFLICT DO NOTHING RETURNING lane_id, sale_number, origin, reason
    )
    INSERT INTO hq.flags (kind, origin, detail)
    SELECT 'chain_break', origin,
           jsonb_build_object('lane_id', lane_id, 'sale_number', sale_number, 'reason', reason)
    FROM recorded;

    INSERT INTO hq.points_ledger (origin, seq, local_id, customer_gid, entry_type, points, reason,
                                  employee_number, lane_id, sale_number, created_at)
    SELECT origin, seq, (payload->>'local_id')::bigint, payload->>'customer',
           payload->>'entry_type', (payload->>'points')::numeric, payload->>'reason',
           payload->>'employee', payload->'sale'->>'lane_id',
           (payload->'sale'->>'sale_number')::bigint, payload->>'created_at'
    FROM new_events WHERE kind = 'points' ORDER BY origin, seq;

    INSERT INTO hq.receivable_ledger (origin, seq, local_id, customer_gid, entry_type, amount,
                                      reference, due_date, note, employee_number,
                                      approved_by_number, lane_id, sale_number, posted_at)
    SELECT origin, seq, (payload->>'local_id')::bigint, payload->>'customer',
           payload->>'entry_type', (payload->>'amount')::numeric, payload->>'reference',
           payload->>'due_date', payload->>'note', payload->>'employee',
           payload->>'approved_by', payload->'sale'->>'lane_id', (payload->'sale'->>'sale_number')::bigint,
           payload->>'posted_at'
    FROM new_events WHERE kind = 'receivable' ORDER BY origin, seq;

    INSERT INTO hq.audit (origin, seq, local_id, at, lane_id, employee_number, entity, entity_ref,
                          action, changes)
    SELECT origin, seq, (payload->>'local_id')::bigint, payload->>'at', payload->>'lane_id',
           payload->>'employee', payload->>'entity', payload->>'entity_ref',
           payload->>'action', coalesce(payload->'changes', '{}')
    FROM new_events WHERE kind = 'audit'
    ON CONFLICT DO NOTHING;

    -- Overdrafts, once every lane's events met: a redemption that takes a customer's points
    -- below zero, a charge that takes the balance past the credit limit. Kept, and flagged.
    INSERT INTO hq.flags (kind, customer_gid, origin, seq, detail)
    SELECT 'points_overdraft', n.payload->>'customer', n.origin, n.seq,
           jsonb_build_object('points', n.payload->>'points', 'balance', b.balance,
                              'sale', hq.ref(n.payload->'sale'->>'lane_id',
                                             (n.payload->'sale'->>'sale_number')::bigint))
    FROM new_events n
    CROSS JOIN LATERAL (
        SELECT sum(points) AS balance FROM hq.points_ledger
        WHERE customer_gid = n.payload->>'customer'
    ) b
    WHERE n.kind = 'points' AND (n.payload->>'points')::numeric < 0 AND b.balance < 0;

    INSERT INTO hq.flags (kind, customer_gid, origin, seq, detail)
    SELECT 'credit_overdraft', n.payload->>'customer', n.origin, n.seq,
           jsonb_build_object('amount', n.payload->>'amount', 'balance', b.balance,
                              'credit_limit', c.data->>'credit_limit',
                              'sale', hq.ref(n.payload->'sale'->>'lane_id',
                                             (n.payload->'sale'->>'sale_number')::bigint))
    FROM new_events n
    JOIN hq.customers c ON c.gid = n.payload->>'customer'
    CROSS JOIN LATERAL (
        SELECT sum(amount) AS balance FROM hq.receivable_ledger
        WHERE customer_gid = n.payload->>'customer'
    ) b
    WHERE n.kind = 'receivable' AND (n.payload->>'amount')::numeric > 0
      AND (n.payload->>'entry_type') IN ('charge', 'withdrawal')
      AND coalesce(c.data->>'credit_limit', '0') ~ '^[0-9]+(\.[0-9]+)?$'
      AND (c.data->>'credit_limit')::numeric > 0
      AND b.balance > (c.data->>'credit_limit')::numeric;

    -- Whatever this push brought of an erased customer (the erasure itself, or an event from a
    -- store that had not heard of it yet) loses its personal values here.
    PERFORM hq.blank_erased(c.gid) FROM hq.customers c
    WHERE c.erasure IS NOT NULL AND c.gid IN (
        SELECT hq.event_customer(kind, payload) FROM new_events
        WHERE hq.event_customer(kind, payload) IS NOT NULL);

    -- How far each lane has pushed; a hole in its sequence is an event lost on the way.
    FOR gaps IN
        SELECT n.origin, min(n.seq) AS first_seq, max(n.seq) AS last_seq, count(*) AS n_events,
               l.last_seq AS before
        FROM new_events n JOIN hq.lanes l ON l.origin = n.origin
        GROUP BY n.origin, l.last_seq
    LOOP
        IF gaps.first_seq > gaps.before + 1
           OR gaps.last_seq - gaps.first_seq + 1 <> gaps.n_events THEN
            PERFORM hq.flag('event_gap', NULL, gaps.origin, gaps.first_seq, jsonb_build_object(
                'after', gaps.before, 'first', gaps.first_seq, 'last', gaps.last_seq,
                'events', gaps.n_events));
        END IF;
        UPDATE hq.lanes SET last_seq = greatest(last_seq, gaps.last_seq),
                            last_push_at = now()
        WHERE origin = gaps.origin;
    END LOOP;
    PERFORM pg_notify('hq_changes', '');
    RETURN NULL;
END $$;

CREATE TRIGGER events_apply AFTER INSERT ON hq.events
    REFERENCING NEW TABLE AS new_events
    FOR EACH STATEMENT EXECUTE FUNCTION hq.apply_events();
