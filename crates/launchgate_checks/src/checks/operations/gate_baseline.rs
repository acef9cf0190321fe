//! OPS-010 gate-baseline: The quality gate itself is not quietly loosened.

use launchgate_core::{Finding, Location, Outcome, Tier};
use launchgate_manifest::GateThresholds;

use crate::{CheckContext, Evaluate, declare_check};

declare_check! {
    /// ## What it checks
    /// The quality gate itself is not quietly loosened. The gate is the policy's `thresholds`
    /// (`go`, `conditional`), `min_evaluated_checks`, `hard_blocker_categories`,
    /// `require_evidence` and `allow_unsafe_thresholds`; every review records it. The current
    /// gate is compared with the one the last recorded review of the service used (the
    /// baseline, kept by the review store), or, when no review was recorded, with launchgate's
    /// built-in gate (go 90%, conditional 70%, at least 3 evaluated checks, security as a
    /// hard-blocker category, evidence required for tier 0, no unsafe thresholds).
    ///
    /// Looser means: a lower `go` or `conditional` threshold, a lower `min_evaluated_checks`, a
    /// hard-blocker category or a `require_evidence` tier removed, or unsafe thresholds newly
    /// allowed. A looser gate fails at each loosened setting, naming the old and the new value
    /// and where the old one comes from, unless the policy carries a `justification`; then it
    /// passes citing it. A gate that is the same or stricter passes.
    ///
    /// ## Why it matters
    /// A gate is only as strong as its thresholds. When a review fails, the cheapest fix is to
    /// lower the bar in the same pull request, and nobody reviewing a one-line policy change
    /// notices that security failures no longer block a launch. Versioned thresholds that only
    /// move down with a written reason keep the gate honest and make every loosening visible in
    /// the review itself.
    ///
    /// ## How to fix
    /// Restore the setting to the baseline, or, when loosening is a deliberate decision, write
    /// down why in the policy: `justification: "Migration quarter: go lowered to 80% until the
    /// legacy checks are replaced (ENG-1234)"`. Review the justification like code, and remove
    /// it when the gate is tightened again.
    ///
    /// ## Example
    /// ```yaml fails
    /// policy:
    ///   thresholds: {go: 80}   # below the built-in 90%, and no justification
    /// ```
    /// ```yaml passes
    /// policy:
    ///   thresholds: {go: 80}
    ///   justification: "Migration quarter: go lowered until the legacy checks are replaced (ENG-1234)."
    /// ```
    /// ```yaml passes
    /// policy:
    ///   thresholds: {go: 95, conditional: 80}   # stricter than the built-in gate
    /// ```
    ///
    /// ## References
    /// Seed 004, "quality gates versioned, changes reviewed"; the "Decision" section of the
    /// launchgate check catalog (thresholds, floor and `allow_unsafe_thresholds`); SonarQube's
    /// documentation on quality gates, whose conditions only administrators may change.
    pub struct GateBaseline {
        id: "OPS-010", slug: "gate-baseline", category: Operations, severity: Major,
        tiers: [Required, Required, Recommended], evidence: "D", effort: 1,
    }
}

/// One gate setting that is looser than its reference.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Loosening {
    /// The policy key, as users write it (`thresholds.go`).
    key: &'static str,
    /// `lowered from 90% to 80%`, `removes hard-blocker category security`...
    change: String,
}

fn pct(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}%")
    } else {
        format!("{v}%")
    }
}

/// Every way `now` is looser than `was`, in a fixed order.
fn loosenings(was: &GateThresholds, now: &GateThresholds) -> Vec<Loosening> {
    let mut out = Vec::new();
    for (key, old, new) in [
        ("thresholds.go", was.go, now.go),
        ("thresholds.conditional", was.conditional, now.conditional),
    ] {
        if new < old {
            out.push(Loosening {
                key,
                change: format!("lowered from {} to {}", pct(old), pct(new)),
            });
        }
    }
    if now.min_evaluated_checks < was.min_evaluated_checks {
        out.push(Loosening {
            key: "min_evaluated_checks",
            change: format!(
                "lowered from {} to {}",
                was.min_evaluated_checks, now.min_evaluated_checks
            ),
        });
    }
    for c in &was.hard_blocker_categories {
        if !now.hard_blocker_categories.contains(c) {
            out.push(Loosening {
                key: "hard_blocker_categories",
                change: format!("no longer lists `{}`", c.key()),
            });
        }
    }
    for t in &was.require_evidence {
        if !now.require_evidence.contains(t) {
            out.push(Loosening {
                key: "require_evidence",
                change: format!("no longer lists tier {}", Tier::index(*t)),
            });
        }
    }
    if now.allow_unsafe_thresholds && !was.allow_unsafe_thresholds {
        out.push(Loosening {
            key: "allow_unsafe_thresholds",
            change: "newly allows thresholds below the 50% floor".to_string(),
        });
    }
    out
}

/// The recorded date of a baseline: the date part of its RFC 3339 time.
fn day(recorded_at: &str) -> &str {
    recorded_at.get(..10).unwrap_or(recorded_at)
}

