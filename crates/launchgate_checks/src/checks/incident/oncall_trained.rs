//! INC-006 oncall-trained: The on-call team is declared trained on this service.

use launchgate_core::{Finding, Outcome};

use crate::kit::manifest::{age_days, at};
use crate::{CheckContext, Evaluate, declare_check};

declare_check! {
    /// ## What it checks
    /// The on-call team is declared trained on this service: `claims.oncall.trained: true`, or a
    /// `claims.oncall.trained_on` date that is not after the review date.
    ///
    /// ## Why it matters
    /// A rotation of engineers who have never seen the service turns every page into an
    /// escalation to its authors. Walking the rotation through the architecture, dashboards,
    /// runbooks and the rollback before launch is what lets the primary act on the first page
    /// instead of reading code.
    ///
    /// ## How to fix
    /// Hold a handover session for everyone on the rotation: architecture, dependencies,
    /// dashboards, alerts and their runbooks, and a rehearsed rollback or game day. Then record
    /// it: `claims: {oncall: {trained: true, trained_on: 2026-11-03}}`.
    ///
    /// ## Example
    /// ```yaml fails
    /// claims:
    ///   oncall:
    ///     rotation: ledger-primary
    ///     trained: false   # the rotation has not seen the service yet
    /// ```
    /// ```yaml passes
    /// claims:
    ///   oncall:
    ///     rotation: ledger-primary
    ///     trained_on: 2026-11-03
    /// ```
    ///
    /// ## References
    /// Seed 004, "On-call team trained on the service"; Google SRE book, "Accelerating SREs to
    /// On-Call and Beyond"; Google SRE book, "Being On-Call".
    pub struct OncallTrained {
        id: "INC-006", slug: "oncall-trained", category: Incident, severity: Minor,
        tiers: [Required, Recommended, Skipped], evidence: "D", effort: 4,
    }
}

impl Evaluate for OncallTrained {
    fn evaluate(&self, cx: &CheckContext<'_>) -> Outcome {
        let oncall = cx.manifest.claims.oncall.as_ref();
        let trained = oncall.and_then(|o| o.trained);
        let trained_on = oncall.and_then(|o| o.trained_on);
        let flag = "/claims/oncall/trained";
        let date_ptr = "/claims/oncall/trained_on";
        if trained == Some(false) {
            return Outcome::fail(vec![
                Finding::new(
                    "declared missing: the on-call team is not trained on this service (`claims.oncall.trained: false`)",
                )
                .at(at(cx, flag)),
            ]);
        }
        if let Some(d) = trained_on {
            let age = age_days(cx, d.0);
            if age < 0 {
                return Outcome::fail(vec![
                    Finding::new(format!(
                        "on-call training is dated {d}, {} days after the review date {}; a future date cannot be evidence",
                        -age, cx.today
                    ))
                    .at(at(cx, date_ptr)),
                ]);
            }
            return Outcome::attested(vec![
                Finding::new(format!(
                    "the on-call team was trained on this service on {d}, {age} days ago"
                ))
                .at(at(cx, date_ptr)),
            ]);
        }
        if trained == Some(true) {
            return Outcome::attested(vec![
                Finding::new(
                    "declared: the on-call team is trained on this service (`claims.oncall.trained: true`)",
                )
                .at(at(cx, flag)),
            ]);
        }
        Outcome::fail(vec![
            Finding::new(
                "nothing declares the on-call team trained on this service (`claims.oncall.trained` or `claims.oncall.trained_on`)",
            )
            .at(at(cx, flag)),
        ])
    }
}
