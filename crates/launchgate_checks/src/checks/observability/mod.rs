//! observability checks, listed in ID order.

use crate::Check;

pub(crate) mod alert_routing;
pub(crate) mod dashboards_present;
pub(crate) mod distributed_tracing;
pub(crate) mod metrics_exposed;
pub(crate) mod request_correlation;
pub(crate) mod slo_burn_rate_alerts;
pub(crate) mod slo_defined;
pub(crate) mod slo_recording_rules;
pub(crate) mod structured_logging;

pub(crate) static CHECKS: &[&dyn Check] = &[
    &structured_logging::StructuredLogging,
    &request_correlation::RequestCorrelation,
    &distributed_tracing::DistributedTracing,
    &metrics_exposed::MetricsExposed,
    &alert_routing::AlertRouting,
    &slo_defined::SloDefined,
    &slo_burn_rate_alerts::SloBurnRateAlerts,
    &slo_recording_rules::SloRecordingRules,
    &dashboards_present::DashboardsPresent,
];
