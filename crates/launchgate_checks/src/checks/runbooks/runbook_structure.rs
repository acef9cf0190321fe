//! RUN-002 runbook-structure: Every runbook of the repository has the sections of the runbook
//! template and at least one command to copy and paste.

use launchgate_core::{Finding, Outcome};
use launchgate_evidence::docs::{Resolution, classify};

use crate::kit::finish::{NOT_SCANNED, conclude, in_report_order};
use crate::kit::manifest::at;
use crate::kit::runbooks::{place, resolve_link, runbook_annotation, runbooks};
use crate::{CheckContext, Evaluate, declare_check};

declare_check! {
    /// ## What it checks
    /// Every runbook of the repository has the sections of the runbook template and at least
    /// one command to copy and paste. Runbooks are the documents the service's alerts link
    /// (`runbook_url`), and Markdown files in a `runbook(s)/` or `playbook(s)/` folder or named
    /// for one (a folder's `README.md` is an index, not a runbook), and documents whose
    /// headings name three of the sections.
    ///
    /// The sections come from policy `runbook_sections`; by default context (or impact,
    /// overview, summary...), assess (triage, symptoms, verify, check...), diagnose
    /// (investigate, troubleshoot, root cause...), mitigate (remediate, resolve, fix,
    /// recovery...) and escalate (escalation, contacts, who to call...). A heading counts when
    /// it contains the name or a synonym as words, so `## Step 2: Diagnose the cause` is the
    /// diagnose section. A command block is a fenced block in a shell language (`bash`, `sh`,
    /// `console`, `kubectl`, `psql`, `sql`...), lines starting with a `$ ` prompt, or an
    /// unlabelled block starting with a known command (`kubectl`, `aws`, `helm`, `curl`...).
    ///
    /// ## Why it matters
    /// A runbook is read by someone who was just woken up. A fixed shape (what is happening,
    /// how bad it is, how to find the cause, how to stop the bleeding, whom to call) lets them
    /// find the next step without reading the whole page, and exact commands remove the
    /// guesswork about flags, namespaces and resource names that costs minutes at 2am.
    ///
    /// ## How to fix
    /// Add the missing sections as headings (`## Impact`, `## Triage`, `## Diagnose`,
    /// `## Mitigate`, `## Escalate`) and put the commands in fenced blocks with a language
    /// (`bash`, `console`, `psql`), exactly as they are to be run:
    /// `kubectl -n payments rollout undo deployment/payments-api`, not "roll back the deploy".
    /// Change the template with policy `runbook_sections` if your organisation uses other
    /// section names.
    ///
    /// ## Example
    /// ```markdown fails path=docs/runbooks/high-error-rate.md
    /// # Payments: high error rate
    ///
    /// ## Impact
    /// Customers cannot pay.
    ///
    /// ## What to do
    /// Look at the logs and restart the service if needed.
    /// ```
    /// ```markdown passes path=docs/runbooks/high-error-rate.md
    /// # Payments: high error rate
    ///
    /// ## Impact
    /// Customers cannot pay.
    ///
    /// ## Triage
    /// Is it one region or all? Check the error-rate panel of the payments dashboard.
    ///
    /// ## Diagnose
    /// ~~~bash
    /// kubectl -n payments logs deploy/payments-api --since=10m | grep ERROR | sort | uniq -c
    /// ~~~
    ///
    /// ## Mitigate
    /// ~~~bash
    /// kubectl -n payments rollout undo deployment/payments-api
    /// ~~~
    ///
    /// ## Escalate
    /// Page the payments secondary (`pagerduty:payments-secondary`) after 15 minutes.
    /// ```
    ///
    /// ## References
    /// Seed 003, "Runbooks: exact commands (copy-paste ready)" and its example runbook (quick
    /// context, assess impact, identify root cause, mitigate, escalate); Google SRE book,
    /// "Being On-Call" (playbooks).
    pub struct RunbookStructure {
        id: "RUN-002", slug: "runbook-structure", category: Runbooks, severity: Major,
        tiers: [Required, Recommended, Skipped], evidence: "M", effort: 4,
    }
}

impl Evaluate for RunbookStructure {
    fn evaluate(&self, cx: &CheckContext<'_>) -> Outcome {
        if !cx.evidence.scanned {
            return Outcome::inconclusive(NOT_SCANNED);
        }
        let docs = runbooks(cx);
        if docs.is_empty() {
            let external: Vec<String> = cx
                .evidence
                .prometheus
                .service_alerts(&cx.manifest.alerts)
                .iter()
                .filter_map(|r| runbook_annotation(r).map(|(_, v)| (r, v)))
                .filter(|(r, v)| {
                    matches!(
                        resolve_link(cx, &v.value, Some(&r.loc.path)),
                        Resolution::External { .. }
                    )
                })
                .map(|(_, v)| v.value.clone())
                .collect();
            if let Some(first) = external.first() {
                return Outcome::inconclusive(format!(
                    "the alerts' runbooks are outside the repository ({first}{}), so their structure cannot be checked; map their URL prefix to a folder with policy `runbook_url_prefixes`",
                    if external.len() > 1 { ", ..." } else { "" }
                ));
            }
            return Outcome::fail(vec![
                Finding::new(
                    "no runbook found in the repository (Markdown under `docs/runbooks/`, or linked from an alert's `runbook_url`): write one per alert scenario with context, assess, diagnose, mitigate and escalate sections",
                )
                .at(at(cx, "/service")),
            ]);
        }
        let sections = &cx.options.runbook_sections;
        let names = classify::SectionNames::new(sections);
        let mut failures = Vec::new();
        let mut evidence = Vec::new();
        for doc in docs {
            let found = names.found(doc);
            let missing: Vec<&str> = sections
                .iter()
                .filter(|s| !found.iter().any(|(f, _)| f.name == s.name))
                .map(|s| s.name.as_str())
                .collect();
            let loc = Some(doc.title_loc().location());
            if !missing.is_empty() {
                failures.push(
                    Finding::new(format!(
                        "runbook {} has no {} section{}: add {} heading{} (synonyms count, see policy `runbook_sections`)",
                        doc.path,
                        missing.join(", "),
                        if missing.len() == 1 { "" } else { "s" },
                        if missing.len() == 1 { "a" } else { "the" },
                        if missing.len() == 1 { "" } else { "s" },
                    ))
                    .at(loc.clone())
                    .resource(doc.path.to_string()),
                );
            }
            let commands: Vec<_> = doc.command_blocks().collect();
            match commands.first() {
                None => failures.push(
                    Finding::new(format!(
                        "runbook {} has no command to copy and paste: put the exact commands in fenced blocks (```` ```bash ````)",
                        doc.path
                    ))
                    .at(loc)
                    .resource(doc.path.to_string()),
                ),
                Some(first) if missing.is_empty() => evidence.push(
                    Finding::new(format!(
                        "runbook {} has every section ({}) and {} command block{} (first at {})",
                        doc.path,
                        found
                            .iter()
                            .map(|(s, h)| format!("{} `{}`", s.name, h.text))
                            .collect::<Vec<_>>()
                            .join(", "),
                        commands.len(),
                        if commands.len() == 1 { "" } else { "s" },
                        place(&first.loc)
                    ))
                    .at(loc)
                    .resource(doc.path.to_string()),
                ),
                Some(_) => {}
            }
        }
        conclude(
            cx,
            "",
            in_report_order(failures),
            in_report_order(evidence),
            "no runbook found in the repository",
        )
    }
}
