//! capacity checks: one file per check (the table of all checks is in `checks/mod.rs`).

pub(crate) mod autoscaling;
pub(crate) mod connection_pooling;
pub(crate) mod disruption_budget;
pub(crate) mod failure_injection_tested;
pub(crate) mod health_probes;
pub(crate) mod load_tested;
pub(crate) mod multi_zone;
pub(crate) mod redundant_replicas;
pub(crate) mod resource_limits;
