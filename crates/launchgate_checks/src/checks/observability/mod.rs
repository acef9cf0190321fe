//! observability checks, listed in ID order.

use crate::Check;

pub(crate) mod alert_routing;
pub(crate) mod alert_rules_present;
pub(crate) mod alert_rules_valid;
pub(crate) mod alert_severity_tiers;
pub(crate) mod alerting;
pub(crate) mod dashboards_present;
pub(crate) mod distributed_tracing;
pub(crate) mod golden_signal_alerts;
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
    &alert_rules_present::AlertRulesPresent,
    &golden_signal_alerts::GoldenSignalAlerts,
    &alert_rules_valid::AlertRulesValid,
    &alert_severity_tiers::AlertSeverityTiers,
    &alert_routing::AlertRouting,
    &slo_defined::SloDefined,
    &slo_burn_rate_alerts::SloBurnRateAlerts,
    &slo_recording_rules::SloRecordingRules,
    &dashboards_present::DashboardsPresent,
];
