ALTER TABLE orders ADD CONSTRAINT orders_ref_unique UNIQUE (customer_id, id); -- expect: DAT-009
