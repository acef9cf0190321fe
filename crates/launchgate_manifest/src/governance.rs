//! Governance inputs: manifest waivers, the approvers a policy trusts (with their ed25519 public
//! keys), and the quality gate itself as a value that can be recorded and compared (OPS-010).

use std::collections::BTreeMap;
use std::fmt;

use base64::Engine as _;

use launchgate_core::{Category, Location, Tier};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::claims::Date;
use crate::diag::{ConfigError, Located};
use crate::policy::PolicySource;

/// A manifest waiver: a FAIL or WARN the team accepts, for a reason, until a date.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Waiver {
    /// The check it waives, by ID (e.g. `SEC-007`).
    #[schemars(extend("pattern" = "^[A-Z]{2,8}-[0-9]{3}$"))]
    pub check: String,
    /// Repository path globs (`**` allowed, `*` stays within one folder): the waiver covers only
    /// findings located in a matching file. With neither `paths` nor `resources` it covers the
    /// whole check.
    #[serde(default)]
    pub paths: Vec<String>,
    /// Resource globs matched against a finding's resource (`Deployment/checkout*`,
    /// `dependency legacy-*`). With `paths` as well, a finding must match both.
    #[serde(default)]
    pub resources: Vec<String>,
    /// Why the gap is acceptable. Required.
    #[schemars(length(min = 1))]
    pub reason: String,
    /// What kind of waiver this is.
    pub kind: WaiverKind,
    /// Who approved it.
    #[serde(default)]
    pub approved_by: Option<String>,
    /// Tracking ticket for the real fix.
    #[serde(default)]
    pub ticket: Option<String>,
    /// Last day the waiver applies (YYYY-MM-DD). Required; the policy caps how far ahead it may
    /// be (`waiver_max_days`).
    pub expires: Date,
}

/// Why a finding is waived.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum WaiverKind {
    /// The gap is real and the risk is accepted until the expiry.
    AcceptedRisk,
    /// The requirement is met another way the check cannot see.
    CompensatingControl,
    /// The requirement does not apply to this service.
    NotApplicable,
    /// The finding is wrong.
    FalsePositive,
}

impl WaiverKind {
    /// `accepted-risk`, `compensating-control`, `not-applicable`, `false-positive`.
    pub fn key(self) -> &'static str {
        match self {
            WaiverKind::AcceptedRisk => "accepted-risk",
            WaiverKind::CompensatingControl => "compensating-control",
            WaiverKind::NotApplicable => "not-applicable",
            WaiverKind::FalsePositive => "false-positive",
        }
    }
}

impl fmt::Display for WaiverKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

fn glob(pattern: &str, literal_separator: bool) -> Result<globset::GlobMatcher, globset::Error> {
    globset::GlobBuilder::new(pattern)
        .literal_separator(literal_separator)
        .backslash_escape(true)
        .build()
        .map(|g| g.compile_matcher())
}

impl Waiver {
    /// Whether the waiver names neither paths nor resources, and so covers the whole check.
    pub fn is_whole_check(&self) -> bool {
        self.paths.is_empty() && self.resources.is_empty()
    }

    /// The scope as written: path globs, then resource globs (empty for a whole-check waiver).
    pub fn scope(&self) -> Vec<String> {
        self.paths
            .iter()
            .cloned()
            .chain(self.resources.iter().map(|r| format!("resource:{r}")))
            .collect()
    }

    /// Whether the waiver covers a finding at `path` about `resource`. A whole-check waiver covers
    /// everything; a path glob needs a located finding, a resource glob a finding that names its
    /// resource. Globs that do not compile cover nothing (the manifest refuses them anyway).
    pub fn covers(&self, path: Option<&str>, resource: Option<&str>) -> bool {
        let any = |globs: &[String], value: Option<&str>, literal_separator: bool| {
            globs.is_empty()
                || value.is_some_and(|v| {
                    globs.iter().any(|g| {
                        glob(g, literal_separator)
                            .is_ok_and(|m| m.is_match(v.trim_start_matches("./")))
                    })
                })
        };
        any(&self.paths, path, true) && any(&self.resources, resource, false)
    }
}

