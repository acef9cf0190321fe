//! Policy: thresholds, weights, hard blockers, per-check overrides and check options.
//! Built-in defaults, then an organisation file (`--policy`), then the manifest's `policy:`
//! section; the more specific layer wins, field by field, and every value remembers its source.

use std::collections::BTreeMap;
use std::fmt;

use launchgate_core::{Category, Location, Requirement, Severity, Tier, TierMatrix};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::diag::{ConfigError, ConfigErrors, Located, SourceFile, deserialize};
use crate::governance::{
    Approver, ApproverEntry, GateContext, GateThresholds, Justification, LedgerEntry, LedgerPin,
    PublicKey, RecordedGate,
};
use crate::yaml;

/// The lowest threshold accepted without `allow_unsafe_thresholds: true`.
pub const THRESHOLD_FLOOR: f64 = 50.0;

/// One layer of policy as written in a file. Every key is optional.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "launchgate policy", extend("$id" = "https://launchgate.dev/schema/policy.json"))]
#[non_exhaustive]
pub struct PolicyLayer {
    /// Score thresholds in percent: `go` (default 90) and `conditional` (default 70).
    #[serde(default)]
    pub thresholds: Option<Thresholds>,
    /// Accept thresholds below the 50% floor. The review then carries a visible warning.
    #[serde(default)]
    pub allow_unsafe_thresholds: Option<bool>,
    /// Category weights in the overall score (default 1 each).
    #[serde(default)]
    pub weights: BTreeMap<Category, f64>,
    /// Categories where any FAIL makes the decision NO_GO (default: security).
    #[serde(default)]
    pub hard_blocker_categories: Option<Vec<Category>>,
    /// Fewer evaluated (non-skipped) checks than this is an error, not a decision (default 3).
    #[serde(default)]
    pub min_evaluated_checks: Option<u32>,
    /// Tiers whose attested-only results (claims with no repository evidence) become WARN
    /// (default `[0]`).
    #[serde(default)]
    pub require_evidence: Option<Vec<Tier>>,
    /// Per-check overrides of severity and tier matrix, or `enabled: false`.
    #[serde(default)]
    pub checks: BTreeMap<String, CheckOverride>,
    /// Days within which a restore drill must have happened (default 90). DAT-003.
    #[serde(default)]
    pub restore_test_max_age_days: Option<u32>,
    /// Minimum backup retention in days (default 30). DAT-002.
    #[serde(default)]
    pub backup_retention_min_days: Option<u32>,
    /// Days within which a rollback must have been tested (default 90). RUN-004.
    #[serde(default)]
    pub rollback_test_max_age_days: Option<u32>,
    /// Maximum days between secret rotations (default 90). SEC-003.
    #[serde(default)]
    pub secret_rotation_max_days: Option<u32>,
    /// Required load-test rate as a multiple of peak traffic (default 10). CAP-007.
    #[serde(default)]
    pub load_test_factor: Option<f64>,
    /// Days within which the load test must have run (default 90). CAP-007.
    #[serde(default)]
    pub load_test_max_age_days: Option<u32>,
    /// Days within which a failure-injection experiment must have run (default 180). CAP-009.
    #[serde(default)]
    pub failure_injection_max_age_days: Option<u32>,
    /// Maximum retries per dependency before it counts as a retry storm (default 5). SAF-003.
    #[serde(default)]
    pub max_retries: Option<u32>,
    /// Runbook URLs served from this repository: a URL prefix and the repository folder it maps
    /// to, e.g. `{"https://runbooks.acme.dev/payments/": "docs/runbooks/"}`. An alert's
    /// `runbook_url` under a prefix is resolved to the file (and `#anchor`) in that folder. RUN-001.
    #[serde(default)]
    pub runbook_url_prefixes: Option<BTreeMap<String, String>>,
    /// The sections every runbook needs, each with the heading words that count as it (matched
    /// case-insensitively against heading text). Default: context, assess, diagnose, mitigate,
    /// escalate, with synonyms. RUN-002.
    #[serde(default)]
    pub runbook_sections: Option<Vec<RunbookSection>>,
    /// The alert severity levels, most urgent first, with the label values that mean each and
    /// whether it pages. Default: page (critical, p1, sev1, ...), urgent, warning, info. OBS-008,
    /// OBS-009.
    #[serde(default)]
    pub alert_severities: Option<Vec<SeverityLevel>>,
    /// Days after which a test, coverage, scan or load-test report is too old to count (default
    /// 14). OPS-003, OPS-004, SEC-008, CAP-007.
    #[serde(default)]
    pub report_max_age_days: Option<u32>,
    /// Minimum line coverage in percent (default 80). OPS-004.
    #[serde(default)]
    pub coverage_min_percent: Option<f64>,
    /// The fewest replicas a service runs, by tier, e.g. `{0: 3, 1: 2, 2: 2}` (the default).
    /// CAP-003.
    #[serde(default)]
    #[schemars(extend("patternProperties" = {"^[012]$": {"type": "integer", "format": "uint32", "minimum": 1}}))]
    pub min_replicas: BTreeMap<Tier, u32>,
    /// Tiers whose services must authenticate each other with mTLS (default `[0]`). SEC-010.
    #[serde(default)]
    pub mtls_tiers: Option<Vec<Tier>>,
    /// Tiers whose container images must carry a digest, not only a tag (default `[0]`).
    /// SEC-007.
    #[serde(default)]
    pub image_digest_tiers: Option<Vec<Tier>>,
    /// Whether a comment on a code finding's line accepts it (default true): launchgate's
    /// `launchgate:ignore SAF-002 -- why`, or a peer's marker for the same rule (gosec's
    /// `#nosec G112`). Accepted findings are listed as evidence. `false` makes every code
    /// finding count whatever its comment says; the finding then quotes the comment.
    #[serde(default)]
    pub accept_in_code: Option<bool>,
    /// Longest a manifest waiver may run, in days from the review date, by tier, e.g.
    /// `{0: 30, 1: 90, 2: 90}` (the default). Longer waivers are refused and reported.
    #[serde(default)]
    #[schemars(extend("patternProperties" = {"^[012]$": {"type": "integer", "format": "uint32", "minimum": 0}}))]
    pub waiver_max_days: BTreeMap<Tier, u32>,
    /// The people whose signed overrides and sign-offs count, with their roles and ed25519
    /// public keys. Keep this list in the organisation policy file.
    #[serde(default)]
    pub approvers: Option<Vec<ApproverEntry>>,
    /// Roles allowed to override a decision (default `[vp]`). A FAIL in a hard-blocker category
    /// also needs a matching override signed by someone holding `security`.
    #[serde(default)]
    pub override_roles: Option<Vec<String>>,
    /// Roles whose sign-off a review asks for: the rows of the report's sign-off table (default
    /// `[engineering, sre, security]`).
    #[serde(default)]
    pub signoff_roles: Option<Vec<String>>,
    /// Versioned baseline notes: a reviewed statement that a report-derived figure (`coverage`,
    /// `tests`) moved because the measurement changed (CI configuration, test-runner settings),
    /// for the commit that changed it, e.g. `[{figure: coverage, commit: 1a2b3c4, note:
    /// "parallel test shards: coverage now merged per shard"}]`. When a review suspects a
    /// measurement change at that commit, the note is shown and the figure's gate warns instead
    /// of failing (docs/measurement-changes.md). Notes of every layer count.
    #[serde(default)]
    pub baseline_notes: Option<Vec<BaselineNote>>,
    /// Why this policy loosens the gate (lower thresholds, fewer hard-blocker categories...)
    /// compared with the recorded baseline or the built-in defaults. OPS-010.
    #[serde(default)]
    pub justification: Option<String>,
    /// Which audit-ledger events count (`require_signatures`) and the ledger head it must
    /// still contain (`head: {seq, hash}`). Keep this in the organisation policy file.
    #[serde(default)]
    pub ledger: Option<LedgerEntry>,
    /// Organisation checks written in Rego: `.rego` files or folders of them, relative to the
    /// file that lists them (in a manifest, they must stay inside the repository). They run
    /// beside the built-in checks under the same rules (docs/custom-checks.md).
    #[serde(default)]
    pub custom_checks: Option<Vec<String>>,
}

