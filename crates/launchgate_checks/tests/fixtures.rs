//! Fixture repositories per check: `tests/fixtures/<ID>/<case>/`, where the case name starts with
//! `pass_`, `fail_`, `na_` or `inconclusive_`. Each case is a small repository with a
//! `launchgate.yaml`, scanned for real. In failing and inconclusive cases every line that a
//! finding must point at carries an `expect: <ID>` comment (`#`, `//` or `<!-- -->`), or, for
//! formats without comments (JSON), a line `<ID> <path>:<line>` in the case's `EXPECT` file; the
//! set of (file, line) must match exactly.

// Test helpers outside #[test] functions may unwrap: a panic is the failure report.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../src/fixture.rs"]
mod common;

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use launchgate_checks::{Outcome, builtin};

fn files_under(dir: &Path, base: &Path, out: &mut Vec<(String, String)>) {
    for e in fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            files_under(&p, base, out);
        } else if let Ok(text) = fs::read_to_string(&p) {
            let rel = p
                .strip_prefix(base)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            out.push((rel, text));
        }
    }
}

fn expected(id: &str, case: &Path) -> BTreeSet<(String, u32)> {
    let marker = format!("expect: {id}");
    let mut files = Vec::new();
    files_under(case, case, &mut files);
    let mut out = BTreeSet::new();
    for (path, text) in &files {
        if path == "EXPECT" {
            for l in text.lines().filter(|l| l.starts_with(&format!("{id} "))) {
                let (p, line) = l[id.len() + 1..].rsplit_once(':').unwrap();
                out.insert((p.to_string(), line.trim().parse().unwrap()));
            }
            continue;
        }
        for (i, l) in text.lines().enumerate() {
            let hit = l.match_indices(&marker).any(|(at, _)| {
                let after = &l[at + marker.len()..];
                // `SEC-001` must not match `SEC-0011`.
                !after.starts_with(|c: char| c.is_ascii_alphanumeric())
            });
            if hit {
                out.insert((path.clone(), u32::try_from(i + 1).unwrap()));
            }
        }
    }
    out
}

#[test]
fn every_fixture_produces_exactly_its_expectations() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut cases = 0;
    let mut failures = Vec::new();
    for check_dir in fs::read_dir(&root).unwrap() {
        let check_dir = check_dir.unwrap().path();
        let id = check_dir.file_name().unwrap().to_string_lossy().to_string();
        for case in fs::read_dir(&check_dir).unwrap() {
            let case = case.unwrap().path();
            let name = case.file_name().unwrap().to_string_lossy().to_string();
            let outcome = common::run_repo(&id, &case);
            let expected = expected(&id, &case);
            cases += 1;
            let label = format!("{id}/{name}");
            match (name.split('_').next().unwrap(), &outcome) {
                ("pass", Outcome::Pass { .. }) | ("na", Outcome::NotApplicable { .. }) => {
                    if !expected.is_empty() {
                        failures.push(format!(
                            "{label}: has `# expect` markers but is not a failing case"
                        ));
                    }
                }
                ("fail", Outcome::Fail { findings, .. })
                | ("inconclusive", Outcome::Inconclusive { findings, .. }) => {
                    let mut got = BTreeSet::new();
                    for f in findings {
                        match &f.location {
                            Some(l) => {
                                got.insert((l.path.clone(), l.line));
                            }
                            None => failures
                                .push(format!("{label}: finding `{}` has no location", f.message)),
                        }
                    }
                    if got != expected {
                        failures.push(format!(
                            "{label}: findings at lines {got:?}, expected {expected:?}: {findings:#?}"
                        ));
                    }
                }
                (kind, other) => failures.push(format!("{label}: a `{kind}` case gave {other:?}")),
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(cases >= 2 * builtin().len(), "only {cases} fixture cases");
}

#[test]
fn every_check_has_passing_and_failing_fixtures() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut missing = Vec::new();
    for c in builtin() {
        let id = c.meta().id;
        let names: Vec<String> = fs::read_dir(root.join(id))
            .map(|d| {
                d.map(|e| e.unwrap().file_name().to_string_lossy().to_string())
                    .collect()
            })
            .unwrap_or_default();
        for kind in ["pass_", "fail_"] {
            if !names.iter().any(|n| n.starts_with(kind)) {
                missing.push(format!("{id} has no {kind}* fixture"));
            }
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}
