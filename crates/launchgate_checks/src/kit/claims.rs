//! Claims meeting evidence: yes/no claims of the manifest weighed against what the repository
//! shows.

use launchgate_core::{Finding, Outcome};

use crate::CheckContext;
use crate::kit::finish::{NOT_SCANNED, conclude, conclude_with_claim, missing, report_order};
use crate::kit::manifest::{at, key_name};

/// The common shape of a yes/no claim: `true` passes as attested, `false` is a declared gap,
/// absence fails (nothing declares or shows it).
pub fn flag_claim(
    cx: &CheckContext<'_>,
    value: Option<bool>,
    pointer: &str,
    holds: &str,
    lacking: &str,
) -> Outcome {
    match flag_side(cx, value, pointer, holds, lacking) {
        Claim::Holds(evidence) => Outcome::attested(evidence),
        Claim::Denied(findings) | Claim::Missing(findings) => Outcome::fail(findings),
        Claim::Unread(reason) => Outcome::inconclusive(reason),
    }
}

/// The claim side of a yes/no claim, worded like [`flag_claim`].
pub fn flag_side(
    cx: &CheckContext<'_>,
    value: Option<bool>,
    pointer: &str,
    holds: &str,
    lacking: &str,
) -> Claim {
    let key = key_name(pointer);
    match value {
        Some(true) => Claim::Holds(vec![
            Finding::new(format!("declared: {holds} (`{key}: true`)")).at(at(cx, pointer)),
        ]),
        Some(false) => Claim::Denied(vec![
            Finding::new(format!("declared missing: {lacking} (`{key}: false`)"))
                .at(at(cx, pointer)),
        ]),
        None => Claim::Missing(vec![
            Finding::new(format!(
                "{lacking}: nothing declares it (`{key}`) and no evidence shows it"
            ))
            .at(at(cx, pointer)),
        ]),
    }
}

/// A yes/no claim that repository evidence may show (`repo`, summarized as `shown` for
/// messages): `true` with evidence is proven, `true` alone attested; evidence without a claim
/// is proven; `false` is a declared gap and fails even when the repository shows something
/// (the claim says it does not cover the need), naming that evidence and `false_hint`; no
/// claim and no evidence fails (inconclusive when the repository was not scanned or files of
/// `letters` could not be evaluated).
#[allow(clippy::too_many_arguments)]
pub fn flag_claim_meets_evidence(
    cx: &CheckContext<'_>,
    value: Option<bool>,
    pointer: &str,
    holds: &str,
    lacking: &str,
    letters: &str,
    repo: Vec<Finding>,
    shown: &str,
    false_hint: &str,
) -> Outcome {
    let key = key_name(pointer);
    match value {
        Some(false) => {
            let seen = if repo.is_empty() {
                String::new()
            } else {
                format!("; the repository shows {shown}: {false_hint}")
            };
            let msg = format!("declared missing: {lacking} (`{key}: false`){seen}");
            let related = repo.first().and_then(|f| f.location.clone());
            Outcome::fail(vec![Finding::new(msg).at(at(cx, pointer)).related(related)])
        }
        Some(true) => conclude_with_claim(
            cx,
            letters,
            repo,
            vec![Finding::new(format!("declared: {holds} (`{key}: true`)")).at(at(cx, pointer))],
            true,
        ),
        None if repo.is_empty() => missing(
            cx,
            letters,
            Finding::new(format!(
                "{lacking}: nothing declares it (`{key}`) and no evidence shows it"
            ))
            .at(at(cx, pointer)),
        ),
        None => conclude(cx, letters, Vec::new(), repo, ""),
    }
}

/// Marks a repository finding as contradicting the claim at `pointer`: names the claim in the
/// message and adds its location.
pub fn contradicts(cx: &CheckContext<'_>, f: Finding, pointer: &str, says: &str) -> Finding {
    let message = format!("{}; `{}` says {says}", f.message, key_name(pointer));
    Finding { message, ..f }.related(at(cx, pointer))
}

/// What a claim says about one part of a check, to be weighed against the repository.
#[derive(Debug, Clone)]
pub enum Claim {
    /// Declared to hold: the evidence of an attested pass when the repository shows nothing.
    Holds(Vec<Finding>),
    /// Declared missing (`false`, or a declared value outside the policy): fails whatever the
    /// repository shows, since the team says there is a gap.
    Denied(Vec<Finding>),
    /// Not declared: these failures when the repository shows nothing either.
    Missing(Vec<Finding>),
    /// The part reads no claim: inconclusive with this reason when the repository shows
    /// nothing.
    Unread(String),
}

