//! CAP-003 redundant-replicas: The service never runs fewer than 2 replicas (3 for tier 0).

use launchgate_core::{Finding, Outcome};
use launchgate_evidence::Loc;
use launchgate_evidence::terraform::{Resource, Terraform};

use crate::kit::aws::{ecs_replica_services, scaling_targets};
use crate::kit::finish::{Tally, conclude};
use crate::kit::manifest::at;
use crate::kit::terraform::tf_int;
use crate::kit::workloads::{compose_deployment, replica_count, replicated_workloads};
use crate::{CheckContext, Evaluate, declare_check};

declare_check! {
    /// ## What it checks
    /// The service never runs fewer than 2 replicas (3 for tier 0).
    ///
    /// Kubernetes: for each Deployment, StatefulSet, Argo Rollout (and ReplicaSet,
    /// ReplicationController, DeploymentConfig), the fewest pods it runs: the autoscaler's
    /// minimum when an HPA or KEDA ScaledObject targets it (the autoscaler scales down to its
    /// minimum whatever `spec.replicas` says), else `spec.replicas`, else the API default of 1.
    /// DaemonSets run one pod per node and batch workloads run to completion: neither is
    /// judged. ECS: each `aws_ecs_service` (not `DAEMON`) runs at least its autoscaling
    /// target's `min_capacity`, else its `desired_count` (the provider default is 0).
    /// Docker Compose, when it is all the repository deploys with (no Kubernetes workload or
    /// ECS service): each service runs `deploy.replicas` (or the legacy `scale`) containers,
    /// else one; services behind `profiles:` start only on request and are not judged. A
    /// Compose file beside Kubernetes manifests or ECS definitions is for local runs and is
    /// not judged here.
    ///
    /// The manifest claim `claims.replicas` (the fewest replicas the service runs) is compared
    /// with what the repository deploys: a workload running fewer fails, naming both places.
    /// A claim below the tier's minimum fails on its own. When the repository shows no
    /// workload, the claim alone passes as attested.
    ///
    /// The minimum for each tier is the policy's `min_replicas` (default `{0: 3, 1: 2, 2: 2}`).
    ///
    /// Not applicable with `scope: database` or `scope: infrastructure` when the repository
    /// deploys no workload (no Kubernetes manifest, Compose file, Dockerfile or ECS task definition): see
    /// [scope-aware checks](../scanning.md#scope-aware-checks).
    ///
    /// ## Why it matters
    /// A single replica makes every routine event an outage: a deploy, a node upgrade, an
    /// eviction, an out-of-memory kill. Two replicas survive one of those at a time; a tier-0
    /// service keeps three, so that losing one (or a zone) during a deploy still leaves
    /// two to share the load.
    ///
    /// ## How to fix
    /// Set `spec.replicas` (or the HPA's `minReplicas`, the KEDA `minReplicaCount`, the ECS
    /// `desired_count` / `min_capacity`) to at least 2, or 3 for tier 0, and declare it:
    /// `claims: {replicas: 3}`.
    ///
    /// ## Example
    /// ```yaml fails path=deploy/app.yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: api
    /// spec:
    ///   replicas: 1          # tier 0 asks for 3
    ///   selector:
    ///     matchLabels: {app: api}
    ///   template:
    ///     metadata:
    ///       labels: {app: api}
    ///     spec:
    ///       containers:
    ///         - name: server
    ///           image: example/api:1.4.2
    /// ```
    /// ```yaml passes path=deploy/app.yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: api
    /// spec:
    ///   replicas: 3
    ///   selector:
    ///     matchLabels: {app: api}
    ///   template:
    ///     metadata:
    ///       labels: {app: api}
    ///     spec:
    ///       containers:
    ///         - name: server
    ///           image: example/api:1.4.2
    /// ```
    /// ```yaml fails
    /// claims:
    ///   replicas: 1
    /// ```
    ///
    /// ## References
    /// Seed 002, "Capacity: no single instance"; the Kubernetes documentation on Deployments
    /// (the default of one replica) and on horizontal pod autoscaling (minimum replicas);
    /// the AWS Well-Architected reliability pillar on redundant capacity.
    pub struct RedundantReplicas {
        id: "CAP-003", slug: "redundant-replicas", category: Capacity, severity: Blocker,
        tiers: [Required, Required, Recommended], evidence: "K T", effort: 1,
    }
}

