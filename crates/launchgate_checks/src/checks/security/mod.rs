//! security checks, listed in ID order.

use crate::Check;

pub(crate) mod authenticated_endpoints;
pub(crate) mod encryption_in_transit;
pub(crate) mod image_scanning;
pub(crate) mod least_privilege_container;
pub(crate) mod least_privilege_identity;
pub(crate) mod locked_dependencies;
pub(crate) mod network_flow_logs;
pub(crate) mod network_isolation;
pub(crate) mod no_hardcoded_secrets;
pub(crate) mod no_secrets_in_env;
pub(crate) mod non_root_user;
pub(crate) mod pinned_images;
pub(crate) mod read_only_root_filesystem;
pub(crate) mod secrets_manager;

pub(crate) static CHECKS: &[&dyn Check] = &[
    &no_hardcoded_secrets::NoHardcodedSecrets,
    &no_secrets_in_env::NoSecretsInEnv,
    &secrets_manager::SecretsManager,
    &non_root_user::NonRootUser,
    &read_only_root_filesystem::ReadOnlyRootFilesystem,
    &least_privilege_container::LeastPrivilegeContainer,
    &pinned_images::PinnedImages,
    &image_scanning::ImageScanning,
    &network_isolation::NetworkIsolation,
    &encryption_in_transit::EncryptionInTransit,
    &least_privilege_identity::LeastPrivilegeIdentity,
    &authenticated_endpoints::AuthenticatedEndpoints,
    &network_flow_logs::NetworkFlowLogs,
    &locked_dependencies::LockedDependencies,
];
