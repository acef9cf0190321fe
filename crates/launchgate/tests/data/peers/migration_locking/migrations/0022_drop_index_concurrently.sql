DROP INDEX CONCURRENTLY orders_status_idx; -- ok: DAT-009
