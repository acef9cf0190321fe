//! incident checks, listed in ID order.

use crate::Check;

pub(crate) mod oncall_rotation;

pub(crate) static CHECKS: &[&dyn Check] = &[&oncall_rotation::OncallRotation];
