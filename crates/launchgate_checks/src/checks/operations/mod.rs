//! operations checks, listed in ID order.

use crate::Check;

pub(crate) mod ci_pipeline;
pub(crate) mod cost_estimate;
pub(crate) mod coverage_threshold;
pub(crate) mod gate_baseline;
pub(crate) mod log_retention;
pub(crate) mod post_deploy_smoke_test;
pub(crate) mod progressive_delivery;
pub(crate) mod scheduled_security_scan;
pub(crate) mod tests_passing;

pub(crate) static CHECKS: &[&dyn Check] = &[
    &ci_pipeline::CiPipeline,
    &progressive_delivery::ProgressiveDelivery,
    &tests_passing::TestsPassing,
    &coverage_threshold::CoverageThreshold,
    &log_retention::LogRetention,
    &cost_estimate::CostEstimate,
    &post_deploy_smoke_test::PostDeploySmokeTest,
    &scheduled_security_scan::ScheduledSecurityScan,
    &gate_baseline::GateBaseline,
];