/// A versioned baseline note (`baseline_notes`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BaselineNote {
    /// The figure: `coverage` (line coverage, percent) or `tests` (number of tests run).
    pub figure: String,
    /// The commit whose measurement change the note explains: 7 to 40 hex digits, matched as a
    /// prefix of the reviewed commit.
    pub commit: String,
    /// What changed in the measurement and why the new figure is the baseline.
    pub note: String,
}

/// The figures a baseline note may name.
pub const BASELINE_FIGURES: [&str; 2] = ["coverage", "tests"];

/// A section every runbook must have.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RunbookSection {
    /// The section's name in findings, e.g. `diagnose`.
    pub name: String,
    /// Words that, found in a heading, count as this section (the name itself always counts).
    #[serde(default)]
    pub synonyms: Vec<String>,
}

/// One alert severity level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SeverityLevel {
    /// The level's name, e.g. `page`.
    pub name: String,
    /// Other `severity` label values that mean this level (case-insensitive), e.g. `critical`.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Whether alerts of this level must reach a pager.
    #[serde(default)]
    pub pages: bool,
}

impl SeverityLevel {
    /// Whether a `severity` label value means this level (case-insensitive).
    pub fn matches(&self, value: &str) -> bool {
        let v = value.trim();
        self.name.eq_ignore_ascii_case(v) || self.aliases.iter().any(|a| a.eq_ignore_ascii_case(v))
    }
}

impl RunbookSection {
    /// Whether a heading's text names this section: the name or a synonym appears in it as a
    /// word (case-insensitive).
    pub fn matches(&self, heading: &str) -> bool {
        Self::names_in(&self.wanted(), &heading.to_lowercase(), &mut None)
    }

    /// The name and each synonym as lowercase words, for [`RunbookSection::names_in`]: split
    /// once to match many headings.
    pub fn wanted(&self) -> Vec<Vec<String>> {
        std::iter::once(&self.name)
            .chain(&self.synonyms)
            .map(|s| words(s))
            .filter(|w| !w.is_empty())
            .collect()
    }

    /// Whether a lowercased heading holds one of the `wanted` word sequences; `words` caches
    /// the heading's words across calls (`None` until a first word occurs in it).
    pub fn names_in(wanted: &[Vec<String>], lower: &str, words: &mut Option<Vec<String>>) -> bool {
        wanted.iter().any(|want| {
            // Most headings do not contain the first word at all: skip the word split.
            if !want.first().is_some_and(|w| lower.contains(w.as_str())) {
                return false;
            }
            let words = words.get_or_insert_with(|| self::words(lower));
            words.windows(want.len()).any(|w| w == want.as_slice())
        })
    }
}

/// The lowercase words of a text (runs of alphanumeric characters).
fn words(t: &str) -> Vec<String> {
    t.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| (*s).to_string()).collect()
}

/// The default runbook sections (RUN-002).
pub fn default_runbook_sections() -> Vec<RunbookSection> {
    let section = |name: &str, synonyms: &[&str]| RunbookSection {
        name: name.to_string(),
        synonyms: strings(synonyms),
    };
    vec![
        section(
            "context",
            &[
                "impact",
                "overview",
                "summary",
                "description",
                "background",
                "meaning",
                "about",
            ],
        ),
        section(
            "assess",
            &[
                "triage",
                "symptoms",
                "verify",
                "verification",
                "check",
                "checks",
                "assessment",
                "confirm",
            ],
        ),
        section(
            "diagnose",
            &[
                "diagnosis",
                "investigate",
                "investigation",
                "debug",
                "debugging",
                "troubleshoot",
                "troubleshooting",
                "root cause",
            ],
        ),
        section(
            "mitigate",
            &[
                "mitigation",
                "remediate",
                "remediation",
                "resolve",
                "resolution",
                "fix",
                "recovery",
                "recover",
                "workaround",
            ],
        ),
        section(
            "escalate",
            &[
                "escalation",
                "contacts",
                "contact",
                "who to call",
                "ownership",
                "owners",
            ],
        ),
    ]
}

