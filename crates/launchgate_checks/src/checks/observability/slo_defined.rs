//! OBS-010 slo-defined: At least one availability SLO and one latency SLO are declared, each with
//! an objective and a compliance window.

use launchgate_core::{Finding, Outcome};
use launchgate_evidence::{EvidenceError, FileKind};
use launchgate_manifest::{Slo, SloKind};

use crate::kit::finish::in_report_order;
use crate::kit::manifest::at;
use crate::kit::slo::{same_slo, service_specs};
use crate::{CheckContext, Evaluate, declare_check};

declare_check! {
    /// ## What it checks
    /// At least one availability SLO and one latency SLO are declared, each with an objective
    /// and a compliance window: under `slos` in the manifest, or in SLO spec files in the
    /// repository (a Sloth `prometheus/v1` spec or `PrometheusServiceLevel`, an OpenSLO `SLO`, a
    /// Pyrra `ServiceLevelObjective`) for this service (a spec that names another `service` is
    /// not counted). A spec in the repository proves the SLO; the manifest alone attests it.
    ///
    /// - A manifest SLO and a spec for the same SLO (same name, or the spec's name prefixed with
    ///   the service) whose objectives differ contradict each other: the check fails and names
    ///   both.
    /// - Sloth specs carry no window and use Sloth's default of 30 days; OpenSLO and Pyrra specs
    ///   need `timeWindow` / `window`.
    /// - A spec that cannot be read (no objective, an objective that is not a percentage or
    ///   fraction) makes the check inconclusive instead of passing or failing on what is left.
    ///
    /// ## Why it matters
    /// Without an objective there is no definition of "working": no error budget to spend on
    /// launches, no threshold for paging, no way to say whether last week was good. Availability
    /// alone misses the service that answers every request in nine seconds; latency alone misses
    /// the one that fails fast. An objective without a window (28 days? one hour?) cannot be
    /// measured or alerted on.
    ///
    /// ## How to fix
    /// Declare one SLO of each kind, with the target percentage and the window it is measured
    /// over. A latency SLO needs `latency.threshold_ms` (and usually a `percentile`); `kind` may
    /// be left out, since an SLO with `latency` is a latency SLO and one without is an
    /// availability SLO. If the SLOs already live in OpenSLO, Sloth or Pyrra specs, keep them
    /// there (launchgate reads them), and keep any manifest copy at the same objective.
    ///
    /// ## Example
    /// ```yaml fails
    /// slos:
    ///   - name: checkout-availability
    ///     objective: 99.9          # no window, and no latency SLO at all
    /// ```
    /// ```yaml passes
    /// slos:
    ///   - name: checkout-availability
    ///     objective: 99.9
    ///     window: 28d
    ///   - name: checkout-latency
    ///     objective: 99
    ///     window: 28d
    ///     latency: {threshold_ms: 400, percentile: 99}
    /// ```
    /// ```yaml passes path=slo/checkout.yaml
    /// version: "prometheus/v1"
    /// service: "example"
    /// slos:
    ///   - name: requests-availability
    ///     objective: 99.9
    ///     sli:
    ///       events:
    ///         errorQuery: sum(rate(http_requests_total{job="checkout",code=~"5.."}[{{.window}}]))
    ///         totalQuery: sum(rate(http_requests_total{job="checkout"}[{{.window}}]))
    ///   - name: requests-latency
    ///     objective: 99
    ///     sli:
    ///       events:
    ///         errorQuery: sum(rate(http_request_duration_seconds_count{job="checkout"}[{{.window}}])) - sum(rate(http_request_duration_seconds_bucket{job="checkout",le="0.4"}[{{.window}}]))
    ///         totalQuery: sum(rate(http_request_duration_seconds_count{job="checkout"}[{{.window}}]))
    /// ```
    /// ```yaml fails path=slo/checkout.yaml
    /// apiVersion: openslo/v1
    /// kind: SLO
    /// metadata:
    ///   name: checkout-availability
    /// spec:
    ///   service: example
    ///   timeWindow:
    ///     - duration: 28d
    ///       isRolling: true
    ///   objectives:
    ///     - target: 0.995        # the manifest says 99.9
    /// ```
    /// ```yaml with path=launchgate.yaml
    /// service: example
    /// tier: 0
    /// exposure: public
    /// data: persistent
    /// slos:
    ///   - name: checkout-availability
    ///     objective: 99.9
    ///     window: 28d
    ///   - name: checkout-latency
    ///     objective: 99
    ///     window: 28d
    ///     latency: {threshold_ms: 400, percentile: 99}
    /// ```
    ///
    /// ## References
    /// Seed 002, "SLOs defined (availability, latency)"; Google SRE book, "Service Level
    /// Objectives"; The Site Reliability Workbook, "Implementing SLOs"; OpenSLO specification;
    /// Sloth and Pyrra documentation (spec formats).
    pub struct SloDefined {
        id: "OBS-010", slug: "slo-defined", category: Observability, severity: Blocker,
        tiers: [Required, Required, Recommended], evidence: "D M", effort: 8,
    }
}

fn kind_name(k: SloKind) -> &'static str {
    match k {
        SloKind::Availability => "availability",
        SloKind::Latency => "latency",
        SloKind::Freshness => "freshness",
        SloKind::Correctness => "correctness",
        SloKind::Throughput => "throughput",
    }
}

