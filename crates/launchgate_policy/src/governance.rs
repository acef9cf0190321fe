//! Overrides and sign-offs from the audit ledger, resolved purely against the policy's
//! approvers. An override never rewrites results: it sets the final decision beside the computed
//! one, and every override that does not count is listed with the exact reason.

use std::cmp::Reverse;

use launchgate_core::Status;
use launchgate_manifest::{Approver, Policy, PublicKey};
use serde::{Deserialize, Serialize};

use crate::{CheckResult, TraceEntry, Verdict};

/// The role whose co-signature an override needs when a hard-blocker category has a FAIL.
pub const SECURITY_ROLE: &str = "security";

/// The role whose key signs recorded reviews (`check --record --key`): CI's own role. A
/// recorded review counts as a trusted gate baseline and history point only when an approver
/// holding it signed the event with the key the policy lists for them.
pub const RECORDER_ROLE: &str = "ci";

/// How many characters of an event hash reports show.
pub const HASH_PREFIX: usize = 12;

/// An override event as the ledger holds it (built by the CLI from the store).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LedgerOverride {
    /// The decision it forces.
    pub decision: Verdict,
    pub approver: String,
    /// The key that signed the event (`ed25519:<base64>`), `None` when unsigned.
    pub public_key: Option<String>,
    /// Whether the event's signature verifies with `public_key`.
    pub signature_valid: bool,
    pub reason: String,
    /// Last day it applies (YYYY-MM-DD).
    pub expires: String,
    /// When it was recorded (RFC 3339).
    pub recorded_at: String,
    pub event_hash: String,
}

/// A sign-off event as the ledger holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LedgerSignoff {
    pub role: String,
    pub approver: String,
    pub public_key: Option<String>,
    pub signature_valid: bool,
    pub note: Option<String>,
    /// The content hash of the review that was signed off.
    pub content_hash: String,
    pub recorded_at: String,
    pub event_hash: String,
}

/// An override event from the ledger and whether it set the final decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OverrideView {
    pub decision: Verdict,
    pub approver: String,
    /// The approver's roles in the policy at review time (empty when unknown).
    #[serde(default)]
    pub roles: Vec<String>,
    pub reason: String,
    pub expires: String,
    /// When it was recorded (RFC 3339).
    pub recorded_at: String,
    /// Hash of the ledger event, for `launchgate audit log`.
    pub event_hash: String,
    /// This override set the final decision.
    pub applied: bool,
    /// Why it was not applied (unsigned, bad signature, unknown approver, key not in policy,
    /// role not allowed, expired, needs security co-sign, superseded).
    #[serde(default)]
    pub refused: Option<String>,
    /// On the applied override, when a hard-blocker FAIL required it: the approver whose
    /// override supplied the security co-signature (themselves, if they hold both roles).
    #[serde(default)]
    pub cosigned_by: Option<String>,
    /// This override counted as the security co-signature of the applied one.
    #[serde(default)]
    pub cosign: bool,
}

/// A sign-off from the ledger, newest per role and approver.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignoffView {
    pub role: String,
    pub approver: String,
    #[serde(default)]
    pub note: Option<String>,
    pub recorded_at: String,
    pub event_hash: String,
    /// Given on results whose content hash differs from this review's.
    pub stale: bool,
    /// Why it does not count (unsigned, bad signature, unknown approver, key not in policy,
    /// role not held, not a sign-off role), if so.
    #[serde(default)]
    pub refused: Option<String>,
}

/// The overrides resolved: the final decision, every override with its fate, and trace entries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverrideResolution {
    /// The applied override's decision, or the computed one.
    pub decision: Verdict,
    /// Newest first.
    pub views: Vec<OverrideView>,
    /// `override-refused` entries (information), then `override` when one applied.
    pub trace: Vec<TraceEntry>,
}

/// First characters of an event hash.
pub fn short_hash(h: &str) -> &str {
    h.get(..HASH_PREFIX).unwrap_or(h)
}

/// Why a signed ledger event does not come from the approver it names, if it does not.
fn identity_problem<'p>(
    policy: &'p Policy,
    approver: &str,
    public_key: Option<&str>,
    signature_valid: bool,
) -> Result<&'p Approver, String> {
    let Some(key) = public_key.filter(|k| !k.trim().is_empty()) else {
        return Err("unsigned: the ledger event carries no signature".to_string());
    };
    if !signature_valid {
        return Err("bad signature: the event's signature does not verify".to_string());
    }
    let Some(a) = policy.approver(approver) else {
        return Err(format!(
            "unknown approver: `{approver}` is not in the policy's approvers ({})",
            policy.approvers.source
        ));
    };
    if PublicKey::parse(key).ok() != Some(a.public_key) {
        return Err(format!(
            "key not in policy: signed with a key that is not `{approver}`'s key in the policy ({})",
            policy.approvers.source
        ));
    }
    Ok(a)
}