/// The default alert severity levels (OBS-008).
pub fn default_alert_severities() -> Vec<SeverityLevel> {
    let level = |name: &str, aliases: &[&str], pages: bool| SeverityLevel {
        name: name.to_string(),
        aliases: strings(aliases),
        pages,
    };
    vec![
        level(
            "page",
            &[
                "critical",
                "crit",
                "p1",
                "sev1",
                "sev-1",
                "emergency",
                "pager",
            ],
            true,
        ),
        level(
            "urgent",
            &["high", "error", "major", "p2", "sev2", "sev-2"],
            false,
        ),
        level(
            "warning",
            &["warn", "medium", "minor", "ticket", "p3", "sev3", "sev-3"],
            false,
        ),
        level(
            "info",
            &[
                "informational",
                "low",
                "none",
                "notice",
                "p4",
                "p5",
                "sev4",
                "sev-4",
            ],
            false,
        ),
    ]
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Thresholds {
    /// Minimum score in percent for GO (default 90).
    #[serde(default)]
    pub go: Option<f64>,
    /// Minimum score in percent for CONDITIONAL_GO (default 70).
    #[serde(default)]
    pub conditional: Option<f64>,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct CheckOverride {
    /// The check's severity, replacing its default.
    #[serde(default)]
    pub severity: Option<Severity>,
    /// Requirement for tiers 0, 1, 2 as three letters: `R` required, `W` recommended, `-` skipped,
    /// e.g. `"R R W"`.
    #[serde(default)]
    pub tiers: Option<MatrixSpec>,
    /// `false` turns the check off (it shows as SKIP with the reason).
    #[serde(default)]
    pub enabled: Option<bool>,
}

/// A tier matrix written as a string, e.g. `"R R W"` or `"RR-"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct MatrixSpec(pub TierMatrix);

impl TryFrom<String> for MatrixSpec {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        let letters: Vec<char> = s.chars().filter(|c| !c.is_whitespace()).collect();
        let bad = || {
            format!(
                "`{s}` is not a tier matrix; write three letters for tiers 0, 1 and 2 from R (required), W (recommended) and - (skipped), e.g. \"R R W\""
            )
        };
        if letters.len() != 3 {
            return Err(bad());
        }
        let mut m = [Requirement::Required; 3];
        for (slot, c) in m.iter_mut().zip(letters) {
            *slot = match c.to_ascii_uppercase() {
                'R' => Requirement::Required,
                'W' => Requirement::Recommended,
                '-' => Requirement::Skipped,
                _ => return Err(bad()),
            };
        }
        Ok(MatrixSpec(TierMatrix(m)))
    }
}

impl JsonSchema for MatrixSpec {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "TierMatrix".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "Requirement for tiers 0, 1, 2: R required, W recommended, - skipped.",
            "type": "string",
            "pattern": "^\\s*[RrWw-]\\s*[RrWw-]\\s*[RrWw-]\\s*$"
        })
    }
}

/// Where a policy value came from, for the decision trace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(tag = "kind", content = "path", rename_all = "snake_case")]
pub enum PolicySource {
    Default,
    File(String),
    Manifest(String),
}

impl fmt::Display for PolicySource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PolicySource::Default => f.write_str("policy default"),
            PolicySource::File(p) => write!(f, "policy file {p}"),
            PolicySource::Manifest(p) => write!(f, "manifest policy in {p}"),
        }
    }
}

/// A value with the layer that set it.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Sourced<T> {
    pub value: T,
    pub source: PolicySource,
}

impl<T> Sourced<T> {
    fn default(value: T) -> Self {
        Sourced {
            value,
            source: PolicySource::Default,
        }
    }
}

/// Options checks read (windows, minimums). Part of the policy; checks only read them.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct CheckOptions {
    pub restore_test_max_age_days: u32,
    pub backup_retention_min_days: u32,
    pub rollback_test_max_age_days: u32,
    pub secret_rotation_max_days: u32,
    pub load_test_factor: f64,
    pub load_test_max_age_days: u32,
    /// Days within which a failure-injection experiment must have run
    /// (`failure_injection_max_age_days`). CAP-009.
    pub failure_injection_max_age_days: u32,
    pub max_retries: u32,
    pub runbook_url_prefixes: BTreeMap<String, String>,
    pub runbook_sections: Vec<RunbookSection>,
    pub alert_severities: Vec<SeverityLevel>,
    pub report_max_age_days: u32,
    pub coverage_min_percent: f64,
    /// The fewest replicas the service's tier asks for (`min_replicas`). CAP-003.
    pub min_replicas: u32,
    /// Whether the service's tier requires mTLS between services (`mtls_tiers`). SEC-010.
    pub require_mtls: bool,
    /// The tiers that require mTLS (`mtls_tiers`), for messages. SEC-010.
    pub mtls_tiers: Vec<Tier>,
    /// Whether the service's tier requires images pinned by digest (`image_digest_tiers`).
    /// SEC-007.
    pub require_image_digest: bool,
    /// Whether a comment in the code accepts a code finding (`accept_in_code`). SAF-002,
    /// SAF-003, SAF-004, CAP-008, OBS-014.
    pub accept_in_code: bool,
}

impl CheckOptions {
    /// The severity level a `severity` label value belongs to.
    pub fn severity_level(&self, value: &str) -> Option<&SeverityLevel> {
        self.alert_severities.iter().find(|l| l.matches(value))
    }
}

