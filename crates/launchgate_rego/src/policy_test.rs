//! `launchgate policy test DIR`: the fixture harness of the built-in checks, for custom checks.
//!
//! DIR holds `.rego` checks (any folder but `fixtures/`) and `fixtures/<ID>/<case>/` mini
//! repositories, each with a `launchgate.yaml`. The case name says what it shows: `pass_*`,
//! `fail_*`, `warn_*`, `na_*` (the check is not applicable), `skip_*` (the policy does not run
//! it: not required at the case's tier, or disabled), `waived_*` or `inconclusive_*`. Every line
//! a finding must point at carries `expect: <ID>` (in any comment syntax); for formats without
//! comments, the case's `EXPECT` file lists `<ID> <path>:<line>` lines. A case passes when the
//! status is the named one and the findings point at exactly the expected lines.
//!
//! A case is judged as a review judges the check (the caller's [`JudgeFn`], which the binary
//! gives `launchgate_policy::evaluate_check`: this crate sits below the policy): under
//! the organisation's policy (`--policy FILE`, else the one YAML file at DIR's top level that
//! lists `custom_checks`, else the built-in defaults), then the case's own
//! `fixtures/<ID>/<case>.policy.yaml` if there is one, then the `policy:` section of its
//! manifest; its waivers apply on the review date (`--today`).

use std::collections::BTreeSet;
use std::fmt;
use std::path::{Path, PathBuf};

use launchgate_checks::Check;
use launchgate_core::{Finding, Status};
use launchgate_evidence::{Evidence, ScanOptions};
use launchgate_manifest::{
    ConfigErrors, LocatedLayer, MANIFEST_FILE, Policy, ServiceManifest, SourceFile,
};

use crate::{Limits, LoadError, RegoCheck};

/// How `policy test` runs.
#[derive(Debug, Clone)]
pub struct TestOptions {
    /// The organisation policy file (`--policy`); `None`: DIR's own, if it has one.
    pub policy: Option<PathBuf>,
    /// The review date the cases are judged on (waiver expiry, `input.today`).
    pub today: jiff::civil::Date,
    pub limits: Limits,
}

/// What a review made of one check in a case.
#[derive(Debug, Clone)]
pub struct Judged {
    pub status: Status,
    /// Evidence was missing or unparseable (the status is then FAIL or WARN).
    pub inconclusive: bool,
    /// Why this status (`not required for tier 2`, `not applicable: ...`, `inconclusive: ...`).
    pub message: String,
    /// The findings it reported (FAIL, WARN, and WAIVED, which keeps them).
    pub findings: Vec<Finding>,
    /// The last day of the waiver that made it WAIVED.
    pub waiver_expires: Option<String>,
}

/// Judges one check as a review does: the policy's settings for it, its outcome under the
/// tier's requirement, the manifest's waivers on the review date.
pub type JudgeFn<'a> =
    &'a dyn Fn(&dyn Check, &ServiceManifest, &Evidence, &Policy, jiff::civil::Date) -> Judged;

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
    /// The organisation policy the cases were judged under, as named (`None`: the defaults).
    pub policy: Option<String>,
    pub cases: Vec<CaseResult>,
}

/// Why the fixtures could not be run at all.
#[derive(Debug, Clone, thiserror::Error)]
pub enum TestError {
    #[error(transparent)]
    Load(#[from] LoadError),
    /// The policy file does not parse or names what does not exist.
    #[error(transparent)]
    Policy(#[from] ConfigErrors),
    #[error("{0}")]
    Layout(String),
}

/// The one top-level YAML file of `dir` that lists `custom_checks`: the organisation policy
/// that loads the checks of `dir`.
fn policy_of(dir: &Path) -> Result<Option<PathBuf>, TestError> {
    let mut found = Vec::new();
    for p in list(dir)? {
        let is_yaml = p.extension().is_some_and(|x| x == "yaml" || x == "yml");
        if !is_yaml || !std::fs::symlink_metadata(&p).is_ok_and(|m| m.is_file()) {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(&p) else {
            continue;
        };
        if text.lines().any(|l| l.starts_with("custom_checks:")) {
            found.push(p);
        }
    }
    match found.as_slice() {
        [] => Ok(None),
        [one] => Ok(Some(one.clone())),
        [a, b, ..] => Err(TestError::Layout(format!(
            "{}: both {} and {} list custom_checks; choose the policy with --policy FILE",
            dir.display(),
            a.display(),
            b.display()
        ))),
    }
}

fn read_layer(path: &Path) -> Result<LocatedLayer, TestError> {
    let file = SourceFile::read(path, path.to_string_lossy().replace('\\', "/"))
        .map_err(ConfigErrors::from)?;
    Ok(LocatedLayer::parse_file(file)?)
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

/// Runs every fixture case of `dir` against the checks of `dir`, each judged by `judge`.
pub fn run(dir: &Path, options: &TestOptions, judge: JudgeFn<'_>) -> Result<TestReport, TestError> {
    let limits = options.limits;
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
    let mut ids = builtin.ids();
    ids.extend(checks.iter().map(|c| c.metadata().id));
    let policy_file = match &options.policy {
        Some(p) => Some(p.clone()),
        None => policy_of(dir)?,
    };
    let org = match &policy_file {
        Some(p) => {
            let layer = read_layer(p)?;
            // Resolved alone once, so that an error of the organisation's file is named at once.
            Policy::resolve(std::slice::from_ref(&layer), &ids)?;
            vec![layer]
        }
        None => Vec::new(),
    };
    let fixtures = dir.join("fixtures");
    let mut report = TestReport {
        policy: policy_file.map(|p| p.to_string_lossy().replace('\\', "/")),
        cases: Vec::new(),
    };
    let judge = Judge {
        org: &org,
        ids: &ids,
        today: options.today,
        evaluate: judge,
    };
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
            let problems = judge.case(check, &case, &name);
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

/// What a case's name says the status is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expected {
    Pass,
    Fail,
    Warn,
    NotApplicable,
    Skipped,
    Waived,
    Inconclusive,
}

const PREFIXES: [(&str, Expected); 7] = [
    ("pass_", Expected::Pass),
    ("fail_", Expected::Fail),
    ("warn_", Expected::Warn),
    ("na_", Expected::NotApplicable),
    ("skip_", Expected::Skipped),
    ("waived_", Expected::Waived),
    ("inconclusive_", Expected::Inconclusive),
];

impl fmt::Display for Expected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Expected::Pass => "pass",
            Expected::Fail => "fail",
            Expected::Warn => "warn",
            Expected::NotApplicable => "not applicable",
            Expected::Skipped => "skip",
            Expected::Waived => "waived",
            Expected::Inconclusive => "inconclusive",
        })
    }
}

