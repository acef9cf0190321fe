//! JUnit XML as the tools in the wild write it: a `<testsuites>` root (pytest, jest-junit,
//! go-junit-report, cargo-nextest) or a single `<testsuite>` (Maven Surefire and Failsafe
//! `TEST-*.xml`, Gradle), nested suites (Ant), `<properties>`, `<skipped>`, `<error>`, and the
//! rerun elements of Surefire and nextest (`<flakyFailure>`, `<flakyError>`, `<rerunFailure>`,
//! `<rerunError>`). Counts come from the `<testcase>` children; counts written in attributes
//! that disagree are noted, not trusted.

use std::collections::BTreeSet;

use super::xml::{Element, Item, items};
use super::{FailedCase, TestCounts, TestReport, TestSuite, parse_timestamp};
use crate::{Loc, Located, ReportFormat, Source};

/// Longest failure message kept (the first line of a stack trace can be long).
const MESSAGE_MAX: usize = 240;

struct SuiteBuilder {
    name: String,
    loc: Loc,
    timestamp: Option<jiff::Timestamp>,
    declared: Declared,
    counts: TestCounts,
    classnames: BTreeSet<String>,
    files: BTreeSet<String>,
    problems: Vec<FailedCase>,
}

/// Counts an element writes in its attributes.
#[derive(Default)]
struct Declared {
    tests: Option<u64>,
    failures: Option<u64>,
    errors: Option<u64>,
    skipped: Option<u64>,
}

struct CaseBuilder {
    name: String,
    classname: Option<String>,
    loc: Loc,
    /// `(error, message)` of the first `<failure>` or `<error>`.
    problem: Option<(bool, String)>,
    /// Collecting the text of the problem element (its message was empty).
    collecting: bool,
    skipped: bool,
    flaky: bool,
}

pub(super) fn parse(src: &Source, err: &mut dyn FnMut(Loc, String)) -> Option<TestReport> {
    let items = match items(src) {
        Ok(i) => i,
        Err((loc, m)) => {
            err(loc, m);
            return None;
        }
    };
    let mut root: Option<(Element, Declared)> = None;
    let mut open: Vec<SuiteBuilder> = Vec::new();
    let mut done: Vec<TestSuite> = Vec::new();
    let mut notes: Vec<Located<String>> = Vec::new();
    let mut case: Option<CaseBuilder> = None;
    let mut date: Option<jiff::Timestamp> = None;
    let mut failed = false;
    for item in items {
        match item {
            Item::Start(e) => {
                if root.is_none() {
                    if !matches!(e.name.as_str(), "testsuites" | "testsuite") {
                        err(
                            e.loc.clone(),
                            format!(
                                "the root element is <{}>, not <testsuites> or <testsuite>: not a JUnit XML report",
                                e.name
                            ),
                        );
                        return None;
                    }
                    if e.name == "testsuites" {
                        let declared = declared(&e, err, &mut failed);
                        date = date.max(timestamp(&e, err, &mut failed));
                        root = Some((e, declared));
                        continue;
                    }
                    root = Some((
                        Element {
                            name: e.name.clone(),
                            attrs: Vec::new(),
                            empty: e.empty,
                            loc: e.loc.clone(),
                        },
                        Declared::default(),
                    ));
                    // A single `<testsuite>` root: fall through to open it as a suite.
                }
                match e.name.as_str() {
                    "testsuite" => {
                        let ts = timestamp(&e, err, &mut failed);
                        date = date.max(ts);
                        let mut files = BTreeSet::new();
                        files.extend(e.attr("file").map(str::to_string));
                        open.push(SuiteBuilder {
                            name: e.attr("name").unwrap_or("").to_string(),
                            loc: e.loc.clone(),
                            timestamp: ts,
                            declared: declared(&e, err, &mut failed),
                            counts: TestCounts::default(),
                            classnames: BTreeSet::new(),
                            files,
                            problems: Vec::new(),
                        });
                    }
                    "testcase" => {
                        if open.is_empty() {
                            // A `<testcase>` straight under `<testsuites>`: an unnamed suite.
                            let (name, loc) = root.as_ref().map_or_else(
                                || (String::new(), src.file_start()),
                                |(r, _)| (r.attr("name").unwrap_or("").to_string(), r.loc.clone()),
                            );
                            open.push(SuiteBuilder {
                                name,
                                loc,
                                timestamp: None,
                                declared: Declared::default(),
                                counts: TestCounts::default(),
                                classnames: BTreeSet::new(),
                                files: BTreeSet::new(),
                                problems: Vec::new(),
                            });
                        }
                        if let Some(s) = open.last_mut() {
                            s.classnames.extend(e.attr("classname").map(str::to_string));
                            s.files.extend(e.attr("file").map(str::to_string));
                        }
                        case = Some(CaseBuilder {
                            name: e.attr("name").unwrap_or("").to_string(),
                            classname: e.attr("classname").map(str::to_string),
                            loc: e.loc.clone(),
                            problem: None,
                            collecting: false,
                            skipped: false,
                            flaky: false,
                        });
                    }
                    "failure" | "error" => {
                        if let Some(c) = case.as_mut().filter(|c| c.problem.is_none()) {
                            let message = e.attr("message").map(first_line).unwrap_or_default();
                            c.collecting = message.is_empty();
                            c.problem = Some((e.name == "error", message));
                        }
                    }
                    "skipped" => {
                        if let Some(c) = case.as_mut() {
                            c.skipped = true;
                        }
                    }
                    "flakyFailure" | "flakyError" => {
                        if let Some(c) = case.as_mut() {
                            c.flaky = true;
                        }
                    }
                    _ => {}
                }
            }
            Item::Text(t) => {
                if let Some(c) = case.as_mut().filter(|c| c.collecting)
                    && let Some((_, m)) = c.problem.as_mut()
                {
                    m.push_str(&t);
                }
            }
            Item::End(name) => match name.as_str() {
                "failure" | "error" => {
                    if let Some(c) = case.as_mut().filter(|c| c.collecting) {
                        c.collecting = false;
                        if let Some((_, m)) = c.problem.as_mut() {
                            *m = first_line(m);
                        }
                    }
                }
                "testcase" => {
                    if let (Some(c), Some(s)) = (case.take(), open.last_mut()) {
                        finish_case(c, s);
                    }
                }
                "testsuite" => {
                    if let Some(s) = open.pop() {
                        done.push(finish_suite(s, &mut notes));
                    }
                }
                _ => {}
            },
        }
    }
    let Some((root, declared)) = root else {
        err(
            src.file_start(),
            "no root element: expected <testsuites> or <testsuite>".to_string(),
        );
        return None;
    };
    // An unnamed suite opened for bare `<testcase>` elements is still open.
    while let Some(s) = open.pop() {
        done.push(finish_suite(s, &mut notes));
    }
    if failed {
        return None;
    }
    done.sort_by(|a, b| a.loc.cmp(&b.loc));
    let report = TestReport {
        loc: root.loc.clone(),
        format: ReportFormat::JUnit,
        date,
        name: root.attr("name").map(str::to_string),
        suites: done,
        notes,
    };
    if root.name == "testsuites" {
        let counts = report.counts();
        if let Some(n) = mismatch(&declared, counts) {
            let mut notes = report.notes;
            notes.push(Located::new(
                format!("<testsuites> says {n}; the test cases are counted instead"),
                root.loc.clone(),
            ));
            notes.sort_by(|a, b| a.loc.cmp(&b.loc));
            return Some(TestReport { notes, ..report });
        }
    }
    Some(report)
}

