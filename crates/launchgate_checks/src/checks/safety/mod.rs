//! safety checks: one file per check (the table of all checks is in `checks/mod.rs`).

pub(crate) mod circuit_breakers;
pub(crate) mod dead_letter_queues;
pub(crate) mod dependency_timeouts;
pub(crate) mod graceful_shutdown;
pub(crate) mod http_client_timeouts;
pub(crate) mod idempotent_writes;
pub(crate) mod kill_switch;
pub(crate) mod rate_limiting;
pub(crate) mod retries_with_backoff;
