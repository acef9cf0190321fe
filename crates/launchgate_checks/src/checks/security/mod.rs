//! security checks, listed in ID order.

use crate::Check;

pub(crate) mod authenticated_endpoints;
pub(crate) mod encryption_in_transit;
pub(crate) mod secrets_manager;

pub(crate) static CHECKS: &[&dyn Check] = &[
    &secrets_manager::SecretsManager,
    &encryption_in_transit::EncryptionInTransit,
    &authenticated_endpoints::AuthenticatedEndpoints,
];