/// Semantic errors in `waivers:`; `known_checks` (when given) refuses IDs nobody registered.
pub(crate) fn validate_waivers(
    waivers: &[Waiver],
    known_checks: Option<&[&str]>,
    at: &Located,
) -> Vec<ConfigError> {
    let mut errors = Vec::new();
    for (i, w) in waivers.iter().enumerate() {
        let p = format!("/waivers/{i}");
        let id = w.check.trim();
        if !launchgate_core::is_valid_check_id(id) || known_checks.is_some_and(|k| !k.contains(&id))
        {
            let mut e = at.error_at_value(
                &format!("{p}/check"),
                format!("unknown check `{}`", w.check),
            );
            let suggestion = known_checks.and_then(|k| {
                launchgate_core::nearest(&id.to_ascii_uppercase(), k.iter().copied())
            });
            e = match suggestion {
                Some(s) => e.help(format!("did you mean `{s}`? `launchgate checks` lists every check")),
                None => e.help("name the check by its ID, e.g. `SEC-007`; `launchgate checks` lists every check"),
            };
            errors.push(e);
        }
        if w.reason.trim().is_empty() {
            errors.push(
                at.error_at_value(&format!("{p}/reason"), "the waiver's reason is empty")
                    .help("say why the gap is acceptable, e.g. `reason: images are pinned by the deploy tool's digest resolver`"),
            );
        }
        for (key, v) in [("approved_by", &w.approved_by), ("ticket", &w.ticket)] {
            if v.as_deref().is_some_and(|s| s.trim().is_empty()) {
                errors.push(
                    at.error_at_value(&format!("{p}/{key}"), format!("`{key}` is empty"))
                        .help("fill it in, or remove the key"),
                );
            }
        }
        for (key, globs, literal) in [
            ("paths", &w.paths, true),
            ("resources", &w.resources, false),
        ] {
            for (j, g) in globs.iter().enumerate() {
                let ptr = format!("{p}/{key}/{j}");
                let bad = if g.trim().is_empty() {
                    Some("is empty".to_string())
                } else if key == "paths" && (g.starts_with('/') || g.split('/').any(|s| s == ".."))
                {
                    Some("reaches outside the repository".to_string())
                } else {
                    glob(g, literal)
                        .err()
                        .map(|e| format!("is not a valid glob ({})", e.kind()))
                };
                if let Some(why) = bad {
                    let help = if key == "paths" {
                        "use a repository-relative glob such as `deploy/legacy/**` or `infra/*.tf`"
                    } else {
                        "use a resource name or glob as findings print it, e.g. `Deployment/legacy-*`"
                    };
                    errors.push(
                        at.error_at_value(&ptr, format!("waiver glob `{g}` {why}"))
                            .help(help),
                    );
                }
            }
        }
    }
    errors
}

/// An ed25519 public key, written `ed25519:<base64 of the 32 key bytes>`.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PublicKey(pub [u8; 32]);

impl PublicKey {
    /// Parses `ed25519:<base64>` (standard alphabet, padding optional).
    pub fn parse(s: &str) -> Result<PublicKey, String> {
        let s = s.trim();
        let Some(b64) = s.strip_prefix("ed25519:") else {
            return Err(format!(
                "`{s}` is not an ed25519 public key: it must start with `ed25519:`"
            ));
        };
        let bytes = BASE64
            .decode(b64)
            .map_err(|_| format!("the key after `ed25519:` is not valid base64 (`{b64}`)"))?;
        let key: [u8; 32] = bytes.as_slice().try_into().map_err(|_| {
            format!(
                "an ed25519 public key is 32 bytes; this one decodes to {} byte{}",
                bytes.len(),
                if bytes.len() == 1 { "" } else { "s" }
            )
        })?;
        Ok(PublicKey(key))
    }
}

impl fmt::Display for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ed25519:{}", BASE64.encode(self.0))
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({self})")
    }
}

impl Serialize for PublicKey {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for PublicKey {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        PublicKey::parse(&s).map_err(serde::de::Error::custom)
    }
}

