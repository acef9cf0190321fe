//! Manifest waivers applied by the policy: what they turn into WAIVED, what they leave alone,
//! and how every waiver that does not apply is reported. Real manifests, real policy files,
//! checks with fixed outcomes registered through the public API.

// Test helpers outside #[test] functions may unwrap: a panic is the failure report.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use launchgate_checks::{Check, CheckContext, Registry};
use launchgate_core::{
    Category, CheckMeta, Effort, Finding, Location, Outcome, Requirement, Severity, Status,
    TierMatrix,
};
use launchgate_evidence::Evidence;
use launchgate_manifest::{LocatedLayer, Policy, ServiceManifest, SourceFile};
use launchgate_policy::{Evaluation, Verdict, WaiverState, evaluate};

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
const RECOMMENDED: TierMatrix = TierMatrix([Requirement::Recommended; 3]);

fn add(
    r: &mut Registry,
    id: &'static str,
    category: Category,
    severity: Severity,
    tiers: TierMatrix,
    outcome: Outcome,
) {
    r.register(Box::new(Fixed {
        meta: CheckMeta {
            id,
            slug: "fixed",
            category,
            severity,
            tiers,
            evidence: "K",
            effort: Effort(2),
            version: 1,
            docs: " ## What it checks\n A fixed outcome.\n",
        },
        outcome,
    }))
    .unwrap();
}

fn at(path: &str, line: u32) -> Location {
    Location::new(path, line, 1)
}

/// Eight passing operations checks, so the score stays high and only the rules under test move
/// the decision.
fn passing() -> Registry {
    let mut r = Registry::empty();
    for id in [
        "OKS-001", "OKS-002", "OKS-003", "OKS-004", "OKS-005", "OKS-006", "OKS-007", "OKS-008",
    ] {
        add(
            &mut r,
            id,
            Category::Operations,
            Severity::Minor,
            REQUIRED,
            Outcome::proven(vec![Finding::new("ok")]),
        );
    }
    r
}

/// `passing()` plus TST-001, a major check failing with three located findings.
fn with_three_findings() -> Registry {
    let mut r = passing();
    add(
        &mut r,
        "TST-001",
        Category::Capacity,
        Severity::Major,
        REQUIRED,
        Outcome::fail(vec![
            Finding::new("api has no limit")
                .at(Some(at("deploy/api.yaml", 12)))
                .resource("Deployment/api container server"),
            Finding::new("legacy-a has no limit")
                .at(Some(at("deploy/legacy/a.yaml", 7)))
                .resource("Deployment/legacy-a container app"),
            Finding::new("legacy-b has no limit")
                .at(Some(at("deploy/legacy/b.yaml", 9)))
                .resource("Deployment/legacy-b container app"),
        ]),
    );
    r
}

const HEAD: &str = "service: svc\ntier: TIER\nexposure: internal\ndata: persistent\nwaivers:\n";

fn manifest(tier: u8, waivers: &str) -> ServiceManifest {
    let text = if waivers.is_empty() {
        HEAD.replace("TIER", &tier.to_string()) + "  []\n"
    } else {
        HEAD.replace("TIER", &tier.to_string()) + waivers
    };
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

fn run(r: &Registry, tier: u8, waivers: &str, p: &Policy) -> Evaluation {
    evaluate(r, &manifest(tier, waivers), &Evidence::none(), p, today()).unwrap()
}

fn result<'a>(e: &'a Evaluation, id: &str) -> &'a launchgate_policy::CheckResult {
    e.results.iter().find(|r| r.id == id).unwrap()
}

fn rules(e: &Evaluation) -> Vec<&str> {
    e.trace.iter().map(|t| t.rule.as_str()).collect()
}

const WHOLE: &str = "  - check: TST-001\n    kind: accepted-risk\n    reason: Limits arrive with the platform upgrade.\n    approved_by: lee@example.com\n    ticket: CAP-42\n    expires: 2026-12-20\n";

