//! Custom checks in Rego through the real binary: the example organisation checks pass their
//! own `policy test`, turn the payment service NO_GO, show in every format and in the catalog;
//! broken policies give their documented outcome.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::Value;

#[path = "support/binary.rs"]
mod binary;
use binary::{lg, root, stderr, stdout};

const ACME: &str = "examples/policies/acme-policy.yaml";

#[test]
fn the_example_checks_pass_their_own_policy_test() {
    let out = lg()
        .args(["policy", "test", "examples/policies"])
        .output()
        .unwrap();
    assert_eq!(
        stdout(&out),
        "\
ok     ORG-001 fail_no_alertmanager
ok     ORG-001 fail_pages_go_to_chat
ok     ORG-001 pass_page_route_to_pagerduty
ok     ORG-002 fail_v1_everywhere
ok     ORG-002 pass_v2_queue
ok     ORG-003 fail_missing_annotation
ok     ORG-003 inconclusive_unparsable_manifest
ok     ORG-003 na_no_ingress
ok     ORG-003 pass_annotated
9 passed, 0 failed
"
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn a_fixture_that_does_not_match_fails_policy_test() {
    let dir = tempfile::tempdir().unwrap();
    let src = root().join("examples/policies");
    std::fs::copy(
        src.join("ingress_waf.rego"),
        dir.path().join("ingress_waf.rego"),
    )
    .unwrap();
    let case = dir.path().join("fixtures/ORG-003/pass_wrongly_named");
    std::fs::create_dir_all(case.join("deploy")).unwrap();
    std::fs::copy(
        src.join("fixtures/ORG-003/fail_missing_annotation/launchgate.yaml"),
        case.join("launchgate.yaml"),
    )
    .unwrap();
    std::fs::copy(
        src.join("fixtures/ORG-003/fail_missing_annotation/deploy/ingress.yaml"),
        case.join("deploy/ingress.yaml"),
    )
    .unwrap();
    let out = lg()
        .arg("policy")
        .arg("test")
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(
        stdout(&out),
        "\
FAILED ORG-003 pass_wrongly_named
       expected pass, got fail (1 findings)
0 passed, 1 failed
"
    );
    assert_eq!(out.status.code(), Some(1));
}

fn review(policy: &str) -> (Value, i32) {
    let out = lg()
        .args([
            "check",
            "examples/payment-service",
            "--format",
            "json",
            "--policy",
            policy,
        ])
        .output()
        .unwrap();
    let v: Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", stderr(&out)));
    (v, out.status.code().unwrap())
}

fn result<'a>(v: &'a Value, id: &str) -> &'a Value {
    v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no {id}"))
}

#[test]
fn a_hard_blocker_custom_check_turns_the_payment_service_no_go() {
    let (v, code) = review(ACME);
    assert_eq!(v["decision"], "no_go");
    assert_eq!(code, 1);
    let waf = result(&v, "ORG-003");
    assert_eq!(waf["status"], "fail");
    assert_eq!(waf["blocking"], true);
    assert_eq!(waf["category"], "security");
    assert_eq!(
        waf["findings"][0]["message"],
        "Ingress payment-api has no waf.acme.dev/policy annotation"
    );
    assert_eq!(
        waf["findings"][0]["location"]["path"],
        "deploy/kubernetes/service.yaml"
    );
    assert_eq!(result(&v, "ORG-001")["status"], "pass");
    assert_eq!(result(&v, "ORG-002")["status"], "pass");
    assert_eq!(v["counts"]["fail"], 5);
    assert_eq!(v["counts"]["pass"], 70);
}

#[test]
fn policy_overrides_and_waivers_apply_to_custom_checks() {
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("policy.yaml");
    let checks = root().join("examples/policies/ingress_waf.rego");
    std::fs::write(
        &policy,
        format!(
            "custom_checks: [{}]\nchecks:\n  ORG-003: {{severity: minor, tiers: \"W W W\"}}\n",
            checks.display()
        ),
    )
    .unwrap();
    let (v, _) = review(policy.to_str().unwrap());
    let waf = result(&v, "ORG-003");
    assert_eq!(waf["status"], "warn");
    assert_eq!(waf["severity"], "minor");
    assert_eq!(v["decision"], "conditional_go");
}

#[test]
fn custom_checks_show_in_sarif_junit_markdown_and_html() {
    for (format, needle) in [
        ("sarif", "\"id\": \"ORG-003\""),
        ("junit", "ORG-003"),
        ("markdown", "ORG-003"),
        ("html", "ORG-003"),
    ] {
        let out = lg()
            .args([
                "check",
                "examples/payment-service",
                "--policy",
                ACME,
                "--format",
                format,
            ])
            .output()
            .unwrap();
        assert!(stdout(&out).contains(needle), "{format}: no {needle}");
    }
    // The SARIF rule of a custom check is written from its own documentation, as the built-in
    // catalog's rules are.
    let out = lg()
        .args([
            "check",
            "examples/payment-service",
            "--policy",
            ACME,
            "--format",
            "sarif",
        ])
        .output()
        .unwrap();
    let sarif: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    let org = rules.iter().find(|r| r["id"] == "ORG-003").unwrap();
    assert_eq!(
        org["help"]["markdown"],
        "## What it checks\n\nEvery Ingress carries the `waf.acme.dev/policy` annotation, which puts it behind the Acme\nweb application firewall.\n\n## Why it matters\n\nAn Ingress without it is reachable from the internet with no request filtering.\n\n## How to fix\n\nAdd `waf.acme.dev/policy: standard` (or `strict`) to the Ingress annotations."
    );
    // ORG-001 and ORG-002 did not fail, yet their rules are there for a viewer to explain.
    assert!(rules.iter().any(|r| r["id"] == "ORG-001"));
}

