ALTER TABLE charges DROP COLUMN refunded_minor;
