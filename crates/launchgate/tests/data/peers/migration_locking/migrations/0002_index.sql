CREATE INDEX orders_status_idx ON orders (status); -- expect: DAT-009
