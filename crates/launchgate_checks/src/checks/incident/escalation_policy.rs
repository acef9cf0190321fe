use launchgate_core::{Finding, Outcome};

use crate::support::at;
use crate::{Check, CheckContext, CheckMeta, declare_check};

declare_check! {
    /// ## What it checks
    /// An escalation policy exists: `claims.escalation` has at least two levels, and every level
    /// after the first says after how many minutes without acknowledgement it is paged
    /// (`after_minutes`).
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
    ///
    /// ## References
    /// Seed 003, "Incident response: escalation policy (L1 -> L2 -> lead)"; seed 004,
    /// "Escalation"; PagerDuty Incident Response documentation, "Escalation policies".
    pub struct EscalationPolicy {
        id: "INC-003", slug: "escalation-policy", category: Incident, severity: Major,
        tiers: [Required, Recommended, Skipped], evidence: "D T M", effort: 2,
    }
}

impl Check for EscalationPolicy {
    fn meta(&self) -> &CheckMeta {
        &Self::META
    }

    fn evaluate(&self, cx: &CheckContext<'_>) -> Outcome {
        let steps = &cx.manifest.claims.escalation;
        let mut findings = Vec::new();
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
        Outcome::attested(vec![
            Finding::new(format!(
                "{} escalation levels: {}",
                steps.len(),
                chain.join(" -> ")
            ))
            .at(at(cx, "/claims/escalation")),
        ])
    }
}
