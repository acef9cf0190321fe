//! Reports in build output: found through default and manifest globs even when `.gitignore`d,
//! read once, and checked against the group their manifest glob names.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fs;
use std::path::{Path, PathBuf};

use launchgate_evidence::{FileKind, ReportFormat, ReportGlob, ReportGroup, ScanOptions, scan};

fn temp(name: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("launchgate-reports-{}-{name}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(p, text).unwrap();
}

const SUITE: &str = "<testsuite name=\"com.acme.OrderIT\" tests=\"1\" timestamp=\"2026-11-20T10:00:00Z\">\n  <testcase name=\"roundtrip\" classname=\"com.acme.OrderIT\"/>\n</testsuite>\n";

fn repo(name: &str) -> PathBuf {
    let root = temp(name);
    write(
        &root,
        ".gitignore",
        "target/\ncoverage/\nout/\nnode_modules/\n",
    );
    write(
        &root,
        "target/surefire-reports/TEST-com.acme.OrderIT.xml",
        SUITE,
    );
    write(&root, "target/classes/app.properties", "x=1\n");
    write(
        &root,
        "coverage/lcov.info",
        "SF:src/a.js\nDA:1,1\nDA:2,0\nend_of_record\n",
    );
    // Found by the first walk (not ignored) and matched by a default glob: read once.
    write(&root, "reports/junit.xml", SUITE);
    // Dependencies are never walked for reports.
    write(&root, "node_modules/pkg/junit.xml", SUITE);
    // Matched by a manifest glob only.
    write(&root, "out/tests/results.xml", SUITE);
    write(&root, "out/tests/notes.xml", "<notes><note/></notes>\n");
    root
}

fn paths(ev: &launchgate_evidence::Evidence) -> Vec<(String, FileKind)> {
    ev.files
        .iter()
        .map(|f| (f.path.to_string(), f.kind))
        .collect()
}

#[test]
fn default_globs_find_ignored_reports_once() {
    let root = repo("defaults");
    let ev = scan(&root, &ScanOptions::default()).unwrap();
    let junit = FileKind::Report(ReportFormat::JUnit);
    assert_eq!(
        paths(&ev),
        vec![
            (".gitignore".to_string(), FileKind::Other),
            (
                "coverage/lcov.info".to_string(),
                FileKind::Report(ReportFormat::Lcov)
            ),
            ("reports/junit.xml".to_string(), junit),
            (
                "target/surefire-reports/TEST-com.acme.OrderIT.xml".to_string(),
                junit
            ),
        ]
    );
    let tests: Vec<String> = ev.reports.tests.iter().map(|t| t.loc.to_string()).collect();
    assert_eq!(
        tests,
        vec![
            "reports/junit.xml:1:1",
            "target/surefire-reports/TEST-com.acme.OrderIT.xml:1:1"
        ]
    );
    assert_eq!(ev.reports.coverage[0].percent, Some(50.0));
    assert!(ev.errors.is_empty(), "{:?}", ev.errors);
    let _ = fs::remove_dir_all(&root);
}

#[test]
fn manifest_globs_read_ignored_folders_and_check_the_format() {
    let root = repo("manifest");
    let options = ScanOptions {
        reports: vec![ReportGlob {
            group: ReportGroup::Junit,
            glob: "out/tests/*.xml".to_string(),
        }],
        default_report_globs: false,
        ..ScanOptions::default()
    };
    let ev = scan(&root, &options).unwrap();
    let files: Vec<String> = paths(&ev).into_iter().map(|(p, _)| p).collect();
    assert_eq!(
        files,
        vec![".gitignore", "out/tests/results.xml", "reports/junit.xml"]
    );
    let errors: Vec<String> = ev.errors.iter().map(ToString::to_string).collect();
    assert_eq!(
        errors,
        vec![
            "out/tests/notes.xml:1:1: `reports.junit` glob `out/tests/*.xml` matches this file, but it is not a report launchgate recognises, not a JUnit XML report"
        ]
    );
    assert_eq!(ev.errors[0].kind, FileKind::Report(ReportFormat::JUnit));
    assert_eq!(ev.gaps("R").len(), 1);
    let _ = fs::remove_dir_all(&root);
}

#[test]
fn manifest_locations_become_scan_options() {
    let mut loc = launchgate_manifest::ReportLocations::default();
    loc.coverage.push("build/cov/*.info".to_string());
    loc.sarif.push("scans/*.sarif".to_string());
    let o = ScanOptions::default().with_report_locations(&loc);
    let got: Vec<(ReportGroup, &str)> = o
        .reports
        .iter()
        .map(|r| (r.group, r.glob.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            (ReportGroup::Coverage, "build/cov/*.info"),
            (ReportGroup::Sarif, "scans/*.sarif")
        ]
    );
}
