//! CAP-004 disruption-budget: Each Kubernetes workload that runs more than one pod has exactly one
//! PodDisruptionBudget selecting its pods, and that budget still lets a pod be evicted.

use launchgate_core::{Finding, Outcome};
use launchgate_evidence::k8s::{Pdb, Workload};

use crate::kit::finish::{conclude, in_report_order};
use crate::kit::workloads::{compose_deployment, replica_count, replicated_workloads};
use crate::{CheckContext, Evaluate, declare_check};

declare_check! {
    /// ## What it checks
    /// Each Kubernetes workload that runs more than one pod has exactly one
    /// PodDisruptionBudget selecting its pods, and that budget still lets a pod be evicted.
    ///
    /// Multi-replica means `spec.replicas` above 1 or an autoscaler minimum above 1
    /// (Deployments, StatefulSets, Argo Rollouts, ReplicaSets, ReplicationControllers,
    /// DeploymentConfigs). The budget is evaluated at the fewest pods the workload runs (the
    /// autoscaler's minimum when one governs it): `maxUnavailable: 0`, or a `minAvailable`
    /// equal to that count or `100%`, allows no eviction and blocks every node drain. Two
    /// budgets over the same pods also block eviction (the eviction API refuses pods covered
    /// by more than one).
    ///
    /// The Prometheus Operator's `Prometheus`, `Alertmanager` and `ThanosRuler` are judged
    /// like StatefulSets: budgets select their pods by the labels the operator puts on them
    /// (`app.kubernetes.io/name`, `prometheus: <name>`, ...) and `spec.podMetadata.labels`.
    ///
    /// A single-replica workload is not judged, and the review lists it with the reason: a
    /// budget over one pod either allows its eviction (the service goes down during the drain
    /// all the same) or forbids it (`minAvailable: 1`, which blocks every drain). Its missing
    /// redundancy is CAP-003's finding (redundant replicas), not a missing budget here. This
    /// follows kube-score, which asks for a budget only for workloads of more than one
    /// replica; checkers that ask for one on every Deployment flag a budget that cannot help.
    /// Docker Compose services are never judged (there is no eviction API).
    ///
    /// Not applicable when the workloads are all single-replica (nothing to keep available
    /// while one pod moves), DaemonSets or batch, when the service runs on ECS only, or when
    /// Docker Compose is all the repository deploys with (Compose has no eviction API; CAP-003
    /// judges its replicas and CAP-005 its single host).
    ///
    /// Not applicable with `scope: database` or `scope: infrastructure` when the repository
    /// deploys no workload (no Kubernetes manifest, Compose file, Dockerfile or ECS task definition): see
    /// [scope-aware checks](../scanning.md#scope-aware-checks).
    ///
    /// ## Why it matters
    /// Node upgrades, autoscaler scale-downs and spot reclaims evict pods voluntarily. Without
    /// a budget, a drain may evict every replica at once, and the service goes down during
    /// routine maintenance. A budget that allows no eviction is the opposite failure: the
    /// drain hangs, the cluster upgrade stalls, and operators end up deleting the budget or
    /// force-draining at the worst moment.
    ///
    /// ## How to fix
    /// Add a `policy/v1` PodDisruptionBudget whose selector matches the pod labels, with
    /// `maxUnavailable: 1` (or a `minAvailable` below the replica count, such as `50%`), and
    /// keep one budget per workload.
    ///
    /// ## Example
    /// ```yaml fails path=deploy/app.yaml
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
    /// ---
    /// apiVersion: policy/v1
    /// kind: PodDisruptionBudget
    /// metadata:
    ///   name: api
    /// spec:
    ///   maxUnavailable: 0      # no drain can ever evict a pod
    ///   selector:
    ///     matchLabels: {app: api}
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
    /// ---
    /// apiVersion: policy/v1
    /// kind: PodDisruptionBudget
    /// metadata:
    ///   name: api
    /// spec:
    ///   maxUnavailable: 1
    ///   selector:
    ///     matchLabels: {app: api}
    /// ```
    ///
    /// ## References
    /// Seed 003, "Capacity: PodDisruptionBudget"; the Kubernetes documentation on disruptions,
    /// on specifying a disruption budget and on the eviction API (pods under several budgets).
    pub struct DisruptionBudget {
        id: "CAP-004", slug: "disruption-budget", category: Capacity, severity: Major,
        tiers: [Required, Recommended, Skipped], evidence: "K", effort: 1,
    }
}

const NOTHING_FOUND: &str =
    "no Kubernetes workloads found; point launchgate at the repository that deploys the service";

