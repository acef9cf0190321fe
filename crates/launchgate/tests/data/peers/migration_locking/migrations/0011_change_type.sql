ALTER TABLE orders ALTER COLUMN total TYPE bigint; -- expect: DAT-009
