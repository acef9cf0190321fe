ALTER TABLE orders ADD CONSTRAINT orders_status_check2 CHECK (status IN ('new', 'paid')) NOT VALID; -- ok: DAT-009
