//! GitLab Code Quality report (`--format gitlab`): a JSON array of Code Climate issues that
//! GitLab shows in the merge request widget and the pipeline's Code Quality tab
//! (`artifacts: reports: codequality`).
//!
//! Severity: a FAIL maps from the check's severity (blocker -> `blocker`, major -> `critical`,
//! minor -> `major`; any blocking failure is `blocker`), a WARN is `minor` and a WAIVED check is
//! `info`, so the widget orders what stops a launch first and still lists accepted risks.

use launchgate_core::{Severity, Status};
use launchgate_policy::CheckResult;
use serde_json::{Value, json};

use crate::Review;
use crate::sarif::{CiOptions, fingerprints, reported, sites, unwaived};

/// The Code Quality severity of a reported check.
fn severity(c: &CheckResult) -> &'static str {
    match c.status {
        Status::Fail if c.blocking => "blocker",
        Status::Fail => match c.severity {
            Severity::Blocker => "blocker",
            Severity::Major => "critical",
            Severity::Minor => "major",
        },
        Status::Warn => "minor",
        _ => "info",
    }
}

/// The review as a GitLab Code Quality report (pretty JSON with a trailing newline).
pub fn render_gitlab(review: &Review, opts: &CiOptions) -> String {
    let review = &*crate::safe::for_people(review);
    let mut issues: Vec<Value> = Vec::new();
    for c in reported(review) {
        let sites = sites(c);
        let prints = fingerprints(review, c, &sites);
        let waiver = c
            .waiver
            .as_ref()
            .map(|w| format!(" [WAIVED until {} ({}): {}]", w.expires, w.kind, w.reason));
        for (site, print) in sites.iter().zip(prints) {
            let path = opts.path(site.location.map_or(review.manifest.as_str(), |l| &l.path));
            let line = site.location.map_or(1, |l| l.line.max(1));
            issues.push(json!({
                "description": format!(
                    "{} {}: {}{}",
                    c.id,
                    c.slug,
                    unwaived(c, site.message),
                    waiver.as_deref().unwrap_or_default()
                ),
                "check_name": c.id,
                "fingerprint": print,
                "severity": severity(c),
                "location": { "path": path, "lines": { "begin": line } },
            }));
        }
    }
    crate::safe::json_escape_c1(serde_json::to_string_pretty(&issues).unwrap_or_default()) + "\n"
}
