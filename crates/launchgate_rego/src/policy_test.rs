//! `launchgate policy test DIR`: the fixture harness of the built-in checks, for custom checks.
//!
//! DIR holds `.rego` checks (any folder but `fixtures/`) and `fixtures/<ID>/<case>/` mini
//! repositories, each with a `launchgate.yaml`. The case name says what it shows: `pass_*`,
//! `fail_*`, `na_*` (not applicable) or `inconclusive_*`. Every line a finding must point at
//! carries `expect: <ID>` (in any comment syntax); for formats without comments, the case's
//! `EXPECT` file lists `<ID> <path>:<line>` lines. A case passes when the outcome is the named
//! one and the findings point at exactly the expected lines.

use std::collections::BTreeSet;
use std::fmt;
use std::path::{Path, PathBuf};

use launchgate_checks::{Check, CheckContext};
use launchgate_core::Outcome;
use launchgate_evidence::ScanOptions;
use launchgate_manifest::{MANIFEST_FILE, Policy, ServiceManifest, SourceFile};

use crate::{Limits, LoadError, RegoCheck};

/// The result of one fixture case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseResult {
    pub check: String,
    pub name: String,
    /// What did not match; empty when the case passed.
    pub problems: Vec<String>,
}

/// Every case, by check ID then case name.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TestReport {
    pub cases: Vec<CaseResult>,
}

/// Why the fixtures could not be run at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TestError {
    #[error(transparent)]
    Load(#[from] LoadError),
    #[error("{0}")]
    Layout(String),
}

fn list(dir: &Path) -> Result<Vec<PathBuf>, TestError> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| TestError::Layout(format!("{}: {e}", dir.display())))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    v.sort();
    Ok(v)
}

fn check_files(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), TestError> {
    for p in list(dir)? {
        let Ok(m) = std::fs::symlink_metadata(&p) else {
            continue;
        };
        if m.is_dir() {
            if p.file_name().is_some_and(|n| n != "fixtures") {
                check_files(&p, out)?;
            }
        } else if m.is_file() {
            out.extend(
                crate::rego_files(std::slice::from_ref(&p))?
                    .into_iter()
                    .filter(|f| {
                        f.extension().is_some_and(|x| x == "rego")
                            && !f.to_string_lossy().ends_with("_test.rego")
                    }),
            );
        }
    }
    Ok(())
}

/// Runs every fixture case of `dir` against the checks of `dir`.
pub fn run(dir: &Path, limits: Limits) -> Result<TestReport, TestError> {
    let mut files = Vec::new();
    check_files(dir, &mut files)?;
    if files.is_empty() {
        return Err(TestError::Layout(format!(
            "{}: no .rego checks found",
            dir.display()
        )));
    }
    let shown: Vec<(PathBuf, String)> = files
        .into_iter()
        .map(|f| {
            let s = f
                .strip_prefix(dir)
                .unwrap_or(&f)
                .to_string_lossy()
                .replace('\\', "/");
            (f, s)
        })
        .collect();
    let builtin = launchgate_checks::Registry::builtin();
    let checks = crate::load(&shown, &builtin.ids(), limits)?;
    let fixtures = dir.join("fixtures");
    let mut report = TestReport::default();
    for check in &checks {
        let id = check.metadata().id;
        let cases_dir = fixtures.join(id);
        let cases = if cases_dir.is_dir() {
            list(&cases_dir)?
        } else {
            Vec::new()
        };
        let cases: Vec<PathBuf> = cases.into_iter().filter(|c| c.is_dir()).collect();
        if cases.is_empty() {
            report.cases.push(CaseResult {
                check: id.to_string(),
                name: "(fixtures)".to_string(),
                problems: vec![format!(
                    "no fixtures: add fixtures/{id}/pass_*/ and fixtures/{id}/fail_*/ mini repositories"
                )],
            });
            continue;
        }
        for case in cases {
            let name = case
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let problems = run_case(check, &case, &name);
            report.cases.push(CaseResult {
                check: id.to_string(),
                name,
                problems,
            });
        }
    }
    report
        .cases
        .sort_by(|a, b| (&a.check, &a.name).cmp(&(&b.check, &b.name)));
    Ok(report)
}

/// What a case's name says the outcome is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expected {
    Pass,
    Fail,
    NotApplicable,
    Inconclusive,
}

impl fmt::Display for Expected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Expected::Pass => "pass",
            Expected::Fail => "fail",
            Expected::NotApplicable => "not applicable",
            Expected::Inconclusive => "inconclusive",
        })
    }
}

