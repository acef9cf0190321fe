-- Nullable and without a default: no table rewrite, no long lock.
ALTER TABLE charges ADD COLUMN refunded_minor bigint;
