DROP INDEX orders_total_idx; -- expect: DAT-009