#[test]
fn a_whole_check_waiver_turns_a_fail_into_waived_with_its_details() {
    let without = run(&with_three_findings(), 1, "", &policy(""));
    assert_eq!(result(&without, "TST-001").status, Status::Fail);
    assert_eq!(without.decision, Verdict::ConditionalGo);

    let e = run(&with_three_findings(), 1, WHOLE, &policy(""));
    let r = result(&e, "TST-001");
    assert_eq!(r.status, Status::Waived);
    assert_eq!(
        r.message,
        "waived until 2026-12-20 (accepted-risk): Limits arrive with the platform upgrade; was FAIL: api has no limit (+2 more)"
    );
    assert_eq!(r.findings.len(), 3, "waived findings stay visible");
    let w = r.waiver.as_ref().unwrap();
    assert_eq!(w.kind, "accepted-risk");
    assert_eq!(w.reason, "Limits arrive with the platform upgrade.");
    assert_eq!(w.expires, "2026-12-20");
    assert_eq!(w.approved_by.as_deref(), Some("lee@example.com"));
    assert_eq!(w.ticket.as_deref(), Some("CAP-42"));
    assert_eq!(w.original_status, Status::Fail);
    assert_eq!(w.location, Some(Location::new("launchgate.yaml", 6, 5)));
    assert!(!r.blocking);

    assert_eq!(e.count(Status::Waived), 1);
    assert_eq!(e.evaluated(), 8, "WAIVED is not evaluated");
    assert_eq!(e.score, 100.0, "WAIVED is excluded from the score");
    assert_eq!(e.pass_rate, 100.0);
    assert_eq!(e.decision, Verdict::ConditionalGo);
    assert_eq!(
        rules(&e),
        ["score", "waived", "threshold", "waivers-remain", "decision"]
    );
    let waived = e.trace.iter().find(|t| t.rule == "waived").unwrap();
    assert_eq!(waived.effect, None);
    assert_eq!(waived.check.as_deref(), Some("TST-001"));
    assert_eq!(
        waived.message,
        "TST-001 waived until 2026-12-20 (accepted-risk, approved by lee@example.com, ticket CAP-42): Limits arrive with the platform upgrade"
    );
    let remain = e.trace.iter().find(|t| t.rule == "waivers-remain").unwrap();
    assert_eq!(remain.effect, Some(Verdict::ConditionalGo));
    assert_eq!(
        remain.message,
        "1 waiver is in force (1 check WAIVED): accepted gaps are not a GO"
    );

    assert_eq!(e.waivers.len(), 1);
    let v = &e.waivers[0];
    assert_eq!(v.state, WaiverState::Applied);
    assert_eq!(v.check, "TST-001");
    assert!(v.scope.is_empty());
    assert!(!v.expiring_soon);
    assert_eq!(
        v.message,
        "waives TST-001: it is WAIVED (was FAIL); expires in 28 days (2026-12-20)"
    );
}

#[test]
fn a_waived_warning_is_waived_too_and_remembers_it_was_a_warning() {
    let mut r = passing();
    add(
        &mut r,
        "TST-002",
        Category::Observability,
        Severity::Minor,
        RECOMMENDED,
        Outcome::fail(vec![
            Finding::new("no dashboard").at(Some(at("launchgate.yaml", 1))),
        ]),
    );
    let e = run(
        &r,
        2,
        "  - {check: TST-002, kind: not-applicable, reason: batch job, expires: 2027-01-10}\n",
        &policy(""),
    );
    let res = result(&e, "TST-002");
    assert_eq!(res.status, Status::Waived);
    assert_eq!(res.waiver.as_ref().unwrap().original_status, Status::Warn);
    assert!(!rules(&e).contains(&"warnings-remain"));
    assert_eq!(e.decision, Verdict::ConditionalGo);
}

#[test]
fn an_expired_waiver_restores_the_original_fail_and_is_reported() {
    let text = WHOLE.replace("2026-12-20", "2026-11-21");
    let e = run(&with_three_findings(), 1, &text, &policy(""));
    let r = result(&e, "TST-001");
    assert_eq!(r.status, Status::Fail);
    assert_eq!(r.message, "api has no limit (+2 more)");
    assert!(r.waiver.is_none());
    assert_eq!(e.waivers[0].state, WaiverState::Expired);
    assert_eq!(
        e.waivers[0].message,
        "expired on 2026-11-21 (1 day ago): TST-001 keeps its FAIL; renew the waiver with a new expiry or fix the check"
    );
    let t = e.trace.iter().find(|t| t.rule == "waiver-expired").unwrap();
    assert_eq!(t.effect, None);
    assert!(!rules(&e).contains(&"waivers-remain"));
    // Expiring today still applies.
    let e = run(
        &with_three_findings(),
        1,
        &WHOLE.replace("2026-12-20", "2026-11-22"),
        &policy(""),
    );
    assert_eq!(result(&e, "TST-001").status, Status::Waived);
    assert!(e.waivers[0].message.ends_with("expires today (2026-11-22)"));
}