#[test]
fn the_fleet_view_counts_custom_checks_like_built_in_ones() {
    let out = lg()
        .args([
            "check",
            "examples/payment-service",
            "--policy",
            ACME,
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let dir = std::env::temp_dir().join(format!("lg-fleet-custom-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let review = dir.join("payment.json");
    std::fs::write(&review, &out.stdout).unwrap();
    let out = lg().arg("fleet").arg(&review).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let page = stdout(&out);
    // ORG-003 fails in that review: it is among the fleet's failing checks, by its ID.
    assert!(
        page.contains("<tr data-check=\"ORG-003\"><th scope=\"row\"><code>ORG-003</code><br>ingress-waf</th><td>Every Ingress carries the <code>waf.acme.dev/policy</code> annotation, which puts it behind the Acme web application firewall.</td><td class=\"num\">1</td><td class=\"num\">0</td><td>payment-service</td></tr>"),
        "{page}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn checks_and_explain_include_custom_checks() {
    let out = lg()
        .args(["checks", "--policy", ACME, "--category", "security"])
        .output()
        .unwrap();
    let text = stdout(&out);
    assert!(
        text.lines().any(|l| l.starts_with("ORG-003  ingress-waf ")
            && l.ends_with("Every Ingress carries the `waf.acme.dev/policy` annotation, which puts it behind the Acme web application firewall.")),
        "{text}"
    );
    let out = lg()
        .args(["explain", "ingress-waf", "--policy", ACME])
        .output()
        .unwrap();
    let text = stdout(&out);
    assert!(text.contains("ORG-003"), "{text}");
    assert!(text.contains("## How to fix"), "{text}");
    assert_eq!(out.status.code(), Some(0));
    // Without the policy, ORG-003 is unknown.
    let out = lg().args(["explain", "ORG-003"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

fn broken(rego: &str) -> std::process::Output {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("check.rego"), rego).unwrap();
    std::fs::write(
        dir.path().join("policy.yaml"),
        "custom_checks: [check.rego]\n",
    )
    .unwrap();
    lg().args([
        "check",
        "examples/payment-service",
        "--format",
        "json",
        "--policy",
    ])
    .arg(dir.path().join("policy.yaml"))
    .output()
    .unwrap()
}

fn waf_with(find: &str, replace: &str) -> String {
    std::fs::read_to_string(root().join("examples/policies/ingress_waf.rego"))
        .unwrap()
        .replace(find, replace)
}

#[test]
fn a_syntax_error_names_file_line_and_column_and_exits_2() {
    let out = broken(&waf_with("some o in ingresses", "some o in ingresses["));
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("check.rego:33:5"), "{err}");
    assert!(err.contains("error: unexpected keyword `not`"), "{err}");
}

#[test]
fn a_runtime_error_makes_the_check_inconclusive_with_the_reason() {
    let out = broken(&waf_with(
        "not o.annotations[\"waf.acme.dev/policy\"]",
        "to_number(o.name) > 0",
    ));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let r = result(&v, "ORG-003");
    assert_eq!(r["inconclusive"], true);
    assert!(
        r["message"]
            .as_str()
            .unwrap()
            .contains("the Rego evaluation failed"),
        "{}",
        r["message"]
    );
}

#[test]
fn an_endless_loop_is_stopped_and_the_check_is_inconclusive() {
    let started = std::time::Instant::now();
    let out = broken(&waf_with(
        "not o.annotations[\"waf.acme.dev/policy\"]",
        "some i in numbers.range(1, 100000)\n\tsome j in numbers.range(1, 100000)\n\ti * j < 0",
    ));
    assert!(
        started.elapsed().as_secs() < 60,
        "took {:?}",
        started.elapsed()
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let r = result(&v, "ORG-003");
    assert_eq!(r["inconclusive"], true);
    assert!(
        r["message"]
            .as_str()
            .unwrap()
            .contains("the Rego evaluation exceeded the time limit of 2000 ms"),
        "{}",
        r["message"]
    );
}

#[test]
fn a_duplicate_or_builtin_id_is_refused_with_exit_2() {
    let out = broken(&waf_with("ORG-003", "SEC-001"));
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains(
            "check.rego: custom check ID `SEC-001` is taken by a built-in check; use an organisation prefix (ORG-001)"
        ),
        "{}",
        stderr(&out)
    );
    let dir = tempfile::tempdir().unwrap();
    let text = waf_with("", "");
    std::fs::write(dir.path().join("a.rego"), &text).unwrap();
    std::fs::write(
        dir.path().join("b.rego"),
        text.replace("package acme.ingress_waf", "package acme.other"),
    )
    .unwrap();
    std::fs::write(dir.path().join("policy.yaml"), "custom_checks: [.]\n").unwrap();
    let out = lg()
        .args(["check", "examples/payment-service", "--policy"])
        .arg(dir.path().join("policy.yaml"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("b.rego: custom check ID `ORG-003` is also declared by"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn evidence_prints_the_rego_input() {
    let out = lg()
        .args(["evidence", "examples/payment-service"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["version"], 1);
    assert_eq!(v["service"]["name"], "payment-service");
    assert_eq!(v["service"]["tier"], 0);
    let ingress = v["kubernetes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["kind"] == "Ingress")
        .unwrap();
    assert_eq!(ingress["name"], "payment-api");
    assert_eq!(ingress["path"], "deploy/kubernetes/service.yaml");
    assert_eq!(
        ingress["annotations"]["nginx.ingress.kubernetes.io/limit-rps"],
        "50"
    );
    assert_eq!(v["manifest_lines"]["/tier"], 6);
    // Facts of the service's own code, with their place and enclosing function.
    let facts = v["source"].as_array().unwrap();
    let places: Vec<String> = facts
        .iter()
        .map(|f| {
            format!(
                "{}:{} {}",
                f["path"].as_str().unwrap(),
                f["line"],
                f["fact"]["fact"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        places,
        [
            "src/routes/charges.ts:10 route",
            "src/routes/charges.ts:37 log",
            "src/server.js:8 route",
            "src/server.js:9 route",
            "src/server.js:11 server",
            "src/server.js:11 log",
            "src/server.js:12 shutdown",
            "src/server.js:13 log",
            "src/server.js:14 shutdown",
            "src/services/fraud.ts:6 call",
            "src/services/stripe.ts:20 client",
            "src/services/stripe.ts:26 call",
        ]
    );
    assert_eq!(
        facts[0],
        serde_json::json!({
            "path": "src/routes/charges.ts", "line": 10, "column": 1, "language": "typescript",
            "function": null,
            "fact": {
                "fact": "route", "framework": "express", "method": "POST", "path": "/v1/charges",
                "text": "charges.post(...)", "guards": [],
                "elsewhere": "an Express router: middleware where it is mounted (`app.use(path, ..., router)`) in another file applies"
            }
        })
    );
    assert_eq!(
        facts[9],
        serde_json::json!({
            "path": "src/services/fraud.ts", "line": 6, "column": 26, "language": "typescript",
            "function": "scoreCharge",
            "fact": {
                "fact": "call", "library": "axios", "text": "axios.post(...)",
                "timeout": {"state": "missing", "why": "axios waits for ever without a timeout (its default is 0)"},
                "client_line": null
            }
        })
    );
    // The review date is part of the input (a check compares dates with it, not the clock).
    let dated = lg()
        .env("LAUNCHGATE_TODAY", "2027-03-01")
        .args(["evidence", "examples/payment-service"])
        .output()
        .unwrap();
    let dated: Value = serde_json::from_slice(&dated.stdout).unwrap();
    assert_eq!(dated["today"], "2027-03-01");
    let flagged = lg()
        .args([
            "evidence",
            "examples/payment-service",
            "--today",
            "2026-11-22",
        ])
        .output()
        .unwrap();
    let flagged: Value = serde_json::from_slice(&flagged.stdout).unwrap();
    assert_eq!(flagged["today"], "2026-11-22");
    let schema = lg().args(["schema", "rego-input"]).output().unwrap();
    assert!(stdout(&schema).contains("https://launchgate.dev/schema/rego-input.json"));
}

#[test]
fn a_manifest_waiver_may_name_a_custom_check() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = dir.path().join("launchgate.yaml");
    let text =
        std::fs::read_to_string(root().join("examples/payment-service/launchgate.yaml")).unwrap();
    std::fs::write(
        &manifest,
        format!(
            "{text}\nwaivers:\n  - check: ORG-003\n    kind: compensating-control\n    reason: The edge proxy filters requests until the WAF rollout.\n    approved_by: dana@example.com\n    expires: 2026-12-01\n"
        ),
    )
    .unwrap();
    let out = lg()
        .args([
            "check",
            "examples/payment-service",
            "--format",
            "json",
            "--today",
            "2026-11-22",
            "--policy",
            ACME,
            "--manifest",
        ])
        .arg(&manifest)
        .output()
        .unwrap();
    let v: Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", stderr(&out)));
    assert_eq!(result(&v, "ORG-003")["status"], "waived");
    assert_eq!(v["decision"], "conditional_go");
    // Without the policy that loads it, the waiver names an unknown check: exit 2.
    let out = lg()
        .args(["check", "examples/payment-service", "--manifest"])
        .arg(&manifest)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("ORG-003"), "{}", stderr(&out));
}
