//! DAT-003 restore-tested: A restore drill is declared (`claims.backups.last_restore_test`) within
//! the policy window before the review date (default 90 days, `restore_test_max_age_days`).

use launchgate_core::{Finding, Outcome};

use crate::kit::manifest::{at, no_durable_data, within_window};
use crate::kit::pipelines::unattended_drill;
use crate::kit::terraform::{TfField, field_str};
use crate::{CheckContext, Evaluate, declare_check};

declare_check! {
    /// ## What it checks
    /// A restore drill is declared (`claims.backups.last_restore_test`) within the policy window
    /// before the review date (default 90 days, `restore_test_max_age_days`).
    ///
    /// Restores that run on their own prove it with no date to keep: a CI job that runs on a
    /// schedule or on every push to the default branch (not one somebody starts by hand) and
    /// runs a restore command (`pg_restore`, `mongorestore`, `aws rds restore-db-instance-*`,
    /// `aws backup start-restore-job`, `gcloud sql backups restore`, `az ... restore`,
    /// `velero restore create`, `pgbackrest restore`, `wal-g backup-fetch`, or a script named
    /// `restore*.sh|py`), or an AWS Backup restore testing plan in Terraform
    /// (`aws_backup_restore_testing_plan` with a `schedule_expression`, and an
    /// `aws_backup_restore_testing_selection` in the same module).
    ///
    /// ## Why it matters
    /// A backup that was never restored is a hope, not a backup. Restores fail for mundane reasons
    /// (missing permissions, a changed schema, a key nobody kept) and the only time to find out
    /// should not be during the incident.
    ///
    /// ## How to fix
    /// Restore the latest backup into a scratch environment, verify the data, and record the date:
    /// `claims: {backups: {last_restore_test: 2026-10-12}}`. Repeat at least quarterly. Better,
    /// automate it: an AWS Backup restore testing plan, or a scheduled pipeline job that restores
    /// the latest backup into a scratch database and checks it.
    ///
    /// ## Example
    /// ```yaml fails
    /// data: persistent
    /// claims:
    ///   backups:
    ///     automated: true
    ///     last_restore_test: 2025-01-15   # more than 90 days before the review
    /// ```
    /// ```yaml passes
    /// data: persistent
    /// claims:
    ///   backups:
    ///     automated: true
    ///     last_restore_test: 2026-10-12
    /// ```
    /// ```yaml passes path=.github/workflows/restore-drill.yml
    /// on:
    ///   schedule:
    ///     - cron: "0 3 * * 1"   # every Monday: no date to keep in the manifest
    /// jobs:
    ///   restore:
    ///     runs-on: ubuntu-latest
    ///     steps:
    ///       - run: ./scripts/restore-drill.sh --into scratch-db
    /// ```
    /// ```yaml with path=launchgate.yaml
    /// service: payments-api
    /// tier: 0
    /// exposure: public
    /// data: persistent
    /// claims:
    ///   backups:
    ///     automated: true
    /// ```
    /// ```hcl passes path=infra/backup.tf
    /// resource "aws_backup_restore_testing_plan" "weekly" {
    ///   name                = "payments_weekly"
    ///   schedule_expression = "cron(0 1 ? * MON *)"
    ///   recovery_point_selection {
    ///     algorithm            = "LATEST_WITHIN_WINDOW"
    ///     include_vaults       = ["*"]
    ///     recovery_point_types = ["SNAPSHOT"]
    ///   }
    /// }
    ///
    /// resource "aws_backup_restore_testing_selection" "db" {
    ///   name                      = "payments_db"
    ///   restore_testing_plan_name = aws_backup_restore_testing_plan.weekly.name
    ///   protected_resource_type   = "RDS"
    ///   protected_resource_arns   = ["*"]
    /// }
    /// ```
    /// ```yaml with path=launchgate.yaml
    /// service: payments-api
    /// tier: 0
    /// exposure: public
    /// data: persistent
    /// ```
    ///
    /// ## References
    /// Seed 003, "Backups: backup tested (restore drills quarterly)"; seed 004, "Backup verification".
    pub struct RestoreTested {
        id: "DAT-003", slug: "restore-tested", category: Data, severity: Major,
        tiers: [Required, Recommended, Skipped], evidence: "D", effort: 8,
    }
}

impl Evaluate for RestoreTested {
    fn evaluate(&self, cx: &CheckContext<'_>) -> Outcome {
        let m = cx.manifest;
        if let Some(na) = no_durable_data(cx) {
            return na;
        }
        if let Some(e) = unattended_drill(cx, "a restore drill", |s| s.restore.as_ref())
            .or_else(|| restore_testing_plan(cx))
        {
            return Outcome::proven(vec![e]);
        }
        let pointer = "/claims/backups/last_restore_test";
        match m.claims.backups.as_ref().and_then(|b| b.last_restore_test) {
            None => Outcome::fail(vec![
                Finding::new("no restore drill is declared (`claims.backups.last_restore_test`)")
                    .at(at(cx, pointer)),
            ]),
            Some(date) => match within_window(
                cx,
                date.0,
                cx.options.restore_test_max_age_days,
                pointer,
                "the last restore drill",
            ) {
                Ok(e) => Outcome::attested(vec![e]),
                Err(f) => Outcome::fail(vec![f]),
            },
        }
    }
}

/// An AWS Backup restore testing plan with a schedule and at least one selection of what it
/// restores, in the same Terraform module.
fn restore_testing_plan(cx: &CheckContext<'_>) -> Option<Finding> {
    let tf = &cx.evidence.terraform;
    tf.resources_of("aws_backup_restore_testing_plan")
        .filter(|r| !r.data)
        .find_map(|plan| {
            let TfField::Known(schedule, _) = field_str(&plan.body, "schedule_expression") else {
                return None;
            };
            let selection = tf
                .resources_of("aws_backup_restore_testing_selection")
                .find(|s| !s.data && s.dir == plan.dir)?;
            Some(
                Finding::new(format!(
                    "AWS Backup restore testing plan `{}` restores a recovery point on the schedule `{schedule}` ({}.{} selects what it restores): the restore is tested on every run, with no date to keep",
                    plan.name, selection.rtype, selection.name
                ))
                .at(Some(plan.loc.location())),
            )
        })
}
