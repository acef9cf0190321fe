//! incident checks, listed in ID order.

use crate::Check;

pub(crate) mod escalation_policy;
pub(crate) mod incident_process;
pub(crate) mod oncall_rotation;
pub(crate) mod oncall_trained;
pub(crate) mod owner_defined;
pub(crate) mod status_page;

pub(crate) static CHECKS: &[&dyn Check] = &[
    &owner_defined::OwnerDefined,
    &oncall_rotation::OncallRotation,
    &escalation_policy::EscalationPolicy,
    &status_page::StatusPage,
    &incident_process::IncidentProcess,
    &oncall_trained::OncallTrained,
];
