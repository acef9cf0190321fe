ALTER TABLE orders ADD COLUMN created_at timestamptz DEFAULT clock_timestamp(); -- expect: DAT-009
