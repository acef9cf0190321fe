use launchgate_core::{Finding, Outcome};

use crate::support::at;
use crate::{Check, CheckContext, CheckMeta, declare_check};

declare_check! {
    /// ## What it checks
    /// An on-call rotation exists and the Day-1 primary is named: `claims.oncall.rotation` and
    /// `claims.oncall.primary` are both declared.
    ///
    /// ## Why it matters
    /// An alert that pages nobody is a log line. "Who is the primary on Day 1?" is the question
    /// every launch forgets until the first page goes unanswered.
    ///
    /// ## How to fix
    /// Create the rotation in your paging tool, put the service's alerts on it, and declare both
    /// the rotation and the first primary:
    /// `claims: {oncall: {rotation: payments-primary, primary: alice@example.com}}`.
    ///
    /// ## Example
    /// ```yaml fails
    /// claims:
    ///   oncall:
    ///     rotation: payments-primary   # but who is on call on Day 1?
    /// ```
    /// ```yaml passes
    /// claims:
    ///   oncall:
    ///     rotation: payments-primary
    ///     primary: alice@example.com
    /// ```
    ///
    /// ## References
    /// Seed 002, "Oncall rotation defined; who is the primary on Day 1?"; seed 003, "Incident Response".
    pub struct OncallRotation {
        id: "INC-002", slug: "oncall-rotation", category: Incident, severity: Blocker,
        tiers: [Required, Required, Skipped], evidence: "D T", effort: 4,
    }
}

impl Check for OncallRotation {
    fn meta(&self) -> &CheckMeta {
        &Self::META
    }

    fn evaluate(&self, cx: &CheckContext<'_>) -> Outcome {
        let oncall = cx.manifest.claims.oncall.as_ref();
        let rotation = oncall
            .and_then(|o| o.rotation.as_deref())
            .filter(|s| !s.trim().is_empty());
        let primary = oncall
            .and_then(|o| o.primary.as_deref())
            .filter(|s| !s.trim().is_empty());
        let mut findings = Vec::new();
        if rotation.is_none() {
            findings.push(
                Finding::new("no on-call rotation is declared (`claims.oncall.rotation`)")
                    .at(at(cx, "/claims/oncall/rotation")),
            );
        }
        if primary.is_none() {
            findings.push(
                Finding::new("no Day-1 primary is named (`claims.oncall.primary`)")
                    .at(at(cx, "/claims/oncall/primary")),
            );
        }
        match (rotation, primary) {
            (Some(r), Some(p)) => Outcome::attested(vec![
                Finding::new(format!("rotation `{r}` with Day-1 primary `{p}`"))
                    .at(at(cx, "/claims/oncall")),
            ]),
            _ => Outcome::fail(findings),
        }
    }
}
