//! OPS-006 cost-estimate: A running-cost estimate is declared.

use launchgate_core::{Finding, Outcome};

use crate::kit::manifest::at;
use crate::{CheckContext, Evaluate, declare_check};

declare_check! {
    /// ## What it checks
    /// A running-cost estimate is declared: `claims.cost_estimate` gives a `monthly_usd` figure
    /// or a `document` where the estimate is written.
    ///
    /// ## Why it matters
    /// Launches are where cost surprises start: an unbounded log volume, a per-request
    /// third-party fee, a database sized for peak all year. Without an estimate there is nothing
    /// to compare the first bill with, and a tenfold overrun is noticed at the end of the
    /// quarter instead of the end of the first week.
    ///
    /// ## How to fix
    /// Estimate compute, storage, data transfer, observability and third-party fees at the
    /// expected traffic, write the assumptions down, and declare the result:
    /// `claims: {cost_estimate: {monthly_usd: 4200, document: docs/cost-estimate.md}}`. Set a
    /// budget alert at the estimate.
    ///
    /// ## Example
    /// ```yaml fails
    /// claims:
    ///   cost_estimate: {}   # neither a figure nor a document
    /// ```
    /// ```yaml passes
    /// claims:
    ///   cost_estimate:
    ///     monthly_usd: 4200
    ///     document: docs/cost-estimate.md
    /// ```
    ///
    /// ## References
    /// Seed 002, "Cost estimate"; AWS Well-Architected Framework, Cost Optimization pillar;
    /// FinOps Foundation, "Forecasting".
    pub struct CostEstimate {
        id: "OPS-006", slug: "cost-estimate", category: Operations, severity: Minor,
        tiers: [Required, Recommended, Skipped], evidence: "M D", effort: 3,
    }
}

impl Evaluate for CostEstimate {
    fn evaluate(&self, cx: &CheckContext<'_>) -> Outcome {
        let pointer = "/claims/cost_estimate";
        let Some(c) = cx.manifest.claims.cost_estimate.as_ref() else {
            return Outcome::fail(vec![
                Finding::new(
                    "no cost estimate is declared (`claims.cost_estimate` with `monthly_usd` or `document`)",
                )
                .at(at(cx, pointer)),
            ]);
        };
        let document = c.document.as_deref().filter(|d| !d.trim().is_empty());
        let what = match (c.monthly_usd, document) {
            (Some(usd), Some(doc)) => format!("an estimated {usd} USD a month, written in `{doc}`"),
            (Some(usd), None) => format!("an estimated {usd} USD a month"),
            (None, Some(doc)) => format!("a cost estimate written in `{doc}`"),
            (None, None) => {
                return Outcome::fail(vec![
                    Finding::new(
                        "the cost estimate gives neither a figure (`monthly_usd`) nor a document (`document`)",
                    )
                    .at(at(cx, pointer)),
                ]);
            }
        };
        Outcome::attested(vec![
            Finding::new(format!("running cost: {what}")).at(at(cx, pointer)),
        ])
    }
}
