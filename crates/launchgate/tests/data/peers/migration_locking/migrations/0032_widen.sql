ALTER TABLE orders ALTER COLUMN status TYPE varchar(200); -- expect: DAT-009
