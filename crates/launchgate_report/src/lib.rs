//! The Review: the one result model every output is a view of, with a versioned JSON schema,
//! and its renderers for people (terminal, Markdown, HTML, the fleet view) and machines (JSON,
//! SARIF, JUnit XML, GitHub workflow commands, GitLab Code Quality).

use launchgate_core::{Category, Effort, Location, Severity, Status};
use launchgate_evidence::Evidence;
pub use launchgate_manifest::GateThresholds;
use launchgate_manifest::{Policy, ServiceManifest};
use launchgate_policy::{CheckResult, Evaluation, TraceEntry, Verdict, percent, percent_whole};
pub use launchgate_policy::{
    LedgerOverride, LedgerSignoff, OverrideView, SignoffView, WaiverState, WaiverView,
};
use serde::{Deserialize, Serialize};

pub mod docs;
pub mod fleet;
pub mod github;
mod gitlab;
mod group;
mod html;
mod junit;
mod markdown;
mod safe;
pub mod sarif;
mod terminal;
pub mod tickets;

pub use fleet::{Fleet, FleetError, FleetMember, render_fleet_html};
pub use github::render_github;
pub use gitlab::render_gitlab;
pub use html::render_html;
pub use junit::{JunitError, render_junit};
pub use markdown::render_markdown;
pub use sarif::{CiOptions, render_sarif};
pub use terminal::{TerminalOptions, decision_line, render_terminal};

/// Version of the JSON review schema. Bumped on any incompatible change.
pub const SCHEMA_VERSION: u32 = 1;

/// A complete review. It round-trips through its JSON ([`Review::to_json`],
/// [`Review::from_json`]), so stored reviews, baselines and fleet views read the same model.
#[derive(Debug, Clone, Serialize, Deserialize)]
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
    /// The final decision: `computed_decision`, unless a valid override replaced it.
    pub decision: Verdict,
    /// The decision the policy's rules computed from the results (see `trace`).
    pub computed_decision: Verdict,
    /// passed / evaluated as a whole percentage, e.g. `"88%"`.
    pub pass_rate: String,
    /// Weighted score in percent, one decimal.
    pub score: f64,
    pub counts: Counts,
    /// The gate this review was decided by; a later review's OPS-010 compares with it.
    pub thresholds: GateThresholds,
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
    /// Every waiver the manifest declares, with what it matched and its state.
    #[serde(default)]
    pub waivers: Vec<WaiverView>,
    /// Overrides the ledger holds for this service: the applied one and the refused ones.
    #[serde(default)]
    pub overrides: Vec<OverrideView>,
    /// Sign-offs the ledger holds for this service, newest per role and approver.
    #[serde(default)]
    pub signoffs: Vec<SignoffView>,
    /// The roles whose sign-off the policy asks for (the rows of the sign-off table).
    #[serde(default = "default_signoff_roles")]
    pub signoff_roles: Vec<String>,
    /// SHA-256 (hex) of what was decided: service, tier, and every check's status, basis,
    /// inconclusiveness and the files and resources its findings point at (not the prose, which
    /// carries dates). Not the date, the tool version or the governance sections. Sign-offs bind
    /// to it.
    #[serde(default)]
    pub content_hash: String,
    /// Earlier recorded reviews of this service, oldest first, when a store was given.
    #[serde(default)]
    pub history: Vec<HistoryPoint>,
    /// Report-derived figures of this scan: `coverage` (percent), `tests` (test cases). A later
    /// recorded review compares with them (docs/measurement-changes.md).
    #[serde(default)]
    pub figures: std::collections::BTreeMap<String, f64>,
    /// Figures that moved since the last recorded review while only the pipeline changed.
    #[serde(default)]
    pub measurement_changes: Vec<launchgate_policy::measurement::MeasurementChange>,
    /// The policy's versioned baseline notes.
    #[serde(default)]
    pub baseline_notes: Vec<launchgate_manifest::BaselineNote>,
}

/// One earlier recorded review, for score history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryPoint {
    /// When it was recorded (RFC 3339).
    pub recorded_at: String,
    pub evaluated_on: String,
    pub decision: Verdict,
    pub score: f64,
    #[serde(default)]
    pub commit: Option<String>,
}

