//! Measurement changes: a report-derived figure (coverage, test count) that moved beyond a
//! tolerance between two recorded commits while only the pipeline changed (CI configuration,
//! test-runner settings) and not the measured source. Seed 004's "false failure syndrome": the
//! gate for that figure asks for a versioned baseline note (`baseline_notes` in the policy)
//! instead of failing blindly.
//!
//! Pure: the figures, the commits and the changed files (from `git diff --name-only`, run by the
//! binary) are inputs.

use std::collections::BTreeMap;

use launchgate_core::Status;
use launchgate_evidence::Evidence;
use launchgate_manifest::BaselineNote;
use serde::{Deserialize, Serialize};

use crate::CheckResult;

/// Line coverage that moves by more than this many percentage points is a change.
pub const COVERAGE_TOLERANCE_POINTS: f64 = 1.0;
/// A test count that moves by more than this fraction of the earlier count is a change.
pub const TESTS_TOLERANCE_FRACTION: f64 = 0.05;

/// The report-derived figures of a scan: `coverage` (line coverage over every coverage report
/// that counts lines, percent, one decimal) and `tests` (test cases over every test report).
/// A figure without a report is absent.
pub fn figures(evidence: &Evidence) -> BTreeMap<String, f64> {
    let mut out = BTreeMap::new();
    let (mut covered, mut total) = (0_u64, 0_u64);
    for r in &evidence.reports.coverage {
        if let Some(l) = r.lines {
            covered += l.covered;
            total += l.total;
        }
    }
    if total > 0 {
        #[allow(clippy::cast_precision_loss)] // line counts far below 2^52
        let p = covered as f64 * 100.0 / total as f64;
        out.insert("coverage".to_string(), (p * 10.0).round() / 10.0);
    }
    if !evidence.reports.tests.is_empty() {
        let tests: u64 = evidence
            .reports
            .tests
            .iter()
            .map(|r| r.counts().tests)
            .sum();
        #[allow(clippy::cast_precision_loss)]
        out.insert("tests".to_string(), tests as f64);
    }
    out
}

/// The check that gates a figure.
pub fn gate_of(figure: &str) -> Option<&'static str> {
    match figure {
        "coverage" => Some("OPS-004"),
        "tests" => Some("OPS-003"),
        _ => None,
    }
}

/// Whether a changed file is part of the measurement rather than the measured source: CI
/// configuration, test-runner and coverage settings, the reports themselves (`reports`), and
/// launchgate's own manifest and policy.
pub fn is_measurement_file(path: &str, reports: &[String]) -> bool {
    if reports.iter().any(|r| r == path) {
        return true;
    }
    let name = path.rsplit('/').next().unwrap_or(path);
    let under = |dir: &str| path.starts_with(dir) || path.contains(&format!("/{dir}"));
    under(".github/workflows/")
        || under(".circleci/")
        || under(".buildkite/")
        || matches!(
            name,
            ".gitlab-ci.yml"
                | "Jenkinsfile"
                | "azure-pipelines.yml"
                | "bitbucket-pipelines.yml"
                | ".travis.yml"
                | "launchgate.yaml"
                | "pytest.ini"
                | "tox.ini"
                | "noxfile.py"
                | ".coveragerc"
                | "codecov.yml"
                | ".codecov.yml"
                | ".nycrc"
                | ".nycrc.json"
                | ".mocharc.yml"
                | ".mocharc.json"
                | "phpunit.xml"
                | "phpunit.xml.dist"
                | "karma.conf.js"
                | ".tarpaulin.toml"
                | "tarpaulin.toml"
                | "nextest.toml"
        )
        || name.starts_with("jest.config.")
        || name.starts_with("vitest.config.")
        || name.starts_with("playwright.config.")
}

/// A figure that moved while only the measurement changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MeasurementChange {
    /// `coverage` or `tests`.
    pub figure: String,
    /// The check that gates the figure (OPS-004, OPS-003).
    pub gate: String,
    pub before: f64,
    pub after: f64,
    /// The earlier recorded review's commit.
    pub from_commit: String,
    /// The reviewed commit.
    pub to_commit: String,
    /// Every file `git diff --name-only` lists between the two commits (all of them part of the
    /// measurement), sorted.
    pub changed_files: Vec<String>,
    /// The policy's baseline note for this figure at `to_commit`, when there is one.
    #[serde(default)]
    pub note: Option<String>,
}

/// What the binary learned from git about the earlier recorded review.
#[derive(Debug, Clone)]
pub struct MeasurementInput {
    pub before: BTreeMap<String, f64>,
    pub from_commit: String,
    pub to_commit: String,
    /// `git diff --name-only FROM TO`, repo-relative to the reviewed directory's repository.
    pub changed_files: Vec<String>,
    /// The paths of the current scan's reports, as the changed files name them.
    pub reports: Vec<String>,
}

fn moved(figure: &str, before: f64, after: f64) -> bool {
    match figure {
        "coverage" => (after - before).abs() > COVERAGE_TOLERANCE_POINTS + 1e-9,
        _ => (after - before).abs() > before.abs() * TESTS_TOLERANCE_FRACTION + 1e-9,
    }
}

