//! operations checks, listed in ID order.

use crate::Check;

pub(crate) mod cost_estimate;
pub(crate) mod log_retention;

pub(crate) static CHECKS: &[&dyn Check] =
    &[&log_retention::LogRetention, &cost_estimate::CostEstimate];
