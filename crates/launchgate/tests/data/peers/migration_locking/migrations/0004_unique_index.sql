CREATE UNIQUE INDEX orders_ref_idx ON orders (customer_id, id); -- expect: DAT-009
