//! RUN-004 rollback-procedure: A rollback procedure with exact commands is written down, and it was
//! last rehearsed (`claims.rollback.last_tested`) within the policy window before the review date
//! (default 90 days, `rollback_test_max_age_days`).

use launchgate_core::{Finding, Outcome};
use launchgate_evidence::docs::{Anchor, Document, Resolution, classify};

use crate::kit::finish::conclude_with_claim;
use crate::kit::manifest::{at, within_window};
use crate::kit::pipelines::unattended_drill;
use crate::kit::runbooks::{existing_file, place, resolve_link};
use crate::{CheckContext, Evaluate, declare_check};

declare_check! {
    /// ## What it checks
    /// A rollback procedure with exact commands is written down, and it was last rehearsed
    /// (`claims.rollback.last_tested`) within the policy window before the review date
    /// (default 90 days, `rollback_test_max_age_days`).
    ///
    /// The procedure is the document `claims.rollback.procedure` names: a repository path
    /// (`docs/runbooks/rollback.md`, with an optional `#heading`) or a URL under a prefix of
    /// policy `runbook_url_prefixes` must lead to a Markdown document, and the document (or the
    /// heading's section) must hold at least one command block (`bash`, `console`, `kubectl`,
    /// ...). A path that does not exist contradicts the claim. Another URL is outside the
    /// repository: it is taken as declared. Without the claim, a rollback procedure found in
    /// the repository (a heading about rollback, roll back or revert, or a document named for
    /// it, with command blocks) proves that part. The rehearsal date is a declared fact: no
    /// file shows it, unless a pipeline rehearses the rollback unattended: a CI job that runs on
    /// a schedule or on every push to the default branch (not one somebody starts by hand) and
    /// runs a rollback command (`kubectl rollout undo`, `kubectl argo rollouts undo|abort`,
    /// `helm rollback`, `argocd app rollback`, or a script named `rollback*.sh|py`) proves the
    /// rehearsal with no date to keep current, and the claim's date is then not needed.
    ///
    /// ## Why it matters
    /// Rollback is the first response to a bad release, and it is usually needed in a hurry, by
    /// someone who did not write the release. A procedure nobody has run recently fails in
    /// ordinary ways: a migration that cannot be reversed, an image tag that was garbage
    /// collected, a permission the on-call engineer lacks. Finding that out during the incident
    /// turns a five-minute rollback into an hour-long outage.
    ///
    /// ## How to fix
    /// Write the exact commands to roll back (and to undo schema or config changes) in the
    /// runbook, rehearse them in staging or during a low-traffic release, and record both:
    /// `claims: {rollback: {procedure: docs/runbooks/rollback.md, last_tested: 2026-10-30}}`.
    /// Rehearse again at least every quarter, or better, let a scheduled pipeline rehearse it
    /// against staging (`kubectl rollout undo` in a nightly job), which needs no date at all.
    ///
    /// ## Example
    /// ```yaml fails
    /// claims:
    ///   rollback:
    ///     procedure: https://wiki.example.com/payments/rollback
    ///     last_tested: 2025-06-02   # more than 90 days before the review
    /// ```
    /// ```yaml passes
    /// claims:
    ///   rollback:
    ///     procedure: https://wiki.example.com/payments/rollback
    ///     last_tested: 2026-10-30
    /// ```
    /// ```markdown fails path=docs/runbooks/rollback.md
    /// # Rolling back payments-api
    ///
    /// Roll back with the usual tooling.
    /// ```
    /// ```yaml with path=launchgate.yaml
    /// service: payments-api
    /// tier: 0
    /// exposure: public
    /// data: persistent
    /// claims:
    ///   rollback:
    ///     procedure: docs/runbooks/rollback.md   # no command in it
    ///     last_tested: 2026-10-30
    /// ```
    /// ```markdown passes path=docs/runbooks/rollback.md
    /// # Rolling back payments-api
    ///
    /// ~~~bash
    /// kubectl -n payments rollout undo deployment/payments-api
    /// kubectl -n payments rollout status deployment/payments-api
    /// ~~~
    /// ```
    /// ```yaml with path=launchgate.yaml
    /// service: payments-api
    /// tier: 0
    /// exposure: public
    /// data: persistent
    /// claims:
    ///   rollback:
    ///     procedure: docs/runbooks/rollback.md
    ///     last_tested: 2026-10-30
    /// ```
    /// ```yaml passes path=.github/workflows/drills.yml
    /// # A nightly job rolls staging back and forward again: the rehearsal needs no date.
    /// on:
    ///   schedule:
    ///     - cron: "0 4 * * *"
    /// jobs:
    ///   rollback-drill:
    ///     runs-on: ubuntu-latest
    ///     steps:
    ///       - run: kubectl -n payments-staging rollout undo deployment/payments-api
    ///       - run: kubectl -n payments-staging rollout status deployment/payments-api
    /// ```
    /// ```markdown with path=docs/runbooks/rollback.md
    /// # Rolling back payments-api
    ///
    /// ~~~bash
    /// kubectl -n payments rollout undo deployment/payments-api
    /// ~~~
    /// ```
    /// ```yaml with path=launchgate.yaml
    /// service: payments-api
    /// tier: 0
    /// exposure: public
    /// data: persistent
    /// claims:
    ///   rollback:
    ///     procedure: docs/runbooks/rollback.md
    /// ```
    ///
    /// ## References
    /// Seed 002, "Rollback procedure documented and tested"; seed 003, "Runbooks: rollback
    /// procedure" and its example (`kubectl rollout undo`); seed 004, "Rollback procedure
    /// documented and tested"; Google SRE book, "Release Engineering".
    pub struct RollbackProcedure {
        id: "RUN-004", slug: "rollback-procedure", category: Runbooks, severity: Blocker,
        tiers: [Required, Required, Recommended], evidence: "M D", effort: 6,
    }
}

