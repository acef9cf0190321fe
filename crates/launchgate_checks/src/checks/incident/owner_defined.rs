use launchgate_core::{Finding, Outcome};

use crate::support::at;
use crate::{Check, CheckContext, CheckMeta, declare_check};

declare_check! {
    /// ## What it checks
    /// An owning team is named in the manifest's `owner` key.
    ///
    /// ## Why it matters
    /// Every other question in a review (who is on call, who fixes this finding, who approves
    /// the rollback) starts with "whose service is it?". A service without an owner gets paged
    /// to whoever touched it last, its alerts are muted instead of fixed, and its findings are
    /// nobody's backlog.
    ///
    /// ## How to fix
    /// Name the team (not a person, who will change teams) that runs the service in production:
    /// `owner: team-payments`. Use the same name as CODEOWNERS and the service catalog
    /// (`catalog-info.yaml`, `spec.owner`), so the three agree.
    ///
    /// ## Example
    /// ```yaml fails
    /// service: ledger-api
    /// description: double-entry ledger for customer balances
    /// ```
    /// ```yaml passes
    /// service: ledger-api
    /// owner: team-payments
    /// ```
    ///
    /// ## References
    /// Seed 003, "Ownership: owning team defined"; Backstage Software Catalog, "Descriptor
    /// Format" (`spec.owner`); GitHub documentation, "About code owners".
    pub struct OwnerDefined {
        id: "INC-001", slug: "owner-defined", category: Incident, severity: Blocker,
        tiers: [Required, Required, Required], evidence: "D O", effort: 1,
    }
}

impl Check for OwnerDefined {
    fn meta(&self) -> &CheckMeta {
        &Self::META
    }

    fn evaluate(&self, cx: &CheckContext<'_>) -> Outcome {
        match cx
            .manifest
            .owner
            .as_deref()
            .filter(|o| !o.trim().is_empty())
        {
            Some(o) => Outcome::attested(vec![
                Finding::new(format!("owned by `{o}`")).at(at(cx, "/owner")),
            ]),
            None => Outcome::fail(vec![
                Finding::new(format!(
                    "no owning team is named for `{}` (`owner`)",
                    cx.manifest.service
                ))
                .at(at(cx, "/owner")),
            ]),
        }
    }
}
