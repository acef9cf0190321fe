//! Overrides and sign-offs from the ledger, resolved against the policy's approvers: each
//! refusal reason, the security co-sign, newest-wins and expiry; sign-off staleness.

// Test helpers outside #[test] functions may unwrap: a panic is the failure report.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use launchgate_core::{Category, Effort, Requirement, Severity, Status};
use launchgate_manifest::{LocatedLayer, Policy, PublicKey, SourceFile};
use launchgate_policy::{
    CheckResult, LedgerOverride, LedgerSignoff, OverrideResolution, Verdict, resolve_overrides,
    resolve_signoffs,
};

fn key(n: u8) -> String {
    PublicKey([n; 32]).to_string()
}

/// alice: vp; carol: security; dave: vp and security; erin: sre.
fn policy() -> Policy {
    let yaml = format!(
        "approvers:\n  - {{name: alice, roles: [VP], public_key: \"{}\"}}\n  - {{name: carol, roles: [security], public_key: \"{}\"}}\n  - {{name: dave, roles: [vp, security], public_key: \"{}\"}}\n  - {{name: erin, roles: [sre, engineering], public_key: \"{}\"}}\n",
        key(1),
        key(2),
        key(3),
        key(4)
    );
    let layer = LocatedLayer::parse_file(SourceFile::new("org.yaml", yaml)).unwrap();
    Policy::resolve(&[layer], &[]).unwrap()
}

fn today() -> jiff::civil::Date {
    jiff::civil::date(2026, 11, 22)
}

fn check(id: &str, category: Category, status: Status) -> CheckResult {
    CheckResult {
        id: id.to_string(),
        slug: "x".to_string(),
        title: "x".to_string(),
        category,
        severity: Severity::Major,
        requirement: Requirement::Required,
        status,
        basis: None,
        inconclusive: false,
        blocking: status == Status::Fail,
        message: String::new(),
        findings: Vec::new(),
        evidence: Vec::new(),
        effort: Effort(1),
        waiver: None,
    }
}

/// A capacity FAIL (not a hard blocker) and a pass.
fn soft() -> Vec<CheckResult> {
    vec![
        check("CAP-001", Category::Capacity, Status::Fail),
        check("OBS-001", Category::Observability, Status::Pass),
    ]
}

/// A security FAIL: security is a hard-blocker category by default.
fn hard() -> Vec<CheckResult> {
    vec![
        check("SEC-007", Category::Security, Status::Fail),
        check("OBS-001", Category::Observability, Status::Pass),
    ]
}

/// A validly signed override by `who` with their own key, recorded on 2026-11-`day`.
fn ov(who: &str, n: u8, decision: Verdict, day: u8) -> LedgerOverride {
    LedgerOverride {
        decision,
        approver: who.to_string(),
        public_key: Some(key(n)),
        signature_valid: true,
        reason: format!("{who} accepts the risk"),
        expires: "2026-12-15".to_string(),
        recorded_at: format!("2026-11-{day:02}T10:00:00Z"),
        event_hash: format!("{who}{day:02}{}", "0".repeat(58)),
    }
}

fn resolve(results: &[CheckResult], overrides: &[LedgerOverride]) -> OverrideResolution {
    resolve_overrides(Verdict::NoGo, results, overrides, &policy(), today())
}

fn refusal(o: LedgerOverride) -> String {
    let r = resolve(&soft(), &[o]);
    assert_eq!(r.decision, Verdict::NoGo);
    assert!(!r.views[0].applied);
    r.views[0].refused.clone().unwrap()
}

#[test]
fn a_valid_override_sets_the_final_decision_and_traces_it() {
    let r = resolve(&soft(), &[ov("alice", 1, Verdict::Go, 20)]);
    assert_eq!(r.decision, Verdict::Go);
    let v = &r.views[0];
    assert!(v.applied);
    assert_eq!(v.refused, None);
    assert_eq!(v.roles, ["vp"]);
    assert_eq!(v.cosigned_by, None);
    assert_eq!(r.trace.len(), 1);
    assert_eq!(r.trace[0].rule, "override");
    assert_eq!(r.trace[0].effect, Some(Verdict::Go));
    assert_eq!(
        r.trace[0].message,
        "decision overridden to GO by alice (vp) until 2026-12-15: alice accepts the risk; computed NO_GO; event alice2000000"
    );
}

