//! CAP-001 resource-limits: Every long-running container sets a CPU request, a memory request and a
//! memory limit; every ECS container has a CPU and a memory reservation.

use std::collections::BTreeMap;

use launchgate_core::{Finding, Outcome};
use launchgate_evidence::k8s::{
    Container, Kubernetes, LimitRange, Located, Workload, WorkloadKind, same_namespace,
};
use launchgate_evidence::terraform::{EcsContainer, EcsTaskDefinition, TfValue};

use crate::kit::finish::Tally;
use crate::kit::terraform::tf_value;
use crate::kit::workloads::NO_WORKLOADS;
use crate::{CheckContext, Evaluate, declare_check};

declare_check! {
    /// ## What it checks
    /// Every long-running container sets a CPU request, a memory request and a memory limit;
    /// every ECS container has a CPU and a memory reservation.
    ///
    /// Kubernetes: the containers of Deployments, StatefulSets, DaemonSets, ReplicaSets,
    /// ReplicationControllers, Argo Rollouts and DeploymentConfigs. A request may come from the
    /// container's limit (the API copies a limit into a missing request) or from a
    /// `LimitRange` of the workload's namespace (`defaultRequest`, `default`, `min`, `max`).
    /// Init containers run before the app and exit: they need CPU and memory requests
    /// (the scheduler sizes the pod by the largest of them), but no memory limit. Native
    /// sidecars (init containers with `restartPolicy: Always`) run for the pod's whole life
    /// and are judged like main containers. Jobs, CronJobs and bare Pods are judged like the
    /// others: a batch container without a memory limit takes a node's neighbours down just
    /// the same, and without requests it is placed blindly (kube-score, Polaris and kube-linter
    /// judge every pod-bearing kind alike). The Prometheus Operator's `Prometheus`,
    /// `Alertmanager` and `ThanosRuler` are judged on their `spec.resources` (the main
    /// container's).
    ///
    /// Docker Compose services (`deploy.resources`, or `mem_limit`): only the memory limit
    /// (`deploy.resources.limits.memory` or `mem_limit`) is required. Requests exist for a
    /// scheduler placing pods across nodes; Compose runs on one host, where `reservations` only
    /// matter to Swarm, so their absence is not a finding. Unlike some peers (Checkov's Compose
    /// rules judge nothing of this), we judge the limit because it protects the other services
    /// of the host exactly as it does a node's.
    ///
    /// ECS (`aws_ecs_task_definition`): each container has CPU (task `cpu` or container `cpu`)
    /// and memory (task `memory`, or container `memory` / `memoryReservation`). A value
    /// Terraform only knows at apply time is never taken as set: the check is inconclusive.
    ///
    /// Not applicable with `scope: database` or `scope: infrastructure` when the repository
    /// deploys no workload (no Kubernetes manifest, Compose file, Dockerfile or ECS task definition): see
    /// [scope-aware checks](../scanning.md#scope-aware-checks).
    ///
    /// ## Why it matters
    /// Requests are what the scheduler places pods by: a pod without them lands on a node
    /// that cannot feed it, and is the first evicted when the node runs short. A container
    /// without a memory limit can grow until the kernel kills whatever it picks on that node,
    /// often a neighbour that did nothing wrong. Bounded, declared resources also make capacity
    /// planning and autoscaling on utilisation possible at all.
    ///
    /// ## How to fix
    /// Give every container `resources.requests.cpu`, `resources.requests.memory` and
    /// `resources.limits.memory`, sized from observed usage (requests near the usual peak,
    /// the memory limit with headroom above it), or set namespace defaults with a
    /// `LimitRange`. A CPU limit is optional: it throttles, it does not protect neighbours the
    /// way a memory limit does. For ECS, set the task's `cpu` and `memory` (required on
    /// Fargate), or each container's `cpu` and `memory` / `memoryReservation`.
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
    ///         - name: server          # no requests, no memory limit
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
    ///           resources:
    ///             requests: {cpu: 250m, memory: 256Mi}
    ///             limits: {memory: 512Mi}
    /// ```
    /// ```hcl passes path=infra/main.tf
    /// resource "aws_ecs_task_definition" "api" {
    ///   family = "api"
    ///   cpu    = "512"
    ///   memory = "1024"
    ///   container_definitions = jsonencode([{ name = "api", image = "example/api:1.4.2" }])
    /// }
    /// ```
    ///
    /// ## References
    /// Seed 003, "Capacity: resource requests and limits"; the Kubernetes documentation on
    /// resource management for pods and containers and on LimitRange defaults; the Amazon ECS
    /// task definition parameters for task size and container memory.
    pub struct ResourceLimits {
        id: "CAP-001", slug: "resource-limits", category: Capacity, severity: Major,
        tiers: [Required, Required, Recommended], evidence: "K T", effort: 2,
    }
}

