//! The decision rules of checks.md, exercised through the public library API with checks a user
//! registers at run time (the seed's "register a ReadinessCheck in the director").

// Test helpers outside #[test] functions may unwrap: a panic is the failure report.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use launchgate_checks::{Check, CheckContext, Registry};
use launchgate_core::{
    Category, CheckMeta, Effort, Finding, Outcome, Requirement, Severity, Status, Tier, TierMatrix,
};
use launchgate_evidence::Evidence;
use launchgate_manifest::{LocatedLayer, Policy, ServiceManifest, SourceFile};
use launchgate_policy::{DecideError, Verdict, evaluate};

#[derive(Debug)]
struct Fixed {
    meta: CheckMeta,
    outcome: Outcome,
}

impl Check for Fixed {
    fn meta(&self) -> &CheckMeta {
        &self.meta
    }
    fn evaluate(&self, _: &CheckContext<'_>) -> Outcome {
        self.outcome.clone()
    }
}

const REQUIRED: TierMatrix = TierMatrix([Requirement::Required; 3]);

fn meta(id: &'static str, category: Category, severity: Severity, tiers: TierMatrix) -> CheckMeta {
    CheckMeta {
        id,
        slug: "fixed",
        category,
        severity,
        tiers,
        evidence: "T D",
        effort: Effort(2),
        version: 1,
        docs: " ## What it checks\n A fixed outcome.\n",
    }
}

/// Registers a check with a fixed outcome.
fn add(
    r: &mut Registry,
    id: &'static str,
    category: Category,
    severity: Severity,
    tiers: TierMatrix,
    outcome: Outcome,
) {
    r.register(Box::new(Fixed {
        meta: meta(id, category, severity, tiers),
        outcome,
    }))
    .unwrap();
}

fn id(prefix: &str, n: usize) -> &'static str {
    Box::leak(format!("{prefix}-{n:03}").into_boxed_str())
}

/// A registry of `pass` passing and `fail` failing major operations checks.
fn registry(pass: usize, fail: usize) -> Registry {
    let mut r = Registry::empty();
    for i in 0..pass + fail {
        let outcome = if i < pass {
            Outcome::proven(vec![Finding::new("ok")])
        } else {
            Outcome::fail(vec![Finding::new("not ok")])
        };
        add(
            &mut r,
            id("TST", i),
            Category::Operations,
            Severity::Major,
            REQUIRED,
            outcome,
        );
    }
    r
}

fn manifest(tier: u8) -> ServiceManifest {
    let text = format!("service: svc\ntier: {tier}\nexposure: internal\ndata: persistent\n");
    ServiceManifest::parse(SourceFile::new("launchgate.yaml", text)).unwrap()
}

fn policy(yaml: &str) -> Policy {
    let layers = if yaml.is_empty() {
        vec![]
    } else {
        vec![LocatedLayer::parse_file(SourceFile::new("org.yaml", yaml)).unwrap()]
    };
    Policy::resolve(&layers, &[]).unwrap()
}

fn today() -> jiff::civil::Date {
    jiff::civil::date(2026, 11, 22)
}

fn decide(
    r: &Registry,
    tier: u8,
    p: &Policy,
) -> Result<launchgate_policy::Evaluation, DecideError> {
    evaluate(r, &manifest(tier), &Evidence::none(), p, today())
}

#[test]
fn everything_false_is_no_go() {
    let e = decide(&registry(0, 5), 1, &policy("")).unwrap();
    assert_eq!(e.decision, Verdict::NoGo);
    assert_eq!(e.pass_rate, 0.0);
    assert!(
        e.trace
            .iter()
            .any(|t| t.rule == "threshold" && t.effect == Some(Verdict::NoGo))
    );
}

#[test]
fn no_checks_is_an_error_not_a_zero_percent_decision() {
    let err = decide(&Registry::empty(), 1, &policy("")).unwrap_err();
    assert_eq!(
        err.to_string(),
        "refusing to decide on 0 checks: the policy requires at least 3 evaluated (non-skipped) checks (policy default)"
    );
}

