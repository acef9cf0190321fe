//! Real repositories written by other projects (`../shared/corpora/`), reviewed end to end with
//! the real binary and a manifest a team would write (in `tests/data/`). The per-check results
//! are pinned in snapshots that were reviewed by hand against the repositories: which workloads
//! lack what, and why each check passes.
//!
//! Every review must read its repository without a parse error on files the repository's own
//! tools accept, and no finding may come from a file that is not deployed (examples, tests,
//! vendored code). A missing corpus folder fails under `CI=true` (CI always has it) and is
//! reported as a skip otherwise.

// Test helpers outside #[test] functions may unwrap: a panic is the failure report.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stderr)]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

/// The corpus folder `rel` under `../shared/corpora/`, or `None` (with a skip line) when it
/// is absent outside CI.
fn corpus(rel: &str) -> Option<PathBuf> {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = here.join("../../../shared/corpora").join(rel);
    if dir.is_dir() {
        return Some(dir);
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "corpus folder {} is absent; CI must have ../shared beside the repository",
        dir.display()
    );
    eprintln!(
        "skipped: corpus folder {} is absent (it lives beside the repository)",
        dir.display()
    );
    None
}

/// Folder names whose files are never deployed: a finding located there is a finding about
/// something that is not the service.
const NOT_DEPLOYED: &[&str] = &[
    "examples",
    "example",
    "samples",
    "test",
    "tests",
    "e2e",
    "testdata",
    "fixtures",
    "vendor",
    "node_modules",
];

/// Reviews `corpus` with `tests/data/<manifest>` and returns the review as JSON, after the
/// checks every corpus review must pass: no usage error, no parse error, no finding from a
/// file that is not deployed (but SEC-001's).
fn review(corpus: &Path, manifest: &str) -> Value {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    // Relative to the crate folder, so the manifest's path in findings is the same everywhere.
    let manifest = format!("tests/data/{manifest}");
    let out = Command::cargo_bin("launchgate")
        .unwrap()
        .env(
            "LAUNCHGATE_STORE",
            "/nonexistent/launchgate-tests/ledger.db",
        )
        .current_dir(here)
        // No renderer on PATH: the reviews read the repositories as written, whatever tools
        // the machine has (rendering is tested on its own in the evidence crate).
        .env("PATH", "/nonexistent")
        .arg("check")
        .arg(corpus)
        .arg("--manifest")
        .arg(&manifest)
        .args(["--format", "json", "--today", "2026-11-22"])
        .output()
        .unwrap();
    assert_ne!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let scan = &v["scan"];
    assert_eq!(
        scan["errors"],
        Value::Array(vec![]),
        "no file may fail to parse"
    );
    // SEC-001 reports a committed secret wherever it sits, out of scope included.
    for c in v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["id"] != "SEC-001")
    {
        for f in c["findings"].as_array().into_iter().flatten() {
            let Some(path) = f["location"]["path"].as_str().filter(|p| *p != manifest) else {
                continue;
            };
            assert!(
                !path.split('/').any(|seg| NOT_DEPLOYED.contains(&seg)),
                "{} has a finding in a file that is not deployed: {path}: {}",
                c["id"],
                f["message"]
            );
        }
    }
    v
}

/// The per-check results as a reviewer reads them: status, message, and each finding's place.
fn pinned(v: &Value) -> String {
    let scan = &v["scan"];
    let mut pinned = format!(
        "decision {} · scanned {} files {}\n",
        v["decision"].as_str().unwrap(),
        scan["files"],
        scan["kinds"]
    );
    for e in scan["excluded"].as_array().unwrap() {
        let _ = writeln!(
            pinned,
            "out of scope {} ({} files, {})",
            e["path"].as_str().unwrap(),
            e["files"],
            e["rule"].as_str().unwrap()
        );
    }
    for c in v["checks"].as_array().unwrap() {
        let _ = writeln!(
            pinned,
            "\n{} {} {}{}",
            c["id"].as_str().unwrap(),
            c["status"].as_str().unwrap(),
            if c["inconclusive"] == true {
                "(inconclusive) "
            } else {
                ""
            },
            c["message"].as_str().unwrap()
        );
        for f in c["findings"].as_array().into_iter().flatten() {
            let at = f["location"]
                .as_object()
                .map(|l| format!("{}:{}", l["path"].as_str().unwrap(), l["line"]))
                .unwrap_or_default();
            let _ = writeln!(pinned, "  {at} {}", f["message"].as_str().unwrap());
        }
    }
    pinned
}

/// The manifests-only copy of microservices-demo: Deployments, Services, Istio and Kustomize.
#[test]
fn microservices_demo_manifests_are_reviewed_without_errors_and_results_are_pinned() {
    let Some(dir) = corpus("microservices-demo") else {
        return;
    };
    let v = review(&dir, "microservices-demo.launchgate.yaml");
    assert_eq!(v["scan"]["skipped"], Value::Array(vec![]));
    assert_eq!(v["scan"]["not_evaluated"], Value::Array(vec![]));
    insta::assert_snapshot!("microservices-demo", pinned(&v));
}

fn check<'a>(v: &'a Value, id: &str) -> &'a Value {
    v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap()
}

/// `ID path` for every finding, but SEC-001's: a committed secret is reported wherever it
/// sits, out of scope included.
fn finding_paths(v: &Value) -> Vec<String> {
    v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["id"] != "SEC-001")
        .flat_map(|c| {
            let id = c["id"].as_str().unwrap().to_string();
            c["findings"]
                .as_array()
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .filter_map(move |f| f["location"]["path"].as_str().map(|p| format!("{id} {p}")))
        })
        .collect()
}

