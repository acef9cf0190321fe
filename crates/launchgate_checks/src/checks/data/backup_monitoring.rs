//! DAT-010 backup-monitoring: A failed or stale backup raises an alert.

use launchgate_core::{Finding, Outcome};

use crate::kit::alerts::{alert_name, recording_rules, watches};
use crate::kit::claims::{FlagClaim, RepoShows};
use crate::kit::manifest::no_durable_data;
use crate::{CheckContext, Evaluate, declare_check};

declare_check! {
    /// ## What it checks
    /// A failed or stale backup raises an alert. An alerting rule anywhere in the repository
    /// whose PromQL watches backup health proves it: the age of the last successful backup
    /// (`time() - backup_last_success_timestamp_seconds > 90000`), failed backup jobs
    /// (`velero_backup_failure_total`, `aws_backup_number_of_backup_jobs_failed_sum`), or a
    /// job metric narrowed to a backup job (`kube_job_status_failed{job_name=~"db-backup.*"}`).
    /// An alert on a recording rule counts for what the recording rule computes.
    ///
    /// Without such an alert, `claims.backups.monitored: true` passes as attested (the alert
    /// may live in another repository or be an AWS Backup notification). A claim of `false`
    /// fails, and when the repository has a backup alert the finding names it: the claim or
    /// the alert is wrong. With neither claim nor alert the check fails, or is inconclusive
    /// when a rule file could not be read.
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
    /// ```yaml passes path=monitoring/rules.yml
    /// groups:
    ///   - name: backups
    ///     rules:
    ///       - alert: OrdersDbBackupStale
    ///         expr: time() - backup_last_success_timestamp_seconds{database="orders"} > 26 * 3600
    ///         for: 30m
    ///         labels:
    ///           severity: urgent
    ///         annotations:
    ///           summary: The last successful orders-db backup is more than 26 hours old
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
    /// Seed 003, "Backups: backup monitoring and alerting"; Velero documentation, "Monitoring";
    /// AWS Backup Developer Guide, "Monitoring AWS Backup metrics with CloudWatch".
    pub struct BackupMonitoring {
        id: "DAT-010", slug: "backup-monitoring", category: Data, severity: Minor,
        tiers: [Required, Recommended, Skipped], evidence: "P D", effort: 3,
    }
}

impl Evaluate for BackupMonitoring {
    fn evaluate(&self, cx: &CheckContext<'_>) -> Outcome {
        let m = cx.manifest;
        if let Some(na) = no_durable_data(cx) {
            return na;
        }
        let recording = recording_rules(cx);
        let repo: Vec<Finding> = cx
            .evidence
            .prometheus
            .alerts()
            .filter(|r| {
                watches(r, &recording)
                    .contains(&launchgate_evidence::prometheus::Signal::BackupHealth)
            })
            .map(|r| {
                Finding::new(format!("{} watches backup health", alert_name(r)))
                    .at(Some(r.expr.loc.location()))
                    .resource(alert_name(r))
            })
            .collect();
        let names: Vec<String> = repo.iter().filter_map(|f| f.resource.clone()).collect();
        FlagClaim {
            value: m.claims.backups.as_ref().and_then(|b| b.monitored),
            pointer: "/claims/backups/monitored",
            holds: "failed or stale backups raise an alert",
            lacking: "backup monitoring",
        }
        .meets(
            cx,
            RepoShows {
                letters: "P",
                findings: repo,
                summary: names.join(", "),
                false_hint: "the claim or the alert is wrong; correct the claim if the alert covers the service's backups",
            },
        )
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use launchgate_core::{Basis, Outcome};

    use crate::fixture::{basis, run};

    #[test]
    fn an_alert_proves_and_a_claim_alone_attests() {
        assert_eq!(basis("DAT-010", "pass_backup_alert"), Some(Basis::Proven));
        assert_eq!(
            basis("DAT-010", "pass_recorded_backup_age"),
            Some(Basis::Proven)
        );
        assert_eq!(basis("DAT-010", "pass_monitored"), Some(Basis::Attested));
    }

    #[test]
    fn a_false_claim_beside_an_alert_names_both() {
        let Outcome::Fail { findings, .. } = run("DAT-010", "fail_claim_contradicts_alert") else {
            panic!("expected a failure");
        };
        assert_eq!(findings.len(), 1);
        let f = &findings[0];
        assert!(
            f.message.contains("`claims.backups.monitored: false`")
                && f.message.contains("alert `CatalogDbBackupStale`"),
            "{}",
            f.message
        );
        let related: Vec<(String, u32)> =
            f.related.iter().map(|l| (l.path.clone(), l.line)).collect();
        assert_eq!(related, [("monitoring/rules.yml".to_string(), 5)]);
    }
}
