//! Git as the evidence of what changed between two recorded reviews: the reviewed commit and
//! `git diff --name-only` against the last recorded review's commit, handed to the pure
//! measurement-change rule ([`launchgate_policy::measurement`]) as data.

use std::collections::BTreeMap;
use std::path::Path;

use launchgate_evidence::Evidence;
use launchgate_manifest::Policy;
use launchgate_policy::measurement::{self, MeasurementChange, MeasurementInput};

/// A full or abbreviated git object name: 7 to 64 hexadecimal digits, so never an option.
fn is_commit_id(s: &str) -> bool {
    (7..=64).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Files changed between `from` and `to`, relative to `root` (changes outside it are not the
/// service's); `None` when git cannot tell (not a checkout, a commit it does not have).
fn changed_files(root: &Path, from: &str, to: &str) -> Option<Vec<String>> {
    let out = std::process::Command::new("git")
        .arg("-C")
        .arg(root)
        .args([
            "diff",
            "--name-only",
            "--relative",
            "--no-renames",
            "--no-ext-diff",
            "--no-textconv",
            from,
            to,
            "--",
        ])
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8(out.stdout).ok()?;
    Some(
        text.lines()
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect(),
    )
}

/// The measurement changes of this review against the last recorded one (`last`: its commit and
/// figures). Empty when there is no earlier recorded commit, the reviewed tree is not a git
/// checkout, or the commit did not change.
pub(crate) fn changes(
    root: &Path,
    last: Option<&(String, BTreeMap<String, f64>)>,
    evidence: &Evidence,
    policy: &Policy,
) -> Vec<MeasurementChange> {
    let Some((from, before)) = last else {
        return Vec::new();
    };
    // The commit comes from the ledger, which may hold an imported or forged event: only a
    // commit id reaches git's command line (`--output=FILE` in its place would write a file).
    if !is_commit_id(from) {
        return Vec::new();
    }
    let Some(to) = crate::governance::git_commit(root) else {
        return Vec::new();
    };
    if *from == to {
        return Vec::new();
    }
    let Some(changed) = changed_files(root, from, &to) else {
        return Vec::new();
    };
    let reports = evidence
        .reports
        .coverage
        .iter()
        .map(|r| r.loc.path.to_string())
        .chain(
            evidence
                .reports
                .tests
                .iter()
                .map(|r| r.loc.path.to_string()),
        )
        .collect();
    let input = MeasurementInput {
        before: before.clone(),
        from_commit: from.clone(),
        to_commit: to,
        changed_files: changed,
        reports,
    };
    measurement::suspect(
        &input,
        &measurement::figures(evidence),
        &policy.baseline_notes,
    )
}

#[cfg(test)]
mod tests {
    use super::is_commit_id;

    #[test]
    fn only_commit_ids_reach_git() {
        assert!(is_commit_id("0123abc"));
        assert!(is_commit_id(&"f".repeat(40)));
        assert!(!is_commit_id("--output=/tmp/x"));
        assert!(!is_commit_id("-p"));
        assert!(!is_commit_id("HEAD~1"));
        assert!(!is_commit_id("abc"));
        assert!(!is_commit_id(&"a".repeat(65)));
    }
}