/// What the repository showed for one part of a check.
#[derive(Debug, Clone, Default)]
pub struct Shown {
    /// Defects (a claim the repository contradicts carries the claim as related location).
    pub failures: Vec<Finding>,
    /// Evidence that the requirement holds.
    pub proof: Vec<Finding>,
    /// Values that could not be read: they stop a proven pass, a claim may cover them.
    pub unresolved: Vec<Finding>,
}

enum Weighed {
    Fail(Vec<Finding>),
    Proven(Vec<Finding>),
    Attested(Vec<Finding>),
    Open(String, Vec<Finding>),
}

fn weigh(cx: &CheckContext<'_>, shown: Shown, claim: Claim) -> Weighed {
    let Shown {
        mut failures,
        mut proof,
        mut unresolved,
    } = shown;
    report_order(&mut proof);
    report_order(&mut unresolved);
    if let Claim::Denied(denied) = &claim {
        let mut shows: Vec<String> = proof.iter().filter_map(|f| f.resource.clone()).collect();
        shows.dedup();
        for f in denied {
            let mut f = f.clone();
            if !shows.is_empty() {
                f.message = format!(
                    "{}; the repository shows it for {}: correct the claim if that covers everything it is about",
                    f.message,
                    shows.join(", ")
                );
            }
            failures.push(f);
        }
    }
    if !failures.is_empty() {
        return Weighed::Fail(failures);
    }
    if !unresolved.is_empty() {
        if let Claim::Holds(mut declared) = claim {
            declared.append(&mut proof);
            declared.extend(unresolved);
            return Weighed::Attested(declared);
        }
        let n = unresolved.len();
        return Weighed::Open(
            format!(
                "{n} value{} this check needs could not be resolved from the repository",
                if n == 1 { "" } else { "s" }
            ),
            unresolved,
        );
    }
    if !proof.is_empty() {
        if let Claim::Holds(declared) = claim {
            proof.extend(declared);
        }
        return Weighed::Proven(proof);
    }
    match claim {
        Claim::Holds(declared) => Weighed::Attested(declared),
        Claim::Missing(f) | Claim::Denied(f) => Weighed::Fail(f),
        Claim::Unread(reason) if cx.evidence.scanned => Weighed::Open(reason, Vec::new()),
        Claim::Unread(_) => Weighed::Open(NOT_SCANNED.to_string(), Vec::new()),
    }
}

/// Concludes a check whose parts each weigh repository evidence (of the catalog letters in
/// `letters`) against a claim: any failure fails; otherwise files
/// the check needed that could not be parsed or evaluated make it inconclusive; otherwise a
/// part that can be decided by neither the repository nor a claim makes it inconclusive;
/// otherwise it passes, proven when the repository shows every part and attested when a claim
/// had to stand in for one. Failures are in report order; evidence part by part, the
/// repository's (in report order) before the claim's.
pub fn settle(cx: &CheckContext<'_>, letters: &str, parts: Vec<(Shown, Claim)>) -> Outcome {
    let weighed: Vec<Weighed> = parts.into_iter().map(|(s, c)| weigh(cx, s, c)).collect();
    let mut failures: Vec<Finding> = Vec::new();
    for w in &weighed {
        if let Weighed::Fail(f) = w {
            failures.extend(f.iter().cloned());
        }
    }
    if !failures.is_empty() {
        report_order(&mut failures);
        return Outcome::fail(failures);
    }
    let gaps = cx.evidence.gaps(letters);
    if !gaps.is_empty() {
        let n = gaps.len();
        return Outcome::Inconclusive {
            reason: format!(
                "{n} file{} this check needs could not be evaluated",
                if n == 1 { "" } else { "s" }
            ),
            findings: gaps,
        };
    }
    let mut reasons: Vec<String> = Vec::new();
    let mut open: Vec<Finding> = Vec::new();
    let mut evidence: Vec<Finding> = Vec::new();
    let mut attested = false;
    for w in weighed {
        match w {
            Weighed::Open(reason, f) => {
                if !reasons.contains(&reason) {
                    reasons.push(reason);
                }
                open.extend(f);
            }
            Weighed::Attested(f) => {
                attested = true;
                evidence.extend(f);
            }
            Weighed::Proven(f) => evidence.extend(f),
            Weighed::Fail(_) => {}
        }
    }
    report_order(&mut open);
    if !reasons.is_empty() {
        return Outcome::Inconclusive {
            reason: reasons.join("; "),
            findings: open,
        };
    }
    if attested {
        Outcome::attested(evidence)
    } else {
        Outcome::proven(evidence)
    }
}