impl Evaluate for DisruptionBudget {
    fn evaluate(&self, cx: &CheckContext<'_>) -> Outcome {
        let k = &cx.evidence.kubernetes;
        let mut failures = Vec::new();
        let mut evidence = Vec::new();
        let mut multi = 0;
        for w in replicated_workloads(k) {
            let rc = replica_count(k, w);
            if rc.most() <= 1 {
                evidence.push(
                    Finding::new(format!(
                        "{} runs a single pod ({}): not judged, a budget over one pod cannot keep it available (CAP-003 judges the replica count)",
                        w.resource(),
                        rc.source
                    ))
                    .at(Some(rc.loc.location()))
                    .resource(w.resource()),
                );
                continue;
            }
            multi += 1;
            // At the fewest pods the workload runs (never below one: a workload scaled to
            // zero has nothing to evict).
            let at = rc.floor.max(1);
            let pdbs: Vec<&Pdb> = k.pdbs_for(w).collect();
            match pdbs.as_slice() {
                [] => failures.push(
                    Finding::new(format!(
                        "{} runs up to {} pods and no PodDisruptionBudget selects them: a drain may evict all at once",
                        w.resource(),
                        rc.most()
                    ))
                    .at(Some(w.loc.location()))
                    .resource(w.resource()),
                ),
                [pdb] => judge_pdb(w, pdb, at, &rc.source, &mut failures, &mut evidence),
                several => {
                    let names: Vec<String> = several.iter().map(|p| p.resource()).collect();
                    for p in several {
                        failures.push(
                            Finding::new(format!(
                                "{} budgets select the pods of {} ({}): the eviction API refuses to evict a pod covered by more than one, so drains block",
                                several.len(),
                                w.resource(),
                                names.join(", ")
                            ))
                            .at(Some(p.loc.location()))
                            .resource(p.resource()),
                        );
                    }
                }
            }
        }
        if multi == 0 {
            let gaps = cx.evidence.gaps("K");
            if cx.evidence.scanned && gaps.is_empty() {
                if !k.workloads.is_empty() {
                    return Outcome::not_applicable(
                        "no workload runs more than one pod (each runs a single replica, or is a DaemonSet, Job, CronJob or bare Pod): a disruption budget has nothing to keep available",
                    );
                }
                if !cx.evidence.terraform.ecs_task_definitions().is_empty()
                    || cx
                        .evidence
                        .terraform
                        .resources_of("aws_ecs_service")
                        .next()
                        .is_some()
                {
                    return Outcome::not_applicable(
                        "the service runs on ECS, which has no PodDisruptionBudgets (deployments are bounded by deployment_minimum_healthy_percent)",
                    );
                }
                if let [first, ..] = compose_deployment(cx.evidence).as_slice() {
                    return Outcome::not_applicable(format!(
                        "the service is deployed by Docker Compose ({}), which has no eviction API and so no disruption budgets: CAP-003 judges its replicas and CAP-005 its single host",
                        first.loc.path
                    ));
                }
            }
        }
        conclude(
            cx,
            "K",
            in_report_order(failures),
            in_report_order(evidence),
            NOTHING_FOUND,
        )
    }
}

fn judge_pdb(
    w: &Workload,
    pdb: &Pdb,
    at: i64,
    source: &str,
    failures: &mut Vec<Finding>,
    evidence: &mut Vec<Finding>,
) {
    let fail = |msg: String, loc: &launchgate_evidence::Loc| {
        Finding::new(msg)
            .at(Some(loc.location()))
            .resource(pdb.resource())
    };
    match pdb.allows_eviction(at) {
        None => failures.push(fail(
            format!(
                "{} (for {}) sets neither minAvailable nor maxUnavailable",
                pdb.resource(),
                w.resource()
            ),
            &pdb.loc,
        )),
        Some(false) => {
            // The field that decides: maxUnavailable wins when both are written.
            let (field, value) = match (&pdb.max_unavailable, &pdb.min_available) {
                (Some(m), _) => ("maxUnavailable", m),
                (None, Some(m)) => ("minAvailable", m),
                (None, None) => return,
            };
            let why = if field == "maxUnavailable" {
                "no pod may ever be evicted".to_string()
            } else {
                format!(
                    "all of the {at} pod{} it runs at its fewest ({source}) must stay up",
                    if at == 1 { "" } else { "s" }
                )
            };
            failures.push(fail(
                format!(
                    "{} (for {}) has {field}: {}: {why}, so node drains block",
                    pdb.resource(),
                    w.resource(),
                    value.value,
                ),
                &value.loc,
            ));
        }
        Some(true) => evidence.push(
            Finding::new(format!(
                "{} keeps {} available while letting drains evict a pod at {at} pods",
                pdb.resource(),
                w.resource()
            ))
            .at(Some(pdb.loc.location()))
            .resource(pdb.resource()),
        ),
    }
}