impl Evaluate for ResourceLimits {
    fn evaluate(&self, cx: &CheckContext<'_>) -> Outcome {
        let k = &cx.evidence.kubernetes;
        let mut failures = Vec::new();
        let mut unknown = Vec::new();
        let mut evidence = Vec::new();

        for w in cx.evidence.container_workloads() {
            let defaults = LimitDefaults::for_workload(k, w);
            for c in w.pod.all_containers() {
                let long_running = c.is_long_running();
                let sources = judge_container(w, c, long_running, &defaults, &mut failures);
                if !sources
                    .iter()
                    .any(|s| matches!(s, Source::Missing | Source::Zero))
                {
                    let what = if w.kind == WorkloadKind::ComposeService {
                        "a memory limit"
                    } else if long_running {
                        "CPU and memory requests and a memory limit"
                    } else {
                        "CPU and memory requests"
                    };
                    let from = if sources.contains(&Source::LimitRange) {
                        " (partly from the namespace's LimitRange defaults)"
                    } else {
                        ""
                    };
                    evidence.push(
                        Finding::new(format!("{} sets {what}{from}", c.resource(w)))
                            .at(Some(c.loc.location()))
                            .resource(c.resource(w)),
                    );
                }
            }
        }

        for td in cx.evidence.terraform.ecs_task_definitions() {
            judge_task(td, &mut failures, &mut unknown, &mut evidence);
        }

        Tally::judged(failures, unknown, evidence).conclude(cx, "K T", NO_WORKLOADS)
    }
}

/// Where a container's resource setting comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    Container,
    LimitRange,
    Missing,
    /// Written as zero, which reserves or bounds nothing.
    Zero,
}

/// A request as the API resolves it: written (even as zero), else copied from the
/// container's own limit, else the namespace default.
fn request(req: Option<&Located<String>>, lim: Option<&Located<String>>, default: bool) -> Source {
    match (req, lim) {
        (Some(r), _) => present(r),
        (None, Some(l)) => present(l),
        (None, None) if default => Source::LimitRange,
        (None, None) => Source::Missing,
    }
}

/// A limit: written, else the namespace default.
fn limit(lim: Option<&Located<String>>, default: bool) -> Source {
    match lim {
        Some(l) => present(l),
        None if default => Source::LimitRange,
        None => Source::Missing,
    }
}

/// A written quantity; zero (`0`, `0Mi`, `""`) reserves or bounds nothing.
fn present(q: &Located<String>) -> Source {
    if is_zero_quantity(&q.value) {
        Source::Zero
    } else {
        Source::Container
    }
}

/// Judges one Kubernetes container; returns where each required setting comes from.
fn judge_container(
    w: &Workload,
    c: &Container,
    long_running: bool,
    defaults: &LimitDefaults,
    failures: &mut Vec<Finding>,
) -> Vec<Source> {
    let req = &c.resources.requests;
    let lim = &c.resources.limits;
    if w.kind == WorkloadKind::ComposeService {
        // Compose has no scheduler to place by requests: the memory limit alone protects the
        // host's other services.
        let source = limit(lim.memory.as_ref(), false);
        let problem = match source {
            Source::Missing => "sets no",
            Source::Zero => "sets a zero",
            Source::Container | Source::LimitRange => "",
        };
        if !problem.is_empty() {
            failures.push(
                Finding::new(format!(
                    "{} {problem} memory limit (`deploy.resources.limits.memory` or `mem_limit`)",
                    c.resource(w)
                ))
                .at(Some(c.loc.location()))
                .resource(c.resource(w)),
            );
        }
        return vec![source];
    }
    let checks = [
        (
            "CPU request (`resources.requests.cpu`)",
            request(req.cpu.as_ref(), lim.cpu.as_ref(), defaults.request_cpu),
            true,
        ),
        (
            "memory request (`resources.requests.memory`)",
            request(
                req.memory.as_ref(),
                lim.memory.as_ref(),
                defaults.request_memory,
            ),
            true,
        ),
        (
            "memory limit (`resources.limits.memory`)",
            limit(lim.memory.as_ref(), defaults.limit_memory),
            long_running,
        ),
    ];
    let mut sources = Vec::new();
    for (what, source, required) in checks {
        if !required {
            continue;
        }
        let problem = match source {
            Source::Missing => "sets no",
            Source::Zero => "sets a zero",
            Source::Container | Source::LimitRange => "",
        };
        if !problem.is_empty() {
            failures.push(
                Finding::new(format!("{} {problem} {what}", c.resource(w)))
                    .at(Some(c.loc.location()))
                    .resource(c.resource(w)),
            );
        }
        sources.push(source);
    }
    sources
}

fn is_zero_quantity(q: &str) -> bool {
    let digits = q.trim().trim_end_matches(|c: char| c.is_ascii_alphabetic());
    digits.is_empty() || digits.parse::<f64>().is_ok_and(|n| n == 0.0)
}

