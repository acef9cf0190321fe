//! Governance through the real binary: waiver and approver configuration errors (located, exit
//! 2), waivers in every output, and a stored review with ledger overrides and sign-offs attached
//! and rendered, as the ledger commands do.

// Test helpers outside #[test] functions may unwrap: a panic is the failure report.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use launchgate_manifest::{LocatedLayer, Policy, PublicKey, SourceFile};
use launchgate_policy::{LedgerOverride, LedgerSignoff, Verdict};
use launchgate_report::{Review, TerminalOptions, render_markdown, render_terminal};
use serde_json::Value;

#[path = "support/binary.rs"]
mod binary;
#[path = "support/scratch.rs"]
mod scratch;
use binary::lg;
use scratch::Scratch;

/// A temporary repository holding `launchgate.yaml` and, when given, `org.yaml`.
fn repo(name: &str, manifest: &str, org: Option<&str>) -> Scratch {
    let dir = Scratch::new("gov", name);
    std::fs::write(dir.join("launchgate.yaml"), manifest).unwrap();
    if let Some(org) = org {
        std::fs::write(dir.join("org.yaml"), org).unwrap();
    }
    dir
}

/// stderr and exit code of `check DIR [--policy DIR/org.yaml]`.
fn check_err(dir: &Path, with_org: bool) -> (String, i32) {
    let mut c = lg();
    // Wide enough that miette does not wrap the long temporary paths.
    c.env("COLUMNS", "400")
        .arg("check")
        .arg(dir)
        .args(["--today", "2026-11-22"]);
    if with_org {
        c.arg("--policy").arg(dir.join("org.yaml"));
    }
    let out = c.output().unwrap();
    (
        String::from_utf8(out.stderr).unwrap(),
        out.status.code().unwrap(),
    )
}

const HEAD: &str = "service: api\ntier: 1\nexposure: internal\ndata: persistent\nwaivers:\n";

fn waiver_error(name: &str, waiver: &str) -> String {
    let dir = repo(name, &format!("{HEAD}{waiver}"), None);
    let (err, code) = check_err(&dir, false);
    assert_eq!(code, 2, "{err}");
    err
}

#[test]
fn each_bad_waiver_field_is_a_located_config_error() {
    let err = waiver_error(
        "no-reason",
        "  - check: OPS-006\n    kind: accepted-risk\n    expires: 2026-12-01\n",
    );
    assert!(
        err.contains("launchgate.yaml:6:5: missing required key `reason` in `waivers.0`"),
        "{err}"
    );

    let err = waiver_error(
        "no-expiry",
        "  - check: OPS-006\n    kind: accepted-risk\n    reason: later\n",
    );
    assert!(
        err.contains("launchgate.yaml:6:5: missing required key `expires` in `waivers.0`"),
        "{err}"
    );

    let err = waiver_error(
        "no-kind",
        "  - {check: OPS-006, reason: later, expires: 2026-12-01}\n",
    );
    assert!(
        err.contains("launchgate.yaml:6:5: missing required key `kind` in `waivers.0`"),
        "{err}"
    );

    let err = waiver_error(
        "bad-kind",
        "  - check: OPS-006\n    kind: accepted_risk\n    reason: later\n    expires: 2026-12-01\n",
    );
    assert!(
        err.contains("launchgate.yaml:7:11: `accepted_risk` is not a valid value for `kind`"),
        "{err}"
    );
    assert!(err.contains("did you mean `accepted-risk`?"), "{err}");

    let err = waiver_error(
        "bad-date",
        "  - check: OPS-006\n    kind: accepted-risk\n    reason: later\n    expires: 1 December\n",
    );
    assert!(
        err.contains("launchgate.yaml:9:14: `1 December` is not a date; write it as YYYY-MM-DD"),
        "{err}"
    );

    // Semantic errors come together, in file order.
    let err = waiver_error(
        "semantic",
        "  - check: SEC-07\n    kind: accepted-risk\n    reason: pinned by the deploy tool\n    expires: 2026-12-01\n  - check: OPS-006\n    kind: false-positive\n    reason: \"  \"\n    paths: [\"/etc/**\", \"deploy/[a\"]\n    expires: 2026-12-01\n",
    );
    for want in [
        "launchgate.yaml:6:12: unknown check `SEC-07`",
        "did you mean `SEC-007`?",
        "launchgate.yaml:12:13: the waiver's reason is empty",
        "launchgate.yaml:13:13: waiver glob `/etc/**` reaches outside the repository",
        "launchgate.yaml:13:24: waiver glob `deploy/[a` is not a valid glob",
        "4 problems in the configuration",
    ] {
        assert!(err.contains(want), "missing `{want}` in:\n{err}");
    }
    let unknown = err.find("unknown check").unwrap();
    let empty = err.find("reason is empty").unwrap();
    assert!(unknown < empty, "{err}");
}

