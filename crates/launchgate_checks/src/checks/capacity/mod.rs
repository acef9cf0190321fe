//! capacity checks, listed in ID order.

use crate::Check;

pub(crate) static CHECKS: &[&dyn Check] = &[];