impl Evaluate for GateBaseline {
    fn evaluate(&self, cx: &CheckContext<'_>) -> Outcome {
        let gate = cx.gate;
        let builtin = GateThresholds::default();
        let (reference, against) = match &gate.baseline {
            Some(b) => (
                &b.thresholds,
                format!(
                    "the baseline recorded {} (review of {})",
                    day(&b.recorded_at),
                    b.evaluated_on
                ),
            ),
            None => (
                &builtin,
                "the built-in gate (no review of this service was recorded)".to_string(),
            ),
        };
        let policy_at = || cx.manifest.locate("/policy");
        let loc =
            |key: &str| -> Option<Location> { gate.locations.get(key).cloned().or_else(policy_at) };
        let loose = loosenings(reference, &gate.current);
        if loose.is_empty() {
            let now = &gate.current;
            // Point at the policy when there is one; a defaulted gate is written nowhere.
            let at = cx
                .manifest
                .policy
                .as_ref()
                .and_then(|_| cx.manifest.locate("/policy"));
            return Outcome::proven(vec![
                Finding::new(format!(
                    "go {}, conditional {}, at least {} evaluated checks, hard-blocker categories [{}]: no looser than {against}",
                    pct(now.go),
                    pct(now.conditional),
                    now.min_evaluated_checks,
                    now.hard_blocker_categories
                        .iter()
                        .map(|c| c.key())
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
                .at(at),
            ]);
        }
        match &gate.justification {
            Some(j) => Outcome::attested(
                loose
                    .iter()
                    .map(|l| {
                        Finding::new(format!(
                            "`{}` {} compared with {against}; justified: \"{}\"",
                            l.key, l.change, j.text
                        ))
                        .at(loc(l.key))
                        .related(j.location.clone())
                    })
                    .collect(),
            ),
            None => Outcome::fail(
                loose
                    .iter()
                    .map(|l| {
                        Finding::new(format!(
                            "`{}` {} compared with {against}, and the policy gives no `justification`",
                            l.key, l.change
                        ))
                        .at(loc(l.key))
                    })
                    .collect(),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use launchgate_core::Category;
    use launchgate_evidence::Evidence;
    use launchgate_manifest::{LocatedLayer, Policy, RecordedGate, ServiceManifest, SourceFile};

    use super::*;

    const BASE: &str = "service: x\ntier: 1\nexposure: public\ndata: persistent\n";

    /// Runs OPS-010 on a manifest whose `policy:` section is `policy` (YAML lines, indented),
    /// against `baseline`.
    fn run(policy: &str, baseline: Option<GateThresholds>) -> Outcome {
        let text = if policy.is_empty() {
            BASE.to_string()
        } else {
            format!("{BASE}policy:\n{policy}")
        };
        let m = ServiceManifest::parse(SourceFile::new("launchgate.yaml", text)).unwrap();
        let layers: Vec<LocatedLayer> = m.policy_layer().into_iter().collect();
        let p = Policy::resolve(&layers, &[]).unwrap();
        let gate = p.gate(baseline.map(|thresholds| RecordedGate {
            thresholds,
            recorded_at: "2026-10-01T09:30:00Z".to_string(),
            evaluated_on: "2026-09-30".to_string(),
        }));
        let evidence = Evidence::none();
        let cx = CheckContext {
            manifest: &m,
            evidence: &evidence,
            options: &p.options_for(m.tier),
            today: jiff::civil::date(2026, 11, 22),
            gate: &gate,
        };
        GateBaseline.evaluate(&cx)
    }

    fn messages(o: &Outcome) -> Vec<String> {
        let (Outcome::Fail { findings: f, .. } | Outcome::Pass { evidence: f, .. }) = o else {
            return vec![format!("{o:?}")];
        };
        f.iter()
            .map(|f| match &f.location {
                Some(l) => format!("{}: {}", l.line, f.message),
                None => format!("-: {}", f.message),
            })
            .collect()
    }

    const SINCE: &str = "compared with the baseline recorded 2026-10-01 (review of 2026-09-30), and the policy gives no `justification`";

    fn strict() -> GateThresholds {
        GateThresholds {
            go: 95.0,
            conditional: 80.0,
            unsafe_allowed: false,
            hard_blocker_categories: vec![Category::Data, Category::Security],
            min_evaluated_checks: 10,
            require_evidence: vec![Tier::T0, Tier::T1],
            allow_unsafe_thresholds: false,
        }
    }

    #[test]
    fn the_built_in_gate_passes_proven() {
        let o = run("", None);
        assert!(matches!(
            o,
            Outcome::Pass {
                basis: launchgate_core::Basis::Proven,
                ..
            }
        ));
        assert_eq!(
            messages(&o),
            [
                "-: go 90%, conditional 70%, at least 3 evaluated checks, hard-blocker categories [security]: no looser than the built-in gate (no review of this service was recorded)"
            ]
        );
    }

    #[test]
    fn each_loosening_against_a_baseline_fails_at_its_setting() {
        let cases: [(&str, &[&str]); 6] = [
            (
                "  thresholds: {go: 94.5, conditional: 80}\n",
                &["6: `thresholds.go` lowered from 95% to 94.5%"],
            ),
            (
                "  thresholds: {go: 95, conditional: 75}\n",
                &["6: `thresholds.conditional` lowered from 80% to 75%"],
            ),
            (
                "  min_evaluated_checks: 9\n",
                &["6: `min_evaluated_checks` lowered from 10 to 9"],
            ),
            (
                "  hard_blocker_categories: [security]\n",
                &["6: `hard_blocker_categories` no longer lists `data`"],
            ),
            (
                "  require_evidence: [1]\n",
                &["6: `require_evidence` no longer lists tier 0"],
            ),
            (
                "  allow_unsafe_thresholds: true\n",
                &["6: `allow_unsafe_thresholds` newly allows thresholds below the 50% floor"],
            ),
        ];
        for (policy, want) in cases {
            // Everything else stays at the strict baseline, so only the one setting differs.
            let mut full = String::from(policy);
            for (key, line) in [
                ("thresholds:", "  thresholds: {go: 95, conditional: 80}\n"),
                ("min_evaluated_checks:", "  min_evaluated_checks: 10\n"),
                (
                    "hard_blocker_categories:",
                    "  hard_blocker_categories: [data, security]\n",
                ),
                ("require_evidence:", "  require_evidence: [0, 1]\n"),
            ] {
                if !policy.lines().any(|l| l.trim_start().starts_with(key)) {
                    full.push_str(line);
                }
            }
            let o = run(&full, Some(strict()));
            assert!(matches!(o, Outcome::Fail { .. }), "{policy}: {o:?}");
            let want: Vec<String> = want.iter().map(|w| format!("{w} {SINCE}")).collect();
            assert_eq!(messages(&o), want, "{policy}");
        }
    }

    #[test]
    fn the_same_or_a_stricter_gate_passes_against_the_baseline() {
        let same = "  thresholds: {go: 95, conditional: 80}\n  min_evaluated_checks: 10\n  hard_blocker_categories: [data, security]\n  require_evidence: [0, 1]\n";
        let o = run(same, Some(strict()));
        assert!(
            matches!(
                o,
                Outcome::Pass {
                    basis: launchgate_core::Basis::Proven,
                    ..
                }
            ),
            "{o:?}"
        );
        assert_eq!(
            messages(&o),
            [
                "5: go 95%, conditional 80%, at least 10 evaluated checks, hard-blocker categories [data, security]: no looser than the baseline recorded 2026-10-01 (review of 2026-09-30)"
            ]
        );
        // Looser than the built-in gate, but the baseline already was: not a new loosening.
        let mut lax = strict();
        lax.go = 80.0;
        let o = run("  thresholds: {go: 80}\n", Some(lax.clone()));
        assert!(
            matches!(o, Outcome::Fail { .. }),
            "conditional 80 -> 70 and more: {o:?}"
        );
        lax = GateThresholds {
            go: 80.0,
            ..GateThresholds::default()
        };
        let o = run("  thresholds: {go: 80}\n", Some(lax));
        assert!(matches!(o, Outcome::Pass { .. }), "{o:?}");
    }

    #[test]
    fn a_justification_turns_the_failure_into_an_attested_pass_citing_it() {
        let o = run(
            "  thresholds: {go: 85}\n  justification: Migration quarter (ENG-1234).\n",
            None,
        );
        let Outcome::Pass { basis, evidence } = &o else {
            panic!("{o:?}");
        };
        assert_eq!(*basis, launchgate_core::Basis::Attested);
        assert_eq!(
            messages(&o),
            [
                "6: `thresholds.go` lowered from 90% to 85% compared with the built-in gate (no review of this service was recorded); justified: \"Migration quarter (ENG-1234).\""
            ]
        );
        assert_eq!(evidence[0].related[0].line, 7);
    }

    #[test]
    fn without_a_baseline_quietly_lowered_defaults_fail() {
        let o = run(
            "  thresholds:\n    go: 60\n    conditional: 40\n  allow_unsafe_thresholds: true\n  hard_blocker_categories: []\n",
            None,
        );
        let since = "compared with the built-in gate (no review of this service was recorded), and the policy gives no `justification`";
        assert_eq!(
            messages(&o),
            [
                format!("7: `thresholds.go` lowered from 90% to 60% {since}"),
                format!("8: `thresholds.conditional` lowered from 70% to 40% {since}"),
                format!("10: `hard_blocker_categories` no longer lists `security` {since}"),
                format!(
                    "9: `allow_unsafe_thresholds` newly allows thresholds below the 50% floor {since}"
                ),
            ]
        );
    }

    #[test]
    fn a_default_setting_looser_than_the_baseline_points_at_the_policy() {
        // The baseline required 10 checks; the policy no longer says so (default 3).
        let b = GateThresholds {
            min_evaluated_checks: 10,
            ..GateThresholds::default()
        };
        let o = run("  max_retries: 4\n", Some(b));
        assert_eq!(
            messages(&o),
            [format!(
                "5: `min_evaluated_checks` lowered from 10 to 3 {SINCE}"
            )]
        );
    }
}
