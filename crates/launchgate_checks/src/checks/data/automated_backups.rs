//! DAT-001 automated-backups: Every datastore is backed up automatically.

use launchgate_core::{Finding, Outcome};
use launchgate_evidence::k8s::{Workload, WorkloadKind};
use launchgate_evidence::terraform::{Resource, Terraform};

use crate::kit::aws::{
    backup_plan_of, backup_selections_covering, tf_databases, tf_is_cluster, tf_is_replica,
};
use crate::kit::claims::{FlagClaim, contradicts, settle};
use crate::kit::finish::Tally;
use crate::kit::manifest::no_durable_data;
use crate::kit::terraform::{TfField, field_bool, field_int, tf_origin, tf_unresolved};
use crate::{CheckContext, Evaluate, declare_check};

declare_check! {
    /// ## What it checks
    /// Every datastore is backed up automatically. The repository and
    /// `claims.backups.automated` are compared.
    ///
    /// - In Terraform, an RDS instance (`aws_db_instance`) keeps automated backups when
    ///   `backup_retention_period` is above 0; Aurora, DocumentDB and Neptune clusters always do
    ///   (1 day when the period is not written); a DynamoDB table needs
    ///   `point_in_time_recovery { enabled = true }`. Any of them also counts as backed up when
    ///   an AWS Backup selection (`aws_backup_selection`) names it, selects `"*"` or matches its
    ///   tags; a selection that covers no datastore declared here still shows scheduled backups.
    ///   Read replicas are skipped: their source is what is backed up.
    /// - In Kubernetes, a CronJob whose name, image or command shows a backup (`pg_dump`,
    ///   `mysqldump`, `mongodump`, `velero`, `restic`, `backup`...) or a Velero `Schedule`
    ///   counts; a suspended job or a paused schedule fails.
    ///
    /// A datastore with backups explicitly off (`backup_retention_period = 0`, point-in-time
    /// recovery disabled or absent on a table) fails at that value, naming the claim too when
    /// `claims.backups.automated: true` says otherwise. An `aws_db_instance` that does not write
    /// `backup_retention_period` is not taken as proof: the default depends on how it is created
    /// (1 day through the API, 0 for a replica), so the check is inconclusive unless the claim
    /// or an AWS Backup selection covers it. With no datastore or backup in the repository, the
    /// claim decides (an attested pass, or a failure when it is `false` or missing).
    ///
    /// ## Why it matters
    /// Manual backups are taken until the week someone is on holiday. Without a scheduled backup,
    /// a bad migration, a deleted table or a lost volume is permanent data loss, and for a service
    /// that stores customer or financial data that is the one failure nobody can apologise for.
    ///
    /// ## How to fix
    /// Turn on the datastore's scheduled backups in code: `backup_retention_period` of at least
    /// the policy minimum on RDS, `point_in_time_recovery { enabled = true }` on DynamoDB, an
    /// `aws_backup_plan` with an `aws_backup_selection` naming the datastore, a backup CronJob or a
    /// Velero schedule. Declare it too: `claims: {backups: {automated: true}}`. Services that keep
    /// no durable data say so with `data: ephemeral` or `data: none`, and the check is skipped.
    ///
    /// ## Example
    /// ```hcl fails path=infra/db.tf
    /// resource "aws_db_instance" "main" {
    ///   engine                  = "postgres"
    ///   instance_class          = "db.t4g.medium"
    ///   backup_retention_period = 0   # automated backups are off
    /// }
    /// ```
    /// ```hcl passes path=infra/db.tf
    /// resource "aws_db_instance" "main" {
    ///   engine                  = "postgres"
    ///   instance_class          = "db.t4g.medium"
    ///   backup_retention_period = 35
    /// }
    ///
    /// resource "aws_dynamodb_table" "sessions" {
    ///   name     = "sessions"
    ///   hash_key = "id"
    ///   point_in_time_recovery {
    ///     enabled = true
    ///   }
    /// }
    /// ```
    /// ```yaml passes path=deploy/backup.yaml
    /// apiVersion: batch/v1
    /// kind: CronJob
    /// metadata:
    ///   name: orders-db-backup
    /// spec:
    ///   schedule: "0 3 * * *"
    ///   jobTemplate:
    ///     spec:
    ///       template:
    ///         spec:
    ///           restartPolicy: OnFailure
    ///           containers:
    ///             - name: dump
    ///               image: postgres:16
    ///               command: ["sh", "-c", "pg_dump $DATABASE_URL | gzip > /backups/orders.sql.gz"]
    /// ```
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
    /// Seed 003, "Backups: automated backups configured"; seed 004, "Backup and restore"; AWS
    /// RDS documentation on the backup retention period (0 turns automated backups off); AWS
    /// Backup documentation on resource assignment by ARN and tags; Velero documentation on
    /// scheduled backups.
    pub struct AutomatedBackups {
        id: "DAT-001", slug: "automated-backups", category: Data, severity: Blocker,
        tiers: [Required, Required, Recommended], evidence: "T K D", effort: 6,
    }
}

