//! Reports other tools wrote: JUnit XML test results, lcov / Cobertura / JaCoCo coverage, SARIF
//! 2.1.0 security scans and k6 end-of-test summaries.
//!
//! Each report keeps the place it was read ([`Loc`]), its format and the date its content
//! carries (a suite `timestamp`, a SARIF invocation time, a JaCoCo session dump), never the file's
//! modification time. A report that cannot be read is an [`EvidenceError`] at the exact place.

use jiff::Timestamp;
use serde::Serialize;

use crate::{EvidenceError, FileKind, Loc, ReportFormat, Source};

mod coverage;
mod junit;
mod k6;
mod sarif;
#[cfg(test)]
mod tests;
mod xml;

/// Every report the scan found, each list sorted by path and position.
#[derive(Debug, Clone, Default)]
pub struct Reports {
    /// JUnit XML test reports.
    pub tests: Vec<TestReport>,
    /// Line coverage reports (lcov, Cobertura, JaCoCo).
    pub coverage: Vec<CoverageReport>,
    /// SARIF security scan reports.
    pub scans: Vec<ScanReport>,
    /// k6 end-of-test summaries.
    pub load_tests: Vec<LoadTestReport>,
}

impl Reports {
    /// Whether no report of any kind was found.
    pub fn is_empty(&self) -> bool {
        self.tests.is_empty()
            && self.coverage.is_empty()
            && self.scans.is_empty()
            && self.load_tests.is_empty()
    }
}

/// What one file contributed.
#[derive(Debug, Clone)]
pub enum ReportFile {
    Tests(TestReport),
    Coverage(CoverageReport),
    Scan(ScanReport),
    LoadTest(LoadTestReport),
}

// ---------------------------------------------------------------------------------------------
// Tests

/// A JUnit XML report: one file, one or more suites.
#[derive(Debug, Clone)]
pub struct TestReport {
    /// The root element (`<testsuites>` or `<testsuite>`).
    pub loc: Loc,
    pub format: ReportFormat,
    /// The latest `timestamp` of the root or a suite, when any is written.
    pub date: Option<Timestamp>,
    /// The root `<testsuites name="...">`, when written.
    pub name: Option<String>,
    pub suites: Vec<TestSuite>,
    /// Counts written in attributes that disagree with the `<testcase>` children (the
    /// children are trusted), at the element that wrote them.
    pub notes: Vec<crate::Located<String>>,
}

impl TestReport {
    /// Counts over every suite.
    pub fn counts(&self) -> TestCounts {
        self.suites
            .iter()
            .fold(TestCounts::default(), |acc, s| acc.plus(s.counts))
    }

    /// Every failing or erroring test case, in file order.
    pub fn problems(&self) -> impl Iterator<Item = &FailedCase> {
        self.suites.iter().flat_map(|s| &s.problems)
    }
}

/// Test counts, computed from `<testcase>` children.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct TestCounts {
    pub tests: u64,
    pub failures: u64,
    pub errors: u64,
    pub skipped: u64,
    /// Tests that failed and then passed on a rerun (`<flakyFailure>`, `<flakyError>`).
    pub flaky: u64,
}

impl TestCounts {
    #[must_use]
    pub fn plus(self, o: TestCounts) -> TestCounts {
        TestCounts {
            tests: self.tests + o.tests,
            failures: self.failures + o.failures,
            errors: self.errors + o.errors,
            skipped: self.skipped + o.skipped,
            flaky: self.flaky + o.flaky,
        }
    }

    /// Tests that ran and passed (flaky ones included).
    pub fn passed(self) -> u64 {
        self.tests
            .saturating_sub(self.failures + self.errors + self.skipped)
    }
}

/// One `<testsuite>`.
#[derive(Debug, Clone)]
pub struct TestSuite {
    /// `name`, or empty when the suite has none.
    pub name: String,
    pub loc: Loc,
    pub timestamp: Option<Timestamp>,
    pub counts: TestCounts,
    /// Distinct `classname` values of its test cases, sorted.
    pub classnames: Vec<String>,
    /// Distinct `file` values of the suite and its test cases, sorted.
    pub files: Vec<String>,
    /// Failing and erroring test cases, in file order.
    pub problems: Vec<FailedCase>,
}

/// A test case that failed or errored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailedCase {
    pub name: String,
    pub classname: Option<String>,
    /// `true` for `<error>` (the test could not run to an assertion), `false` for `<failure>`.
    pub error: bool,
    /// The `message` attribute, else the first line of the element's text; may be empty.
    pub message: String,
    /// The `<testcase>` element.
    pub loc: Loc,
}

// ---------------------------------------------------------------------------------------------
// Coverage

