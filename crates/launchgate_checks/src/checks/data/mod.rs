//! data checks, listed in ID order.

use crate::Check;

pub(crate) mod audit_log;
pub(crate) mod automated_backups;
pub(crate) mod backup_monitoring;
pub(crate) mod backup_retention;
pub(crate) mod deletion_protection;
pub(crate) mod encryption_at_rest;
pub(crate) mod point_in_time_recovery;
pub(crate) mod restore_tested;

pub(crate) static CHECKS: &[&dyn Check] = &[
    &automated_backups::AutomatedBackups,
    &backup_retention::BackupRetention,
    &restore_tested::RestoreTested,
    &point_in_time_recovery::PointInTimeRecovery,
    &encryption_at_rest::EncryptionAtRest,
    &deletion_protection::DeletionProtection,
    &audit_log::AuditLog,
    &backup_monitoring::BackupMonitoring,
];
