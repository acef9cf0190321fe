//! OPS-005 log-retention: Logs expire.

use launchgate_core::{Finding, Outcome};
use launchgate_evidence::terraform::TfValue;

use crate::kit::finish::Tally;
use crate::kit::terraform::unknown_value;
use crate::{CheckContext, Evaluate, declare_check};

declare_check! {
    /// ## What it checks
    /// Logs expire: every `aws_cloudwatch_log_group` sets `retention_in_days` to a number of
    /// days. An absent value or `0` means the group is kept forever.
    ///
    /// A retention Terraform only knows at apply time (a variable without default) is never
    /// taken as set: the check is inconclusive. Without any log group the check is
    /// inconclusive too: retention configured elsewhere (Loki, Datadog, the logging
    /// platform) is not read yet.
    ///
    /// ## Why it matters
    /// Log groups without retention grow for ever: storage cost climbs every month, and logs
    /// that may hold personal data outlive every deletion promise the service makes. An
    /// explicit retention is also the decision someone made about how far back an incident
    /// can be investigated, instead of an accident of defaults.
    ///
    /// ## How to fix
    /// Set `retention_in_days` on every log group (CloudWatch accepts 1, 3, 5, 7, 14, 30,
    /// 60, 90, ... days), long enough to investigate incidents and meet audit needs (30 to
    /// 90 days is common), and no longer than the data policy allows. Archive to cheaper
    /// storage if something must be kept longer.
    ///
    /// ## Example
    /// ```hcl fails path=infra/logs.tf
    /// resource "aws_cloudwatch_log_group" "api" {
    ///   name = "/ecs/api"          # no retention_in_days: kept for ever
    /// }
    /// ```
    /// ```hcl passes path=infra/logs.tf
    /// resource "aws_cloudwatch_log_group" "api" {
    ///   name              = "/ecs/api"
    ///   retention_in_days = 30
    /// }
    /// ```
    ///
    /// ## References
    /// Seed 002, "Operations: log retention"; the Amazon CloudWatch Logs documentation on
    /// changing log data retention; the Terraform AWS provider's `aws_cloudwatch_log_group`
    /// resource (`0` means never expire).
    pub struct LogRetention {
        id: "OPS-005", slug: "log-retention", category: Operations, severity: Minor,
        tiers: [Required, Recommended, Skipped], evidence: "T K", effort: 1,
    }
}

const NOTHING_FOUND: &str = "no CloudWatch log groups (`aws_cloudwatch_log_group`) found in Terraform; retention set elsewhere (Loki, the logging platform) is not read yet";

impl Evaluate for LogRetention {
    fn evaluate(&self, cx: &CheckContext<'_>) -> Outcome {
        let tf = &cx.evidence.terraform;
        let mut failures = Vec::new();
        let mut unknown = Vec::new();
        let mut evidence = Vec::new();
        let mut groups = 0;
        for g in tf.resources_of("aws_cloudwatch_log_group") {
            groups += 1;
            let Some(attr) = g.attr("retention_in_days") else {
                failures.push(
                    Finding::new(format!(
                        "{} sets no retention_in_days: its logs never expire",
                        g.address()
                    ))
                    .at(Some(g.loc.location()))
                    .resource(g.address()),
                );
                continue;
            };
            match (&attr.value, attr.value.as_i64()) {
                (TfValue::Null, _) | (_, Some(0)) => failures.push(
                    Finding::new(format!(
                        "{} has retention_in_days = {}: its logs never expire",
                        g.address(),
                        if attr.value.is_null() { "null" } else { "0" }
                    ))
                    .at(Some(attr.loc.location()))
                    .resource(g.address()),
                ),
                (_, Some(days)) if days > 0 => evidence.push(
                    Finding::new(format!("{} keeps logs {days} days", g.address()))
                        .at(Some(attr.loc.location()))
                        .resource(g.address()),
                ),
                (v, _) if !v.is_known() => {
                    unknown.push(unknown_value(g, "retention_in_days", v, &attr.loc));
                }
                (v, _) => failures.push(
                    Finding::new(format!(
                        "{} has retention_in_days = {v}, which is not a number of days",
                        g.address()
                    ))
                    .at(Some(attr.loc.location()))
                    .resource(g.address()),
                ),
            }
        }
        // Only Terraform decides once log groups exist; without them the Kubernetes files
        // that could not be evaluated (a Helm chart may carry the Loki configuration) are
        // reported as well.
        let letters = if groups > 0 { "T" } else { "T K" };
        Tally::judged(failures, unknown, evidence).conclude(cx, letters, NOTHING_FOUND)
    }
}
