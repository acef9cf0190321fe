//! The task-queue example, one piece removed at a time: each removal makes exactly the check
//! that guards that piece stop passing, and its finding points at the right place.

// Test helpers outside #[test] functions may unwrap: a panic is the failure report.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

const EXAMPLE: &str = "../../examples/task-queue";

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for e in fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            fs::copy(e.path(), &target).unwrap();
        }
    }
}

/// A fresh copy of the example.
fn example(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "launchgate-task-queue-{}-{name}",
        std::process::id()
    ));
    let _ = fs::remove_dir_all(&dir);
    copy_dir(Path::new(EXAMPLE), &dir);
    dir
}

/// Status of every check, and the first finding's `path:line` of the checks that do not pass.
struct Review {
    status: BTreeMap<String, String>,
    first: BTreeMap<String, Option<String>>,
}

fn review(dir: &Path) -> Review {
    let out = Command::cargo_bin("launchgate")
        .unwrap()
        .env("NO_COLOR", "1")
        .arg("check")
        .arg(dir)
        .args(["--today", "2026-11-22", "--format", "json"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut status = BTreeMap::new();
    let mut first = BTreeMap::new();
    for c in v["checks"].as_array().unwrap() {
        let id = c["id"].as_str().unwrap().to_string();
        let s = if c["inconclusive"].as_bool() == Some(true) {
            "inconclusive".to_string()
        } else {
            c["status"].as_str().unwrap().to_string()
        };
        let loc = c["findings"]
            .as_array()
            .and_then(|f| f.first())
            .and_then(|f| {
                let l = &f["location"];
                Some(format!("{}:{}", l["path"].as_str()?, l["line"].as_u64()?))
            });
        first.insert(id.clone(), loc);
        status.insert(id, s);
    }
    Review { status, first }
}

fn edit(dir: &Path, file: &str, from: &str, to: &str) {
    let p = dir.join(file);
    let text = fs::read_to_string(&p).unwrap();
    assert!(text.contains(from), "{file} does not contain {from:?}");
    fs::write(&p, text.replacen(from, to, 1)).unwrap();
}

/// Checks that passed on the whole example and do not pass on `dir`, with their first
/// finding's location.
fn broken(baseline: &Review, dir: &Path) -> BTreeMap<String, Option<String>> {
    let r = review(dir);
    baseline
        .status
        .iter()
        .filter(|(id, s)| *s == "pass" && r.status.get(*id).is_some_and(|now| now != "pass"))
        .map(|(id, _)| (id.clone(), r.first.get(id).cloned().flatten()))
        .collect()
}

fn expect(got: &BTreeMap<String, Option<String>>, want: &[(&str, &str)]) {
    let want: BTreeMap<String, Option<String>> = want
        .iter()
        .map(|(id, at)| ((*id).to_string(), Some((*at).to_string())))
        .collect();
    assert_eq!(got, &want);
}
