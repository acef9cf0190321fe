//! DAT-006 deletion-protection: The databases declared in Terraform cannot be deleted by accident.

use launchgate_core::{Finding, Outcome};
use launchgate_evidence::terraform::Resource;

use crate::kit::aws::{tf_databases, tf_is_replica};
use crate::kit::claims::{Claim, settle};
use crate::kit::finish::Tally;
use crate::kit::manifest::no_durable_data;
use crate::kit::terraform::{TfField, field_bool, tf_origin, tf_prevent_destroy, tf_unresolved};
use crate::{CheckContext, Evaluate, declare_check};

declare_check! {
    /// ## What it checks
    /// The databases declared in Terraform cannot be deleted by accident. Each RDS instance and
    /// Aurora, DocumentDB or Neptune cluster needs `deletion_protection = true` or
    /// `lifecycle { prevent_destroy = true }`, and must not set `skip_final_snapshot = true`;
    /// each DynamoDB table needs `deletion_protection_enabled = true` or `prevent_destroy`. Read
    /// replicas are skipped: deleting one loses no data.
    ///
    /// A database without either guard fails at `deletion_protection = false` or at the
    /// resource; `skip_final_snapshot = true` fails at that value. Values that cannot be
    /// resolved make the check inconclusive. When the repository declares no database or table
    /// the check is inconclusive: it reads no claim, so point it at the repository that declares
    /// the datastores. It is skipped for services that keep no durable data.
    ///
    /// ## Why it matters
    /// A renamed resource, a moved module or a `terraform destroy` in the wrong workspace plans
    /// the deletion of a production database as calmly as any other change, and a reviewer
    /// skimming a long plan approves it. Deletion protection makes the API refuse;
    /// `prevent_destroy` makes Terraform refuse to plan it; a final snapshot is the last copy if
    /// both were lifted.
    ///
    /// ## How to fix
    /// Set `deletion_protection = true` on every production database (and
    /// `deletion_protection_enabled = true` on DynamoDB tables), keep `skip_final_snapshot`
    /// unset or `false` with a `final_snapshot_identifier`, and add
    /// `lifecycle { prevent_destroy = true }` where Terraform itself should refuse.
    ///
    /// ## Example
    /// ```hcl fails path=infra/db.tf
    /// resource "aws_db_instance" "main" {
    ///   engine              = "postgres"
    ///   instance_class      = "db.t4g.medium"
    ///   deletion_protection = false
    ///   skip_final_snapshot = true
    /// }
    /// ```
    /// ```hcl passes path=infra/db.tf
    /// resource "aws_db_instance" "main" {
    ///   engine                    = "postgres"
    ///   instance_class            = "db.t4g.medium"
    ///   deletion_protection       = true
    ///   final_snapshot_identifier = "orders-final"
    /// }
    ///
    /// resource "aws_dynamodb_table" "carts" {
    ///   name     = "carts"
    ///   hash_key = "id"
    ///   lifecycle {
    ///     prevent_destroy = true
    ///   }
    /// }
    /// ```
    ///
    /// ## References
    /// Seed 003, "Data: protection against accidental deletion"; AWS RDS documentation on
    /// deletion protection and final snapshots; DynamoDB documentation on deletion protection;
    /// Terraform documentation on the `prevent_destroy` lifecycle argument.
    pub struct DeletionProtection {
        id: "DAT-006", slug: "deletion-protection", category: Data, severity: Major,
        tiers: [Required, Recommended, Skipped], evidence: "T", effort: 2,
    }
}

const NOTHING_FOUND: &str = "no databases (aws_db_instance, aws_rds_cluster, aws_docdb_cluster, aws_neptune_cluster) or DynamoDB tables were found in Terraform; point launchgate at the repository that declares the service's datastores";

impl Evaluate for DeletionProtection {
    fn evaluate(&self, cx: &CheckContext<'_>) -> Outcome {
        if let Some(na) = no_durable_data(cx) {
            return na;
        }
        let tf = &cx.evidence.terraform;
        let mut shown = Tally::default();
        for db in tf_databases(tf).filter(|r| !tf_is_replica(r)) {
            guard(db, "deletion_protection", &mut shown);
            if let TfField::Known(true, a) = field_bool(&db.body, "skip_final_snapshot") {
                shown.failures.push(
                    Finding::new(format!(
                        "{} skips the final snapshot (`skip_final_snapshot = true`): once it is deleted or replaced, nothing of its data is left",
                        db.address()
                    ))
                    .at(Some(a.loc.location())).related(tf_origin(a))
                    .resource(db.address()),
                );
            }
        }
        for table in tf.resources_of("aws_dynamodb_table") {
            guard(table, "deletion_protection_enabled", &mut shown);
        }
        settle(
            cx,
            "T",
            vec![(shown, Claim::Unread(NOTHING_FOUND.to_string()))],
        )
    }
}

/// Judges one datastore's guard against deletion: the API's protection flag `flag`, or
/// Terraform's `prevent_destroy`.
fn guard(r: &Resource, flag: &str, shown: &mut Tally) {
    let name = r.address();
    let protection = field_bool(&r.body, flag);
    let prevent = tf_prevent_destroy(r);
    let mut guards = Vec::new();
    if let TfField::Known(true, a) = protection {
        guards.push((format!("`{flag} = true`"), &a.loc));
    }
    if let TfField::Known(true, a) = prevent {
        guards.push(("`lifecycle { prevent_destroy = true }`".to_string(), &a.loc));
    }
    if let Some((_, loc)) = guards.first() {
        let how: Vec<&str> = guards.iter().map(|(h, _)| h.as_str()).collect();
        shown.evidence.push(
            Finding::new(format!(
                "{name} is protected against deletion: {}",
                how.join(" and ")
            ))
            .at(Some(loc.location()))
            .resource(name),
        );
        return;
    }
    let mut open = false;
    for field in [protection, prevent] {
        if let TfField::Unresolved(a) = field {
            shown
                .unknowns
                .push(tf_unresolved(r, a, "protection against deletion"));
            open = true;
        }
    }
    if open {
        return;
    }
    let finding = match protection {
        TfField::Known(_, a) => Finding::new(format!(
            "{name} can be deleted by accident: `{flag} = false` and no `lifecycle {{ prevent_destroy = true }}`"
        ))
        .at(Some(a.loc.location())).related(tf_origin(a)),
        _ => Finding::new(format!(
            "{name} can be deleted by accident: it sets neither `{flag} = true` (off by default) nor `lifecycle {{ prevent_destroy = true }}`"
        ))
        .at(Some(r.loc.location())),
    };
    shown.failures.push(finding.resource(name));
}

#[cfg(test)]
mod tests {
    use launchgate_core::{Basis, Outcome};

    use crate::fixture::{basis, run};

    #[test]
    fn protected_datastores_are_proven_and_an_empty_repository_is_inconclusive() {
        assert_eq!(basis("DAT-006", "pass_protected"), Some(Basis::Proven));
        let Outcome::Inconclusive { reason, .. } = run("DAT-006", "inconclusive_no_datastores")
        else {
            panic!("expected inconclusive");
        };
        assert!(reason.contains("no databases"), "{reason}");
    }
}
