//! Kubernetes workloads as checks count them: replicated workloads, Rollout templates and replica
//! counts with their autoscalers.

use launchgate_evidence::k8s::{Kubernetes, Workload, WorkloadKind};
use launchgate_evidence::{Evidence, Loc};

/// The reason given by checks of workloads when the repository has neither Kubernetes
/// workloads nor ECS task definitions.
pub const NO_WORKLOADS: &str = "no Kubernetes workloads or ECS task definitions found; point launchgate at the repository that deploys the service";

/// Whether the workload at `index` is the Deployment an Argo Rollout's `workloadRef` uses as
/// its pod template: the Rollout runs those pods, the Deployment is usually scaled to zero.
pub fn is_rollout_template(k: &Kubernetes, index: usize) -> bool {
    k.workloads
        .iter()
        .any(|r| r.kind == WorkloadKind::Rollout && r.links.workload_ref == Some(index))
}

/// Workloads that run a replica count of long-running pods (Deployment, StatefulSet,
/// ReplicaSet, ReplicationController, Rollout, DeploymentConfig), without the Deployments
/// that only serve as a Rollout's template.
pub fn replicated_workloads(k: &Kubernetes) -> impl Iterator<Item = &Workload> {
    k.workloads
        .iter()
        .enumerate()
        .filter(|(i, w)| w.kind.has_replicas() && !is_rollout_template(k, *i))
        .map(|(_, w)| w)
}

/// How many pods a workload runs, as far as the manifests say.
#[derive(Debug, Clone)]
pub struct ReplicaCount {
    /// The fewest pods it runs: the smallest autoscaler minimum when an autoscaler governs it
    /// (the HPA scales down to its minimum whatever `spec.replicas` says), else
    /// `spec.replicas`, else the API default 1.
    pub floor: i64,
    /// Where `floor` is written, or belongs (the `spec:` key for a missing `replicas`).
    pub loc: Loc,
    /// Where it comes from, for messages: `replicas: 3`, `HorizontalPodAutoscaler/api
    /// minReplicas 2`, ``no `replicas` is written, so the API default of 1 applies``.
    pub source: String,
    /// `spec.replicas`, when written.
    pub written: Option<i64>,
}

impl ReplicaCount {
    /// The most pods the manifests ask for at rest: the larger of `spec.replicas` and the
    /// floor (a workload with `replicas: 3` and an HPA minimum of 1 runs several pods at
    /// times).
    pub fn most(&self) -> i64 {
        self.written.map_or(self.floor, |w| w.max(self.floor))
    }
}

/// The Docker Compose services that deploy the service when Compose is all the repository
/// deploys with: no Kubernetes workload, no ECS service or task definition. Empty otherwise: a
/// Compose file beside Kubernetes manifests or ECS definitions runs the service on a laptop,
/// and the orchestrator's workloads are what the capacity checks judge. Services behind a
/// Compose `profiles:` entry (started only on request: debug tools, one-off jobs) are left
/// out.
pub fn compose_deployment(e: &Evidence) -> Vec<&Workload> {
    if !e.kubernetes.workloads.is_empty()
        || !e.terraform.ecs_task_definitions().is_empty()
        || crate::kit::aws::ecs_replica_services(&e.terraform)
            .next()
            .is_some()
    {
        return Vec::new();
    }
    e.compose
        .services
        .iter()
        .filter(|s| s.profiles.is_empty())
        .map(|s| &s.workload)
        .collect()
}

/// [`compose_deployment`] by Compose file: a platform limit (no autoscaler, one host) is said
/// once per file, naming its services, rather than once per service.
pub fn compose_projects(e: &Evidence) -> Vec<(&Loc, Vec<&Workload>)> {
    let mut out: Vec<(&Loc, Vec<&Workload>)> = Vec::new();
    for w in compose_deployment(e) {
        match out.iter_mut().find(|(first, _)| first.path == w.loc.path) {
            Some((_, list)) => list.push(w),
            None => out.push((&w.loc, vec![w])),
        }
    }
    out
}

