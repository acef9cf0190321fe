ALTER TABLE orders ADD CONSTRAINT orders_status_check CHECK (status IN ('new', 'paid')); -- expect: DAT-009
