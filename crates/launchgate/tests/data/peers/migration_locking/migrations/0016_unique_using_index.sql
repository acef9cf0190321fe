ALTER TABLE orders ADD CONSTRAINT orders_ref_unique2 UNIQUE USING INDEX orders_ref_idx; -- ok: DAT-009