/// Whether a recorded review comes from a recorder the policy trusts: signed (`public_key`
/// present and `signature_valid`) by the approver named `signer`, with the key the policy lists
/// for them, who holds [`RECORDER_ROLE`]. `Err` says why not, in the words of the other
/// refusals (`unsigned: …`, `key not in policy: …`, `role not held: …`).
pub fn recorder_problem<'p>(
    policy: &'p Policy,
    signer: Option<&str>,
    public_key: Option<&str>,
    signature_valid: bool,
) -> Result<&'p Approver, String> {
    let a = identity_problem(
        policy,
        signer.unwrap_or_default(),
        public_key,
        signature_valid,
    )?;
    if a.holds(RECORDER_ROLE) {
        Ok(a)
    } else {
        Err(format!(
            "role not held: `{}` holds {}; recording reviews needs `{RECORDER_ROLE}` ({})",
            a.name,
            list(&a.roles),
            policy.approvers.source
        ))
    }
}

fn list(roles: &[String]) -> String {
    format!("[{}]", roles.join(", "))
}

/// RFC 3339 time for ordering; unparseable times sort oldest.
fn when(recorded_at: &str) -> Option<jiff::Timestamp> {
    recorded_at.parse().ok()
}

/// Whether `o` is validly signed by a known approver and unexpired; the approver if so.
fn valid_unexpired<'p>(
    o: &LedgerOverride,
    policy: &'p Policy,
    today: jiff::civil::Date,
) -> Result<&'p Approver, String> {
    let a = identity_problem(
        policy,
        &o.approver,
        o.public_key.as_deref(),
        o.signature_valid,
    )?;
    match o.expires.trim().parse::<jiff::civil::Date>() {
        Err(_) => Err(format!(
            "bad expiry: `{}` is not a date (YYYY-MM-DD)",
            o.expires
        )),
        Ok(d) if d < today => Err(format!("expired on {d}")),
        Ok(_) => Ok(a),
    }
}

/// Resolves the ledger's overrides against the policy. An override applies when it is validly
/// signed, unexpired (`expires >= today`), its approver is in the policy with the same public
/// key and holds one of `override_roles`; when a FAIL sits in a hard-blocker category it also
/// needs a valid unexpired override to the same decision from an approver holding `security`
/// (one approver holding both roles suffices). The newest applicable override wins.
pub fn resolve_overrides(
    computed: Verdict,
    results: &[CheckResult],
    overrides: &[LedgerOverride],
    policy: &Policy,
    today: jiff::civil::Date,
) -> OverrideResolution {
    let mut order: Vec<&LedgerOverride> = overrides.iter().collect();
    order.sort_by_key(|o| {
        Reverse((
            when(&o.recorded_at),
            o.recorded_at.clone(),
            o.event_hash.clone(),
        ))
    });

    let hard_fails: Vec<&str> = results
        .iter()
        .filter(|r| {
            r.status == Status::Fail && policy.hard_blocker_categories.value.contains(&r.category)
        })
        .map(|r| r.id.as_str())
        .collect();

    // Each override on its own: identity, authority, time.
    let own: Vec<Result<&Approver, String>> = order
        .iter()
        .map(|o| {
            let a = valid_unexpired(o, policy, today)?;
            if !policy.may_override(a) {
                return Err(format!(
                    "role not allowed: `{}` holds {}; overriding needs one of {} ({})",
                    a.name,
                    list(&a.roles),
                    list(&policy.override_roles.value),
                    policy.override_roles.source
                ));
            }
            Ok(a)
        })
        .collect();
    // Security co-signatures: valid, unexpired overrides by approvers holding `security`.
    let cosigners: Vec<Option<&Approver>> = order
        .iter()
        .map(|o| {
            valid_unexpired(o, policy, today)
                .ok()
                .filter(|a| a.holds(SECURITY_ROLE))
        })
        .collect();

    let mut applied: Option<(usize, Option<usize>)> = None;
    let mut refusals: Vec<Option<String>> = vec![None; order.len()];
    for (i, o) in order.iter().enumerate() {
        if let Err(why) = &own[i] {
            refusals[i] = Some(why.clone());
            continue;
        }
        if let Some((winner, _)) = applied {
            refusals[i] = Some(format!(
                "superseded by the newer override {}",
                short_hash(&order[winner].event_hash)
            ));
            continue;
        }
        // Forcing NO_GO loosens nothing; only a more lenient decision needs the co-sign.
        if hard_fails.is_empty() || o.decision == Verdict::NoGo {
            applied = Some((i, None));
            continue;
        }
        // Prefer the override's own approver, then the newest other co-signer.
        let cosign = if cosigners[i].is_some() {
            Some(i)
        } else {
            (0..order.len()).find(|&j| cosigners[j].is_some() && order[j].decision == o.decision)
        };
        match cosign {
            Some(j) => applied = Some((i, Some(j))),
            None => {
                refusals[i] = Some(format!(
                    "needs security co-sign: {} failed in a hard-blocker category ({}), so an override to {} also needs a valid, unexpired override to {} from an approver holding `{SECURITY_ROLE}`",
                    hard_fails.join(", "),
                    policy.hard_blocker_categories.source,
                    o.decision.label(),
                    o.decision.label()
                ));
            }
        }
    }

    let mut views = Vec::new();
    let mut trace = Vec::new();
    for (i, o) in order.iter().enumerate() {
        let roles = policy
            .approver(&o.approver)
            .map(|a| a.roles.clone())
            .unwrap_or_default();
        let is_applied = applied.is_some_and(|(w, _)| w == i);
        let cosign_of_applied = applied.is_some_and(|(w, c)| c == Some(i) && w != i);
        let refused = if is_applied || cosign_of_applied {
            None
        } else {
            refusals[i].clone()
        };
        let cosigned_by = match applied {
            Some((w, Some(c))) if w == i => Some(order[c].approver.clone()),
            _ => None,
        };
        if let Some(why) = &refused {
            trace.push(TraceEntry {
                rule: "override-refused".to_string(),
                effect: None,
                check: None,
                message: format!(
                    "override to {} by {} (event {}) not applied: {why}",
                    o.decision.label(),
                    o.approver,
                    short_hash(&o.event_hash)
                ),
            });
        }
        views.push(OverrideView {
            decision: o.decision,
            approver: o.approver.clone(),
            roles,
            reason: o.reason.clone(),
            expires: o.expires.clone(),
            recorded_at: o.recorded_at.clone(),
            event_hash: o.event_hash.clone(),
            applied: is_applied,
            refused,
            cosigned_by,
            cosign: cosign_of_applied,
        });
    }
    let decision = match applied {
        Some((w, c)) => {
            let o = order[w];
            let v = &views[w];
            let cosign = match c {
                Some(c) if c != w => format!(
                    "; co-signed by {} (event {})",
                    order[c].approver,
                    short_hash(&order[c].event_hash)
                ),
                Some(_) => format!("; {} also holds `{SECURITY_ROLE}`", o.approver),
                None => String::new(),
            };
            trace.push(TraceEntry {
                rule: "override".to_string(),
                effect: Some(o.decision),
                check: None,
                message: format!(
                    "decision overridden to {} by {} ({}) until {}: {}; computed {}{cosign}; event {}",
                    o.decision.label(),
                    o.approver,
                    v.roles.join(", "),
                    o.expires,
                    o.reason,
                    computed.label(),
                    short_hash(&o.event_hash)
                ),
            });
            o.decision
        }
        None => computed,
    };
    OverrideResolution {
        decision,
        views,
        trace,
    }
}

