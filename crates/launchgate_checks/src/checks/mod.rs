//! The built-in checks: one file per check under `<category>/<slug>.rs`, and [`CHECKS`], the
//! one table of them in ID order (a meta-test keeps the table sorted and in step with the files).

use crate::Check;

mod capacity;
mod data;
mod incident;
mod observability;
mod operations;
mod runbooks;
mod safety;
mod security;

/// Every built-in check, in ID order.
pub(crate) static CHECKS: &[&dyn Check] = &[
    &capacity::resource_limits::ResourceLimits, // CAP-001
    &capacity::autoscaling::Autoscaling,        // CAP-002
    &capacity::redundant_replicas::RedundantReplicas, // CAP-003
    &capacity::disruption_budget::DisruptionBudget, // CAP-004
    &capacity::multi_zone::MultiZone,           // CAP-005
    &capacity::health_probes::HealthProbes,     // CAP-006
    &capacity::load_tested::LoadTested,         // CAP-007
    &capacity::connection_pooling::ConnectionPooling, // CAP-008
    &capacity::failure_injection_tested::FailureInjectionTested, // CAP-009
    &data::automated_backups::AutomatedBackups, // DAT-001
    &data::backup_retention::BackupRetention,   // DAT-002
    &data::restore_tested::RestoreTested,       // DAT-003
    &data::point_in_time_recovery::PointInTimeRecovery, // DAT-004
    &data::encryption_at_rest::EncryptionAtRest, // DAT-005
    &data::deletion_protection::DeletionProtection, // DAT-006
    &data::audit_log::AuditLog,                 // DAT-007
    &data::reversible_migrations::ReversibleMigrations, // DAT-008
    &data::online_migrations::OnlineMigrations, // DAT-009
    &data::backup_monitoring::BackupMonitoring, // DAT-010
    &incident::owner_defined::OwnerDefined,     // INC-001
    &incident::oncall_rotation::OncallRotation, // INC-002
    &incident::escalation_policy::EscalationPolicy, // INC-003
    &incident::status_page::StatusPage,         // INC-004
    &incident::incident_process::IncidentProcess, // INC-005
    &incident::oncall_trained::OncallTrained,   // INC-006
    &observability::structured_logging::StructuredLogging, // OBS-001
    &observability::request_correlation::RequestCorrelation, // OBS-002
    &observability::distributed_tracing::DistributedTracing, // OBS-003
    &observability::metrics_exposed::MetricsExposed, // OBS-004
    &observability::alert_rules_present::AlertRulesPresent, // OBS-005
    &observability::golden_signal_alerts::GoldenSignalAlerts, // OBS-006
    &observability::alert_rules_valid::AlertRulesValid, // OBS-007
    &observability::alert_severity_tiers::AlertSeverityTiers, // OBS-008
    &observability::alert_routing::AlertRouting, // OBS-009
    &observability::slo_defined::SloDefined,    // OBS-010
    &observability::slo_burn_rate_alerts::SloBurnRateAlerts, // OBS-011
    &observability::slo_recording_rules::SloRecordingRules, // OBS-012
    &observability::dashboards_present::DashboardsPresent, // OBS-013
    &observability::logs_free_of_secrets::LogsFreeOfSecrets, // OBS-014
    &operations::ci_pipeline::CiPipeline,       // OPS-001
    &operations::progressive_delivery::ProgressiveDelivery, // OPS-002
    &operations::tests_passing::TestsPassing,   // OPS-003
    &operations::coverage_threshold::CoverageThreshold, // OPS-004
    &operations::log_retention::LogRetention,   // OPS-005
    &operations::cost_estimate::CostEstimate,   // OPS-006
    &operations::post_deploy_smoke_test::PostDeploySmokeTest, // OPS-007
    &operations::architecture_docs::ArchitectureDocs, // OPS-008
    &operations::scheduled_security_scan::ScheduledSecurityScan, // OPS-009
    &operations::gate_baseline::GateBaseline,   // OPS-010
    &runbooks::runbook_per_alert::RunbookPerAlert, // RUN-001
    &runbooks::runbook_structure::RunbookStructure, // RUN-002
    &runbooks::failure_mode_runbooks::FailureModeRunbooks, // RUN-003
    &runbooks::rollback_procedure::RollbackProcedure, // RUN-004
    &runbooks::escalation_path::EscalationPath, // RUN-005
    &safety::dependency_timeouts::DependencyTimeouts, // SAF-001
    &safety::http_client_timeouts::HttpClientTimeouts, // SAF-002
    &safety::retries_with_backoff::RetriesWithBackoff, // SAF-003
    &safety::circuit_breakers::CircuitBreakers, // SAF-004
    &safety::rate_limiting::RateLimiting,       // SAF-005
    &safety::graceful_shutdown::GracefulShutdown, // SAF-006
    &safety::idempotent_writes::IdempotentWrites, // SAF-007
    &safety::dead_letter_queues::DeadLetterQueues, // SAF-008
    &safety::kill_switch::KillSwitch,           // SAF-009
    &security::no_hardcoded_secrets::NoHardcodedSecrets, // SEC-001
    &security::no_secrets_in_env::NoSecretsInEnv, // SEC-002
    &security::secrets_manager::SecretsManager, // SEC-003
    &security::non_root_user::NonRootUser,      // SEC-004
    &security::read_only_root_filesystem::ReadOnlyRootFilesystem, // SEC-005
    &security::least_privilege_container::LeastPrivilegeContainer, // SEC-006
    &security::pinned_images::PinnedImages,     // SEC-007
    &security::image_scanning::ImageScanning,   // SEC-008
    &security::network_isolation::NetworkIsolation, // SEC-009
    &security::encryption_in_transit::EncryptionInTransit, // SEC-010
    &security::least_privilege_identity::LeastPrivilegeIdentity, // SEC-011
    &security::authenticated_endpoints::AuthenticatedEndpoints, // SEC-012
    &security::network_flow_logs::NetworkFlowLogs, // SEC-013
    &security::locked_dependencies::LockedDependencies, // SEC-014
];
