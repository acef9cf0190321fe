//! SAF-004 circuit-breakers: Every external dependency is called through a circuit breaker and has a
//! declared `fallback`.

use std::collections::BTreeMap;

use launchgate_core::{Finding, Location, Outcome};
use launchgate_evidence::code::{FactKind, Topic};
use launchgate_evidence::deps::Capability;
use launchgate_evidence::k8s::DestinationRule;
use launchgate_manifest::Dependency;

use crate::kit;
use crate::kit::code;
use crate::kit::finish::{Tally, in_report_order};
use crate::kit::libraries::{library_findings, library_list, shipped_libraries};
use crate::kit::manifest::at;
use crate::{Check, CheckContext, Evaluate, declare_check};

declare_check! {
    /// ## What it checks
    /// Every external dependency (`kind: http`, `grpc` or `third-party`) is called through a
    /// circuit breaker and has a declared `fallback`.
    ///
    /// The breaker is shown by the repository or declared:
    /// - a circuit-breaker library among the service's runtime dependencies (opossum,
    ///   cockatiel, resilience4j, Polly, gobreaker, pybreaker, failsafe, ...) covers every
    ///   external dependency;
    /// - an Istio `DestinationRule` with `outlierDetection` covers the dependency its `host`
    ///   names (`card-processor`, `card-processor.payments.svc.cluster.local`: the first
    ///   label is compared with the dependency's `name`);
    /// - otherwise `circuit_breaker: true` on the dependency declares it (attested).
    ///
    /// `circuit_breaker: false` fails even when a library or rule is present: it says this
    /// dependency's calls do not go through it, and the finding names what the repository has.
    /// The fallback (what users get while the dependency is down) is declared.
    ///
    /// The service's own source (see SAF-002) shows the breakers themselves: opossum
    /// (`new CircuitBreaker(fn, opts)` and its `.fallback(...)`), cockatiel, pybreaker and
    /// aiobreaker (the fallback is the code that catches `CircuitBreakerError`), circuitbreaker's
    /// `@circuit(fallback_function=...)`, gobreaker (a fallback when the code handles
    /// `ErrOpenState`), hystrix-go (`hystrix.Go(name, run, fallback)`), resilience4j and Spring
    /// Cloud (`@CircuitBreaker(fallbackMethod=...)`, `@HystrixCommand(fallbackMethod=...)`). A
    /// breaker with a fallback proves the check, naming what it wraps; a breaker without one
    /// fails, named by file, line and function. The message of a breaker names the outbound
    /// calls of its file that go through no breaker. With no external dependency declared,
    /// breakers in the code are judged on their own, and a source file whose breakers could not
    /// be read (the parser gave up on it, or syntax errors cover them) makes a pass
    /// inconclusive, naming the file; beside declared breakers, it leaves the pass attested on
    /// the declarations rather than proven by the code. A breaker whose fallback its file does
    /// not show (an opossum breaker handed on without a name, a resilience4j
    /// `CircuitBreaker.of(...)` its file never decorates with `withFallback` or `recover`) makes
    /// the check inconclusive too; pybreaker, aiobreaker, gobreaker and hystrix-go breakers
    /// always show in their file whether the open state is handled, so they never do.
    ///
    /// ## Why it matters
    /// When a remote dependency is down, each call still costs a full timeout. Without a
    /// breaker, every request pays it, threads and connections fill up waiting, and the outage
    /// spreads to the service and its callers. A breaker fails fast instead, and the fallback
    /// decides what the user gets meanwhile: a cached value, a degraded page, a queued retry or
    /// a clear error. Deciding that during the outage is too late.
    ///
    /// ## How to fix
    /// Wrap calls to each external dependency in a circuit breaker (resilience4j, Polly,
    /// gobreaker, pybreaker, or Istio/Envoy outlier detection), and write down the degraded
    /// behaviour: `fallback: "serve cached rates up to 1 h old"` on the dependency. Declare
    /// `circuit_breaker: true` when the breaker is not visible in the repository (a library
    /// vendored in, a gateway configured elsewhere).
    ///
    /// ## Example
    /// ```yaml fails
    /// dependencies:
    ///   - name: fx-rates
    ///     kind: third-party
    ///     timeout_ms: 500
    ///     circuit_breaker: false
    /// ```
    /// ```yaml passes
    /// dependencies:
    ///   - name: fx-rates
    ///     kind: third-party
    ///     timeout_ms: 500
    ///     circuit_breaker: true
    ///     fallback: serve the last cached rates, at most 1 hour old
    /// ```
    /// ```yaml passes path=deploy/fx-rates.yaml
    /// # Istio ejects failing fx-rates hosts: the circuit breaker for the dependency below.
    /// apiVersion: networking.istio.io/v1
    /// kind: DestinationRule
    /// metadata:
    ///   name: fx-rates
    /// spec:
    ///   host: fx-rates.payments.svc.cluster.local
    ///   trafficPolicy:
    ///     outlierDetection:
    ///       consecutive5xxErrors: 5
    ///       interval: 10s
    ///       baseEjectionTime: 30s
    /// ```
    /// ```yaml with path=launchgate.yaml
    /// service: checkout
    /// tier: 0
    /// exposure: public
    /// data: persistent
    /// dependencies:
    ///   - name: fx-rates
    ///     kind: third-party
    ///     timeout_ms: 500
    ///     fallback: serve the last cached rates, at most 1 hour old
    /// ```
    ///
    /// ## References
    /// Seed 003, "Circuit breakers on external dependencies, with fallbacks"; Michael Nygard,
    /// "Release It!" (Circuit Breaker pattern); Google SRE book, "Addressing Cascading Failures".
    pub struct CircuitBreakers {
        id: "SAF-004", slug: "circuit-breakers", category: Safety, severity: Major,
        tiers: [Required, Recommended, Skipped], evidence: "L K D S", effort: 8,
    }
}

