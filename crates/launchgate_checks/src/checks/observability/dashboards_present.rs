use launchgate_core::{Finding, Outcome};

use crate::support::at;
use crate::{Check, CheckContext, CheckMeta, declare_check};

declare_check! {
    /// ## What it checks
    /// At least one dashboard for the service is declared in `claims.dashboards`.
    ///
    /// ## Why it matters
    /// The first minutes of an incident are spent answering "is it us, and since when?". A
    /// dashboard built before launch answers that in one glance; one built during the incident
    /// is built by the person who should be fixing it, from metrics they have never looked at.
    ///
    /// ## How to fix
    /// Build a dashboard with the service's golden signals (request rate, error rate, latency
    /// percentiles, saturation) and its dependencies' health, and list its URL:
    /// `claims: {dashboards: [https://grafana.example.com/d/checkout]}`.
    ///
    /// ## Example
    /// ```yaml fails
    /// claims:
    ///   dashboards: []
    /// ```
    /// ```yaml passes
    /// claims:
    ///   dashboards:
    ///     - https://grafana.example.com/d/checkout-overview
    /// ```
    ///
    /// ## References
    /// Seed 002, "Dashboards for the service"; seed 003, "Observability: dashboards"; Google SRE
    /// book, "Monitoring Distributed Systems" (the four golden signals).
    pub struct DashboardsPresent {
        id: "OBS-013", slug: "dashboards-present", category: Observability, severity: Minor,
        tiers: [Required, Recommended, Skipped], evidence: "M D", effort: 4,
    }
}

impl Check for DashboardsPresent {
    fn meta(&self) -> &CheckMeta {
        &Self::META
    }

    fn evaluate(&self, cx: &CheckContext<'_>) -> Outcome {
        let dashboards = &cx.manifest.claims.dashboards;
        if dashboards.is_empty() {
            return Outcome::fail(vec![
                Finding::new(
                    "no dashboard is declared for the service (`claims.dashboards` lists no URL)",
                )
                .at(at(cx, "/claims/dashboards")),
            ]);
        }
        Outcome::attested(
            dashboards
                .iter()
                .enumerate()
                .map(|(i, d)| {
                    Finding::new(format!("dashboard `{d}`"))
                        .at(at(cx, &format!("/claims/dashboards/{i}")))
                })
                .collect(),
        )
    }
}
