//! Custom checks in Rego through the real binary: the example organisation checks pass their
//! own `policy test`, turn the payment service NO_GO, show in every format and in the catalog;
//! broken policies give their documented outcome.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::Value;

#[path = "support/binary.rs"]
mod binary;
#[path = "support/scratch.rs"]
mod scratch;
use binary::{lg, root, stderr, stdout};
use scratch::Scratch;

const ACME: &str = "examples/policies/acme-policy.yaml";

#[test]
fn the_example_checks_pass_their_own_policy_test() {
    let out = lg()
        .args([
            "policy",
            "test",
            "examples/policies",
            "--today",
            "2026-11-22",
        ])
        .output()
        .unwrap();
    // Judged under the policy of the folder (acme-policy.yaml lists the checks): ORG-001 is
    // skipped at tier 2, ORG-003 only recommended there, and ORG-002's waiver runs to January.
    assert_eq!(
        stdout(&out),
        "\
policy: examples/policies/acme-policy.yaml
ok     ORG-001 fail_no_alertmanager
ok     ORG-001 fail_pages_go_to_chat
ok     ORG-001 pass_page_route_to_pagerduty
ok     ORG-001 skip_tier_2
ok     ORG-002 fail_v1_everywhere
ok     ORG-002 pass_v2_queue
ok     ORG-002 waived_migration_until_january
ok     ORG-003 fail_missing_annotation
ok     ORG-003 inconclusive_unparsable_manifest
ok     ORG-003 na_no_ingress
ok     ORG-003 pass_annotated
ok     ORG-003 warn_tier_2
ok     ORG-004 fail_public_base_no_user
ok     ORG-004 fail_user_root
ok     ORG-004 na_no_dockerfile
ok     ORG-004 pass_acme_base_non_root
16 passed, 0 failed
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
policy: the built-in defaults
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
    // The final stage runs as a non-root user, but from a public image.
    let base = result(&v, "ORG-004");
    assert_eq!(base["status"], "fail");
    assert_eq!(
        base["findings"],
        serde_json::json!([{
            "message": "Dockerfile: the final stage starts from gcr.io/distroless/nodejs22-debian12:nonroot@sha256:7c9e1a3b5d7f9b1d3f5a7c9e1b3d5f7a9c1e3b5d7f9a1c3e5b7d9f1a3c5e7b9d, not from an image of registry.acme.dev/base/",
            "location": {"path": "Dockerfile", "line": 10, "column": 1}
        }])
    );
    assert_eq!(v["counts"]["fail"], 6);
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
    let dir = Scratch::new("custom", "fleet");
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
            "src/services/stripe.ts:32 breaker",
            "src/services/stripe.ts:42 log",
            "src/services/stripe.ts:43 log",
            "src/services/stripe.ts:44 log",
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
                "elsewhere": "an Express router: middleware where it is mounted (`app.use(path, ..., router)`) in another file applies",
                "view": null
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
            "{text}\nwaivers:\n  - check: ORG-003\n    kind: compensating-control\n    reason: The edge proxy filters requests until the WAF rollout.\n    approved_by: dana@example.com\n    expires: 2026-12-01\n  - check: ORG-004\n    kind: accepted-risk\n    reason: The distroless image moves to the Acme base with the next release.\n    approved_by: dana@example.com\n    expires: 2026-12-01\n"
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
    assert_eq!(result(&v, "ORG-004")["status"], "waived");
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

/// The message an unknown function or a wrong number of arguments in the example check gives:
/// the file, line and column, the line, a caret and what is wrong.
fn type_error(shown: &str, call: &str, error: &str) -> String {
    // Control characters of a message are escaped: the line's tab shows as `\t`.
    format!("{shown}:33:5\n   |\n33 | \\t{call}\n   |     ^\nerror: {error}")
}

#[test]
fn an_unknown_function_or_a_wrong_number_of_arguments_exits_2_at_load() {
    let find = "not o.annotations[\"waf.acme.dev/policy\"]";
    for (call, error) in [
        (
            "lenght(o.annotations) == 0",
            "unknown function `lenght` (did you mean `count`?)",
        ),
        (
            "startswith(o.name)",
            "`startswith` takes 2 arguments, got 1",
        ),
    ] {
        // `check` with a policy that loads it: nothing is reviewed.
        let out = broken(&waf_with(find, call));
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        assert!(out.stdout.is_empty(), "{}", stdout(&out));
        let err = stderr(&out);
        assert!(
            // The policy names the file by its full path.
            err.contains(&type_error("/check.rego", call, error)),
            "{err}"
        );
        // `policy test` of a folder that holds it.
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("waf.rego"), waf_with(find, call)).unwrap();
        let out = lg()
            .arg("policy")
            .arg("test")
            .arg(dir.path())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        assert!(out.stdout.is_empty(), "{}", stdout(&out));
        let err = stderr(&out);
        assert!(
            err.contains(&type_error("--> waf.rego", call, error)),
            "{err}"
        );
    }
}

/// A folder with the WAF check, an organisation policy that requires it at every tier, and
/// cases: a tier-2 service (FAIL under that policy, WARN under the defaults), a case whose own
/// policy file disables the check, and a waiver that expires on 2026-12-01.
fn policy_folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let src = root().join("examples/policies");
    std::fs::copy(
        src.join("ingress_waf.rego"),
        dir.path().join("ingress_waf.rego"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("org.yaml"),
        "custom_checks: [ingress_waf.rego]\nchecks:\n  ORG-003: {tiers: \"R R R\"}\n",
    )
    .unwrap();
    let ingress = std::fs::read_to_string(
        src.join("fixtures/ORG-003/fail_missing_annotation/deploy/ingress.yaml"),
    )
    .unwrap();
    let manifest = |tier: u8, extra: &str| {
        format!(
            "service: reports\ntier: {tier}\nscope: service\nowner: team-reports\nexposure: internal\ndata: none\n{extra}"
        )
    };
    let cases = dir.path().join("fixtures/ORG-003");
    for (case, tier, extra) in [
        ("fail_tier_2_required", 2, ""),
        ("skip_disabled_for_this_case", 0, ""),
        (
            "waived_until_december",
            0,
            "waivers:\n  - check: ORG-003\n    kind: compensating-control\n    reason: The edge proxy filters requests until the WAF rollout.\n    approved_by: dana@example.com\n    expires: 2026-12-01\n",
        ),
    ] {
        std::fs::create_dir_all(cases.join(case).join("deploy")).unwrap();
        std::fs::write(
            cases.join(case).join("launchgate.yaml"),
            manifest(tier, extra),
        )
        .unwrap();
        // A case the policy does not run has no finding to mark.
        let text = if case.starts_with("skip_") {
            ingress.replace(" # expect: ORG-003", "")
        } else {
            ingress.clone()
        };
        std::fs::write(cases.join(case).join("deploy/ingress.yaml"), text).unwrap();
    }
    std::fs::write(
        cases.join("skip_disabled_for_this_case.policy.yaml"),
        "checks:\n  ORG-003: {enabled: false}\n",
    )
    .unwrap();
    dir
}

fn policy_test(dir: &std::path::Path, extra: &[&str]) -> std::process::Output {
    lg().arg("policy")
        .arg("test")
        .arg(dir)
        .args(extra)
        .output()
        .unwrap()
}

#[test]
fn policy_test_judges_each_case_under_the_policy_of_the_folder() {
    let dir = policy_folder();
    let out = policy_test(dir.path(), &["--today", "2026-11-22"]);
    assert_eq!(
        stdout(&out),
        format!(
            "\
policy: {}
ok     ORG-003 fail_tier_2_required
ok     ORG-003 skip_disabled_for_this_case
ok     ORG-003 waived_until_december
3 passed, 0 failed
",
            dir.path().join("org.yaml").display()
        )
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn policy_test_takes_the_policy_and_the_review_date_it_is_given() {
    let dir = policy_folder();
    // Under a policy that keeps ORG-003's own tier matrix, tier 2 only recommends it: WARN.
    let other = tempfile::tempdir().unwrap();
    let plain = other.path().join("plain.yaml");
    std::fs::write(&plain, "custom_checks: []\n").unwrap();
    let out = policy_test(
        dir.path(),
        &["--today", "2026-11-22", "--policy", plain.to_str().unwrap()],
    );
    assert_eq!(
        stdout(&out),
        format!(
            "\
policy: {}
FAILED ORG-003 fail_tier_2_required
       expected fail, got warn (1 findings)
ok     ORG-003 skip_disabled_for_this_case
ok     ORG-003 waived_until_december
2 passed, 1 failed
",
            plain.display()
        )
    );
    assert_eq!(out.status.code(), Some(1));
    // After the waiver's last day, the check fails again.
    let out = policy_test(dir.path(), &["--today", "2026-12-02"]);
    assert_eq!(
        stdout(&out),
        format!(
            "\
policy: {}
ok     ORG-003 fail_tier_2_required
ok     ORG-003 skip_disabled_for_this_case
FAILED ORG-003 waived_until_december
       expected waived, got fail (1 findings)
2 passed, 1 failed
",
            dir.path().join("org.yaml").display()
        )
    );
    assert_eq!(out.status.code(), Some(1));
    // A case whose policy is not the one named says what it got.
    let out = policy_test(
        dir.path(),
        &[
            "--today",
            "2026-11-22",
            "--policy",
            plain.to_str().unwrap(),
            "--quiet",
        ],
    );
    assert_eq!(
        stdout(&out),
        "\
FAILED ORG-003 fail_tier_2_required
       expected fail, got warn (1 findings)
2 passed, 1 failed
"
    );
    // A date that is not one, and two policies in the folder, are errors (exit 2).
    let out = policy_test(dir.path(), &["--today", "2026-13-01"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("--today `2026-13-01` is not a date"),
        "{}",
        stderr(&out)
    );
    std::fs::write(dir.path().join("second.yml"), "custom_checks: []\n").unwrap();
    let out = policy_test(dir.path(), &["--today", "2026-11-22"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains(&format!(
            "both {} and {} list custom_checks; choose the policy with --policy FILE",
            dir.path().join("org.yaml").display(),
            dir.path().join("second.yml").display()
        )),
        "{}",
        stderr(&out)
    );
}

#[test]
fn evidence_carries_ci_dockerfiles_and_ownership() {
    let out = lg()
        .args(["evidence", "examples/payment-service"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    // Dockerfiles: stages in order, the last is the image that ships.
    let docker = &v["dockerfiles"];
    assert_eq!(docker.as_array().unwrap().len(), 1);
    assert_eq!(docker[0]["path"], "Dockerfile");
    let stages = docker[0]["stages"].as_array().unwrap();
    assert_eq!(stages.len(), 2);
    assert_eq!(stages[0]["name"], "build");
    assert_eq!(stages[0]["user"], Value::Null);
    let last = &stages[1];
    assert_eq!(last["line"], 10);
    assert_eq!(last["from"]["registry"], "gcr.io");
    assert_eq!(last["from"]["repository"], "distroless/nodejs22-debian12");
    assert_eq!(last["from"]["tag"], "nonroot");
    assert_eq!(last["from"]["stage"], Value::Null);
    assert_eq!(last["from"]["scratch"], false);
    assert_eq!(
        last["user"],
        serde_json::json!({"value": "10001:10001", "line": 13})
    );
    assert_eq!(
        last["expose"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["port"].as_u64().unwrap())
            .collect::<Vec<_>>(),
        [8080, 9090]
    );
    // CI: every workflow, with triggers, jobs and steps.
    let ci = v["ci"].as_array().unwrap();
    let paths: Vec<&str> = ci.iter().map(|p| p["path"].as_str().unwrap()).collect();
    assert_eq!(
        paths,
        [
            ".github/workflows/ci.yml",
            ".github/workflows/drills.yml",
            ".github/workflows/security.yml"
        ]
    );
    let scan = ci.iter().find(|p| p["name"] == "security-scan").unwrap();
    assert_eq!(scan["system"], "github-actions");
    assert_eq!(scan["line"], 1);
    assert_eq!(
        scan["triggers"]["schedule"],
        serde_json::json!(["17 4 * * 1"])
    );
    assert_eq!(scan["triggers"]["manual"], true);
    assert_eq!(scan["triggers"]["push"], false);
    let job = &scan["jobs"][0];
    assert_eq!(job["name"], "scan-image");
    assert_eq!(job["line"], 9);
    assert_eq!(job["steps"][1]["uses"], "aquasecurity/trivy-action@0.28.0");
    assert_eq!(job["steps"][1]["line"], 13);
    assert_eq!(job["steps"][1]["signals"]["security_scan"]["line"], 13);
    // Ownership: CODEOWNERS rules and the Backstage entity.
    let owners = &v["ownership"]["codeowners"][0];
    assert_eq!(owners["path"], "CODEOWNERS");
    assert_eq!(owners["effective"], true);
    assert_eq!(
        owners["rules"][1],
        serde_json::json!({
            "pattern": "/deploy/",
            "owners": ["@acme/team-payments", "@acme/platform-sre"],
            "section": null,
            "line": 3
        })
    );
    let entity = &v["ownership"]["catalog"][0];
    assert_eq!(entity["path"], "catalog-info.yaml");
    assert_eq!(entity["kind"], "Component");
    assert_eq!(entity["name"], "payment-service");
    assert_eq!(
        entity["owner"],
        serde_json::json!({"value": "group:default/team-payments", "line": 12})
    );
    assert_eq!(entity["annotations"]["pagerduty.com/service-id"], "PX4K2Q9");
}