/// The suspected measurement changes: each figure of `after` that moved beyond its tolerance
/// since `input.before`, when every changed file is a measurement file and at least one is not
/// a report (a commit that only regenerated the reports says nothing about the pipeline).
pub fn suspect(
    input: &MeasurementInput,
    after: &BTreeMap<String, f64>,
    notes: &[BaselineNote],
) -> Vec<MeasurementChange> {
    let only_measurement = !input.changed_files.is_empty()
        && input
            .changed_files
            .iter()
            .all(|f| is_measurement_file(f, &input.reports))
        && input
            .changed_files
            .iter()
            .any(|f| !input.reports.contains(f));
    if !only_measurement {
        return Vec::new();
    }
    let mut files = input.changed_files.clone();
    files.sort();
    files.dedup();
    let mut out = Vec::new();
    for (figure, &now) in after {
        let Some(&then) = input.before.get(figure) else {
            continue;
        };
        let Some(gate) = gate_of(figure) else {
            continue;
        };
        if !moved(figure, then, now) {
            continue;
        }
        let note = notes
            .iter()
            .find(|n| n.figure == *figure && input.to_commit.starts_with(&n.commit))
            .map(|n| n.note.clone());
        out.push(MeasurementChange {
            figure: figure.clone(),
            gate: gate.to_string(),
            before: then,
            after: now,
            from_commit: input.from_commit.clone(),
            to_commit: input.to_commit.clone(),
            changed_files: files.clone(),
            note,
        });
    }
    out
}

fn short(c: &str) -> &str {
    c.get(..12).unwrap_or(c)
}

impl MeasurementChange {
    /// One line for reports: what moved, between which commits, what changed.
    pub fn summary(&self) -> String {
        format!(
            "measurement change suspected: {} moved {} -> {} between {} and {} while only the pipeline changed ({})",
            self.figure,
            trim(self.before),
            trim(self.after),
            short(&self.from_commit),
            short(&self.to_commit),
            self.changed_files.join(", ")
        )
    }
}

fn trim(v: f64) -> String {
    let s = format!("{v:.1}");
    s.strip_suffix(".0").map_or(s.clone(), str::to_string)
}

/// Applies the suspected changes to the gate results, before the decision: a gate that FAILs
/// on a figure the pipeline moved keeps failing without a baseline note for the commit, and its
/// message says so and asks for one; with the note it WARNs (a P1 action item, never a pass),
/// quoting the note.
pub(crate) fn apply(results: &mut [CheckResult], changes: &[MeasurementChange]) {
    for c in changes {
        let Some(r) = results.iter_mut().find(|r| r.id == c.gate) else {
            continue;
        };
        if r.status != Status::Fail {
            continue;
        }
        match &c.note {
            Some(note) => {
                r.status = Status::Warn;
                r.message = format!(
                    "{}; baseline note for {}: {note}; {}",
                    c.summary(),
                    short(&c.to_commit),
                    r.message
                );
            }
            None => {
                r.message = format!(
                    "{}; record a baseline note (`baseline_notes: [{{figure: {}, commit: \"{}\", note: ...}}]` in the policy) if the measurement changed, or fix: {}",
                    c.summary(),
                    c.figure,
                    short(&c.to_commit),
                    r.message
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(files: &[&str]) -> MeasurementInput {
        MeasurementInput {
            before: BTreeMap::from([("coverage".to_string(), 84.0), ("tests".to_string(), 200.0)]),
            from_commit: "a".repeat(40),
            to_commit: "b".repeat(40),
            changed_files: files.iter().map(|s| (*s).to_string()).collect(),
            reports: vec!["coverage/lcov.info".to_string()],
        }
    }

    #[test]
    fn only_a_pipeline_change_is_suspected() {
        let after = BTreeMap::from([("coverage".to_string(), 71.0), ("tests".to_string(), 201.0)]);
        let ci = input(&[".github/workflows/ci.yml", "coverage/lcov.info"]);
        let got = suspect(&ci, &after, &[]);
        assert_eq!(got.len(), 1);
        assert_eq!(got.first().map(|c| c.gate.as_str()), Some("OPS-004"));
        let src = input(&["src/app.py", ".github/workflows/ci.yml"]);
        assert!(suspect(&src, &after, &[]).is_empty());
        let reports_only = input(&["coverage/lcov.info"]);
        assert!(suspect(&reports_only, &after, &[]).is_empty());
        let within = BTreeMap::from([("coverage".to_string(), 83.5)]);
        assert!(suspect(&ci, &within, &[]).is_empty());
    }

    #[test]
    fn a_note_for_the_commit_is_attached() {
        let after = BTreeMap::from([("coverage".to_string(), 71.0)]);
        let note = BaselineNote {
            figure: "coverage".to_string(),
            commit: "bbbbbbb".to_string(),
            note: "sharded".to_string(),
        };
        let got = suspect(&input(&["pytest.ini"]), &after, &[note]);
        assert_eq!(got.first().and_then(|c| c.note.as_deref()), Some("sharded"));
    }
}