/// The repository scan, as every output reports it: nothing read is lost silently.
#[derive(Debug, Clone, Serialize, Deserialize)]
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
    /// What the review left out (read by the secret scanner only), grouped by folder, each
    /// with the rule that left it out (`default: examples`, `scan.exclude: legacy/**`,
    /// `select: ...`). Sorted by path.
    #[serde(default)]
    pub excluded: Vec<ExcludedView>,
    /// What the review chose where the repository offered several candidates (which parts
    /// are this service's, which deploy sources count), and why.
    #[serde(default)]
    pub choices: Vec<ChoiceView>,
}

/// A folder or file the review left out, and the rule that did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExcludedView {
    /// Repository-relative; a folder ends with `/`.
    pub path: String,
    /// The rule, as the user can find it again: `default: tests`, `scan.exclude: legacy/**`.
    pub rule: String,
    /// How many files it holds that the review would otherwise have read.
    pub files: usize,
}

/// A choice the review made, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChoiceView {
    /// What was chosen: `service`, `deploy`, ...
    pub subject: String,
    /// What was taken.
    pub chosen: String,
    /// Why.
    pub why: String,
}

impl ScanSummary {
    /// Files left out of the review, in total.
    pub fn excluded_files(&self) -> usize {
        self.excluded.iter().map(|e| e.files).sum()
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SkippedView {
    pub path: String,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
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
                    message: match &n.covered_by {
                        Some(by) => format!(
                            "{}; covered by {by}, so no check is inconclusive because of it",
                            n.reason
                        ),
                        None => n.reason.clone(),
                    },
                })
                .collect(),
            excluded: evidence
                .scope
                .excluded
                .iter()
                .map(|e| ExcludedView {
                    path: e.path.clone(),
                    rule: e.rule.clone(),
                    files: e.files,
                })
                .collect(),
            choices: evidence
                .scope
                .choices
                .iter()
                .map(|c| ChoiceView {
                    subject: c.subject.clone(),
                    chosen: c.chosen.clone(),
                    why: c.why.clone(),
                })
                .collect(),
        })
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Tool {
    pub name: String,
    pub version: String,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct Counts {
    pub total: usize,
    pub evaluated: usize,
    pub pass: usize,
    pub warn: usize,
    pub fail: usize,
    pub skip: usize,
    #[serde(default)]
    pub waived: usize,
}

/// The gate a review records (`thresholds` in the JSON); the same type OPS-010 compares.
pub type ThresholdsView = GateThresholds;

fn default_signoff_roles() -> Vec<String> {
    Policy::default().signoff_roles.value
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CategoryView {
    pub category: Category,
    pub title: String,
    pub weight: f64,
    /// 0 to 10, one decimal; `null` when every check was skipped.
    pub score: Option<f64>,
    pub pass: usize,
    pub warn: usize,
    pub fail: usize,
    pub skip: usize,
    #[serde(default)]
    pub waived: usize,
}

/// A check named in a list (blockers, warnings).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Item {
    pub id: String,
    pub message: String,
}

/// Priority of an action item: P0 must be fixed before production (FAIL), P1 should be fixed
/// soon (WARN of a blocker or major check), P2 is nice to have (WARN of a minor check).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Priority {
    P0,
    P1,
    P2,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ActionItem {
    pub priority: Priority,
    pub id: String,
    pub title: String,
    /// What to do, from the check's "How to fix".
    pub fix: String,
    pub owner: Option<String>,
    pub effort_hours: u32,
    pub effort: String,
    /// Files to touch, repo-relative, sorted and unique.
    pub files: Vec<String>,
}

/// An action item's effort and its basis, as shown.
struct Scaled {
    hours: u32,
    text: String,
}

/// A check's effort is the work for one resource (its `effort`, from the check's declaration).
/// When its findings name several resources (a Deployment each, an alert each), every further
/// resource adds a quarter of it, at least 15 minutes: the same change again, made faster. Findings
/// that name no resource are one problem, whatever their number. The basis is part of the text:
/// `3 hours (1 hour for the first of 9 resources, 15 minutes for each of 8 more)`.
fn scaled_effort(effort: Effort, findings: &[launchgate_core::Finding]) -> Scaled {
    let mut resources: Vec<&str> = findings
        .iter()
        .filter_map(|f| f.resource.as_deref())
        .collect();
    resources.sort_unstable();
    resources.dedup();
    let base = effort.hours();
    let n = u32::try_from(resources.len()).unwrap_or(u32::MAX);
    if n <= 1 || base == 0 {
        return Scaled {
            hours: base,
            text: effort.to_string(),
        };
    }
    let each_minutes = (base * 60 / 4).max(15);
    let more = n - 1;
    let hours = base + (more.saturating_mul(each_minutes)).div_ceil(60);
    let each = if each_minutes.is_multiple_of(60) {
        Effort(each_minutes / 60).to_string()
    } else {
        format!("{each_minutes} minutes")
    };
    Scaled {
        hours,
        text: format!(
            "{} ({effort} for the first of {n} resources, {each} for each of {more} more)",
            Effort(hours)
        ),
    }
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
            waived: e.count(Status::Waived),
        };
        let categories = e
            .categories
            .iter()
            .map(|c| CategoryView {
                category: c.category,
                title: c.category.title().to_string(),
                weight: c.weight,
                score: c.score.map(round1),
                pass: c.pass,
                warn: c.warn,
                fail: c.fail,
                skip: c.skip,
                waived: c.waived,
            })
            .collect();
        let blockers = e
            .blocking()
            .map(|r| Item {
                id: r.id.clone(),
                message: r.message.clone(),
            })
            .collect();
        let warnings = e
            .results
            .iter()
            .filter(|r| r.status == Status::Warn)
            .map(|r| Item {
                id: r.id.clone(),
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
                let scaled = scaled_effort(r.effort, &r.findings);
                Some(ActionItem {
                    priority,
                    id: r.id.clone(),
                    title: r.title.clone(),
                    fix: fix_of(&r.id)
                        .map(|f| first_paragraph(&f))
                        .unwrap_or_default(),
                    owner: manifest.owner.clone(),
                    effort_hours: scaled.hours,
                    effort: scaled.text,
                    files,
                })
            })
            .collect();
        action_items.sort_by(|a, b| a.priority.cmp(&b.priority).then(a.id.cmp(&b.id)));
        let estimated_effort_hours = action_items.iter().map(|a| a.effort_hours).sum();
        let mut notices = e.notices;
        for c in &e.measurement_changes {
            notices.push(match &c.note {
                Some(n) => format!("{}; baseline note: {n}", c.summary()),
                None => format!(
                    "{}; {} asks for a baseline note (`baseline_notes`) for this commit",
                    c.summary(),
                    c.gate
                ),
            });
        }
        Review {
            schema_version: SCHEMA_VERSION,
            tool: Tool {
                name: "launchgate".to_string(),
                version: env!("CARGO_PKG_VERSION").to_string(),
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
            computed_decision: e.decision,
            pass_rate: percent_whole(e.pass_rate),
            score: round1(e.score),
            counts,
            thresholds: policy.gate_thresholds(),
            categories,
            checks: e.results,
            blockers,
            warnings,
            action_items,
            estimated_effort_hours,
            notices,
            trace: e.trace,
            scan: ScanSummary::of(evidence),
            waivers: e.waivers,
            overrides: Vec::new(),
            signoffs: Vec::new(),
            signoff_roles: policy.signoff_roles.value.clone(),
            content_hash: String::new(),
            history: Vec::new(),
            figures: launchgate_policy::measurement::figures(evidence),
            measurement_changes: e.measurement_changes,
            baseline_notes: policy.baseline_notes.clone(),
        }
        .with_content_hash()
    }

    /// Attaches the ledger's overrides and sign-offs: resolves them against `policy` (see
    /// [`launchgate_policy::resolve_overrides`] and [`launchgate_policy::resolve_signoffs`]),
    /// sets the final `decision` (the computed one stays in `computed_decision`; results are
    /// never rewritten) and adds the override entries to the trace. Replaces any earlier
    /// governance sections, so calling it again with the same ledger gives the same review.
    #[must_use]
    pub fn with_governance(
        mut self,
        policy: &Policy,
        overrides: &[LedgerOverride],
        signoffs: &[LedgerSignoff],
        today: jiff::civil::Date,
    ) -> Review {
        self.trace
            .retain(|t| t.rule != "override" && t.rule != "override-refused");
        let resolved = launchgate_policy::resolve_overrides(
            self.computed_decision,
            &self.checks,
            overrides,
            policy,
            today,
        );
        self.decision = resolved.decision;
        self.overrides = resolved.views;
        self.trace.extend(resolved.trace);
        self.signoffs = launchgate_policy::resolve_signoffs(&self.content_hash, signoffs, policy);
        self.signoff_roles.clone_from(&policy.signoff_roles.value);
        self
    }

    /// The override that set the final decision, if one did.
    pub fn applied_override(&self) -> Option<&OverrideView> {
        self.overrides.iter().find(|o| o.applied)
    }

    /// Sets `content_hash` from the current results.
    #[must_use]
    pub fn with_content_hash(mut self) -> Review {
        self.content_hash = content_hash(&self);
        self
    }

    /// Reads a review written by [`Review::to_json`] (`--format json`, `--record`, baselines).
    /// Refuses a newer `schema_version` than this launchgate understands.
    pub fn from_json(text: &str) -> Result<Review, ReviewReadError> {
        #[derive(Deserialize)]
        struct Version {
            schema_version: Option<u32>,
        }
        let v: Version = serde_json::from_str(text).map_err(ReviewReadError::Json)?;
        match v.schema_version {
            Some(SCHEMA_VERSION) => {}
            Some(n) => return Err(ReviewReadError::Version(n)),
            None => return Err(ReviewReadError::NotAReview),
        }
        serde_json::from_str(text).map_err(ReviewReadError::Json)
    }

    /// The review as pretty JSON (the documented, versioned schema), with a trailing newline.
    /// Every string passes the redaction layer on the way out (see `safe`).
    pub fn to_json(&self) -> String {
        safe::json_escape_c1(safe::redacted_json(self)) + "\n"
    }

    pub fn score_text(&self) -> String {
        percent(self.score)
    }
}

