//! RUN-005 escalation-path: The escalation path is written down.

use launchgate_core::{Finding, Outcome};
use launchgate_evidence::docs::Document;
use launchgate_evidence::docs::classify::{self, EscalationPath as WrittenPath};
use launchgate_evidence::ownership::{Annotation, CatalogEntity, annotations};

use crate::kit::finish::{conclude, conclude_with_claim};
use crate::kit::manifest::at;
use crate::kit::runbooks::place;
use crate::{CheckContext, Evaluate, declare_check};

declare_check! {
    /// ## What it checks
    /// The escalation path is written down: `claims.escalation` lists who to escalate to, in
    /// order, and every step has a `contact` saying how to reach them.
    ///
    /// The Backstage catalog's paging annotations (`pagerduty.com/service-id`,
    /// `pagerduty.com/integration-key`, `opsgenie.com/team` in `catalog-info.yaml`) show that
    /// a paging target exists: they are reported with a declared path and make it proven.
    /// They do not replace the declared order of escalation.
    ///
    /// An escalation path written in the repository proves it too, with or without the claim:
    /// a Markdown heading about escalation (`## Escalation`, `## Escalation policy`,
    /// `## Who to call`) whose section lists the steps in order (a numbered list, a table, items
    /// naming L1/L2/L3 or primary/secondary/lead, or `L1 -> L2 -> lead`). Every written step
    /// must say how to reach them: a handle (`@payments-lead`), a channel (`#incidents`), a
    /// phone number, an email address, a pager or chat tool, or a link.
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
    /// in sync, and name the paging service in the catalog entity
    /// (`pagerduty.com/service-id` or `opsgenie.com/team`) so tools find it too.
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
    /// ```markdown passes path=docs/runbooks/escalation.md
    /// # Escalation
    ///
    /// 1. Primary on-call: PagerDuty service `payments-primary`
    /// 2. Secondary on-call: @payments-secondary in #payments-incidents
    /// 3. Engineering lead: Dana Reyes, +44 20 7946 0018
    /// ```
    /// ```markdown fails path=docs/runbooks/escalation.md
    /// # Escalation
    ///
    /// 1. Primary on-call
    /// 2. Engineering lead
    /// ```
    /// ```yaml fails path=catalog-info.yaml
    /// # The pager is named, but not who comes after the primary, nor how to reach them.
    /// apiVersion: backstage.io/v1alpha1
    /// kind: Component
    /// metadata:
    ///   name: payments-api
    ///   annotations:
    ///     pagerduty.com/service-id: PX4K2Q9
    /// spec:
    ///   type: service
    ///   lifecycle: production
    ///   owner: group:default/team-payments
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

/// The escalation paths written in the repository's documents.
fn written_paths<'a>(cx: &CheckContext<'a>) -> Vec<(&'a Document, WrittenPath<'a>)> {
    cx.evidence
        .docs
        .documents
        .iter()
        .filter_map(|d| classify::escalation_path(d).map(|p| (d, p)))
        .collect()
}

/// A written path as evidence, or the findings about steps that do not say how to reach them.
fn judge_written(doc: &Document, p: &WrittenPath<'_>) -> Result<Finding, Vec<Finding>> {
    let n = p.steps.len();
    let unreachable: Vec<Finding> = p
        .steps
        .iter()
        .enumerate()
        .filter(|(_, s)| !s.reachable)
        .map(|(i, s)| {
            Finding::new(format!(
                "escalation step {} of {n} in {} (`{}`) does not say how to reach them: add a pager, phone number, handle or channel",
                i + 1,
                doc.path,
                s.text
            ))
            .at(Some(s.block.loc.location()))
        })
        .collect();
    if !unreachable.is_empty() {
        return Err(unreachable);
    }
    let steps: Vec<String> = p
        .steps
        .iter()
        .enumerate()
        .map(|(i, s)| format!("{}. {}", i + 1, s.text))
        .collect();
    Ok(Finding::new(format!(
        "escalation path written at {} (`{}`): {}",
        place(&p.heading.loc),
        p.heading.text,
        steps.join("; ")
    ))
    .at(Some(p.heading.loc.location())))
}

