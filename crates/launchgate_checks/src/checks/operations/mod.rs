//! operations checks: one file per check (the table of all checks is in `checks/mod.rs`).

pub(crate) mod architecture_docs;
pub(crate) mod ci_pipeline;
pub(crate) mod cost_estimate;
pub(crate) mod coverage_threshold;
pub(crate) mod gate_baseline;
pub(crate) mod log_retention;
pub(crate) mod post_deploy_smoke_test;
pub(crate) mod progressive_delivery;
pub(crate) mod scheduled_security_scan;
pub(crate) mod tests_passing;