/// Whether a DestinationRule `host` names the dependency: the whole host, or its first DNS
/// label (`fx-rates.payments.svc.cluster.local` names `fx-rates`), case-insensitively.
fn host_names(host: &str, dependency: &str) -> bool {
    let host = host.trim();
    let first = host.split('.').next().unwrap_or(host);
    !dependency.is_empty()
        && (host.eq_ignore_ascii_case(dependency) || first.eq_ignore_ascii_case(dependency))
}

/// DestinationRules with outlier detection (Istio's circuit breaker) for the dependency.
fn outlier_rules<'a>(rules: &'a [DestinationRule], dependency: &str) -> Vec<&'a DestinationRule> {
    rules
        .iter()
        .filter(|r| {
            r.outlier_detection.is_some()
                && r.host
                    .as_ref()
                    .is_some_and(|h| host_names(&h.value, dependency))
        })
        .collect()
}

fn rule_location(r: &DestinationRule) -> Location {
    r.outlier_detection.as_ref().unwrap_or(&r.loc).location()
}

fn rule_ref(r: &DestinationRule) -> String {
    let l = rule_location(r);
    format!(
        "{} (`outlierDetection` at {}:{})",
        r.resource(),
        l.path,
        l.line
    )
}

impl Evaluate for CircuitBreakers {
    fn evaluate(&self, cx: &CheckContext<'_>) -> Outcome {
        let deps = &cx.manifest.dependencies;
        let code = code_breakers(cx);
        if !deps.iter().any(Dependency::is_external) && code.found {
            // Nothing external is declared, but the code has breakers: judged on their own.
            let t = Tally::judged(code.failures, code.unknowns, code.evidence);
            return kit::code::conclude(self.meta().id, t, cx, "L K S", &[Topic::Breaker], "");
        }
        if deps.is_empty() {
            return Outcome::not_applicable(
                "the manifest declares no dependencies (`dependencies`)",
            );
        }
        if !deps.iter().any(Dependency::is_external) {
            let which = match deps.len() {
                1 => "the only dependency is not".to_string(),
                n => format!("none of the {n} dependencies is"),
            };
            return Outcome::not_applicable(format!(
                "{which} external (`kind: http`, `grpc` or `third-party`)"
            ));
        }
        let libs = shipped_libraries(cx, Capability::CircuitBreaker);
        let rules = &cx.evidence.kubernetes.destination_rules;
        let mut findings = Vec::new();
        let mut evidence = Vec::new();
        let mut repo = library_findings(&libs, "a circuit-breaker library is in use");
        let mut declared_only = true;
        for (i, d) in deps.iter().enumerate().filter(|(_, d)| d.is_external()) {
            let p = format!("/dependencies/{i}");
            let resource = format!("dependency {}", d.name);
            let kind = d.kind.key();
            let fallback = d.fallback.as_deref().filter(|s| !s.trim().is_empty());
            let drs = outlier_rules(rules, &d.name);
            // What the repository shows for this dependency, for messages.
            let mut shown: Vec<String> = Vec::new();
            if !libs.is_empty() {
                shown.push(library_list(&libs));
            }
            shown.extend(drs.iter().map(|r| rule_ref(r)));
            if shown.is_empty()
                && let Some(first) = &code.first
            {
                shown.push(first.clone());
            }
            let related = libs
                .first()
                .map(|u| u.loc.location())
                .or_else(|| drs.first().map(|r| rule_location(r)));
            let breaker = match d.circuit_breaker {
                Some(true) if shown.is_empty() => Some("declared".to_string()),
                Some(true) => Some(format!("declared; {}", shown.join(", "))),
                Some(false) => {
                    let seen = if shown.is_empty() {
                        String::new()
                    } else {
                        format!(
                            "; the repository has {}: route this dependency's calls through it, then set `circuit_breaker: true`",
                            shown.join(", ")
                        )
                    };
                    findings.push(
                        Finding::new(format!(
                            "{kind} dependency `{}` declares no circuit breaker (`circuit_breaker: false`){seen}",
                            d.name
                        ))
                        .at(at(cx, &format!("{p}/circuit_breaker")))
                        .resource(resource.clone())
                        .related(related),
                    );
                    None
                }
                None if shown.is_empty() => {
                    findings.push(
                        Finding::new(format!(
                            "{kind} dependency `{}` has no circuit breaker: no circuit-breaker library among the dependencies, no DestinationRule with `outlierDetection` for it, and nothing declared (`circuit_breaker`)",
                            d.name
                        ))
                        .at(at(cx, &format!("{p}/circuit_breaker")))
                        .resource(resource.clone()),
                    );
                    None
                }
                None => {
                    declared_only = false;
                    Some(shown.join(", "))
                }
            };
            for r in &drs {
                repo.push(
                    Finding::new(format!(
                        "{} ejects failing `{}` hosts (`outlierDetection`): the breaker for {kind} dependency `{}`",
                        r.resource(),
                        r.host.as_ref().map_or("", |h| h.value.as_str()),
                        d.name
                    ))
                    .at(Some(rule_location(r)))
                    .resource(r.resource()),
                );
            }
            match (fallback, breaker) {
                (None, _) => findings.push(
                    Finding::new(format!(
                        "{kind} dependency `{}` has no `fallback`: nothing says what the service does while it is down",
                        d.name
                    ))
                    .at(at(cx, &format!("{p}/fallback")))
                    .resource(resource),
                ),
                (Some(f), Some(b)) => evidence.push(
                    Finding::new(format!(
                        "{kind} dependency `{}`: circuit breaker ({b}), fallback `{f}`",
                        d.name
                    ))
                    .at(at(cx, &p))
                    .resource(resource),
                ),
                (Some(_), None) => {}
            }
        }
        findings.extend(code.failures);
        if !findings.is_empty() {
            return Outcome::fail(in_report_order(findings));
        }
        repo.extend(code.evidence);
        // The claims suffice on their own only when every breaker is declared.
        let repo = in_report_order(repo);
        kit::code::conclude_with_claim(
            cx,
            "L K S",
            &[Topic::Breaker],
            repo,
            evidence,
            declared_only,
        )
    }
}

