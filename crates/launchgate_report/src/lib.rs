//! The Review: the one result model every output is a view of, with a versioned JSON schema,
//! and its renderers for people (terminal, Markdown) and machines (JSON).

use launchgate_core::{Category, Location, Severity, Status};
use launchgate_evidence::Evidence;
use launchgate_manifest::{Policy, ServiceManifest};
use launchgate_policy::{CheckResult, Evaluation, TraceEntry, Verdict, percent, percent_whole};
use serde::Serialize;

pub mod docs;
mod markdown;
mod terminal;

pub use markdown::render_markdown;
pub use terminal::{TerminalOptions, render_terminal};

/// Version of the JSON review schema. Bumped on any incompatible change.
pub const SCHEMA_VERSION: u32 = 1;

/// A complete review.
#[derive(Debug, Clone, Serialize)]
pub struct Review {
    pub schema_version: u32,
    pub tool: Tool,
    /// The review date (`--today`).
    pub evaluated_on: String,
    pub service: String,
    pub tier: u8,
    pub scope: String,
    pub owner: Option<String>,
    pub exposure: String,
    pub data: String,
    pub stage: String,
    /// Repository-relative path of the manifest.
    pub manifest: String,
    pub decision: Verdict,
    /// passed / evaluated as a whole percentage, e.g. `"88%"`.
    pub pass_rate: String,
    /// Weighted score in percent, one decimal.
    pub score: f64,
    pub counts: Counts,
    pub thresholds: ThresholdsView,
    pub categories: Vec<CategoryView>,
    pub checks: Vec<CheckResult>,
    /// Failures that force NO_GO.
    pub blockers: Vec<Item>,
    /// Checks that ended in WARN.
    pub warnings: Vec<Item>,
    pub action_items: Vec<ActionItem>,
    /// Sum of the effort of every action item, in hours.
    pub estimated_effort_hours: u32,
    /// Policy-level warnings (e.g. unsafe thresholds) that every output shows.
    pub notices: Vec<String>,
    pub trace: Vec<TraceEntry>,
    /// What the repository scan read, skipped and could not parse; `null` when no repository
    /// was scanned (`--no-scan`).
    pub scan: Option<ScanSummary>,
}