/// Why a saved review could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ReviewReadError {
    #[error("not valid review JSON: {0}")]
    Json(serde_json::Error),
    #[error(
        "review schema_version {0} is newer than this launchgate understands ({SCHEMA_VERSION}); upgrade launchgate"
    )]
    Version(u32),
    #[error(
        "not a launchgate review: no `schema_version` (write one with `launchgate check --format json`)"
    )]
    NotAReview,
}

/// SHA-256 over what was decided; see [`Review::content_hash`].
fn content_hash(r: &Review) -> String {
    use sha2::{Digest, Sha256};
    // Prose is left out on purpose: messages carry the review date ("173 days before
    // 2026-11-22") and the date of the recorded gate, which change daily without the results
    // changing. What is hashed is what a sign-off vouches for: each check's status, what it
    // rests on, and which files and resources its findings point at.
    #[derive(Serialize)]
    struct Check<'a> {
        id: &'a str,
        status: Status,
        basis: Option<launchgate_core::Basis>,
        inconclusive: bool,
        findings: Vec<(Option<&'a str>, Option<&'a str>)>,
    }
    let checks: Vec<Check> = r
        .checks
        .iter()
        .map(|c| Check {
            id: &c.id,
            status: c.status,
            basis: c.basis,
            inconclusive: c.inconclusive,
            findings: c
                .findings
                .iter()
                .map(|f| {
                    (
                        f.location.as_ref().map(|l| l.path.as_str()),
                        f.resource.as_deref(),
                    )
                })
                .collect(),
        })
        .collect();
    let bytes = serde_json::to_vec(&(&r.service, r.tier, checks)).unwrap_or_default();
    hex(&Sha256::digest(&bytes))
}

