//! OBS-011 slo-burn-rate-alerts: Every declared availability SLO (under `slos` in the manifest, or
//! in an OpenSLO, Sloth or Pyrra spec for this service) is guarded by multiwindow, multi-burn-rate
//! alerts whose thresholds fit its objective.

use launchgate_core::{Finding, Location, Outcome};
use launchgate_evidence::prometheus::Rule;
use launchgate_evidence::prometheus::burn_rate::{
    BurnRateReport, ExpectedPair, duration, number, slo_link, verify_burn_rate,
};
use launchgate_manifest::SloKind;

use crate::kit::finish::{NOT_SCANNED, conclude, in_report_order};
use crate::kit::manifest::at;
use crate::kit::slo::{same_slo, service_specs};
use crate::{CheckContext, Evaluate, declare_check};

declare_check! {
    /// ## What it checks
    /// Every declared availability SLO (under `slos` in the manifest, or in an OpenSLO, Sloth or
    /// Pyrra spec for this service) is guarded by multiwindow, multi-burn-rate alerts whose
    /// thresholds fit its objective. A burn-rate pair is an alert condition
    /// `(error_ratio_over_long_window > T) and (error_ratio_over_short_window > T)`, with
    /// `T = factor × (1 − objective)`; several pairs may be `or`-joined in one alert, as Sloth
    /// generates them, or be one alert each, as Pyrra does. The windows are read from the
    /// range selectors (`[1h]`), from the recording rule names (`slo:sli_error:ratio_rate1h`,
    /// `..:burnrate1h`) or from the recording rules themselves; thresholds may be written as
    /// arithmetic (`14.4 * (1 - 0.999)`).
    ///
    /// - The two page pairs must exist: 14.4 over 1h/5m and 6 over 6h/30m (SRE workbook,
    ///   Sloth; Sloth's 28-day factors 13.44 and 5.6 are accepted for a 28-day window), or
    ///   Pyrra's 14 over 1h/5m and 7 over 6h/30m (windows scaled to the SLO window). Factors
    ///   and windows are accepted within 5 %.
    /// - The ticket pairs (3 over 1d/2h and 1 over 3d/6h; Pyrra 2 over 1d/2h and 1 over 4d/6h)
    ///   are recommended: their absence is a note in the evidence, not a failure.
    /// - A pair with the right windows and a threshold that does not fit the objective fails at
    ///   the alert's `expr:`, saying which objective the thresholds were written for when a
    ///   common one fits ("thresholds assume 99% but the SLO is 99.9%").
    ///
    /// The service's alerts are those the manifest's `alerts.selectors` select (all alerts
    /// without selectors). When several SLOs are declared, alerts labelled `slo` or
    /// `sloth_slo` (or selecting such a label) count for the SLO they name only.
    ///
    /// ## Why it matters
    /// A static error-rate threshold either pages on every blip or sleeps through a slow leak
    /// that spends the month's budget in a week. Burn-rate pairs page when the budget burns
    /// fast and the short window confirms it is still burning. Thresholds copied from another
    /// service with another objective are off by a factor of ten: a 99% threshold on a 99.9%
    /// SLO pages only after the budget is gone ten times over; the other way round, it pages on
    /// noise.
    ///
    /// ## How to fix
    /// Generate the rules from the SLO with Sloth or Pyrra, or write the pairs by hand with the
    /// objective's own budget: for 99.9%, `14.4 * (1 - 0.999)` over 1h and 5m and
    /// `6 * (1 - 0.999)` over 6h and 30m, routed to the pager; add 3 over 1d/2h and 1 over
    /// 3d/6h as tickets. When the objective changes, regenerate the rules.
    ///
    /// ## Example
    /// ```yaml passes path=monitoring/slo-alerts.yml
    /// groups:
    ///   - name: checkout-slo
    ///     rules:
    ///       - alert: CheckoutErrorBudgetBurn
    ///         expr: |
    ///           (
    ///             sum(rate(http_requests_total{job="checkout",code=~"5.."}[1h])) / sum(rate(http_requests_total{job="checkout"}[1h])) > 14.4 * (1 - 0.999)
    ///             and
    ///             sum(rate(http_requests_total{job="checkout",code=~"5.."}[5m])) / sum(rate(http_requests_total{job="checkout"}[5m])) > 14.4 * (1 - 0.999)
    ///           )
    ///           or
    ///           (
    ///             sum(rate(http_requests_total{job="checkout",code=~"5.."}[6h])) / sum(rate(http_requests_total{job="checkout"}[6h])) > 6 * (1 - 0.999)
    ///             and
    ///             sum(rate(http_requests_total{job="checkout",code=~"5.."}[30m])) / sum(rate(http_requests_total{job="checkout"}[30m])) > 6 * (1 - 0.999)
    ///           )
    ///         labels:
    ///           severity: page
    /// ```
    /// ```yaml with path=launchgate.yaml
    /// service: checkout
    /// tier: 0
    /// exposure: public
    /// data: persistent
    /// slos:
    ///   - name: checkout-availability
    ///     objective: 99.9
    ///     window: 30d
    /// ```
    /// ```yaml fails path=monitoring/slo-alerts.yml
    /// groups:
    ///   - name: checkout-slo
    ///     rules:
    ///       - alert: CheckoutErrorBudgetBurn
    ///         # written for 99%: ten times too late for 99.9%, and no 6h/30m pair
    ///         expr: |
    ///           sum(rate(http_requests_total{job="checkout",code=~"5.."}[1h])) / sum(rate(http_requests_total{job="checkout"}[1h])) > 14.4 * (1 - 0.99)
    ///           and
    ///           sum(rate(http_requests_total{job="checkout",code=~"5.."}[5m])) / sum(rate(http_requests_total{job="checkout"}[5m])) > 14.4 * (1 - 0.99)
    ///         labels:
    ///           severity: page
    /// ```
    /// ```yaml with path=launchgate.yaml
    /// service: checkout
    /// tier: 0
    /// exposure: public
    /// data: persistent
    /// slos:
    ///   - name: checkout-availability
    ///     objective: 99.9
    ///     window: 30d
    /// ```
    ///
    /// ## References
    /// Seed 002, "SLO burn-rate alerts"; The Site Reliability Workbook, "Alerting on SLOs"
    /// (table 5-8, multiwindow multi-burn-rate alerts); Sloth documentation (generated alerts);
    /// Pyrra source, `slo/rules.go` (`Windows`: factors 14, 7, 2 and 1 over windows scaled
    /// from 28 days).
    pub struct SloBurnRateAlerts {
        id: "OBS-011", slug: "slo-burn-rate-alerts", category: Observability, severity: Major,
        tiers: [Required, Recommended, Skipped], evidence: "P D", effort: 4,
    }
}

