//! The decision engine. The policy alone knows tiers, severities, weights, hard blockers and
//! thresholds: it turns check outcomes into PASS / WARN / FAIL / SKIP, scores them, and decides
//! GO / CONDITIONAL_GO / NO_GO with a trace naming every rule that fired.

use std::collections::BTreeMap;
use std::fmt;

use launchgate_checks::{CheckContext, Registry};
use launchgate_core::{
    Basis, Category, Effort, Finding, Outcome, Requirement, Severity, Status, Tier,
};
use launchgate_evidence::Evidence;
use launchgate_manifest::{Policy, RecordedGate, ServiceManifest};
use serde::{Deserialize, Serialize};

mod governance;
pub mod measurement;
mod waivers;

pub use governance::{
    HASH_PREFIX, LedgerOverride, LedgerSignoff, OverrideResolution, OverrideView, RECORDER_ROLE,
    SECURITY_ROLE, SignoffView, recorder_problem, resolve_overrides, resolve_signoffs, short_hash,
};
pub use waivers::{EXPIRING_SOON_DAYS, WaiverState, WaiverView};

/// The three verdicts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    NoGo,
    ConditionalGo,
    Go,
}

impl Verdict {
    /// `go`, `conditional_go`, `no_go`.
    pub fn key(self) -> &'static str {
        match self {
            Verdict::Go => "go",
            Verdict::ConditionalGo => "conditional_go",
            Verdict::NoGo => "no_go",
        }
    }

    /// `GO`, `CONDITIONAL_GO`, `NO_GO`.
    pub fn label(self) -> &'static str {
        match self {
            Verdict::Go => "GO",
            Verdict::ConditionalGo => "CONDITIONAL_GO",
            Verdict::NoGo => "NO_GO",
        }
    }

    /// The report's wording: READY, CONDITIONALLY READY, NOT READY.
    pub fn readiness(self) -> &'static str {
        match self {
            Verdict::Go => "READY",
            Verdict::ConditionalGo => "CONDITIONALLY READY",
            Verdict::NoGo => "NOT READY",
        }
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// One check's result in the review.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckResult {
    pub id: String,
    pub slug: String,
    /// One-line summary of the requirement.
    pub title: String,
    pub category: Category,
    /// Effective severity (after policy overrides).
    pub severity: Severity,
    /// What the check means for this service's tier.
    pub requirement: Requirement,
    pub status: Status,
    /// What a pass rests on: repository evidence or a claim only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub basis: Option<Basis>,
    /// Evidence was missing or unparseable: not a pass, whatever the status says.
    pub inconclusive: bool,
    /// This failure alone forces NO_GO (a failing blocker, or a failure in a hard-blocker category).
    pub blocking: bool,
    /// One line: why this status.
    pub message: String,
    /// What is wrong, with locations (FAIL, WARN).
    pub findings: Vec<Finding>,
    /// What was seen, with locations (PASS, and attested WARN); for a FAIL or WARN, the
    /// findings the code accepted with a comment, if any.
    pub evidence: Vec<Finding>,
    pub effort: Effort,
    /// The manifest waiver that turned this FAIL or WARN into WAIVED.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waiver: Option<AppliedWaiver>,
}

/// A waiver as applied to one check: what it accepts, why, until when, and who approved it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppliedWaiver {
    /// `accepted-risk`, `compensating-control`, `not-applicable` or `false-positive`.
    pub kind: String,
    pub reason: String,
    /// Last day the waiver applies (YYYY-MM-DD).
    pub expires: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approved_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticket: Option<String>,
    /// The status the check had before the waiver (`fail` or `warn`).
    pub original_status: Status,
    /// Where the waiver is declared.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<launchgate_core::Location>,
}

/// Per-category tallies and score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CategoryScore {
    pub category: Category,
    pub weight: f64,
    /// 0 to 10, WARN at half credit; `None` when every check was skipped.
    pub score: Option<f64>,
    pub pass: usize,
    pub warn: usize,
    pub fail: usize,
    pub skip: usize,
    #[serde(default)]
    pub waived: usize,
}

impl CategoryScore {
    pub fn evaluated(&self) -> usize {
        self.pass + self.warn + self.fail
    }
}

/// One rule that fired while deciding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TraceEntry {
    /// Machine name of the rule (`required-blocker`, `hard-blocker-category`, `threshold`...).
    pub rule: String,
    /// The verdict this rule pushes towards, or `None` for information.
    pub effect: Option<Verdict>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(default)]
    pub check: Option<String>,
    pub message: String,
}

