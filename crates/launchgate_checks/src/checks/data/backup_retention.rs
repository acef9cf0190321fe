//! DAT-002 backup-retention: Backups are kept at least the policy minimum (default 30 days,
//! `backup_retention_min_days`).

use std::fmt;

use launchgate_core::{Finding, Outcome};
use launchgate_evidence::Loc;
use launchgate_evidence::terraform::{Resource, Terraform};

use crate::kit::aws::{
    backup_plan_of, backup_selections_covering, tf_databases, tf_is_cluster, tf_is_replica,
};
use crate::kit::claims::{Claim, contradicts, settle};
use crate::kit::finish::Tally;
use crate::kit::manifest::{at, no_durable_data};
use crate::kit::terraform::{TfField, field_bool, field_int, tf_unresolved};
use crate::{CheckContext, Evaluate, declare_check};

declare_check! {
    /// ## What it checks
    /// Backups are kept at least the policy minimum (default 30 days,
    /// `backup_retention_min_days`). `claims.backups.retention_days` is compared with the
    /// repository. For each datastore in Terraform the longest retention that applies to it is
    /// compared: RDS `backup_retention_period` (clusters keep 1 day when it is not written),
    /// DynamoDB point-in-time recovery (35 days, or `recovery_period_in_days`), and the rules of
    /// every AWS Backup plan whose `aws_backup_selection` covers it (`lifecycle { delete_after }`
    /// in days; a rule without it keeps recovery points until they are deleted). Read replicas
    /// are skipped.
    ///
    /// A datastore kept shorter than the minimum fails at the value that sets it; one kept
    /// shorter than the claimed `retention_days` fails naming both places (the claim is a
    /// promise that every datastore keeps at least that long). Values that cannot be resolved
    /// (a variable without a default) make the check inconclusive unless the claim covers them.
    /// With no datastore or backup plan in the repository, the claim decides.
    ///
    /// ## Why it matters
    /// Corruption is often found late: a bug that writes bad rows on the 3rd is noticed on the
    /// 20th, when a 7-day retention has already rotated the last good copy away. Retention sets how
    /// far back you can go, so it has to be longer than the time it takes to notice a problem.
    ///
    /// ## How to fix
    /// Set the datastore's backup retention to at least the policy minimum (RDS
    /// `backup_retention_period` up to 35 days, an AWS Backup rule with `lifecycle {
    /// delete_after = 35 }` or longer, the CronJob's pruning) and declare it:
    /// `claims: {backups: {retention_days: 35}}`.
    ///
    /// ## Example
    /// ```hcl fails path=infra/db.tf
    /// resource "aws_db_instance" "main" {
    ///   engine                  = "postgres"
    ///   instance_class          = "db.t4g.medium"
    ///   backup_retention_period = 7   # the policy asks for at least 30
    /// }
    /// ```
    /// ```hcl passes path=infra/db.tf
    /// resource "aws_db_instance" "main" {
    ///   engine                  = "postgres"
    ///   instance_class          = "db.t4g.medium"
    ///   backup_retention_period = 35
    /// }
    /// ```
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
    /// retention (1 to 35 days); AWS Backup documentation on lifecycle rules.
    pub struct BackupRetention {
        id: "DAT-002", slug: "backup-retention", category: Data, severity: Major,
        tiers: [Required, Recommended, Skipped], evidence: "T D", effort: 2,
    }
}

const CLAIM: &str = "/claims/backups/retention_days";

/// How long one source keeps backups.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kept {
    Days(i64),
    /// An AWS Backup rule without `delete_after`.
    UntilDeleted,
}

impl Kept {
    fn at_least(self, days: i64) -> bool {
        match self {
            Kept::Days(d) => d >= days,
            Kept::UntilDeleted => true,
        }
    }
}

impl fmt::Display for Kept {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Kept::Days(1) => f.write_str("1 day"),
            Kept::Days(d) => write!(f, "{d} days"),
            Kept::UntilDeleted => f.write_str("until they are deleted"),
        }
    }
}

/// One retention that applies to a datastore, with where it is set.
struct Source {
    kept: Kept,
    what: String,
    loc: Loc,
}

/// The retentions that apply to one datastore.
#[derive(Default)]
struct Retention {
    sources: Vec<Source>,
    unknowns: Vec<Finding>,
}