/// The paging targets as evidence.
fn target_findings(targets: &[(&CatalogEntity, &Annotation)]) -> Vec<Finding> {
    targets
        .iter()
        .map(|(e, a)| {
            Finding::new(format!(
                "{} names a paging target: {}",
                entity_resource(e),
                shown(a)
            ))
            .at(Some(a.loc.location()))
            .resource(entity_resource(e))
        })
        .collect()
}

/// The catalog annotations that name a paging target.
const PAGING: [&str; 3] = [
    annotations::PAGERDUTY_SERVICE_ID,
    annotations::PAGERDUTY_INTEGRATION_KEY,
    annotations::OPSGENIE_TEAM,
];

fn paging_targets<'a>(cx: &CheckContext<'a>) -> Vec<(&'a CatalogEntity, &'a Annotation)> {
    cx.evidence
        .ownership
        .catalog
        .iter()
        .flat_map(|e| {
            PAGING
                .iter()
                .filter_map(move |k| e.annotation(k))
                .filter(|a| !a.value.trim().is_empty())
                .map(move |a| (e, a))
        })
        .collect()
}

fn entity_resource(e: &CatalogEntity) -> String {
    format!(
        "{}/{}",
        e.kind.value,
        e.name.as_ref().map_or("<unnamed>", |n| n.value.as_str())
    )
}

/// The annotation as a message shows it; an integration key is a credential, so its value is
/// left out.
fn shown(a: &Annotation) -> String {
    if a.key == annotations::PAGERDUTY_INTEGRATION_KEY {
        format!("`{}`", a.key)
    } else {
        format!("`{}: {}`", a.key, a.value.trim())
    }
}

impl Evaluate for EscalationPath {
    fn evaluate(&self, cx: &CheckContext<'_>) -> Outcome {
        let steps = &cx.manifest.claims.escalation;
        let targets = paging_targets(cx);
        let written = written_paths(cx);
        let mut written_ok = Vec::new();
        let mut written_bad = Vec::new();
        for (doc, p) in &written {
            match judge_written(doc, p) {
                Ok(f) => written_ok.push(f),
                Err(f) => written_bad.extend(f),
            }
        }
        if steps.is_empty() && !written.is_empty() {
            if written_ok.is_empty() {
                return Outcome::fail(written_bad);
            }
            let mut evidence = written_ok;
            evidence.extend(target_findings(&targets));
            return conclude(cx, "", Vec::new(), evidence, "");
        }
        if steps.is_empty() {
            let pager = targets.first().map_or_else(String::new, |(e, a)| {
                format!(
                    "; the catalog names a paging target ({} {} at {}:{}): write down who it pages and who comes next",
                    entity_resource(e),
                    shown(a),
                    a.loc.path,
                    a.loc.line
                )
            });
            let msg = format!(
                "no escalation path is declared (`claims.escalation`: who to escalate to, in order, and how to reach them){pager}"
            );
            return Outcome::fail(vec![
                Finding::new(msg)
                    .at(at(cx, "/claims/escalation"))
                    .related(targets.first().map(|(_, a)| a.loc.location())),
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
        if !findings.is_empty() {
            return Outcome::fail(findings);
        }
        let repo: Vec<Finding> = written_ok
            .into_iter()
            .chain(target_findings(&targets))
            .collect();
        conclude_with_claim(
            cx,
            "O",
            repo,
            vec![
                Finding::new(format!("escalation path: {}", path.join(", ")))
                    .at(at(cx, "/claims/escalation")),
            ],
            true,
        )
    }
}

#[cfg(test)]
mod tests {
    use launchgate_core::{Basis, Outcome};

    use crate::fixture;

    #[test]
    fn a_written_path_proves_it_and_names_the_steps() {
        assert_eq!(
            fixture::basis("RUN-005", "pass_written_in_docs"),
            Some(Basis::Proven)
        );
        let Outcome::Pass { evidence, .. } = fixture::run("RUN-005", "pass_written_in_docs") else {
            panic!("expected a pass");
        };
        assert_eq!(
            evidence[0].message,
            "escalation path written at docs/runbooks/escalation.md:3 (`Escalation path`): 1. 1 | Payments primary on-call | PagerDuty payments-primary; 2. 2 | Payments secondary on-call | @payments-secondary in #payments-incidents; 3. 3 | Engineering lead (Dana Reyes) | +44 20 7946 0018"
        );
    }
}
