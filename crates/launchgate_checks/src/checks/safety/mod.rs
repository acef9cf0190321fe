//! safety checks, listed in ID order.

use crate::Check;

pub(crate) mod dependency_timeouts;

pub(crate) static CHECKS: &[&dyn Check] = &[&dependency_timeouts::DependencyTimeouts];
