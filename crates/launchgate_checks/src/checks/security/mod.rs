//! security checks: one file per check (the table of all checks is in `checks/mod.rs`).

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
