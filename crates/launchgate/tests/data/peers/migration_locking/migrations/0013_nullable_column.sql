ALTER TABLE orders ADD COLUMN note text; -- ok: DAT-009
ALTER TABLE orders ADD COLUMN region text DEFAULT 'eu'; -- ok: DAT-009