impl Evaluate for BackupRetention {
    fn evaluate(&self, cx: &CheckContext<'_>) -> Outcome {
        if let Some(na) = no_durable_data(cx) {
            return na;
        }
        let min = cx.options.backup_retention_min_days;
        let claimed = cx
            .manifest
            .claims
            .backups
            .as_ref()
            .and_then(|b| b.retention_days);
        // A claim below the minimum is a declared gap; only a claim that meets the policy is
        // a promise the repository is held to.
        let promise = claimed.filter(|d| *d >= min);
        let tf = &cx.evidence.terraform;
        let mut shown = Tally::default();
        let datastores = tf_databases(tf)
            .filter(|r| !tf_is_replica(r))
            .chain(tf.resources_of("aws_dynamodb_table"));
        for r in datastores {
            let mut kept = own_retention(r);
            for s in backup_selections_covering(tf, r) {
                plan_retention(tf, s, &mut kept);
            }
            judge(cx, &r.address(), &r.loc, kept, min, promise, &mut shown);
        }
        for s in tf.resources_of("aws_backup_selection") {
            let covers_here = tf_databases(tf)
                .chain(tf.resources_of("aws_dynamodb_table"))
                .any(|r| backup_selections_covering(tf, r).any(|x| std::ptr::eq(x, s)));
            if !covers_here {
                let mut kept = Retention::default();
                plan_retention(tf, s, &mut kept);
                let name = format!("the resources {} selects", s.address());
                judge(cx, &name, &s.loc, kept, min, promise, &mut shown);
            }
        }

        let claim = match claimed {
            None => Claim::Missing(vec![
                Finding::new(format!(
                    "no backup retention is declared (`claims.backups.retention_days`); the policy asks for at least {min} days"
                ))
                .at(at(cx, CLAIM)),
            ]),
            Some(days) if days < min => Claim::Denied(vec![
                Finding::new(format!(
                    "backups are kept {days} days, less than the policy minimum of {min} days"
                ))
                .at(at(cx, CLAIM)),
            ]),
            Some(days) => Claim::Holds(vec![
                Finding::new(format!(
                    "backups are kept {days} days (policy: at least {min} days)"
                ))
                .at(at(cx, CLAIM)),
            ]),
        };
        settle(cx, "T", vec![(shown, claim)])
    }
}

/// The datastore's own retention: RDS automated backups or DynamoDB point-in-time recovery.
fn own_retention(r: &Resource) -> Retention {
    let mut out = Retention::default();
    if r.rtype == "aws_dynamodb_table" {
        let Some(pitr) = r.body.block("point_in_time_recovery") else {
            return out;
        };
        match field_bool(&pitr.body, "enabled") {
            TfField::Known(true, a) => match field_int(&pitr.body, "recovery_period_in_days") {
                TfField::Known(days, p) => out.sources.push(Source {
                    kept: Kept::Days(days),
                    what: format!("point-in-time recovery, `recovery_period_in_days = {days}`"),
                    loc: p.loc.clone(),
                }),
                TfField::Absent => out.sources.push(Source {
                    kept: Kept::Days(35),
                    what: "point-in-time recovery keeps 35 days".to_string(),
                    loc: a.loc.clone(),
                }),
                TfField::Unresolved(p) => {
                    out.unknowns
                        .push(tf_unresolved(r, p, "the point-in-time recovery window"));
                }
            },
            TfField::Unresolved(a) => {
                out.unknowns
                    .push(tf_unresolved(r, a, "point-in-time recovery"));
            }
            _ => {}
        }
        return out;
    }
    match field_int(&r.body, "backup_retention_period") {
        TfField::Known(days, a) => out.sources.push(Source {
            kept: Kept::Days(days),
            what: format!("`backup_retention_period = {days}`"),
            loc: a.loc.clone(),
        }),
        TfField::Absent if tf_is_cluster(r) => out.sources.push(Source {
            kept: Kept::Days(1),
            what: "the default of 1 day, `backup_retention_period` is not written".to_string(),
            loc: r.loc.clone(),
        }),
        TfField::Absent => out.unknowns.push(
            Finding::new(format!(
                "{} does not write `backup_retention_period`; its default depends on how the instance is created, so the repository does not show how long backups are kept: write it explicitly",
                r.address()
            ))
            .at(Some(r.loc.location()))
            .resource(r.address()),
        ),
        TfField::Unresolved(a) => out
            .unknowns
            .push(tf_unresolved(r, a, "the backup retention")),
    }
    out
}

