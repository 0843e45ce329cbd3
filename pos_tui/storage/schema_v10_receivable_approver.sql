-- The supervisor who approved an account tender (over the limit, a refund routed elsewhere);
-- employee_id stays the cashier who rang it up.
ALTER TABLE receivable_ledger ADD COLUMN approved_by INTEGER REFERENCES employees(id);
