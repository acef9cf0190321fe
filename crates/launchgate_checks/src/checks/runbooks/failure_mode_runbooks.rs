//! RUN-003 failure-mode-runbooks: The common failure modes of the service have runbooks.

use launchgate_core::{Finding, Outcome};
use launchgate_evidence::Loc;
use launchgate_evidence::docs::{Document, classify};
use launchgate_manifest::DependencyKind;

use crate::kit::finish::{NOT_SCANNED, conclude, in_report_order};
use crate::kit::manifest::at;
use crate::kit::runbooks::{place, runbooks};
use crate::{CheckContext, Evaluate, declare_check};

declare_check! {
    /// ## What it checks
    /// The common failure modes of the service have runbooks: an outage of each declared
    /// dependency, exhaustion of each connection pool, and a bad deploy. In detail:
    ///
    /// - **dependency outage**, for every declared dependency (`dependencies`): a runbook
    ///   mentions the dependency by name, in a heading or in its text;
    /// - **pool exhaustion**, for every database or cache with a connection pool
    ///   (`pool_size`): a runbook heading or paragraph talks about the pool being exhausted
    ///   (exhausted, saturated, starved, "too many connections", "no idle connections");
    /// - **bad deploy**: a rollback procedure with commands is written somewhere in the
    ///   repository, or a runbook covers a bad deploy or release: a heading about rolling
    ///   back or a bad deploy or release, or a paragraph about it followed by a command block
    ///   in the same section. The word "rollback" in a passing sentence is not a runbook.
    ///
    /// Runbooks are the documents alerts link and the Markdown files under `runbook(s)/` or
    /// `playbook(s)/` (see RUN-002). The finding names each failure mode that lacks a runbook,
    /// at the dependency it is about.
    ///
    /// ## Why it matters
    /// Most incidents are one of a few stories: a dependency is down, the connection pool is
    /// exhausted, the last deploy was bad. Seed 003's example runbook attributes nine in ten
    /// payment incidents to these three. Writing their runbooks before launch is cheap;
    /// improvising them during the first outage is not.
    ///
    /// ## How to fix
    /// Write a runbook section for each: "Stripe is down" (how to confirm, how to degrade,
    /// whom to tell), "orders-db pool exhausted" (find the slow queries, kill them, restart),
    /// and "Bad deploy" (the rollback commands). Mention each dependency by the name the
    /// manifest declares.
    ///
    /// ## Example
    /// ```markdown fails path=docs/runbooks/high-error-rate.md
    /// # Payments: high error rate
    ///
    /// ## Bad deploy
    /// ~~~bash
    /// kubectl -n payments rollout undo deployment/payments-api
    /// ~~~
    /// ```
    /// ```yaml with path=launchgate.yaml
    /// service: payments-api
    /// tier: 1
    /// exposure: public
    /// data: persistent
    /// dependencies:
    ///   - name: stripe          # no runbook mentions stripe
    ///     kind: third-party
    /// ```
    /// ```markdown passes path=docs/runbooks/high-error-rate.md
    /// # Payments: high error rate
    ///
    /// ## Stripe is down
    /// Check https://status.stripe.com; switch to the queueing fallback.
    ///
    /// ## Bad deploy
    /// ~~~bash
    /// kubectl -n payments rollout undo deployment/payments-api
    /// ~~~
    /// ```
    /// ```yaml with path=launchgate.yaml
    /// service: payments-api
    /// tier: 1
    /// exposure: public
    /// data: persistent
    /// dependencies:
    ///   - name: stripe
    ///     kind: third-party
    /// ```
    ///
    /// ## References
    /// Seed 003, "Runbooks: runbook for common failure modes" and its example scenarios
    /// (Stripe outage, database connection pool exhausted, bad deployment); seed 004,
    /// "Troubleshooting guides for known failure modes".
    pub struct FailureModeRunbooks {
        id: "RUN-003", slug: "failure-mode-runbooks", category: Runbooks, severity: Minor,
        tiers: [Required, Recommended, Skipped], evidence: "M D", effort: 4,
    }
}

/// Where a document talks about a connection pool being exhausted.
fn pool_exhaustion(doc: &Document) -> Option<&Loc> {
    let hit = |text: &str| {
        let w = classify::words(text);
        let lower = text.to_lowercase();
        let pool = w.iter().any(|x| x == "pool" || x == "pools");
        let exhausted = w.iter().any(|x| {
            x.starts_with("exhaust") || x.starts_with("saturat") || x.starts_with("starv")
        }) || ["no idle", "pool is full", "pool full", "max connections"]
            .iter()
            .any(|p| lower.contains(p));
        (pool && exhausted) || lower.contains("too many connections")
    };
    doc.headings
        .iter()
        .filter(|h| hit(&h.text))
        .map(|h| &h.loc)
        .chain(doc.blocks.iter().filter(|b| hit(&b.text)).map(|b| &b.loc))
        .min_by_key(|l| l.start)
}