/// The evidence letters this check reads from the repository.
const LETTERS: &str = "P";

/// An availability SLO to guard.
struct Declared {
    name: String,
    objective: f64,
    window: Option<u64>,
    loc: Option<Location>,
}

fn declared(cx: &CheckContext<'_>) -> Vec<Declared> {
    let mut out: Vec<Declared> = cx
        .manifest
        .slos
        .iter()
        .enumerate()
        .filter(|(_, s)| s.effective_kind() == SloKind::Availability)
        .map(|(i, s)| Declared {
            name: s.name.clone(),
            objective: s.objective,
            window: s.window.map(|w| w.minutes() * 60),
            loc: at(cx, &format!("/slos/{i}")),
        })
        .collect();
    let (specs, _) = service_specs(cx);
    for spec in specs {
        if spec.kind != SloKind::Availability
            || cx.manifest.slos.iter().any(|s| same_slo(cx, &s.name, spec))
        {
            continue;
        }
        out.push(Declared {
            name: spec.name.value.clone(),
            objective: spec.objective.value,
            window: spec.window_seconds,
            loc: Some(spec.loc.location()),
        });
    }
    out
}

/// `(error_ratio_1h > 14.4 * (1 - 0.999)) and (error_ratio_5m > 14.4 * (1 - 0.999))`.
fn example_pair(e: &ExpectedPair, objective: f64) -> String {
    let t = e.threshold_expr(objective);
    format!(
        "`(error_ratio_{} > {t}) and (error_ratio_{} > {t})`",
        duration(e.long),
        duration(e.short)
    )
}

