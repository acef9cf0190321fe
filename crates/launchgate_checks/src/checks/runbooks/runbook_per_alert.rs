//! RUN-001 runbook-per-alert: Every alerting rule of the service links a runbook, and a link into
//! the repository leads to a file and heading that exist.

use launchgate_core::{Finding, Outcome};
use launchgate_evidence::docs::{Anchor, Resolution};

use crate::kit::alerts::{alert_name, alerts_to_judge};
use crate::kit::finish::{conclude, in_report_order};
use crate::kit::runbooks::{
    RUNBOOK_ANNOTATIONS, existing_file, place, resolve_link, runbook_annotation,
};
use crate::{CheckContext, Evaluate, declare_check};

declare_check! {
    /// ## What it checks
    /// Every alerting rule of the service links a runbook, and a link into the repository
    /// leads to a file and heading that exist. The service's alerts are those selected by
    /// `alerts.selectors` (else every alert); the link is the `runbook_url` annotation (also
    /// accepted: `runbook`, `runbook_link`, `playbook`, `playbook_url`), and it is followed:
    ///
    /// - a repository path (`docs/runbooks/high-error-rate.md`, `./x.md`) must name a file
    ///   that exists, and its `#anchor` a heading of that document (GitHub's anchors:
    ///   `## Step 1: Assess` is `#step-1-assess`, a second `## Diagnose` is `#diagnose-1`);
    /// - a URL under a prefix of policy `runbook_url_prefixes`
    ///   (`{"https://runbooks.acme.dev/payments/": "docs/runbooks/"}`) is checked the same way
    ///   in that folder (`x`, `x.md`, `x/README.md`, `x/index.md`). A path that exists
    ///   only in another case is accepted, since static site generators such as Hugo
    ///   lowercase URLs (`.../kubepodcrashlooping` is `KubePodCrashLooping.md`);
    /// - any other URL (a wiki, a GitHub link) cannot be checked from the repository: it
    ///   passes, and the evidence says it was not verified.
    ///
    /// Findings point at the annotation's value, or at the alert when it has none.
    ///
    /// Grafana alert rules (unified-alerting provisioning) are alerts like Prometheus rules:
    /// their `annotations` carry the `runbook_url`.
    ///
    /// A service with no alerting rules (and every rule file readable) is not judged here:
    /// the check is skipped and OBS-005 reports the missing alerts, once.
    ///
    /// ## Why it matters
    /// The engineer paged at 2am starts from the alert. A link to the runbook saves the search
    /// for what to do; a link to a renamed file or a deleted heading wastes the first minutes
    /// of the incident and teaches people to ignore the link.
    ///
    /// ## How to fix
    /// Add `runbook_url` to every alert's `annotations`, pointing at the runbook in the
    /// repository (or at the page that serves it, with its prefix mapped in policy
    /// `runbook_url_prefixes` so launchgate can follow it). When you rename a runbook or a
    /// heading, update the links.
    ///
    /// ## Example
    /// ```yaml fails path=monitoring/rules.yml
    /// groups:
    ///   - name: payments
    ///     rules:
    ///       - alert: PaymentsHighErrorRate
    ///         expr: sum(rate(http_requests_total{job="payments",code=~"5.."}[5m])) / sum(rate(http_requests_total{job="payments"}[5m])) > 0.05
    ///         for: 5m
    ///         labels:
    ///           severity: critical
    ///         annotations:
    ///           summary: More than 5% of payment requests fail
    ///           runbook_url: docs/runbooks/high-error-rate.md#diagnose   # no such heading
    /// ```
    /// ```markdown with path=docs/runbooks/high-error-rate.md
    /// # Payments: high error rate
    ///
    /// ## Triage
    /// ```
    /// ```yaml passes path=monitoring/rules.yml
    /// groups:
    ///   - name: payments
    ///     rules:
    ///       - alert: PaymentsHighErrorRate
    ///         expr: sum(rate(http_requests_total{job="payments",code=~"5.."}[5m])) / sum(rate(http_requests_total{job="payments"}[5m])) > 0.05
    ///         for: 5m
    ///         labels:
    ///           severity: critical
    ///         annotations:
    ///           summary: More than 5% of payment requests fail
    ///           runbook_url: docs/runbooks/high-error-rate.md#diagnose
    /// ```
    /// ```markdown with path=docs/runbooks/high-error-rate.md
    /// # Payments: high error rate
    ///
    /// ## Diagnose
    /// ```
    ///
    /// ## References
    /// Seed 002, "Runbooks written for top 3 alert scenarios"; seed 003, "Runbooks: runbook for
    /// each alert" and "Alert runbooks (what to do when alert fires)"; Prometheus
    /// documentation, "Alerting rules" (annotations); the `runbook_url` convention of the
    /// Prometheus Operator's kube-prometheus runbooks.
    pub struct RunbookPerAlert {
        id: "RUN-001", slug: "runbook-per-alert", category: Runbooks, severity: Blocker,
        tiers: [Required, Required, Skipped], evidence: "P M", effort: 3,
    }
}

