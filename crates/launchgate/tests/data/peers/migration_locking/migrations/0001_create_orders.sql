CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint, total numeric, status text);
CREATE INDEX orders_customer_idx ON orders (customer_id); -- ok: DAT-009
ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total > 0); -- ok: DAT-009