/// The result of evaluating and deciding.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evaluation {
    pub tier: Tier,
    pub results: Vec<CheckResult>,
    pub categories: Vec<CategoryScore>,
    /// Weighted score in percent (0 to 100).
    pub score: f64,
    /// passed / evaluated, in percent.
    pub pass_rate: f64,
    pub decision: Verdict,
    pub trace: Vec<TraceEntry>,
    /// Policy-level warnings every output must show (e.g. unsafe thresholds).
    pub notices: Vec<String>,
    /// Every manifest waiver and what became of it, in declaration order.
    #[serde(default)]
    pub waivers: Vec<WaiverView>,
    /// Figures the pipeline moved (see [`measurement`]), as [`evaluate_full`] was given them.
    #[serde(default)]
    pub measurement_changes: Vec<measurement::MeasurementChange>,
}

impl Evaluation {
    pub fn count(&self, status: Status) -> usize {
        self.results.iter().filter(|r| r.status == status).count()
    }

    pub fn evaluated(&self) -> usize {
        self.results.iter().filter(|r| r.status.is_scored()).count()
    }

    /// The checks whose failure alone forces NO_GO.
    pub fn blocking(&self) -> impl Iterator<Item = &CheckResult> {
        self.results.iter().filter(|r| r.blocking)
    }
}

/// Why no decision could be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecideError {
    #[error(
        "refusing to decide on {evaluated} check{}: the policy requires at least {minimum} evaluated (non-skipped) checks ({set_by})",
        if *evaluated == 1 { "" } else { "s" }
    )]
    TooFewChecks {
        evaluated: usize,
        minimum: u32,
        set_by: String,
    },
}

/// Runs every check of `registry`, applies the manifest's waivers and decides. `today` is the
/// review date. OPS-010 compares the gate with the built-in one; see [`evaluate_with_baseline`].
pub fn evaluate(
    registry: &Registry,
    manifest: &ServiceManifest,
    evidence: &Evidence,
    policy: &Policy,
    today: jiff::civil::Date,
) -> Result<Evaluation, DecideError> {
    evaluate_with_baseline(registry, manifest, evidence, policy, today, None)
}

/// [`evaluate`], with the gate an earlier recorded review used (from the store) as OPS-010's
/// baseline.
pub fn evaluate_with_baseline(
    registry: &Registry,
    manifest: &ServiceManifest,
    evidence: &Evidence,
    policy: &Policy,
    today: jiff::civil::Date,
    baseline: Option<RecordedGate>,
) -> Result<Evaluation, DecideError> {
    evaluate_full(registry, manifest, evidence, policy, today, baseline, &[])
}

/// [`evaluate_with_baseline`], with the measurement changes suspected against the earlier
/// recorded review ([`measurement::suspect`]): the gates of the figures they moved ask for a
/// baseline note before the decision is taken.
pub fn evaluate_full(
    registry: &Registry,
    manifest: &ServiceManifest,
    evidence: &Evidence,
    policy: &Policy,
    today: jiff::civil::Date,
    baseline: Option<RecordedGate>,
    measurement_changes: &[measurement::MeasurementChange],
) -> Result<Evaluation, DecideError> {
    let gate = policy.gate(baseline);
    let options = policy.options_for(manifest.tier);
    let cx = CheckContext {
        manifest,
        evidence,
        options: &options,
        today,
        gate: &gate,
    };
    let tier = manifest.tier;
    let one = |check: &dyn launchgate_checks::Check| judge(check, &cx, policy, tier);
    let mut results = judge_all(registry, &one);
    measurement::apply(&mut results, measurement_changes);
    let (waivers, waiver_trace) = waivers::apply(&mut results, manifest, policy, tier, today);
    let mut e = decide(results, tier, policy, waiver_trace)?;
    e.waivers = waivers;
    e.measurement_changes = measurement_changes.to_vec();
    Ok(e)
}

/// One check as a review judges it: the policy's settings (enabled, severity, tier matrix), the
/// outcome under the tier's requirement and `require_evidence`, then the manifest's waivers.
/// `launchgate policy test` judges a custom check's fixture case this way. Returns the result
/// and what became of the manifest's waivers of this check.
pub fn evaluate_check(
    check: &dyn launchgate_checks::Check,
    manifest: &ServiceManifest,
    evidence: &Evidence,
    policy: &Policy,
    today: jiff::civil::Date,
) -> (CheckResult, Vec<WaiverView>) {
    let gate = policy.gate(None);
    let options = policy.options_for(manifest.tier);
    let cx = CheckContext {
        manifest,
        evidence,
        options: &options,
        today,
        gate: &gate,
    };
    let mut results = [judge(check, &cx, policy, manifest.tier)];
    let (views, _) = waivers::apply(&mut results, manifest, policy, manifest.tier, today);
    let [result] = results;
    let views = views.into_iter().filter(|v| v.check == result.id).collect();
    (result, views)
}