impl Default for CheckOptions {
    fn default() -> Self {
        CheckOptions {
            restore_test_max_age_days: 90,
            backup_retention_min_days: 30,
            rollback_test_max_age_days: 90,
            secret_rotation_max_days: 90,
            load_test_factor: 10.0,
            load_test_max_age_days: 90,
            failure_injection_max_age_days: 180,
            max_retries: 5,
            runbook_url_prefixes: BTreeMap::new(),
            runbook_sections: default_runbook_sections(),
            alert_severities: default_alert_severities(),
            report_max_age_days: 14,
            coverage_min_percent: 80.0,
            // The tier-dependent options of a tier 1 or 2 service; [`Policy::options_for`]
            // resolves them for the service's tier.
            min_replicas: 2,
            require_mtls: false,
            mtls_tiers: vec![Tier::T0],
            require_image_digest: false,
            accept_in_code: true,
        }
    }
}

/// A check's severity, tier matrix and switch after overrides.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct CheckSettings {
    pub severity: Sourced<Severity>,
    pub tiers: Sourced<TierMatrix>,
    pub enabled: Sourced<bool>,
}

/// The effective policy after merging all layers.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[non_exhaustive]
pub struct Policy {
    pub go_threshold: Sourced<f64>,
    pub conditional_threshold: Sourced<f64>,
    pub allow_unsafe_thresholds: Sourced<bool>,
    pub weights: BTreeMap<Category, Sourced<f64>>,
    pub hard_blocker_categories: Sourced<Vec<Category>>,
    pub min_evaluated_checks: Sourced<u32>,
    pub require_evidence: Sourced<Vec<Tier>>,
    /// Only checks that some layer overrides appear here.
    pub checks: BTreeMap<String, CheckOverrideResolved>,
    /// The options every service shares; [`Policy::options_for`] adds the tier-dependent ones.
    pub options: CheckOptions,
    /// The fewest replicas, for tiers 0, 1 and 2. CAP-003.
    pub min_replicas: BTreeMap<Tier, Sourced<u32>>,
    /// Tiers that require mTLS between services. SEC-010.
    pub mtls_tiers: Sourced<Vec<Tier>>,
    /// Tiers that require images pinned by digest. SEC-007.
    pub image_digest_tiers: Sourced<Vec<Tier>>,
    /// Longest waiver, in days from the review date, for tiers 0, 1 and 2.
    pub waiver_max_days: BTreeMap<Tier, Sourced<u32>>,
    pub approvers: Sourced<Vec<Approver>>,
    pub override_roles: Sourced<Vec<String>>,
    pub signoff_roles: Sourced<Vec<String>>,
    /// Every layer's `baseline_notes`, organisation first.
    pub baseline_notes: Vec<BaselineNote>,
    pub justification: Option<Justification>,
    /// `ledger.require_signatures` as a layer set it; see [`Policy::signatures_required`].
    pub require_signatures: Option<Sourced<bool>>,
    /// `ledger.head`: the head the ledger must still contain.
    pub ledger_head: Option<LedgerPin>,
    /// Where each gate setting (`thresholds.go`, `min_evaluated_checks`, ...) was written, for
    /// the settings a located layer set.
    pub gate_locations: BTreeMap<String, Location>,
}

/// The merged override of one check: each field from the most specific layer that set it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, JsonSchema)]
pub struct CheckOverrideResolved {
    pub severity: Option<Sourced<Severity>>,
    pub tiers: Option<Sourced<TierMatrix>>,
    pub enabled: Option<Sourced<bool>>,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            go_threshold: Sourced::default(90.0),
            conditional_threshold: Sourced::default(70.0),
            allow_unsafe_thresholds: Sourced::default(false),
            weights: Category::ALL
                .into_iter()
                .map(|c| (c, Sourced::default(1.0)))
                .collect(),
            hard_blocker_categories: Sourced::default(vec![Category::Security]),
            min_evaluated_checks: Sourced::default(3),
            require_evidence: Sourced::default(vec![Tier::T0]),
            checks: BTreeMap::new(),
            options: CheckOptions::default(),
            min_replicas: Tier::ALL
                .into_iter()
                .map(|t| (t, Sourced::default(if t == Tier::T0 { 3 } else { 2 })))
                .collect(),
            mtls_tiers: Sourced::default(vec![Tier::T0]),
            image_digest_tiers: Sourced::default(vec![Tier::T0]),
            waiver_max_days: Tier::ALL
                .into_iter()
                .map(|t| (t, Sourced::default(if t == Tier::T0 { 30 } else { 90 })))
                .collect(),
            approvers: Sourced::default(Vec::new()),
            override_roles: Sourced::default(strings(&["vp"])),
            signoff_roles: Sourced::default(strings(&["engineering", "sre", "security"])),
            baseline_notes: Vec::new(),
            justification: None,
            require_signatures: None,
            ledger_head: None,
            gate_locations: BTreeMap::new(),
        }
    }
}

/// A parsed policy layer with its location, ready to merge.
#[derive(Debug, Clone)]
pub struct LocatedLayer {
    pub layer: PolicyLayer,
    pub source: PolicySource,
    /// The file and the JSON pointer of the layer's root inside it (`` or `/policy`).
    pub located: Option<(Located, String)>,
}

impl LocatedLayer {
    /// Parses an organisation policy file.
    pub fn parse_file(file: SourceFile) -> Result<LocatedLayer, ConfigErrors> {
        let (value, spans) = yaml::load(&file)?;
        let located = Located { file, spans };
        let layer: PolicyLayer = deserialize(value, &located)?;
        Ok(LocatedLayer {
            layer,
            source: PolicySource::File(located.file.path.clone()),
            located: Some((located, String::new())),
        })
    }

