//! `--format sarif` against the official OASIS SARIF 2.1.0 schema (tests/data), and the content
//! code scanning relies on: rules, levels, locations, fingerprints, suppressions, exit code.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::BTreeSet;

use launchgate_report::sarif::{FINGERPRINT_KEY, SARIF_SCHEMA_URI, check_docs_url};
use launchgate_report::{CiOptions, render_sarif};
use serde_json::{Value, json};

use common::{EXAMPLES, repo_root, review, scoped_payment_service, waived_payment_service};

/// A way to break a valid SARIF log.
type Break = fn(&mut Value);

const SCHEMA: &str = "tests/data/sarif-schema-2.1.0.json";

fn schema_text() -> String {
    std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(SCHEMA)).unwrap()
}

/// A validator for the official schema, with format assertions (uri, uri-reference, date-time).
struct Validator {
    schemas: boon::Schemas,
    index: boon::SchemaIndex,
}

impl Validator {
    fn new() -> Validator {
        let schema: Value = serde_json::from_str(&schema_text()).unwrap();
        let mut schemas = boon::Schemas::new();
        let mut compiler = boon::Compiler::new();
        compiler.enable_format_assertions();
        compiler
            .add_resource("file:///sarif-schema-2.1.0.json", schema)
            .unwrap();
        let index = compiler
            .compile("file:///sarif-schema-2.1.0.json", &mut schemas)
            .unwrap();
        Validator { schemas, index }
    }

    fn check(&self, log: &Value) -> Result<(), String> {
        self.schemas
            .validate(log, self.index)
            .map_err(|e| format!("{e:#}"))
    }
}

fn sarif(name: &str) -> Value {
    serde_json::from_str(&render_sarif(&review(name), &CiOptions::default())).unwrap()
}

fn opts(exit_code: i32, prefix: &str) -> CiOptions {
    CiOptions {
        custom_rules: Vec::new(),
        exit_code,
        path_prefix: prefix.to_string(),
        ..CiOptions::default()
    }
}

#[test]
fn schema_file_is_the_unmodified_oasis_file() {
    use sha2::Digest;
    let bytes = schema_text();
    assert_eq!(bytes.len(), 112_768);
    assert_eq!(
        launchgate_report::hex(&sha2::Sha256::digest(bytes.as_bytes())),
        "c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e"
    );
    assert!(bytes.contains(
        "\"id\": \"https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json\""
    ));
}

#[test]
fn every_example_review_is_valid_sarif() {
    let v = Validator::new();
    for name in EXAMPLES {
        let log = sarif(name);
        if let Err(e) = v.check(&log) {
            panic!("{name}: SARIF does not validate against the OASIS schema:\n{e}");
        }
    }
    let waived: Value = serde_json::from_str(&render_sarif(
        &waived_payment_service(),
        &opts(1, "services/payment/"),
    ))
    .unwrap();
    v.check(&waived).unwrap();
}

#[test]
fn what_the_review_left_out_is_a_valid_run_property_with_prefixed_paths() {
    let log: Value = serde_json::from_str(&render_sarif(
        &scoped_payment_service(),
        &opts(1, "services/payment/"),
    ))
    .unwrap();
    Validator::new().check(&log).unwrap();
    assert_eq!(
        log["runs"][0]["properties"]["scope"],
        json!({
            "excluded": [
                {"path": "services/payment/deploy/all.yaml", "rule": "select: not this service's (Deployment/cart, Service/cart)", "files": 0},
                {"path": "services/payment/examples/", "rule": "default: examples", "files": 12},
                {"path": "services/payment/src/cart/", "rule": "select.source: not this service's", "files": 1},
            ],
            "choices": [
                {"subject": "service", "chosen": "Deployment/payment-api", "why": "manifest select.workloads: Deployment/payment-api"},
            ],
        })
    );
    // Without exclusions or choices the property is absent.
    assert_eq!(
        sarif("payment-service")["runs"][0]["properties"].get("scope"),
        None
    );
}