#[test]
fn every_refusal_names_its_reason() {
    let mut o = ov("alice", 1, Verdict::Go, 20);
    o.public_key = None;
    o.signature_valid = false;
    assert_eq!(
        refusal(o),
        "unsigned: the ledger event carries no signature"
    );

    let mut o = ov("alice", 1, Verdict::Go, 20);
    o.signature_valid = false;
    assert_eq!(
        refusal(o),
        "bad signature: the event's signature does not verify"
    );

    assert_eq!(
        refusal(ov("mallory", 9, Verdict::Go, 20)),
        "unknown approver: `mallory` is not in the policy's approvers (policy file org.yaml)"
    );

    // Alice's name, carol's key.
    assert_eq!(
        refusal(ov("alice", 2, Verdict::Go, 20)),
        "key not in policy: signed with a key that is not `alice`'s key in the policy (policy file org.yaml)"
    );
    let mut o = ov("alice", 1, Verdict::Go, 20);
    o.public_key = Some("ed25519:garbage".to_string());
    assert!(refusal(o).starts_with("key not in policy:"));

    assert_eq!(
        refusal(ov("erin", 4, Verdict::Go, 20)),
        "role not allowed: `erin` holds [sre, engineering]; overriding needs one of [vp] (policy default)"
    );

    let mut o = ov("alice", 1, Verdict::Go, 20);
    o.expires = "2026-11-21".to_string();
    assert_eq!(refusal(o), "expired on 2026-11-21");
    let mut o = ov("alice", 1, Verdict::Go, 20);
    o.expires = "next week".to_string();
    assert_eq!(
        refusal(o),
        "bad expiry: `next week` is not a date (YYYY-MM-DD)"
    );
    // Expiring today still applies.
    let mut o = ov("alice", 1, Verdict::Go, 20);
    o.expires = "2026-11-22".to_string();
    assert_eq!(resolve(&soft(), &[o]).decision, Verdict::Go);
}

#[test]
fn refused_overrides_are_traced_as_information() {
    let mut o = ov("alice", 1, Verdict::Go, 20);
    o.signature_valid = false;
    let r = resolve(&soft(), &[o]);
    assert_eq!(r.trace.len(), 1);
    assert_eq!(r.trace[0].rule, "override-refused");
    assert_eq!(r.trace[0].effect, None);
    assert_eq!(
        r.trace[0].message,
        "override to GO by alice (event alice2000000) not applied: bad signature: the event's signature does not verify"
    );
}

#[test]
fn the_newest_applicable_override_wins_and_older_ones_are_superseded() {
    let older = ov("alice", 1, Verdict::ConditionalGo, 10);
    let newer = ov("dave", 3, Verdict::Go, 21);
    let mut newest_bad = ov("alice", 1, Verdict::NoGo, 22);
    newest_bad.signature_valid = false;
    let r = resolve(&soft(), &[older, newest_bad, newer]);
    assert_eq!(r.decision, Verdict::Go);
    let summary: Vec<(&str, bool, Option<&str>)> = r
        .views
        .iter()
        .map(|v| (v.approver.as_str(), v.applied, v.refused.as_deref()))
        .collect();
    assert_eq!(
        summary,
        [
            (
                "alice",
                false,
                Some("bad signature: the event's signature does not verify")
            ),
            ("dave", true, None),
            (
                "alice",
                false,
                Some("superseded by the newer override dave21000000")
            ),
        ]
    );
    // Once the newer one expires, the older one applies again.
    let mut expired = ov("dave", 3, Verdict::Go, 21);
    expired.expires = "2026-11-20".to_string();
    let r = resolve(
        &soft(),
        &[ov("alice", 1, Verdict::ConditionalGo, 10), expired],
    );
    assert_eq!(r.decision, Verdict::ConditionalGo);
}

