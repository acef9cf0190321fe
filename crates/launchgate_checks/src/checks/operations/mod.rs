//! operations checks, listed in ID order.

use crate::Check;

pub(crate) mod cost_estimate;

pub(crate) static CHECKS: &[&dyn Check] = &[&cost_estimate::CostEstimate];
