//! `launchgate tickets` through the real binary, its output read by the real consumers: the Jira
//! CSV by Python's `csv` module with Jira's documented import columns, the GitHub export
//! validated against our schema of the fields `gh issue create` takes; a second export of the
//! same review updates its keys instead of adding, and a fixed item is closed (by `tickets`,
//! `diff` and `history` alike).

// Test helpers outside #[test] functions may unwrap: a panic is the failure report.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;
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

fn temp(name: &str) -> Scratch {
    Scratch::new("tickets", name)
}

/// The JSON review of an example, as of 2026-11-22.
fn review(dir: &Path, example: &str) -> PathBuf {
    let out = dir.join(format!("{example}.json"));
    lg(&dir.join("none.db"))
        .arg("check")
        .arg(root().join("examples").join(example))
        .args(["--today", "2026-11-22", "--format", "json", "--output"])
        .arg(&out)
        .assert()
        .code(0);
    out
}

fn export(dir: &Path, review: &Path, extra: &[&str]) -> (Value, String) {
    let out = dir.join("out");
    let stdout = lg(&dir.join("none.db"))
        .arg("tickets")
        .arg(review)
        .arg("--out-dir")
        .arg(&out)
        .args(extra)
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let gh = std::fs::read_to_string(out.join("github-issues.json")).unwrap();
    (
        serde_json::from_str(&gh).unwrap(),
        String::from_utf8(stdout).unwrap(),
    )
}

fn keys_by_action(gh: &Value, action: &str) -> BTreeSet<String> {
    gh.as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == action)
        .map(|e| e["key"].as_str().unwrap().to_string())
        .collect()
}