fn finish_case(c: CaseBuilder, s: &mut SuiteBuilder) {
    s.counts.tests += 1;
    match c.problem {
        Some((error, message)) => {
            if error {
                s.counts.errors += 1;
            } else {
                s.counts.failures += 1;
            }
            s.problems.push(FailedCase {
                name: c.name,
                classname: c.classname,
                error,
                message,
                loc: c.loc,
            });
        }
        None if c.skipped => s.counts.skipped += 1,
        None if c.flaky => s.counts.flaky += 1,
        None => {}
    }
}

fn finish_suite(s: SuiteBuilder, notes: &mut Vec<Located<String>>) -> TestSuite {
    if let Some(n) = mismatch(&s.declared, s.counts) {
        let name = if s.name.is_empty() {
            "<testsuite>".to_string()
        } else {
            format!("<testsuite name=\"{}\">", s.name)
        };
        notes.push(Located::new(
            format!("{name} says {n}; the test cases are counted instead"),
            s.loc.clone(),
        ));
    }
    TestSuite {
        name: s.name,
        loc: s.loc,
        timestamp: s.timestamp,
        counts: s.counts,
        classnames: s.classnames.into_iter().collect(),
        files: s.files.into_iter().collect(),
        problems: s.problems,
    }
}

/// The declared counts that disagree with the counted ones, in words
/// (`tests="5" (4 test cases), failures="0" (1)`), or `None` when all agree.
fn mismatch(d: &Declared, c: TestCounts) -> Option<String> {
    let mut parts = Vec::new();
    for (name, declared, counted) in [
        ("tests", d.tests, c.tests),
        ("failures", d.failures, c.failures),
        ("errors", d.errors, c.errors),
        ("skipped", d.skipped, c.skipped),
    ] {
        if let Some(v) = declared
            && v != counted
        {
            parts.push(format!("{name}=\"{v}\" but {counted} counted"));
        }
    }
    (!parts.is_empty()).then(|| parts.join(", "))
}

fn declared(e: &Element, err: &mut dyn FnMut(Loc, String), failed: &mut bool) -> Declared {
    let mut num = |name: &str| -> Option<u64> {
        let v = e.attr(name)?;
        let n = v.trim().parse::<u64>().ok();
        if n.is_none() {
            err(
                e.loc.clone(),
                format!(
                    "<{}> attribute `{name}` is `{v}`, not a whole number",
                    e.name
                ),
            );
            *failed = true;
        }
        n
    };
    Declared {
        tests: num("tests"),
        failures: num("failures"),
        errors: num("errors"),
        skipped: num("skipped"),
    }
}

fn timestamp(
    e: &Element,
    err: &mut dyn FnMut(Loc, String),
    failed: &mut bool,
) -> Option<jiff::Timestamp> {
    let v = e.attr("timestamp")?;
    let t = parse_timestamp(v);
    if t.is_none() {
        err(
            e.loc.clone(),
            format!(
                "<{}> attribute `timestamp` is `{v}`, not an ISO 8601 date-time",
                e.name
            ),
        );
        *failed = true;
    }
    t
}

/// The first non-empty line of a message, trimmed and shortened.
fn first_line(s: &str) -> String {
    let line = s
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("");
    if line.chars().count() > MESSAGE_MAX {
        let mut out: String = line.chars().take(MESSAGE_MAX).collect();
        out.push_str("...");
        out
    } else {
        line.to_string()
    }
}