/// What the repository says about the procedure part.
enum Written {
    /// Evidence from the repository.
    Proven(Finding),
    /// Only declared (a URL outside the repository).
    Declared(Finding),
    /// A defect.
    Defect(Finding),
}

/// A command block of `doc` in the section of `anchor` (or anywhere), as evidence; a defect
/// when there is none.
fn commands_of(
    cx: &CheckContext<'_>,
    doc: &Document,
    section: Option<&launchgate_evidence::docs::Section>,
    pointer: &str,
) -> Written {
    let blocks: Vec<_> = match section {
        Some(s) => doc.code_blocks_in(s).filter(|c| c.is_command()).collect(),
        None => doc.command_blocks().collect(),
    };
    let (what, loc) = match section {
        Some(s) => {
            let h = doc.heading_of(s);
            (
                format!("{} (section `{}`)", doc.path, h.text),
                h.loc.clone(),
            )
        }
        None => (doc.path.to_string(), doc.title_loc().clone()),
    };
    match blocks.first() {
        Some(first) => Written::Proven(
            Finding::new(format!(
                "rollback procedure {what} has {} command block{} (first at {})",
                blocks.len(),
                if blocks.len() == 1 { "" } else { "s" },
                place(&first.loc)
            ))
            .at(Some(loc.location())),
        ),
        None => Written::Defect(
            Finding::new(format!(
                "the rollback procedure {what} has no command block: write the exact commands to roll back in fenced blocks (`bash`, `console`)"
            ))
            .at(Some(loc.location()))
            .related(at(cx, pointer)),
        ),
    }
}

/// Judges the declared procedure `p`.
fn declared(cx: &CheckContext<'_>, p: &str) -> Written {
    let pointer = "/claims/rollback/procedure";
    if !cx.evidence.scanned {
        return Written::Declared(
            Finding::new(format!(
                "rollback procedure written at `{p}` (not verified: the repository was not scanned)"
            ))
            .at(at(cx, pointer)),
        );
    }
    match resolve_link(cx, p, None) {
        Resolution::External { url } => Written::Declared(
            Finding::new(format!(
                "rollback procedure written at {url} (outside the repository: not verified)"
            ))
            .at(at(cx, pointer)),
        ),
        Resolution::Document { doc, anchor, .. } => match anchor {
            Some(Anchor::Missing(a)) => Written::Defect(
                Finding::new(format!(
                    "`claims.rollback.procedure` names `{p}`, but {} has no heading `#{a}`",
                    doc.path
                ))
                .at(at(cx, pointer))
                .related(Some(doc.title_loc().location())),
            ),
            Some(Anchor::Heading(_, s)) => commands_of(cx, doc, Some(s), pointer),
            _ => commands_of(cx, doc, None, pointer),
        },
        Resolution::NotFound { tried, .. } => {
            if let Some(f) = existing_file(cx, &tried) {
                return Written::Proven(
                    Finding::new(format!(
                        "rollback procedure written at {} (not Markdown: its commands were not checked)",
                        f.path
                    ))
                    .at(at(cx, pointer)),
                );
            }
            let elsewhere = cx
                .evidence
                .docs
                .documents
                .iter()
                .find_map(|d| classify::rollback_procedure(d).map(|r| r.loc(d).clone()));
            let hint = elsewhere
                .as_ref()
                .map(|l| format!("; a rollback procedure is written at {}", place(l)))
                .unwrap_or_default();
            Written::Defect(
                Finding::new(format!(
                    "`claims.rollback.procedure` names `{p}`, which is not in the repository (tried {}){hint}",
                    tried.join(", ")
                ))
                .at(at(cx, pointer))
                .related(elsewhere.map(|l| l.location())),
            )
        }
        Resolution::OutsideRepository => Written::Defect(
            Finding::new(format!(
                "`claims.rollback.procedure` names `{p}`, which climbs above the repository root"
            ))
            .at(at(cx, pointer)),
        ),
    }
}