#[test]
fn fewer_than_three_checks_is_an_error() {
    let err = decide(&registry(2, 0), 1, &policy("")).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("refusing to decide on 2 checks"),
        "{err}"
    );
    assert!(decide(&registry(3, 0), 1, &policy("")).is_ok());
    let err = decide(&registry(3, 0), 1, &policy("min_evaluated_checks: 4\n")).unwrap_err();
    assert!(err.to_string().ends_with("(policy file org.yaml)"), "{err}");
}

#[test]
fn skipped_checks_do_not_count_towards_the_minimum() {
    let mut r = registry(2, 0);
    let skip_t1 = TierMatrix([
        Requirement::Required,
        Requirement::Skipped,
        Requirement::Skipped,
    ]);
    add(
        &mut r,
        "TST-900",
        Category::Operations,
        Severity::Major,
        skip_t1,
        Outcome::proven(vec![]),
    );
    let err = decide(&r, 1, &policy("")).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("refusing to decide on 2 checks"),
        "{err}"
    );
    let e = decide(&r, 0, &policy("")).unwrap();
    assert_eq!(e.evaluated(), 3);
}

/// A failed check that blocks for two reasons (a required blocker in a hard-blocker category)
/// is one trace entry naming both, not two entries.
#[test]
fn a_check_blocking_for_two_reasons_is_traced_once() {
    let mut r = registry(19, 0);
    add(
        &mut r,
        "SEC-901",
        Category::Security,
        Severity::Blocker,
        REQUIRED,
        Outcome::fail(vec![Finding::new("leaks")]),
    );
    let e = decide(&r, 1, &policy("")).unwrap();
    let entries: Vec<(&str, &str)> = e
        .trace
        .iter()
        .filter(|t| t.check.as_deref() == Some("SEC-901"))
        .map(|t| (t.rule.as_str(), t.message.as_str()))
        .collect();
    assert_eq!(
        entries,
        [(
            "required-blocker",
            "SEC-901 failed; it is a required blocker for tier 1, and security is a hard-blocker category (policy default)"
        )]
    );
    assert_eq!(e.decision, Verdict::NoGo);
}

#[test]
fn security_failure_is_no_go_whatever_the_pass_rate() {
    let mut r = registry(19, 0);
    add(
        &mut r,
        "SEC-900",
        Category::Security,
        Severity::Minor,
        REQUIRED,
        Outcome::fail(vec![Finding::new("leaks")]),
    );
    let e = decide(&r, 1, &policy("")).unwrap();
    assert_eq!(e.pass_rate, 95.0);
    assert_eq!(e.decision, Verdict::NoGo);
    let rule = e
        .trace
        .iter()
        .find(|t| t.rule == "hard-blocker-category")
        .unwrap();
    assert_eq!(
        rule.message,
        "SEC-900 failed; security is a hard-blocker category (policy default)"
    );
    assert!(
        e.results
            .iter()
            .find(|c| c.id == "SEC-900")
            .unwrap()
            .blocking
    );

    // A policy that drops security from the hard blockers lets the score decide.
    let e = decide(&r, 1, &policy("hard_blocker_categories: []\n")).unwrap();
    assert_eq!(e.decision, Verdict::Go);
}

#[test]
fn failing_required_blocker_is_no_go() {
    let mut r = registry(19, 0);
    add(
        &mut r,
        "OPS-900",
        Category::Operations,
        Severity::Blocker,
        REQUIRED,
        Outcome::fail(vec![Finding::new("no ci")]),
    );
    let e = decide(&r, 1, &policy("")).unwrap();
    assert_eq!(e.decision, Verdict::NoGo);
    assert!(
        e.trace
            .iter()
            .any(|t| t.rule == "required-blocker" && t.check.as_deref() == Some("OPS-900"))
    );
}

#[test]
fn a_recommended_blocker_that_fails_only_warns() {
    let mut r = registry(9, 0);
    let warn_t1 = TierMatrix([
        Requirement::Required,
        Requirement::Recommended,
        Requirement::Skipped,
    ]);
    add(
        &mut r,
        "OPS-900",
        Category::Operations,
        Severity::Blocker,
        warn_t1,
        Outcome::fail(vec![Finding::new("no ci")]),
    );
    let e = decide(&r, 1, &policy("")).unwrap();
    let res = e.results.iter().find(|c| c.id == "OPS-900").unwrap();
    assert_eq!(res.status, Status::Warn);
    assert_eq!(e.decision, Verdict::ConditionalGo);
    assert_eq!(e.score, 95.0);
    // Tier 2 skips it, with the reason printed.
    let e = decide(&r, 2, &policy("")).unwrap();
    let res = e.results.iter().find(|c| c.id == "OPS-900").unwrap();
    assert_eq!(
        (res.status, res.message.as_str()),
        (Status::Skip, "not required for tier 2")
    );
}

