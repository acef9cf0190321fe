use launchgate_core::{Finding, Outcome};

use crate::support::at;
use crate::{Check, CheckContext, CheckMeta, declare_check};

declare_check! {
    /// ## What it checks
    /// The escalation path is written down: `claims.escalation` lists who to escalate to, in
    /// order, and every step has a `contact` saying how to reach them.
    ///
    /// ## Why it matters
    /// When the primary cannot fix it alone, the next question is "who do I call, and how?".
    /// A name without a pager, phone number or channel is no answer at 3am, and an escalation
    /// path that lives only in someone's head leaves with them.
    ///
    /// ## How to fix
    /// List the steps in the order they are used, each with a way to reach them:
    /// `claims: {escalation: [{name: payments-oncall, contact: "pagerduty:payments-primary"},
    /// {name: payments-eng-lead, contact: "+44 20 7946 0018"}]}`. Keep the list in the runbook
    /// in sync.
    ///
    /// ## Example
    /// ```yaml fails
    /// claims:
    ///   escalation:
    ///     - name: payments-oncall
    ///       contact: pagerduty:payments-primary
    ///     - name: payments-eng-lead   # how is the lead reached?
    /// ```
    /// ```yaml passes
    /// claims:
    ///   escalation:
    ///     - name: payments-oncall
    ///       contact: pagerduty:payments-primary
    ///     - name: payments-eng-lead
    ///       contact: slack:#payments-incidents
    /// ```
    ///
    /// ## References
    /// Seed 003, "Runbooks: escalation path"; PagerDuty Incident Response documentation,
    /// "Escalation policies"; Google SRE book, "Managing Incidents".
    pub struct EscalationPath {
        id: "RUN-005", slug: "escalation-path", category: Runbooks, severity: Major,
        tiers: [Required, Required, Skipped], evidence: "M D O", effort: 2,
    }
}

impl Check for EscalationPath {
    fn meta(&self) -> &CheckMeta {
        &Self::META
    }

    fn evaluate(&self, cx: &CheckContext<'_>) -> Outcome {
        let steps = &cx.manifest.claims.escalation;
        if steps.is_empty() {
            return Outcome::fail(vec![
                Finding::new(
                    "no escalation path is declared (`claims.escalation`: who to escalate to, in order, and how to reach them)",
                )
                .at(at(cx, "/claims/escalation")),
            ]);
        }
        let mut findings = Vec::new();
        let mut path = Vec::new();
        for (i, s) in steps.iter().enumerate() {
            match s.contact.as_deref().filter(|c| !c.trim().is_empty()) {
                Some(c) => path.push(format!("{}. `{}` via `{c}`", i + 1, s.name)),
                None => findings.push(
                    Finding::new(format!(
                        "escalation step {} of {} (`{}`) has no `contact`: nothing says how to reach them",
                        i + 1,
                        steps.len(),
                        s.name
                    ))
                    .at(at(cx, &format!("/claims/escalation/{i}"))),
                ),
            }
        }
        if findings.is_empty() {
            Outcome::attested(vec![
                Finding::new(format!("escalation path: {}", path.join(", ")))
                    .at(at(cx, "/claims/escalation")),
            ])
        } else {
            Outcome::fail(findings)
        }
    }
}
