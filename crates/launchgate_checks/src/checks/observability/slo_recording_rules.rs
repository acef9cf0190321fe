//! OBS-012 slo-recording-rules: Prometheus recording rules of this service compute its SLI, error
//! ratio, burn rate or error budget.

use launchgate_core::{Finding, Outcome};
use launchgate_evidence::prometheus::burn_rate::sli_record;

use crate::kit::finish::{conclude, in_report_order, missing};
use crate::kit::manifest::at;
use crate::{CheckContext, Evaluate, declare_check};

declare_check! {
    /// ## What it checks
    /// Prometheus recording rules of this service compute its SLI, error ratio, burn rate or
    /// error budget. A recording rule counts when its name says so (`slo:sli_error:ratio_rate5m`
    /// as Sloth writes it, Pyrra's `<metric>:burnrate5m`, `..error_budget..`, `..errors..ratio..`)
    /// or when its expression is a ratio (or `1 - ratio`) whose numerator selects failed
    /// requests (a 5xx or error status, `grpc_code!="OK"`, an `errors` metric) or good ones (a 2xx
    /// status, a histogram bucket under a latency threshold). Rules whose expression is a
    /// constant, such as `slo:objective:ratio`, do not count.
    ///
    /// The service's recording rules are those the manifest's `alerts.selectors` select (all
    /// rules without selectors).
    ///
    /// ## Why it matters
    /// Burn-rate alerts over 6 hours or 3 days, and dashboards over 28 days, are expensive and
    /// slow when every evaluation recomputes raw request rates; recording the error ratio per
    /// window keeps them cheap and makes the SLI one named, reviewable series that alerts,
    /// dashboards and reports share.
    ///
    /// ## How to fix
    /// Generate the recording rules from the SLO with Sloth or Pyrra, or record the error ratio
    /// per window by hand: `record: slo:sli_error:ratio_rate5m` with
    /// `sum(rate(http_requests_total{job="checkout",code=~"5.."}[5m])) /
    /// sum(rate(http_requests_total{job="checkout"}[5m]))`, and the same for 30m, 1h, 2h, 6h, 1d
    /// and 3d.
    ///
    /// ## Example
    /// ```yaml passes path=monitoring/slo-recordings.yml
    /// groups:
    ///   - name: checkout-sli
    ///     rules:
    ///       - record: slo:sli_error:ratio_rate5m
    ///         expr: sum(rate(http_requests_total{job="checkout",code=~"5.."}[5m])) / sum(rate(http_requests_total{job="checkout"}[5m]))
    ///       - record: slo:sli_error:ratio_rate1h
    ///         expr: sum(rate(http_requests_total{job="checkout",code=~"5.."}[1h])) / sum(rate(http_requests_total{job="checkout"}[1h]))
    /// ```
    /// ```yaml fails path=monitoring/recordings.yml
    /// groups:
    ///   - name: checkout
    ///     rules:
    ///       - record: instance:cpu_utilisation:rate5m    # not an SLI
    ///         expr: 1 - avg by (instance) (rate(node_cpu_seconds_total{mode="idle"}[5m]))
    /// ```
    ///
    /// ## References
    /// Seed 002, "SLO recording rules"; The Site Reliability Workbook, "Alerting on SLOs";
    /// Prometheus documentation, "Recording rules" (naming `level:metric:operations`); Sloth
    /// and Pyrra documentation (generated recording rules).
    pub struct SloRecordingRules {
        id: "OBS-012", slug: "slo-recording-rules", category: Observability, severity: Minor,
        tiers: [Required, Recommended, Skipped], evidence: "P", effort: 2,
    }
}

/// The evidence letters this check reads from the repository.
const LETTERS: &str = "P";

impl Evaluate for SloRecordingRules {
    fn evaluate(&self, cx: &CheckContext<'_>) -> Outcome {
        let rules = cx
            .evidence
            .prometheus
            .service_recording_rules(&cx.manifest.alerts);
        let evidence: Vec<Finding> = rules
            .iter()
            .filter_map(|r| {
                sli_record(r).map(|k| {
                    Finding::new(format!(
                        "recording rule `{}` computes the {}",
                        r.name.value,
                        k.name()
                    ))
                    .at(Some(r.name.loc.location()))
                })
            })
            .collect();
        if !evidence.is_empty() {
            return conclude(cx, LETTERS, Vec::new(), in_report_order(evidence), "");
        }
        let seen = match rules.len() {
            0 => "no recording rule of this service was found".to_string(),
            n => {
                let names: Vec<String> = rules
                    .iter()
                    .take(3)
                    .map(|r| format!("`{}`", r.name.value))
                    .collect();
                format!(
                    "none of its {n} recording rule{} ({}{}) computes an error ratio, SLI, burn rate or error budget",
                    if n == 1 { "" } else { "s" },
                    names.join(", "),
                    if n > 3 { ", ..." } else { "" }
                )
            }
        };
        missing(
            cx,
            LETTERS,
            Finding::new(format!(
                "no recording rule computes the SLI: {seen}; record the error ratio per window, e.g. `slo:sli_error:ratio_rate5m` = errors / requests over [5m] (Sloth and Pyrra generate these)"
            ))
            .at(at(cx, "/slos")),
        )
    }
}
