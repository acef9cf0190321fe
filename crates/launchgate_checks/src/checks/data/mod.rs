//! data checks: one file per check (the table of all checks is in `checks/mod.rs`).

pub(crate) mod audit_log;
pub(crate) mod automated_backups;
pub(crate) mod backup_monitoring;
pub(crate) mod backup_retention;
pub(crate) mod deletion_protection;
pub(crate) mod encryption_at_rest;
pub(crate) mod online_migrations;
pub(crate) mod point_in_time_recovery;
pub(crate) mod restore_tested;
pub(crate) mod reversible_migrations;
