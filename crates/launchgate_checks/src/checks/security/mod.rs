//! security checks, listed in ID order.

use crate::Check;

pub(crate) mod authenticated_endpoints;
pub(crate) mod encryption_in_transit;
pub(crate) mod no_hardcoded_secrets;
pub(crate) mod secrets_manager;

pub(crate) static CHECKS: &[&dyn Check] = &[
    &no_hardcoded_secrets::NoHardcodedSecrets,
    &secrets_manager::SecretsManager,
    &encryption_in_transit::EncryptionInTransit,
    &authenticated_endpoints::AuthenticatedEndpoints,
];