impl JsonSchema for PublicKey {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "PublicKey".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "An ed25519 public key: `ed25519:` and the base64 of its 32 bytes (`launchgate keygen` prints one).",
            "type": "string",
            "pattern": "^ed25519:[A-Za-z0-9+/]{43}=?$"
        })
    }
}

/// Standard base64; `=` padding optional on input (keys are often pasted without it), written
/// on output. Non-canonical trailing bits are refused.
const BASE64: base64::engine::GeneralPurpose = base64::engine::GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    base64::engine::GeneralPurposeConfig::new()
        .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent),
);

/// An approver as written in a policy file; its key is checked when the policy is resolved.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct ApproverEntry {
    /// The name overrides and sign-offs are recorded under.
    pub name: String,
    /// Roles held, e.g. `[vp, security]`; `override_roles` and `signoff_roles` refer to them.
    pub roles: Vec<String>,
    /// The approver's ed25519 public key, `ed25519:` and the base64 of its 32 bytes (as
    /// `launchgate keygen` prints it); a ledger entry counts only when signed by it.
    #[schemars(extend("pattern" = "^ed25519:[A-Za-z0-9+/]{43}=?$"))]
    pub public_key: String,
}

/// Someone the policy trusts to override decisions or sign reviews off.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Approver {
    /// The name overrides and sign-offs are recorded under.
    pub name: String,
    /// Roles held, e.g. `[vp, security]`; `override_roles` and `signoff_roles` refer to them.
    pub roles: Vec<String>,
    /// The approver's ed25519 public key; a ledger entry counts only when signed by it.
    pub public_key: PublicKey,
}

impl Approver {
    /// Whether the approver holds `role` (case-insensitive).
    pub fn holds(&self, role: &str) -> bool {
        self.roles
            .iter()
            .any(|r| r.trim().eq_ignore_ascii_case(role.trim()))
    }
}

/// The policy's `ledger:` section as written: which ledger events count, and the head the
/// ledger must still contain. Organisation policy file only.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct LedgerEntry {
    /// Whether ledger events must be signed by a key listed in `approvers` to count. When true,
    /// `check` ignores (with a notice) unsigned events and events signed by other keys,
    /// `check --record` needs a recorder key (`--key` or `LAUNCHGATE_RECORD_KEY`), and
    /// `audit import --policy` refuses unsigned or untrusted events. Default: true when the
    /// policy lists any approver, false otherwise.
    #[serde(default)]
    pub require_signatures: Option<bool>,
    /// A head the ledger must still contain: the event at `seq` must have `hash` (as
    /// `launchgate audit verify` prints them). Events appended after it are fine; a ledger cut
    /// off before it (truncated), or rewritten up to it (rehashed), is refused by `check` and
    /// reported by `audit verify --policy`.
    #[serde(default)]
    pub head: Option<LedgerHeadEntry>,
}

/// A pinned ledger head as written: `{seq: 12, hash: "<64 hex digits>"}`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct LedgerHeadEntry {
    /// The event's position in the ledger (1 or more).
    #[schemars(range(min = 1))]
    pub seq: u64,
    /// The event's hash: 64 lowercase hex digits.
    #[schemars(extend("pattern" = "^[0-9a-f]{64}$"))]
    pub hash: String,
}

/// A ledger head pinned by the policy, with where it is written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct LedgerPin {
    /// The pinned event's `seq`.
    pub seq: u64,
    /// The pinned event's `hash`.
    pub hash: String,
    /// The layer that pinned it.
    pub source: PolicySource,
    /// Where `ledger.head` is written, when the layer is a file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
}

impl LedgerPin {
    /// Where the pin is written, for messages: `org-policy.yaml:7:5`, or the layer's name.
    pub fn origin(&self) -> String {
        self.location
            .as_ref()
            .map_or_else(|| self.source.to_string(), ToString::to_string)
    }
}