impl Evaluate for SloBurnRateAlerts {
    fn evaluate(&self, cx: &CheckContext<'_>) -> Outcome {
        let slos = declared(cx);
        if slos.is_empty() {
            return Outcome::not_applicable(
                "no availability SLO is declared (manifest `slos`, or an OpenSLO, Sloth or Pyrra spec for this service), so there is no objective to check burn-rate alerts against",
            );
        }
        if !cx.evidence.scanned {
            return Outcome::inconclusive(NOT_SCANNED);
        }
        let p = &cx.evidence.prometheus;
        let alerts = p.service_alerts(&cx.manifest.alerts);
        let recording: Vec<&Rule> = p.recording_rules().collect();
        let names: Vec<String> = slos.iter().map(|d| d.name.to_ascii_lowercase()).collect();

        let mut misscaled = Vec::new();
        let mut missing = Vec::new();
        let mut evidence = Vec::new();
        for d in &slos {
            let own = d.name.to_ascii_lowercase();
            // Alerts tied to another declared SLO do not count for this one.
            let candidates: Vec<&Rule> = alerts
                .iter()
                .copied()
                .filter(|a| {
                    slo_link(a).is_none_or(|l| {
                        let l = l.to_ascii_lowercase();
                        l == own || !names.contains(&l)
                    })
                })
                .collect();
            let report = verify_burn_rate(d.objective, d.window, &candidates, &recording);
            judge(d, &report, &mut misscaled, &mut missing, &mut evidence);
        }

        if !misscaled.is_empty() {
            misscaled.extend(missing);
            return Outcome::fail(in_report_order(misscaled));
        }
        if !missing.is_empty() {
            // A missing pair may be in a rule file that could not be read.
            return match conclude(cx, LETTERS, Vec::new(), vec![Finding::new("")], "") {
                Outcome::Pass { .. } => Outcome::fail(in_report_order(missing)),
                other => other,
            };
        }
        conclude(cx, LETTERS, Vec::new(), in_report_order(evidence), "")
    }
}

fn judge(
    d: &Declared,
    report: &BurnRateReport,
    misscaled: &mut Vec<Finding>,
    missing: &mut Vec<Finding>,
    evidence: &mut Vec<Finding>,
) {
    let slo = format!("SLO `{}` ({}%)", d.name, number(d.objective));
    for m in &report.misscaled {
        misscaled.push(
            Finding::new(format!("{slo}: {}", m.message))
                .at(Some(m.pair.loc.location()))
                .related(d.loc.clone()),
        );
    }
    // A missing pair belongs in the burn-rate alert that exists, else at the SLO.
    let anchor = report
        .pairs
        .iter()
        .find(|p| p.matched.is_some())
        .or(report.pairs.first())
        .map_or_else(|| d.loc.clone(), |p| Some(p.loc.location()));
    for e in &report.missing {
        if e.slot.pages() {
            let f = Finding::new(format!(
                "{slo} has no burn-rate pair {e}: add {}",
                example_pair(e, d.objective)
            ))
            .at(anchor.clone());
            missing.push(if anchor == d.loc {
                f
            } else {
                f.related(d.loc.clone())
            });
        } else {
            evidence.push(
                Finding::new(format!(
                    "note: {slo} has no burn-rate pair {e} (recommended, not required): {}",
                    example_pair(e, d.objective)
                ))
                .at(d.loc.clone()),
            );
        }
    }
    for (pair, e) in report.matched() {
        evidence.push(
            Finding::new(format!(
                "{slo}: alert `{}` has the {} pair {} at {} ({} × the error budget)",
                pair.alert,
                e.slot.severity(),
                pair.windows(),
                number(pair.threshold),
                number(pair.factor)
            ))
            .at(Some(pair.loc.location())),
        );
    }
}
