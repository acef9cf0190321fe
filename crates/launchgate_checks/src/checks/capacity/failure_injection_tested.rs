//! CAP-009 failure-injection-tested: Failure injection is practised: chaos experiments kept as
//! code (Chaos Mesh, Litmus, AWS FIS) or a dated claim within the policy window.

use launchgate_core::{Finding, Outcome};

use crate::kit::finish::{Tally, missing};
use crate::kit::manifest::{at, within_window};
use crate::{CheckContext, Evaluate, declare_check};

declare_check! {
    /// ## What it checks
    /// Failure injection is practised. The repository keeps chaos experiments as code:
    /// Kubernetes objects of the Chaos Mesh API group (`chaos-mesh.org`: `PodChaos`,
    /// `NetworkChaos`, `StressChaos`, `Schedule`, `Workflow`, ...) or of Litmus
    /// (`litmuschaos.io`: `ChaosEngine`, `ChaosExperiment`, ...), or Terraform
    /// `aws_fis_experiment_template` resources. Or the manifest declares when an experiment
    /// last ran, `claims.failure_injection.last_tested`, within the policy window before the
    /// review date (default 180 days, `failure_injection_max_age_days`). A stale or future
    /// date fails even when experiments are kept as code. When the Kubernetes workloads are
    /// all Jobs, CronJobs or bare Pods and nothing else is declared, there is no long-running
    /// process to crash and the check does not apply.
    ///
    /// Istio `VirtualService` fault injection, toxiproxy and fault-injection tests in source
    /// code are not recognised yet: declare the date of such an experiment with the claim.
    ///
    /// ## Why it matters
    /// Redundancy, retries and crash recovery that were never exercised are assumptions. Killing
    /// a worker mid-task, cutting a dependency or filling a disk on purpose, at a time the team
    /// chose, finds the lost message or the stuck lock before an outage does.
    ///
    /// ## How to fix
    /// Write an experiment for the failure that matters most (a worker killed while it holds a
    /// task, a datastore unreachable), keep it next to the deployment (a Chaos Mesh `PodChaos`,
    /// a Litmus `ChaosEngine`, an AWS FIS template), run it, check that the service recovered,
    /// and record the date: `claims: {failure_injection: {last_tested: 2026-10-01}}`.
    ///
    /// ## Example
    /// ```yaml fails
    /// claims:
    ///   failure_injection:
    ///     last_tested: 2025-01-15   # more than 180 days before the review
    /// ```
    /// ```yaml passes
    /// claims:
    ///   failure_injection:
    ///     last_tested: 2026-10-01
    /// ```
    ///
    /// ## References
    /// Seed 002, "Failure injection tested; worker crash recovery verified"; Principles of Chaos
    /// Engineering (principlesofchaos.org); Chaos Mesh and LitmusChaos documentation; AWS Fault
    /// Injection Service, experiment templates.
    pub struct FailureInjectionTested {
        id: "CAP-009", slug: "failure-injection-tested", category: Capacity, severity: Minor,
        tiers: [Required, Recommended, Skipped], evidence: "K T S D", effort: 5,
    }
}

/// The chaos-engineering tools recognised by the API group of their Kubernetes objects.
const CHAOS_GROUPS: &[(&str, &str)] = &[
    ("chaos-mesh.org", "Chaos Mesh"),
    ("litmuschaos.io", "Litmus"),
];

impl Evaluate for FailureInjectionTested {
    fn evaluate(&self, cx: &CheckContext<'_>) -> Outcome {
        let k = &cx.evidence.kubernetes;
        let mut repo = Vec::new();
        for o in &k.objects {
            let Some(group) = o.group() else { continue };
            if let Some((_, tool)) = CHAOS_GROUPS
                .iter()
                .find(|(g, _)| group == *g || group.ends_with(&format!(".{g}")))
            {
                repo.push(
                    Finding::new(format!("{tool} experiment `{}`", o.resource()))
                        .at(Some(o.kind_loc.location())),
                );
            }
        }
        for r in &cx.evidence.terraform.resources {
            if r.rtype == "aws_fis_experiment_template" {
                repo.push(
                    Finding::new(format!(
                        "AWS FIS experiment template `{}.{}`",
                        r.rtype, r.name
                    ))
                    .at(Some(r.loc.location())),
                );
            }
        }

        let pointer = "/claims/failure_injection/last_tested";
        let claimed = cx
            .manifest
            .claims
            .failure_injection
            .as_ref()
            .and_then(|f| f.last_tested);
        let mut failures = Vec::new();
        let mut evidence = repo;
        let mut attested = None;
        if let Some(date) = claimed {
            match within_window(
                cx,
                date.0,
                cx.options.failure_injection_max_age_days,
                pointer,
                "the last failure-injection experiment",
            ) {
                Ok(e) => attested = Some(e),
                Err(f) => failures.push(f),
            }
        }
        if !failures.is_empty() {
            return Outcome::fail(failures);
        }
        if evidence.is_empty() {
            if let Some(e) = attested {
                return Outcome::attested(vec![e]);
            }
            let long_running = k.workloads.iter().any(|w| w.kind.is_long_running())
                || !cx.evidence.terraform.ecs_task_definitions().is_empty();
            if cx.evidence.scanned
                && !long_running
                && !k.workloads.is_empty()
                && cx.evidence.gaps("K T").is_empty()
            {
                return Outcome::not_applicable(
                    "the Kubernetes workloads are all Jobs, CronJobs or bare Pods, which run to completion; no long-running process to crash",
                );
            }
            return missing(
                cx,
                "K T",
                Finding::new(
                    "no failure-injection experiment is kept as code (Chaos Mesh, Litmus, AWS FIS) and none is declared (`claims.failure_injection.last_tested`)",
                )
                .at(at(cx, "/claims/failure_injection")),
            );
        }
        evidence.extend(attested);
        Tally::judged(Vec::new(), Vec::new(), evidence).conclude(cx, "K T", "")
    }
}
