CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_created_idx ON orders (created_at); -- ok: DAT-009
ALTER TABLE orders ADD COLUMN seen_at timestamptz DEFAULT now(); -- ok: DAT-009
ALTER TABLE orders RENAME COLUMN note TO remark; -- ok: DAT-009