/// Rows of a CSV file as Python's `csv` module reads them (header first).
fn python_csv(path: &Path) -> Vec<Vec<String>> {
    let script = "import csv, json, sys\n\
        with open(sys.argv[1], newline='', encoding='utf-8') as f:\n\
        \x20   print(json.dumps(list(csv.reader(f, strict=True))))\n";
    let out = std::process::Command::new("python3")
        .args(["-c", script])
        .arg(path)
        .output()
        .expect("python3 (the CSV reader this test imports the Jira file with) is installed");
    assert!(
        out.status.success(),
        "python csv: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn jira_csv_has_jiras_columns_and_one_row_per_p0_p1_item() {
    let dir = temp("jira");
    let review_file = review(&dir, "payment-service");
    let review: Value =
        serde_json::from_str(&std::fs::read_to_string(&review_file).unwrap()).unwrap();
    let wanted: Vec<&Value> = review["action_items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["priority"] != "P2")
        .collect();
    assert!(!wanted.is_empty());
    export(&dir, &review_file, &[]);
    let rows = python_csv(&dir.join("out/jira.csv"));
    assert_eq!(
        rows[0],
        [
            "Summary",
            "Issue Type",
            "Priority",
            "Description",
            "Assignee",
            "Due Date",
            "Labels",
            "Labels",
            "Labels",
            "External ID",
            "Action"
        ]
    );
    assert_eq!(rows.len() - 1, wanted.len());
    for (row, item) in rows[1..].iter().zip(&wanted) {
        assert_eq!(row.len(), 11);
        let id = item["id"].as_str().unwrap();
        assert!(row[0].contains(id) && row[0].len() <= 255, "{row:?}");
        assert_eq!(row[1], "Task");
        let priority = if item["priority"] == "P0" {
            "Highest"
        } else {
            "High"
        };
        assert_eq!(row[2], priority);
        // The description names the files to change, the owner and the key.
        for f in item["files"].as_array().unwrap() {
            assert!(row[3].contains(f.as_str().unwrap()), "{row:?}");
        }
        assert_eq!(row[4], item["owner"].as_str().unwrap());
        assert!(
            row[5].len() == 10 && row[5].as_str() > "2026-11-22",
            "{row:?}"
        );
        assert_eq!(row[6], "launchgate");
        assert!(row[7].starts_with("lg-"));
        assert_eq!(row[8], item["priority"].as_str().unwrap());
        assert_eq!(row[9], format!("launchgate:payment-service:{id}"));
        assert_eq!(row[10], "create");
    }
    // Due dates follow the launch plan: every P0 before any P1.
    let last_p0 = rows[1..]
        .iter()
        .filter(|r| r[8] == "P0")
        .map(|r| r[5].clone())
        .max();
    let first_p1 = rows[1..]
        .iter()
        .filter(|r| r[8] == "P1")
        .map(|r| r[5].clone())
        .min();
    if let (Some(p0), Some(p1)) = (last_p0, first_p1) {
        assert!(p0 < p1, "P0 due {p0}, P1 due {p1}");
    }
}

#[test]
fn github_export_takes_only_the_fields_gh_issue_create_takes() {
    let dir = temp("github");
    let review_file = review(&dir, "payment-service");
    let (gh, _) = export(&dir, &review_file, &["--include-p2"]);
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(
            root().join("crates/launchgate/tests/data/gh-issue-create.schema.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let mut schemas = boon::Schemas::new();
    let mut compiler = boon::Compiler::new();
    compiler.enable_format_assertions();
    compiler
        .add_resource("file:///gh-issue-create.schema.json", schema)
        .unwrap();
    let index = compiler
        .compile("file:///gh-issue-create.schema.json", &mut schemas)
        .unwrap();
    if let Err(e) = schemas.validate(&gh, index) {
        panic!("{e:#}");
    }
    let entries = gh.as_array().unwrap();
    assert!(entries.iter().any(|e| e["issue"]["labels"][2] == "P2"));
    for e in entries {
        let body = e["issue"]["body"].as_str().unwrap();
        assert!(body.contains("Owner: team-payments"), "{body}");
        assert!(body.contains(e["key"].as_str().unwrap()));
        // A team is not a GitHub login: no assignee gh would refuse.
        assert_eq!(e["issue"]["assignees"], Value::Array(Vec::new()));
        let id = e["key"].as_str().unwrap().rsplit(':').next().unwrap();
        assert!(dir.join(format!("out/markdown/{id}.md")).is_file());
    }
}

#[test]
fn a_second_export_updates_its_keys_and_closes_fixed_items() {
    let dir = temp("again");
    let review_file = review(&dir, "payment-service");
    let (first, out) = export(&dir, &review_file, &[]);
    let created = keys_by_action(&first, "create");
    assert!(created.len() >= 2, "{out}");
    assert_eq!(first.as_array().unwrap().len(), created.len());

    // The same review again, into the same directory: the same keys, all updates.
    let (second, out) = export(&dir, &review_file, &[]);
    assert!(out.contains("0 to create"), "{out}");
    assert_eq!(keys_by_action(&second, "update"), created);
    assert_eq!(second.as_array().unwrap().len(), created.len());
    let rows = python_csv(&dir.join("out/jira.csv"));
    assert!(rows[1..].iter().all(|r| r[10] == "update"));

    // A later review without the first action item: its key is closed, the rest updated.
    let mut later: Value =
        serde_json::from_str(&std::fs::read_to_string(&review_file).unwrap()).unwrap();
    let fixed = later["action_items"].as_array_mut().unwrap().remove(0);
    let fixed_id = fixed["id"].as_str().unwrap().to_string();
    later["evaluated_on"] = "2026-11-29".into();
    let later_file = dir.join("later.json");
    std::fs::write(&later_file, serde_json::to_string(&later).unwrap()).unwrap();
    let previous = dir.join("first.json");
    std::fs::write(&previous, serde_json::to_string(&first).unwrap()).unwrap();
    let (third, _) = export(
        &dir,
        &later_file,
        &["--previous", previous.to_str().unwrap()],
    );
    let fixed_key = format!("launchgate:payment-service:{fixed_id}");
    assert_eq!(keys_by_action(&third, "close"), BTreeSet::from([fixed_key]));
    assert_eq!(keys_by_action(&third, "create"), BTreeSet::new());
    assert_eq!(keys_by_action(&third, "update").len(), created.len() - 1);
    assert!(!dir.join(format!("out/markdown/{fixed_id}.md")).exists());

    // `diff` shows the closed item too.
    let text = lg(&dir.join("none.db"))
        .arg("diff")
        .arg(&review_file)
        .arg(&later_file)
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(text).unwrap();
    assert!(
        text.contains("Action items closed (1):") && text.contains(&fixed_id),
        "{text}"
    );
}

#[test]
fn history_shows_the_action_items_the_last_review_closed() {
    let dir = temp("history");
    let store = dir.join("ledger.db");
    let repo = dir.join("repo");
    copy_dir(&root().join("examples/payment-service"), &repo);
    let record = |today: &str| {
        lg(&store)
            .arg("check")
            .arg(&repo)
            .args(["--today", today, "--record", "--quiet"])
            .assert()
            .code(0);
    };
    record("2026-11-22");
    // The on-call team is trained: INC-006 (a P0 item) is closed by the next review.
    let manifest = repo.join("launchgate.yaml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    assert!(text.contains("    trained: false"));
    std::fs::write(
        &manifest,
        text.replace("    trained: false", "    trained_on: 2026-11-20"),
    )
    .unwrap();
    record("2026-11-23");
    let out = lg(&store)
        .args(["history", "payment-service"])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).unwrap();
    assert!(
        out.contains("Action items: the last review (#2) against #1:")
            && out.contains("Action items closed (1):\n  P0 INC-006"),
        "{out}"
    );
    assert!(!out.contains("New action items"), "{out}");
}