const CLAIM: &str = "/claims/backups/automated";

/// Words in a CronJob's name, image, command or arguments that show it takes backups.
const BACKUP_WORDS: &[&str] = &[
    "pg_dump",
    "pg_basebackup",
    "pgbackrest",
    "wal-g",
    "mysqldump",
    "mariadb-dump",
    "mariabackup",
    "xtrabackup",
    "mongodump",
    "velero",
    "restic",
    "kopia",
    "backup",
];

impl Evaluate for AutomatedBackups {
    fn evaluate(&self, cx: &CheckContext<'_>) -> Outcome {
        if let Some(na) = no_durable_data(cx) {
            return na;
        }
        let claimed = cx
            .manifest
            .claims
            .backups
            .as_ref()
            .and_then(|b| b.automated);
        let mut shown = Tally::default();
        terraform(&cx.evidence.terraform, &mut shown);
        kubernetes(cx, &mut shown);
        if claimed == Some(true) {
            shown.failures = shown
                .failures
                .into_iter()
                .map(|f| contradicts(cx, f, CLAIM, "true"))
                .collect();
        }
        let claim = FlagClaim {
            value: claimed,
            pointer: CLAIM,
            holds: "datastores are backed up automatically",
            lacking: "automated backups",
        }
        .side(cx);
        settle(cx, "T K", vec![(shown, claim)])
    }
}

fn covered_by_backup(tf: &Terraform, r: &Resource) -> Option<Finding> {
    let selection = backup_selections_covering(tf, r).next()?;
    let plan = backup_plan_of(tf, selection)
        .map_or_else(|| "its backup plan".to_string(), Resource::address);
    Some(
        Finding::new(format!(
            "{} is backed up by AWS Backup ({} selects it for {plan})",
            r.address(),
            selection.address()
        ))
        .at(Some(selection.loc.location()))
        .resource(r.address()),
    )
}

fn terraform(tf: &Terraform, shown: &mut Tally) {
    for db in tf_databases(tf).filter(|r| !tf_is_replica(r)) {
        let covered = covered_by_backup(tf, db);
        match field_int(&db.body, "backup_retention_period") {
            TfField::Known(days, a) if days > 0 => shown.evidence.push(
                Finding::new(format!(
                    "{} keeps automated backups for {days} days (`backup_retention_period = {days}`)",
                    db.address()
                ))
                .at(Some(a.loc.location())).related(tf_origin(a))
                .resource(db.address()),
            ),
            _ if covered.is_some() => shown.evidence.extend(covered),
            TfField::Known(_, a) => shown.failures.push(
                Finding::new(format!(
                    "{} turns automated backups off (`backup_retention_period = 0`) and no AWS Backup selection covers it",
                    db.address()
                ))
                .at(Some(a.loc.location())).related(tf_origin(a))
                .resource(db.address()),
            ),
            TfField::Absent if tf_is_cluster(db) => shown.evidence.push(
                Finding::new(format!(
                    "{} keeps automated backups: a cluster's backups cannot be turned off (1 day when `backup_retention_period` is not written)",
                    db.address()
                ))
                .at(Some(db.loc.location()))
                .resource(db.address()),
            ),
            TfField::Absent => shown.unknowns.push(
                Finding::new(format!(
                    "{} does not write `backup_retention_period`; its default depends on how the instance is created (1 day through the API, 0 for a replica), so the repository does not show automated backups: write it explicitly",
                    db.address()
                ))
                .at(Some(db.loc.location()))
                .resource(db.address()),
            ),
            TfField::Unresolved(a) => {
                shown
                    .unknowns
                    .push(tf_unresolved(db, a, "automated backups"));
            }
        }
    }
    for table in tf.resources_of("aws_dynamodb_table") {
        let covered = covered_by_backup(tf, table);
        let pitr = table
            .body
            .block("point_in_time_recovery")
            .map(|b| (b, field_bool(&b.body, "enabled")));
        match pitr {
            Some((_, TfField::Known(true, a))) => shown.evidence.push(
                Finding::new(format!(
                    "{} keeps continuous backups (point-in-time recovery enabled)",
                    table.address()
                ))
                .at(Some(a.loc.location())).related(tf_origin(a))
                .resource(table.address()),
            ),
            _ if covered.is_some() => shown.evidence.extend(covered),
            Some((_, TfField::Unresolved(a))) => shown
                .unknowns
                .push(tf_unresolved(table, a, "point-in-time recovery")),
            Some((_, TfField::Known(false, a))) => shown.failures.push(
                Finding::new(format!(
                    "{} disables point-in-time recovery and no AWS Backup selection covers it: the table is not backed up",
                    table.address()
                ))
                .at(Some(a.loc.location())).related(tf_origin(a))
                .resource(table.address()),
            ),
            Some((b, _)) => shown.failures.push(
                Finding::new(format!(
                    "the `point_in_time_recovery` block of {} does not set `enabled = true` (the default is off) and no AWS Backup selection covers the table: it is not backed up",
                    table.address()
                ))
                .at(Some(b.loc.location()))
                .resource(table.address()),
            ),
            None => shown.failures.push(
                Finding::new(format!(
                    "{} has no `point_in_time_recovery {{ enabled = true }}` and no AWS Backup selection covers it: the table is not backed up",
                    table.address()
                ))
                .at(Some(table.loc.location()))
                .resource(table.address()),
            ),
        }
    }
    // Selections that cover no datastore declared here back up resources named by ARN or tag
    // elsewhere: still an automated backup of the service's data.
    for selection in tf.resources_of("aws_backup_selection") {
        let covers_here = tf_databases(tf)
            .chain(tf.resources_of("aws_dynamodb_table"))
            .any(|r| backup_selections_covering(tf, r).any(|s| std::ptr::eq(s, selection)));
        if covers_here {
            continue;
        }
        let plan = backup_plan_of(tf, selection)
            .map_or_else(|| "a backup plan".to_string(), Resource::address);
        shown.evidence.push(
            Finding::new(format!(
                "{} assigns resources to {plan}: AWS Backup takes scheduled backups of them",
                selection.address()
            ))
            .at(Some(selection.loc.location()))
            .resource(selection.address()),
        );
    }
}