/// Names for a message: `ad, cart, checkout` or `ad, cart, checkout and 17 more`.
pub fn some_names(workloads: &[&Workload]) -> String {
    const SHOWN: usize = 5;
    let names: Vec<&str> = workloads
        .iter()
        .take(SHOWN)
        .map(|w| w.name.as_str())
        .collect();
    match workloads.len().saturating_sub(SHOWN) {
        0 => names.join(", "),
        more => format!("{} and {more} more", names.join(", ")),
    }
}

/// The replica count of a workload with its autoscalers.
pub fn replica_count(k: &Kubernetes, w: &Workload) -> ReplicaCount {
    if w.kind == WorkloadKind::ComposeService {
        return match &w.replicas {
            Some(r) => ReplicaCount {
                floor: r.value,
                loc: r.loc.clone(),
                source: format!(
                    "{} replica{} set in Compose",
                    r.value,
                    if r.value == 1 { "" } else { "s" }
                ),
                written: Some(r.value),
            },
            None => ReplicaCount {
                floor: 1,
                loc: w.loc.clone(),
                source:
                    "no `deploy.replicas` or `scale` is written, so Compose starts one container"
                        .to_string(),
                written: None,
            },
        };
    }
    let written = w.replicas.as_ref().map(|r| r.value);
    let mut best: Option<(i64, Loc, String)> = None;
    let mut consider = |n: i64, loc: &Loc, source: String| {
        if best.as_ref().is_none_or(|(b, _, _)| n < *b) {
            best = Some((n, loc.clone(), source));
        }
    };
    for h in k.hpas_for(w) {
        let source = if h.min_replicas_set {
            format!("{} minReplicas {}", h.resource(), h.min_replicas.value)
        } else {
            format!(
                "{} sets no minReplicas, so the API default of 1 applies",
                h.resource()
            )
        };
        consider(h.min_replicas.value, &h.min_replicas.loc, source);
    }
    for s in k.scaled_objects_for(w) {
        match &s.min_replica_count {
            Some(m) => consider(
                m.value,
                &m.loc,
                format!("{} minReplicaCount {}", s.resource(), m.value),
            ),
            None => consider(
                s.min(),
                &s.loc,
                format!(
                    "{} sets no minReplicaCount, so the KEDA default of {} applies",
                    s.resource(),
                    s.min()
                ),
            ),
        }
    }
    if let Some((floor, loc, source)) = best {
        return ReplicaCount {
            floor,
            loc,
            source,
            written,
        };
    }
    match &w.replicas {
        Some(r) => ReplicaCount {
            floor: r.value,
            loc: r.loc.clone(),
            source: format!("replicas: {}", r.value),
            written,
        },
        None => ReplicaCount {
            floor: 1,
            loc: w.spec_loc.clone(),
            source: "no `replicas` is written, so the API default of 1 applies".to_string(),
            written,
        },
    }
}

/// How a workload's manifest spells a container setting, for messages: the Kubernetes field
/// (`readOnlyRootFilesystem: true`), or for a Docker Compose service the Compose key that
/// sets it (`read_only: true`). Settings without a Compose spelling keep the Kubernetes one.
pub fn spelled(w: &Workload, kubernetes: &'static str) -> &'static str {
    if w.kind != WorkloadKind::ComposeService {
        return kubernetes;
    }
    match kubernetes {
        "securityContext.readOnlyRootFilesystem: true" | "readOnlyRootFilesystem: true" => {
            "read_only: true"
        }
        "readOnlyRootFilesystem: false" => "read_only: false",
        "allowPrivilegeEscalation: false" => "security_opt: [no-new-privileges:true]",
        "allowPrivilegeEscalation: true" => "security_opt: [no-new-privileges:false]",
        "capabilities: {drop: [ALL]}" => "cap_drop: [ALL]",
        "hostNetwork: true" => "network_mode: host",
        "hostPID: true" => "pid: host",
        "hostIPC: true" => "ipc: host",
        "valueFrom.secretKeyRef" => "secrets",
        other => other,
    }
}
