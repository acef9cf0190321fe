//! runbooks checks: one file per check (the table of all checks is in `checks/mod.rs`).

pub(crate) mod escalation_path;
pub(crate) mod failure_mode_runbooks;
pub(crate) mod rollback_procedure;
pub(crate) mod runbook_per_alert;
pub(crate) mod runbook_structure;
