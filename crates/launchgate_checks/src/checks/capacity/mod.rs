//! capacity checks, listed in ID order.

use crate::Check;

pub(crate) mod autoscaling;
pub(crate) mod connection_pooling;
pub(crate) mod disruption_budget;
pub(crate) mod health_probes;
pub(crate) mod load_tested;
pub(crate) mod multi_zone;
pub(crate) mod redundant_replicas;
pub(crate) mod resource_limits;

pub(crate) static CHECKS: &[&dyn Check] = &[
    &resource_limits::ResourceLimits,
    &autoscaling::Autoscaling,
    &redundant_replicas::RedundantReplicas,
    &disruption_budget::DisruptionBudget,
    &multi_zone::MultiZone,
    &health_probes::HealthProbes,
    &load_tested::LoadTested,
    &connection_pooling::ConnectionPooling,
];