    fn error(&self, pointer: &str, what: impl fmt::Display) -> ConfigError {
        match &self.located {
            Some((l, root)) => l.error_at(&format!("{root}{pointer}"), what),
            None => ConfigError::plain(format!("{}: {what}", self.source)),
        }
    }

    /// Where the node at `pointer` (relative to the layer's root) is written, if the layer has
    /// a file and the node exists in it.
    fn location(&self, pointer: &str) -> Option<Location> {
        let (l, root) = self.located.as_ref()?;
        let full = format!("{root}{pointer}");
        l.spans.get(&full)?;
        let (line, column) = l.line_col(&full)?;
        Some(Location::new(l.file.path.clone(), line, column))
    }

    fn error_value(&self, pointer: &str, what: impl fmt::Display) -> ConfigError {
        match &self.located {
            Some((l, root)) => l.error_at_value(&format!("{root}{pointer}"), what),
            None => ConfigError::plain(format!("{}: {what}", self.source)),
        }
    }
}

impl Policy {
    /// Merges layers over the defaults (later layers win) and validates the result.
    /// `known_checks` are the registered check IDs, to refuse overrides of checks that do not exist.
    pub fn resolve(layers: &[LocatedLayer], known_checks: &[&str]) -> Result<Policy, ConfigErrors> {
        let mut p = Policy::default();
        let mut errors = Vec::new();
        // Where the effective thresholds were set, to point errors at the right line.
        let mut go_at: Option<usize> = None;
        let mut cond_at: Option<usize> = None;
        for (i, l) in layers.iter().enumerate() {
            let src = &l.source;
            let set = |v| Sourced {
                value: v,
                source: src.clone(),
            };
            let layer = &l.layer;
            let mut locate = |key: &str, pointer: &str| match l.location(pointer) {
                Some(at) => {
                    p.gate_locations.insert(key.to_string(), at);
                }
                None => {
                    p.gate_locations.remove(key);
                }
            };
            if let Some(t) = &layer.thresholds {
                if t.go.is_some() {
                    locate("thresholds.go", "/thresholds/go");
                }
                if t.conditional.is_some() {
                    locate("thresholds.conditional", "/thresholds/conditional");
                }
            }
            if layer.allow_unsafe_thresholds.is_some() {
                locate("allow_unsafe_thresholds", "/allow_unsafe_thresholds");
            }
            if layer.hard_blocker_categories.is_some() {
                locate("hard_blocker_categories", "/hard_blocker_categories");
            }
            if layer.min_evaluated_checks.is_some() {
                locate("min_evaluated_checks", "/min_evaluated_checks");
            }
            if layer.require_evidence.is_some() {
                locate("require_evidence", "/require_evidence");
            }
            if let Some(t) = &layer.thresholds {
                if let Some(g) = t.go {
                    p.go_threshold = set(g);
                    go_at = Some(i);
                }
                if let Some(c) = t.conditional {
                    p.conditional_threshold = set(c);
                    cond_at = Some(i);
                }
            }
            if let Some(a) = layer.allow_unsafe_thresholds {
                p.allow_unsafe_thresholds = Sourced {
                    value: a,
                    source: src.clone(),
                };
            }
            errors.extend(resolve_governance(&mut p, l));
            for (c, w) in &layer.weights {
                if !(w.is_finite() && *w >= 0.0) {
                    errors.push(
                        l.error_value(
                            &format!("/weights/{}", c.key()),
                            format!("weight {w} for {c} is not a number of 0 or more"),
                        )
                        .help("use 0 to leave a category out of the score, 1 for the default"),
                    );
                }
                p.weights.insert(
                    *c,
                    Sourced {
                        value: *w,
                        source: src.clone(),
                    },
                );
            }
            if let Some(h) = &layer.hard_blocker_categories {
                let mut h = h.clone();
                h.sort();
                h.dedup();
                p.hard_blocker_categories = Sourced {
                    value: h,
                    source: src.clone(),
                };
            }
            if let Some(m) = layer.min_evaluated_checks {
                if m == 0 {
                    errors.push(
                        l.error_value(
                            "/min_evaluated_checks",
                            "a minimum of 0 checks lets an empty review pass",
                        )
                        .help("use at least 1 (the default is 3)"),
                    );
                }
                p.min_evaluated_checks = Sourced {
                    value: m,
                    source: src.clone(),
                };
            }
            errors.extend(resolve_tier_options(&mut p, l));
            if let Some(r) = &layer.require_evidence {
                let mut r = r.clone();
                r.sort();
                r.dedup();
                p.require_evidence = Sourced {
                    value: r,
                    source: src.clone(),
                };
            }
            for (id, o) in &layer.checks {
                let ptr = format!("/checks/{}", yaml::escape_segment(id));
                if !known_checks.contains(&id.as_str()) {
                    let mut e = l.error(&ptr, format!("unknown check `{id}`"));
                    e = match launchgate_core::nearest(id, known_checks.iter().copied()) {
                        Some(s) => e.help(format!(
                            "did you mean `{s}`? `launchgate checks` lists every check"
                        )),
                        None => e.help("`launchgate checks` lists every check"),
                    };
                    errors.push(e);
                    continue;
                }
                let entry = p.checks.entry(id.clone()).or_default();
                if let Some(s) = o.severity {
                    entry.severity = Some(Sourced {
                        value: s,
                        source: src.clone(),
                    });
                }
                if let Some(t) = o.tiers {
                    entry.tiers = Some(Sourced {
                        value: t.0,
                        source: src.clone(),
                    });
                }
                if let Some(e) = o.enabled {
                    entry.enabled = Some(Sourced {
                        value: e,
                        source: src.clone(),
                    });
                }
            }
            for (i, n) in layer.baseline_notes.iter().flatten().enumerate() {
                let commit_ok = (7..=40).contains(&n.commit.len())
                    && n.commit.bytes().all(|b| b.is_ascii_hexdigit());
                if !BASELINE_FIGURES.contains(&n.figure.as_str()) {
                    errors.push(
                        l.error_value(
                            &format!("/baseline_notes/{i}/figure"),
                            format!("`{}` is not a figure launchgate measures", n.figure),
                        )
                        .help("write `coverage` or `tests`"),
                    );
                } else if !commit_ok {
                    errors.push(
                        l.error_value(
                            &format!("/baseline_notes/{i}/commit"),
                            format!("`{}` is not a commit", n.commit),
                        )
                        .help("write the commit's hash, 7 to 40 hex digits (`git rev-parse --short HEAD`)"),
                    );
                } else if n.note.trim().is_empty() {
                    errors.push(
                        l.error_value(&format!("/baseline_notes/{i}/note"), "the note is empty")
                            .help("say what changed in the measurement and why the new figure is right"),
                    );
                } else {
                    p.baseline_notes.push(BaselineNote {
                        figure: n.figure.clone(),
                        commit: n.commit.to_ascii_lowercase(),
                        note: n.note.trim().to_string(),
                    });
                }
            }
            let o = &mut p.options;
            if let Some(a) = layer.accept_in_code {
                o.accept_in_code = a;
            }
            let opts: [(&str, Option<u32>, &mut u32); 8] = [
                (
                    "restore_test_max_age_days",
                    layer.restore_test_max_age_days,
                    &mut o.restore_test_max_age_days,
                ),
                (
                    "backup_retention_min_days",
                    layer.backup_retention_min_days,
                    &mut o.backup_retention_min_days,
                ),
                (
                    "rollback_test_max_age_days",
                    layer.rollback_test_max_age_days,
                    &mut o.rollback_test_max_age_days,
                ),
                (
                    "secret_rotation_max_days",
                    layer.secret_rotation_max_days,
                    &mut o.secret_rotation_max_days,
                ),
                (
                    "load_test_max_age_days",
                    layer.load_test_max_age_days,
                    &mut o.load_test_max_age_days,
                ),
                (
                    "failure_injection_max_age_days",
                    layer.failure_injection_max_age_days,
                    &mut o.failure_injection_max_age_days,
                ),
                ("max_retries", layer.max_retries, &mut o.max_retries),
                (
                    "report_max_age_days",
                    layer.report_max_age_days,
                    &mut o.report_max_age_days,
                ),
            ];
            for (key, v, slot) in opts {
                if let Some(v) = v {
                    if v == 0 && key != "max_retries" {
                        errors.push(
                            l.error_value(
                                &format!("/{key}"),
                                format!("`{key}` of 0 cannot be met"),
                            )
                            .help("use a positive number of days"),
                        );
                    }
                    *slot = v;
                }
            }
            if let Some(f) = layer.load_test_factor {
                if !(f.is_finite() && f >= 1.0) {
                    errors.push(
                        l.error_value(
                            "/load_test_factor",
                            format!("load-test factor {f} is below 1"),
                        )
                        .help("the default is 10 (test at ten times peak traffic)"),
                    );
                }
                o.load_test_factor = f;
            }
            if let Some(c) = layer.coverage_min_percent {
                if !(c.is_finite() && (0.0..=100.0).contains(&c)) {
                    errors.push(
                        l.error_value(
                            "/coverage_min_percent",
                            format!("coverage minimum {c}% is not a percentage"),
                        )
                        .help("use a number from 0 to 100; the default is 80"),
                    );
                }
                o.coverage_min_percent = c;
            }
            if let Some(prefixes) = &layer.runbook_url_prefixes {
                for (url, dir) in prefixes {
                    if !(url.starts_with("https://") || url.starts_with("http://")) {
                        errors.push(
                            l.error_value(
                                "/runbook_url_prefixes",
                                format!("runbook URL prefix `{url}` is not an http(s) URL"),
                            )
                            .help("map a URL prefix to a repository folder, e.g. `https://runbooks.acme.dev/: docs/runbooks/`"),
                        );
                    }
                    if dir.starts_with('/') || dir.split('/').any(|p| p == "..") {
                        errors.push(
                            l.error_value(
                                "/runbook_url_prefixes",
                                format!("runbook folder `{dir}` is not inside the repository"),
                            )
                            .help("use a repository-relative folder such as `docs/runbooks/`"),
                        );
                    }
                }
                o.runbook_url_prefixes.clone_from(prefixes);
            }
            if let Some(sections) = &layer.runbook_sections {
                if sections.is_empty() {
                    errors.push(
                        l.error_value(
                            "/runbook_sections",
                            "`runbook_sections` is empty".to_string(),
                        )
                        .help("list at least one section, or remove the key to use the defaults"),
                    );
                }
                o.runbook_sections.clone_from(sections);
            }
            if let Some(levels) = &layer.alert_severities {
                if !levels.iter().any(|l| l.pages) {
                    errors.push(
                        l.error_value(
                            "/alert_severities",
                            "no alert severity level has `pages: true`".to_string(),
                        )
                        .help("mark the level that must reach a pager, e.g. `{name: page, aliases: [critical], pages: true}`"),
                    );
                }
                o.alert_severities.clone_from(levels);
            }
        }
        let (go, cond) = (p.go_threshold.value, p.conditional_threshold.value);
        let at = |which: Option<usize>, key: &str, what: String| match which {
            Some(i) => layers[i].error_value(&format!("/thresholds/{key}"), what),
            None => ConfigError::plain(what),
        };
        if !(cond > 0.0 && cond <= go && go <= 100.0) {
            let (which, key) = if cond <= 0.0 || cond > go {
                (cond_at.or(go_at), "conditional")
            } else {
                (go_at, "go")
            };
            errors.push(
                at(which, key, format!("thresholds must satisfy 0 < conditional <= go <= 100; got conditional {cond}, go {go}"))
                    .help("the defaults are go 90 and conditional 70; a zero threshold approves every service"),
            );
        } else if cond < THRESHOLD_FLOOR && !p.allow_unsafe_thresholds.value {
            errors.push(
                at(cond_at.or(go_at), "conditional", format!("threshold {cond}% is below the {THRESHOLD_FLOOR}% floor"))
                    .help("raise it, or set `allow_unsafe_thresholds: true` (the review then says so in every output)"),
            );
        }
        if errors.is_empty() {
            Ok(p)
        } else {
            errors.sort_by(|a, b| a.message.cmp(&b.message));
            Err(ConfigErrors { errors })
        }
    }

