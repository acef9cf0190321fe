//! INC-005 incident-process: The repository holds an incident response plan with severity levels
//! and a post-incident review template.

use launchgate_core::{Finding, Outcome};
use launchgate_evidence::docs::classify;

use crate::kit::finish::{NOT_SCANNED, conclude, in_report_order};
use crate::kit::manifest::at;
use crate::{CheckContext, Evaluate, declare_check};

declare_check! {
    /// ## What it checks
    /// The repository holds an incident response plan with severity levels and a
    /// post-incident review template. They are recognised as follows:
    ///
    /// - an **incident response plan**: a heading about incident response (incident response,
    ///   management, process, handling, severity...) in a document that defines at least two
    ///   severity levels (`SEV1`/`SEV-1`/`Sev 1`, `P1`, `Severity 1`...);
    /// - a **post-incident review template** (or a filled-in review): a document named or
    ///   titled postmortem, post-mortem, post-incident review, incident review, incident report
    ///   or retrospective, with headings for the timeline, the root cause (or contributing
    ///   factors) and the action items (or follow-ups).
    ///
    /// The finding says which one is missing, or which template sections are.
    ///
    /// ## Why it matters
    /// An incident is the wrong time to agree on what "SEV-1" means, who declares it and who
    /// must be told. Severity levels decided in advance set how fast people respond and whom
    /// they wake up. A review template makes every incident end the same way: with a timeline,
    /// the causes and owned action items, so the same outage does not happen twice.
    ///
    /// ## How to fix
    /// Write `docs/incident-response.md` with the severity levels (what each means, how fast
    /// to respond, whom to notify) and the steps (detect, triage, communicate, resolve,
    /// review), and `docs/postmortem-template.md` with `## Summary`, `## Impact`,
    /// `## Timeline`, `## Root cause` and `## Action items`. A company-wide process can be
    /// linked from both.
    ///
    /// ## Example
    /// ```markdown fails path=docs/incident-response.md
    /// # Incident response
    ///
    /// ## Severity levels
    ///
    /// | Level | Meaning | Respond within |
    /// |---|---|---|
    /// | SEV-1 | payments are down for everyone | 5 minutes |
    /// | SEV-2 | payments degraded or one region down | 15 minutes |
    /// | SEV-3 | a minor feature is broken | next business day |
    ///
    /// No review template is written yet.
    /// ```
    /// ```markdown passes path=docs/incident-response.md
    /// # Incident response
    ///
    /// ## Severity levels
    ///
    /// | Level | Meaning | Respond within |
    /// |---|---|---|
    /// | SEV-1 | payments are down for everyone | 5 minutes |
    /// | SEV-2 | payments degraded or one region down | 15 minutes |
    /// ```
    /// ```markdown with path=docs/postmortem-template.md
    /// # Post-incident review: TITLE
    ///
    /// ## Summary
    /// ## Timeline
    /// ## Root cause
    /// ## Action items
    /// ```
    ///
    /// ## References
    /// Seed 004, "Incident Response" (detect, triage, communicate per severity level, resolve,
    /// post-incident review within 48 hours); seed 003, "schedule post-mortem (within 48h)";
    /// Google SRE book, "Postmortem Culture"; PagerDuty Incident Response documentation,
    /// "Severity levels".
    pub struct IncidentProcess {
        id: "INC-005", slug: "incident-process", category: Incident, severity: Major,
        tiers: [Required, Recommended, Skipped], evidence: "M", effort: 3,
    }
}

impl Evaluate for IncidentProcess {
    fn evaluate(&self, cx: &CheckContext<'_>) -> Outcome {
        if !cx.evidence.scanned {
            return Outcome::inconclusive(NOT_SCANNED);
        }
        let docs = &cx.evidence.docs.documents;
        let mut failures = Vec::new();
        let mut evidence = Vec::new();
        let plans: Vec<Finding> = docs
            .iter()
            .filter_map(|d| {
                classify::incident_response_plan(d).map(|p| {
                    Finding::new(format!(
                        "incident response plan {} (`{}`) with severity levels {}",
                        d.path,
                        p.heading.text,
                        p.severities.join(", ")
                    ))
                    .at(Some(p.heading.loc.location()))
                })
            })
            .collect();
        if plans.is_empty() {
            failures.push(
                Finding::new(
                    "no incident response plan found: no document has an incident response heading and severity levels (SEV1, SEV2... or P1, P2...)",
                )
                .at(at(cx, "/service")),
            );
        }
        evidence.extend(plans);
        let mut complete = Vec::new();
        let mut partial = Vec::new();
        for d in docs {
            let Some(t) = classify::review_template(d) else {
                continue;
            };
            let loc = Some(t.loc(d).location());
            if t.complete() {
                complete.push(
                    Finding::new(format!(
                        "post-incident review template {} with sections {}",
                        d.path,
                        t.found.join(", ")
                    ))
                    .at(loc),
                );
            } else {
                partial.push(
                    Finding::new(format!(
                        "post-incident review template {} has no {} section: add {}",
                        d.path,
                        t.missing.join(", "),
                        t.missing
                            .iter()
                            .map(|m| format!("`## {}`", capitalized(m)))
                            .collect::<Vec<_>>()
                            .join(" and ")
                    ))
                    .at(loc),
                );
            }
        }
        if complete.is_empty() {
            if partial.is_empty() {
                failures.push(
                    Finding::new(
                        "no post-incident review template found: no postmortem / post-incident review document with timeline, root cause and action items sections",
                    )
                    .at(at(cx, "/service")),
                );
            } else {
                failures.extend(partial);
            }
        }
        evidence.extend(complete);
        conclude(
            cx,
            "",
            in_report_order(failures),
            in_report_order(evidence),
            "no incident process documents found",
        )
    }
}

fn capitalized(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use launchgate_core::Outcome;

    use crate::fixture;

    #[test]
    fn says_which_part_is_missing() {
        let Outcome::Fail { findings, .. } = fixture::run("INC-005", "fail_template_incomplete")
        else {
            panic!("expected a failure");
        };
        assert_eq!(
            findings[0].message,
            "post-incident review template docs/postmortem-template.md has no root cause, action items section: add `## Root cause` and `## Action items`"
        );
        let Outcome::Fail { findings, .. } = fixture::run("INC-005", "fail_nothing_written") else {
            panic!("expected a failure");
        };
        let messages: Vec<&str> = findings.iter().map(|f| f.message.as_str()).collect();
        assert_eq!(messages.len(), 2);
        assert!(messages[0].starts_with("no incident response plan found"));
        assert!(messages[1].starts_with("no post-incident review template found"));
    }
}