/// Resolves sign-offs: the newest per (role, approver); `stale` when it signed other results
/// than `content_hash`; refused when the signature, the approver, their key or their role does
/// not check out. Ordered by the policy's `signoff_roles`, then role, then approver.
pub fn resolve_signoffs(
    content_hash: &str,
    signoffs: &[LedgerSignoff],
    policy: &Policy,
) -> Vec<SignoffView> {
    let mut newest: Vec<&LedgerSignoff> = Vec::new();
    let mut sorted: Vec<&LedgerSignoff> = signoffs.iter().collect();
    sorted.sort_by_key(|s| {
        Reverse((
            when(&s.recorded_at),
            s.recorded_at.clone(),
            s.event_hash.clone(),
        ))
    });
    for s in sorted {
        let role = s.role.trim().to_ascii_lowercase();
        if !newest
            .iter()
            .any(|n| n.approver == s.approver && n.role.trim().to_ascii_lowercase() == role)
        {
            newest.push(s);
        }
    }
    let roles = &policy.signoff_roles;
    let mut views: Vec<SignoffView> = newest
        .into_iter()
        .map(|s| {
            let role = s.role.trim().to_ascii_lowercase();
            let refused = match identity_problem(
                policy,
                &s.approver,
                s.public_key.as_deref(),
                s.signature_valid,
            ) {
                Err(why) => Some(why),
                Ok(_) if !roles.value.contains(&role) => Some(format!(
                    "not a sign-off role: `{role}` is not in the policy's signoff_roles {} ({})",
                    list(&roles.value),
                    roles.source
                )),
                Ok(a) if !a.holds(&role) => Some(format!(
                    "role not held: `{}` holds {}, not `{role}`",
                    a.name,
                    list(&a.roles)
                )),
                Ok(_) => None,
            };
            SignoffView {
                role,
                approver: s.approver.clone(),
                note: s.note.clone(),
                recorded_at: s.recorded_at.clone(),
                event_hash: s.event_hash.clone(),
                stale: s.content_hash != content_hash,
                refused,
            }
        })
        .collect();
    let rank = |role: &str| {
        roles
            .value
            .iter()
            .position(|r| r == role)
            .unwrap_or(usize::MAX)
    };
    views.sort_by(|a, b| {
        (rank(&a.role), &a.role, &a.approver).cmp(&(rank(&b.role), &b.role, &b.approver))
    });
    views
}
