//! Finishing a check's outcome: from what it found to pass, fail or inconclusive, with findings in
//! report order.

use launchgate_core::{Finding, Outcome};

use crate::CheckContext;

/// The reason given when a check needs repository evidence but no repository was scanned.
pub const NOT_SCANNED: &str =
    "the repository was not scanned (--no-scan), so there is no evidence to verify";

/// Concludes a check that reads repository evidence of the catalog letters in `letters`
/// (`"K T"`): any failure fails; otherwise files it needed that could not be parsed or
/// evaluated make it inconclusive (never a pass); otherwise the evidence proves it. With
/// neither failures nor evidence, it is inconclusive with the reason `nothing_found`.
pub fn conclude(
    cx: &CheckContext<'_>,
    letters: &str,
    failures: Vec<Finding>,
    evidence: Vec<Finding>,
    nothing_found: &str,
) -> Outcome {
    if !failures.is_empty() {
        return Outcome::fail(failures);
    }
    if !cx.evidence.scanned {
        return Outcome::inconclusive(NOT_SCANNED);
    }
    if let Some(unread) = unread_files(cx, letters) {
        return unread;
    }
    if evidence.is_empty() {
        return Outcome::inconclusive(nothing_found);
    }
    Outcome::proven(evidence)
}

/// Inconclusive when files of the catalog letters `letters` that the check needs could not be
/// parsed or evaluated: what it looks for may be in them.
pub fn unread_files(cx: &CheckContext<'_>, letters: &str) -> Option<Outcome> {
    let gaps = cx.evidence.gaps(letters);
    let n = gaps.len();
    (n > 0).then(|| {
        Outcome::inconclusive_with(
            format!(
                "{n} file{} this check needs could not be evaluated",
                if n == 1 { "" } else { "s" }
            ),
            gaps,
        )
    })
}

/// Nothing declares the requirement and the repository shows nothing: a failure when the
/// repository was scanned and every file of `letters` could be read; otherwise inconclusive,
/// because the evidence may be in what could not be seen.
pub fn missing(cx: &CheckContext<'_>, letters: &str, failure: Finding) -> Outcome {
    // `conclude` decides "not scanned" and "files not evaluated" the same way for every check;
    // the failure stands only where it would have passed on evidence.
    match conclude(cx, letters, Vec::new(), vec![failure.clone()], "") {
        Outcome::Pass { .. } => Outcome::fail(vec![failure]),
        other => other,
    }
}

/// Passes a check that has no failures: proven when the repository shows something
/// (`repo`, reported before the claim's evidence), attested on the claim alone. When the
/// repository evidence is incomplete (files of `letters` not evaluated) the claim is preferred
/// over inconclusive, but only if it suffices on its own (`claim_suffices`).
pub fn conclude_with_claim(
    cx: &CheckContext<'_>,
    letters: &str,
    repo: Vec<Finding>,
    claim: Vec<Finding>,
    claim_suffices: bool,
) -> Outcome {
    if repo.is_empty() {
        return Outcome::attested(claim);
    }
    let mut evidence = repo;
    evidence.extend(claim.iter().cloned());
    match conclude(cx, letters, Vec::new(), evidence, "") {
        Outcome::Inconclusive { .. } if claim_suffices && !claim.is_empty() => {
            Outcome::attested(claim)
        }
        other => other,
    }
}

/// What a repository check found, sorted by how much it proves: the one tally of the kit, read
/// by [`conclude_tally`] for a whole check and by [`settle`](crate::kit::claims::settle) for
/// each part weighed against a claim.
#[derive(Debug, Clone, Default)]
pub struct Tally {
    /// Defects seen in files that were read: they fail the check whatever else is unknown.
    pub failures: Vec<Finding>,
    /// Something required that was found nowhere. A defect only when every file that could
    /// hold it was read: a file that could not be parsed may be where it is.
    pub missing: Vec<Finding>,
    /// Facts that could not be judged (a build argument, an unresolved Terraform value).
    pub unknowns: Vec<Finding>,
    /// What satisfies the check.
    pub evidence: Vec<Finding>,
    /// Defects the code accepted with a comment ([`accept`](crate::kit::code::accept)): evidence
    /// of a check that does not fail, listed beside the failures of one that does.
    pub accepted: Vec<Finding>,
}

impl Tally {
    /// A tally of defects, facts that could not be judged and evidence, with nothing missing.
    pub fn judged(failures: Vec<Finding>, unknowns: Vec<Finding>, evidence: Vec<Finding>) -> Tally {
        Tally {
            failures,
            missing: Vec::new(),
            unknowns,
            evidence,
            accepted: Vec::new(),
        }
    }