fn key(n: u8) -> String {
    PublicKey([n; 32]).to_string()
}

#[test]
fn malformed_approver_keys_and_duplicates_are_located_config_errors() {
    let dir = repo(
        "bad-key",
        "service: api\ntier: 1\nexposure: internal\ndata: persistent\n",
        Some(
            "approvers:\n  - name: alice\n    roles: [vp]\n    public_key: \"ed25519:AAAA\"\n  - name: bob\n    roles: [vp]\n    public_key: AAAA\n",
        ),
    );
    let (err, code) = check_err(&dir, true);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("org.yaml:4:17: approver `alice`: an ed25519 public key is 32 bytes; this one decodes to 3 bytes"),
        "{err}"
    );
    assert!(
        err.contains("org.yaml:7:17: approver `bob`: `AAAA` is not an ed25519 public key: it must start with `ed25519:`"),
        "{err}"
    );
    assert!(err.contains("as `launchgate keygen` prints it"), "{err}");

    let org = format!(
        "approvers:\n  - {{name: alice, roles: [vp], public_key: \"{}\"}}\n  - {{name: alice, roles: [], public_key: \"{}\"}}\n",
        key(1),
        key(1)
    );
    let dir = repo(
        "dup",
        "service: api\ntier: 1\nexposure: internal\ndata: persistent\n",
        Some(&org),
    );
    let (err, code) = check_err(&dir, true);
    assert_eq!(code, 2, "{err}");
    for want in [
        "org.yaml:3:12: approver `alice` is listed twice",
        "org.yaml:3:26: approver `alice` has no role, or an empty one",
        "org.yaml:3:42: approver `alice` has the same public key as approvers[0]",
    ] {
        assert!(err.contains(want), "missing `{want}` in:\n{err}");
    }
}

const WAIVERS: &str = "  - check: INC-001\n    kind: accepted-risk\n    reason: the team is being formed\n    approved_by: lee@example.com\n    expires: 2026-11-30\n  - check: OPS-006\n    kind: accepted-risk\n    reason: estimate pending\n    expires: 2026-11-01\n  - check: SEC-001\n    kind: false-positive\n    reason: test keys only\n    expires: 2026-12-01\n  - check: DAT-001\n    kind: compensating-control\n    reason: the DBA team snapshots nightly\n    ticket: DBA-7\n    expires: 2027-06-01\n";