    /// The gate as a value, as reviews record it.
    pub fn gate_thresholds(&self) -> GateThresholds {
        GateThresholds {
            go: self.go_threshold.value,
            conditional: self.conditional_threshold.value,
            unsafe_allowed: self.thresholds_unsafe(),
            hard_blocker_categories: self.hard_blocker_categories.value.clone(),
            min_evaluated_checks: self.min_evaluated_checks.value,
            require_evidence: self.require_evidence.value.clone(),
            allow_unsafe_thresholds: self.allow_unsafe_thresholds.value,
        }
    }

    /// What OPS-010 reads: the current gate, the recorded `baseline` (from a store, if any),
    /// the justification and where each gate setting is written.
    pub fn gate(&self, baseline: Option<RecordedGate>) -> GateContext {
        GateContext {
            current: self.gate_thresholds(),
            baseline,
            justification: self.justification.clone(),
            locations: self.gate_locations.clone(),
        }
    }

    /// The options checks read for a service of `tier`: the shared ones, with the
    /// tier-dependent ones (`min_replicas`, `mtls_tiers`, `image_digest_tiers`) resolved, so
    /// that no check decides by tier.
    pub fn options_for(&self, tier: Tier) -> CheckOptions {
        let mut o = self.options.clone();
        if let Some(n) = self.min_replicas.get(&tier) {
            o.min_replicas = n.value;
        }
        o.require_mtls = self.mtls_tiers.value.contains(&tier);
        o.mtls_tiers.clone_from(&self.mtls_tiers.value);
        o.require_image_digest = self.image_digest_tiers.value.contains(&tier);
        o
    }