/// A line coverage report.
#[derive(Debug, Clone)]
pub struct CoverageReport {
    /// Where the totals were read: the Cobertura `<coverage>` root, the JaCoCo report-level
    /// `<counter type="LINE">`, the first lcov record.
    pub loc: Loc,
    pub format: ReportFormat,
    /// Cobertura `timestamp`, JaCoCo session dump time; lcov has none.
    pub date: Option<Timestamp>,
    /// Covered and total lines, when the report counts them (Cobertura may give only a rate).
    pub lines: Option<LineCounts>,
    /// Line coverage in percent; `None` when the report measured no lines.
    pub percent: Option<f64>,
    /// Source files the report covers (lcov records, Cobertura classes' files, JaCoCo
    /// source files); 0 when not counted.
    pub files: usize,
}

/// Covered and total lines.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct LineCounts {
    pub covered: u64,
    pub total: u64,
}

impl LineCounts {
    /// Line coverage in percent; `None` for no lines.
    pub fn percent(self) -> Option<f64> {
        (self.total > 0).then(|| self.covered as f64 * 100.0 / self.total as f64)
    }
}

// ---------------------------------------------------------------------------------------------
// Security scans

/// A SARIF log.
#[derive(Debug, Clone)]
pub struct ScanReport {
    /// The start of the file.
    pub loc: Loc,
    pub format: ReportFormat,
    /// The latest invocation time of any run.
    pub date: Option<Timestamp>,
    pub runs: Vec<ScanRun>,
}

impl ScanReport {
    /// Unsuppressed results of every run.
    pub fn results(&self) -> impl Iterator<Item = &ScanResult> {
        self.runs
            .iter()
            .flat_map(|r| &r.results)
            .filter(|r| !r.suppressed)
    }
}

/// One SARIF run: one tool's results.
#[derive(Debug, Clone)]
pub struct ScanRun {
    /// `tool.driver.name`.
    pub tool: String,
    /// The run object.
    pub loc: Loc,
    /// `invocations[].endTimeUtc`, else `startTimeUtc` (the latest).
    pub date: Option<Timestamp>,
    /// Every result, suppressed ones included (see [`ScanResult::suppressed`]).
    pub results: Vec<ScanResult>,
}

impl ScanRun {
    /// Unsuppressed results of a severity.
    pub fn count(&self, severity: ScanSeverity) -> usize {
        self.results
            .iter()
            .filter(|r| !r.suppressed && r.severity == severity)
            .count()
    }

    /// Results with a non-empty `suppressions` list.
    pub fn suppressed(&self) -> usize {
        self.results.iter().filter(|r| r.suppressed).count()
    }
}

/// One SARIF result.
#[derive(Debug, Clone)]
pub struct ScanResult {
    /// `ruleId`, else the id of the rule `ruleIndex` points at.
    pub rule_id: Option<String>,
    /// `level`, else the rule's `defaultConfiguration.level`, else `warning` (the SARIF
    /// default); `none` for results whose `kind` is not `fail`.
    pub level: ScanLevel,
    /// `properties.security-severity` of the result, else of the rule (a CVSS-like score).
    pub security_severity: Option<f64>,
    pub severity: ScanSeverity,
    /// `message.text`.
    pub message: String,
    /// The first `physicalLocation` as `uri:line` (or `uri`), when given.
    pub target: Option<String>,
    /// Whether `suppressions` is non-empty.
    pub suppressed: bool,
    /// The result object in the SARIF file.
    pub loc: Loc,
}

/// A SARIF `level`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ScanLevel {
    None,
    Note,
    Warning,
    Error,
}

impl ScanLevel {
    fn parse(s: &str) -> Option<ScanLevel> {
        Some(match s {
            "none" => ScanLevel::None,
            "note" => ScanLevel::Note,
            "warning" => ScanLevel::Warning,
            "error" => ScanLevel::Error,
            _ => return None,
        })
    }

    pub fn key(self) -> &'static str {
        match self {
            ScanLevel::None => "none",
            ScanLevel::Note => "note",
            ScanLevel::Warning => "warning",
            ScanLevel::Error => "error",
        }
    }
}

/// How severe a finding is: from `security-severity` (9 and above critical, 7 high, 4 medium,
/// above 0 low, 0 none), else from the level (`error` high, `warning` medium, `note` low,
/// `none` none).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ScanSeverity {
    None,
    Low,
    Medium,
    High,
    Critical,
}

impl ScanSeverity {
    /// The severity of a CVSS-like score.
    pub fn from_score(score: f64) -> ScanSeverity {
        if score >= 9.0 {
            ScanSeverity::Critical
        } else if score >= 7.0 {
            ScanSeverity::High
        } else if score >= 4.0 {
            ScanSeverity::Medium
        } else if score > 0.0 {
            ScanSeverity::Low
        } else {
            ScanSeverity::None
        }
    }

