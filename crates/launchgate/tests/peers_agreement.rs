//! Agreement with the shapes peers' rules are tested on, measured on our own labeled cases:
//! request timeouts (Bandit B113, Semgrep's requests/httpx/urllib timeout rules), server
//! timeouts (gosec G112 and G114), credential logging (CodeQL's clear-text logging queries,
//! Semgrep's logger-credential-leak rules) and migration locking (squawk's locking and
//! table-rewrite rules, and the frameworks' equivalents).
//!
//! Each family is a folder of small, realistic files under `tests/data/peers/<family>/`, copied
//! whole into a fresh repository with a minimal manifest and reviewed by the real binary. Every
//! line the family's check must point at carries `expect: <ID>` (a labeled positive); every line
//! it must leave alone carries `ok: <ID>` (a labeled negative). A positive launchgate is known
//! to miss carries `miss: <ID>` and the reason: it counts as a positive not found. The check's
//! findings must be exactly the `expect` lines: a new miss and a false positive both fail, with
//! the line named, and so does finding a `miss` line (relabel it). The files
//! live in plain folders (`app/`, `src/`, `cmd/`, `pkg/`, `migrations/`) and at the root, where
//! peers' single-file snippets would be dropped.
//!
//! The figures each test pins are those of docs/scanning.md ("What the code checks flag, and
//! what they leave alone"): a labeled case added or changed changes them there too.

// Test helpers outside #[test] functions may unwrap: a panic is the failure report.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/binary.rs"]
mod binary;
#[path = "support/scratch.rs"]
mod scratch;
use scratch::copy_dir;

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use binary::{lg, stderr};
use serde_json::Value;

const MANIFEST: &str = "service: peers\n\
tier: 1\n\
owner: team-peers\n\
exposure: public\n\
data: persistent\n";

/// (path, line) of every line of the family's files that carries `<marker>: <id>`.
fn labeled(dir: &Path, rel: &str, marker: &str, id: &str, out: &mut BTreeSet<(String, u32)>) {
    let mut entries: Vec<_> = fs::read_dir(dir).unwrap().map(|e| e.unwrap()).collect();
    entries.sort_by_key(std::fs::DirEntry::file_name);
    for e in entries {
        let name = e.file_name().to_string_lossy().into_owned();
        let path = if rel.is_empty() {
            name
        } else {
            format!("{rel}/{name}")
        };
        if e.file_type().unwrap().is_dir() {
            labeled(&e.path(), &path, marker, id, out);
            continue;
        }
        let text = fs::read_to_string(e.path()).unwrap();
        let tag = format!("{marker}: {id}");
        for (i, line) in text.lines().enumerate() {
            if line.contains(&tag) {
                out.insert((path.clone(), u32::try_from(i + 1).unwrap()));
            }
        }
    }
}

struct Agreement {
    positives: usize,
    found: usize,
    negatives: usize,
    left_alone: usize,
}

/// The family's files in a fresh repository with the minimal manifest, and the real binary's
/// JSON review of it.
fn review(family: &str) -> (tempfile::TempDir, Value) {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/peers")
        .join(family);
    let repo = tempfile::tempdir().unwrap();
    copy_dir(&corpus, repo.path());
    fs::write(repo.path().join("launchgate.yaml"), MANIFEST).unwrap();
    let out = lg()
        .args(["check", "--format", "json"])
        .arg(repo.path())
        .output()
        .unwrap();
    let v: Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", stderr(&out)));
    (repo, v)
}

/// The check `id` of a JSON review.
fn check<'v>(v: &'v Value, id: &str) -> &'v Value {
    v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no {id}"))
}

/// Reviews the family with the real binary and compares the check's findings with the labels.
fn agreement(family: &str, id: &str) -> Agreement {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/peers")
        .join(family);
    let (_repo, v) = review(family);
    let check = check(&v, id);
    let status = check["status"].as_str().unwrap();
    let mut flagged = BTreeSet::new();
    let mut messages = Vec::new();
    if status == "fail" || status == "warn" {
        for f in check["findings"].as_array().unwrap() {
            let loc = &f["location"];
            let at = (
                loc["path"].as_str().unwrap().to_string(),
                u32::try_from(loc["line"].as_u64().unwrap()).unwrap(),
            );
            messages.push(format!("{}:{}: {}", at.0, at.1, f["message"]));
            flagged.insert(at);
        }
    }
    let mut positives = BTreeSet::new();
    let mut negatives = BTreeSet::new();
    let mut known_misses = BTreeSet::new();
    labeled(&corpus, "", "expect", id, &mut positives);
    labeled(&corpus, "", "ok", id, &mut negatives);
    labeled(&corpus, "", "miss", id, &mut known_misses);
    let missed: Vec<_> = positives.difference(&flagged).collect();
    let extra: Vec<_> = flagged.difference(&positives).collect();
    let agreement = Agreement {
        positives: positives.len() + known_misses.len(),
        found: positives.len() - missed.len(),
        negatives: negatives.len(),
        left_alone: negatives.difference(&flagged).count(),
    };
    assert!(
        missed.is_empty() && extra.is_empty(),
        "{family} ({id}, {status}):\nmissed: {missed:?}\nflagged but not labeled: {extra:?}\nfindings:\n{}\n{}",
        messages.join("\n"),
        check["message"]
    );
    agreement
}

/// Found of positives, left alone of negatives: the figures of docs/scanning.md.
fn figures(a: &Agreement) -> (usize, usize, usize, usize) {
    (a.found, a.positives, a.left_alone, a.negatives)
}

#[test]
fn request_timeouts_agree_with_the_labels() {
    let a = agreement("request_timeouts", "SAF-002");
    assert_eq!(figures(&a), (66, 66, 61, 61));
}

#[test]
fn server_timeouts_agree_with_the_labels() {
    let a = agreement("server_timeouts", "SAF-002");
    assert_eq!(figures(&a), (13, 13, 8, 8));
}

#[test]
fn credential_logging_agrees_with_the_labels() {
    let a = agreement("credential_logging", "OBS-014");
    assert_eq!(figures(&a), (132, 132, 137, 137));
}

#[test]
fn migration_locking_agrees_with_the_labels() {
    let a = agreement("migration_locking", "DAT-009");
    assert_eq!(figures(&a), (34, 34, 29, 29));
}

/// A finding the code accepts stays in view while its check fails for other findings: in the
/// JSON evidence and in the terminal, after the failures.
#[test]
fn an_accepted_finding_is_listed_while_its_check_fails_for_others() {
    let (repo, v) = review("server_timeouts");
    let check = check(&v, "SAF-002");
    assert_eq!(check["status"], "fail");
    let accepted: Vec<String> = check["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{}:{} {}",
                f["location"]["path"].as_str().unwrap(),
                f["location"]["line"],
                f["message"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        accepted,
        [
            "internal/web/accepted.go:12 accepted in the code (`nosec G112 -- reachable from inside the pod only // ok: SAF-002`): the net/http server `http.Server{...}` in `NewAdmin` does not bound how long a client may take to send its request (read-header timeout not set, read timeout not set): a few slow clients can hold every connection (slowloris) (no idle or write timeout either)"
        ]
    );
    let out = lg().arg("check").arg(repo.path()).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    // The failure on line 21 of the same file is listed first: failures, then what was accepted.
    let failure = text.find("internal/web/accepted.go:21:").unwrap();
    let shown = text.find("internal/web/accepted.go:12:").unwrap();
    assert!(failure < shown, "{text}");
}
