use launchgate_core::{Finding, Outcome};

use crate::support::{at, within_window};
use crate::{Check, CheckContext, CheckMeta, declare_check};

declare_check! {
    /// ## What it checks
    /// A rollback procedure is written down (`claims.rollback.procedure`) and was last rehearsed
    /// (`claims.rollback.last_tested`) within the policy window before the review date (default
    /// 90 days, `rollback_test_max_age_days`).
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
    /// Rehearse again at least every quarter.
    ///
    /// ## Example
    /// ```yaml fails
    /// claims:
    ///   rollback:
    ///     procedure: docs/runbooks/rollback.md
    ///     last_tested: 2025-06-02   # more than 90 days before the review
    /// ```
    /// ```yaml passes
    /// claims:
    ///   rollback:
    ///     procedure: docs/runbooks/rollback.md
    ///     last_tested: 2026-10-30
    /// ```
    ///
    /// ## References
    /// Seed 002, "Rollback plan tested"; seed 003, "Runbooks: rollback procedure"; seed 004,
    /// "Rollback"; Google SRE book, "Release Engineering".
    pub struct RollbackProcedure {
        id: "RUN-004", slug: "rollback-procedure", category: Runbooks, severity: Blocker,
        tiers: [Required, Required, Recommended], evidence: "M D", effort: 6,
    }
}

impl Check for RollbackProcedure {
    fn meta(&self) -> &CheckMeta {
        &Self::META
    }

    fn evaluate(&self, cx: &CheckContext<'_>) -> Outcome {
        let Some(r) = cx.manifest.claims.rollback.as_ref() else {
            return Outcome::fail(vec![
                Finding::new(
                    "no rollback procedure is declared (`claims.rollback.procedure` and `claims.rollback.last_tested`)",
                )
                .at(at(cx, "/claims/rollback")),
            ]);
        };
        let mut findings = Vec::new();
        let mut evidence = Vec::new();
        match r.procedure.as_deref().filter(|s| !s.trim().is_empty()) {
            Some(p) => evidence.push(
                Finding::new(format!("rollback procedure written at `{p}`"))
                    .at(at(cx, "/claims/rollback/procedure")),
            ),
            None => findings.push(
                Finding::new(
                    "no rollback procedure is written down (`claims.rollback.procedure`: a runbook path or URL)",
                )
                .at(at(cx, "/claims/rollback/procedure")),
            ),
        }
        let pointer = "/claims/rollback/last_tested";
        match r.last_tested {
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
        if findings.is_empty() {
            Outcome::attested(evidence)
        } else {
            Outcome::fail(findings)
        }
    }
}