/// The quality gate as a value: the settings that decide how hard it is to pass. Every review
/// records it (`thresholds` in the JSON), so a later review can tell whether it was loosened.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GateThresholds {
    /// Score (percent) at or above which the decision can be GO.
    pub go: f64,
    /// Score (percent) below which the decision is NO_GO.
    pub conditional: f64,
    /// The conditional threshold is below the 50% floor (allowed by `allow_unsafe_thresholds`).
    pub unsafe_allowed: bool,
    /// Categories where any FAIL forces NO_GO.
    pub hard_blocker_categories: Vec<Category>,
    /// Fewer evaluated checks than this is an error, not a decision.
    pub min_evaluated_checks: u32,
    /// Tiers whose attested-only results become WARN.
    #[serde(default = "default_require_evidence")]
    pub require_evidence: Vec<Tier>,
    /// Whether thresholds below the floor are accepted.
    #[serde(default)]
    pub allow_unsafe_thresholds: bool,
}

fn default_require_evidence() -> Vec<Tier> {
    vec![Tier::T0]
}

impl Default for GateThresholds {
    /// The built-in gate.
    fn default() -> Self {
        GateThresholds {
            go: 90.0,
            conditional: 70.0,
            unsafe_allowed: false,
            hard_blocker_categories: vec![Category::Security],
            min_evaluated_checks: 3,
            require_evidence: default_require_evidence(),
            allow_unsafe_thresholds: false,
        }
    }
}

impl GateThresholds {
    /// Each setting at the stricter of the two gates: the higher thresholds and minimum, every
    /// hard-blocker category and `require_evidence` tier of either, unsafe thresholds only when
    /// both allow them. An unverified recorded gate is combined this way with a trusted
    /// reference, so that it can raise the bar that OPS-010 compares with but never lower it.
    #[must_use]
    pub fn strictest(&self, other: &GateThresholds) -> GateThresholds {
        let union = |a: &[Category], b: &[Category]| {
            let mut v: Vec<Category> = a.iter().chain(b).copied().collect();
            v.sort();
            v.dedup();
            v
        };
        let mut tiers: Vec<Tier> = self
            .require_evidence
            .iter()
            .chain(&other.require_evidence)
            .copied()
            .collect();
        tiers.sort();
        tiers.dedup();
        GateThresholds {
            go: self.go.max(other.go),
            conditional: self.conditional.max(other.conditional),
            unsafe_allowed: self.unsafe_allowed && other.unsafe_allowed,
            hard_blocker_categories: union(
                &self.hard_blocker_categories,
                &other.hard_blocker_categories,
            ),
            min_evaluated_checks: self.min_evaluated_checks.max(other.min_evaluated_checks),
            require_evidence: tiers,
            allow_unsafe_thresholds: self.allow_unsafe_thresholds && other.allow_unsafe_thresholds,
        }
    }
}

/// A gate recorded by an earlier review (from the store), to compare the current one with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordedGate {
    pub thresholds: GateThresholds,
    /// When the review that recorded it was stored (RFC 3339).
    pub recorded_at: String,
    /// That review's date (YYYY-MM-DD).
    pub evaluated_on: String,
}

/// The policy's `justification`: why the gate was loosened, and where that is written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Justification {
    pub text: String,
    pub source: PolicySource,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
}