/// Lower-case hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
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

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod effort_tests {
    use launchgate_core::{Effort, Finding};

    use super::scaled_effort;

    fn on(resources: &[&str]) -> Vec<Finding> {
        resources
            .iter()
            .map(|r| Finding::new(format!("{r} has a problem")).resource((*r).to_string()))
            .collect()
    }

    #[test]
    fn effort_scales_with_the_resources_the_findings_name() {
        // One resource, or findings naming none: the check's own effort.
        let one = scaled_effort(Effort(2), &on(&["Deployment/api", "Deployment/api"]));
        assert_eq!((one.hours, one.text.as_str()), (2, "2 hours"));
        let none = scaled_effort(Effort(4), &[Finding::new("a"), Finding::new("b")]);
        assert_eq!((none.hours, none.text.as_str()), (4, "4 hours"));
        // Nine Deployments at 1 hour: 1 hour, then 15 minutes for each of 8 more.
        let names: Vec<String> = (0..9).map(|i| format!("Deployment/d{i}")).collect();
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let nine = scaled_effort(Effort(1), &on(&refs));
        assert_eq!(nine.hours, 3);
        assert_eq!(
            nine.text,
            "3 hours (1 hour for the first of 9 resources, 15 minutes for each of 8 more)"
        );
        // Four alerts at 8 hours: a quarter (2 hours) each after the first.
        let four = scaled_effort(Effort(8), &on(&["a", "b", "c", "d"]));
        assert_eq!(
            (four.hours, four.text.as_str()),
            (
                14,
                "2 days (1 day for the first of 4 resources, 2 hours for each of 3 more)"
            )
        );
    }
}