/// The circuit breakers of the service's code, judged.
struct CodeBreakers {
    /// Whether the code has any.
    found: bool,
    /// How messages name the first one: `the opossum breaker at src/stripe.ts:32`.
    first: Option<String>,
    /// Breakers without a fallback.
    failures: Vec<Finding>,
    /// Breakers with one.
    evidence: Vec<Finding>,
    /// Breakers whose fallback cannot be read from their file.
    unknowns: Vec<Finding>,
}

fn code_breakers(cx: &CheckContext<'_>) -> CodeBreakers {
    let mut out = CodeBreakers {
        found: false,
        first: None,
        failures: Vec::new(),
        evidence: Vec::new(),
        unknowns: Vec::new(),
    };
    for file in &cx.evidence.source.files {
        let facts = &file.facts.facts;
        let breakers: Vec<_> = facts
            .iter()
            .filter_map(|f| match &f.kind {
                FactKind::Breaker(b) => Some((f, b)),
                _ => None,
            })
            .collect();
        if breakers.is_empty() {
            continue;
        }
        out.found = true;
        // The outbound calls of the file, by line, and those no breaker wraps.
        let calls: BTreeMap<u32, &str> = facts
            .iter()
            .filter_map(|f| match &f.kind {
                FactKind::Call(c) => Some((f.line, c.text.as_str())),
                _ => None,
            })
            .collect();
        let around: Vec<String> = calls
            .iter()
            .filter(|(line, _)| !breakers.iter().any(|(_, b)| b.calls.contains(*line)))
            .map(|(line, text)| format!("`{text}` on line {line}"))
            .collect();
        let note = match around.len() {
            0 => String::new(),
            n => format!(
                "; {n} outbound call{} of this file go{} through no breaker: {}",
                if n == 1 { "" } else { "s" },
                if n == 1 { "es" } else { "" },
                around.join(", ")
            ),
        };
        for (i, (fact, b)) in breakers.iter().enumerate() {
            let at = Some(Location::new(file.path.to_string(), fact.line, fact.column));
            if out.first.is_none() {
                out.first = Some(format!(
                    "the {} breaker at {}:{}",
                    b.library, file.path, fact.line
                ));
            }
            let inside = code::inside(fact);
            let wraps = b
                .wraps
                .as_deref()
                .map(|w| format!(" around `{w}`"))
                .unwrap_or_default();
            let guards = match b.calls.as_slice() {
                [] => String::new(),
                lines => format!(
                    ", guarding {}",
                    lines
                        .iter()
                        .filter_map(|l| calls.get(l).map(|t| format!("`{t}` on line {l}")))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
            let what = format!("the {} breaker `{}`{wraps}{inside}", b.library, b.text);
            // The hint about unguarded calls goes with the first breaker of the file.
            let note = if i == 0 { note.as_str() } else { "" };
            match b.fallback {
                Some(false) => out.failures.push(
                    Finding::new(format!(
                        "{what} has no fallback: while it is open, every caller gets its error; give it one (a cached value, a queued retry, a clear degraded answer){note}"
                    ))
                    .at(at),
                ),
                Some(true) => out
                    .evidence
                    .push(Finding::new(format!("{what} has a fallback{guards}{note}")).at(at)),
                None => out.unknowns.push(
                    Finding::new(format!(
                        "{what}: whether it has a fallback cannot be read from its file"
                    ))
                    .at(at),
                ),
            }
        }
    }
    out
}
