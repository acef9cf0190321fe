use launchgate_core::Outcome;

use crate::support;
use crate::support::flag_claim;
use crate::{Check, CheckContext, CheckMeta, declare_check};

declare_check! {
    /// ## What it checks
    /// Point-in-time recovery is enabled for the service's datastores:
    /// `claims.backups.point_in_time_recovery: true`.
    ///
    /// ## Why it matters
    /// A nightly snapshot loses up to a day of writes. When a bad deploy or a mistaken `DELETE`
    /// hits at 16:05, point-in-time recovery restores the data as it was at 16:04; a daily
    /// snapshot restores this morning and leaves you reconstructing the rest from logs.
    ///
    /// ## How to fix
    /// Enable continuous backups (RDS and Aurora automated backups with a retention above 0,
    /// DynamoDB `point_in_time_recovery { enabled = true }`, WAL archiving for self-managed
    /// PostgreSQL) and declare it: `claims: {backups: {point_in_time_recovery: true}}`.
    ///
    /// ## Example
    /// ```yaml fails
    /// data: persistent
    /// claims:
    ///   backups:
    ///     automated: true    # nightly snapshots only
    /// ```
    /// ```yaml passes
    /// data: persistent
    /// claims:
    ///   backups:
    ///     automated: true
    ///     point_in_time_recovery: true
    /// ```
    ///
    /// ## References
    /// Seed 003, "Backups: point-in-time recovery"; AWS documentation on DynamoDB and RDS
    /// point-in-time recovery.
    pub struct PointInTimeRecovery {
        id: "DAT-004", slug: "point-in-time-recovery", category: Data, severity: Major,
        tiers: [Required, Recommended, Skipped], evidence: "T D", effort: 4,
    }
}

impl Check for PointInTimeRecovery {
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
            m.claims
                .backups
                .as_ref()
                .and_then(|b| b.point_in_time_recovery),
            "/claims/backups/point_in_time_recovery",
            "point-in-time recovery is enabled",
            "point-in-time recovery",
        )
    }
}
