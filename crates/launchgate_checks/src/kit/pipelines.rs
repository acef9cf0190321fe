//! CI pipelines: the pipeline files a check could not read.

use launchgate_core::Finding;

use crate::CheckContext;

/// Parse errors of CI pipeline files (GitHub Actions, GitLab CI, Jenkins, ...) as findings:
/// the gaps of checks that read pipelines. Dependabot and Renovate files share the letter C
/// but hold no pipeline, so a broken one does not make a pipeline check inconclusive.
pub fn ci_pipeline_gaps(cx: &CheckContext<'_>) -> Vec<Finding> {
    let is_ci =
        |k: launchgate_evidence::FileKind| matches!(k, launchgate_evidence::FileKind::Ci(_));
    let ev = cx.evidence;
    let mut out: Vec<Finding> = ev
        .errors
        .iter()
        .filter(|e| is_ci(e.kind))
        .map(launchgate_evidence::EvidenceError::finding)
        .collect();
    out.extend(
        ev.not_evaluated
            .iter()
            .filter(|n| is_ci(n.kind))
            .map(|n| Finding::new(n.reason.clone()).at(Some(n.loc.location()))),
    );
    out
}

/// The gaps of a check that reads evidence `letters` (without `C`) and CI pipelines.
pub fn gaps_and_pipelines(cx: &CheckContext<'_>, letters: &str) -> Vec<Finding> {
    let mut gaps = cx.evidence.gaps(letters);
    gaps.extend(ci_pipeline_gaps(cx));
    gaps
}

/// A drill a pipeline runs unattended (on a schedule or on pushes to the default branch), as
/// repository evidence: `what` names the drill (`rollback rehearsal`), `pick` the step signal
/// ([`launchgate_evidence::ci::Step::rollback`], [`launchgate_evidence::ci::Step::restore`]).
pub fn unattended_drill<'a>(
    cx: &CheckContext<'a>,
    what: &str,
    pick: impl Fn(&'a launchgate_evidence::ci::Step) -> Option<&'a launchgate_evidence::ci::Signal>,
) -> Option<Finding> {
    cx.evidence.ci.pipelines.iter().find_map(|p| {
        let (job, signal) = p.unattended(&pick)?;
        let when = match (job.runs.schedule, p.triggers.schedule.first()) {
            (true, Some(cron)) => format!("on a schedule (`{}`)", cron.value),
            (true, None) => "on a schedule".to_string(),
            (false, _) => "on every push to the default branch".to_string(),
        };
        Some(
            Finding::new(format!(
                "{what} runs unattended: `{}` in job `{}` of {}, {when}",
                signal.what, job.name, p.path
            ))
            .at(Some(signal.loc.location())),
        )
    })
}
