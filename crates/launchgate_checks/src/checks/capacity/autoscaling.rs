//! CAP-002 autoscaling: The service scales with load.

use launchgate_core::{Finding, Outcome};
use launchgate_evidence::Loc;
use launchgate_evidence::k8s::{Hpa, Kubernetes, ScaledObject, Workload};
use launchgate_evidence::terraform::{Resource, Terraform, TfValue};

use crate::kit::alerts::count;
use crate::kit::aws::{ecs_replica_services, scaling_targets};
use crate::kit::finish::Tally;
use crate::kit::terraform::{tf_int, unknown_value};
use crate::kit::workloads::{compose_projects, replicated_workloads, some_names};
use crate::{CheckContext, Evaluate, declare_check};

declare_check! {
    /// ## What it checks
    /// The service scales with load: every replicated workload has an autoscaler whose
    /// minimum is at least 2 and whose maximum is above its minimum.
    ///
    /// Kubernetes: each Deployment, StatefulSet, Argo Rollout (and ReplicaSet,
    /// ReplicationController, DeploymentConfig) is the `scaleTargetRef` of a
    /// HorizontalPodAutoscaler or a KEDA ScaledObject. DaemonSets (one pod per node) and
    /// Jobs / CronJobs (batch) do not scale by replica count and are not judged; neither is a
    /// Deployment that only serves as an Argo Rollout's `workloadRef` template. Nor are the
    /// Prometheus Operator's `Prometheus`, `Alertmanager` and `ThanosRuler`: their replicas are
    /// identical high-availability copies (each Prometheus replica scrapes every target), so
    /// more replicas add no capacity and an autoscaler has nothing to scale; Prometheus scales
    /// by `shards`, which is a capacity decision, not load-following.
    ///
    /// Docker Compose, when it is all the repository deploys with (no Kubernetes workload or ECS
    /// service): each Compose file fails once, naming its services, as Compose has no autoscaler;
    /// each service runs a fixed number of containers on one host. Services behind `profiles:` are
    /// not judged, nor is a Compose file beside Kubernetes manifests or ECS definitions (it is for
    /// local runs).
    ///
    /// Terraform: each `aws_ecs_service` (not `DAEMON`) has an `aws_appautoscaling_target`
    /// (`min_capacity` >= 2, `max_capacity` above it) with a scaling policy or scheduled
    /// action; each `aws_dynamodb_table` is on-demand (`billing_mode = "PAY_PER_REQUEST"`) or
    /// has autoscaling targets for both read and write capacity.
    ///
    /// ## Why it matters
    /// Traffic is not flat: launches, marketing mails and retries after an incident arrive as
    /// spikes. A fixed replica count is either paid for all day or too small at the peak, and
    /// the peak is when saturation turns into timeouts and cascading retries. A minimum of
    /// one means every scale-down leaves a single pod, and the next deploy or node loss takes
    /// the service down; a maximum equal to the minimum is an autoscaler that cannot scale.
    ///
    /// ## How to fix
    /// Add a HorizontalPodAutoscaler (`autoscaling/v2`) targeting the workload, with
    /// `minReplicas: 2` or more, a `maxReplicas` above it sized from the load test, and a
    /// metric that tracks saturation (CPU utilisation, requests per pod, queue lag through
    /// KEDA). Remove `spec.replicas` from the workload so deploys do not reset the count. On
    /// ECS add an `aws_appautoscaling_target` for the service with a target-tracking
    /// `aws_appautoscaling_policy`; make DynamoDB tables on-demand or autoscale their read
    /// and write capacity.
    ///
    /// ## Example
    /// ```yaml fails path=deploy/app.yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: api
    /// spec:
    ///   replicas: 3          # fixed: nothing scales it
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
    /// apiVersion: autoscaling/v2
    /// kind: HorizontalPodAutoscaler
    /// metadata:
    ///   name: api
    /// spec:
    ///   scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: api}
    ///   minReplicas: 3
    ///   maxReplicas: 12
    ///   metrics:
    ///     - type: Resource
    ///       resource: {name: cpu, target: {type: Utilization, averageUtilization: 70}}
    /// ```
    ///
    /// ## References
    /// Seed 002, "Capacity: autoscaling configured"; seed 003, "Capacity: horizontal
    /// scaling"; the Kubernetes documentation on horizontal pod autoscaling (and why
    /// `spec.replicas` should be left out of autoscaled manifests); KEDA's ScaledObject
    /// specification; AWS Application Auto Scaling for ECS services and DynamoDB tables.
    pub struct Autoscaling {
        id: "CAP-002", slug: "autoscaling", category: Capacity, severity: Major,
        tiers: [Required, Required, Skipped], evidence: "K T", effort: 4,
    }
}