/// One check's result before waivers: disabled, not required for the tier, or its outcome.
fn judge(
    check: &dyn launchgate_checks::Check,
    cx: &CheckContext<'_>,
    policy: &Policy,
    tier: Tier,
) -> CheckResult {
    let meta = check.meta();
    let settings = policy.settings(meta.id, meta.severity, meta.tiers);
    let requirement = settings.tiers.value.for_tier(tier);
    let mut r = CheckResult {
        id: meta.id.to_string(),
        slug: meta.slug.to_string(),
        title: meta.summary(),
        category: meta.category,
        severity: settings.severity.value,
        requirement,
        status: Status::Skip,
        basis: None,
        inconclusive: false,
        blocking: false,
        message: String::new(),
        findings: Vec::new(),
        evidence: Vec::new(),
        effort: meta.effort,
        waiver: None,
    };
    if !settings.enabled.value {
        r.message = format!("disabled ({})", settings.enabled.source);
        return r;
    }
    if requirement == Requirement::Skipped {
        let why = if settings.tiers.source == launchgate_manifest::PolicySource::Default {
            String::new()
        } else {
            format!(" ({})", settings.tiers.source)
        };
        r.message = format!("not required for tier {tier}{why}");
        return r;
    }
    let provable = repository_can_prove(meta.evidence);
    let mut outcome = check.evaluate(cx);
    cx.evidence.note_copies(&mut outcome);
    apply_outcome(&mut r, outcome, policy, tier, provable);
    r
}

