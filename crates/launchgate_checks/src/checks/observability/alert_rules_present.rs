//! OBS-005 alert-rules-present: Alerting rules exist for the service.

use launchgate_core::{Finding, Outcome};
use launchgate_manifest::AlertSelection;

use crate::kit::alerts::{alert_name, count, selector_text, service_alerts};
use crate::kit::finish::{NOT_SCANNED, in_report_order};
use crate::kit::manifest::at;
use crate::{CheckContext, Evaluate, declare_check};

declare_check! {
    /// ## What it checks
    /// Alerting rules exist for the service: Prometheus rule files (`groups:`),
    /// PrometheusRule resources, or rule files inside ConfigMaps hold at least one `alert:`
    /// that belongs to it. Which alerts belong to the service is said by the manifest's
    /// `alerts.selectors` (label sets such as `{job: orders-api}`): an alert belongs when, for
    /// one set, every label is on the alert or pinned by a selector in its expression
    /// (`up{job="orders-api"}`). Without selectors every alert in the repository counts.
    ///
    /// When nothing matches, the finding says which selectors matched nothing and how many
    /// alerts the repository has in total, so a typo in a selector is told apart from missing
    /// alerts. A rule file that cannot be read makes the check inconclusive, never a pass or a
    /// failure: the alerts may be in it.
    ///
    /// Alerts are Prometheus alerting rules (rule files, PrometheusRule resources, rules in
    /// ConfigMaps) and Grafana alert rules from unified-alerting provisioning files (their
    /// `title` is the alert's name, their labels and annotations are the rule's).
    ///
    /// ## Why it matters
    /// Without alerts, the first to know about an outage are the users. Dashboards and logs
    /// help only someone who is already looking.
    ///
    /// ## How to fix
    /// Write alerting rules for the service next to its code (a rule file or a
    /// PrometheusRule), starting with its error rate and latency, and tell launchgate how to
    /// find them: `alerts: {selectors: [{job: orders-api}]}` when the repository holds rules
    /// of other services too.
    ///
    /// ## Example
    /// ```yaml passes path=monitoring/rules.yml
    /// groups:
    ///   - name: orders-api
    ///     rules:
    ///       - alert: OrdersApiDown
    ///         expr: up{job="orders-api"} == 0
    ///         for: 5m
    ///         labels:
    ///           severity: page
    ///         annotations:
    ///           summary: orders-api is not being scraped
    /// ```
    /// ```yaml fails path=monitoring/rules.yml
    /// groups:
    ///   - name: orders-api
    ///     rules:
    ///       - record: job:http_requests:rate5m
    ///         expr: sum by (job) (rate(http_requests_total{job="orders-api"}[5m]))
    /// ```
    ///
    /// ## References
    /// Seed 003, "Alerting: alert rules defined"; Prometheus documentation, "Alerting rules";
    /// Prometheus Operator, "PrometheusRule".
    pub struct AlertRulesPresent {
        id: "OBS-005", slug: "alert-rules-present", category: Observability, severity: Blocker,
        tiers: [Required, Required, Recommended], evidence: "P", effort: 3,
    }
}

impl Evaluate for AlertRulesPresent {
    fn evaluate(&self, cx: &CheckContext<'_>) -> Outcome {
        if !cx.evidence.scanned {
            return Outcome::inconclusive(NOT_SCANNED);
        }
        let selection = &cx.manifest.alerts;
        let total = cx.evidence.prometheus.alerts().count();
        let mine = service_alerts(cx);
        // Selectors that match no alert at all: a typo, or alerts that are missing.
        let unmatched: Vec<(usize, String)> = selection
            .selectors
            .iter()
            .enumerate()
            .filter(|(_, set)| {
                let one = AlertSelection {
                    selectors: vec![(*set).clone()],
                };
                cx.evidence.prometheus.service_alerts(&one).is_empty()
            })
            .map(|(i, set)| (i, selector_text(set)))
            .collect();

        if !mine.is_empty() {
            let mut evidence: Vec<Finding> = mine
                .iter()
                .map(|r| {
                    Finding::new(format!(
                        "{} (group `{}`) belongs to the service",
                        alert_name(r),
                        r.group
                    ))
                    .at(Some(r.loc.location()))
                    .resource(alert_name(r))
                })
                .collect();
            for (i, text) in &unmatched {
                evidence.push(
                    Finding::new(format!(
                        "selector {text} matches none of the {} in the repository",
                        count(total, "alert")
                    ))
                    .at(at(cx, &format!("/alerts/selectors/{i}"))),
                );
            }
            return Outcome::proven(in_report_order(evidence));
        }

        let gaps = cx.evidence.gaps("P");
        if !gaps.is_empty() {
            let n = gaps.len();
            return Outcome::inconclusive_with(
                format!(
                    "no alert of the service was found, and {} that may hold alerts could not be evaluated",
                    count(n, "rule file")
                ),
                gaps,
            );
        }
        let failures = if selection.selectors.is_empty() {
            let what = if cx.evidence.prometheus.rules.is_empty() {
                "no alerting rules found: the repository has no Prometheus rule file, PrometheusRule or rules ConfigMap".to_string()
            } else {
                format!(
                    "no alerting rules found: the repository's rule files hold only {}",
                    count(cx.evidence.prometheus.rules.len(), "recording rule")
                )
            };
            vec![
                Finding::new(format!(
                    "{what}; write alerts for the service's error rate, latency and availability"
                ))
                .at(at(cx, "/alerts")),
            ]
        } else {
            unmatched
                .iter()
                .map(|(i, text)| {
                    Finding::new(format!(
                        "selector {text} matches none of the {} in the repository; fix the selector or write the service's alerts",
                        count(total, "alert")
                    ))
                    .at(at(cx, &format!("/alerts/selectors/{i}")))
                })
                .collect()
        };
        Outcome::fail(in_report_order(failures))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use launchgate_core::Outcome;

    use crate::fixture::run;

    #[test]
    fn unmatched_selectors_are_named_with_the_alert_count() {
        let Outcome::Fail { findings, .. } = run("OBS-005", "fail_selectors_match_nothing") else {
            panic!("expected a failure");
        };
        let messages: Vec<&str> = findings.iter().map(|f| f.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "selector {job: order-api} matches none of the 2 alerts in the repository; fix the selector or write the service's alerts",
                "selector {namespace: shop, service: orders} matches none of the 2 alerts in the repository; fix the selector or write the service's alerts",
            ]
        );
    }

    #[test]
    fn a_pass_lists_the_alerts_and_notes_idle_selectors() {
        let Outcome::Pass { evidence, .. } = run("OBS-005", "pass_selected_by_job") else {
            panic!("expected a pass");
        };
        let messages: Vec<&str> = evidence.iter().map(|f| f.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "selector {team: orders} matches none of the 2 alerts in the repository",
                "alert `OrdersApiHighErrorRate` (group `orders-api`) belongs to the service",
            ]
        );
    }
}