#[test]
fn kube_prometheus_examples_and_tests_are_out_of_scope_and_its_runbooks_pass() {
    let Some(repo) = corpus("repos/kube-prometheus") else {
        return;
    };
    let v = review(&repo, "kube-prometheus.launchgate.yaml");
    assert_eq!(
        v["scan"]["excluded"],
        serde_json::json!([
            {"path": "examples/", "rule": "default: examples", "files": 72},
            {"path": "tests/", "rule": "default: tests", "files": 8},
        ])
    );
    let stray: Vec<String> = finding_paths(&v)
        .into_iter()
        .filter(|p| {
            let path = p.split_once(' ').map_or("", |(_, p)| p);
            // The manifest's own path (tests/data/...) is not the repository's.
            path != v["manifest"] && (path.starts_with("examples/") || path.starts_with("tests/"))
        })
        .collect();
    assert_eq!(stray, Vec::<String>::new());
    // Every real alert links a runbook; only examples/existingrule.yaml did not.
    assert_eq!(check(&v, "RUN-001")["status"], "pass");
    // Receivers that reach nobody are still found, in the real Alertmanager config.
    let obs9 = check(&v, "OBS-009");
    assert_ne!(obs9["status"], "pass");
    assert!(
        obs9["findings"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|f| f["related"].as_array().cloned().unwrap_or_default())
            .any(|r| r["path"] == "manifests/alertmanager-secret.yaml"),
        "{obs9}"
    );
}

#[test]
fn one_service_of_microservices_demo_is_judged_on_its_own_parts() {
    let Some(repo) = corpus("repos/microservices-demo") else {
        return;
    };
    let v = review(&repo, "adservice.launchgate.yaml");
    // No finding about another service's workload.
    for c in v["checks"].as_array().unwrap() {
        for f in c["findings"].as_array().into_iter().flatten() {
            if let Some(r) = f["resource"].as_str() {
                assert!(
                    !r.starts_with("Deployment/") || r.starts_with("Deployment/adservice"),
                    "{}: {r}",
                    c["id"]
                );
            }
        }
    }
    let excluded = v["scan"]["excluded"].as_array().unwrap();
    for other in ["src/cartservice/", "src/checkoutservice/", "src/frontend/"] {
        assert!(
            excluded
                .iter()
                .any(|e| e["path"] == other && e["rule"] == "select.source: not this service's"),
            "{other}"
        );
    }
    assert!(
        excluded
            .iter()
            .any(|e| e["path"] == "kubernetes-manifests/cartservice.yaml"
                && e["rule"] == "select: not this service's"
                && e["files"] == 1)
    );
    let service_choices: Vec<&Value> = v["scan"]["choices"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["subject"] == "service")
        .collect();
    assert_eq!(
        serde_json::Value::Array(service_choices.into_iter().cloned().collect()),
        serde_json::json!([
            {"subject": "service", "chosen": "src/adservice/", "why": "manifest select.source"},
            {"subject": "service", "chosen": "Deployment/adservice", "why": "manifest select.workloads: Deployment/adservice"},
        ])
    );
    // adservice is Java: no Go metrics library of another service is credited to it.
    let obs4 = check(&v, "OBS-004").to_string();
    assert!(!obs4.contains("go.mod"), "{obs4}");
}

/// The whole microservices-demo repository as the shop's team reviews it: skaffold says what
/// deploys (`kubernetes-manifests/`), the Helm chart, the Kustomize variants and `release/`
/// are other ways to deploy the same Deployments, and each Deployment is judged once.
#[test]
fn microservices_demo_repository_judges_each_deployment_once_and_results_are_pinned() {
    let Some(repo) = corpus("repos/microservices-demo") else {
        return;
    };
    let v = review(&repo, "microservices-demo.launchgate.yaml");
    let cap3: Vec<&str> = check(&v, "CAP-003")["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["resource"].as_str().unwrap())
        .collect();
    let mut unique = cap3.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(
        unique.len(),
        cap3.len(),
        "a Deployment judged twice: {cap3:?}"
    );
    assert_eq!(cap3.len(), 12, "{cap3:?}");
    insta::assert_snapshot!("repos-microservices-demo", pinned(&v));
}

#[test]
fn kube_prometheus_results_are_pinned() {
    let Some(repo) = corpus("repos/kube-prometheus") else {
        return;
    };
    let v = review(&repo, "kube-prometheus.launchgate.yaml");
    insta::assert_snapshot!("repos-kube-prometheus", pinned(&v));
}

/// opentelemetry-demo runs on Docker Compose: its services are judged as workloads, and its
/// Grafana alerting provisioning files are read as alerts and routing.
#[test]
fn opentelemetry_demo_compose_services_and_grafana_alerts_are_judged_and_pinned() {
    let Some(repo) = corpus("repos/opentelemetry-demo") else {
        return;
    };
    let v = review(&repo, "opentelemetry-demo.launchgate.yaml");
    assert!(
        v["scan"]["kinds"]["compose"].as_u64().unwrap() >= 1,
        "{}",
        v["scan"]["kinds"]
    );
    assert!(
        v["scan"]["kinds"]["grafana-alerting"].as_u64().unwrap() >= 1,
        "{}",
        v["scan"]["kinds"]
    );
    let obs3 = check(&v, "OBS-003").to_string();
    assert!(
        obs3.contains("ComposeService/frontend container frontend exports spans"),
        "{obs3}"
    );
    assert_eq!(check(&v, "OBS-005")["status"], "pass");
    insta::assert_snapshot!("repos-opentelemetry-demo", pinned(&v));
}