#[test]
fn waivers_that_match_nothing_are_reported_and_change_nothing() {
    let text = "  - {check: OKS-003, kind: false-positive, reason: flaky, expires: 2026-12-01}\n  - check: TST-001\n    paths: [infra/**]\n    kind: accepted-risk\n    reason: not here\n    expires: 2026-12-01\n  - {check: ZZZ-999, kind: accepted-risk, reason: gone, expires: 2026-12-01}\n";
    let e = run(&with_three_findings(), 1, text, &policy(""));
    assert_eq!(result(&e, "OKS-003").status, Status::Pass);
    assert_eq!(result(&e, "TST-001").status, Status::Fail);
    let states: Vec<(WaiverState, &str)> = e
        .waivers
        .iter()
        .map(|w| (w.state, w.message.as_str()))
        .collect();
    assert_eq!(
        states,
        [
            (
                WaiverState::Unmatched,
                "OKS-003 is PASS: nothing to waive; remove the waiver"
            ),
            (
                WaiverState::Unmatched,
                "matches none of the 3 findings of TST-001; TST-001 stays FAIL"
            ),
            (
                WaiverState::Unmatched,
                "no check `ZZZ-999` in this review; remove the waiver"
            ),
        ]
    );
    assert_eq!(
        rules(&e)
            .iter()
            .filter(|r| **r == "waiver-unmatched")
            .count(),
        3
    );
    assert!(!rules(&e).contains(&"waivers-remain"));
}

#[test]
fn a_waiver_longer_than_the_tier_allows_is_refused() {
    // 40 days: over the 30-day cap of tier 0, within the 90 days of tier 1.
    let text = WHOLE.replace("2026-12-20", "2027-01-01");
    let e = run(&with_three_findings(), 0, &text, &policy(""));
    assert_eq!(result(&e, "TST-001").status, Status::Fail);
    assert_eq!(e.waivers[0].state, WaiverState::Refused);
    assert_eq!(
        e.waivers[0].message,
        "runs 40 days to 2027-01-01, longer than the 30 days tier 0 allows (policy default); set `expires` to 2026-12-22 or earlier"
    );
    assert!(rules(&e).contains(&"waiver-refused"));
    let e = run(&with_three_findings(), 1, &text, &policy(""));
    assert_eq!(result(&e, "TST-001").status, Status::Waived);
    // The policy sets the cap per tier, and the message names where.
    let e = run(
        &with_three_findings(),
        1,
        &text,
        &policy("waiver_max_days: {1: 14}\n"),
    );
    assert_eq!(
        e.waivers[0].message,
        "runs 40 days to 2027-01-01, longer than the 14 days tier 1 allows (policy file org.yaml); set `expires` to 2026-12-06 or earlier"
    );
}

#[test]
fn waivers_expiring_within_14_days_are_flagged() {
    for (expires, soon) in [
        ("2026-12-05", true),
        ("2026-12-06", true),
        ("2026-12-07", false),
    ] {
        let e = run(
            &with_three_findings(),
            1,
            &WHOLE.replace("2026-12-20", expires),
            &policy(""),
        );
        assert_eq!(e.waivers[0].state, WaiverState::Applied, "{expires}");
        assert_eq!(e.waivers[0].expiring_soon, soon, "{expires}");
        let waived = e.trace.iter().find(|t| t.rule == "waived").unwrap();
        assert_eq!(
            waived.message.ends_with(" days"),
            soon,
            "{}",
            waived.message
        );
    }
}