    /// Longest waiver allowed for `tier`, in days from the review date.
    pub fn waiver_max_days(&self, tier: Tier) -> &Sourced<u32> {
        static DEFAULT: Sourced<u32> = Sourced {
            value: 90,
            source: PolicySource::Default,
        };
        self.waiver_max_days.get(&tier).unwrap_or(&DEFAULT)
    }

    /// The approver of that name (case-sensitive: names are identities).
    pub fn approver(&self, name: &str) -> Option<&Approver> {
        self.approvers.value.iter().find(|a| a.name == name)
    }

    /// Whether ledger events must be signed by a key listed in `approvers` to count:
    /// `ledger.require_signatures` when set, else whether the policy lists any approver.
    pub fn signatures_required(&self) -> bool {
        self.require_signatures
            .as_ref()
            .map_or(!self.approvers.value.is_empty(), |r| r.value)
    }

    /// The approver whose key is `key` (`ed25519:<base64>`), if any.
    pub fn approver_with_key(&self, key: &str) -> Option<&Approver> {
        let key = PublicKey::parse(key).ok()?;
        self.approvers.value.iter().find(|a| a.public_key == key)
    }

    /// Whether the approver holds one of the roles allowed to override a decision.
    pub fn may_override(&self, approver: &Approver) -> bool {
        self.override_roles.value.iter().any(|r| approver.holds(r))
    }

    /// Whether the thresholds are below the floor (allowed only explicitly; always reported).
    pub fn thresholds_unsafe(&self) -> bool {
        self.conditional_threshold.value < THRESHOLD_FLOOR
    }

    pub fn weight(&self, c: Category) -> f64 {
        self.weights.get(&c).map_or(1.0, |w| w.value)
    }

    pub fn requires_evidence(&self, tier: Tier) -> bool {
        self.require_evidence.value.contains(&tier)
    }

    /// A check's effective settings, from its declared defaults and the overrides.
    pub fn settings(&self, id: &str, severity: Severity, tiers: TierMatrix) -> CheckSettings {
        let o = self.checks.get(id);
        CheckSettings {
            severity: o
                .and_then(|o| o.severity.clone())
                .unwrap_or(Sourced::default(severity)),
            tiers: o
                .and_then(|o| o.tiers.clone())
                .unwrap_or(Sourced::default(tiers)),
            enabled: o
                .and_then(|o| o.enabled.clone())
                .unwrap_or(Sourced::default(true)),
        }
    }
}

/// Merges a layer's tier-dependent check options (`min_replicas`, `mtls_tiers`,
/// `image_digest_tiers`) into `p`.
fn resolve_tier_options(p: &mut Policy, l: &LocatedLayer) -> Vec<ConfigError> {
    let mut errors = Vec::new();
    let layer = &l.layer;
    for (t, n) in &layer.min_replicas {
        if *n == 0 {
            errors.push(
                l.error_value(
                    &format!("/min_replicas/{}", Tier::index(*t)),
                    "a minimum of 0 replicas lets a service run no pod at all",
                )
                .help("use at least 1 (the default is 3 for tier 0 and 2 otherwise)"),
            );
        }
        p.min_replicas.insert(
            *t,
            Sourced {
                value: *n,
                source: l.source.clone(),
            },
        );
    }
    for (list, slot) in [
        (&layer.mtls_tiers, &mut p.mtls_tiers),
        (&layer.image_digest_tiers, &mut p.image_digest_tiers),
    ] {
        if let Some(tiers) = list {
            let mut tiers = tiers.clone();
            tiers.sort();
            tiers.dedup();
            *slot = Sourced {
                value: tiers,
                source: l.source.clone(),
            };
        }
    }
    errors
}