/// What the review made of the check.
fn got(r: &Judged) -> Expected {
    match r.status {
        Status::Waived => Expected::Waived,
        _ if r.inconclusive => Expected::Inconclusive,
        Status::Pass => Expected::Pass,
        Status::Fail => Expected::Fail,
        Status::Warn => Expected::Warn,
        Status::Skip if r.message.starts_with("not applicable: ") => Expected::NotApplicable,
        Status::Skip => Expected::Skipped,
    }
}

fn describe(r: &Judged) -> String {
    let findings = r.findings.len();
    match got(r) {
        Expected::Pass => "pass".to_string(),
        e @ (Expected::Fail | Expected::Warn) => format!("{e} ({findings} findings)"),
        Expected::NotApplicable => {
            let reason = r.message.trim_start_matches("not applicable: ");
            format!("not applicable ({reason})")
        }
        Expected::Skipped => format!("skip ({})", r.message),
        Expected::Waived => match &r.waiver_expires {
            Some(until) => format!("waived ({findings} findings; waiver until {until})"),
            None => "waived".to_string(),
        },
        Expected::Inconclusive => format!(
            "inconclusive ({})",
            r.message.trim_start_matches("inconclusive: ")
        ),
    }
}

/// What every case of a run shares: the organisation's policy layer, the known check IDs and
/// the review date.
struct Judge<'a> {
    org: &'a [LocatedLayer],
    ids: &'a [&'static str],
    today: jiff::civil::Date,
    evaluate: JudgeFn<'a>,
}

impl Judge<'_> {
    fn case(&self, check: &RegoCheck, case: &Path, name: &str) -> Vec<String> {
        let Some(expected) = PREFIXES
            .iter()
            .find(|(p, _)| name.starts_with(p))
            .map(|(_, e)| *e)
        else {
            return vec![
                "the case name must start with pass_, fail_, warn_, na_, skip_, waived_ or inconclusive_"
                    .to_string(),
            ];
        };
        let manifest_path = case.join(MANIFEST_FILE);
        let manifest = match SourceFile::read(&manifest_path, MANIFEST_FILE.to_string())
            .map_err(|e| e.to_string())
            .and_then(|f| ServiceManifest::parse_checked(f, self.ids).map_err(|e| e.to_string()))
        {
            Ok(m) => m,
            Err(e) => return vec![format!("{MANIFEST_FILE}: {e}")],
        };
        let mut layers = self.org.to_vec();
        let own = case
            .parent()
            .unwrap_or(case)
            .join(format!("{name}.policy.yaml"));
        if own.is_file() {
            match read_layer(&own) {
                Ok(l) => layers.push(l),
                Err(e) => return vec![format!("{}: {e}", shown_name(&own))],
            }
        }
        layers.extend(manifest.policy_layer());
        let policy = match Policy::resolve(&layers, self.ids) {
            Ok(p) => p,
            Err(e) => return vec![format!("policy: {e}")],
        };
        let options = ScanOptions::default()
            .with_report_locations(&manifest.reports)
            .with_deploy(manifest.deploy.as_ref())
            .with_scan_section(&manifest.scan)
            .with_selection(manifest.select.as_ref());
        let evidence = match launchgate_evidence::scan(case, &options) {
            Ok(e) => match &manifest.select {
                Some(selection) => e.select(selection),
                None => e,
            },
            Err(e) => return vec![format!("scan failed: {e}")],
        };
        let result = (self.evaluate)(check, &manifest, &evidence, &policy, self.today);
        compare(check, case, expected, &result)
    }
}

fn shown_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn compare(check: &RegoCheck, case: &Path, expected: Expected, result: &Judged) -> Vec<String> {
    let mut problems = Vec::new();
    let got = got(result);
    if got != expected {
        problems.push(format!("expected {expected}, got {}", describe(result)));
    }
    let id = check.metadata().id;
    let want = expectations(case, id);
    // The findings the check reported (kept by a waiver); an inconclusive result's are the
    // parse errors, not the check's.
    let reported: &[Finding] = if matches!(got, Expected::Fail | Expected::Warn | Expected::Waived)
    {
        &result.findings
    } else {
        &[]
    };
    let found: BTreeSet<(String, u32)> = reported
        .iter()
        .filter_map(|f| f.location.as_ref().map(|l| (l.path.clone(), l.line)))
        .collect();
    for (p, l) in want.difference(&found) {
        problems.push(format!("expected a finding at {p}:{l}, none was reported"));
    }
    for f in reported {
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
