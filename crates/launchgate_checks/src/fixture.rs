//! The one fixture runner, shared by the unit tests (`crate::fixture`) and the integration
//! tests (`tests/*.rs` include this file as `mod common`): run one check on a repository (a
//! fixture folder, or files written to a fresh temporary folder) the way a review would, with
//! a real scan, a real manifest and the manifest's policy.
//!
//! Paths name the crate as `launchgate_checks` (the library declares `extern crate self as
//! launchgate_checks`), so the same text compiles inside and outside the crate.

// Test plumbing: a panic is the failure report.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use launchgate_checks::{Basis, Check, CheckContext, Finding, Outcome, builtin};
use launchgate_evidence::{Evidence, ScanOptions, scan};
use launchgate_manifest::{Policy, ServiceManifest, SourceFile};

/// The review date used by fixtures and doc examples, so that date windows are reproducible.
pub fn today() -> jiff::civil::Date {
    jiff::civil::date(2026, 11, 22)
}

/// The fixture repositories: `tests/fixtures/<ID>/<case>/`.
pub fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
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
        options: &policy.options_for(manifest.tier),
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
pub fn run_manifest(id: &str, path: &str, text: &str) -> Outcome {
    evaluate(id, &manifest(path, text), &Evidence::none())
}

/// Scans the repository at `dir` and evaluates check `id` with its `launchgate.yaml`.
pub fn run_repo(id: &str, dir: &Path) -> Outcome {
    let (m, evidence) = scanned(dir);
    evaluate(id, &m, &evidence)
}

/// The manifest of the repository at `dir` and its evidence, scanned as the binary scans it:
/// the manifest's `scan:` rules and `select:` apply.
pub fn scanned(dir: &Path) -> (ServiceManifest, Evidence) {
    let text = std::fs::read_to_string(dir.join("launchgate.yaml"))
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    let m = manifest("launchgate.yaml", &text);
    let options = ScanOptions::default()
        .with_deploy(m.deploy.as_ref())
        .with_scan_section(&m.scan)
        .with_selection(m.select.as_ref());
    let evidence = scan(dir, &options).unwrap_or_else(|e| panic!("{}: scan: {e}", dir.display()));
    let evidence = match &m.select {
        Some(selection) => evidence.select(selection),
        None => evidence,
    };
    (m, evidence)
}

/// The outcome of check `id` on its fixture `tests/fixtures/<id>/<case>`.
pub fn run(id: &str, case: &str) -> Outcome {
    run_repo(id, &fixtures_dir().join(id).join(case))
}

/// What a passing fixture rests on (proven or attested, which the fixture harness does not
/// look at); `None` when it does not pass.
pub fn basis(id: &str, case: &str) -> Option<Basis> {
    match run(id, case) {
        Outcome::Pass { basis, .. } => Some(basis),
        _ => None,
    }
}

/// Whether the fixture fails and every finding about the repository names the claim `key`
/// (`claims.backups.automated`) in its message and as a related location in the manifest.
pub fn contradicts(id: &str, case: &str, key: &str) -> bool {
    let Outcome::Fail { findings, .. } = run(id, case) else {
        return false;
    };
    let repo: Vec<_> = findings
        .iter()
        .filter(|f| {
            f.location
                .as_ref()
                .is_some_and(|l| l.path != "launchgate.yaml")
        })
        .collect();
    !repo.is_empty()
        && repo.iter().all(|f| {
            f.message.contains(key) && f.related.iter().any(|l| l.path == "launchgate.yaml")
        })
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

/// The findings of an outcome: a pass's evidence, a failure's or an inconclusive outcome's
/// findings; none when the check does not apply.
pub fn findings(o: &Outcome) -> &[Finding] {
    match o {
        Outcome::Pass { evidence, .. } => evidence,
        Outcome::Fail { findings, .. } | Outcome::Inconclusive { findings, .. } => findings,
        Outcome::NotApplicable { .. } => &[],
    }
}

/// A finding as `path:line message`, or its message alone when it has no place.
pub fn described(f: &Finding) -> String {
    match &f.location {
        Some(l) => format!("{}:{} {}", l.path, l.line, f.message),
        None => f.message.clone(),
    }
}

/// The findings of an outcome ([`findings`]), [`described`]: what unit tests compare a
/// check's exact findings with.
pub fn evidence(o: &Outcome) -> Vec<String> {
    findings(o).iter().map(described).collect()
}
