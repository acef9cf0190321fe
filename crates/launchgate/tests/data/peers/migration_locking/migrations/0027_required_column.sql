ALTER TABLE orders ADD COLUMN priority int NOT NULL; -- expect: DAT-009