#[test]
fn a_hard_blocker_fail_needs_a_security_co_sign() {
    // A vp alone is not enough.
    let r = resolve(&hard(), &[ov("alice", 1, Verdict::Go, 20)]);
    assert_eq!(r.decision, Verdict::NoGo);
    assert_eq!(
        r.views[0].refused.as_deref(),
        Some(
            "needs security co-sign: SEC-007 failed in a hard-blocker category (policy default), so an override to GO also needs a valid, unexpired override to GO from an approver holding `security`"
        )
    );

    // A vp plus a security co-sign for the same decision.
    let r = resolve(
        &hard(),
        &[
            ov("alice", 1, Verdict::Go, 20),
            ov("carol", 2, Verdict::Go, 19),
        ],
    );
    assert_eq!(r.decision, Verdict::Go);
    let alice = r.views.iter().find(|v| v.approver == "alice").unwrap();
    let carol = r.views.iter().find(|v| v.approver == "carol").unwrap();
    assert!(alice.applied);
    assert_eq!(alice.cosigned_by.as_deref(), Some("carol"));
    assert!(!carol.applied && carol.cosign && carol.refused.is_none());
    assert!(r.trace.iter().any(|t| {
        t.rule == "override"
            && t.message
                .ends_with("; co-signed by carol (event carol1900000); event alice2000000")
    }));

    // A co-sign for another decision does not count.
    let r = resolve(
        &hard(),
        &[
            ov("alice", 1, Verdict::Go, 20),
            ov("carol", 2, Verdict::ConditionalGo, 19),
        ],
    );
    assert_eq!(r.decision, Verdict::NoGo);

    // An expired co-sign does not count.
    let mut carol = ov("carol", 2, Verdict::Go, 19);
    carol.expires = "2026-11-01".to_string();
    let r = resolve(&hard(), &[ov("alice", 1, Verdict::Go, 20), carol]);
    assert_eq!(r.decision, Verdict::NoGo);

    // One approver holding both roles suffices.
    let r = resolve(&hard(), &[ov("dave", 3, Verdict::Go, 20)]);
    assert_eq!(r.decision, Verdict::Go);
    assert_eq!(r.views[0].cosigned_by.as_deref(), Some("dave"));
    assert!(r.trace[0].message.contains("; dave also holds `security`;"));

    // Forcing NO_GO loosens nothing: no co-sign needed.
    let r = resolve_overrides(
        Verdict::ConditionalGo,
        &soft(),
        &[ov("alice", 1, Verdict::NoGo, 20)],
        &policy(),
        today(),
    );
    assert_eq!(r.decision, Verdict::NoGo);
}

#[test]
fn override_roles_come_from_the_policy() {
    let yaml = format!(
        "override_roles: [SRE]\napprovers:\n  - {{name: erin, roles: [sre], public_key: \"{}\"}}\n",
        key(4)
    );
    let layer = LocatedLayer::parse_file(SourceFile::new("org.yaml", yaml)).unwrap();
    let p = Policy::resolve(&[layer], &[]).unwrap();
    assert_eq!(p.override_roles.value, ["sre"]);
    let r = resolve_overrides(
        Verdict::NoGo,
        &soft(),
        &[ov("erin", 4, Verdict::Go, 20)],
        &p,
        today(),
    );
    assert_eq!(r.decision, Verdict::Go);
}

fn so(role: &str, who: &str, n: u8, hash: &str, day: u8) -> LedgerSignoff {
    LedgerSignoff {
        role: role.to_string(),
        approver: who.to_string(),
        public_key: Some(key(n)),
        signature_valid: true,
        note: None,
        content_hash: hash.to_string(),
        recorded_at: format!("2026-11-{day:02}T09:00:00Z"),
        event_hash: format!("{who}-{role}-{day}"),
    }
}

#[test]
fn sign_offs_are_newest_per_role_and_approver_and_stale_when_results_changed() {
    let signoffs = [
        so("engineering", "erin", 4, "old", 10),
        so("engineering", "erin", 4, "h1", 20),
        so("security", "carol", 2, "old", 18),
        so("sre", "erin", 4, "h1", 19),
        so("security", "alice", 1, "h1", 21),
        so("qa", "dave", 3, "h1", 21),
    ];
    let mut unsigned = so("sre", "dave", 3, "h1", 21);
    unsigned.public_key = None;
    let mut all = signoffs.to_vec();
    all.push(unsigned);
    let views = resolve_signoffs("h1", &all, &policy());
    let got: Vec<(&str, &str, &str, bool, Option<&str>)> = views
        .iter()
        .map(|v| {
            (
                v.role.as_str(),
                v.approver.as_str(),
                v.event_hash.as_str(),
                v.stale,
                v.refused.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("engineering", "erin", "erin-engineering-20", false, None),
            (
                "sre",
                "dave",
                "dave-sre-21",
                false,
                Some("unsigned: the ledger event carries no signature")
            ),
            ("sre", "erin", "erin-sre-19", false, None),
            (
                "security",
                "alice",
                "alice-security-21",
                false,
                Some("role not held: `alice` holds [vp], not `security`")
            ),
            ("security", "carol", "carol-security-18", true, None),
            (
                "qa",
                "dave",
                "dave-qa-21",
                false,
                Some(
                    "not a sign-off role: `qa` is not in the policy's signoff_roles [engineering, sre, security] (policy default)"
                )
            ),
        ]
    );
}
