//! CAP-009 failure-injection-tested: Failure injection is practised: chaos experiments kept as
//! code (Chaos Mesh, Litmus, AWS FIS, Istio faults, toxiproxy tests) or a dated claim within the
//! policy window.

use launchgate_core::{Finding, Outcome};

use launchgate_evidence::deps::Capability;

use crate::kit::finish::{Tally, missing};
use crate::kit::libraries::library_findings;
use crate::kit::manifest::{at, within_window};
use crate::{CheckContext, Evaluate, declare_check};

declare_check! {
    /// ## What it checks
    /// Failure injection is practised. The repository keeps chaos experiments as code:
    /// Kubernetes objects of the Chaos Mesh API group (`chaos-mesh.org`: `PodChaos`,
    /// `NetworkChaos`, `StressChaos`, `Schedule`, `Workflow`, ...) or of Litmus
    /// (`litmuschaos.io`: `ChaosEngine`, `ChaosExperiment`, ...), or Terraform
    /// `aws_fis_experiment_template` resources, or Istio fault injection (a `VirtualService`
    /// HTTP route with a `fault` delay or abort), or fault-injection tests: a fault-injection
    /// library among the dependencies, test dependencies included (toxiproxy clients and the
    /// Testcontainers toxiproxy modules, Chaos Monkey for Spring Boot, Chaos Toolkit, Simmy).
    /// Or the manifest declares when an experiment
    /// last ran, `claims.failure_injection.last_tested`, within the policy window before the
    /// review date (default 180 days, `failure_injection_max_age_days`). A stale or future
    /// date fails even when experiments are kept as code. When the Kubernetes workloads are
    /// all Jobs, CronJobs or bare Pods and nothing else is declared, there is no long-running
    /// process to crash and the check does not apply.
    ///
    /// Fault-injection tests written without such a library (a test that stops a container by
    /// hand) are not recognised: declare the date of such an experiment with the claim.
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

        for vs in &k.virtual_services {
            for route in &vs.http {
                let Some(fault) = &route.fault else { continue };
                let what = if fault.value.is_empty() {
                    "a fault".to_string()
                } else {
                    fault.value.join(" and ")
                };
                let ns = vs
                    .namespace
                    .as_deref()
                    .map(|n| format!(" in namespace `{n}`"))
                    .unwrap_or_default();
                repo.push(
                    Finding::new(format!(
                        "Istio fault injection ({what}) in VirtualService/{}{ns}",
                        vs.name
                    ))
                    .at(Some(fault.loc.location())),
                );
            }
        }
        let libraries: Vec<_> = cx
            .evidence
            .dependencies
            .uses_anywhere(Capability::FaultInjection)
            .collect();
        repo.extend(library_findings(
            &libraries,
            "fault-injection tests use a fault-injection library",
        ));
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
                    "no failure-injection experiment is kept as code (Chaos Mesh, Litmus, AWS FIS, Istio fault injection, toxiproxy tests) and none is declared (`claims.failure_injection.last_tested`)",
                )
                .at(at(cx, "/claims/failure_injection")),
            );
        }
        evidence.extend(attested);
        Tally::judged(Vec::new(), Vec::new(), evidence).conclude(cx, "K T", "")
    }
}

#[cfg(test)]
mod tests {
    use launchgate_core::Outcome;

    use crate::fixture;

    fn evidence(case: &str) -> Vec<String> {
        let Outcome::Pass { evidence, .. } = fixture::run("CAP-009", case) else {
            panic!("{case}: expected a pass");
        };
        evidence
            .iter()
            .map(|f| {
                format!(
                    "{} @ {}",
                    f.message,
                    f.location
                        .as_ref()
                        .map_or(String::new(), ToString::to_string)
                )
            })
            .collect()
    }

    #[test]
    fn istio_faults_and_toxiproxy_tests_are_failure_injection() {
        assert_eq!(
            evidence("pass_istio_fault_in_staging"),
            [
                "Istio fault injection (delay and abort) in VirtualService/ledger-faults in namespace `staging` @ deploy/fault.yaml:9:7"
            ]
        );
        assert_eq!(
            evidence("pass_toxiproxy_tests"),
            [
                "fault-injection tests use a fault-injection library: toxiproxy (`toxiproxy-node-client`) in package.json:9 @ package.json:9:5"
            ]
        );
    }
}
