use launchgate_core::Outcome;

use crate::support;
use crate::support::flag_claim;
use crate::{Check, CheckContext, CheckMeta, declare_check};

declare_check! {
    /// ## What it checks
    /// A failed or stale backup raises an alert: `claims.backups.monitored: true`.
    ///
    /// ## Why it matters
    /// Backup jobs fail quietly: an expired credential, a full bucket, a renamed database. Without
    /// an alert, the first person to notice is the one trying to restore, weeks after the last
    /// good backup was taken.
    ///
    /// ## How to fix
    /// Alert when a backup job fails and when the newest backup is older than its schedule allows
    /// (for example a Prometheus rule on the age of the last successful backup, or AWS Backup job
    /// failure notifications routed to the on-call). Then declare
    /// `claims: {backups: {monitored: true}}`.
    ///
    /// ## Example
    /// ```yaml fails
    /// data: persistent
    /// claims:
    ///   backups:
    ///     automated: true   # but nobody hears when a run fails
    /// ```
    /// ```yaml passes
    /// data: persistent
    /// claims:
    ///   backups:
    ///     automated: true
    ///     monitored: true
    /// ```
    ///
    /// ## References
    /// Seed 003, "Backups: backup monitoring and alerting".
    pub struct BackupMonitoring {
        id: "DAT-010", slug: "backup-monitoring", category: Data, severity: Minor,
        tiers: [Required, Recommended, Skipped], evidence: "P D", effort: 3,
    }
}

impl Check for BackupMonitoring {
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
            m.claims.backups.as_ref().and_then(|b| b.monitored),
            "/claims/backups/monitored",
            "failed or stale backups raise an alert",
            "backup monitoring",
        )
    }
}
