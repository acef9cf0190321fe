//! The checks kit: code that several checks share, one module per job, so that a helper is
//! found by what it does. Check files use the kit and never each other.

pub(crate) mod alerts;
pub(crate) mod aws;
pub(crate) mod claims;
pub(crate) mod code;
pub(crate) mod finish;
pub(crate) mod libraries;
pub(crate) mod manifest;
pub(crate) mod pipelines;
pub(crate) mod reports;
pub(crate) mod routes;
pub(crate) mod runbooks;
pub mod scope;
pub(crate) mod slo;
pub(crate) mod terraform;
pub(crate) mod workloads;