#[test]
fn broken_sarif_does_not_validate() {
    let v = Validator::new();
    let good = sarif("payment-service");
    v.check(&good).unwrap();
    let breaks: [(&str, Break); 6] = [
        ("wrong version", |l| l["version"] = json!("2.0.0")),
        ("no runs", |l| {
            l.as_object_mut().unwrap().remove("runs");
        }),
        ("unknown level", |l| {
            l["runs"][0]["results"][0]["level"] = json!("fatal");
        }),
        ("line 0", |l| {
            l["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] =
                json!(0);
        }),
        ("message without text", |l| {
            l["runs"][0]["results"][0]["message"] = json!({ "markdown": "x" });
        }),
        ("uri that is no URI", |l| {
            l["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] =
                json!("my dir/a b.yaml");
        }),
    ];
    for (what, break_it) in breaks {
        let mut log = good.clone();
        break_it(&mut log);
        assert!(v.check(&log).is_err(), "{what}: the validator accepted it");
    }
}

#[test]
fn rules_are_the_whole_catalog_with_docs_and_levels() {
    let log = sarif("internal-dashboard");
    let run = &log["runs"][0];
    assert_eq!(log["$schema"], SARIF_SCHEMA_URI);
    assert_eq!(log["version"], "2.1.0");
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "launchgate");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    // No links unless a docs URL is configured (see help_uri_only_with_a_docs_url).
    assert!(driver.get("informationUri").is_none());
    let rules = driver["rules"].as_array().unwrap();
    let catalog = launchgate_checks::builtin();
    assert_eq!(rules.len(), catalog.len());
    assert_eq!(rules.len(), 77);
    for (rule, check) in rules.iter().zip(catalog) {
        let m = check.meta();
        assert_eq!(rule["id"], m.id);
        assert_eq!(rule["name"], m.slug);
        assert_eq!(rule["shortDescription"]["text"], m.summary());
        assert_eq!(
            rule["fullDescription"]["text"],
            m.section("What it checks").unwrap()
        );
        // Self-contained help from the check's documentation, so code scanning shows how to
        // fix without following any link.
        let fix = m.section("How to fix").unwrap();
        let markdown = rule["help"]["markdown"].as_str().unwrap();
        assert!(
            markdown.starts_with("## What it checks\n\n"),
            "{}: {markdown}",
            m.id
        );
        assert!(
            markdown.contains(&format!("## How to fix\n\n{}", fix.trim())),
            "{}",
            m.id
        );
        let text = rule["help"]["text"].as_str().unwrap();
        assert!(
            text.contains(&format!("How to fix:\n{}", fix.trim())),
            "{}",
            m.id
        );
        assert!(text.starts_with("What it checks:\n"), "{}: {text}", m.id);
        assert!(rule.get("helpUri").is_none(), "{}", m.id);
        assert_eq!(rule["properties"]["category"], m.category.key());
        assert_eq!(rule["properties"]["severity"], m.severity.key());
        let level = match m.severity.key() {
            "minor" => "warning",
            _ => "error",
        };
        assert_eq!(rule["defaultConfiguration"]["level"], level, "{}", m.id);
        // Security checks carry GitHub's security-severity; the others do not.
        let sec = &rule["properties"]["security-severity"];
        if m.id.starts_with("SEC-") {
            let want = match m.severity.key() {
                "blocker" => "9.0",
                "major" => "7.0",
                _ => "4.0",
            };
            assert_eq!(sec, want, "{}", m.id);
        } else {
            assert!(sec.is_null(), "{}", m.id);
        }
    }
    let cap001 = &rules[rules.iter().position(|r| r["id"] == "CAP-001").unwrap()];
    assert_eq!(
        cap001["properties"]["tiers"],
        json!({"0": "required", "1": "required", "2": "recommended"})
    );
    assert_eq!(
        cap001["properties"]["tags"],
        json!(["production-readiness", "capacity"])
    );
}

#[test]
fn help_uri_only_with_a_docs_url() {
    let base = "https://git.example.com/acme/launchgate/blob/v1.4.0/docs/checks";
    let with = CiOptions {
        custom_rules: Vec::new(),
        docs_url: Some(base.into()),
        ..CiOptions::default()
    };
    for name in EXAMPLES {
        let r = review(name);
        let plain = render_sarif(&r, &CiOptions::default());
        assert!(!plain.contains("example.invalid"), "{name}: a dead link");
        assert!(
            !plain.contains("\"helpUri\"") && !plain.contains("\"informationUri\""),
            "{name}"
        );
        let linked: Value = serde_json::from_str(&render_sarif(&r, &with)).unwrap();
        let driver = &linked["runs"][0]["tool"]["driver"];
        assert_eq!(driver["informationUri"], base);
        for rule in driver["rules"].as_array().unwrap() {
            let id = rule["id"].as_str().unwrap();
            let slug = rule["name"].as_str().unwrap();
            assert_eq!(rule["helpUri"], check_docs_url(base, id, slug));
        }
        Validator::new().check(&linked).unwrap();
    }
}

#[test]
fn help_uri_points_at_the_generated_page_and_its_title_anchor() {
    for check in launchgate_checks::builtin() {
        let m = check.meta();
        let url = check_docs_url(
            "https://docs.example.com/launchgate/docs/checks/",
            m.id,
            m.slug,
        );
        let rel = url
            .strip_prefix("https://docs.example.com/launchgate/")
            .unwrap();
        let (file, anchor) = rel.split_once('#').unwrap();
        // The page exists where `cargo xtask generate` writes it, and its first heading is the
        // one GitHub derives this anchor from.
        let page = std::fs::read_to_string(repo_root().join(file)).unwrap();
        assert_eq!(page, launchgate_report::docs::check_page(m));
        let title = page.lines().next().unwrap().strip_prefix("# ").unwrap();
        assert_eq!(title, format!("{} {}", m.id, m.slug));
        assert_eq!(anchor, format!("{}-{}", m.id.to_lowercase(), m.slug));
    }
}

#[test]
fn payment_service_results_are_its_failures_and_warnings() {
    let log: Value = serde_json::from_str(&render_sarif(
        &review("payment-service"),
        &opts(0, "examples/payment-service/"),
    ))
    .unwrap();
    let run = &log["runs"][0];
    let results = run["results"].as_array().unwrap();
    let got: Vec<(String, String)> = results
        .iter()
        .map(|r| {
            (
                r["ruleId"].as_str().unwrap().to_string(),
                r["level"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let want = [
        ("CAP-007", "error"),
        ("CAP-008", "warning"),
        ("DAT-007", "warning"),
        ("INC-006", "error"),
        ("SAF-001", "warning"),
        ("SAF-002", "error"),
        ("SAF-007", "warning"),
        ("SAF-009", "error"),
        ("SEC-012", "warning"),
    ];
    assert_eq!(
        got,
        want.map(|(a, b)| (a.to_string(), b.to_string())).to_vec()
    );
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    for r in results {
        let i = usize::try_from(r["ruleIndex"].as_u64().unwrap()).unwrap();
        assert_eq!(rules[i]["id"], r["ruleId"]);
        assert_eq!(r["locations"].as_array().unwrap().len(), 1);
        assert!(r.get("suppressions").is_none());
    }
    let cap007 = &results[0];
    assert_eq!(
        cap007["message"]["text"],
        "the last load test was 2026-06-02, 173 days before 2026-11-22; the policy allows at most 90 days"
    );
    assert_eq!(
        cap007["locations"][0],
        json!({"physicalLocation": {
            "artifactLocation": {"uri": "examples/payment-service/launchgate.yaml", "uriBaseId": "%SRCROOT%"},
            "region": {"startLine": 116, "startColumn": 5}
        }})
    );
    assert_eq!(
        cap007["properties"],
        json!({"status": "FAIL", "severity": "major", "category": "capacity",
               "blocking": false, "inconclusive": false})
    );
    // An attested WARN without findings points at its first claim; the rest are related.
    let saf001 = &results[4];
    assert_eq!(
        saf001["locations"][0]["physicalLocation"]["region"],
        json!({"startLine": 14, "startColumn": 1})
    );
    assert_eq!(saf001["relatedLocations"].as_array().unwrap().len(), 5);
    assert_eq!(
        run["invocations"],
        json!([{"executionSuccessful": true, "exitCode": 0}])
    );
    assert_eq!(run["properties"]["decision"], "conditional_go");
    assert_eq!(run["properties"]["computedDecision"], "conditional_go");
    assert_eq!(run["properties"]["score"], 91.6);
    assert_eq!(
        run["properties"]["manifest"],
        "examples/payment-service/launchgate.yaml"
    );
    assert_eq!(
        run["automationDetails"]["id"],
        "launchgate/payment-service/"
    );
    assert!(run["originalUriBaseIds"]["%SRCROOT%"].is_object());
}

#[test]
fn waived_checks_are_suppressed_results_with_the_waiver() {
    let log: Value = serde_json::from_str(&render_sarif(
        &waived_payment_service(),
        &CiOptions::default(),
    ))
    .unwrap();
    let results = log["runs"][0]["results"].as_array().unwrap();
    let inc = results.iter().find(|r| r["ruleId"] == "INC-006").unwrap();
    assert_eq!(inc["level"], "error");
    assert_eq!(
        inc["suppressions"],
        json!([{
            "kind": "external",
            "status": "accepted",
            "justification": "training booked for 2026-12-03, see ticket",
            "location": {"physicalLocation": {
                "artifactLocation": {"uri": "launchgate.yaml", "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": 130, "startColumn": 5}
            }},
            "properties": {"waiverKind": "accepted-risk", "expires": "2026-12-31",
                           "approvedBy": "sre-lead@example.com", "ticket": "OPS-1234"}
        }])
    );
    assert_eq!(inc["properties"]["status"], "WAIVED");
    let saf = results.iter().find(|r| r["ruleId"] == "SAF-001").unwrap();
    assert_eq!(saf["level"], "warning");
    assert_eq!(
        saf["suppressions"][0]["justification"],
        "gateway enforces a 2s timeout"
    );
    let unsuppressed = results
        .iter()
        .filter(|r| r.get("suppressions").is_none())
        .count();
    assert_eq!(unsuppressed, 7);
}

#[test]
fn all_false_reports_every_finding_with_unique_stable_fingerprints() {
    let r = review("all-false");
    let text = render_sarif(&r, &opts(1, ""));
    assert_eq!(text, render_sarif(&r, &opts(1, "")), "not deterministic");
    let log: Value = serde_json::from_str(&text).unwrap();
    let run = &log["runs"][0];
    assert_eq!(run["invocations"][0]["exitCode"], 1);
    let results = run["results"].as_array().unwrap();
    let findings: usize = r
        .checks
        .iter()
        .filter(|c| matches!(c.status.label(), "FAIL" | "WARN"))
        .map(|c| c.findings.len().max(1))
        .sum();
    assert_eq!(results.len(), findings);
    let rules: BTreeSet<&str> = results
        .iter()
        .map(|r| r["ruleId"].as_str().unwrap())
        .collect();
    assert_eq!(rules.len(), r.counts.fail + r.counts.warn);
    let prints: BTreeSet<&str> = results
        .iter()
        .map(|r| r["partialFingerprints"][FINGERPRINT_KEY].as_str().unwrap())
        .collect();
    assert_eq!(prints.len(), results.len(), "fingerprints collide");
    for p in &prints {
        assert_eq!(p.len(), 64);
    }
    // A check with nothing located (CAP-001: no workloads at all) points at the manifest's
    // first line (code scanning needs a region).
    let unlocated: Vec<&str> = results
        .iter()
        .filter(|res| res["locations"][0]["physicalLocation"]["region"] == json!({"startLine": 1}))
        .map(|res| {
            let loc = &res["locations"][0]["physicalLocation"]["artifactLocation"];
            assert_eq!(loc["uri"], "launchgate.yaml");
            res["ruleId"].as_str().unwrap()
        })
        .collect();
    assert_eq!(unlocated.len(), 22);
    assert_eq!(unlocated[0], "CAP-001");
}

#[test]
fn fingerprints_ignore_line_moves_and_message_dates() {
    let a = review("payment-service");
    let mut b = a.clone();
    for c in &mut b.checks {
        if c.id == "CAP-007" {
            let f = &mut c.findings[0];
            f.message = "the last load test was 2026-06-02, 174 days before 2026-11-23".into();
            f.location.as_mut().unwrap().line += 3;
        }
    }
    let print = |r: &launchgate_report::Review| -> Value {
        let log: Value = serde_json::from_str(&render_sarif(r, &CiOptions::default())).unwrap();
        log["runs"][0]["results"][0]["partialFingerprints"].clone()
    };
    assert_eq!(print(&a), print(&b));
    // Nor does where launchgate runs from (the repository-root prefix of the paths).
    let log: Value =
        serde_json::from_str(&render_sarif(&a, &opts(0, "services/payment/"))).unwrap();
    assert_eq!(
        log["runs"][0]["results"][0]["partialFingerprints"],
        print(&a)
    );
    let mut other = a.clone();
    other.service = "billing".into();
    assert_ne!(print(&a), print(&other));
}

/// GitHub code scanning needs a region on every result (SARIF2017 / GH1003): findings about the
/// service as a whole, or a whole file, point at line 1.
#[test]
fn every_location_has_a_region() {
    let mut logs: Vec<(String, Value)> = EXAMPLES
        .iter()
        .map(|n| ((*n).to_string(), sarif(n)))
        .collect();
    logs.push((
        "waived".into(),
        serde_json::from_str(&render_sarif(
            &waived_payment_service(),
            &CiOptions::default(),
        ))
        .unwrap(),
    ));
    let mut manifest_level = 0;
    for (name, log) in logs {
        for r in log["runs"][0]["results"].as_array().unwrap() {
            for l in r["locations"].as_array().unwrap() {
                let region = &l["physicalLocation"]["region"];
                let line = region["startLine"].as_u64();
                assert!(line.is_some_and(|n| n >= 1), "{name}: {r:#}");
                if line == Some(1) && region.get("startColumn").is_none() {
                    manifest_level += 1;
                }
            }
        }
    }
    assert!(
        manifest_level > 0,
        "no manifest-level finding was exercised"
    );
}

/// The SARIF Multitool (`@microsoft/sarif-multitool`, installed by scripts/install-test-deps)
/// checks every example's log with its SARIF and GitHub rules, beyond the schema: any error or
/// warning fails the test, except SARIF2005 ("no `informationUri`") for a log made without
/// `--docs-url`, which on purpose links nowhere.
#[test]
fn sarif_multitool_validates_every_example() {
    // The native executable, not the npm wrapper, which passes arguments through a shell
    // unquoted (so `Sarif;Gh` would end the command).
    let native = match std::env::consts::OS {
        "macos" => "darwin/Sarif.Multitool",
        "windows" => "win32/Sarif.Multitool.exe",
        _ => "linux/Sarif.Multitool",
    };
    let Some(tool) = common::test_dep(&format!("node_modules/@microsoft/sarif-multitool-{native}"))
    else {
        return;
    };
    let dir = common::scratch("sarif-multitool");
    let linked = CiOptions {
        custom_rules: Vec::new(),
        docs_url: Some("https://git.example.com/acme/launchgate/blob/v1.4.0/docs/checks".into()),
        ..opts(1, "")
    };
    let mut logs: Vec<(String, String, bool)> = EXAMPLES
        .iter()
        .map(|n| {
            (
                (*n).to_string(),
                render_sarif(&review(n), &opts(1, "")),
                false,
            )
        })
        .collect();
    logs.push((
        "waived".into(),
        render_sarif(&waived_payment_service(), &opts(0, "services/payment/")),
        false,
    ));
    logs.push((
        "linked".into(),
        render_sarif(&review("all-false"), &linked),
        true,
    ));
    for (name, text, has_docs_url) in logs {
        let input = dir.join(format!("{name}.sarif"));
        let output = dir.join(format!("{name}.validation.sarif"));
        std::fs::write(&input, text).unwrap();
        let out = std::process::Command::new(&tool)
            .arg("validate")
            .arg(&input)
            .arg("--output")
            .arg(&output)
            .args(["--log", "ForceOverwrite", "--rule-kind", "Sarif;Gh"])
            .output()
            .unwrap();
        let said = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            out.status.success(),
            "{name}: the Multitool failed:\n{said}"
        );
        let report: Value =
            serde_json::from_str(&std::fs::read_to_string(&output).unwrap()).unwrap();
        // A result without `level` takes its rule's default level, and SARIF's default is warning.
        let run = &report["runs"][0];
        let rules = run["tool"]["driver"]["rules"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let level = |r: &Value| -> String {
            let rule = rules.iter().find(|x| x["id"] == r["ruleId"]);
            r["level"]
                .as_str()
                .or_else(|| rule.and_then(|x| x["defaultConfiguration"]["level"].as_str()))
                .unwrap_or("warning")
                .to_string()
        };
        let problems: Vec<&Value> = run["results"]
            .as_array()
            .map(|r| {
                r.iter()
                    .filter(|r| matches!(level(r).as_str(), "error" | "warning"))
                    .filter(|r| has_docs_url || r["ruleId"] != "SARIF2005")
                    .collect()
            })
            .unwrap_or_default();
        assert!(problems.is_empty(), "{name}: the Multitool says:\n{said}");
    }
}

/// A finding the code accepted with a comment is a result suppressed in the source, whether
/// its check passes or fails for other findings: code scanning lists it as accepted, with the
/// comment, instead of not at all. Its fingerprint is its own.
#[test]
fn findings_accepted_in_the_code_are_results_suppressed_in_source() {
    let mut r = review("payment-service");
    let accepted = |line: u32| {
        let mut f = launchgate_core::Finding::new(format!(
            "accepted in the code (`nosec B113 -- loopback mirror`): a call on line {line}"
        ))
        .at(Some(launchgate_core::Location::new(
            "src/mirror.ts",
            line,
            3,
        )));
        f.accepted = Some("nosec B113 -- loopback mirror".to_string());
        f
    };
    let failing = r
        .checks
        .iter()
        .position(|c| c.status == launchgate_core::Status::Fail)
        .unwrap();
    let passing = r
        .checks
        .iter()
        .position(|c| c.status == launchgate_core::Status::Pass)
        .unwrap();
    r.checks[failing].evidence.push(accepted(4));
    r.checks[passing].evidence.push(accepted(9));
    let ids = (r.checks[failing].id.clone(), r.checks[passing].id.clone());
    let log: Value = serde_json::from_str(&render_sarif(&r, &CiOptions::default())).unwrap();
    Validator::new().check(&log).unwrap();
    let results = log["runs"][0]["results"].as_array().unwrap();
    let suppressed: Vec<(String, u64, Value)> = results
        .iter()
        .filter(|x| x["suppressions"][0]["kind"] == "inSource")
        .map(|x| {
            (
                x["ruleId"].as_str().unwrap().to_string(),
                x["locations"][0]["physicalLocation"]["region"]["startLine"]
                    .as_u64()
                    .unwrap(),
                x["suppressions"][0].clone(),
            )
        })
        .collect();
    let justification = json!({
        "kind": "inSource",
        "status": "accepted",
        "justification": "nosec B113 -- loopback mirror"
    });
    let mut expected = vec![(ids.0, 4, justification.clone()), (ids.1, 9, justification)];
    expected.sort_by(|a, b| a.0.cmp(&b.0));
    let mut got = suppressed;
    got.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(got, expected);
    let prints: BTreeSet<&str> = results
        .iter()
        .map(|x| x["partialFingerprints"][FINGERPRINT_KEY].as_str().unwrap())
        .collect();
    assert_eq!(
        prints.len(),
        results.len(),
        "every result has its own fingerprint"
    );
}

/// An inconclusive check without findings reports its own message at its first piece of
/// evidence; what the code accepted is not among that site's places, being a result of its own.
#[test]
fn an_inconclusive_checks_own_site_leaves_accepted_findings_to_their_results() {
    let mut r = review("payment-service");
    let i = r
        .checks
        .iter()
        .position(|c| c.status == launchgate_core::Status::Fail)
        .unwrap();
    let mut accepted = launchgate_core::Finding::new("accepted in the code (`why`): a call")
        .at(Some(launchgate_core::Location::new("src/mirror.ts", 4, 3)));
    accepted.accepted = Some("why".to_string());
    let seen = launchgate_core::Finding::new("a file that could not be read")
        .at(Some(launchgate_core::Location::new("src/broken.ts", 1, 1)));
    let id = r.checks[i].id.clone();
    r.checks[i].findings.clear();
    r.checks[i].inconclusive = true;
    r.checks[i].evidence = vec![seen, accepted];
    let log: Value = serde_json::from_str(&render_sarif(&r, &CiOptions::default())).unwrap();
    Validator::new().check(&log).unwrap();
    let places: Vec<(String, bool, usize)> = log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["ruleId"] == id.as_str())
        .map(|x| {
            (
                x["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                    .as_str()
                    .unwrap()
                    .to_string(),
                x["suppressions"][0]["kind"] == "inSource",
                x["relatedLocations"].as_array().map_or(0, Vec::len),
            )
        })
        .collect();
    assert_eq!(
        places,
        [
            ("src/broken.ts".to_string(), false, 0),
            ("src/mirror.ts".to_string(), true, 0)
        ]
    );
}