/// What OPS-010 reads: the gate now, the recorded baseline (if a store gave one), the policy's
/// justification, and where each current gate setting was written.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct GateContext {
    pub current: GateThresholds,
    /// `None` when no earlier review was recorded; OPS-010 then compares with the built-in gate.
    pub baseline: Option<RecordedGate>,
    pub justification: Option<Justification>,
    /// Location of each gate setting a policy layer wrote, by key (`thresholds.go`,
    /// `thresholds.conditional`, `min_evaluated_checks`, `hard_blocker_categories`,
    /// `require_evidence`, `allow_unsafe_thresholds`).
    pub locations: BTreeMap<String, Location>,
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn public_keys_round_trip_with_or_without_padding_and_refuse_malformed_text() {
        let key = PublicKey([7; 32]);
        let text = key.to_string();
        assert_eq!(text, "ed25519:BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=");
        assert_eq!(PublicKey::parse(&text), Ok(key));
        assert_eq!(PublicKey::parse(text.trim_end_matches('=')), Ok(key));
        for bad in [
            "ed25519:BwcH-wcH",
            "ed25519:Bwc",
            "ed25519:BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwd=",
        ] {
            assert!(PublicKey::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            PublicKey::parse("ed25519:Zm9vYmFy"),
            Err("an ed25519 public key is 32 bytes; this one decodes to 6 bytes".to_string())
        );
    }

    #[test]
    fn public_keys_are_ed25519_prefixed_32_bytes() {
        let text = format!("ed25519:{}", BASE64.encode([7u8; 32]));
        let key = PublicKey::parse(&text).unwrap();
        assert_eq!(key.0, [7u8; 32]);
        assert_eq!(key.to_string(), text);
        assert_eq!(
            PublicKey::parse(&BASE64.encode([7u8; 32])).unwrap_err(),
            format!(
                "`{}` is not an ed25519 public key: it must start with `ed25519:`",
                BASE64.encode([7u8; 32])
            )
        );
        assert_eq!(
            PublicKey::parse(&format!("ed25519:{}", BASE64.encode([7u8; 31]))).unwrap_err(),
            "an ed25519 public key is 32 bytes; this one decodes to 31 bytes"
        );
        assert_eq!(
            PublicKey::parse("ed25519:not base64!").unwrap_err(),
            "the key after `ed25519:` is not valid base64 (`not base64!`)"
        );
    }

    fn waiver(paths: &[&str], resources: &[&str]) -> Waiver {
        Waiver {
            check: "SEC-007".into(),
            paths: paths.iter().map(ToString::to_string).collect(),
            resources: resources.iter().map(ToString::to_string).collect(),
            reason: "r".into(),
            kind: WaiverKind::AcceptedRisk,
            approved_by: None,
            ticket: None,
            expires: Date(jiff::civil::date(2026, 12, 1)),
        }
    }

    #[test]
    fn the_strictest_of_two_gates_takes_each_setting_from_the_stricter_side() {
        let builtin = GateThresholds::default();
        let loose = GateThresholds {
            go: 60.0,
            conditional: 40.0,
            unsafe_allowed: true,
            hard_blocker_categories: vec![],
            min_evaluated_checks: 1,
            require_evidence: vec![],
            allow_unsafe_thresholds: true,
        };
        assert_eq!(builtin.strictest(&loose), builtin);
        assert_eq!(loose.strictest(&builtin), builtin);
        let strict = GateThresholds {
            go: 95.0,
            hard_blocker_categories: vec![Category::Data, Category::Security],
            require_evidence: vec![Tier::T1],
            ..loose
        };
        let both = builtin.strictest(&strict);
        assert_eq!((both.go, both.conditional), (95.0, 70.0));
        assert_eq!(
            both.hard_blocker_categories,
            [Category::Data, Category::Security]
        );
        assert_eq!(both.require_evidence, [Tier::T0, Tier::T1]);
        assert_eq!(both.min_evaluated_checks, 3);
        assert!(!both.allow_unsafe_thresholds && !both.unsafe_allowed);
    }

    #[test]
    fn waivers_cover_by_path_and_resource_globs() {
        let whole = waiver(&[], &[]);
        assert!(whole.covers(None, None));
        let legacy = waiver(&["deploy/legacy/**"], &[]);
        assert!(legacy.covers(Some("deploy/legacy/a/b.yaml"), None));
        assert!(!legacy.covers(Some("deploy/api.yaml"), None));
        assert!(
            !legacy.covers(None, Some("Deployment/x")),
            "unlocated finding"
        );
        let star = waiver(&["deploy/*.yaml"], &[]);
        assert!(star.covers(Some("deploy/a.yaml"), None));
        assert!(
            !star.covers(Some("deploy/sub/a.yaml"), None),
            "`*` stays in its folder"
        );
        let res = waiver(&[], &["Deployment/legacy-*"]);
        assert!(res.covers(None, Some("Deployment/legacy-api container app")));
        assert!(!res.covers(None, Some("Deployment/api")));
        let both = waiver(&["deploy/**"], &["Deployment/legacy-*"]);
        assert!(both.covers(Some("deploy/x.yaml"), Some("Deployment/legacy-x")));
        assert!(!both.covers(Some("infra/x.tf"), Some("Deployment/legacy-x")));
        assert_eq!(both.scope(), ["deploy/**", "resource:Deployment/legacy-*"]);
    }
}
