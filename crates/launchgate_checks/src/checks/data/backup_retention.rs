use launchgate_core::{Finding, Outcome};

use crate::support;
use crate::support::at;
use crate::{Check, CheckContext, CheckMeta, declare_check};

declare_check! {
    /// ## What it checks
    /// Backups are kept at least the policy minimum (default 30 days,
    /// `backup_retention_min_days`), as declared in `claims.backups.retention_days`.
    ///
    /// ## Why it matters
    /// Corruption is often found late: a bug that writes bad rows on the 3rd is noticed on the
    /// 20th, when a 7-day retention has already rotated the last good copy away. Retention sets how
    /// far back you can go, so it has to be longer than the time it takes to notice a problem.
    ///
    /// ## How to fix
    /// Set the datastore's backup retention to at least the policy minimum (RDS
    /// `backup_retention_period`, an AWS Backup lifecycle rule, the CronJob's pruning) and declare
    /// it: `claims: {backups: {retention_days: 35}}`.
    ///
    /// ## Example
    /// ```yaml fails
    /// data: personal
    /// claims:
    ///   backups:
    ///     automated: true
    ///     retention_days: 7    # the policy asks for at least 30
    /// ```
    /// ```yaml passes
    /// data: personal
    /// claims:
    ///   backups:
    ///     automated: true
    ///     retention_days: 35
    /// ```
    ///
    /// ## References
    /// Seed 003, "Backups: retention policy defined"; AWS RDS documentation on automated backup
    /// retention (1 to 35 days).
    pub struct BackupRetention {
        id: "DAT-002", slug: "backup-retention", category: Data, severity: Major,
        tiers: [Required, Recommended, Skipped], evidence: "T D", effort: 2,
    }
}

impl Check for BackupRetention {
    fn meta(&self) -> &CheckMeta {
        &Self::META
    }

    fn evaluate(&self, cx: &CheckContext<'_>) -> Outcome {
        let m = cx.manifest;
        if let Some(na) = support::no_durable_data(cx) {
            return na;
        }
        let pointer = "/claims/backups/retention_days";
        let min = cx.options.backup_retention_min_days;
        match m.claims.backups.as_ref().and_then(|b| b.retention_days) {
            None => Outcome::fail(vec![
                Finding::new(format!(
                    "no backup retention is declared (`claims.backups.retention_days`); the policy asks for at least {min} days"
                ))
                .at(at(cx, pointer)),
            ]),
            Some(days) if days < min => Outcome::fail(vec![
                Finding::new(format!(
                    "backups are kept {days} days, less than the policy minimum of {min} days"
                ))
                .at(at(cx, pointer)),
            ]),
            Some(days) => Outcome::attested(vec![
                Finding::new(format!(
                    "backups are kept {days} days (policy: at least {min} days)"
                ))
                .at(at(cx, pointer)),
            ]),
        }
    }
}