/// A rollback procedure found in the repository without a claim naming it.
fn found_in_repository(cx: &CheckContext<'_>) -> Option<Finding> {
    cx.evidence.docs.documents.iter().find_map(|d| {
        classify::rollback_procedure(d).map(|r| {
            let loc = r.loc(d);
            Finding::new(format!(
                "rollback procedure written at {} with {} command block{} (first at {})",
                place(loc),
                r.commands.len(),
                if r.commands.len() == 1 { "" } else { "s" },
                r.commands
                    .first()
                    .map(|c| place(&c.loc))
                    .unwrap_or_default()
            ))
            .at(Some(loc.location()))
        })
    })
}

impl Evaluate for RollbackProcedure {
    fn evaluate(&self, cx: &CheckContext<'_>) -> Outcome {
        let claim = cx.manifest.claims.rollback.as_ref();
        let written = match claim
            .and_then(|r| r.procedure.as_deref())
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            Some(p) => declared(cx, p),
            None => match found_in_repository(cx) {
                Some(f) => Written::Proven(f),
                None => Written::Defect(
                    Finding::new(if claim.is_some() {
                        "no rollback procedure is written down: `claims.rollback.procedure` names none (a runbook path or URL), and no document of the repository has one (a rollback heading with commands)"
                    } else {
                        "no rollback procedure is declared (`claims.rollback.procedure` and `claims.rollback.last_tested`) or written in the repository (a rollback heading with commands)"
                    })
                    .at(at(cx, "/claims/rollback/procedure")),
                ),
            },
        };
        let mut findings = Vec::new();
        let mut repo = Vec::new();
        let mut evidence = Vec::new();
        match written {
            Written::Proven(f) => repo.push(f),
            Written::Declared(f) => evidence.push(f),
            Written::Defect(f) => findings.push(f),
        }
        let pointer = "/claims/rollback/last_tested";
        let drill = unattended_drill(cx, "a rollback rehearsal", |s| s.rollback.as_ref());
        match claim.and_then(|r| r.last_tested) {
            // A pipeline that rolls back on its own rehearses on every run: no date to keep.
            _ if drill.is_some() => repo.extend(drill),
            // Without the claim the finding above already says that nothing is declared.
            None if claim.is_none() && !findings.is_empty() => {}
            None => findings.push(
                Finding::new(format!(
                    "no rollback rehearsal is declared (`claims.rollback.last_tested`); the policy requires one within {} days",
                    cx.options.rollback_test_max_age_days
                ))
                .at(at(cx, pointer)),
            ),
            Some(date) => match within_window(
                cx,
                date.0,
                cx.options.rollback_test_max_age_days,
                pointer,
                "the last rollback rehearsal",
            ) {
                Ok(e) => evidence.push(e),
                Err(f) => findings.push(f),
            },
        }
        if !findings.is_empty() {
            return Outcome::fail(findings);
        }
        conclude_with_claim(cx, "", repo, evidence, true)
    }
}

#[cfg(test)]
mod tests {
    use launchgate_core::{Basis, Outcome};

    use crate::fixture;

    #[test]
    fn a_procedure_in_the_repository_is_proven_and_a_url_only_attested() {
        assert_eq!(
            fixture::basis("RUN-004", "pass_anchored_procedure"),
            Some(Basis::Proven)
        );
        assert_eq!(
            fixture::basis("RUN-004", "pass_repository_procedure_without_path"),
            Some(Basis::Proven)
        );
        assert_eq!(
            fixture::basis("RUN-004", "pass_policy_allows_longer_window"),
            Some(Basis::Attested)
        );
    }

    #[test]
    fn a_missing_file_contradicts_the_claim_and_a_section_without_commands_fails() {
        let Outcome::Fail { findings, .. } =
            fixture::run("RUN-004", "fail_procedure_not_in_repository")
        else {
            panic!("expected a failure");
        };
        assert_eq!(findings.len(), 1);
        assert!(
            findings[0]
                .message
                .contains("names `docs/runbooks/rollback.md`, which is not in the repository"),
            "{}",
            findings[0].message
        );
        let Outcome::Fail { findings, .. } =
            fixture::run("RUN-004", "fail_procedure_without_commands")
        else {
            panic!("expected a failure");
        };
        assert_eq!(
            findings[0].message,
            "the rollback procedure docs/deploying.md (section `Rolling back`) has no command block: write the exact commands to roll back in fenced blocks (`bash`, `console`)"
        );
        assert_eq!(findings[0].related[0].to_string(), "launchgate.yaml:8:5");
    }
}