/// The retentions of the backup plan an AWS Backup selection belongs to: one per rule.
fn plan_retention(tf: &Terraform, selection: &Resource, out: &mut Retention) {
    let Some(plan) = backup_plan_of(tf, selection) else {
        let loc = selection.attr("plan_id").map_or(&selection.loc, |a| &a.loc);
        out.unknowns.push(
            Finding::new(format!(
                "the backup plan of {} is not declared in the repository, so its retention cannot be verified",
                selection.address()
            ))
            .at(Some(loc.location()))
            .resource(selection.address()),
        );
        return;
    };
    for rule in plan.body.blocks("rule") {
        let name = rule
            .body
            .value("rule_name")
            .and_then(|v| v.as_str())
            .unwrap_or("a rule");
        let delete_after = rule
            .body
            .block("lifecycle")
            .map_or(TfField::Absent, |l| field_int(&l.body, "delete_after"));
        match delete_after {
            TfField::Known(days, a) => out.sources.push(Source {
                kept: Kept::Days(days),
                what: format!("{} rule `{name}`, `delete_after = {days}`", plan.address()),
                loc: a.loc.clone(),
            }),
            TfField::Absent => out.sources.push(Source {
                kept: Kept::UntilDeleted,
                what: format!(
                    "{} rule `{name}` has no `lifecycle {{ delete_after }}`",
                    plan.address()
                ),
                loc: rule.loc.clone(),
            }),
            TfField::Unresolved(a) => {
                out.unknowns
                    .push(tf_unresolved(plan, a, "the backup plan's retention"));
            }
        }
    }
}

/// Compares the longest retention of one datastore with the policy and the claim.
fn judge(
    cx: &CheckContext<'_>,
    name: &str,
    loc: &Loc,
    kept: Retention,
    min: u32,
    promise: Option<u32>,
    shown: &mut Tally,
) {
    let best = kept.sources.iter().max_by_key(|s| s.kept);
    let meets = |days: u32| best.is_some_and(|b| b.kept.at_least(i64::from(days)));
    let meets_policy = meets(min);
    let meets_claim = promise.is_none_or(meets);
    if meets_policy && meets_claim {
        if let Some(b) = best {
            shown.evidence.push(
                Finding::new(format!(
                    "{name} keeps backups {} ({}; policy: at least {min} days)",
                    b.kept, b.what
                ))
                .at(Some(b.loc.location()))
                .resource(name),
            );
        }
        return;
    }
    // A source that cannot be read might be the longer one.
    if !kept.unknowns.is_empty() {
        shown.unknowns.extend(kept.unknowns);
        return;
    }
    let (message, at_loc) = match best {
        None => (
            format!(
                "{name} keeps no backups at all, so nothing can be restored; the policy asks for at least {min} days"
            ),
            loc,
        ),
        Some(b) if b.kept == Kept::Days(0) => (
            format!(
                "{name} keeps no automated backups ({}); the policy asks for at least {min} days",
                b.what
            ),
            &b.loc,
        ),
        Some(b) if !meets_policy => (
            format!(
                "{name} keeps backups {} ({}), less than the policy minimum of {min} days",
                b.kept, b.what
            ),
            &b.loc,
        ),
        Some(b) => (
            format!("{name} keeps backups {} ({})", b.kept, b.what),
            &b.loc,
        ),
    };
    let mut f = Finding::new(message)
        .at(Some(at_loc.location()))
        .resource(name);
    if let Some(days) = promise.filter(|d| !meets(*d)) {
        f = contradicts(cx, f, CLAIM, &days.to_string());
    }
    shown.failures.push(f);
}

#[cfg(test)]
mod tests {
    use launchgate_core::Basis;

    use crate::fixture::{basis, contradicts};

    #[test]
    fn repository_evidence_proves_and_a_claim_alone_attests() {
        for case in [
            "pass_rds_meets_minimum",
            "pass_claim_proven",
            "pass_backup_plan_longer",
        ] {
            assert_eq!(basis("DAT-002", case), Some(Basis::Proven), "{case}");
        }
        for case in ["pass_meets_minimum", "pass_policy_lowered"] {
            assert_eq!(basis("DAT-002", case), Some(Basis::Attested), "{case}");
        }
    }

    #[test]
    fn a_contradicted_claim_names_both_places() {
        assert!(contradicts(
            "DAT-002",
            "fail_claim_contradicted",
            "claims.backups.retention_days"
        ));
    }
}
