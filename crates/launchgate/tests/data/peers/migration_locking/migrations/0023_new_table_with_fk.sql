CREATE TABLE refunds (id bigint PRIMARY KEY, order_id bigint);
ALTER TABLE refunds ADD CONSTRAINT refunds_order_fk FOREIGN KEY (order_id) REFERENCES orders (id); -- ok: DAT-009
CREATE INDEX refunds_order_idx ON refunds (order_id); -- ok: DAT-009