    /// [`conclude_tally`] with the files of the catalog letters `letters` that could not be
    /// evaluated as the gaps.
    pub fn conclude(self, cx: &CheckContext<'_>, letters: &str, nothing_found: &str) -> Outcome {
        conclude_tally(cx, cx.evidence.gaps(letters), self, nothing_found)
    }
}

/// Concludes a repository check from a [`Tally`]: failures fail; without them, `gaps` (files
/// the check needs that could not be evaluated: `cx.evidence.gaps("K T")`, or
/// [`ci_pipeline_gaps`]) make it inconclusive, since what is missing may be in them; then
/// missing things fail; then unknowns make it inconclusive; with no evidence at all it is
/// inconclusive with `nothing_found`; otherwise the evidence proves it.
pub fn conclude_tally(
    cx: &CheckContext<'_>,
    gaps: Vec<Finding>,
    mut t: Tally,
    nothing_found: &str,
) -> Outcome {
    for list in [
        &mut t.failures,
        &mut t.missing,
        &mut t.unknowns,
        &mut t.evidence,
        &mut t.accepted,
    ] {
        report_order(list);
    }
    if !t.failures.is_empty() {
        // What is missing is only certain when nothing went unread.
        if gaps.is_empty() {
            t.failures.append(&mut t.missing);
            report_order(&mut t.failures);
        }
        return Outcome::fail_accepting(t.failures, t.accepted);
    }
    if !cx.evidence.scanned {
        return Outcome::inconclusive(NOT_SCANNED);
    }
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    if !gaps.is_empty() {
        let g = gaps.len();
        let mut reason = format!(
            "{g} file{} this check needs could not be evaluated",
            plural(g)
        );
        if !t.unknowns.is_empty() {
            let n = t.unknowns.len();
            reason = format!("{reason} and {n} value{} could not be resolved", plural(n));
        }
        let mut findings = gaps;
        findings.append(&mut t.unknowns);
        report_order(&mut findings);
        return Outcome::Inconclusive {
            reason,
            findings,
            accepted: t.accepted,
        };
    }
    if !t.missing.is_empty() {
        return Outcome::fail_accepting(t.missing, t.accepted);
    }
    if !t.unknowns.is_empty() {
        let n = t.unknowns.len();
        let reason = match t.unknowns.first() {
            Some(only) if n == 1 => only.message.clone(),
            _ => format!("{n} values could not be resolved without running the build or Terraform"),
        };
        return Outcome::Inconclusive {
            reason,
            findings: t.unknowns,
            accepted: t.accepted,
        };
    }
    // What the code accepted is evidence of a check that does not fail.
    if !t.accepted.is_empty() {
        t.evidence.append(&mut t.accepted);
        report_order(&mut t.evidence);
    }
    if t.evidence.is_empty() {
        return Outcome::inconclusive(nothing_found);
    }
    Outcome::proven(t.evidence)
}

/// The one order of findings in a check's outcome, the order reports list them in: by location
/// (path, line, column), then message; findings without a location last.
fn report_cmp(a: &Finding, b: &Finding) -> std::cmp::Ordering {
    match (&a.location, &b.location) {
        (Some(x), Some(y)) => (&x.path, x.line, x.column).cmp(&(&y.path, y.line, y.column)),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    }
    .then_with(|| a.message.cmp(&b.message))
}

/// Puts findings in report order ([`report_cmp`]) and drops exact duplicates (two same-named
/// workloads, a base and an overlay copy, give identical findings).
pub fn report_order(findings: &mut Vec<Finding>) {
    findings.sort_by(report_cmp);
    findings.dedup();
}

/// `findings` in report order, each once.
pub fn in_report_order(mut findings: Vec<Finding>) -> Vec<Finding> {
    report_order(&mut findings);
    findings
}

#[cfg(test)]
mod tests {
    use launchgate_core::{Finding, Location};

    use super::in_report_order;

    #[test]
    fn report_order_is_location_then_message_with_unplaced_findings_last_and_no_duplicates() {
        let at = |path: &str, line: u32| Some(Location::new(path, line, 1));
        let f = |msg: &str, loc: Option<Location>| Finding::new(msg).at(loc);
        let ordered = in_report_order(vec![
            f("b", None),
            f("z", at("b.yaml", 1)),
            f("y", at("a.yaml", 9)),
            f("x", at("a.yaml", 9)),
            f("y", at("a.yaml", 9)),
            f("a", None),
            f("w", at("a.yaml", 2)),
        ]);
        let got: Vec<&str> = ordered.iter().map(|f| f.message.as_str()).collect();
        assert_eq!(got, ["w", "x", "y", "z", "a", "b"]);
    }
}
