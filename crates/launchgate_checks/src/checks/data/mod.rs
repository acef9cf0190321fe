//! data checks, listed in ID order.

use crate::Check;

pub(crate) mod restore_tested;

pub(crate) static CHECKS: &[&dyn Check] = &[&restore_tested::RestoreTested];