/// Runs `judge` on every check of the registry, in registry order. Checks are pure and
/// independent, so they run on as many threads as the machine has (at most one per check),
/// each taking every n-th check: the costly ones (runbook and alert checks) spread over the
/// threads instead of landing on one.
fn judge_all<F>(registry: &Registry, judge: &F) -> Vec<CheckResult>
where
    F: Fn(&dyn launchgate_checks::Check) -> CheckResult + Sync,
{
    let checks: Vec<&dyn launchgate_checks::Check> = registry.iter().collect();
    let threads = std::thread::available_parallelism()
        .map_or(1, std::num::NonZero::get)
        .min(checks.len());
    if threads <= 1 {
        return checks.into_iter().map(judge).collect();
    }
    let checks = &checks;
    let mut indexed: Vec<(usize, CheckResult)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                s.spawn(move || {
                    checks
                        .iter()
                        .enumerate()
                        .skip(t)
                        .step_by(threads)
                        .map(|(i, c)| (i, judge(*c)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    });
    indexed.sort_by_key(|(i, _)| *i);
    indexed.into_iter().map(|(_, r)| r).collect()
}

fn first_and_more(items: &[Finding], fallback: &str) -> String {
    match items {
        [] => fallback.to_string(),
        [one] => one.message.clone(),
        [first, rest @ ..] => format!("{} (+{} more)", first.message, rest.len()),
    }
}

/// Whether a check's evidence letters name anything besides the manifest's own declaration
/// (`D`): only then can the repository prove it, and only then does `require_evidence` turn an
/// attested pass into a WARN. A restore drill or a status page can only ever be declared.
fn repository_can_prove(letters: &str) -> bool {
    letters.split_whitespace().any(|l| l != "D")
}

fn apply_outcome(
    r: &mut CheckResult,
    outcome: Outcome,
    policy: &Policy,
    tier: Tier,
    provable: bool,
) {
    let fail_status = if r.requirement == Requirement::Required {
        Status::Fail
    } else {
        Status::Warn
    };
    match outcome {
        Outcome::Pass { basis, evidence } => {
            r.basis = Some(basis);
            r.evidence = evidence;
            if basis == Basis::Attested && provable && policy.requires_evidence(tier) {
                r.status = Status::Warn;
                r.message = format!(
                    "attested only: {}; tier {tier} requires repository evidence ({})",
                    first_and_more(&r.evidence, "declared in the manifest"),
                    policy.require_evidence.source
                );
            } else {
                r.status = Status::Pass;
                r.message = first_and_more(&r.evidence, "requirement met");
            }
        }
        Outcome::Fail { findings, accepted } => {
            r.status = fail_status;
            r.message = first_and_more(&findings, "requirement not met");
            r.findings = findings;
            // What the code accepted stays in view while the check fails for other reasons.
            r.evidence = accepted;
        }
        Outcome::NotApplicable { reason } => {
            r.status = Status::Skip;
            r.message = format!("not applicable: {reason}");
        }
        Outcome::Inconclusive {
            reason,
            findings,
            accepted,
        } => {
            r.status = fail_status;
            r.inconclusive = true;
            r.message = format!("inconclusive: {reason}");
            r.findings = findings;
            r.evidence = accepted;
        }
    }
}

fn credit(s: Status) -> f64 {
    match s {
        Status::Pass => 1.0,
        Status::Warn => 0.5,
        Status::Fail | Status::Skip | Status::Waived => 0.0,
    }
}

/// A score as reports print it: `88%`, `87.5%` (one decimal when it has one).
pub fn percent(v: f64) -> String {
    let r = (v * 10.0).round() / 10.0;
    if r.fract() == 0.0 {
        format!("{r:.0}%")
    } else {
        format!("{r:.1}%")
    }
}

fn decide(
    mut results: Vec<CheckResult>,
    tier: Tier,
    policy: &Policy,
    waiver_trace: Vec<TraceEntry>,
) -> Result<Evaluation, DecideError> {
    let evaluated = results.iter().filter(|r| r.status.is_scored()).count();
    let minimum = policy.min_evaluated_checks.value;
    if evaluated < minimum as usize {
        return Err(DecideError::TooFewChecks {
            evaluated,
            minimum,
            set_by: policy.min_evaluated_checks.source.to_string(),
        });
    }

    let mut by_cat: BTreeMap<Category, CategoryScore> = Category::ALL
        .into_iter()
        .map(|c| {
            (
                c,
                CategoryScore {
                    category: c,
                    weight: policy.weight(c),
                    score: None,
                    pass: 0,
                    warn: 0,
                    fail: 0,
                    skip: 0,
                    waived: 0,
                },
            )
        })
        .collect();
    let (mut num, mut den) = (0.0, 0.0);
    for r in &results {
        let Some(c) = by_cat.get_mut(&r.category) else {
            continue;
        };
        match r.status {
            Status::Pass => c.pass += 1,
            Status::Warn => c.warn += 1,
            Status::Fail => c.fail += 1,
            Status::Skip => c.skip += 1,
            Status::Waived => c.waived += 1,
        }
        if r.status.is_scored() {
            num += c.weight * credit(r.status);
            den += c.weight;
        }
    }
    for c in by_cat.values_mut() {
        let n = c.evaluated();
        if n > 0 {
            c.score = Some(10.0 * (c.pass as f64 + 0.5 * c.warn as f64) / n as f64);
        }
    }
    let score = if den > 0.0 { 100.0 * num / den } else { 0.0 };
    let passed = results.iter().filter(|r| r.status == Status::Pass).count();
    let pass_rate = 100.0 * passed as f64 / evaluated as f64;

    let mut trace = Vec::new();
    let mut notices = Vec::new();
    let go = &policy.go_threshold;
    let cond = &policy.conditional_threshold;
    if policy.thresholds_unsafe() {
        let n = format!(
            "UNSAFE THRESHOLDS: conditional {}% is below the {}% floor, allowed by `allow_unsafe_thresholds` ({})",
            cond.value,
            launchgate_manifest::THRESHOLD_FLOOR,
            policy.allow_unsafe_thresholds.source
        );
        trace.push(TraceEntry {
            rule: "unsafe-thresholds".to_string(),
            effect: None,
            check: None,
            message: n.clone(),
        });
        notices.push(n);
    }
    trace.push(TraceEntry {
        rule: "score".to_string(),
        effect: None,
        check: None,
        message: format!(
            "{evaluated} checks evaluated for tier {tier}: {passed} passed (pass rate {}), weighted score {}",
            percent_whole(pass_rate),
            percent(score)
        ),
    });
    let applied_waivers = waiver_trace.iter().filter(|t| t.rule == "waived").count();
    trace.extend(waiver_trace);

    let hard = &policy.hard_blocker_categories;
    // One entry per blocking check, naming every reason it blocks: a security check that is
    // also a required blocker is one rule firing for one check, not two.
    for r in results.iter_mut().filter(|r| r.status == Status::Fail) {
        let required = r.severity == Severity::Blocker;
        let category = hard.value.contains(&r.category);
        let (rule, message) = match (required, category) {
            (false, false) => continue,
            (true, false) => (
                "required-blocker",
                format!("{} failed; it is a required blocker for tier {tier}", r.id),
            ),
            (false, true) => (
                "hard-blocker-category",
                format!(
                    "{} failed; {} is a hard-blocker category ({})",
                    r.id, r.category, hard.source
                ),
            ),
            (true, true) => (
                "required-blocker",
                format!(
                    "{} failed; it is a required blocker for tier {tier}, and {} is a hard-blocker category ({})",
                    r.id, r.category, hard.source
                ),
            ),
        };
        r.blocking = true;
        trace.push(TraceEntry {
            rule: rule.to_string(),
            effect: Some(Verdict::NoGo),
            check: Some(r.id.clone()),
            message,
        });
    }
    if score < cond.value {
        trace.push(TraceEntry {
            rule: "threshold".to_string(),
            effect: Some(Verdict::NoGo),
            check: None,
            message: format!(
                "score {} is below the conditional threshold {}% ({})",
                percent(score),
                cond.value,
                cond.source
            ),
        });
    } else if score < go.value {
        trace.push(TraceEntry {
            rule: "threshold".to_string(),
            effect: Some(Verdict::ConditionalGo),
            check: None,
            message: format!(
                "score {} is at least the conditional threshold {}% but below the go threshold {}% ({})",
                percent(score),
                cond.value,
                go.value,
                go.source
            ),
        });
    } else {
        trace.push(TraceEntry {
            rule: "threshold".to_string(),
            effect: None,
            check: None,
            message: format!(
                "score {} meets the go threshold {}% ({})",
                percent(score),
                go.value,
                go.source
            ),
        });
    }
    let warns = results.iter().filter(|r| r.status == Status::Warn).count();
    if warns > 0 {
        trace.push(TraceEntry {
            rule: "warnings-remain".to_string(),
            effect: Some(Verdict::ConditionalGo),
            check: None,
            message: format!(
                "{warns} warning{} {}",
                if warns == 1 { "" } else { "s" },
                if warns == 1 { "remains" } else { "remain" }
            ),
        });
    }
    let waived = results
        .iter()
        .filter(|r| r.status == Status::Waived)
        .count();
    if applied_waivers > 0 {
        trace.push(TraceEntry {
            rule: "waivers-remain".to_string(),
            effect: Some(Verdict::ConditionalGo),
            check: None,
            message: format!(
                "{} {} in force ({} check{} WAIVED): accepted gaps are not a GO",
                applied_waivers,
                if applied_waivers == 1 {
                    "waiver is"
                } else {
                    "waivers are"
                },
                waived,
                if waived == 1 { "" } else { "s" }
            ),
        });
    }
    let decision = trace
        .iter()
        .filter_map(|t| t.effect)
        .min()
        .unwrap_or(Verdict::Go);
    trace.push(TraceEntry {
        rule: "decision".to_string(),
        effect: Some(decision),
        check: None,
        message: match decision {
            Verdict::Go => {
                "GO: no blocker, score at or above the go threshold, no warning, no waiver"
                    .to_string()
            }
            Verdict::ConditionalGo => {
                "CONDITIONAL_GO: no blocker, but the rules above hold it back from GO".to_string()
            }
            Verdict::NoGo => "NO_GO: at least one rule above forces it".to_string(),
        },
    });

    Ok(Evaluation {
        tier,
        results,
        categories: by_cat.into_values().collect(),
        score,
        pass_rate,
        decision,
        trace,
        notices,
        waivers: Vec::new(),
        measurement_changes: Vec::new(),
    })
}

/// A pass rate as reports print it: whole percent, `88%`.
pub fn percent_whole(v: f64) -> String {
    format!("{:.0}%", v.round())
}

#[cfg(test)]
mod tests {
    use launchgate_checks::Registry;

    use super::*;

    #[test]
    fn checks_judged_on_several_threads_come_back_in_registry_order() {
        let registry = Registry::builtin();
        let judge = |check: &dyn launchgate_checks::Check| CheckResult {
            id: check.meta().id.to_string(),
            slug: String::new(),
            title: String::new(),
            category: check.meta().category,
            severity: check.meta().severity,
            requirement: Requirement::Required,
            status: Status::Pass,
            basis: None,
            inconclusive: false,
            blocking: false,
            message: String::new(),
            findings: Vec::new(),
            evidence: Vec::new(),
            effort: check.meta().effort,
            waiver: None,
        };
        let judged: Vec<String> = judge_all(&registry, &judge)
            .into_iter()
            .map(|r| r.id)
            .collect();
        let order: Vec<String> = registry.iter().map(|c| c.meta().id.to_string()).collect();
        assert_eq!(judged, order);
        assert!(order.len() > 70);
    }
}
