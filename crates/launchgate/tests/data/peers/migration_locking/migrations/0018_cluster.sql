CLUSTER orders USING orders_status_idx; -- expect: DAT-009