/// Merges a layer's governance keys (waiver caps, approvers, roles, justification) into `p`.
fn resolve_governance(p: &mut Policy, l: &LocatedLayer) -> Vec<ConfigError> {
    let mut errors = Vec::new();
    let layer = &l.layer;
    let src = &l.source;
    // Who may approve is an organisation decision: a service manifest naming its own approvers
    // (or the roles that may override) could approve itself.
    if matches!(src, PolicySource::Manifest(_)) {
        for (key, set) in [
            ("approvers", layer.approvers.is_some()),
            ("override_roles", layer.override_roles.is_some()),
        ] {
            if set {
                errors.push(
                    l.error(&format!("/{key}"), format!("`{key}` cannot be set in the service manifest"))
                        .help("approvers and the roles that may override belong in the organisation policy file (`--policy FILE`), where a service team cannot approve its own overrides"),
                );
            }
        }
        if layer.ledger.is_some() {
            errors.push(
                l.error("/ledger", "`ledger` cannot be set in the service manifest")
                    .help("which ledger events count and the pinned ledger head belong in the organisation policy file (`--policy FILE`), where a service team cannot loosen them"),
            );
        }
        if !errors.is_empty() {
            return errors;
        }
    }
    for (t, d) in &layer.waiver_max_days {
        p.waiver_max_days.insert(
            *t,
            Sourced {
                value: *d,
                source: src.clone(),
            },
        );
    }
    if let Some(approvers) = &layer.approvers {
        let mut names: BTreeMap<&str, usize> = BTreeMap::new();
        let mut keys: BTreeMap<[u8; 32], usize> = BTreeMap::new();
        let mut resolved = Vec::new();
        for (i, a) in approvers.iter().enumerate() {
            let at = format!("/approvers/{i}");
            let key = match PublicKey::parse(&a.public_key) {
                Ok(k) => k,
                Err(why) => {
                    errors.push(
                        l.error_value(&format!("{at}/public_key"), format!("approver `{}`: {why}", a.name))
                            .help("write `ed25519:` and the base64 of the 32-byte public key, as `launchgate keygen` prints it"),
                    );
                    continue;
                }
            };
            if a.name.trim().is_empty() {
                errors.push(
                    l.error_value(&format!("{at}/name"), "the approver's name is empty")
                        .help("use the name overrides and sign-offs are recorded under, e.g. `alice@example.com`"),
                );
            } else if let Some(first) = names.insert(a.name.as_str(), i) {
                errors.push(
                    l.error_value(
                        &format!("{at}/name"),
                        format!("approver `{}` is listed twice", a.name),
                    )
                    .help(format!(
                        "the first entry is approvers[{first}]; merge their roles"
                    )),
                );
            }
            if a.roles.is_empty() || a.roles.iter().any(|r| r.trim().is_empty()) {
                errors.push(
                    l.error_value(
                        &format!("{at}/roles"),
                        format!("approver `{}` has no role, or an empty one", a.name),
                    )
                    .help("list the roles held, e.g. `roles: [vp]` or `roles: [sre, security]`"),
                );
            }
            if let Some(first) = keys.insert(key.0, i) {
                errors.push(
                    l.error_value(
                        &format!("{at}/public_key"),
                        format!(
                            "approver `{}` has the same public key as approvers[{first}]",
                            a.name
                        ),
                    )
                    .help("each approver signs with their own key (`launchgate keygen`)"),
                );
            }
            resolved.push(Approver {
                name: a.name.clone(),
                roles: a
                    .roles
                    .iter()
                    .map(|r| r.trim().to_ascii_lowercase())
                    .collect(),
                public_key: key,
            });
        }
        p.approvers = Sourced {
            value: resolved,
            source: src.clone(),
        };
    }
    for (key, value, slot) in [
        (
            "override_roles",
            &layer.override_roles,
            &mut p.override_roles,
        ),
        ("signoff_roles", &layer.signoff_roles, &mut p.signoff_roles),
    ] {
        let Some(roles) = value else { continue };
        if roles.iter().any(|r| r.trim().is_empty()) {
            errors.push(
                l.error_value(&format!("/{key}"), format!("`{key}` has an empty role"))
                    .help("name each role, e.g. `[vp]`"),
            );
        }
        let mut seen = Vec::new();
        for r in roles {
            let r = r.trim().to_ascii_lowercase();
            if !r.is_empty() && !seen.contains(&r) {
                seen.push(r);
            }
        }
        *slot = Sourced {
            value: seen,
            source: src.clone(),
        };
    }
    if let Some(ledger) = &layer.ledger {
        if let Some(r) = ledger.require_signatures {
            p.require_signatures = Some(Sourced {
                value: r,
                source: src.clone(),
            });
        }
        if let Some(head) = &ledger.head {
            let hash_ok = head.hash.len() == 64
                && head
                    .hash
                    .bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
            if !hash_ok {
                errors.push(
                    l.error_value("/ledger/head/hash", "the pinned ledger hash is not 64 lowercase hex digits")
                        .help("copy the head hash that `launchgate audit verify` or `audit import` prints"),
                );
            }
            if head.seq == 0 {
                errors.push(
                    l.error_value(
                        "/ledger/head/seq",
                        "the pinned ledger event's seq is 0; events are numbered from 1",
                    )
                    .help("copy the event count that `launchgate audit verify` prints"),
                );
            }
            p.ledger_head = Some(LedgerPin {
                seq: head.seq,
                hash: head.hash.clone(),
                source: src.clone(),
                location: l.location("/ledger/head"),
            });
        }
    }
    if let Some(j) = &layer.justification {
        if j.trim().is_empty() {
            errors.push(
                l.error_value("/justification", "the justification is empty")
                    .help("say why the gate is looser than before, or remove the key"),
            );
        }
        p.justification = Some(Justification {
            text: j.trim().to_string(),
            source: src.clone(),
            location: l.location("/justification"),
        });
    }
    errors
}