    /// The severity a level stands for when no score is given.
    pub fn from_level(level: ScanLevel) -> ScanSeverity {
        match level {
            ScanLevel::Error => ScanSeverity::High,
            ScanLevel::Warning => ScanSeverity::Medium,
            ScanLevel::Note => ScanSeverity::Low,
            ScanLevel::None => ScanSeverity::None,
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            ScanSeverity::None => "none",
            ScanSeverity::Low => "low",
            ScanSeverity::Medium => "medium",
            ScanSeverity::High => "high",
            ScanSeverity::Critical => "critical",
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Load tests

/// A k6 end-of-test summary.
#[derive(Debug, Clone)]
pub struct LoadTestReport {
    /// The `metrics` key (or the start of the file).
    pub loc: Loc,
    pub format: ReportFormat,
    /// k6 summaries carry no date; always `None` for now.
    pub date: Option<Timestamp>,
    pub shape: K6Shape,
    /// `http_reqs` rate (requests per second), when the test made HTTP requests.
    pub request_rate: Option<crate::Located<f64>>,
    /// `http_reqs` count.
    pub requests: Option<u64>,
    /// `iterations` count.
    pub iterations: Option<u64>,
    /// `http_req_failed` rate (0..1).
    pub failed_rate: Option<f64>,
    /// `state.testRunDurationMs` (handleSummary only).
    pub duration_ms: Option<f64>,
    /// Every threshold, by metric and expression.
    pub thresholds: Vec<Threshold>,
}

/// Which k6 JSON a summary is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum K6Shape {
    /// `k6 run --summary-export`: flat metric values; thresholds map to `true` when FAILED.
    SummaryExport,
    /// The `handleSummary(data)` object: `values` per metric; thresholds `{"ok": bool}`.
    HandleSummary,
}

/// One k6 threshold and whether it held.
#[derive(Debug, Clone, PartialEq)]
pub struct Threshold {
    pub metric: String,
    /// The expression (`p(95)<500`).
    pub expr: String,
    pub passed: bool,
    /// The threshold's value in the summary.
    pub loc: Loc,
}

// ---------------------------------------------------------------------------------------------

/// Reads a report of a format the classifier recognised.
pub fn parse(
    src: &Source,
    format: ReportFormat,
    errors: &mut Vec<EvidenceError>,
) -> Vec<ReportFile> {
    let kind = FileKind::Report(format);
    let mut err = |loc: Loc, message: String| errors.push(EvidenceError::new(loc, kind, message));
    let file = match format {
        ReportFormat::JUnit => junit::parse(src, &mut err).map(ReportFile::Tests),
        ReportFormat::Lcov => coverage::parse_lcov(src, &mut err).map(ReportFile::Coverage),
        ReportFormat::Cobertura => {
            coverage::parse_cobertura(src, &mut err).map(ReportFile::Coverage)
        }
        ReportFormat::JaCoCo => coverage::parse_jacoco(src, &mut err).map(ReportFile::Coverage),
        ReportFormat::Sarif => sarif::parse(src, &mut err).map(ReportFile::Scan),
        ReportFormat::K6 => k6::parse(src, &mut err).map(ReportFile::LoadTest),
    };
    file.into_iter().collect()
}

/// Joins the per-file reports, sorted by path and position.
pub fn assemble(files: &[ReportFile]) -> Reports {
    let mut out = Reports::default();
    for f in files {
        match f {
            ReportFile::Tests(r) => out.tests.push(r.clone()),
            ReportFile::Coverage(r) => out.coverage.push(r.clone()),
            ReportFile::Scan(r) => out.scans.push(r.clone()),
            ReportFile::LoadTest(r) => out.load_tests.push(r.clone()),
        }
    }
    out.tests.sort_by(|a, b| a.loc.cmp(&b.loc));
    out.coverage.sort_by(|a, b| a.loc.cmp(&b.loc));
    out.scans.sort_by(|a, b| a.loc.cmp(&b.loc));
    out.load_tests.sort_by(|a, b| a.loc.cmp(&b.loc));
    out
}

/// An ISO 8601 date-time as reports write it: with a zone (`2026-11-20T10:15:03Z`,
/// `+01:00`), or without one (`2026-11-20T10:15:03.123456`, read as UTC, as pytest and
/// jest-junit write local or UTC times without saying which).
pub fn parse_timestamp(s: &str) -> Option<Timestamp> {
    let s = s.trim();
    if let Ok(t) = s.parse::<Timestamp>() {
        return Some(t);
    }
    // A space instead of `T` (`2026-11-20 10:15:03`) is common too.
    let dt: jiff::civil::DateTime = s.replacen(' ', "T", 1).parse().ok()?;
    dt.to_zoned(jiff::tz::TimeZone::UTC)
        .ok()
        .map(|z| z.timestamp())
}

/// Seconds or milliseconds since the Unix epoch (Cobertura writes either): values above
/// 10^11 are milliseconds (10^11 seconds is the year 5138).
pub fn epoch_timestamp(v: i64) -> Option<Timestamp> {
    if v.abs() > 100_000_000_000 {
        Timestamp::from_millisecond(v).ok()
    } else {
        Timestamp::from_second(v).ok()
    }
}

/// The UTC calendar date of a timestamp (what review windows count in).
pub fn utc_date(t: Timestamp) -> jiff::civil::Date {
    t.to_zoned(jiff::tz::TimeZone::UTC).date()
}
