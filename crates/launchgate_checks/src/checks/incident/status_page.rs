//! INC-004 status-page: A status page for communicating incidents to users is declared in
//! `claims.status_page`.

use launchgate_core::{Finding, Outcome};

use crate::kit::manifest::at;
use crate::{CheckContext, Evaluate, declare_check};

declare_check! {
    /// ## What it checks
    /// A status page for communicating incidents to users is declared in `claims.status_page`.
    ///
    /// ## Why it matters
    /// During an outage, users who hear nothing open tickets, post on social media and retry
    /// harder. A status page is where the incident commander says, once, what is broken and when
    /// the next update comes, so support, customers and other teams stop asking the people
    /// fixing it.
    ///
    /// ## How to fix
    /// Add the service (or the product it belongs to) as a component of the organisation's
    /// status page, agree who posts updates during an incident, and declare the page:
    /// `claims: {status_page: https://status.example.com}`.
    ///
    /// ## Example
    /// ```yaml fails
    /// claims:
    ///   dashboards: [https://grafana.example.com/d/ledger]   # internal only; users see nothing
    /// ```
    /// ```yaml passes
    /// claims:
    ///   status_page: https://status.example.com
    /// ```
    ///
    /// ## References
    /// Seed 003, "Incident response: status page / external communication"; Google SRE book,
    /// "Managing Incidents" (communications lead); Atlassian Incident Handbook, "Incident
    /// communication".
    pub struct StatusPage {
        id: "INC-004", slug: "status-page", category: Incident, severity: Minor,
        tiers: [Required, Recommended, Skipped], evidence: "D", effort: 2,
    }
}

impl Evaluate for StatusPage {
    fn evaluate(&self, cx: &CheckContext<'_>) -> Outcome {
        let pointer = "/claims/status_page";
        match cx
            .manifest
            .claims
            .status_page
            .as_deref()
            .filter(|s| !s.trim().is_empty())
        {
            Some(url) => Outcome::attested(vec![
                Finding::new(format!("incidents are communicated on `{url}`")).at(at(cx, pointer)),
            ]),
            None => Outcome::fail(vec![
                Finding::new(
                    "no status page is declared for external incident communication (`claims.status_page`)",
                )
                .at(at(cx, pointer)),
            ]),
        }
    }
}
