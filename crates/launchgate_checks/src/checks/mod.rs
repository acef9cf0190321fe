//! The built-in checks: one file per check under `<category>/<slug>.rs`. Each category's
//! `mod.rs` lists its checks in ID order; [`all`] joins the lists.

use std::sync::OnceLock;

use crate::Check;

mod capacity;
mod data;
mod incident;
mod observability;
mod operations;
mod runbooks;
mod safety;
mod security;

/// Every built-in check, in ID order (a meta-test keeps the category lists sorted and unique).
pub(crate) fn all() -> &'static [&'static dyn Check] {
    static ALL: OnceLock<Vec<&'static dyn Check>> = OnceLock::new();
    ALL.get_or_init(|| {
        let mut v: Vec<&'static dyn Check> = [
            capacity::CHECKS,
            data::CHECKS,
            incident::CHECKS,
            observability::CHECKS,
            operations::CHECKS,
            runbooks::CHECKS,
            safety::CHECKS,
            security::CHECKS,
        ]
        .concat();
        v.sort_by_key(|c| c.meta().id);
        v
    })
}