impl Evaluate for RunbookPerAlert {
    fn evaluate(&self, cx: &CheckContext<'_>) -> Outcome {
        let alerts = match alerts_to_judge(cx) {
            Ok(alerts) => alerts,
            Err(outcome) => return outcome,
        };
        let mut failures = Vec::new();
        let mut evidence = Vec::new();
        for rule in alerts {
            let name = alert_name(rule);
            let resource = format!("alert {}", rule.name.value);
            let Some((key, value)) = runbook_annotation(rule) else {
                failures.push(
                    Finding::new(format!(
                        "{name} links no runbook: add a `runbook_url` annotation (or one of {})",
                        RUNBOOK_ANNOTATIONS[1..]
                            .iter()
                            .map(|k| format!("`{k}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ))
                    .at(Some(rule.loc.location()))
                    .resource(resource),
                );
                continue;
            };
            let link = value.value.trim();
            let at = Some(value.loc.location());
            if link.is_empty() {
                failures.push(
                    Finding::new(format!("{name} has an empty `{key}`: link its runbook"))
                        .at(at)
                        .resource(resource),
                );
                continue;
            }
            if link.contains("{{") {
                evidence.push(
                    Finding::new(format!(
                        "{name} links a templated runbook (`{key}: {link}`); the link is only known when the alert fires, so it was not verified"
                    ))
                    .at(at)
                    .resource(resource),
                );
                continue;
            }
            match resolve_link(cx, link, Some(&rule.loc.path)) {
                Resolution::Document {
                    doc,
                    anchor,
                    prefix,
                } => {
                    let via = prefix
                        .map(|p| format!(" (URL prefix `{p}` of policy `runbook_url_prefixes`)"))
                        .unwrap_or_default();
                    match anchor {
                        Some(Anchor::Missing(a)) => {
                            let headings: Vec<String> = doc
                                .headings
                                .iter()
                                .take(8)
                                .map(|h| format!("#{}", h.anchor))
                                .collect();
                            let have = if headings.is_empty() {
                                "it has no headings".to_string()
                            } else {
                                format!("its headings are {}", headings.join(", "))
                            };
                            failures.push(
                                Finding::new(format!(
                                    "{name} links `{link}`, but {}{via} has no heading `#{a}` ({have}): fix the anchor or the heading",
                                    doc.path
                                ))
                                .at(at)
                                .resource(resource)
                                .related(Some(doc.title_loc().location())),
                            );
                        }
                        Some(Anchor::Heading(h, _)) => evidence.push(
                            Finding::new(format!(
                                "{name} links its runbook {}{via}, heading `{}` at {}",
                                doc.path,
                                h.text,
                                place(&h.loc)
                            ))
                            .at(at)
                            .resource(resource),
                        ),
                        Some(Anchor::Html(a)) => evidence.push(
                            Finding::new(format!(
                                "{name} links its runbook {}{via}, anchor `#{a}`",
                                doc.path
                            ))
                            .at(at)
                            .resource(resource),
                        ),
                        None => evidence.push(
                            Finding::new(format!("{name} links its runbook {}{via}", doc.path))
                                .at(at)
                                .resource(resource),
                        ),
                    }
                }
                Resolution::NotFound {
                    tried,
                    anchor,
                    prefix,
                } => {
                    if let Some(f) = existing_file(cx, &tried) {
                        let anchor_note = anchor
                            .map(|a| format!("; its anchor `#{a}` was not checked"))
                            .unwrap_or_default();
                        evidence.push(
                            Finding::new(format!(
                                "{name} links {}, which exists but is not Markdown{anchor_note}",
                                f.path
                            ))
                            .at(at)
                            .resource(resource),
                        );
                        continue;
                    }
                    let via = prefix
                        .map(|p| {
                            format!(
                                " (mapped through `{p}` of policy `runbook_url_prefixes`)"
                            )
                        })
                        .unwrap_or_default();
                    failures.push(
                        Finding::new(format!(
                            "{name} links `{link}`{via}, but no such file is in the repository (tried {}): fix the link or add the runbook",
                            tried.join(", ")
                        ))
                        .at(at)
                        .resource(resource),
                    );
                }
                Resolution::OutsideRepository => failures.push(
                    Finding::new(format!(
                        "{name} links `{link}`, which climbs above the repository root"
                    ))
                    .at(at)
                    .resource(resource),
                ),
                Resolution::External { url } => evidence.push(
                    Finding::new(format!(
                        "{name} links an external runbook ({url}); it was not verified: it is outside the repository and under no prefix of policy `runbook_url_prefixes`"
                    ))
                    .at(at)
                    .resource(resource),
                ),
            }
        }
        conclude(
            cx,
            "P",
            in_report_order(failures),
            in_report_order(evidence),
            "no alerting rules of this service were found, so there are no alerts to link runbooks from (see OBS-005)",
        )
    }
}

#[cfg(test)]
mod tests {
    use crate::fixture;
    use launchgate_core::Outcome;

    #[test]
    fn external_runbooks_pass_but_say_they_were_not_verified() {
        let Outcome::Pass { evidence, .. } = fixture::run("RUN-001", "pass_external_and_prefixed")
        else {
            panic!("expected a pass");
        };
        let messages: Vec<&str> = evidence.iter().map(|f| f.message.as_str()).collect();
        assert!(
            messages
                .iter()
                .any(|m| m.contains("external runbook") && m.contains("not verified")),
            "{messages:?}"
        );
        assert!(
            messages.iter().any(|m| m.contains("URL prefix")),
            "{messages:?}"
        );
    }
}