/// The smallest autoscaler minimum accepted: one pod can always be lost to a deploy or a
/// node drain while the other serves.
const MIN_FLOOR: i64 = 2;

const NOTHING_FOUND: &str = "no replicated Kubernetes workloads, ECS services or DynamoDB tables found; point launchgate at the repository that deploys the service";

/// A number read from Terraform, with where it is written.
type Value = (i64, Loc);

#[derive(Default)]
struct Judged {
    failures: Vec<Finding>,
    unknown: Vec<Finding>,
    evidence: Vec<Finding>,
}

impl Evaluate for Autoscaling {
    fn evaluate(&self, cx: &CheckContext<'_>) -> Outcome {
        let k = &cx.evidence.kubernetes;
        let tf = &cx.evidence.terraform;
        let mut j = Judged::default();
        let mut judged = false;
        for w in replicated_workloads(k).filter(|w| !w.kind.is_operator_managed()) {
            judged = true;
            judge_workload(k, w, &mut j);
        }
        for (first, services) in compose_projects(cx.evidence) {
            judged = true;
            j.failures.push(
                Finding::new(format!(
                    "{} runs {} with Docker Compose, which has no autoscaler: each runs a fixed number of containers on one host ({})",
                    first.path,
                    count(services.len(), "service"),
                    some_names(&services)
                ))
                .at(Some(first.location())),
            );
        }
        for svc in ecs_replica_services(tf) {
            judged = true;
            judge_ecs_service(tf, svc, &mut j);
        }
        for table in tf.resources_of("aws_dynamodb_table") {
            judged = true;
            judge_table(tf, table, &mut j);
        }
        if !judged && !k.workloads.is_empty() && cx.evidence.gaps("K T").is_empty() {
            return Outcome::not_applicable(
                "no replicated workload: the Kubernetes workloads are DaemonSets, Jobs, CronJobs or bare Pods, which do not scale by replica count",
            );
        }
        Tally::judged(j.failures, j.unknown, j.evidence).conclude(cx, "K T", NOTHING_FOUND)
    }
}

fn judge_workload(k: &Kubernetes, w: &Workload, j: &mut Judged) {
    let hpas: Vec<&Hpa> = k.hpas_for(w).collect();
    let scaled: Vec<&ScaledObject> = k.scaled_objects_for(w).collect();
    if hpas.is_empty() && scaled.is_empty() {
        let count = w
            .replicas
            .as_ref()
            .map_or_else(|| "the default 1".to_string(), |r| r.value.to_string());
        j.failures.push(
            Finding::new(format!(
                "{} runs a fixed replica count ({count}): no HorizontalPodAutoscaler or KEDA ScaledObject targets it",
                w.resource()
            ))
            .at(Some(w.loc.location()))
            .resource(w.resource()),
        );
        return;
    }
    for h in hpas {
        judge_hpa(w, h, j);
    }
    for s in scaled {
        judge_scaled_object(w, s, j);
    }
}