/// What the `LimitRange`s of a workload's namespace fill in for containers.
#[derive(Debug, Default)]
struct LimitDefaults {
    request_cpu: bool,
    request_memory: bool,
    limit_memory: bool,
}

impl LimitDefaults {
    fn for_workload(k: &Kubernetes, w: &Workload) -> LimitDefaults {
        let mut d = LimitDefaults::default();
        for lr in k
            .limit_ranges
            .iter()
            .filter(|l| same_namespace(l.namespace.as_deref(), w.namespace.as_deref()))
        {
            d.absorb(lr);
        }
        d
    }

    /// Applies the API's LimitRange defaulting for `type: Container` items: a missing
    /// `default` (limit) comes from `max`; a missing `defaultRequest` from `default`, else
    /// `min`.
    fn absorb(&mut self, lr: &LimitRange) {
        for item in &lr.limits {
            if item.limit_type.as_deref() != Some("Container") {
                continue;
            }
            let has = |set: &BTreeMap<String, String>, res: &str| {
                set.get(res).is_some_and(|q| !is_zero_quantity(q))
            };
            let limit = |res: &str| has(&item.default, res) || has(&item.max, res);
            let request =
                |res: &str| has(&item.default_request, res) || limit(res) || has(&item.min, res);
            self.request_cpu |= request("cpu");
            self.request_memory |= request("memory");
            self.limit_memory |= limit("memory");
        }
    }
}

/// Whether an ECS value is set: `Ok(true)` for a known non-zero number, `Ok(false)` when
/// absent, null or zero, `Err(reason)` ([`tf_value`]) when present but not known.
fn ecs_set(v: Option<&TfValue>) -> Result<bool, String> {
    tf_value(v, TfValue::as_f64, "a number").map(|n| n.is_some_and(|n| n > 0.0))
}

/// Judges the containers of one ECS task definition.
fn judge_task(
    td: &EcsTaskDefinition,
    failures: &mut Vec<Finding>,
    unknown: &mut Vec<Finding>,
    evidence: &mut Vec<Finding>,
) {
    if let Some(why) = &td.unknown {
        unknown.push(
            Finding::new(format!(
                "the containers of {} could not be read: {why}",
                td.address
            ))
            .at(Some(td.definitions_loc.location()))
            .resource(td.address.clone()),
        );
        return;
    }
    let task_cpu = ecs_set(td.cpu.as_ref());
    let task_memory = ecs_set(td.memory.as_ref());
    for c in &td.containers {
        judge_ecs_container(c, &task_cpu, &task_memory, failures, unknown, evidence);
    }
}

fn judge_ecs_container(
    c: &EcsContainer,
    task_cpu: &Result<bool, String>,
    task_memory: &Result<bool, String>,
    failures: &mut Vec<Finding>,
    unknown: &mut Vec<Finding>,
    evidence: &mut Vec<Finding>,
) {
    let cpu = [
        ("task `cpu`", task_cpu.clone()),
        ("container `cpu`", ecs_set(c.cpu.as_ref())),
    ];
    let memory = [
        ("task `memory`", task_memory.clone()),
        ("container `memory`", ecs_set(c.memory.as_ref())),
        (
            "container `memoryReservation`",
            ecs_set(c.memory_reservation.as_ref()),
        ),
    ];
    let mut ok = true;
    for (what, sources) in [("CPU", &cpu[..]), ("memory", &memory[..])] {
        if sources.iter().any(|(_, s)| matches!(s, Ok(true))) {
            continue;
        }
        ok = false;
        let unresolved: Vec<String> = sources
            .iter()
            .filter_map(|(name, s)| s.as_ref().err().map(|why| format!("{name}: {why}")))
            .collect();
        let names: Vec<&str> = sources.iter().map(|(n, _)| *n).collect();
        if unresolved.is_empty() {
            failures.push(
                Finding::new(format!(
                    "{} reserves no {what}: none of {} is set",
                    c.resource(),
                    names.join(", ")
                ))
                .at(Some(c.loc.location()))
                .resource(c.resource()),
            );
        } else {
            unknown.push(
                Finding::new(format!(
                    "{} {what} reservation is not known: {}",
                    c.resource(),
                    unresolved.join("; ")
                ))
                .at(Some(c.loc.location()))
                .resource(c.resource()),
            );
        }
    }
    if ok {
        evidence.push(
            Finding::new(format!("{} has CPU and memory reservations", c.resource()))
                .at(Some(c.loc.location()))
                .resource(c.resource()),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_quantities_reserve_nothing() {
        for q in ["0", "0m", "0Mi", "0.0", "", " 0 "] {
            assert!(is_zero_quantity(q), "{q}");
        }
        for q in ["100m", "1", "0.5", "512Mi", "1Gi", "1e3"] {
            assert!(!is_zero_quantity(q), "{q}");
        }
    }
}
