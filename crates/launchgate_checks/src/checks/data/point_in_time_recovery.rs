//! DAT-004 point-in-time-recovery: Point-in-time recovery is enabled for the service's datastores.

use launchgate_core::{Finding, Outcome};

use crate::kit::aws::{tf_databases, tf_is_cluster, tf_is_replica};
use crate::kit::claims::{FlagClaim, contradicts, settle};
use crate::kit::finish::Tally;
use crate::kit::manifest::no_durable_data;
use crate::kit::terraform::{TfField, field_bool, field_int, tf_origin, tf_unresolved};
use crate::{CheckContext, Evaluate, declare_check};

declare_check! {
    /// ## What it checks
    /// Point-in-time recovery is enabled for the service's datastores.
    /// `claims.backups.point_in_time_recovery` is compared with the repository. In Terraform, RDS and
    /// Aurora (and DocumentDB and Neptune) restore to any second within their automated backup
    /// window, so point-in-time recovery is implied by `backup_retention_period` above 0
    /// (clusters always keep at least 1 day); `backup_retention_period = 0` turns it off. A
    /// DynamoDB table needs `point_in_time_recovery { enabled = true }`; without it the table has
    /// none. Read replicas are skipped: recovery is the source's.
    ///
    /// A datastore without point-in-time recovery fails at the value or the resource, naming
    /// the claim too when it says `true`. An `aws_db_instance` that does not write
    /// `backup_retention_period` is inconclusive (its default depends on how it is created)
    /// unless the claim covers it. With no datastore in the repository, the claim decides.
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
    /// ```hcl fails path=infra/tables.tf
    /// resource "aws_dynamodb_table" "orders" {
    ///   name         = "orders"
    ///   billing_mode = "PAY_PER_REQUEST"
    ///   hash_key     = "id"
    ///   # no point_in_time_recovery block: the table cannot be restored to a moment
    /// }
    /// ```
    /// ```hcl passes path=infra/tables.tf
    /// resource "aws_dynamodb_table" "orders" {
    ///   name         = "orders"
    ///   billing_mode = "PAY_PER_REQUEST"
    ///   hash_key     = "id"
    ///   point_in_time_recovery {
    ///     enabled = true
    ///   }
    /// }
    /// ```
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

const CLAIM: &str = "/claims/backups/point_in_time_recovery";

impl Evaluate for PointInTimeRecovery {
    fn evaluate(&self, cx: &CheckContext<'_>) -> Outcome {
        if let Some(na) = no_durable_data(cx) {
            return na;
        }
        let claimed = cx
            .manifest
            .claims
            .backups
            .as_ref()
            .and_then(|b| b.point_in_time_recovery);
        let tf = &cx.evidence.terraform;
        let mut shown = Tally::default();
        for db in tf_databases(tf).filter(|r| !tf_is_replica(r)) {
            let name = db.address();
            match field_int(&db.body, "backup_retention_period") {
                TfField::Known(days, a) if days > 0 => shown.evidence.push(
                    Finding::new(format!(
                        "{name} can be restored to any point in the last {days} days: automated backups (`backup_retention_period = {days}`) give point-in-time recovery"
                    ))
                    .at(Some(a.loc.location())).related(tf_origin(a))
                    .resource(name),
                ),
                TfField::Known(_, a) => shown.failures.push(
                    Finding::new(format!(
                        "{name} turns automated backups off (`backup_retention_period = 0`), and with them point-in-time recovery"
                    ))
                    .at(Some(a.loc.location())).related(tf_origin(a))
                    .resource(name),
                ),
                TfField::Absent if tf_is_cluster(db) => shown.evidence.push(
                    Finding::new(format!(
                        "{name} can be restored to any point in its backup window: a cluster always keeps automated backups (1 day when `backup_retention_period` is not written)"
                    ))
                    .at(Some(db.loc.location()))
                    .resource(name),
                ),
                TfField::Absent => shown.unknowns.push(
                    Finding::new(format!(
                        "{name} does not write `backup_retention_period`; its default depends on how the instance is created, so the repository does not show point-in-time recovery: write it explicitly"
                    ))
                    .at(Some(db.loc.location()))
                    .resource(name),
                ),
                TfField::Unresolved(a) => shown
                    .unknowns
                    .push(tf_unresolved(db, a, "point-in-time recovery")),
            }
        }
        for table in tf.resources_of("aws_dynamodb_table") {
            let name = table.address();
            let block = table.body.block("point_in_time_recovery");
            match block.map(|b| (b, field_bool(&b.body, "enabled"))) {
                Some((_, TfField::Known(true, a))) => shown.evidence.push(
                    Finding::new(format!("{name} has point-in-time recovery enabled"))
                        .at(Some(a.loc.location())).related(tf_origin(a))
                        .resource(name),
                ),
                Some((_, TfField::Known(false, a))) => shown.failures.push(
                    Finding::new(format!(
                        "{name} disables point-in-time recovery (`enabled = false`)"
                    ))
                    .at(Some(a.loc.location())).related(tf_origin(a))
                    .resource(name),
                ),
                Some((_, TfField::Unresolved(a))) => shown
                    .unknowns
                    .push(tf_unresolved(table, a, "point-in-time recovery")),
                Some((b, TfField::Absent)) => shown.failures.push(
                    Finding::new(format!(
                        "the `point_in_time_recovery` block of {name} does not set `enabled = true`, and it is off by default"
                    ))
                    .at(Some(b.loc.location()))
                    .resource(name),
                ),
                None => shown.failures.push(
                    Finding::new(format!(
                        "{name} has no `point_in_time_recovery {{ enabled = true }}`: DynamoDB keeps no continuous backups unless it is turned on"
                    ))
                    .at(Some(table.loc.location()))
                    .resource(name),
                ),
            }
        }
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
            holds: "point-in-time recovery is enabled",
            lacking: "point-in-time recovery",
        }
        .side(cx);
        settle(cx, "T", vec![(shown, claim)])
    }
}

#[cfg(test)]
mod tests {
    use launchgate_core::Basis;

    use crate::fixture::{basis, contradicts};

    #[test]
    fn repository_evidence_proves_and_a_claim_alone_attests() {
        for case in ["pass_retention_implies_pitr", "pass_claim_proven"] {
            assert_eq!(basis("DAT-004", case), Some(Basis::Proven), "{case}");
        }
        assert_eq!(basis("DAT-004", "pass_enabled"), Some(Basis::Attested));
    }

    #[test]
    fn a_contradicted_claim_names_both_places() {
        assert!(contradicts(
            "DAT-004",
            "fail_claim_contradicted",
            "claims.backups.point_in_time_recovery"
        ));
    }
}
