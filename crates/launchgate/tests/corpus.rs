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
/// file that is not deployed.
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
    for c in v["checks"].as_array().unwrap() {
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