#[test]
fn exactly_seventy_percent_is_conditional_and_below_is_no_go() {
    let e = decide(&registry(7, 3), 1, &policy("")).unwrap();
    assert_eq!(e.score, 70.0);
    assert_eq!(e.decision, Verdict::ConditionalGo);
    let e = decide(&registry(69, 31), 1, &policy("")).unwrap();
    assert_eq!(e.decision, Verdict::NoGo);
}

#[test]
fn exactly_ninety_percent_is_go_and_below_is_conditional() {
    let e = decide(&registry(9, 1), 1, &policy("")).unwrap();
    assert_eq!(e.score, 90.0);
    assert_eq!(e.decision, Verdict::Go);
    let e = decide(&registry(89, 11), 1, &policy("")).unwrap();
    assert_eq!(e.decision, Verdict::ConditionalGo);
}

#[test]
fn warnings_hold_back_go_at_any_score() {
    let mut r = registry(20, 0);
    let warn = TierMatrix([Requirement::Recommended; 3]);
    add(
        &mut r,
        "OBS-900",
        Category::Observability,
        Severity::Minor,
        warn,
        Outcome::fail(vec![Finding::new("meh")]),
    );
    let e = decide(&r, 1, &policy("")).unwrap();
    assert!(e.score > 90.0);
    assert_eq!(e.decision, Verdict::ConditionalGo);
    assert!(e.trace.iter().any(|t| t.rule == "warnings-remain"));
}

#[test]
fn attested_claims_warn_under_require_evidence() {
    let mut r = Registry::empty();
    for i in 0..3 {
        add(
            &mut r,
            id("TST", i),
            Category::Operations,
            Severity::Major,
            REQUIRED,
            Outcome::attested(vec![Finding::new("declared")]),
        );
    }
    let e = decide(&r, 0, &policy("")).unwrap();
    assert_eq!(e.count(Status::Warn), 3);
    assert_eq!(e.score, 50.0);
    assert!(
        e.results[0]
            .message
            .contains("tier 0 requires repository evidence (policy default)"),
        "{}",
        e.results[0].message
    );
    let e = decide(&r, 1, &policy("")).unwrap();
    assert_eq!((e.count(Status::Pass), e.decision), (3, Verdict::Go));
    let e = decide(&r, 1, &policy("require_evidence: [0, 1]\n")).unwrap();
    assert_eq!(e.count(Status::Warn), 3);
}

#[test]
fn claims_nothing_in_a_repository_could_prove_stay_passes_under_require_evidence() {
    let mut r = registry(3, 0);
    let mut declared_only = meta("TST-950", Category::Incident, Severity::Minor, REQUIRED);
    declared_only.evidence = "D";
    r.register(Box::new(Fixed {
        meta: declared_only,
        outcome: Outcome::attested(vec![Finding::new("status page declared")]),
    }))
    .unwrap();
    let e = decide(&r, 0, &policy("")).unwrap();
    let res = e.results.iter().find(|c| c.id == "TST-950").unwrap();
    assert_eq!(res.status, Status::Pass);
    assert_eq!(res.basis, Some(launchgate_core::Basis::Attested));
}

#[test]
fn inconclusive_is_never_a_pass() {
    let mut r = registry(3, 0);
    add(
        &mut r,
        "TST-900",
        Category::Operations,
        Severity::Major,
        REQUIRED,
        Outcome::inconclusive("deploy.yaml does not parse"),
    );
    let e = decide(&r, 1, &policy("")).unwrap();
    let res = e.results.iter().find(|c| c.id == "TST-900").unwrap();
    assert_eq!(res.status, Status::Fail);
    assert!(res.inconclusive);
}