/// Why a CronJob looks like a backup job, if it does.
fn backup_job(w: &Workload) -> Option<String> {
    if w.kind != WorkloadKind::CronJob {
        return None;
    }
    if w.name.to_ascii_lowercase().contains("backup") {
        return Some("its name says so".to_string());
    }
    w.containers().find_map(|c| {
        let mut text = c.command.join(" ");
        text.push(' ');
        text.push_str(&c.args.join(" "));
        text.push(' ');
        text.push_str(c.image.as_ref().map_or("", |i| i.value.as_str()));
        let text = text.to_ascii_lowercase();
        BACKUP_WORDS
            .iter()
            .find(|w| text.contains(*w))
            .map(|word| format!("container {} runs `{word}`", c.name))
    })
}

fn kubernetes(cx: &CheckContext<'_>, shown: &mut Tally) {
    let k = &cx.evidence.kubernetes;
    for w in &k.workloads {
        let Some(why) = backup_job(w) else {
            continue;
        };
        match &w.suspend {
            Some(s) if s.value => shown.failures.push(
                Finding::new(format!(
                    "{} is a backup job ({why}) but it is suspended (`suspend: true`): it takes no backups",
                    w.resource()
                ))
                .at(Some(s.loc.location()))
                .resource(w.resource()),
            ),
            _ => shown.evidence.push(
                Finding::new(format!(
                    "{} takes scheduled backups ({why}){}",
                    w.resource(),
                    w.schedule
                        .as_ref()
                        .map_or(String::new(), |s| format!(" on `{}`", s.value))
                ))
                .at(Some(w.schedule.as_ref().map_or(&w.loc, |s| &s.loc).location()))
                .resource(w.resource()),
            ),
        }
    }
    for s in &k.velero_schedules {
        match &s.paused {
            Some(p) if p.value => shown.failures.push(
                Finding::new(format!(
                    "{} is a Velero backup schedule but it is paused (`paused: true`): it takes no backups",
                    s.resource()
                ))
                .at(Some(p.loc.location()))
                .resource(s.resource()),
            ),
            _ => shown.evidence.push(
                Finding::new(format!(
                    "{} takes scheduled Velero backups{}",
                    s.resource(),
                    s.schedule
                        .as_ref()
                        .map_or(String::new(), |c| format!(" on `{}`", c.value))
                ))
                .at(Some(s.schedule.as_ref().map_or(&s.loc, |c| &c.loc).location()))
                .resource(s.resource()),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use launchgate_core::Basis;

    use crate::fixture::{basis, contradicts};

    #[test]
    fn repository_evidence_proves_and_a_claim_alone_attests() {
        for case in [
            "pass_rds_retention",
            "pass_claim_proven",
            "pass_backup_cronjob",
        ] {
            assert_eq!(basis("DAT-001", case), Some(Basis::Proven), "{case}");
        }
        for case in ["pass_automated", "pass_claim_covers_unset_retention"] {
            assert_eq!(basis("DAT-001", case), Some(Basis::Attested), "{case}");
        }
    }

    #[test]
    fn a_contradicted_claim_names_both_places() {
        assert!(contradicts(
            "DAT-001",
            "fail_claim_contradicted",
            "claims.backups.automated"
        ));
    }
}