#[test]
fn every_output_shows_applied_expiring_expired_unmatched_and_refused_waivers() {
    let dir = repo("render", &format!("{HEAD}{WAIVERS}"), None);
    let run = |format: &str| {
        let out = lg()
            .arg("check")
            .arg(&dir)
            .args(["--today", "2026-11-22", "--format", format])
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    let text = run("terminal");
    for want in [
        "  WAIVED  INC-001 owner-defined              waived until 2026-11-30 (accepted-risk): the team is being formed; was FAIL: no owning team is named for `api`: no `owner` in the manifest, and no `spec.owner` in a catalog-info.yaml\n",
        "        launchgate.yaml:6:5  waiver: accepted-risk until 2026-11-30, approved by lee@example.com",
        "Waivers 1 applied · 1 expired · 1 unmatched · 1 refused · 1 expiring soon",
        "  EXPIRING   INC-001  waives INC-001: it is WAIVED (was FAIL); expires in 8 days (2026-11-30)",
        "  EXPIRED    OPS-006  expired on 2026-11-01 (21 days ago): OPS-006 keeps its WARN; renew the waiver with a new expiry or fix the check\n",
        "  UNMATCHED  SEC-001  SEC-001 is PASS: nothing to waive; remove the waiver",
        "  REFUSED    DAT-001  runs 191 days to 2027-06-01, longer than the 90 days tier 1 allows (policy default); set `expires` to 2027-02-20 or earlier\n",
        "        launchgate.yaml:19:5  compensating-control: the DBA team snapshots nightly",
        "· 16 skip · 1 waived",
        "  1 waiver is in force (1 check WAIVED): accepted gaps are not a GO",
    ] {
        assert!(text.contains(want), "missing `{want}` in:\n{text}");
    }
    // Every row lines up when WAIVED is among them.
    assert!(
        text.contains("\n  FAIL    DAT-001 automated-backups "),
        "{text}"
    );

    let md = run("markdown");
    for want in [
        "**Waived (accepted until the waiver expires):**\n1. INC-001 owner-defined: waived until 2026-11-30 (accepted-risk): the team is being formed; was FAIL: ",
        "**WAIVED:**\n- 🏳️ **INC-001** owner-defined: waived until 2026-11-30",
        "  - Waiver: accepted-risk until 2026-11-30, was FAIL, approved by lee@example.com (`launchgate.yaml:6:5`)",
        "| INC-001 | applied, **expiring soon** | accepted-risk | whole check | 2026-11-30 | lee@example.com |  | the team is being formed | waives INC-001: it is WAIVED (was FAIL); expires in 8 days (2026-11-30) (`launchgate.yaml:6:5`) |",
        "| DAT-001 | **refused** | compensating-control | whole check | 2027-06-01 |  | DBA-7 | the DBA team snapshots nightly | runs 191 days to 2027-06-01, longer than the 90 days tier 1 allows (policy default); set `expires` to 2027-02-20 or earlier (`launchgate.yaml:19:5`) |",
        "- `waiver-expired`: waiver of OPS-006 not applied: expired on 2026-11-01",
    ] {
        assert!(md.contains(want), "missing `{want}` in:\n{md}");
    }

    let v: Value = serde_json::from_str(&run("json")).unwrap();
    assert_eq!(v["counts"]["waived"], 1);
    let states: Vec<(&str, &str, bool)> = v["waivers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            (
                w["check"].as_str().unwrap(),
                w["state"].as_str().unwrap(),
                w["expiring_soon"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        states,
        [
            ("INC-001", "applied", true),
            ("OPS-006", "expired", false),
            ("SEC-001", "unmatched", false),
            ("DAT-001", "refused", false),
        ]
    );
    let inc = v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "INC-001")
        .unwrap();
    assert_eq!(inc["status"], "waived");
    assert_eq!(inc["waiver"]["original_status"], "fail");
    assert_eq!(inc["waiver"]["location"]["line"], 6);
}

/// `s` without ANSI SGR sequences (the binary strips them the same way when colour is off).
fn plain(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c == 'm' {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn ledger_override(
    who: &str,
    n: u8,
    decision: Verdict,
    signed: bool,
    hash: &str,
) -> LedgerOverride {
    LedgerOverride {
        decision,
        approver: who.to_string(),
        public_key: signed.then(|| key(n)),
        signature_valid: signed,
        reason: "launch for the Black Friday campaign; load test rerun on Monday".to_string(),
        expires: "2026-11-30".to_string(),
        recorded_at: "2026-11-21T16:00:00Z".to_string(),
        event_hash: hash.to_string(),
    }
}

fn signoff(role: &str, who: &str, n: u8, content_hash: &str) -> LedgerSignoff {
    LedgerSignoff {
        role: role.to_string(),
        approver: who.to_string(),
        public_key: Some(key(n)),
        signature_valid: true,
        note: None,
        content_hash: content_hash.to_string(),
        recorded_at: "2026-11-21T17:30:00Z".to_string(),
        event_hash: format!("{who}-{role}"),
    }
}

/// The ledger flow: a stored review (JSON), the org policy, overrides and sign-offs from the
/// ledger -> the final decision and every section that shows it.
#[test]
fn a_stored_review_with_ledger_overrides_and_signoffs_renders_the_override_prominently() {
    let org = format!(
        "approvers:\n  - {{name: alice, roles: [vp], public_key: \"{}\"}}\n  - {{name: erin, roles: [engineering], public_key: \"{}\"}}\n  - {{name: carol, roles: [security], public_key: \"{}\"}}\n",
        key(1),
        key(2),
        key(3)
    );
    let dir = repo(
        "ledger",
        "service: api\ntier: 1\nexposure: internal\ndata: persistent\n",
        Some(&org),
    );
    let out = lg()
        .args([
            "check",
            "examples/payment-service",
            "--today",
            "2026-11-22",
            "--format",
            "json",
            "--policy",
        ])
        .arg(dir.join("org.yaml"))
        .output()
        .unwrap();
    let stored = Review::from_json(&String::from_utf8(out.stdout).unwrap()).unwrap();
    assert_eq!(stored.decision, Verdict::ConditionalGo);
    let policy = Policy::resolve(
        &[LocatedLayer::parse_file(SourceFile::new("org.yaml", org.clone())).unwrap()],
        &[],
    )
    .unwrap();
    let hash = stored.content_hash.clone();
    let overrides = [
        ledger_override("alice", 1, Verdict::Go, true, "9f2c4e6a8b0d1e3f5a7c"),
        ledger_override("bob", 4, Verdict::Go, false, "0123456789abcdef0123"),
    ];
    let signoffs = [
        signoff("engineering", "erin", 2, &hash),
        signoff("security", "carol", 3, "an-older-review"),
    ];
    let today = jiff::civil::date(2026, 11, 22);
    let review = stored.with_governance(&policy, &overrides, &signoffs, today);
    assert_eq!(review.decision, Verdict::Go);
    assert_eq!(review.computed_decision, Verdict::ConditionalGo);
    assert_eq!(review.counts.fail, 4, "results are never rewritten");
    let rules: Vec<&str> = review.trace.iter().map(|t| t.rule.as_str()).collect();
    assert_eq!(
        rules,
        [
            "score",
            "threshold",
            "warnings-remain",
            "decision",
            "override-refused",
            "override"
        ]
    );
    // Attaching the same ledger again changes nothing; the JSON round-trips.
    let again = review
        .clone()
        .with_governance(&policy, &overrides, &signoffs, today);
    assert_eq!(again.to_json(), review.to_json());
    let json = review.to_json();
    assert_eq!(Review::from_json(&json).unwrap().to_json(), json);

    let text = plain(&render_terminal(
        &review,
        TerminalOptions {
            width: 200,
            cut: true,
            verbose: false,
        },
    ));
    for want in [
        "Decision: GO (override; computed CONDITIONAL_GO)  pass rate 88%",
        "  OVERRIDE to GO by alice (vp) until 2026-11-30: launch for the Black Friday campaign; load test rerun on Monday; event 9f2c4e6a8b0d",
        "  override to GO by bob not applied: unsigned: the ledger event carries no signature (event 0123456789ab)",
        "  sign-offs: engineering erin · sre missing · security carol (stale)",
    ] {
        assert!(text.contains(want), "missing `{want}` in:\n{text}");
    }

    let md = render_markdown(&review);
    for want in [
        "**Overall status:** READY (GO by override; computed CONDITIONAL_GO; score",
        "> **Decision overridden:** GO by alice (vp), until 2026-11-30: launch for the Black Friday campaign; load test rerun on Monday. Computed decision: CONDITIONAL_GO. Ledger event `9f2c4e6a8b0d`.",
        "**Overrides not applied:**\n- GO by bob (event `0123456789ab`): unsigned: the ledger event carries no signature",
        "| GO | alice | vp | launch for the Black Friday campaign; load test rerun on Monday | 2026-11-30 | 2026-11-21T16:00:00Z | `9f2c4e6a8b0d` | **applied** |",
        "| Role | Name | Date | Status |\n|------|------|------|--------|\n| Engineering | erin | 2026-11-21 | signed |\n| SRE | | | |\n| Security | carol | 2026-11-21 | stale: signed results that have changed since |",
        "- `override`: decision overridden to GO by alice (vp) until 2026-11-30",
    ] {
        assert!(md.contains(want), "missing `{want}` in:\n{md}");
    }
}

/// Reviews stored before the governance fields existed still read, with the documented defaults.
#[test]
fn reviews_stored_without_the_governance_fields_read_with_defaults() {
    let out = lg()
        .args([
            "check",
            "examples/internal-dashboard",
            "--today",
            "2026-11-22",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let mut v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let o = v.as_object_mut().unwrap();
    for key in [
        "waivers",
        "overrides",
        "signoffs",
        "signoff_roles",
        "history",
    ] {
        assert!(o.remove(key).is_some(), "{key}");
    }
    let t = o["thresholds"].as_object_mut().unwrap();
    assert!(t.remove("require_evidence").is_some());
    assert!(t.remove("allow_unsafe_thresholds").is_some());
    let old = serde_json::to_string(&v).unwrap();
    let r = Review::from_json(&old).unwrap();
    assert_eq!(r.signoff_roles, ["engineering", "sre", "security"]);
    assert_eq!(r.thresholds.require_evidence, [launchgate_core::Tier::T0]);
    assert!(!r.thresholds.allow_unsafe_thresholds);
    assert!(r.waivers.is_empty() && r.overrides.is_empty() && r.signoffs.is_empty());
}
