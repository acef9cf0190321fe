ALTER TABLE orders VALIDATE CONSTRAINT orders_customer_fk2; -- ok: DAT-009
