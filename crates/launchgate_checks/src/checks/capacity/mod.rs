//! capacity checks, listed in ID order.

use crate::Check;

pub(crate) mod connection_pooling;
pub(crate) mod load_tested;

pub(crate) static CHECKS: &[&dyn Check] = &[
    &load_tested::LoadTested,
    &connection_pooling::ConnectionPooling,
];
