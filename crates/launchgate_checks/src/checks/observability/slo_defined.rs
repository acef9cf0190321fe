use launchgate_core::{Finding, Outcome};
use launchgate_manifest::{Slo, SloKind};

use crate::support::at;
use crate::{Check, CheckContext, CheckMeta, declare_check};

declare_check! {
    /// ## What it checks
    /// At least one availability SLO and one latency SLO are declared under `slos`, each with an
    /// `objective` and a compliance `window`.
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
    /// availability SLO.
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
    ///
    /// ## References
    /// Seed 002, "SLOs defined (availability, latency)"; Google SRE book, "Service Level
    /// Objectives"; The Site Reliability Workbook, "Implementing SLOs"; OpenSLO specification.
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

impl Check for SloDefined {
    fn meta(&self) -> &CheckMeta {
        &Self::META
    }

    fn evaluate(&self, cx: &CheckContext<'_>) -> Outcome {
        let slos = &cx.manifest.slos;
        let mut findings = Vec::new();
        for (kind, example) in [
            (SloKind::Availability, "`objective: 99.9`, `window: 28d`"),
            (
                SloKind::Latency,
                "`objective: 99`, `window: 28d`, `latency: {threshold_ms: 300, percentile: 99}`",
            ),
        ] {
            if !slos.iter().any(|s| s.effective_kind() == kind) {
                let name = kind_name(kind);
                let declared = match slos.len() {
                    0 => "`slos` is empty".to_string(),
                    1 => "the only declared SLO is of another kind".to_string(),
                    n => format!("none of the {n} declared SLOs is one"),
                };
                findings.push(
                    Finding::new(format!(
                        "no {name} SLO is declared ({declared}); add one, e.g. {example}"
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
        }
        if findings.is_empty() {
            Outcome::attested(
                slos.iter()
                    .enumerate()
                    .map(|(i, s)| Finding::new(describe(s)).at(at(cx, &format!("/slos/{i}"))))
                    .collect(),
            )
        } else {
            Outcome::fail(findings)
        }
    }
}
