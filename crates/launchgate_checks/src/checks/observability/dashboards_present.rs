//! OBS-013 dashboards-present: A dashboard exists for the service.

use launchgate_core::{Finding, Outcome};
use launchgate_evidence::FileKind;
use launchgate_evidence::dashboards::{Dashboard, DashboardOrigin};

use crate::kit::finish::{NOT_SCANNED, in_report_order};
use crate::kit::manifest::at;
use crate::{CheckContext, Evaluate, declare_check};

declare_check! {
    /// ## What it checks
    /// A dashboard exists for the service. A Grafana dashboard in the repository proves it: a
    /// dashboard JSON model (a file, also Grafana's `{"dashboard": ...}` export shape), a
    /// ConfigMap labelled `grafana_dashboard` for the Grafana sidecar with `.json` keys, or a
    /// grafana-operator `GrafanaDashboard` resource (inline `json`, or a `url`, `grafanaCom`
    /// or `configMapRef` it loads). Findings name each dashboard's title and panel count.
    /// Dashboard URLs declared in `claims.dashboards` alone are attested: launchgate cannot
    /// open them.
    ///
    /// The check fails when neither exists; it is inconclusive when a dashboard file could not
    /// be parsed and nothing else shows a dashboard.
    ///
    /// ## Why it matters
    /// The first minutes of an incident are spent answering "is it us, and since when?". A
    /// dashboard built before launch answers that in one glance; one built during the incident
    /// is built by the person who should be fixing it, from metrics they have never looked at.
    ///
    /// ## How to fix
    /// Build a dashboard with the service's golden signals (request rate, error rate, latency
    /// percentiles, saturation) and its dependencies' health. Keep its JSON model in the
    /// repository (provisioned by the Grafana sidecar from a ConfigMap labelled
    /// `grafana_dashboard: "1"`, or by a `GrafanaDashboard` resource), or list its URL:
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
    /// ```json passes path=dashboards/checkout.json
    /// {
    ///   "title": "Checkout overview",
    ///   "uid": "checkout-overview",
    ///   "schemaVersion": 39,
    ///   "panels": [
    ///     {
    ///       "type": "timeseries",
    ///       "title": "Error ratio",
    ///       "targets": [{"expr": "sum(rate(http_requests_total{job=\"checkout\",code=~\"5..\"}[5m])) / sum(rate(http_requests_total{job=\"checkout\"}[5m]))"}]
    ///     }
    ///   ]
    /// }
    /// ```
    ///
    /// ## References
    /// Seed 002, "Dashboards for the service"; seed 003, "Observability: dashboards"; Google SRE
    /// book, "Monitoring Distributed Systems" (the four golden signals); Grafana documentation,
    /// "Dashboard JSON model" and "Provision dashboards"; grafana-operator API,
    /// `GrafanaDashboard`.
    pub struct DashboardsPresent {
        id: "OBS-013", slug: "dashboards-present", category: Observability, severity: Minor,
        tiers: [Required, Recommended, Skipped], evidence: "M D", effort: 4,
    }
}

impl Evaluate for DashboardsPresent {
    fn evaluate(&self, cx: &CheckContext<'_>) -> Outcome {
        let declared: Vec<Finding> = cx
            .manifest
            .claims
            .dashboards
            .iter()
            .enumerate()
            .map(|(i, d)| {
                Finding::new(format!("declared dashboard `{d}`"))
                    .at(at(cx, &format!("/claims/dashboards/{i}")))
            })
            .collect();
        let found: Vec<Finding> = cx
            .evidence
            .dashboards
            .dashboards
            .iter()
            .map(describe)
            .collect();
        if !found.is_empty() {
            let mut evidence = in_report_order(found);
            evidence.extend(declared);
            return Outcome::proven(evidence);
        }
        if !declared.is_empty() {
            return Outcome::attested(declared);
        }
        let unreadable: Vec<Finding> = cx
            .evidence
            .errors
            .iter()
            .filter(|e| e.kind == FileKind::Dashboard)
            .map(launchgate_evidence::EvidenceError::finding)
            .collect();
        if !unreadable.is_empty() {
            return Outcome::inconclusive_with(
                "no dashboard could be read, and none is declared".to_string(),
                unreadable,
            );
        }
        if !cx.evidence.scanned {
            return Outcome::inconclusive(NOT_SCANNED);
        }
        Outcome::fail(vec![
            Finding::new(
                "no dashboard for the service: none in the repository (Grafana dashboard JSON, a `grafana_dashboard` ConfigMap, a GrafanaDashboard resource) and `claims.dashboards` lists no URL",
            )
            .at(at(cx, "/claims/dashboards")),
        ])
    }
}

/// A dashboard as evidence: ``Grafana dashboard `Checkout` (uid `co`, 12 panels)``.
fn describe(d: &Dashboard) -> Finding {
    let mut details = Vec::new();
    if d.title.is_some()
        && let Some(u) = &d.uid
    {
        details.push(format!("uid `{u}`"));
    }
    if let Some(x) = &d.external {
        details.push(x.clone());
    } else {
        details.push(format!(
            "{} panel{}",
            d.panels,
            if d.panels == 1 { "" } else { "s" }
        ));
    }
    // Without a title or uid the name already says where the dashboard comes from.
    let named = d.title.is_some() || d.uid.is_some();
    let source = match &d.origin {
        DashboardOrigin::ConfigMap { name, key } if named => {
            format!(" in ConfigMap `{name}` key `{key}`")
        }
        DashboardOrigin::GrafanaDashboard(n) if named => {
            format!(" in GrafanaDashboard `{n}`")
        }
        _ => String::new(),
    };
    let at = d.title.as_ref().map_or(&d.loc, |t| &t.loc);
    let what = if !named && matches!(d.origin, DashboardOrigin::GrafanaDashboard(_)) {
        String::new()
    } else {
        "Grafana dashboard ".to_string()
    };
    Finding::new(format!(
        "{what}{}{source} ({})",
        d.name(),
        details.join(", ")
    ))
    .at(Some(at.location()))
}
