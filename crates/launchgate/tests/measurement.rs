//! Measurement changes with real git repositories built in the test: a pipeline-only commit that
//! drops coverage is flagged ("measurement change suspected", both commits, the changed files)
//! and its gate asks for a baseline note; with the note in the policy the gate warns and the
//! note is shown; a source commit that drops coverage is not flagged.

// Test helpers outside #[test] functions may unwrap: a panic is the failure report.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

#[path = "support/scratch.rs"]
mod scratch;
use scratch::{Scratch, copy_dir};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn lg(store: &Path) -> Command {
    let mut c = Command::cargo_bin("launchgate").unwrap();
    c.env("LAUNCHGATE_STORE", store)
        .env_remove("LAUNCHGATE_RECORD_KEY")
        .current_dir(root())
        .env("NO_COLOR", "1")
        .env("COLUMNS", "120");
    c
}

fn git(repo: &Path, args: &[&str]) -> String {
    let out = std::process::Command::new("git")
        .arg("-C")
        .arg(repo)
        .args([
            "-c",
            "user.name=Test",
            "-c",
            "user.email=test@example.com",
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .expect("git is installed");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// An lcov report of one file: `covered` of 100 lines hit.
fn lcov(covered: usize) -> String {
    let mut s = String::from("TN:\nSF:src/server.js\n");
    for i in 1..=100 {
        let _ = writeln!(s, "DA:{i},{}", usize::from(i <= covered));
    }
    let _ = write!(s, "LF:100\nLH:{covered}\nend_of_record\n");
    s
}

/// A git repository of the payment service with 90% coverage, its first review recorded.
struct Repo {
    dir: Scratch,
    tree: PathBuf,
    store: PathBuf,
    first: String,
}

impl Repo {
    fn new(name: &str) -> Repo {
        let dir = Scratch::unmade("measure", name);
        let repo = dir.join("repo");
        copy_dir(&root().join("examples/payment-service"), &repo);
        std::fs::write(repo.join("reports/lcov.info"), lcov(90)).unwrap();
        std::fs::create_dir_all(repo.join(".github/workflows")).unwrap();
        std::fs::write(
            repo.join(".github/workflows/ci.yml"),
            "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npm test -- --coverage\n",
        )
        .unwrap();
        git(&repo, &["init", "-q"]);
        git(&repo, &["add", "-A"]);
        git(&repo, &["commit", "-qm", "first"]);
        let first = git(&repo, &["rev-parse", "HEAD"]);
        let r = Repo {
            store: dir.join("ledger.db"),
            dir,
            tree: repo,
            first,
        };
        r.review(&[], "2026-11-22", true);
        r
    }

    fn commit(&self, message: &str) -> String {
        git(&self.tree, &["add", "-A"]);
        git(&self.tree, &["commit", "-qm", message]);
        git(&self.tree, &["rev-parse", "HEAD"])
    }

    /// The JSON review (recorded when `record`).
    fn review(&self, extra: &[&str], today: &str, record: bool) -> Value {
        let out = self.dir.join("review.json");
        let mut c = lg(&self.store);
        c.arg("check")
            .arg(&self.tree)
            .args(["--today", today, "--format", "json", "--output"])
            .arg(&out)
            .args(extra);
        if record {
            c.arg("--record");
        }
        let run = c.output().unwrap();
        let code = run.status.code();
        assert!(
            matches!(code, Some(0 | 1)),
            "exit {code:?}: {}",
            String::from_utf8_lossy(&run.stderr)
        );
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap()
    }
}

fn check<'a>(review: &'a Value, id: &str) -> &'a Value {
    review["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap()
}

#[test]
fn a_pipeline_only_commit_that_drops_coverage_is_flagged() {
    let r = Repo::new("pipeline");
    // Parallel test shards: the pipeline changes, the source does not, coverage drops.
    std::fs::write(
        r.tree.join(".github/workflows/ci.yml"),
        "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    strategy: {matrix: {shard: [1, 2, 3]}}\n    steps:\n      - run: npm test -- --coverage --shard=${{ matrix.shard }}/3\n",
    )
    .unwrap();
    std::fs::write(r.tree.join("reports/lcov.info"), lcov(70)).unwrap();
    let second = r.commit("ci: shard the tests");

    let review = r.review(&[], "2026-11-23", false);
    let changes = review["measurement_changes"].as_array().unwrap();
    assert_eq!(changes.len(), 1, "{changes:?}");
    let c = &changes[0];
    assert_eq!(c["figure"], "coverage");
    assert_eq!(c["gate"], "OPS-004");
    assert_eq!(c["before"], 90.0);
    assert_eq!(c["after"], 70.0);
    assert_eq!(c["from_commit"], r.first.as_str());
    assert_eq!(c["to_commit"], second.as_str());
    assert_eq!(
        c["changed_files"],
        serde_json::json!([".github/workflows/ci.yml", "reports/lcov.info"])
    );
    assert_eq!(c["note"], Value::Null);
    // The gate still fails, and says why and what it needs: a baseline note for the commit.
    let gate = check(&review, "OPS-004");
    assert_eq!(gate["status"], "fail");
    let msg = gate["message"].as_str().unwrap();
    assert!(
        msg.starts_with("measurement change suspected: coverage moved 90 -> 70 between")
            && msg.contains(&second[..12])
            && msg.contains(".github/workflows/ci.yml")
            && msg.contains("record a baseline note"),
        "{msg}"
    );
    assert!(
        review["notices"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n.as_str().unwrap().contains("measurement change suspected")),
    );

    // A versioned baseline note for that commit in the policy: the gate warns, the note shows.
    let policy = r.dir.join("org.yaml");
    std::fs::write(
        &policy,
        format!(
            "baseline_notes:\n  - figure: coverage\n    commit: \"{}\"\n    note: tests run in 3 shards; coverage is now merged per shard\n",
            &second[..10]
        ),
    )
    .unwrap();
    let policy_arg = policy.to_str().unwrap();
    let review = r.review(&["--policy", policy_arg], "2026-11-23", false);
    let c = &review["measurement_changes"][0];
    assert_eq!(
        c["note"],
        "tests run in 3 shards; coverage is now merged per shard"
    );
    let gate = check(&review, "OPS-004");
    assert_eq!(gate["status"], "warn", "{gate}");
    assert!(
        gate["message"]
            .as_str()
            .unwrap()
            .contains("baseline note for")
    );
    // The Markdown report shows the change and the notes.
    let md = lg(&r.store)
        .arg("check")
        .arg(&r.tree)
        .args([
            "--today",
            "2026-11-23",
            "--format",
            "markdown",
            "--policy",
            policy_arg,
        ])
        .output()
        .unwrap()
        .stdout;
    let md = String::from_utf8(md).unwrap();
    assert!(
        md.contains("## Measurement Baselines")
            && md.contains("  - Baseline note: tests run in 3 shards")
            && md.contains(&format!("| coverage | `{}` |", &second[..10])),
        "{md}"
    );
}

#[test]
fn a_source_commit_that_drops_coverage_is_not_flagged() {
    let r = Repo::new("source");
    let server = r.tree.join("src/server.js");
    let mut text = std::fs::read_to_string(&server).unwrap_or_default();
    text.push_str("\nfunction untested() { return 42; }\n");
    std::fs::write(&server, text).unwrap();
    std::fs::write(r.tree.join("reports/lcov.info"), lcov(70)).unwrap();
    r.commit("feat: new code, no tests");

    let review = r.review(&[], "2026-11-23", false);
    assert_eq!(review["measurement_changes"], serde_json::json!([]));
    assert_eq!(review["figures"]["coverage"], 70.0);
    let gate = check(&review, "OPS-004");
    assert_eq!(gate["status"], "fail");
    assert!(
        !gate["message"]
            .as_str()
            .unwrap()
            .contains("measurement change"),
        "{gate}"
    );
}
