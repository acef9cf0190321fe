-- The reconciler reads queued charges; built without blocking writes to the table.
CREATE INDEX CONCURRENTLY IF NOT EXISTS charges_status_idx ON charges (status);
