use launchgate_core::Outcome;

use crate::support;
use crate::support::flag_claim;
use crate::{Check, CheckContext, CheckMeta, declare_check};

declare_check! {
    /// ## What it checks
    /// The service's datastores are backed up automatically: `claims.backups.automated: true`.
    ///
    /// ## Why it matters
    /// Manual backups are taken until the week someone is on holiday. Without a scheduled backup,
    /// a bad migration, a deleted table or a lost volume is permanent data loss, and for a service
    /// that stores customer or financial data that is the one failure nobody can apologise for.
    ///
    /// ## How to fix
    /// Turn on the datastore's scheduled backups (for example `backup_retention_period` on RDS or
    /// Aurora, point-in-time recovery on DynamoDB, an `aws_backup_plan`, a backup CronJob or a
    /// Velero schedule) and declare it: `claims: {backups: {automated: true}}`. Services that keep
    /// no durable data say so with `data: ephemeral` or `data: none`, and the check is skipped.
    ///
    /// ## Example
    /// ```yaml fails
    /// data: financial
    /// claims:
    ///   backups:
    ///     automated: false   # snapshots are taken by hand before releases
    /// ```
    /// ```yaml passes
    /// data: financial
    /// claims:
    ///   backups:
    ///     automated: true
    ///     retention_days: 35
    /// ```
    ///
    /// ## References
    /// Seed 003, "Backups: automated backups configured"; seed 004, "Backup and restore".
    pub struct AutomatedBackups {
        id: "DAT-001", slug: "automated-backups", category: Data, severity: Blocker,
        tiers: [Required, Required, Recommended], evidence: "T K D", effort: 6,
    }
}

impl Check for AutomatedBackups {
    fn meta(&self) -> &CheckMeta {
        &Self::META
    }

    fn evaluate(&self, cx: &CheckContext<'_>) -> Outcome {
        let m = cx.manifest;
        if let Some(na) = support::no_durable_data(cx) {
            return na;
        }
        flag_claim(
            cx,
            m.claims.backups.as_ref().and_then(|b| b.automated),
            "/claims/backups/automated",
            "datastores are backed up automatically",
            "automated backups",
        )
    }
}
