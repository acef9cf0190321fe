//! A real repository's manifests: `../shared/corpora/microservices-demo` (an 11-service shop's
//! Kubernetes, Istio and Kustomize files, written by another project) is reviewed end to end
//! with the real binary. The per-check results are pinned in a snapshot that was reviewed by
//! hand against the manifests: which Deployments lack what, and why each check passes.
//! Skips, with a message, where the corpus folder is absent.

// Test helpers outside #[test] functions may unwrap: a panic is the failure report.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stderr)]

use std::fmt::Write as _;
use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

#[test]
fn microservices_demo_is_reviewed_without_errors_and_results_are_pinned() {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let corpus = here.join("../../../shared/corpora/microservices-demo");
    if !corpus.is_dir() {
        eprintln!(
            "skipped: corpus folder {} is absent (it lives beside the repository)",
            corpus.display()
        );
        return;
    }
    // Relative to the crate folder, so the manifest's path in findings is the same everywhere.
    let manifest = "tests/data/microservices-demo.launchgate.yaml";
    let out = Command::cargo_bin("launchgate")
        .unwrap()
        .env(
            "LAUNCHGATE_STORE",
            "/nonexistent/launchgate-tests/ledger.db",
        )
        .current_dir(here)
        .arg("check")
        .arg(&corpus)
        .arg("--manifest")
        .arg(manifest)
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
    assert_eq!(scan["skipped"], Value::Array(vec![]));
    assert_eq!(scan["not_evaluated"], Value::Array(vec![]));
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
    insta::assert_snapshot!("microservices-demo", pinned);
}
