//! runbooks checks, listed in ID order.

use crate::Check;

pub(crate) mod escalation_path;
pub(crate) mod rollback_procedure;

pub(crate) static CHECKS: &[&dyn Check] = &[
    &rollback_procedure::RollbackProcedure,
    &escalation_path::EscalationPath,
];
