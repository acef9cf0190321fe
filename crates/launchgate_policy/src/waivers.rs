//! Manifest waivers applied to results: a FAIL or WARN whose findings a valid waiver covers
//! becomes WAIVED (never a pass, never hidden); expired, over-long and unmatched waivers are
//! reported, not silently dropped.

use launchgate_core::{Location, Status, Tier};
use launchgate_manifest::{Policy, ServiceManifest, Waiver};
use serde::{Deserialize, Serialize};

use crate::{AppliedWaiver, CheckResult, TraceEntry};

/// Applied waivers expiring within this many days of the review date are flagged.
pub const EXPIRING_SOON_DAYS: i64 = 14;

/// A manifest waiver and what became of it in this review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WaiverView {
    pub check: String,
    /// Path globs, then `resource:` globs, the waiver is limited to; empty means the whole check.
    #[serde(default)]
    pub scope: Vec<String>,
    /// `accepted-risk`, `compensating-control`, `not-applicable` or `false-positive`.
    pub kind: String,
    pub reason: String,
    /// Last day the waiver applies (YYYY-MM-DD).
    pub expires: String,
    #[serde(default)]
    pub approved_by: Option<String>,
    #[serde(default)]
    pub ticket: Option<String>,
    /// `applied`, `expired`, `unmatched` (nothing to waive) or `refused` (longer than the
    /// policy allows for this tier).
    pub state: WaiverState,
    /// Applied and expiring within 14 days of the review date.
    #[serde(default)]
    pub expiring_soon: bool,
    /// One line: what happened and why.
    pub message: String,
    /// Where the waiver is declared.
    #[serde(default)]
    pub location: Option<Location>,
}

/// What became of a waiver.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum WaiverState {
    Applied,
    Expired,
    Unmatched,
    Refused,
}

impl WaiverState {
    /// `APPLIED`, `EXPIRED`, `UNMATCHED`, `REFUSED`.
    pub fn label(self) -> &'static str {
        match self {
            WaiverState::Applied => "APPLIED",
            WaiverState::Expired => "EXPIRED",
            WaiverState::Unmatched => "UNMATCHED",
            WaiverState::Refused => "REFUSED",
        }
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A reason as a clause inside a longer message: trimmed, without its final full stop.
fn clause(reason: &str) -> &str {
    reason.trim().trim_end_matches('.')
}

fn days_between(from: jiff::civil::Date, to: jiff::civil::Date) -> i64 {
    from.until(to).map_or(0, |s| i64::from(s.get_days()))
}

/// Who approved it and the ticket, as `, approved by X, ticket T` (empty when neither).
fn provenance(w: &Waiver) -> String {
    let mut s = String::new();
    if let Some(a) = &w.approved_by {
        s.push_str(", approved by ");
        s.push_str(a);
    }
    if let Some(t) = &w.ticket {
        s.push_str(", ticket ");
        s.push_str(t);
    }
    s
}

/// A waiver that passed the date rules, with what it covers.
struct Candidate<'a> {
    index: usize,
    waiver: &'a Waiver,
    days_left: i64,
    location: Option<Location>,
}