#[test]
fn category_weights_shape_the_score() {
    let mut r = registry(3, 0);
    add(
        &mut r,
        "OBS-900",
        Category::Observability,
        Severity::Minor,
        REQUIRED,
        Outcome::fail(vec![Finding::new("x")]),
    );
    assert_eq!(decide(&r, 1, &policy("")).unwrap().score, 75.0);
    let e = decide(&r, 1, &policy("weights: {observability: 3}\n")).unwrap();
    assert_eq!(e.score, 50.0);
    let obs = e
        .categories
        .iter()
        .find(|c| c.category == Category::Observability)
        .unwrap();
    assert_eq!((obs.score, obs.fail), (Some(0.0), 1));
}

#[test]
fn unsafe_thresholds_are_flagged_in_the_review() {
    let p = policy("thresholds: {go: 40, conditional: 20}\nallow_unsafe_thresholds: true\n");
    let e = decide(&registry(3, 7), 1, &p).unwrap();
    assert_eq!(e.decision, Verdict::ConditionalGo);
    assert_eq!(e.notices.len(), 1);
    assert!(
        e.notices[0].starts_with("UNSAFE THRESHOLDS"),
        "{}",
        e.notices[0]
    );
}

#[test]
fn policy_disables_and_retiers_checks() {
    let r = registry(4, 1);
    let p = Policy::resolve(
        &[LocatedLayer::parse_file(SourceFile::new(
            "org.yaml",
            "checks:\n  TST-004: {enabled: false}\n  TST-000: {tiers: \"R R -\"}\n",
        ))
        .unwrap()],
        &r.ids(),
    )
    .unwrap();
    let e = decide(&r, 2, &p).unwrap();
    let by = |id: &str| e.results.iter().find(|c| c.id == id).unwrap().clone();
    assert_eq!(by("TST-004").message, "disabled (policy file org.yaml)");
    assert_eq!(
        by("TST-000").message,
        "not required for tier 2 (policy file org.yaml)"
    );
    assert_eq!(e.decision, Verdict::Go);
}

#[test]
fn registry_refuses_bad_and_duplicate_ids_and_keeps_id_order() {
    use launchgate_checks::RegistryError;
    let mut r = Registry::builtin();
    let builtin = r.len();
    let fixed = |id| {
        Box::new(Fixed {
            meta: meta(id, Category::Operations, Severity::Minor, REQUIRED),
            outcome: Outcome::proven(vec![]),
        })
    };
    assert_eq!(
        r.register(fixed("ops-1")),
        Err(RegistryError::InvalidId("ops-1".into()))
    );
    assert_eq!(
        r.register(fixed("SAF-001")),
        Err(RegistryError::Duplicate("SAF-001".into()))
    );
    r.register(fixed("ACME-001")).unwrap();
    r.register(fixed("OPS-500")).unwrap();
    assert_eq!(r.len(), builtin + 2);
    let ids = r.ids();
    let mut sorted = ids.clone();
    sorted.sort_unstable();
    assert_eq!(ids, sorted);
    assert_eq!(ids[0], "ACME-001");
}

#[test]
fn tier_dependent_check_options_come_from_the_policy_for_the_service_tier() {
    let defaults = policy("");
    let t0 = defaults.options_for(Tier::T0);
    assert_eq!(
        (t0.min_replicas, t0.require_mtls, t0.require_image_digest),
        (3, true, true)
    );
    for tier in [Tier::T1, Tier::T2] {
        let o = defaults.options_for(tier);
        assert_eq!(
            (o.min_replicas, o.require_mtls, o.require_image_digest),
            (2, false, false)
        );
    }
    let org = policy("min_replicas: {1: 3}\nmtls_tiers: [0, 1]\nimage_digest_tiers: []\n");
    let t1 = org.options_for(Tier::T1);
    assert_eq!(
        (t1.min_replicas, t1.require_mtls, t1.require_image_digest),
        (3, true, false)
    );
    let t0 = org.options_for(Tier::T0);
    assert_eq!((t0.min_replicas, t0.require_image_digest), (3, false));
}

#[test]
fn a_minimum_of_zero_replicas_is_refused() {
    let layer =
        LocatedLayer::parse_file(SourceFile::new("org.yaml", "min_replicas: {2: 0}\n")).unwrap();
    assert!(Policy::resolve(&[layer], &[]).is_err());
}
