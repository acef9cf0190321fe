//! INC-003 escalation-policy: An escalation policy exists.

use launchgate_core::{Finding, Location, Outcome};
use launchgate_evidence::docs::classify;

use crate::kit::manifest::at;
use crate::{CheckContext, Evaluate, declare_check};

declare_check! {
    /// ## What it checks
    /// An escalation policy exists: `claims.escalation` has at least two levels, and every level
    /// after the first says after how many minutes without acknowledgement it is paged
    /// (`after_minutes`). Escalation policies kept as code in Terraform
    /// (`pagerduty_escalation_policy` rules, `opsgenie_escalation` rules) prove it, and one with
    /// a single level fails, also when the manifest declares more.
    ///
    /// An escalation policy written in the repository's documents proves it as well: a heading
    /// about escalation (`## Escalation policy`) whose section lists at least two levels in
    /// order (a numbered list, a table, items naming L1/L2/L3, primary/secondary/lead, or
    /// `L1 -> L2 -> lead`). A written section with a single step is not counted as a policy.
    ///
    /// ## Why it matters
    /// A page that the primary misses (asleep, on a train, out of battery) must reach someone
    /// else automatically, and soon. With a single level, a missed page is a silent outage; with
    /// levels but no timings, nobody knows when to give up waiting and call the next one.
    ///
    /// ## How to fix
    /// Configure the escalation policy in your paging tool (primary, then secondary, then the
    /// engineering lead) and declare it with the timeouts:
    /// `claims: {escalation: [{name: payments-primary}, {name: payments-secondary, after_minutes: 10},
    /// {name: payments-eng-lead, after_minutes: 30}]}`.
    ///
    /// ## Example
    /// ```yaml fails
    /// claims:
    ///   escalation:
    ///     - name: payments-primary   # and if the primary does not answer?
    /// ```
    /// ```yaml passes
    /// claims:
    ///   escalation:
    ///     - name: payments-primary
    ///     - name: payments-secondary
    ///       after_minutes: 10
    ///     - name: payments-eng-lead
    ///       after_minutes: 30
    /// ```
    /// ```markdown passes path=docs/oncall.md
    /// # Payments on-call
    ///
    /// ## Escalation policy
    ///
    /// L1 payments-oncall -> L2 payments-secondary (after 10 min) -> engineering lead (after 30 min)
    /// ```
    /// ```hcl fails path=infra/pagerduty.tf
    /// resource "pagerduty_escalation_policy" "payments" {
    ///   name = "payments"
    ///   rule {
    ///     escalation_delay_in_minutes = 10
    ///     target {
    ///       type = "schedule_reference"
    ///       id   = "PRIMARY"
    ///     }
    ///   }
    /// }
    /// ```
    /// ```hcl passes path=infra/pagerduty.tf
    /// resource "pagerduty_escalation_policy" "payments" {
    ///   name = "payments"
    ///   rule {
    ///     escalation_delay_in_minutes = 10
    ///     target {
    ///       type = "schedule_reference"
    ///       id   = "PRIMARY"
    ///     }
    ///   }
    ///   rule {
    ///     escalation_delay_in_minutes = 20
    ///     target {
    ///       type = "user_reference"
    ///       id   = "ENG_LEAD"
    ///     }
    ///   }
    /// }
    /// ```
    ///
    /// ## References
    /// Seed 003, "Incident response: escalation policy (L1 -> L2 -> lead)"; seed 004,
    /// "Escalation"; PagerDuty Incident Response documentation, "Escalation policies".
    pub struct EscalationPolicy {
        id: "INC-003", slug: "escalation-policy", category: Incident, severity: Major,
        tiers: [Required, Recommended, Skipped], evidence: "D T M", effort: 2,
    }
}