fn describe(s: &Slo) -> String {
    let kind = s.effective_kind();
    let target = match (&s.latency, kind) {
        (Some(l), SloKind::Latency) => match l.percentile {
            Some(p) => format!(" (p{p} under {} ms)", l.threshold_ms),
            None => format!(" (under {} ms)", l.threshold_ms),
        },
        _ => String::new(),
    };
    let window = s
        .window
        .map_or_else(|| "no window".to_string(), |w| format!("over {w}"));
    format!(
        "{} SLO `{}`{target}: {}% {window}",
        kind_name(kind),
        s.name,
        s.objective
    )
}

impl Evaluate for SloDefined {
    fn evaluate(&self, cx: &CheckContext<'_>) -> Outcome {
        let slos = &cx.manifest.slos;
        let (specs, others) = service_specs(cx);
        let mut findings = Vec::new();
        let mut missing_kinds = 0;
        for (kind, example) in [
            (SloKind::Availability, "`objective: 99.9`, `window: 28d`"),
            (
                SloKind::Latency,
                "`objective: 99`, `window: 28d`, `latency: {threshold_ms: 300, percentile: 99}`",
            ),
        ] {
            if !slos.iter().any(|s| s.effective_kind() == kind)
                && !specs.iter().any(|s| s.kind == kind)
            {
                let name = kind_name(kind);
                let declared = match slos.len() {
                    0 => "`slos` is empty".to_string(),
                    1 => "the only declared SLO is of another kind".to_string(),
                    n => format!("none of the {n} declared SLOs is one"),
                };
                let in_specs = match specs.len() {
                    0 => String::new(),
                    n => format!(
                        ", nor any of the {n} SLO spec{} in the repository",
                        if n == 1 { "" } else { "s" }
                    ),
                };
                let elsewhere = others.first().map_or_else(String::new, |o| {
                    format!(
                        " (SLO specs for other services were found, e.g. {} for service `{}` at {})",
                        o.describe(),
                        o.service.as_deref().unwrap_or(""),
                        o.loc
                    )
                });
                missing_kinds += 1;
                findings.push(
                    Finding::new(format!(
                        "no {name} SLO is declared ({declared}{in_specs}){elsewhere}; add one, e.g. {example}"
                    ))
                    .at(at(cx, "/slos")),
                );
            }
        }
        for (i, s) in slos.iter().enumerate() {
            if s.window.is_none() {
                findings.push(
                    Finding::new(format!(
                        "{} SLO `{}` ({}%) has no `window`: an objective without a compliance window cannot be measured",
                        kind_name(s.effective_kind()),
                        s.name,
                        s.objective
                    ))
                    .at(at(cx, &format!("/slos/{i}"))),
                );
            }
            for spec in specs.iter().filter(|p| same_slo(cx, &s.name, p)) {
                if (spec.objective.value - s.objective).abs() > 1e-9 {
                    findings.push(
                        Finding::new(format!(
                            "the manifest declares SLO `{}` at {}% but the {} at {} declares {}%: one of them is wrong; make them agree",
                            s.name,
                            s.objective,
                            spec.describe(),
                            spec.objective.loc,
                            spec.objective.value
                        ))
                        .at(at(cx, &format!("/slos/{i}/objective")))
                        .related(Some(spec.objective.loc.location())),
                    );
                }
            }
        }
        for spec in &specs {
            if spec.window_seconds.is_none() {
                findings.push(
                    Finding::new(format!(
                        "{} {} ({}%) has no time window: an objective without a compliance window cannot be measured; add one (`timeWindow` / `window`, e.g. 28d)",
                        kind_name(spec.kind),
                        spec.describe(),
                        spec.objective.value
                    ))
                    .at(Some(spec.loc.location())),
                );
            }
        }
        let gaps: Vec<Finding> = cx
            .evidence
            .errors
            .iter()
            .filter(|e| e.kind == FileKind::SloSpec)
            .map(EvidenceError::finding)
            .chain(
                cx.evidence
                    .not_evaluated
                    .iter()
                    .filter(|n| n.kind == FileKind::SloSpec)
                    .map(|n| Finding::new(n.reason.clone()).at(Some(n.loc.location()))),
            )
            .collect();
        // A missing SLO may be in a spec that could not be read; a contradiction or a missing
        // window stands whatever the unreadable specs say.
        if !gaps.is_empty() && findings.len() == missing_kinds {
            let n = gaps.len();
            return Outcome::inconclusive_with(
                format!(
                    "{n} SLO spec{} could not be read",
                    if n == 1 { "" } else { "s" }
                ),
                in_report_order(gaps),
            );
        }
        if !findings.is_empty() {
            return Outcome::fail(in_report_order(findings));
        }
        let mut evidence: Vec<Finding> = slos
            .iter()
            .enumerate()
            .map(|(i, s)| Finding::new(describe(s)).at(at(cx, &format!("/slos/{i}"))))
            .collect();
        if specs.is_empty() {
            return Outcome::attested(evidence);
        }
        evidence.extend(specs.iter().map(|s| {
            Finding::new(format!(
                "{} {}: {}% over {}",
                kind_name(s.kind),
                s.describe(),
                s.objective.value,
                s.window
                    .as_ref()
                    .map_or_else(|| "30d (Sloth's default)".to_string(), |w| w.value.clone())
            ))
            .at(Some(s.loc.location()))
        }));
        Outcome::proven(evidence)
    }
}