/// Where a runbook covers a bad deploy: a heading about rolling back or a bad deploy /
/// release (a section about it), or a paragraph about it followed by a command block in the
/// same section (the steps). A passing mention ("we rarely need a rollback") is neither.
fn bad_deploy(doc: &Document) -> Option<&Loc> {
    let hit = |text: &str| {
        let w = classify::words(text);
        let deploy = w
            .iter()
            .any(|x| x.starts_with("deploy") || x.starts_with("release") || x == "rollout");
        let bad = w.iter().any(|x| {
            matches!(
                x.as_str(),
                "bad" | "broken" | "faulty" | "failed" | "recent" | "last"
            )
        });
        classify::about_rollback(text) || (deploy && bad)
    };
    // The end of the innermost section holding a location (the first heading, or the end of
    // the document, before any heading).
    let section_end = |loc: &Loc| {
        doc.sections
            .iter()
            .filter(|s| s.contains(loc))
            .max_by_key(|s| s.start)
            .map_or_else(
                || doc.headings.first().map_or(usize::MAX, |h| h.loc.start),
                |s| s.end,
            )
    };
    let steps_follow = |loc: &Loc| {
        let end = section_end(loc);
        doc.command_blocks()
            .any(|c| c.loc.start > loc.start && c.loc.start < end)
    };
    doc.headings
        .iter()
        .filter(|h| hit(&h.text))
        .map(|h| &h.loc)
        .chain(
            doc.blocks
                .iter()
                .filter(|b| hit(&b.text) && steps_follow(&b.loc))
                .map(|b| &b.loc),
        )
        .min_by_key(|l| l.start)
}

impl Evaluate for FailureModeRunbooks {
    fn evaluate(&self, cx: &CheckContext<'_>) -> Outcome {
        if !cx.evidence.scanned {
            return Outcome::inconclusive(NOT_SCANNED);
        }
        let books = runbooks(cx);
        let mut failures = Vec::new();
        let mut evidence = Vec::new();
        let first = |find: &dyn Fn(&Document) -> Option<Loc>| books.iter().find_map(|d| find(d));
        for (i, dep) in cx.manifest.dependencies.iter().enumerate() {
            let resource = format!("dependency {}", dep.name);
            match first(&|d: &Document| d.mentions(&dep.name).cloned()) {
                Some(loc) => evidence.push(
                    Finding::new(format!(
                        "outage of `{}`: the runbook at {} mentions it",
                        dep.name,
                        place(&loc)
                    ))
                    .at(Some(loc.location()))
                    .resource(resource.clone()),
                ),
                None => failures.push(
                    Finding::new(format!(
                        "no runbook covers an outage of `{}` ({}): no runbook mentions it by name",
                        dep.name,
                        dep.kind.key()
                    ))
                    .at(at(cx, &format!("/dependencies/{i}")))
                    .resource(resource.clone()),
                ),
            }
            let pooled = matches!(dep.kind, DependencyKind::Database | DependencyKind::Cache)
                && dep.pool_size.is_some();
            if pooled {
                match first(&|d: &Document| pool_exhaustion(d).cloned()) {
                    Some(loc) => evidence.push(
                        Finding::new(format!(
                            "pool exhaustion of `{}`: the runbook at {} covers it",
                            dep.name,
                            place(&loc)
                        ))
                        .at(Some(loc.location()))
                        .resource(resource),
                    ),
                    None => failures.push(
                        Finding::new(format!(
                            "no runbook covers exhaustion of the connection pool of `{}` (`pool_size` {}): write what to check and do when no connection is free",
                            dep.name,
                            dep.pool_size.unwrap_or_default()
                        ))
                        .at(at(cx, &format!("/dependencies/{i}/pool_size")))
                        .resource(resource),
                    ),
                }
            }
        }
        let procedure = cx
            .evidence
            .docs
            .documents
            .iter()
            .find_map(|d| classify::rollback_procedure(d).map(|p| p.loc(d).clone()));
        match procedure.or_else(|| first(&|d: &Document| bad_deploy(d).cloned())) {
            Some(loc) => evidence.push(
                Finding::new(format!(
                    "bad deploy: a rollback procedure is written at {}",
                    place(&loc)
                ))
                .at(Some(loc.location())),
            ),
            None => failures.push(
                Finding::new(
                    "no runbook covers a bad deploy: write the rollback procedure with its exact commands",
                )
                .at(at(cx, "/claims/rollback")),
            ),
        }
        conclude(
            cx,
            "",
            in_report_order(failures),
            in_report_order(evidence),
            "no failure mode to cover",
        )
    }
}

#[cfg(test)]
mod tests {
    use launchgate_core::Outcome;

    use crate::fixture;

    #[test]
    fn each_uncovered_failure_mode_is_named() {
        let Outcome::Fail { findings, .. } = fixture::run("RUN-003", "fail_uncovered_modes") else {
            panic!("expected a failure");
        };
        let got: Vec<(u32, &str)> = findings
            .iter()
            .map(|f| {
                (
                    f.location.as_ref().map_or(0, |l| l.line),
                    f.message.as_str(),
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    6,
                    "no runbook covers a bad deploy: write the rollback procedure with its exact commands"
                ),
                (
                    12,
                    "no runbook covers exhaustion of the connection pool of `orders-db` (`pool_size` 20): write what to check and do when no connection is free"
                ),
                (
                    13,
                    "no runbook covers an outage of `stripe` (third-party): no runbook mentions it by name"
                ),
            ]
        );
    }
}