/// Applies the manifest's waivers to `results` (in place) and reports every waiver. Returns the
/// views, in declaration order, and the trace entries (`waived`, `waiver-expired`,
/// `waiver-refused`, `waiver-unmatched`).
pub(crate) fn apply(
    results: &mut [CheckResult],
    manifest: &ServiceManifest,
    policy: &Policy,
    tier: Tier,
    today: jiff::civil::Date,
) -> (Vec<WaiverView>, Vec<TraceEntry>) {
    let cap = policy.waiver_max_days(tier);
    let mut views: Vec<Option<WaiverView>> = vec![None; manifest.waivers.len()];
    let mut candidates = Vec::new();
    let view = |w: &Waiver, state, message: String, location: Option<Location>| WaiverView {
        check: w.check.trim().to_string(),
        scope: w.scope(),
        kind: w.kind.key().to_string(),
        reason: w.reason.trim().to_string(),
        expires: w.expires.to_string(),
        approved_by: w.approved_by.clone(),
        ticket: w.ticket.clone(),
        state,
        expiring_soon: false,
        message,
        location,
    };
    for (i, w) in manifest.waivers.iter().enumerate() {
        let location = manifest.locate(&format!("/waivers/{i}"));
        let days_left = days_between(today, w.expires.0);
        let status = results
            .iter()
            .find(|r| r.id == w.check.trim())
            .map_or("not in this review", |r| r.status.label());
        if days_left < 0 {
            views[i] = Some(view(
                w,
                WaiverState::Expired,
                format!(
                    "expired on {} ({} ago): {} keeps its {status}; renew the waiver with a new expiry or fix the check",
                    w.expires,
                    plural(usize::try_from(-days_left).unwrap_or(0), "day", "days"),
                    w.check.trim()
                ),
                location,
            ));
        } else if days_left > i64::from(cap.value) {
            views[i] = Some(view(
                w,
                WaiverState::Refused,
                format!(
                    "runs {} days to {}, longer than the {} days tier {tier} allows ({}); set `expires` to {} or earlier",
                    days_left,
                    w.expires,
                    cap.value,
                    cap.source,
                    today
                        .checked_add(jiff::Span::new().days(i64::from(cap.value)))
                        .unwrap_or(today)
                ),
                location,
            ));
        } else {
            candidates.push(Candidate {
                index: i,
                waiver: w,
                days_left,
                location,
            });
        }
    }

    let mut trace = Vec::new();
    for r in results.iter_mut() {
        let mine: Vec<&Candidate<'_>> = candidates
            .iter()
            .filter(|c| c.waiver.check.trim() == r.id)
            .collect();
        if mine.is_empty() {
            continue;
        }
        if !matches!(r.status, Status::Fail | Status::Warn) {
            for c in mine {
                views[c.index] = Some(view(
                    c.waiver,
                    WaiverState::Unmatched,
                    format!(
                        "{} is {}: nothing to waive; remove the waiver",
                        r.id,
                        r.status.label()
                    ),
                    c.location.clone(),
                ));
            }
            continue;
        }
        let total = r.findings.len();
        // Which findings each waiver covers; a whole-check waiver covers the check itself, even
        // when it has no findings (an inconclusive result).
        let covers: Vec<Vec<bool>> = mine
            .iter()
            .map(|c| {
                r.findings
                    .iter()
                    .map(|f| {
                        c.waiver.covers(
                            f.location.as_ref().map(|l| l.path.as_str()),
                            f.resource.as_deref(),
                        )
                    })
                    .collect()
            })
            .collect();
        let whole = mine.iter().any(|c| c.waiver.is_whole_check());
        let covered = (0..total).filter(|&f| covers.iter().any(|c| c[f])).count();
        let full = whole || (total > 0 && covered == total);
        let original = r.status;
        let mut first_applied: Option<&Candidate<'_>> = None;
        for (c, cov) in mine.iter().zip(&covers) {
            let n = cov.iter().filter(|b| **b).count();
            let applies = c.waiver.is_whole_check() || n > 0;
            if !applies {
                let why = if total == 0 {
                    format!(
                        "{} has no located findings for its paths or resources to match",
                        r.id
                    )
                } else {
                    format!(
                        "matches none of the {} of {}",
                        plural(total, "finding", "findings"),
                        r.id
                    )
                };
                views[c.index] = Some(view(
                    c.waiver,
                    WaiverState::Unmatched,
                    format!("{why}; {} stays {}", r.id, original.label()),
                    c.location.clone(),
                ));
                continue;
            }
            first_applied.get_or_insert(c);
            let (what, waived) = if c.waiver.is_whole_check() {
                (format!("waives {}", r.id), format!("{} waived", r.id))
            } else {
                let of = format!(
                    "{n} of {} of {}",
                    plural(total, "finding", "findings"),
                    r.id
                );
                (format!("covers {of}"), format!("{of} waived"))
            };
            let result = if full {
                format!("it is WAIVED (was {})", original.label())
            } else {
                format!("{} stays {}", r.id, original.label())
            };
            let soon = c.days_left <= EXPIRING_SOON_DAYS;
            let expiry = match c.days_left {
                0 => "expires today".to_string(),
                d => format!(
                    "expires in {}",
                    plural(usize::try_from(d).unwrap_or(0), "day", "days")
                ),
            };
            let mut v = view(
                c.waiver,
                WaiverState::Applied,
                format!("{what}: {result}; {expiry} ({})", c.waiver.expires),
                c.location.clone(),
            );
            v.expiring_soon = soon;
            views[c.index] = Some(v);
            trace.push(TraceEntry {
                rule: "waived".to_string(),
                effect: None,
                check: Some(r.id.clone()),
                message: format!(
                    "{waived} until {} ({}{}): {}{}",
                    c.waiver.expires,
                    c.waiver.kind,
                    provenance(c.waiver),
                    clause(&c.waiver.reason),
                    if soon {
                        format!("; {expiry}")
                    } else {
                        String::new()
                    }
                ),
            });
        }
        if full {
            if let Some(c) = first_applied {
                let w = c.waiver;
                r.message = format!(
                    "waived until {} ({}): {}; was {}: {}",
                    w.expires,
                    w.kind,
                    clause(&w.reason),
                    original.label(),
                    r.message
                );
                r.status = Status::Waived;
                r.waiver = Some(AppliedWaiver {
                    kind: w.kind.key().to_string(),
                    reason: w.reason.trim().to_string(),
                    expires: w.expires.to_string(),
                    approved_by: w.approved_by.clone(),
                    ticket: w.ticket.clone(),
                    original_status: original,
                    location: c.location.clone(),
                });
            }
        } else if covered > 0 {
            r.message = format!(
                "{covered} of {} waived; {}",
                plural(total, "finding", "findings"),
                r.message
            );
        }
    }
    for c in &candidates {
        if views[c.index].is_none() {
            views[c.index] = Some(view(
                c.waiver,
                WaiverState::Unmatched,
                format!(
                    "no check `{}` in this review; remove the waiver",
                    c.waiver.check.trim()
                ),
                c.location.clone(),
            ));
        }
    }
    let views: Vec<WaiverView> = views.into_iter().flatten().collect();
    for v in &views {
        let rule = match v.state {
            WaiverState::Applied => continue,
            WaiverState::Expired => "waiver-expired",
            WaiverState::Refused => "waiver-refused",
            WaiverState::Unmatched => "waiver-unmatched",
        };
        trace.push(TraceEntry {
            rule: rule.to_string(),
            effect: None,
            check: Some(v.check.clone()),
            message: format!("waiver of {} not applied: {}", v.check, v.message),
        });
    }
    (views, trace)
}