#[test]
fn a_partly_covered_result_stays_failed_and_says_how_much_was_waived() {
    let text = "  - check: TST-001\n    paths: [deploy/legacy/**]\n    kind: accepted-risk\n    reason: legacy apps retire in Q1\n    expires: 2026-12-20\n";
    let mut r = with_three_findings();
    add(
        &mut r,
        "TST-003",
        Category::Capacity,
        Severity::Major,
        REQUIRED,
        Outcome::fail(vec![
            Finding::new("x").at(Some(at("deploy/legacy/x.yaml", 1))),
        ]),
    );
    let e = run(&r, 1, text, &policy(""));
    let res = result(&e, "TST-001");
    assert_eq!(res.status, Status::Fail);
    assert!(res.waiver.is_none());
    assert_eq!(
        res.message,
        "2 of 3 findings waived; api has no limit (+2 more)"
    );
    assert_eq!(e.waivers[0].state, WaiverState::Applied);
    assert_eq!(
        e.waivers[0].message,
        "covers 2 of 3 findings of TST-001: TST-001 stays FAIL; expires in 28 days (2026-12-20)"
    );
    assert_eq!(e.waivers[0].scope, ["deploy/legacy/**"]);
    assert_eq!(
        result(&e, "TST-003").status,
        Status::Fail,
        "other checks untouched"
    );

    // A resource waiver for the remaining finding completes the cover: WAIVED.
    let both = format!(
        "{text}  - check: TST-001\n    resources: [\"Deployment/api *\"]\n    kind: compensating-control\n    reason: the gateway caps requests\n    expires: 2026-12-20\n"
    );
    let e = run(&with_three_findings(), 1, &both, &policy(""));
    let res = result(&e, "TST-001");
    assert_eq!(res.status, Status::Waived);
    assert_eq!(res.waiver.as_ref().unwrap().kind, "accepted-risk");
    assert_eq!(
        e.waivers
            .iter()
            .map(|w| w.message.as_str())
            .collect::<Vec<_>>(),
        [
            "covers 2 of 3 findings of TST-001: it is WAIVED (was FAIL); expires in 28 days (2026-12-20)",
            "covers 1 of 3 findings of TST-001: it is WAIVED (was FAIL); expires in 28 days (2026-12-20)",
        ]
    );
    assert_eq!(e.waivers[1].scope, ["resource:Deployment/api *"]);
}

#[test]
fn a_waived_blocker_no_longer_forces_no_go_but_holds_the_decision_at_conditional_go() {
    let mut r = passing();
    add(
        &mut r,
        "TST-004",
        Category::Data,
        Severity::Blocker,
        REQUIRED,
        Outcome::fail(vec![
            Finding::new("no backups").at(Some(at("infra/db.tf", 3))),
        ]),
    );
    add(
        &mut r,
        "TST-005",
        Category::Security,
        Severity::Major,
        REQUIRED,
        Outcome::fail(vec![
            Finding::new("latest tag").at(Some(at("deploy/api.yaml", 20))),
        ]),
    );
    let e = run(&r, 1, "", &policy(""));
    assert_eq!(e.decision, Verdict::NoGo);
    assert!(result(&e, "TST-004").blocking && result(&e, "TST-005").blocking);

    let text = "  - {check: TST-004, kind: compensating-control, reason: snapshots by the DBA team, expires: 2026-12-31}\n  - {check: TST-005, kind: accepted-risk, reason: pinned at deploy, expires: 2026-12-31}\n";
    let e = run(&r, 1, text, &policy(""));
    assert_eq!(e.decision, Verdict::ConditionalGo);
    assert!(!result(&e, "TST-004").blocking && !result(&e, "TST-005").blocking);
    assert!(!rules(&e).contains(&"required-blocker"));
    assert!(!rules(&e).contains(&"hard-blocker-category"));
    assert_eq!(
        e.trace
            .iter()
            .find(|t| t.rule == "waivers-remain")
            .unwrap()
            .message,
        "2 waivers are in force (2 checks WAIVED): accepted gaps are not a GO"
    );
}

#[test]
fn a_whole_check_waiver_covers_an_inconclusive_result_without_findings() {
    let mut r = passing();
    add(
        &mut r,
        "TST-006",
        Category::Observability,
        Severity::Major,
        REQUIRED,
        Outcome::inconclusive("no workload found"),
    );
    let e = run(
        &r,
        1,
        "  - {check: TST-006, kind: compensating-control, reason: scraped elsewhere, expires: 2026-12-31}\n",
        &policy(""),
    );
    let res = result(&e, "TST-006");
    assert_eq!(res.status, Status::Waived);
    assert!(res.inconclusive, "still says the evidence was missing");
    // A scoped waiver has nothing to match.
    let e = run(
        &r,
        1,
        "  - {check: TST-006, paths: [\"**\"], kind: compensating-control, reason: scraped elsewhere, expires: 2026-12-31}\n",
        &policy(""),
    );
    assert_eq!(result(&e, "TST-006").status, Status::Fail);
    assert_eq!(
        e.waivers[0].message,
        "TST-006 has no located findings for its paths or resources to match; TST-006 stays FAIL"
    );
}
