//! incident checks: one file per check (the table of all checks is in `checks/mod.rs`).

pub(crate) mod escalation_policy;
pub(crate) mod incident_process;
pub(crate) mod oncall_rotation;
pub(crate) mod oncall_trained;
pub(crate) mod owner_defined;
pub(crate) mod status_page;
