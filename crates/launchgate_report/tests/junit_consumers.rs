//! JUnit XML checked by its consumers: the strict Jenkins xunit `junit-10.xsd` (kept in
//! `tests/data`, validated with Python's `xmlschema`) and `junitparser` reading it back with the
//! same counts. Both run as subprocesses from `target/test-deps` (scripts/install-test-deps).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::fmt::Write as _;
use std::process::Command;

use launchgate_report::{CiOptions, Review, render_junit};

use common::{
    EXAMPLES, repo_root, review, run_ok, scoped_payment_service, scratch, test_dep,
    waived_payment_service,
};

const CHECK: &str = r#"
import sys, xmlschema, junitparser
schema = xmlschema.XMLSchema(sys.argv[1])
for path in sys.argv[2:]:
    schema.validate(path)
    xml = junitparser.JUnitXml.fromfile(path)
    tests = failures = skipped = 0
    for suite in xml:
        for case in suite:
            tests += 1
            kinds = {type(r).__name__ for r in case.result}
            failures += "Failure" in kinds
            skipped += "Skipped" in kinds
    print(f"{path.rsplit('/', 1)[-1]} {tests} {failures} {skipped}")
"#;

fn reviews() -> Vec<(String, Review)> {
    let mut all: Vec<(String, Review)> = EXAMPLES
        .iter()
        .map(|n| ((*n).to_string(), review(n)))
        .collect();
    all.push(("waived-payment-service".into(), waived_payment_service()));
    all.push(("scoped-payment-service".into(), scoped_payment_service()));
    all
}

#[test]
fn junit_lists_what_the_review_left_out_and_chose_as_first_suite_properties() {
    let xml = render_junit(
        &scoped_payment_service(),
        &CiOptions {
            custom_rules: Vec::new(),
            path_prefix: "services/".to_string(),
            ..CiOptions::default()
        },
    )
    .unwrap();
    let props: Vec<&str> = xml
        .lines()
        .map(str::trim)
        .filter(|l| {
            l.contains("name=\"launchgate.excluded\"") || l.contains("name=\"launchgate.choice\"")
        })
        .collect();
    assert_eq!(
        props,
        vec![
            "<property name=\"launchgate.choice\" value=\"service: Deployment/payment-api (manifest select.workloads: Deployment/payment-api)\"/>",
            "<property name=\"launchgate.excluded\" value=\"services/deploy/all.yaml (0 files, select: not this service&apos;s (Deployment/cart, Service/cart))\"/>",
            "<property name=\"launchgate.excluded\" value=\"services/examples/ (12 files, default: examples)\"/>",
            "<property name=\"launchgate.excluded\" value=\"services/src/cart/ (1 file, select.source: not this service&apos;s)\"/>",
        ]
    );
}

#[test]
fn junit_passes_the_jenkins_xsd_and_reads_back_with_junitparser() {
    let Some(python) = test_dep("venv/bin/python") else {
        return;
    };
    let dir = scratch("junit-consumers");
    let mut files = Vec::new();
    let mut want = String::new();
    for (name, r) in reviews() {
        let path = dir.join(format!("{name}.xml"));
        std::fs::write(&path, render_junit(&r, &CiOptions::default()).unwrap()).unwrap();
        files.push(path);
        let count = |s: launchgate_core::Status| r.checks.iter().filter(|c| c.status == s).count();
        let skipped = count(launchgate_core::Status::Skip) + count(launchgate_core::Status::Waived);
        let _ = writeln!(
            want,
            "{name}.xml {} {} {skipped}",
            r.checks.len(),
            count(launchgate_core::Status::Fail)
        );
    }
    let xsd = repo_root().join("crates/launchgate_report/tests/data/junit-10.xsd");
    let out = run_ok(
        Command::new(python)
            .args(["-c", CHECK])
            .arg(xsd)
            .args(&files),
    );
    assert_eq!(out, want);
}

#[test]
fn junit_has_no_attributes_or_elements_the_xsd_forbids() {
    for (name, r) in reviews() {
        let xml = render_junit(&r, &CiOptions::default()).unwrap();
        let root = xml.lines().find(|l| l.starts_with("<testsuites")).unwrap();
        assert!(!root.contains(" skipped="), "{name}: {root}");
        let mut in_case = false;
        for line in xml.lines().map(str::trim_start) {
            if line.starts_with("<testcase") && !line.ends_with("/>") {
                in_case = true;
            } else if line.starts_with("</testcase>") {
                in_case = false;
            }
            assert!(
                !(in_case && line.starts_with("<properties")),
                "{name}: properties in a testcase"
            );
        }
    }
}
