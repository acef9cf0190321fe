//! OPS-006 cost-estimate: A running-cost estimate is declared.

use launchgate_core::{Finding, Outcome};

use crate::kit::manifest::at;
use crate::kit::runbooks::existing_file;
use crate::{CheckContext, Evaluate, declare_check};

declare_check! {
    /// ## What it checks
    /// A running-cost estimate is declared: `claims.cost_estimate` gives a `monthly_usd` figure
    /// or a `document` where the estimate is written. A `document` that is a repository path
    /// proves the estimate when the file is in the repository, and contradicts the claim when it
    /// is not; a URL, or a figure alone, is attested.
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
    ///     monthly_usd: 4200   # attested: nothing in the repository shows it
    /// ```
    /// ```markdown passes path=docs/cost-estimate.md
    /// # Running cost
    ///
    /// 4,200 USD a month at the expected peak: compute 1,900, database 1,600, logs 700.
    /// ```
    /// ```yaml with path=launchgate.yaml
    /// service: search-indexer
    /// tier: 1
    /// exposure: internal
    /// data: persistent
    /// claims:
    ///   cost_estimate:
    ///     monthly_usd: 4200
    ///     document: docs/cost-estimate.md
    /// ```
    /// ```yaml fails
    /// claims:
    ///   cost_estimate:
    ///     document: docs/cost-estimate.md   # no such file in the repository
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
        let evidence = Finding::new(format!("running cost: {what}")).at(at(cx, pointer));
        // A document in the repository proves the estimate is written down; a URL cannot be
        // opened, and without a scan nothing can be looked up.
        let path = document
            .map(|d| d.trim().trim_start_matches("./"))
            .filter(|d| !d.contains("://") && cx.evidence.scanned);
        match path {
            None => Outcome::attested(vec![evidence]),
            Some(p) => match existing_file(cx, &[p.split('#').next().unwrap_or(p).to_string()]) {
                Some(f) => Outcome::proven(vec![
                    Finding::new(format!("running cost: {what}, which is in the repository"))
                        .at(Some(launchgate_core::Location::new(&*f.path, 1, 1)))
                        .related(at(cx, pointer)),
                ]),
                None => Outcome::fail(vec![
                    Finding::new(format!(
                        "the cost estimate names `{p}`, which is not in the repository: write the estimate there, or name the document where it is"
                    ))
                    .at(at(cx, "/claims/cost_estimate/document")),
                ]),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use launchgate_core::Basis;

    use crate::fixture;

    #[test]
    fn a_document_in_the_repository_is_proven_a_url_or_figure_attested() {
        assert_eq!(
            fixture::basis("OPS-006", "pass_document"),
            Some(Basis::Proven)
        );
        assert_eq!(
            fixture::basis("OPS-006", "pass_document_url"),
            Some(Basis::Attested)
        );
        assert_eq!(
            fixture::basis("OPS-006", "pass_monthly_figure"),
            Some(Basis::Attested)
        );
    }
}