/// The repository scan, as every output reports it: nothing read is lost silently.
#[derive(Debug, Clone, Serialize)]
pub struct ScanSummary {
    /// Files read and classified.
    pub files: usize,
    /// Files by kind (`kubernetes`, `terraform`, ...), for the files that feed checks.
    pub kinds: std::collections::BTreeMap<String, usize>,
    /// Files not read, and why.
    pub skipped: Vec<SkippedView>,
    /// Files that could not be parsed: checks that needed them are inconclusive.
    pub errors: Vec<EvidenceErrorView>,
    /// Files recognised but not evaluated (Helm templates).
    pub not_evaluated: Vec<EvidenceErrorView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SkippedView {
    pub path: String,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct EvidenceErrorView {
    pub location: Location,
    pub message: String,
}

impl ScanSummary {
    /// Summarises a scan; `None` when nothing was scanned.
    pub fn of(evidence: &Evidence) -> Option<ScanSummary> {
        if !evidence.scanned {
            return None;
        }
        let mut kinds = std::collections::BTreeMap::new();
        for f in &evidence.files {
            *kinds.entry(f.kind.key().to_string()).or_insert(0) += 1;
        }
        Some(ScanSummary {
            files: evidence.files.len(),
            kinds,
            skipped: evidence
                .skipped
                .iter()
                .map(|s| SkippedView {
                    path: s.path.clone(),
                    reason: s.reason.to_string(),
                })
                .collect(),
            errors: evidence
                .errors
                .iter()
                .map(|e| EvidenceErrorView {
                    location: e.location(),
                    message: e.message.clone(),
                })
                .collect(),
            not_evaluated: evidence
                .not_evaluated
                .iter()
                .map(|n| EvidenceErrorView {
                    location: n.loc.location(),
                    message: n.reason.clone(),
                })
                .collect(),
        })
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Tool {
    pub name: &'static str,
    pub version: &'static str,
}

#[derive(Debug, Clone, Copy, Serialize)]
pub struct Counts {
    pub total: usize,
    pub evaluated: usize,
    pub pass: usize,
    pub warn: usize,
    pub fail: usize,
    pub skip: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct ThresholdsView {
    pub go: f64,
    pub conditional: f64,
    pub unsafe_allowed: bool,
    pub hard_blocker_categories: Vec<Category>,
    pub min_evaluated_checks: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct CategoryView {
    pub category: Category,
    pub title: &'static str,
    pub weight: f64,
    /// 0 to 10, one decimal; `null` when every check was skipped.
    pub score: Option<f64>,
    pub pass: usize,
    pub warn: usize,
    pub fail: usize,
    pub skip: usize,
}

/// A check named in a list (blockers, warnings).
#[derive(Debug, Clone, Serialize)]
pub struct Item {
    pub id: &'static str,
    pub message: String,
}

/// Priority of an action item: P0 must be fixed before production (FAIL), P1 should be fixed
/// soon (WARN of a blocker or major check), P2 is nice to have (WARN of a minor check).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum Priority {
    P0,
    P1,
    P2,
}

#[derive(Debug, Clone, Serialize)]
pub struct ActionItem {
    pub priority: Priority,
    pub id: &'static str,
    pub title: String,
    /// What to do, from the check's "How to fix".
    pub fix: String,
    pub owner: Option<String>,
    pub effort_hours: u32,
    pub effort: String,
    /// Files to touch, repo-relative, sorted and unique.
    pub files: Vec<String>,
}

fn round1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

impl Review {
    /// Builds the review from an evaluation. `fix_of` returns a check's "How to fix" text.
    pub fn build(
        manifest: &ServiceManifest,
        policy: &Policy,
        evaluation: Evaluation,
        evidence: &Evidence,
        today: jiff::civil::Date,
        fix_of: &dyn Fn(&str) -> Option<String>,
    ) -> Review {
        let e = evaluation;
        let counts = Counts {
            total: e.results.len(),
            evaluated: e.evaluated(),
            pass: e.count(Status::Pass),
            warn: e.count(Status::Warn),
            fail: e.count(Status::Fail),
            skip: e.count(Status::Skip),
        };
        let categories = e
            .categories
            .iter()
            .map(|c| CategoryView {
                category: c.category,
                title: c.category.title(),
                weight: c.weight,
                score: c.score.map(round1),
                pass: c.pass,
                warn: c.warn,
                fail: c.fail,
                skip: c.skip,
            })
            .collect();
        let blockers = e
            .blocking()
            .map(|r| Item {
                id: r.id,
                message: r.message.clone(),
            })
            .collect();
        let warnings = e
            .results
            .iter()
            .filter(|r| r.status == Status::Warn)
            .map(|r| Item {
                id: r.id,
                message: r.message.clone(),
            })
            .collect();
        let mut action_items: Vec<ActionItem> = e
            .results
            .iter()
            .filter_map(|r| {
                let priority = match (r.status, r.severity) {
                    (Status::Fail, _) => Priority::P0,
                    (Status::Warn, Severity::Blocker | Severity::Major) => Priority::P1,
                    (Status::Warn, Severity::Minor) => Priority::P2,
                    _ => return None,
                };
                let mut files: Vec<String> = r
                    .findings
                    .iter()
                    .chain(r.evidence.iter().filter(|_| r.findings.is_empty()))
                    .flat_map(|f| f.location.iter().chain(f.related.iter()))
                    .map(|l| l.path.clone())
                    .collect();
                files.sort();
                files.dedup();
                Some(ActionItem {
                    priority,
                    id: r.id,
                    title: r.title.clone(),
                    fix: fix_of(r.id)
                        .map(|f| first_paragraph(&f))
                        .unwrap_or_default(),
                    owner: manifest.owner.clone(),
                    effort_hours: r.effort.hours(),
                    effort: r.effort.to_string(),
                    files,
                })
            })
            .collect();
        action_items.sort_by(|a, b| a.priority.cmp(&b.priority).then(a.id.cmp(b.id)));
        let estimated_effort_hours = action_items.iter().map(|a| a.effort_hours).sum();
        Review {
            schema_version: SCHEMA_VERSION,
            tool: Tool {
                name: "launchgate",
                version: env!("CARGO_PKG_VERSION"),
            },
            evaluated_on: today.to_string(),
            service: manifest.service.clone(),
            tier: u8::from(manifest.tier),
            scope: serde_key(&manifest.scope),
            owner: manifest.owner.clone(),
            exposure: manifest.exposure.key().to_string(),
            data: manifest.data.key().to_string(),
            stage: serde_key(&manifest.stage),
            manifest: manifest.path().to_string(),
            decision: e.decision,
            pass_rate: percent_whole(e.pass_rate),
            score: round1(e.score),
            counts,
            thresholds: ThresholdsView {
                go: policy.go_threshold.value,
                conditional: policy.conditional_threshold.value,
                unsafe_allowed: policy.thresholds_unsafe(),
                hard_blocker_categories: policy.hard_blocker_categories.value.clone(),
                min_evaluated_checks: policy.min_evaluated_checks.value,
            },
            categories,
            checks: e.results,
            blockers,
            warnings,
            action_items,
            estimated_effort_hours,
            notices: e.notices,
            trace: e.trace,
            scan: ScanSummary::of(evidence),
        }
    }

    /// The review as pretty JSON (the documented, versioned schema), with a trailing newline.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default() + "\n"
    }

    pub fn score_text(&self) -> String {
        percent(self.score)
    }
}

fn serde_key<T: Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

fn first_paragraph(s: &str) -> String {
    s.split("\n\n")
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}