const CLAIM: &str = "/claims/replicas";

const NOTHING_FOUND: &str = "no replicated Kubernetes workloads or ECS services found, and `claims.replicas` is not declared; point launchgate at the repository that deploys the service";

/// One deployed unit's replica floor.
struct Deployed {
    resource: String,
    /// `replica` or `task`.
    unit: &'static str,
    floor: i64,
    loc: Loc,
    source: String,
}

impl Evaluate for RedundantReplicas {
    fn evaluate(&self, cx: &CheckContext<'_>) -> Outcome {
        let min = i64::from(cx.options.min_replicas);
        let tier = cx.manifest.tier;
        let claim = cx.manifest.claims.replicas.map(i64::from);
        let claim_loc = at(cx, CLAIM);
        let mut failures = Vec::new();
        let mut unknown = Vec::new();
        let mut evidence = Vec::new();

        if let Some(c) = claim
            && c < min
        {
            failures.push(
                Finding::new(format!(
                    "claims.replicas declares {c} replica{}; tier {tier} asks for at least {min}",
                    plural(c)
                ))
                .at(claim_loc.clone()),
            );
        }

        let k = &cx.evidence.kubernetes;
        let mut deployed: Vec<Deployed> = replicated_workloads(k)
            .map(|w| {
                let rc = replica_count(k, w);
                Deployed {
                    resource: w.resource(),
                    unit: "replica",
                    floor: rc.floor,
                    loc: rc.loc,
                    source: rc.source,
                }
            })
            .collect();
        deployed.extend(compose_deployment(cx.evidence).into_iter().map(|w| {
            let rc = replica_count(k, w);
            Deployed {
                resource: w.resource(),
                unit: "container",
                floor: rc.floor,
                loc: rc.loc,
                source: rc.source,
            }
        }));
        for svc in ecs_replica_services(&cx.evidence.terraform) {
            match ecs_floor(&cx.evidence.terraform, svc) {
                Ok(d) => deployed.push(d),
                Err(f) => unknown.push(f),
            }
        }

        for d in &deployed {
            let short = d.floor < min;
            let contradicted = claim.is_some_and(|c| d.floor < c);
            let runs = format!(
                "{} runs as few as {} {}{} ({})",
                d.resource,
                d.floor,
                d.unit,
                plural(d.floor),
                d.source
            );
            let finding = match (short, contradicted, claim) {
                (true, true, Some(c)) => Finding::new(format!(
                    "{runs}; tier {tier} asks for at least {min}, and claims.replicas says {c}"
                ))
                .related(claim_loc.clone()),
                (true, _, _) => {
                    Finding::new(format!("{runs}; tier {tier} asks for at least {min}"))
                }
                (false, true, Some(c)) => {
                    Finding::new(format!("claims.replicas says {c}, but {runs}"))
                        .related(claim_loc.clone())
                }
                _ => {
                    evidence.push(
                        Finding::new(format!(
                            "{} runs at least {} {}{} ({}); tier {tier} asks for {min}",
                            d.resource,
                            d.floor,
                            d.unit,
                            plural(d.floor),
                            d.source
                        ))
                        .at(Some(d.loc.location()))
                        .resource(d.resource.clone()),
                    );
                    continue;
                }
            };
            failures.push(
                finding
                    .at(Some(d.loc.location()))
                    .resource(d.resource.clone()),
            );
        }

        let judged = !deployed.is_empty() || !unknown.is_empty();
        if judged || !failures.is_empty() {
            if let Some(c) = claim
                && failures.is_empty()
            {
                evidence.push(
                    Finding::new(format!(
                        "claims.replicas declares {c}, and every deployed workload runs at least that many"
                    ))
                    .at(claim_loc),
                );
            }
            return Tally::judged(failures, unknown, evidence).conclude(cx, "K T", NOTHING_FOUND);
        }

        // Nothing deployed that the repository shows: the claim, if any, stands alone.
        let gaps = cx.evidence.gaps("K T");
        if cx.evidence.scanned && !gaps.is_empty() {
            return conclude(cx, "K T", Vec::new(), Vec::new(), NOTHING_FOUND);
        }
        if let Some(c) = claim {
            return Outcome::attested(vec![
                Finding::new(format!(
                    "declared: the service runs at least {c} replicas (`claims.replicas`; tier {tier} asks for {min}); the repository shows no workload to compare"
                ))
                .at(claim_loc),
            ]);
        }
        if cx.evidence.scanned && !k.workloads.is_empty() {
            return Outcome::not_applicable(
                "no replicated workload: the Kubernetes workloads are DaemonSets (one pod per node), Jobs, CronJobs or bare Pods",
            );
        }
        conclude(cx, "K T", Vec::new(), Vec::new(), NOTHING_FOUND)
    }
}

