ALTER TABLE payments ADD COLUMN id serial PRIMARY KEY; -- expect: DAT-009