fn judge_hpa(w: &Workload, h: &Hpa, j: &mut Judged) {
    let min = &h.min_replicas;
    let before = j.failures.len();
    if min.value < MIN_FLOOR {
        let what = if h.min_replicas_set {
            format!("minReplicas is {}", min.value)
        } else {
            "sets no minReplicas (the API default is 1)".to_string()
        };
        j.failures.push(
            Finding::new(format!(
                "{} (scaling {}) {what}; at least {MIN_FLOOR} keep a pod serving while another is replaced",
                h.resource(),
                w.resource()
            ))
            .at(Some(min.loc.location()))
            .resource(h.resource()),
        );
    }
    match &h.max_replicas {
        None => j.failures.push(
            Finding::new(format!(
                "{} (scaling {}) sets no maxReplicas",
                h.resource(),
                w.resource()
            ))
            .at(Some(h.loc.location()))
            .resource(h.resource()),
        ),
        Some(max) if max.value <= min.value => j.failures.push(
            Finding::new(format!(
                "{} (scaling {}) has maxReplicas {} not above minReplicas {}: it can never add a pod",
                h.resource(),
                w.resource(),
                max.value,
                min.value
            ))
            .at(Some(max.loc.location()))
            .resource(h.resource()),
        ),
        Some(max) => {
            if j.failures.len() == before {
                j.evidence.push(
                    Finding::new(format!(
                        "{} scales {} between {} and {} replicas",
                        h.resource(),
                        w.resource(),
                        min.value,
                        max.value
                    ))
                    .at(Some(h.loc.location()))
                    .resource(h.resource()),
                );
            }
        }
    }
}

fn judge_scaled_object(w: &Workload, s: &ScaledObject, j: &mut Judged) {
    let (min, max) = (s.min(), s.max());
    let min_loc = s.min_replica_count.as_ref().map_or(&s.loc, |m| &m.loc);
    let max_loc = s.max_replica_count.as_ref().map_or(&s.loc, |m| &m.loc);
    let before = j.failures.len();
    if min < MIN_FLOOR {
        let what = if s.min_replica_count.is_some() {
            format!("minReplicaCount is {min}")
        } else {
            format!("sets no minReplicaCount (the KEDA default is {min}, scale to zero)")
        };
        j.failures.push(
            Finding::new(format!(
                "{} (scaling {}) {what}; at least {MIN_FLOOR} keep a pod serving while another is replaced",
                s.resource(),
                w.resource()
            ))
            .at(Some(min_loc.location()))
            .resource(s.resource()),
        );
    }
    if max <= min {
        j.failures.push(
            Finding::new(format!(
                "{} (scaling {}) has maxReplicaCount {max} not above minReplicaCount {min}: it can never add a pod",
                s.resource(),
                w.resource()
            ))
            .at(Some(max_loc.location()))
            .resource(s.resource()),
        );
    }
    if j.failures.len() == before {
        j.evidence.push(
            Finding::new(format!(
                "{} scales {} between {min} and {max} replicas",
                s.resource(),
                w.resource()
            ))
            .at(Some(s.loc.location()))
            .resource(s.resource()),
        );
    }
}

/// `min_capacity` and `max_capacity` of a scaling target; `None` when one could not be
/// read (recorded as unknown or failed).
fn capacities(target: &Resource, j: &mut Judged) -> Option<(Value, Value)> {
    let mut read = |attr: &str| match tf_int(target, attr) {
        Ok(Some(v)) => Some(v),
        Ok(None) => {
            j.failures.push(
                Finding::new(format!("{} sets no `{attr}`", target.address()))
                    .at(Some(target.loc.location()))
                    .resource(target.address()),
            );
            None
        }
        Err(f) => {
            j.unknown.push(f);
            None
        }
    };
    let min = read("min_capacity");
    let max = read("max_capacity");
    Some((min?, max?))
}

/// Whether a scaling policy or scheduled action drives the target (referring to the target
/// or to the scaled resource).
fn has_policy(tf: &Terraform, target: &Resource, scaled: &Resource) -> bool {
    let is_policy = |r: &Resource| {
        matches!(
            r.rtype.as_str(),
            "aws_appautoscaling_policy" | "aws_appautoscaling_scheduled_action"
        )
    };
    tf.referrers(target).any(is_policy) || tf.referrers(scaled).any(is_policy)
}

