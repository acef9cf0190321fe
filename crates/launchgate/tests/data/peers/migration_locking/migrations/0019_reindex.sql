REINDEX INDEX orders_status_idx; -- expect: DAT-009
