//! Shared test plumbing: run one check on a repository (a fixture folder, or files written to a
//! fresh temporary folder) the way a review would: real scan, real manifest, real policy.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use launchgate_checks::{Check, CheckContext, Outcome, builtin};
use launchgate_evidence::{Evidence, ScanOptions, scan};
use launchgate_manifest::{Policy, ServiceManifest, SourceFile};

/// The review date used by fixtures and doc examples, so that date windows are reproducible.
pub fn today() -> jiff::civil::Date {
    jiff::civil::date(2026, 11, 22)
}

pub fn check(id: &str) -> &'static dyn Check {
    builtin()
        .iter()
        .copied()
        .find(|c| c.meta().id == id)
        .unwrap_or_else(|| panic!("no check {id}"))
}

fn evaluate(id: &str, manifest: &ServiceManifest, evidence: &Evidence) -> Outcome {
    let ids: Vec<&str> = builtin().iter().map(|c| c.meta().id).collect();
    let layers: Vec<_> = manifest.policy_layer().into_iter().collect();
    let policy = Policy::resolve(&layers, &ids)
        .unwrap_or_else(|e| panic!("{}: policy: {e:?}", manifest.path()));
    let cx = CheckContext {
        manifest,
        evidence,
        options: &policy.options,
        today: today(),
        gate: &policy.gate(None),
    };
    check(id).evaluate(&cx)
}

fn manifest(path: &str, text: &str) -> ServiceManifest {
    ServiceManifest::parse(SourceFile::new(path, text))
        .unwrap_or_else(|e| panic!("{path}: manifest does not parse: {e:?}"))
}

/// Evaluates check `id` on a manifest alone (no repository scanned).
pub fn run(id: &str, path: &str, text: &str) -> Outcome {
    evaluate(id, &manifest(path, text), &Evidence::none())
}

/// Scans the repository at `dir` and evaluates check `id` with its `launchgate.yaml`.
pub fn run_repo(id: &str, dir: &Path) -> Outcome {
    let text = std::fs::read_to_string(dir.join("launchgate.yaml"))
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    let evidence = scan(dir, &ScanOptions::default())
        .unwrap_or_else(|e| panic!("{}: scan: {e}", dir.display()));
    evaluate(id, &manifest("launchgate.yaml", &text), &evidence)
}

/// A fresh, empty folder under the system temporary directory.
pub fn temp_dir() -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "launchgate-test-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Writes `files` (repo-relative path, text) into a fresh folder, scans it, evaluates `id`.
pub fn run_files(id: &str, files: &[(&str, &str)]) -> Outcome {
    let dir = temp_dir();
    for (path, text) in files {
        let p = dir.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    let out = run_repo(id, &dir);
    let _ = std::fs::remove_dir_all(&dir);
    out
}