impl Evaluate for EscalationPolicy {
    fn evaluate(&self, cx: &CheckContext<'_>) -> Outcome {
        let steps = &cx.manifest.claims.escalation;
        // Escalation policies as code: each with its number of levels (rules).
        let tf = &cx.evidence.terraform;
        let policies: Vec<(String, usize, Option<Location>)> = tf
            .resources_of("pagerduty_escalation_policy")
            .map(|r| {
                (
                    r.address(),
                    r.body.blocks("rule").count(),
                    Some(r.loc.location()),
                )
            })
            .chain(tf.resources_of("opsgenie_escalation").map(|r| {
                (
                    r.address(),
                    r.body.blocks("rules").count(),
                    Some(r.loc.location()),
                )
            }))
            .collect();
        // Escalation policies written in the documents, with two levels or more.
        let written: Vec<Finding> = cx
            .evidence
            .docs
            .documents
            .iter()
            .filter_map(|d| classify::escalation_path(d).map(|p| (d, p)))
            .filter(|(_, p)| p.steps.len() >= 2)
            .map(|(d, p)| {
                let levels: Vec<&str> = p.steps.iter().map(|s| s.text.as_str()).collect();
                Finding::new(format!(
                    "{} writes an escalation policy of {} levels (`{}`): {}",
                    d.path,
                    levels.len(),
                    p.heading.text,
                    levels.join(" -> ")
                ))
                .at(Some(p.heading.loc.location()))
            })
            .collect();
        let mut findings = Vec::new();
        for (address, levels, loc) in &policies {
            if *levels < 2 {
                let mut f = Finding::new(format!(
                    "{address} has {levels} level{}: a missed page never reaches a second level",
                    if *levels == 1 { "" } else { "s" }
                ))
                .at(loc.clone())
                .resource(address.clone());
                if steps.len() >= 2 {
                    f = f.related(at(cx, "/claims/escalation"));
                    f.message = format!(
                        "{}; `claims.escalation` declares {} levels",
                        f.message,
                        steps.len()
                    );
                }
                findings.push(f);
            }
        }
        if !findings.is_empty() {
            return Outcome::fail(findings);
        }
        let proof: Vec<Finding> = policies
            .iter()
            .map(|(address, levels, loc)| {
                Finding::new(format!("{address} escalates through {levels} levels"))
                    .at(loc.clone())
                    .resource(address.clone())
            })
            .chain(written)
            .collect();
        if steps.is_empty() && !proof.is_empty() {
            return Outcome::proven(proof);
        }
        if steps.len() < 2 {
            let what = match steps.first() {
                None => "declares no levels".to_string(),
                Some(s) => format!("has only one level (`{}`)", s.name),
            };
            findings.push(
                Finding::new(format!(
                    "the escalation policy (`claims.escalation`) {what}: a missed page must escalate to at least a second level"
                ))
                .at(at(cx, "/claims/escalation")),
            );
        }
        for (i, s) in steps.iter().enumerate().skip(1) {
            if s.after_minutes.is_none() {
                findings.push(
                    Finding::new(format!(
                        "escalation level {} (`{}`) does not say when it is paged (`after_minutes` without acknowledgement)",
                        i + 1,
                        s.name
                    ))
                    .at(at(cx, &format!("/claims/escalation/{i}"))),
                );
            }
        }
        if !findings.is_empty() {
            return Outcome::fail(findings);
        }
        let chain: Vec<String> = steps
            .iter()
            .enumerate()
            .map(|(i, s)| match s.after_minutes {
                Some(m) if i > 0 => format!("`{}` after {m} min", s.name),
                _ => format!("`{}`", s.name),
            })
            .collect();
        let declared = Finding::new(format!(
            "{} escalation levels: {}",
            steps.len(),
            chain.join(" -> ")
        ))
        .at(at(cx, "/claims/escalation"));
        if proof.is_empty() {
            Outcome::attested(vec![declared])
        } else {
            Outcome::proven(std::iter::once(declared).chain(proof).collect())
        }
    }
}