fn plural(n: i64) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// The fewest tasks an ECS service runs: the smallest `min_capacity` of its autoscaling
/// targets, else its `desired_count` (absent: the provider default 0).
fn ecs_floor(tf: &Terraform, svc: &Resource) -> Result<Deployed, Finding> {
    let mut best: Option<(i64, Loc, String)> = None;
    for t in scaling_targets(tf, svc) {
        if let Some((n, loc)) = tf_int(t, "min_capacity")?
            && best.as_ref().is_none_or(|(b, _, _)| n < *b)
        {
            best = Some((n, loc, format!("{} min_capacity {n}", t.address())));
        }
    }
    let (floor, loc, source) = match best {
        Some(b) => b,
        None => match tf_int(svc, "desired_count")? {
            Some((n, loc)) => (n, loc, format!("desired_count = {n}")),
            None => (
                0,
                svc.loc.clone(),
                "no desired_count is written, so the provider default of 0 applies".to_string(),
            ),
        },
    };
    Ok(Deployed {
        resource: svc.address(),
        unit: "task",
        floor,
        loc,
        source,
    })
}

#[cfg(test)]
mod tests {
    use launchgate_evidence::Evidence;
    use launchgate_manifest::{Policy, ServiceManifest, SourceFile};

    use super::*;
    use crate::kit::finish::NOT_SCANNED;

    fn run(manifest: &str) -> Outcome {
        let Ok(m) = ServiceManifest::parse(SourceFile::new("launchgate.yaml", manifest)) else {
            return Outcome::inconclusive("the test manifest does not parse");
        };
        let evidence = Evidence::none();
        let options = Policy::default().options_for(m.tier);
        let cx = CheckContext {
            manifest: &m,
            evidence: &evidence,
            options: &options,
            today: jiff::civil::date(2026, 11, 22),
            gate: &launchgate_manifest::GateContext::default(),
        };
        RedundantReplicas.evaluate(&cx)
    }

    const BASE: &str = "service: x\ntier: 1\nexposure: public\ndata: persistent\n";

    #[test]
    fn without_a_scan_the_claim_is_attested_or_the_check_is_inconclusive() {
        let attested = run(&format!("{BASE}claims:\n  replicas: 2\n"));
        assert!(matches!(
            attested,
            Outcome::Pass {
                basis: launchgate_core::Basis::Attested,
                ..
            }
        ));
        let short = run(&format!("{BASE}claims:\n  replicas: 1\n"));
        assert!(matches!(short, Outcome::Fail { .. }), "{short:?}");
        let unknown = run(BASE);
        assert_eq!(unknown, Outcome::inconclusive(NOT_SCANNED));
    }
}
