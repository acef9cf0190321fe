//! The real binary on the bundled examples and on broken inputs: exit codes, stdout, stderr.

// Test helpers outside #[test] functions may unwrap: a panic is the failure report.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::Value;

#[path = "support/binary.rs"]
mod binary;
#[path = "support/scratch.rs"]
mod scratch;
use binary::{lg, root};
use scratch::Scratch;

fn json(example: &str) -> (Value, i32) {
    let out = lg()
        .args([
            "check",
            example,
            "--format",
            "json",
            "--today",
            "2026-11-22",
        ])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    (v, out.status.code().unwrap())
}

/// A temporary directory holding a `launchgate.yaml` (and optionally a policy file).
fn repo(name: &str, manifest: &str) -> Scratch {
    let dir = Scratch::new("cli", name);
    std::fs::write(dir.join("launchgate.yaml"), manifest).unwrap();
    dir
}

fn stderr_of(args: &[&str]) -> (String, i32) {
    let out = lg().args(args).output().unwrap();
    (
        String::from_utf8(out.stderr).unwrap(),
        out.status.code().unwrap(),
    )
}

const MINIMAL: &str = "service: api\ntier: 1\nexposure: internal\ndata: persistent\n";

#[test]
fn payment_service_is_conditional_go_with_its_repository_as_evidence() {
    let (v, code) = json("examples/payment-service");
    assert_eq!(code, 0);
    assert_eq!(v["service"], "payment-service");
    assert_eq!(v["decision"], "conditional_go");
    assert_eq!(v["pass_rate"], "88%");
    assert_eq!(v["schema_version"], 1);
    assert_eq!(v["evaluated_on"], "2026-11-22");
    assert_eq!(v["counts"]["evaluated"], 77);
    let with_status = |status: &str| -> Vec<String> {
        v["checks"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["status"] == status)
            .map(|c| c["id"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        with_status("fail"),
        ["CAP-007", "INC-006", "SAF-002", "SAF-009"]
    );
    // The claims no file in the repository can show yet stay attested: WARN for tier 0.
    assert_eq!(
        with_status("warn"),
        ["CAP-008", "DAT-007", "SAF-001", "SAF-007", "SEC-012"]
    );
    let proven: Vec<&str> = v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["basis"] == "proven")
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(proven.len(), 67, "{proven:?}");
    for id in [
        "CAP-003", "CAP-006", "CAP-009", "DAT-002", "DAT-003", "DAT-010", "INC-001", "INC-005",
        "OBS-009", "OBS-011", "OPS-001", "OPS-003", "OPS-004", "OPS-006", "OPS-008", "OPS-010",
        "RUN-001", "RUN-004", "SAF-008", "SEC-001", "SEC-007", "SEC-010", "OBS-010", "DAT-008",
        "DAT-009", "SAF-006",
    ] {
        assert!(proven.contains(&id), "{id} not proven: {proven:?}");
    }
    assert_eq!(v["scan"]["files"], 41);
    assert_eq!(v["scan"]["errors"], Value::Array(vec![]));
    assert_eq!(v["blockers"].as_array().unwrap().len(), 0);
    assert_eq!(v["action_items"].as_array().unwrap().len(), 9);
    let trace: Vec<&str> = v["trace"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["rule"].as_str().unwrap())
        .collect();
    assert_eq!(trace, ["score", "threshold", "warnings-remain", "decision"]);
}

#[test]
fn fail_on_conditional_turns_conditional_go_into_exit_1() {
    lg().args([
        "check",
        "examples/payment-service",
        "--today",
        "2026-11-22",
        "--fail-on",
        "conditional",
    ])
    .assert()
    .code(1);
}

#[test]
fn all_false_manifest_is_no_go_with_exit_1() {
    let (v, code) = json("examples/all-false");
    assert_eq!(code, 1);
    assert_eq!(v["decision"], "no_go");
    // Only SEC-001 (the example repository holds no secrets) and OPS-010 (the gate is the
    // built-in one) pass.
    assert_eq!(v["pass_rate"], "3%");
    let blockers: Vec<&str> = v["blockers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["id"].as_str().unwrap())
        .collect();
    assert!(
        blockers.contains(&"SEC-010")
            && blockers.contains(&"SAF-001")
            && blockers.contains(&"DAT-001"),
        "{blockers:?}"
    );
    let rules: Vec<&str> = v["trace"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["rule"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"hard-blocker-category") && rules.contains(&"required-blocker"));
}

#[test]
fn internal_dashboard_is_ready_for_tier_2_and_prints_skip_reasons() {
    let (v, code) = json("examples/internal-dashboard");
    assert_eq!(code, 0);
    assert_eq!(v["decision"], "go");
    let out = lg()
        .args([
            "check",
            "examples/internal-dashboard",
            "--today",
            "2026-11-22",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("SKIP  CAP-007 load-tested"), "{text}");
    assert!(text.contains("not required for tier 2"), "{text}");
    assert!(
        text.contains("not applicable: the service keeps no durable data (`data: ephemeral`)"),
        "{text}"
    );
    assert!(text.contains("Decision: GO"), "{text}");
}

#[test]
fn markdown_report_has_every_section_of_the_seed_format() {
    let out = lg()
        .args([
            "check",
            "examples/payment-service",
            "--today",
            "2026-11-22",
            "--format",
            "markdown",
        ])
        .output()
        .unwrap();
    let md = String::from_utf8(out.stdout).unwrap();
    for section in [
        "# Production Readiness Report: payment-service",
        "**Overall status:** CONDITIONALLY READY",
        "**Estimated time to production-ready:**",
        "## Category Scores",
        "| Observability | 10/10 | 0 | 0 | 14 |",
        "## Detailed Findings",
        "### P0: Must fix before production (blockers)",
        "## Production Launch Plan",
        "- [ ] Load test passed (10x traffic) (CAP-007 is FAIL)",
        "- [x] Backup restoration tested (DAT-003 passed)",
        "| SRE | | |",
    ] {
        assert!(md.contains(section), "missing `{section}` in:\n{md}");
    }
}

#[test]
fn output_file_receives_the_report() {
    let dir = repo("output", MINIMAL);
    let out = dir.join("review.json");
    lg().args([
        "check",
        "examples/payment-service",
        "--today",
        "2026-11-22",
        "--format",
        "json",
        "-o",
    ])
    .arg(&out)
    .assert()
    .success()
    .stdout("");
    let v: Value = serde_json::from_str(&std::fs::read_to_string(out).unwrap()).unwrap();
    assert_eq!(v["decision"], "conditional_go");
}

#[test]
fn unknown_key_names_file_line_col_and_suggests_the_nearest() {
    let dir = repo(
        "typo",
        "service: api\ntierr: 1\nexposure: internal\ndata: persistent\n",
    );
    let (err, code) = stderr_of(&["check", dir.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(
        err.contains("launchgate.yaml:2:1: unknown key `tierr`"),
        "{err}"
    );
    assert!(err.contains("did you mean `tier`?"), "{err}");
    // Two neighbouring letters swapped are one typo, not two.
    let dir = repo(
        "swap",
        "service: api\nteir: 1\nexposure: internal\ndata: persistent\n",
    );
    let (err, code) = stderr_of(&["check", dir.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("unknown key `teir`"), "{err}");
    assert!(err.contains("did you mean `tier`?"), "{err}");
}

#[test]
fn wrong_type_and_bad_values_are_located_with_what_is_allowed() {
    let dir = repo(
        "types",
        "service: api\ntier: 1\nexposure: publik\ndata: persistent\nrequest_timeout_ms: soon\n",
    );
    let (err, code) = stderr_of(&["check", dir.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(
        err.contains("launchgate.yaml:3:11: `publik` is not a valid value for `exposure`"),
        "{err}"
    );
    assert!(err.contains("did you mean `public`?"), "{err}");

    let dir = repo(
        "type2",
        "service: api\ntier: 1\nexposure: public\ndata: persistent\nrequest_timeout_ms: soon\n",
    );
    let (err, _) = stderr_of(&["check", dir.to_str().unwrap()]);
    assert!(
        err.contains(
            "launchgate.yaml:5:21: wrong type for `request_timeout_ms`: found string \"soon\""
        ),
        "{err}"
    );

    let dir = repo(
        "tier",
        "service: api\ntier: 5\nexposure: public\ndata: persistent\n",
    );
    let (err, _) = stderr_of(&["check", dir.to_str().unwrap()]);
    assert!(
        err.contains("launchgate.yaml:2:7: tier 5 does not exist"),
        "{err}"
    );
}

#[test]
fn semantic_errors_are_all_reported_at_once() {
    let text = "service: api\ntier: 1\nexposure: public\ndata: persistent\nslos:\n  - name: a\n    objective: 100\ndependencies:\n  - name: db\n    kind: database\n    timeout_ms: 0\n";
    let dir = repo("semantic", text);
    let (err, code) = stderr_of(&["check", dir.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(
        err.contains("launchgate.yaml:7:16: objective 100 is not a percentage between 0 and 100"),
        "{err}"
    );
    assert!(
        err.contains("launchgate.yaml:11:17: `timeout_ms` is 0"),
        "{err}"
    );
    assert!(err.contains("2 problems in the configuration"), "{err}");
}

#[test]
fn zero_thresholds_are_refused() {
    let dir = repo("zero", MINIMAL);
    std::fs::write(
        dir.join("org.yaml"),
        "thresholds:\n  go: 0\n  conditional: 0\n",
    )
    .unwrap();
    let (err, code) = stderr_of(&[
        "check",
        dir.to_str().unwrap(),
        "--policy",
        dir.join("org.yaml").to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert!(
        err.contains("org.yaml:3:16: thresholds must satisfy 0 < conditional <= go <= 100"),
        "{err}"
    );
}

#[test]
fn thresholds_under_the_floor_need_an_explicit_opt_in_and_are_flagged() {
    let dir = repo(
        "floor",
        &format!("{MINIMAL}policy:\n  thresholds: {{go: 45, conditional: 30}}\n"),
    );
    let (err, code) = stderr_of(&["check", dir.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(
        err.contains("launchgate.yaml:6:37: threshold 30% is below the 50% floor"),
        "{err}"
    );
    let dir = repo(
        "floor-ok",
        &format!(
            "{MINIMAL}policy:\n  thresholds: {{go: 45, conditional: 30}}\n  allow_unsafe_thresholds: true\n"
        ),
    );
    let out = lg()
        .args(["check", dir.to_str().unwrap(), "--today", "2026-11-22"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("UNSAFE THRESHOLDS: conditional 30% is below the 50% floor"),
        "{text}"
    );
}

#[test]
fn unknown_check_in_policy_is_an_error_with_a_suggestion() {
    let dir = repo(
        "unknown-check",
        &format!("{MINIMAL}policy:\n  checks:\n    SAF-01:\n      enabled: false\n"),
    );
    let (err, code) = stderr_of(&["check", dir.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(
        err.contains("launchgate.yaml:7:5: unknown check `SAF-01`"),
        "{err}"
    );
    assert!(err.contains("did you mean `SAF-001`?"), "{err}");
}

#[test]
fn too_few_evaluated_checks_is_an_error_not_a_decision() {
    let dir = repo(
        "few",
        &format!("{MINIMAL}policy:\n  min_evaluated_checks: 1000\n"),
    );
    let (err, code) = stderr_of(&["check", dir.to_str().unwrap(), "--today", "2026-11-22"]);
    assert_eq!(code, 2);
    assert!(err.contains("refusing to decide on"), "{err}");
    assert!(err.contains("at least 1000 evaluated"), "{err}");
}

#[test]
fn missing_manifest_invalid_yaml_and_bad_dates_exit_2() {
    let dir = repo("missing", MINIMAL);
    std::fs::remove_file(dir.join("launchgate.yaml")).unwrap();
    let (err, code) = stderr_of(&["check", dir.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("no service manifest at"), "{err}");

    let dir = repo("yaml", "service: [api\ntier: 1\n");
    let (err, code) = stderr_of(&["check", dir.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(
        err.contains("launchgate.yaml:") && err.contains("invalid YAML"),
        "{err}"
    );

    let (err, code) = stderr_of(&["check", "examples/payment-service", "--today", "22/11/2026"]);
    assert_eq!(code, 2);
    assert!(err.contains("--today `22/11/2026` is not a date"), "{err}");

    let dir = repo(
        "date",
        &format!("{MINIMAL}claims:\n  backups:\n    last_restore_test: last week\n"),
    );
    let (err, _) = stderr_of(&["check", dir.to_str().unwrap()]);
    assert!(
        err.contains("launchgate.yaml:7:24: `last week` is not a date"),
        "{err}"
    );
}

#[test]
fn checks_explain_and_schema_commands() {
    let out = lg()
        .args(["checks", "--category", "data"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("DAT-003  restore-tested"), "{text}");
    assert!(!text.contains("SAF-001"), "{text}");

    let out = lg()
        .args(["explain", "dependency-timeouts"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("# SAF-001 dependency-timeouts"), "{text}");
    assert!(text.contains("## How to fix"), "{text}");

    let (err, code) = stderr_of(&["explain", "SAF-01"]);
    assert_eq!(code, 2);
    assert!(err.contains("did you mean `SAF-001`?"), "{err}");

    let out = lg().args(["schema"]).output().unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["title"], "launchgate service manifest");
    assert!(
        v["required"]
            .as_array()
            .unwrap()
            .iter()
            .any(|k| k == "tier")
    );
}

/// Golden reviews: every example in every format, snapshotted (tool version redacted).
#[test]
fn golden_reviews_render_stably() {
    for example in [
        "payment-service",
        "all-false",
        "internal-dashboard",
        "task-queue",
    ] {
        for format in ["terminal", "json", "markdown"] {
            let out = lg()
                .args([
                    "check",
                    &format!("examples/{example}"),
                    "--today",
                    "2026-11-22",
                    "--format",
                    format,
                ])
                .output()
                .unwrap();
            let text = String::from_utf8(out.stdout).unwrap();
            if format == "json" {
                // The JSON is the stored form of a review: it must read back unchanged.
                let back = launchgate_report::Review::from_json(&text).unwrap();
                assert_eq!(back.to_json(), text, "{example} JSON does not round-trip");
            }
            let text = text.replace(env!("CARGO_PKG_VERSION"), "[version]");
            insta::assert_snapshot!(format!("{example}-{format}"), text);
        }
    }
}

#[test]
fn verbose_shows_passing_evidence_and_piped_output_is_never_cut() {
    let args = ["check", "examples/payment-service", "--today", "2026-11-22"];
    let short = String::from_utf8(lg().args(args).output().unwrap().stdout).unwrap();
    let verbose =
        String::from_utf8(lg().args(args).arg("--verbose").output().unwrap().stdout).unwrap();
    let evidence = "launchgate.yaml:62:3  declared: logs are structured (JSON) events";
    assert!(!short.contains(evidence), "{short}");
    assert!(verbose.contains(evidence), "{verbose}");

    // Piped (a CI log), even a narrow COLUMNS cuts nothing: the reason must not be lost.
    let narrow = String::from_utf8(
        lg().args(args)
            .env("COLUMNS", "60")
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert!(!narrow.contains('…'), "{narrow}");
    assert!(
        narrow.contains("  WARN  SAF-001 dependency-timeouts        attested only: request timeout 3000 ms fits the caller's 5000 ms (+5 more); tier 0 requires repository evidence (policy default)\n"),
        "{narrow}"
    );
}

#[test]
fn colour_follows_no_color_and_clicolor_force() {
    let args = ["check", "examples/payment-service", "--today", "2026-11-22"];
    let plain = lg().args(args).output().unwrap().stdout;
    assert!(!plain.contains(&0x1b), "NO_COLOR output has escape codes");
    let forced = lg()
        .args(args)
        .env_remove("NO_COLOR")
        .env("CLICOLOR_FORCE", "1")
        .output()
        .unwrap()
        .stdout;
    let text = String::from_utf8(forced).unwrap();
    assert!(
        text.contains("\u{1b}[31m\u{1b}[1mFAIL") || text.contains("\u{1b}[1m\u{1b}[31mFAIL"),
        "{text:?}"
    );
}

/// The README's first command, taken from the README itself, prints the decision line the README
/// documents under "What a review looks like", whatever the date (`scripts/test` runs this test
/// again with the clock moved more than a year ahead).
#[test]
fn the_readme_first_command_prints_the_documented_decision() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let two = &readme[readme.find("## Two commands").unwrap()..];
    let command = two
        .lines()
        .find_map(|l| l.strip_prefix("cargo run --release -- "))
        .expect("the README's first command runs the binary with cargo run");
    let args: Vec<&str> = command.split_whitespace().collect();
    let shown = &readme[readme.find("## What a review looks like").unwrap()..];
    assert!(
        shown.contains(&format!("$ launchgate {command}\n")),
        "the sample output is of another command than the first one: {command}"
    );
    let documented = shown.lines().find(|l| l.starts_with("Decision: ")).unwrap();
    assert!(
        two.contains("Its review is `CONDITIONAL_GO`")
            && documented.starts_with("Decision: CONDITIONAL_GO "),
        "{documented}"
    );
    let out = lg().args(&args).output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.lines().any(|l| l == documented),
        "documented `{documented}`, printed:\n{stdout}"
    );
}

/// The payment-service example reproduces the seed's result (`"decision": "conditional_go"`,
/// `"pass_rate": "88%"`) on whatever day it runs: no `--today`, and `LAUNCHGATE_TODAY` as the
/// environment has it (the time-travel run of `scripts/test` sets it 400 days ahead). Nothing in
/// the example may turn stale.
#[test]
fn the_payment_service_example_gives_the_seed_result_on_any_date() {
    let out = lg()
        .args(["check", "examples/payment-service", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let review: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(review["service"], "payment-service");
    assert_eq!(review["decision"], "conditional_go");
    assert_eq!(review["pass_rate"], "88%");
    let failing: Vec<&str> = review["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["status"] == "fail")
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(failing, ["CAP-007", "INC-006", "SAF-002", "SAF-009"]);
    // The same review two years on: the decision and every status stay.
    let later = lg()
        .args(["check", "examples/payment-service", "--format", "json"])
        .env("LAUNCHGATE_TODAY", "2028-12-06")
        .output()
        .unwrap();
    let later: Value = serde_json::from_slice(&later.stdout).unwrap();
    let statuses = |r: &Value| -> Vec<(String, String)> {
        r["checks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| (c["id"].to_string(), c["status"].to_string()))
            .collect()
    };
    assert_eq!(statuses(&later), statuses(&review));
    assert_eq!(later["pass_rate"], "88%");
}

/// `LAUNCHGATE_TODAY` moves the binary's clock: it is the review date when `--today` is not
/// given, `--today` wins over it, and a value that is not a date is an error naming the variable.
#[test]
fn launchgate_today_moves_the_clock_and_today_wins() {
    let evaluated_on = |env: Option<&str>, flag: Option<&str>| {
        let mut c = lg();
        c.args(["check", "examples/internal-dashboard", "--format", "json"]);
        if let Some(flag) = flag {
            c.args(["--today", flag]);
        }
        match env {
            Some(v) => c.env("LAUNCHGATE_TODAY", v),
            None => c.env_remove("LAUNCHGATE_TODAY"),
        };
        let out = c.output().unwrap();
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        v["evaluated_on"].as_str().unwrap().to_string()
    };
    assert_eq!(evaluated_on(Some("2031-05-04"), None), "2031-05-04");
    assert_eq!(
        evaluated_on(Some("2031-05-04"), Some("2026-11-22")),
        "2026-11-22"
    );
    // Without either, today (read before and after, in case the run crosses midnight).
    let before = jiff::Zoned::now().date().to_string();
    let unset = evaluated_on(None, None);
    let after = jiff::Zoned::now().date().to_string();
    assert!(unset == before || unset == after, "{unset}");

    let out = lg()
        .args(["check", "examples/internal-dashboard"])
        .env("LAUNCHGATE_TODAY", "next tuesday")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("environment variable LAUNCHGATE_TODAY=`next tuesday` is not a date"),
        "{stderr}"
    );
}