fn describe(o: &Outcome) -> String {
    match o {
        Outcome::Pass { .. } => "pass".to_string(),
        Outcome::Fail { findings } => format!("fail ({} findings)", findings.len()),
        Outcome::NotApplicable { reason } => format!("not applicable ({reason})"),
        Outcome::Inconclusive { reason, .. } => format!("inconclusive ({reason})"),
    }
}

fn run_case(check: &RegoCheck, case: &Path, name: &str) -> Vec<String> {
    let expected = if name.starts_with("pass_") {
        Expected::Pass
    } else if name.starts_with("fail_") {
        Expected::Fail
    } else if name.starts_with("na_") {
        Expected::NotApplicable
    } else if name.starts_with("inconclusive_") {
        Expected::Inconclusive
    } else {
        return vec![
            "the case name must start with pass_, fail_, na_ or inconclusive_".to_string(),
        ];
    };
    let manifest_path = case.join(MANIFEST_FILE);
    let manifest = match SourceFile::read(&manifest_path, MANIFEST_FILE.to_string())
        .map_err(|e| e.to_string())
        .and_then(|f| ServiceManifest::parse(f).map_err(|e| e.to_string()))
    {
        Ok(m) => m,
        Err(e) => return vec![format!("{MANIFEST_FILE}: {e}")],
    };
    let options = ScanOptions::default()
        .with_report_locations(&manifest.reports)
        .with_deploy(manifest.deploy.as_ref())
        .with_scan_section(&manifest.scan)
        .with_selection(manifest.select.as_ref());
    let evidence = match launchgate_evidence::scan(case, &options) {
        Ok(e) => e,
        Err(e) => return vec![format!("scan failed: {e}")],
    };
    let policy = Policy::default();
    let check_options = policy.options_for(manifest.tier);
    let gate = policy.gate(None);
    let cx = CheckContext {
        manifest: &manifest,
        evidence: &evidence,
        options: &check_options,
        today: jiff::civil::date(2026, 1, 1),
        gate: &gate,
    };
    let outcome = check.evaluate(&cx);
    let mut problems = Vec::new();
    let got = match &outcome {
        Outcome::Pass { .. } => Expected::Pass,
        Outcome::Fail { .. } => Expected::Fail,
        Outcome::NotApplicable { .. } => Expected::NotApplicable,
        Outcome::Inconclusive { .. } => Expected::Inconclusive,
    };
    if got != expected {
        problems.push(format!("expected {expected}, got {}", describe(&outcome)));
    }
    let id = check.metadata().id;
    let want = expectations(case, id);
    let found: BTreeSet<(String, u32)> = match &outcome {
        Outcome::Fail { findings } => findings
            .iter()
            .filter_map(|f| f.location.as_ref().map(|l| (l.path.clone(), l.line)))
            .collect(),
        _ => BTreeSet::new(),
    };
    for (p, l) in want.difference(&found) {
        problems.push(format!("expected a finding at {p}:{l}, none was reported"));
    }
    if let Outcome::Fail { findings } = &outcome {
        for f in findings {
            let at = f.location.as_ref().map(|l| (l.path.clone(), l.line));
            match at {
                Some(at) if want.contains(&at) => {}
                Some((p, l)) => problems.push(format!(
                    "unexpected finding at {p}:{l}: {} (mark the line with `expect: {id}`)",
                    f.message
                )),
                None => problems.push(format!(
                    "finding without a location: {} (give it `path` and `line`)",
                    f.message
                )),
            }
        }
    }
    problems
}

/// The (path, line) pairs marked `expect: ID` in the case's files and listed in its `EXPECT`.
fn expectations(case: &Path, id: &str) -> BTreeSet<(String, u32)> {
    let mut out = BTreeSet::new();
    let marker = format!("expect: {id}");
    let mut stack = vec![case.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            let Ok(m) = std::fs::symlink_metadata(&p) else {
                continue;
            };
            if m.is_dir() {
                stack.push(p);
                continue;
            }
            let rel = p
                .strip_prefix(case)
                .unwrap_or(&p)
                .to_string_lossy()
                .replace('\\', "/");
            let Ok(text) = std::fs::read_to_string(&p) else {
                continue;
            };
            if rel == "EXPECT" {
                for line in text.lines() {
                    let mut parts = line.split_whitespace();
                    if parts.next() == Some(id)
                        && let Some((path, n)) = parts.next().and_then(|a| a.rsplit_once(':'))
                        && let Ok(n) = n.parse()
                    {
                        out.insert((path.to_string(), n));
                    }
                }
                continue;
            }
            for (i, line) in text.lines().enumerate() {
                if line.contains(&marker) {
                    out.insert((rel.clone(), u32::try_from(i + 1).unwrap_or(u32::MAX)));
                }
            }
        }
    }
    out
}
