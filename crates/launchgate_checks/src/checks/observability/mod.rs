//! observability checks: one file per check (the table of all checks is in `checks/mod.rs`).

pub(crate) mod alert_routing;
pub(crate) mod alert_rules_present;
pub(crate) mod alert_rules_valid;
pub(crate) mod alert_severity_tiers;
pub(crate) mod dashboards_present;
pub(crate) mod distributed_tracing;
pub(crate) mod golden_signal_alerts;
pub(crate) mod logs_free_of_secrets;
pub(crate) mod metrics_exposed;
pub(crate) mod request_correlation;
pub(crate) mod slo_burn_rate_alerts;
pub(crate) mod slo_defined;
pub(crate) mod slo_recording_rules;
pub(crate) mod structured_logging;