fn judge_ecs_service(tf: &Terraform, svc: &Resource, j: &mut Judged) {
    let targets = scaling_targets(tf, svc);
    if targets.is_empty() {
        j.failures.push(
            Finding::new(format!(
                "{} runs a fixed task count: no aws_appautoscaling_target scales it",
                svc.address()
            ))
            .at(Some(svc.loc.location()))
            .resource(svc.address()),
        );
        return;
    }
    for t in targets {
        let before = j.failures.len() + j.unknown.len();
        if let Some(((min, min_loc), (max, max_loc))) = capacities(t, j) {
            if min < MIN_FLOOR {
                j.failures.push(
                    Finding::new(format!(
                        "{} (scaling {}) has min_capacity {min}; at least {MIN_FLOOR} keep a task serving while another is replaced",
                        t.address(),
                        svc.address()
                    ))
                    .at(Some(min_loc.location()))
                    .resource(t.address()),
                );
            }
            if max <= min {
                j.failures.push(
                    Finding::new(format!(
                        "{} (scaling {}) has max_capacity {max} not above min_capacity {min}: it can never add a task",
                        t.address(),
                        svc.address()
                    ))
                    .at(Some(max_loc.location()))
                    .resource(t.address()),
                );
            }
            if !has_policy(tf, t, svc) {
                j.failures.push(
                    Finding::new(format!(
                        "{} (scaling {}) has no aws_appautoscaling_policy or scheduled action: a target alone never scales",
                        t.address(),
                        svc.address()
                    ))
                    .at(Some(t.loc.location()))
                    .resource(t.address()),
                );
            }
            if j.failures.len() + j.unknown.len() == before {
                j.evidence.push(
                    Finding::new(format!(
                        "{} scales {} between {min} and {max} tasks",
                        t.address(),
                        svc.address()
                    ))
                    .at(Some(t.loc.location()))
                    .resource(t.address()),
                );
            }
        }
    }
}

fn judge_table(tf: &Terraform, table: &Resource, j: &mut Judged) {
    let mode_attr = table.attr("billing_mode");
    match mode_attr.map(|a| &a.value) {
        Some(TfValue::String(m)) if m == "PAY_PER_REQUEST" => {
            j.evidence.push(
                Finding::new(format!(
                    "{} is on-demand (billing_mode PAY_PER_REQUEST)",
                    table.address()
                ))
                .at(mode_attr.map(|a| a.loc.location()))
                .resource(table.address()),
            );
            return;
        }
        Some(v @ (TfValue::Ref(_) | TfValue::Unknown(_))) => {
            if let Some(a) = mode_attr {
                j.unknown
                    .push(unknown_value(table, "billing_mode", v, &a.loc));
            }
            return;
        }
        // Absent means PROVISIONED, the provider's default.
        _ => {}
    }
    let at = mode_attr.map_or(&table.loc, |a| &a.loc);
    let targets = scaling_targets(tf, table);
    let mut dims = Vec::new();
    for t in &targets {
        let Some(a) = t.attr("scalable_dimension") else {
            continue;
        };
        match &a.value {
            TfValue::String(d) => dims.push(d.as_str()),
            v => {
                j.unknown
                    .push(unknown_value(t, "scalable_dimension", v, &a.loc));
                return;
            }
        }
    }
    let before = j.failures.len() + j.unknown.len();
    for (dim, what) in [
        ("dynamodb:table:ReadCapacityUnits", "read"),
        ("dynamodb:table:WriteCapacityUnits", "write"),
    ] {
        if !dims.contains(&dim) {
            j.failures.push(
                Finding::new(format!(
                    "{} has provisioned capacity and nothing autoscales its {what} capacity: make it PAY_PER_REQUEST or add an aws_appautoscaling_target for `{dim}`",
                    table.address()
                ))
                .at(Some(at.location()))
                .resource(table.address()),
            );
        }
    }
    for t in targets {
        if let Some(((min, _), (max, max_loc))) = capacities(t, j)
            && max <= min
        {
            j.failures.push(
                Finding::new(format!(
                    "{} (scaling {}) has max_capacity {max} not above min_capacity {min}: it can never add capacity",
                    t.address(),
                    table.address()
                ))
                .at(Some(max_loc.location()))
                .resource(t.address()),
            );
        }
    }
    if j.failures.len() + j.unknown.len() == before {
        j.evidence.push(
            Finding::new(format!(
                "{} autoscales its read and write capacity",
                table.address()
            ))
            .at(Some(table.loc.location()))
            .resource(table.address()),
        );
    }
}
