//! Claims meeting evidence: yes/no claims of the manifest weighed against what the repository
//! shows.

use launchgate_core::{Finding, Outcome};

use crate::CheckContext;
use crate::kit::finish::{
    NOT_SCANNED, Tally, conclude, conclude_with_claim, missing, report_order, unread_files,
};
use crate::kit::manifest::{at, key_name};

/// A yes/no claim of the manifest (`claims.kill_switch`) and the words its findings use.
#[derive(Debug, Clone, Copy)]
pub struct FlagClaim<'a> {
    /// The declared value; `None` when the manifest does not declare it.
    pub value: Option<bool>,
    /// Where it is written: `/claims/kill_switch`.
    pub pointer: &'a str,
    /// What `true` declares: `the feature can be switched off without a deploy`.
    pub holds: &'a str,
    /// What is lacking without it: `a kill switch that turns the feature off without a deploy`.
    pub lacking: &'a str,
}

/// What the repository shows for a [`FlagClaim`].
#[derive(Debug, Clone)]
pub struct RepoShows<'a> {
    /// The catalog letters of the evidence read (`"L K"`): files of them that could not be
    /// evaluated may hold what was not found.
    pub letters: &'a str,
    /// The evidence that the claim holds.
    pub findings: Vec<Finding>,
    /// The evidence in a few words, for messages: `pino in package.json:12`.
    pub summary: String,
    /// What to do when the claim is `false` but the repository shows something.
    pub false_hint: &'a str,
}

impl FlagClaim<'_> {
    fn declared(&self, cx: &CheckContext<'_>) -> Finding {
        let key = key_name(self.pointer);
        Finding::new(format!("declared: {} (`{key}: true`)", self.holds)).at(at(cx, self.pointer))
    }

    fn denied(&self) -> String {
        let key = key_name(self.pointer);
        format!("declared missing: {} (`{key}: false`)", self.lacking)
    }

    fn undeclared(&self, cx: &CheckContext<'_>) -> Finding {
        let key = key_name(self.pointer);
        Finding::new(format!(
            "{}: nothing declares it (`{key}`) and no evidence shows it",
            self.lacking
        ))
        .at(at(cx, self.pointer))
    }

    /// The claim side, to weigh against what the repository shows with [`settle`].
    pub fn side(&self, cx: &CheckContext<'_>) -> Claim {
        match self.value {
            Some(true) => Claim::Holds(vec![self.declared(cx)]),
            Some(false) => {
                Claim::Denied(vec![Finding::new(self.denied()).at(at(cx, self.pointer))])
            }
            None => Claim::Missing(vec![self.undeclared(cx)]),
        }
    }

    /// The outcome on the claim alone: `true` passes as attested, `false` is a declared gap,
    /// absence fails (nothing declares or shows it).
    pub fn outcome(&self, cx: &CheckContext<'_>) -> Outcome {
        match self.side(cx) {
            Claim::Holds(evidence) => Outcome::attested(evidence),
            Claim::Denied(findings) | Claim::Missing(findings) => Outcome::fail(findings),
            Claim::Unread(reason) => Outcome::inconclusive(reason),
        }
    }

    /// The claim meeting what the repository shows: `true` with evidence is proven, `true`
    /// alone attested; evidence without a claim is proven; `false` is a declared gap and fails
    /// even when the repository shows something (the claim says it does not cover the need),
    /// naming that evidence and the hint; no claim and no evidence fails (inconclusive when the
    /// repository was not scanned or files of its letters could not be evaluated).
    pub fn meets(&self, cx: &CheckContext<'_>, repo: RepoShows<'_>) -> Outcome {
        let RepoShows {
            letters,
            findings,
            summary,
            false_hint,
        } = repo;
        match self.value {
            Some(false) => {
                let seen = if findings.is_empty() {
                    String::new()
                } else {
                    format!("; the repository shows {summary}: {false_hint}")
                };
                let related = findings.first().and_then(|f| f.location.clone());
                let denied = Finding::new(format!("{}{seen}", self.denied()));
                Outcome::fail(vec![denied.at(at(cx, self.pointer)).related(related)])
            }
            Some(true) => conclude_with_claim(cx, letters, findings, vec![self.declared(cx)], true),
            None if findings.is_empty() => missing(cx, letters, self.undeclared(cx)),
            None => conclude(cx, letters, Vec::new(), findings, ""),
        }
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

enum Weighed {
    Fail(Vec<Finding>),
    Proven(Vec<Finding>),
    Attested(Vec<Finding>),
    Open(String, Vec<Finding>),
}

fn weigh(cx: &CheckContext<'_>, shown: Tally, claim: Claim) -> Weighed {
    let Tally {
        mut failures,
        mut evidence,
        mut unknowns,
        missing,
        accepted,
    } = shown;
    evidence.extend(accepted);
    // In a part, what was found nowhere counts against it like a defect.
    failures.extend(missing);
    report_order(&mut evidence);
    report_order(&mut unknowns);
    if let Claim::Denied(denied) = &claim {
        let mut shows: Vec<String> = evidence.iter().filter_map(|f| f.resource.clone()).collect();
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
    if !unknowns.is_empty() {
        if let Claim::Holds(mut declared) = claim {
            declared.append(&mut evidence);
            declared.extend(unknowns);
            return Weighed::Attested(declared);
        }
        let n = unknowns.len();
        return Weighed::Open(
            format!(
                "{n} value{} this check needs could not be resolved from the repository",
                if n == 1 { "" } else { "s" }
            ),
            unknowns,
        );
    }
    if !evidence.is_empty() {
        if let Claim::Holds(declared) = claim {
            evidence.extend(declared);
        }
        return Weighed::Proven(evidence);
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
pub fn settle(cx: &CheckContext<'_>, letters: &str, parts: Vec<(Tally, Claim)>) -> Outcome {
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
    if let Some(unread) = unread_files(cx, letters) {
        return unread;
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
        return Outcome::inconclusive_with(reasons.join("; "), open);
    }
    if attested {
        Outcome::attested(evidence)
    } else {
        Outcome::proven(evidence)
    }
}
