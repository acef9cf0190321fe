//! Workloads (Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job,
//! CronJob, Pod, Argo Rollout, OpenShift DeploymentConfig): their controller settings, pod
//! template and containers, read into typed, located values.

use std::collections::BTreeMap;
use std::fmt;

use super::image::ImageRef;
use super::kinds::{TargetRef, read_target_ref};
use super::links::WorkloadLinks;
use super::read::{FieldPath, Reader, present};
use super::selector::{LabelSelector, read_map_selector, read_selector};
use super::{Head, IntOrPercent, Located, resource_string};
use crate::Loc;
use crate::yaml::{Entry, Node, Value};

/// The topology keys that mean "zone" to the scheduler.
pub const ZONE_TOPOLOGY_KEYS: &[&str] = &[
    "topology.kubernetes.io/zone",
    "failure-domain.beta.kubernetes.io/zone",
];

/// The kind of a workload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum WorkloadKind {
    Deployment,
    StatefulSet,
    DaemonSet,
    ReplicaSet,
    ReplicationController,
    Job,
    CronJob,
    Pod,
    /// Argo Rollouts `Rollout` (argoproj.io).
    Rollout,
    /// OpenShift `DeploymentConfig`.
    DeploymentConfig,
    /// Prometheus Operator `Prometheus` (monitoring.coreos.com): the operator runs it as a
    /// StatefulSet of `spec.replicas` pods (default 1) with one `prometheus` container.
    Prometheus,
    /// Prometheus Operator `Alertmanager`: a StatefulSet of `spec.replicas` pods (default 1).
    Alertmanager,
    /// Prometheus Operator `ThanosRuler`: a StatefulSet of `spec.replicas` pods (default 1).
    ThanosRuler,
    /// A Docker Compose service (not a Kubernetes object: see `crate::compose`). Container
    /// settings mean what they mean in a pod; what only a cluster has (disruption budgets,
    /// autoscalers, network policies, zones, service accounts) does not apply.
    ComposeService,
}

impl WorkloadKind {
    /// The `kind` as written in manifests.
    pub fn as_str(self) -> &'static str {
        match self {
            WorkloadKind::Deployment => "Deployment",
            WorkloadKind::StatefulSet => "StatefulSet",
            WorkloadKind::DaemonSet => "DaemonSet",
            WorkloadKind::ReplicaSet => "ReplicaSet",
            WorkloadKind::ReplicationController => "ReplicationController",
            WorkloadKind::Job => "Job",
            WorkloadKind::CronJob => "CronJob",
            WorkloadKind::Pod => "Pod",
            WorkloadKind::Rollout => "Rollout",
            WorkloadKind::DeploymentConfig => "DeploymentConfig",
            WorkloadKind::Prometheus => "Prometheus",
            WorkloadKind::Alertmanager => "Alertmanager",
            WorkloadKind::ThanosRuler => "ThanosRuler",
            WorkloadKind::ComposeService => "ComposeService",
        }
    }

    /// Whether the kind runs a replica count (`spec.replicas`) of long-running pods:
    /// Deployment, StatefulSet, ReplicaSet, ReplicationController, Rollout, DeploymentConfig,
    /// and the Prometheus Operator's Prometheus, Alertmanager and ThanosRuler. A Compose
    /// service's `deploy.replicas` runs on one host (or a Swarm the files do not describe),
    /// so it is not a replica count the Kubernetes checks judge.
    pub fn has_replicas(self) -> bool {
        matches!(
            self,
            WorkloadKind::Deployment
                | WorkloadKind::StatefulSet
                | WorkloadKind::ReplicaSet
                | WorkloadKind::ReplicationController
                | WorkloadKind::Rollout
                | WorkloadKind::DeploymentConfig
                | WorkloadKind::Prometheus
                | WorkloadKind::Alertmanager
                | WorkloadKind::ThanosRuler
        )
    }

    /// Whether the kind is a Prometheus Operator resource the operator turns into pods.
    pub fn is_operator_managed(self) -> bool {
        matches!(
            self,
            WorkloadKind::Prometheus | WorkloadKind::Alertmanager | WorkloadKind::ThanosRuler
        )
    }

    /// Whether the workload runs in a Kubernetes cluster (everything but a Compose service).
    pub fn is_kubernetes(self) -> bool {
        self != WorkloadKind::ComposeService
    }

    /// Whether pods of this kind run to completion (Job, CronJob).
    pub fn is_batch(self) -> bool {
        matches!(self, WorkloadKind::Job | WorkloadKind::CronJob)
    }

    /// Whether the kind serves continuously (everything but Job, CronJob and bare Pods).
    pub fn is_long_running(self) -> bool {
        !self.is_batch() && self != WorkloadKind::Pod
    }

    /// The kind for a manifest's `kind` and API group (`None` when `apiVersion` is absent).
    pub(super) fn from_kind(kind: &str, group: Option<&str>) -> Option<WorkloadKind> {
        let in_group = |wanted: &[&str]| group.is_none_or(|g| wanted.contains(&g));
        Some(match kind {
            "Deployment" if in_group(&["apps", "extensions"]) => WorkloadKind::Deployment,
            "StatefulSet" if in_group(&["apps"]) => WorkloadKind::StatefulSet,
            "DaemonSet" if in_group(&["apps", "extensions"]) => WorkloadKind::DaemonSet,
            "ReplicaSet" if in_group(&["apps", "extensions"]) => WorkloadKind::ReplicaSet,
            "ReplicationController" if in_group(&[""]) => WorkloadKind::ReplicationController,
            "Job" if in_group(&["batch"]) => WorkloadKind::Job,
            "CronJob" if in_group(&["batch"]) => WorkloadKind::CronJob,
            "Pod" if in_group(&[""]) => WorkloadKind::Pod,
            "Rollout" if in_group(&["argoproj.io"]) => WorkloadKind::Rollout,
            "DeploymentConfig" if in_group(&["apps.openshift.io", ""]) => {
                WorkloadKind::DeploymentConfig
            }
            "Prometheus" if in_group(&["monitoring.coreos.com"]) => WorkloadKind::Prometheus,
            "Alertmanager" if in_group(&["monitoring.coreos.com"]) => WorkloadKind::Alertmanager,
            "ThanosRuler" if in_group(&["monitoring.coreos.com"]) => WorkloadKind::ThanosRuler,
            _ => return None,
        })
    }
}

impl fmt::Display for WorkloadKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A workload: a controller (or bare Pod) with its pod template.
///
/// Workload kinds that carry no pod spec (`spec.template.spec`, or `spec` of a Pod) are not
/// workloads but partial manifests (kustomize patches such as `$patch: delete`): they stay
/// plain [`super::Object`]s. An Argo Rollout with `spec.workloadRef` and no template is a
/// workload with an empty `pod` (see [`WorkloadLinks::workload_ref`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Workload {
    pub kind: WorkloadKind,
    /// `metadata.name` (empty when absent).
    pub name: String,
    pub namespace: Option<String>,
    /// The object's own labels (`metadata.labels`; pod labels are in `pod.labels`).
    pub labels: BTreeMap<String, String>,
    /// The document.
    pub loc: Loc,
    /// The `kind:` value.
    pub kind_loc: Loc,
    /// Index of the object in [`super::Kubernetes::objects`].
    pub object: usize,
    /// The `spec:` key: where a missing `replicas`, `strategy`, ... belongs.
    pub spec_loc: Loc,
    /// `spec.replicas`, when written. When absent the API defaults it to 1, unless an
    /// autoscaler manages it: unknown here, so `None`.
    pub replicas: Option<Located<i64>>,
    /// `spec.selector` (a plain label map for ReplicationController and DeploymentConfig).
    pub selector: Option<LabelSelector>,
    /// The update strategy (`spec.strategy` of Deployment, DeploymentConfig and Rollout,
    /// `spec.updateStrategy` of StatefulSet and DaemonSet), when written.
    pub strategy: Option<Strategy>,
    /// The Argo Rollouts progressive strategy (`spec.strategy.canary` / `blueGreen`).
    pub rollout: Option<RolloutStrategy>,
    /// Argo Rollout `spec.workloadRef`: the Deployment whose pod template the Rollout uses.
    pub workload_ref: Option<TargetRef>,
    /// CronJob `spec.schedule`.
    pub schedule: Option<Located<String>>,
    /// CronJob `spec.suspend`.
    pub suspend: Option<Located<bool>>,
    /// The pod template (a Pod's own spec).
    pub pod: PodSpec,
    /// Indices of the objects that concern this workload, filled in by `assemble`.
    pub links: WorkloadLinks,
}

impl Workload {
    /// `Kind/name`, for findings (`Deployment/checkout`).
    pub fn resource(&self) -> String {
        resource_string(self.kind.as_str(), &self.name)
    }

    /// Where the replica count is written, or belongs: `spec.replicas`, else the `spec:` key.
    pub fn replicas_loc(&self) -> &Loc {
        self.replicas.as_ref().map_or(&self.spec_loc, |r| &r.loc)
    }

    /// All containers: init containers first, then the main containers.
    pub fn containers(&self) -> impl Iterator<Item = &Container> {
        self.pod.all_containers()
    }

    /// The update strategy type as written, else the API default (`RollingUpdate` for
    /// Deployment, StatefulSet and DaemonSet, `Rolling` for DeploymentConfig).
    pub fn strategy_type_or_default(&self) -> Option<&str> {
        if let Some(t) = self
            .strategy
            .as_ref()
            .and_then(|s| s.strategy_type.as_ref())
        {
            return Some(&t.value);
        }
        match self.kind {
            WorkloadKind::Deployment | WorkloadKind::StatefulSet | WorkloadKind::DaemonSet => {
                Some("RollingUpdate")
            }
            WorkloadKind::DeploymentConfig => Some("Rolling"),
            _ => None,
        }
    }
}

/// An update strategy as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Strategy {
    /// The strategy key (`strategy:` / `updateStrategy:`).
    pub loc: Loc,
    /// `type` (`RollingUpdate`, `Recreate`, `OnDelete`, `Rolling`); for a Rollout `Canary`
    /// or `BlueGreen`, located at its key.
    pub strategy_type: Option<Located<String>>,
    /// `maxUnavailable` (`rollingUpdate`, `rollingParams`, or the Rollout canary).
    pub max_unavailable: Option<Located<IntOrPercent>>,
    /// `maxSurge`.
    pub max_surge: Option<Located<IntOrPercent>>,
    /// StatefulSet `rollingUpdate.partition`.
    pub partition: Option<Located<i64>>,
}

/// Argo Rollouts progressive delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RolloutKind {
    Canary,
    BlueGreen,
}

/// An Argo Rollout's `canary` or `blueGreen` strategy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RolloutStrategy {
    pub kind: RolloutKind,
    /// The `canary:` / `blueGreen:` key.
    pub loc: Loc,
    /// Number of canary `steps`.
    pub steps: usize,
    /// Whether analysis is configured (`analysis`, an `analysis` step, or blue-green
    /// pre/post-promotion analysis).
    pub analysis: bool,
}

/// A pod spec with its template metadata.
#[derive(Debug, Clone, PartialEq)]
pub struct PodSpec {
    /// The pod spec's `spec:` key (the workload's spec for a Pod; the document when the pod
    /// comes from a Rollout `workloadRef`).
    pub loc: Loc,
    /// Pod labels (template `metadata.labels`; a Pod's own labels).
    pub labels: BTreeMap<String, String>,
    /// Pod annotations (template `metadata.annotations`), with value locations.
    pub annotations: BTreeMap<String, Located<String>>,
    /// `serviceAccountName` (or the deprecated `serviceAccount`).
    pub service_account_name: Option<Located<String>>,
    pub automount_service_account_token: Option<Located<bool>>,
    pub host_network: Option<Located<bool>>,
    pub host_pid: Option<Located<bool>>,
    pub host_ipc: Option<Located<bool>>,
    /// Pod-level `securityContext`.
    pub security_context: PodSecurityContext,
    pub termination_grace_period_seconds: Option<Located<i64>>,
    pub priority_class_name: Option<Located<String>>,
    pub volumes: Vec<Volume>,
    pub topology_spread_constraints: Vec<TopologySpreadConstraint>,
    /// Pod anti-affinity terms, required and preferred.
    pub pod_anti_affinity: Vec<AntiAffinityTerm>,
    pub node_selector: BTreeMap<String, String>,
    pub init_containers: Vec<Container>,
    pub containers: Vec<Container>,
}

impl PodSpec {
    /// A pod spec with nothing set, located at `loc`.
    pub fn empty(loc: Loc) -> PodSpec {
        PodSpec {
            loc,
            labels: BTreeMap::new(),
            annotations: BTreeMap::new(),
            service_account_name: None,
            automount_service_account_token: None,
            host_network: None,
            host_pid: None,
            host_ipc: None,
            security_context: PodSecurityContext::default(),
            termination_grace_period_seconds: None,
            priority_class_name: None,
            volumes: Vec::new(),
            topology_spread_constraints: Vec::new(),
            pod_anti_affinity: Vec::new(),
            node_selector: BTreeMap::new(),
            init_containers: Vec::new(),
            containers: Vec::new(),
        }
    }

    /// Init containers, then main containers.
    pub fn all_containers(&self) -> impl Iterator<Item = &Container> {
        self.init_containers.iter().chain(&self.containers)
    }

    /// A pod annotation (`prometheus.io/scrape`).
    pub fn annotation(&self, key: &str) -> Option<&Located<String>> {
        self.annotations.get(key)
    }

    /// The service account the pods run as: `serviceAccountName`, else `default`.
    pub fn service_account(&self) -> &str {
        self.service_account_name
            .as_ref()
            .map_or("default", |s| s.value.as_str())
    }

    /// The first declaration that spreads pods across zones: a topology spread constraint
    /// or a pod anti-affinity term on a zone key.
    pub fn zone_spread(&self) -> Option<&Loc> {
        let is_zone = |k: &Option<Located<String>>| {
            k.as_ref()
                .is_some_and(|k| ZONE_TOPOLOGY_KEYS.contains(&k.value.as_str()))
        };
        self.topology_spread_constraints
            .iter()
            .find(|t| is_zone(&t.topology_key))
            .map(|t| &t.loc)
            .or_else(|| {
                self.pod_anti_affinity
                    .iter()
                    .find(|t| is_zone(&t.topology_key))
                    .map(|t| &t.loc)
            })
    }

    /// The volume named `name`.
    pub fn volume(&self, name: &str) -> Option<&Volume> {
        self.volumes.iter().find(|v| v.name == name)
    }
}

/// Pod-level `securityContext`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PodSecurityContext {
    /// The `securityContext:` key, when written.
    pub loc: Option<Loc>,
    pub run_as_non_root: Option<Located<bool>>,
    pub run_as_user: Option<Located<i64>>,
    pub run_as_group: Option<Located<i64>>,
    pub fs_group: Option<Located<i64>>,
    /// `seccompProfile.type` (`RuntimeDefault`, `Localhost`, `Unconfined`).
    pub seccomp_profile: Option<Located<String>>,
}

/// Container-level `securityContext`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SecurityContext {
    /// The `securityContext:` key, when written.
    pub loc: Option<Loc>,
    pub run_as_non_root: Option<Located<bool>>,
    pub run_as_user: Option<Located<i64>>,
    pub run_as_group: Option<Located<i64>>,
    pub read_only_root_filesystem: Option<Located<bool>>,
    pub privileged: Option<Located<bool>>,
    pub allow_privilege_escalation: Option<Located<bool>>,
    /// `capabilities.add`.
    pub capabilities_add: Vec<Located<String>>,
    /// `capabilities.drop`.
    pub capabilities_drop: Vec<Located<String>>,
    /// `seccompProfile.type`.
    pub seccomp_profile: Option<Located<String>>,
}

/// A pod volume.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Volume {
    pub name: String,
    /// The list item.
    pub loc: Loc,
    pub source: VolumeSource,
}

/// Where a volume's data comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VolumeSource {
    HostPath {
        path: Option<Located<String>>,
    },
    Secret {
        secret_name: Option<String>,
    },
    ConfigMap {
        name: Option<String>,
    },
    EmptyDir {
        medium: Option<String>,
    },
    PersistentVolumeClaim {
        claim_name: Option<String>,
    },
    /// A projected volume; `secrets` are the secret names among its sources.
    Projected {
        secrets: Vec<String>,
        service_account_token: bool,
    },
    /// Another source, by its key (`nfs`, `csi`, ...).
    Other(String),
    /// No source key (the API defaults to `emptyDir`).
    None,
}

/// A topology spread constraint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopologySpreadConstraint {
    /// The list item.
    pub loc: Loc,
    pub topology_key: Option<Located<String>>,
    /// `whenUnsatisfiable` (API default `DoNotSchedule`).
    pub when_unsatisfiable: Option<Located<String>>,
    pub max_skew: Option<Located<i64>>,
    pub label_selector: Option<LabelSelector>,
}

impl TopologySpreadConstraint {
    /// Whether the constraint spreads across zones.
    pub fn is_zone(&self) -> bool {
        self.topology_key
            .as_ref()
            .is_some_and(|k| ZONE_TOPOLOGY_KEYS.contains(&k.value.as_str()))
    }
}

/// A pod anti-affinity term.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AntiAffinityTerm {
    /// The list item.
    pub loc: Loc,
    /// `requiredDuringSchedulingIgnoredDuringExecution` (else preferred).
    pub required: bool,
    /// The preferred term's `weight`.
    pub weight: Option<i64>,
    pub topology_key: Option<Located<String>>,
    pub label_selector: Option<LabelSelector>,
}

/// A container (or init container).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Container {
    /// `name` (empty when absent).
    pub name: String,
    /// The list item.
    pub loc: Loc,
    /// Whether it is an init container.
    pub is_init: bool,
    /// `restartPolicy`: `Always` makes an init container a native sidecar.
    pub restart_policy: Option<Located<String>>,
    pub image: Option<Located<String>>,
    pub image_pull_policy: Option<Located<String>>,
    pub command: Vec<String>,
    pub args: Vec<String>,
    pub resources: Resources,
    pub readiness_probe: Option<Probe>,
    pub liveness_probe: Option<Probe>,
    pub startup_probe: Option<Probe>,
    /// `lifecycle.preStop`.
    pub pre_stop: Option<LifecycleHook>,
    /// `lifecycle.postStart`.
    pub post_start: Option<LifecycleHook>,
    pub env: Vec<EnvVar>,
    pub env_from: Vec<EnvFrom>,
    pub security_context: SecurityContext,
    pub ports: Vec<ContainerPort>,
    pub volume_mounts: Vec<VolumeMount>,
}

impl Container {
    /// `Kind/name container c` (or `init container c`), for findings.
    pub fn resource(&self, workload: &Workload) -> String {
        let what = if self.is_init {
            "init container"
        } else {
            "container"
        };
        format!("{} {what} {}", workload.resource(), self.name)
    }

    /// Whether it is a native sidecar: an init container with `restartPolicy: Always`, which
    /// runs for the pod's whole life.
    pub fn is_native_sidecar(&self) -> bool {
        self.is_init
            && self
                .restart_policy
                .as_ref()
                .is_some_and(|p| p.value == "Always")
    }

    /// Whether it runs for the pod's whole life: an app container or a native sidecar (an
    /// init container that is not one runs to completion before the others start).
    pub fn is_long_running(&self) -> bool {
        !self.is_init || self.is_native_sidecar()
    }

    /// The image reference, parsed.
    pub fn image_ref(&self) -> Option<ImageRef<'_>> {
        self.image.as_ref().map(|i| ImageRef::parse(&i.value))
    }

    /// The image tag.
    pub fn tag(&self) -> Option<&str> {
        self.image_ref().and_then(|r| r.tag)
    }

    /// The image digest.
    pub fn digest(&self) -> Option<&str> {
        self.image_ref().and_then(|r| r.digest)
    }

    /// Whether the image is pinned (a digest, or a tag other than `latest`). `false` when
    /// there is no image.
    pub fn is_pinned(&self) -> bool {
        self.image_ref().is_some_and(|r| r.is_pinned())
    }

    /// The environment variable named `name` (the last one wins, as in the API).
    pub fn env_var(&self, name: &str) -> Option<&EnvVar> {
        self.env.iter().rev().find(|e| e.name == name)
    }

    /// The environment variables whose name starts with `prefix` (`OTEL_`).
    pub fn env_with_prefix<'a>(&'a self, prefix: &'a str) -> impl Iterator<Item = &'a EnvVar> + 'a {
        self.env.iter().filter(move |e| e.name.starts_with(prefix))
    }

    /// `runAsNonRoot`: the container's, else the pod's.
    pub fn effective_run_as_non_root<'a>(&'a self, pod: &'a PodSpec) -> Option<&'a Located<bool>> {
        self.security_context
            .run_as_non_root
            .as_ref()
            .or(pod.security_context.run_as_non_root.as_ref())
    }

    /// `runAsUser`: the container's, else the pod's.
    pub fn effective_run_as_user<'a>(&'a self, pod: &'a PodSpec) -> Option<&'a Located<i64>> {
        self.security_context
            .run_as_user
            .as_ref()
            .or(pod.security_context.run_as_user.as_ref())
    }

    /// `runAsGroup`: the container's, else the pod's.
    pub fn effective_run_as_group<'a>(&'a self, pod: &'a PodSpec) -> Option<&'a Located<i64>> {
        self.security_context
            .run_as_group
            .as_ref()
            .or(pod.security_context.run_as_group.as_ref())
    }

    /// `seccompProfile.type`: the container's, else the pod's.
    pub fn effective_seccomp_profile<'a>(
        &'a self,
        pod: &'a PodSpec,
    ) -> Option<&'a Located<String>> {
        self.security_context
            .seccomp_profile
            .as_ref()
            .or(pod.security_context.seccomp_profile.as_ref())
    }

    /// Whether the container is configured to run as a non-root user: `Some(false)` when the
    /// effective `runAsUser` is 0, `Some(true)` when it is above 0 or `runAsNonRoot` is true,
    /// `None` when neither says (the image's `USER` decides).
    pub fn runs_as_non_root(&self, pod: &PodSpec) -> Option<bool> {
        match self.effective_run_as_user(pod) {
            Some(u) => Some(u.value != 0),
            None => self
                .effective_run_as_non_root(pod)
                .filter(|n| n.value)
                .map(|_| true),
        }
    }

    /// Whether `capabilities.drop` contains `ALL`.
    pub fn drops_all_capabilities(&self) -> bool {
        self.security_context
            .capabilities_drop
            .iter()
            .any(|c| c.value.eq_ignore_ascii_case("ALL"))
    }

    /// Where a security finding about this container belongs: its `securityContext:` key,
    /// else the container.
    pub fn security_loc(&self) -> &Loc {
        self.security_context.loc.as_ref().unwrap_or(&self.loc)
    }

    /// The probes that are set, as (`readiness` | `liveness` | `startup`, probe).
    pub fn probes(&self) -> impl Iterator<Item = (&'static str, &Probe)> {
        [
            ("readiness", self.readiness_probe.as_ref()),
            ("liveness", self.liveness_probe.as_ref()),
            ("startup", self.startup_probe.as_ref()),
        ]
        .into_iter()
        .filter_map(|(k, p)| p.map(|p| (k, p)))
    }
}

/// Container `resources`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Resources {
    /// The `resources:` key, when written.
    pub loc: Option<Loc>,
    pub requests: ResourceList,
    pub limits: ResourceList,
}

/// `requests` or `limits`: quantities as written (`250m`, `"1"`, `512Mi`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ResourceList {
    /// The `requests:` / `limits:` key, when written.
    pub loc: Option<Loc>,
    pub cpu: Option<Located<String>>,
    pub memory: Option<Located<String>>,
    /// Other resources (`ephemeral-storage`, `nvidia.com/gpu`).
    pub other: BTreeMap<String, Located<String>>,
}

/// A probe.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Probe {
    /// The `readinessProbe:` / `livenessProbe:` / `startupProbe:` key.
    pub loc: Loc,
    pub action: Action,
    pub initial_delay_seconds: Option<Located<i64>>,
    pub period_seconds: Option<Located<i64>>,
    pub timeout_seconds: Option<Located<i64>>,
    pub failure_threshold: Option<Located<i64>>,
    pub success_threshold: Option<Located<i64>>,
}

impl Probe {
    /// The normalized action (`http GET http://:8080/healthz`, `tcp :6379`, `grpc :7070`,
    /// `exec cat /tmp/ready`): equal descriptions probe the same thing.
    pub fn description(&self) -> String {
        self.action.description()
    }

    /// Whether both probes check the same thing (same normalized action).
    pub fn same_action(&self, other: &Probe) -> bool {
        self.action == other.action
    }

    /// Whether both probes are identical: same action and same timing settings (ignoring
    /// locations; unset and explicitly-default values differ).
    pub fn same_settings(&self, other: &Probe) -> bool {
        fn v(x: Option<&Located<i64>>) -> Option<i64> {
            x.map(|l| l.value)
        }
        self.action == other.action
            && v(self.initial_delay_seconds.as_ref()) == v(other.initial_delay_seconds.as_ref())
            && v(self.period_seconds.as_ref()) == v(other.period_seconds.as_ref())
            && v(self.timeout_seconds.as_ref()) == v(other.timeout_seconds.as_ref())
            && v(self.failure_threshold.as_ref()) == v(other.failure_threshold.as_ref())
            && v(self.success_threshold.as_ref()) == v(other.success_threshold.as_ref())
    }
}

/// What a probe or lifecycle hook runs, normalized (defaults filled in: HTTP scheme, path
/// `/`), so that two actions compare equal when they do the same thing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    Http {
        /// `HTTP` or `HTTPS`.
        scheme: String,
        host: String,
        /// A number or a named port.
        port: String,
        path: String,
    },
    Tcp {
        host: String,
        port: String,
    },
    Exec {
        command: Vec<String>,
    },
    Grpc {
        port: String,
        service: Option<String>,
    },
    /// Lifecycle `sleep`.
    Sleep {
        seconds: Option<i64>,
    },
    /// No handler written.
    None,
}

impl Action {
    /// `http`, `tcp`, `exec`, `grpc`, `sleep` or `none`.
    pub fn kind(&self) -> &'static str {
        match self {
            Action::Http { .. } => "http",
            Action::Tcp { .. } => "tcp",
            Action::Exec { .. } => "exec",
            Action::Grpc { .. } => "grpc",
            Action::Sleep { .. } => "sleep",
            Action::None => "none",
        }
    }

    /// A one-line normalized description.
    pub fn description(&self) -> String {
        match self {
            Action::Http {
                scheme,
                host,
                port,
                path,
            } => format!(
                "http GET {}://{host}:{port}{path}",
                scheme.to_ascii_lowercase()
            ),
            Action::Tcp { host, port } => format!("tcp {host}:{port}"),
            Action::Exec { command } => format!("exec {}", command.join(" ")),
            Action::Grpc { port, service } => match service {
                Some(s) => format!("grpc :{port} service={s}"),
                None => format!("grpc :{port}"),
            },
            Action::Sleep { seconds } => match seconds {
                Some(s) => format!("sleep {s}s"),
                None => "sleep".to_string(),
            },
            Action::None => "none".to_string(),
        }
    }
}

/// A lifecycle hook (`preStop`, `postStart`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LifecycleHook {
    /// The `preStop:` / `postStart:` key.
    pub loc: Loc,
    pub action: Action,
}

/// An environment variable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvVar {
    pub name: String,
    /// The `name` value.
    pub name_loc: Loc,
    /// The list item.
    pub loc: Loc,
    pub value: EnvValue,
}

impl EnvVar {
    /// The literal value, when the variable has one.
    pub fn literal(&self) -> Option<&Located<String>> {
        match &self.value {
            EnvValue::Literal(v) => Some(v),
            _ => None,
        }
    }

    /// Whether the value comes from a Secret (`secretKeyRef`).
    pub fn is_secret_ref(&self) -> bool {
        matches!(self.value, EnvValue::SecretKeyRef { .. })
    }
}

/// Where an environment variable's value comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnvValue {
    /// `value:` as written.
    Literal(Located<String>),
    /// `valueFrom.secretKeyRef`.
    SecretKeyRef {
        name: Option<String>,
        key: Option<String>,
        loc: Loc,
    },
    /// `valueFrom.configMapKeyRef`.
    ConfigMapKeyRef {
        name: Option<String>,
        key: Option<String>,
        loc: Loc,
    },
    /// `valueFrom.fieldRef.fieldPath`.
    FieldRef {
        field_path: Option<String>,
        loc: Loc,
    },
    /// `valueFrom.resourceFieldRef.resource`.
    ResourceFieldRef { resource: Option<String>, loc: Loc },
    /// Another `valueFrom` source, by its key.
    Other { source: String, loc: Loc },
    /// Neither `value` nor `valueFrom` (the empty string).
    Empty,
}

/// An `envFrom` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvFrom {
    /// The list item.
    pub loc: Loc,
    pub source: EnvFromSource,
    /// The referenced Secret or ConfigMap name.
    pub name: Option<String>,
    pub prefix: Option<String>,
}

/// What an `envFrom` entry reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EnvFromSource {
    Secret,
    ConfigMap,
    Other,
}

/// A container port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContainerPort {
    /// The list item.
    pub loc: Loc,
    pub name: Option<String>,
    pub container_port: Option<Located<i64>>,
    pub protocol: Option<String>,
}

/// A volume mount.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VolumeMount {
    /// The list item.
    pub loc: Loc,
    pub name: String,
    pub mount_path: Option<String>,
    pub read_only: Option<Located<bool>>,
}

// ---------------------------------------------------------------------------------------------
// Reading

/// Reads a workload; `None` when the document carries no pod spec (a partial manifest).
pub(super) fn read_workload(
    r: &mut Reader<'_>,
    doc: &Node,
    head: &Head<'_>,
    kind: WorkloadKind,
) -> Option<Workload> {
    let root = head.path;
    let spec_entry = r.map_entry(doc, "spec", root)?;
    let spec = &spec_entry.value;
    let spec_path = root.key("spec");

    // Where the pod template lives, and what path to report errors under.
    let mut workload_ref = None;
    let pod = match kind {
        WorkloadKind::Prometheus | WorkloadKind::Alertmanager | WorkloadKind::ThanosRuler => Some(
            read_operator_pod(r, spec, &spec_path, spec_entry.key_loc.clone(), head, kind),
        ),
        WorkloadKind::Pod => {
            let mut pod = read_pod_spec(r, spec, &spec_path, spec_entry.key_loc.clone());
            pod.labels = head.labels.clone();
            pod.annotations = head.annotations.clone();
            Some(pod)
        }
        WorkloadKind::CronJob => {
            let jt_path = spec_path.key("jobTemplate");
            let jt_spec_path = jt_path.key("spec");
            r.map(spec, "jobTemplate", &spec_path)
                .and_then(|jt| r.map(jt, "spec", &jt_path))
                .and_then(|js| read_template(r, js, &jt_spec_path))
        }
        _ => {
            let pod = read_template(r, spec, &spec_path);
            if kind == WorkloadKind::Rollout {
                workload_ref = r
                    .map_entry(spec, "workloadRef", &spec_path)
                    .map(|e| read_target_ref(r, e, &spec_path, None));
            }
            match (pod, &workload_ref) {
                (None, Some(_)) => Some(PodSpec::empty(head.loc.clone())),
                (pod, _) => pod,
            }
        }
    }?;

    let replicas = if kind.has_replicas() {
        r.int(spec, "replicas", &spec_path)
    } else {
        None
    };
    let selector = match kind {
        WorkloadKind::Pod => None,
        WorkloadKind::ReplicationController | WorkloadKind::DeploymentConfig => {
            read_map_selector(r, spec, "selector", &spec_path)
        }
        WorkloadKind::CronJob => {
            let jt_path = spec_path.key("jobTemplate");
            let js_path = jt_path.key("spec");
            match spec.get("jobTemplate").and_then(|jt| jt.get("spec")) {
                Some(js) => read_selector(r, js, "selector", &js_path),
                None => None,
            }
        }
        _ => read_selector(r, spec, "selector", &spec_path),
    };
    let (strategy, rollout) = match kind {
        WorkloadKind::Deployment => (
            read_strategy(r, spec, "strategy", "rollingUpdate", &spec_path),
            None,
        ),
        WorkloadKind::DeploymentConfig => (
            read_strategy(r, spec, "strategy", "rollingParams", &spec_path),
            None,
        ),
        WorkloadKind::StatefulSet | WorkloadKind::DaemonSet => (
            read_strategy(r, spec, "updateStrategy", "rollingUpdate", &spec_path),
            None,
        ),
        WorkloadKind::Rollout => read_rollout_strategy(r, spec, &spec_path),
        _ => (None, None),
    };
    let (schedule, suspend) = if kind == WorkloadKind::CronJob {
        (
            r.string(spec, "schedule", &spec_path),
            r.boolean(spec, "suspend", &spec_path),
        )
    } else {
        (None, None)
    };

    Some(Workload {
        kind,
        name: head.name.clone(),
        namespace: head.namespace.clone(),
        labels: head.labels.clone(),
        loc: head.loc.clone(),
        kind_loc: head.kind_loc.clone(),
        object: head.object,
        spec_loc: spec_entry.key_loc.clone(),
        replicas,
        selector,
        strategy,
        rollout,
        workload_ref,
        schedule,
        suspend,
        pod,
        links: WorkloadLinks::default(),
    })
}

/// The pods the Prometheus Operator runs for a `Prometheus`, `Alertmanager` or `ThanosRuler`:
/// the pod-level fields of the resource's `spec` (`securityContext`, `affinity`,
/// `topologySpreadConstraints`, `volumes`, `serviceAccountName`, ...), the labels the operator
/// puts on its pods (`app.kubernetes.io/name`, `prometheus`/`alertmanager`/`thanos-ruler:
/// <name>`, `app.kubernetes.io/instance`, `app.kubernetes.io/managed-by`) and
/// `spec.podMetadata.labels`, and one main container named as the operator names it, with
/// `spec.image` (else the upstream image at `spec.version`) and `spec.resources`. The
/// operator's fixed container settings (a read-only root filesystem, no privilege escalation,
/// all capabilities dropped, HTTP readiness and liveness probes on the web port) are filled
/// in, located at the `kind:` line. `spec.containers` entries with the main container's name
/// patch it (what they set wins); others are sidecars.
fn read_operator_pod(
    r: &mut Reader<'_>,
    spec: &Node,
    spec_path: &FieldPath<'_>,
    spec_loc: Loc,
    head: &Head<'_>,
    kind: WorkloadKind,
) -> PodSpec {
    let (main, app, upstream, port) = match kind {
        WorkloadKind::Alertmanager => (
            "alertmanager",
            "alertmanager",
            "quay.io/prometheus/alertmanager",
            9093,
        ),
        WorkloadKind::ThanosRuler => (
            "thanos-ruler",
            "thanos-ruler",
            "quay.io/thanos/thanos",
            10902,
        ),
        _ => (
            "prometheus",
            "prometheus",
            "quay.io/prometheus/prometheus",
            9090,
        ),
    };
    let mut pod = read_pod_spec(r, spec, spec_path, spec_loc);
    let mut labels = BTreeMap::new();
    labels.insert("app.kubernetes.io/name".to_string(), app.to_string());
    labels.insert("app.kubernetes.io/instance".to_string(), head.name.clone());
    labels.insert(
        "app.kubernetes.io/managed-by".to_string(),
        "prometheus-operator".to_string(),
    );
    labels.insert(app.to_string(), head.name.clone());
    if let Some(meta) = r.map(spec, "podMetadata", spec_path) {
        let mp = spec_path.key("podMetadata");
        labels.extend(r.string_map(meta, "labels", &mp));
        pod.annotations = r.located_map(meta, "annotations", &mp);
    }
    pod.labels = labels;

    let fixed = &head.kind_loc;
    let image = r.string(spec, "image", spec_path).or_else(|| {
        spec.get("version").and_then(Node::scalar_text).map(|v| {
            let tag = if v.starts_with('v') {
                v
            } else {
                format!("v{v}")
            };
            Located::new(format!("{upstream}:{tag}"), fixed.clone())
        })
    });
    let probe = |path: &str| Probe {
        loc: fixed.clone(),
        action: Action::Http {
            scheme: "HTTP".to_string(),
            host: String::new(),
            port: port.to_string(),
            path: path.to_string(),
        },
        initial_delay_seconds: None,
        period_seconds: None,
        timeout_seconds: None,
        failure_threshold: None,
        success_threshold: None,
    };
    let mut c = Container {
        name: main.to_string(),
        loc: head.kind_loc.clone(),
        is_init: false,
        restart_policy: None,
        image,
        image_pull_policy: r.string(spec, "imagePullPolicy", spec_path),
        command: Vec::new(),
        args: Vec::new(),
        resources: read_resources(r, spec, spec_path),
        readiness_probe: Some(probe("/-/ready")),
        liveness_probe: Some(probe("/-/healthy")),
        startup_probe: None,
        pre_stop: None,
        post_start: None,
        env: Vec::new(),
        env_from: Vec::new(),
        security_context: SecurityContext {
            loc: Some(fixed.clone()),
            read_only_root_filesystem: Some(Located::new(true, fixed.clone())),
            allow_privilege_escalation: Some(Located::new(false, fixed.clone())),
            capabilities_drop: vec![Located::new("ALL".to_string(), fixed.clone())],
            ..SecurityContext::default()
        },
        ports: vec![ContainerPort {
            loc: fixed.clone(),
            name: Some("web".to_string()),
            container_port: Some(Located::new(port, fixed.clone())),
            protocol: None,
        }],
        volume_mounts: Vec::new(),
    };
    if let Some(i) = pod.containers.iter().position(|p| p.name == main) {
        let patch = pod.containers.remove(i);
        if patch.image.is_some() {
            c.image = patch.image;
        }
        if patch.resources.loc.is_some() {
            c.resources = patch.resources;
        }
        if patch.security_context.loc.is_some() {
            c.security_context = patch.security_context;
        }
        for (slot, p) in [
            (&mut c.readiness_probe, patch.readiness_probe),
            (&mut c.liveness_probe, patch.liveness_probe),
            (&mut c.startup_probe, patch.startup_probe),
        ] {
            if p.is_some() {
                *slot = p;
            }
        }
        c.env.extend(patch.env);
        c.env_from.extend(patch.env_from);
        c.loc = patch.loc;
    }
    pod.containers.insert(0, c);
    pod
}

/// Reads `parent.template` (metadata and spec); `None` when there is no `template.spec`.
fn read_template(r: &mut Reader<'_>, parent: &Node, path: &FieldPath<'_>) -> Option<PodSpec> {
    let template = r.map(parent, "template", path)?;
    let t_path = path.key("template");
    let spec_entry = r.map_entry(template, "spec", &t_path)?;
    let mut pod = read_pod_spec(
        r,
        &spec_entry.value,
        &t_path.key("spec"),
        spec_entry.key_loc.clone(),
    );
    if let Some(meta) = r.map(template, "metadata", &t_path) {
        let m_path = t_path.key("metadata");
        pod.labels = r.string_map(meta, "labels", &m_path);
        pod.annotations = r.located_map(meta, "annotations", &m_path);
    }
    Some(pod)
}

fn read_pod_spec(r: &mut Reader<'_>, spec: &Node, path: &FieldPath<'_>, loc: Loc) -> PodSpec {
    let service_account_name = r
        .string(spec, "serviceAccountName", path)
        .or_else(|| r.string(spec, "serviceAccount", path));
    let mut pod = PodSpec {
        service_account_name,
        automount_service_account_token: r.boolean(spec, "automountServiceAccountToken", path),
        host_network: r.boolean(spec, "hostNetwork", path),
        host_pid: r.boolean(spec, "hostPID", path),
        host_ipc: r.boolean(spec, "hostIPC", path),
        termination_grace_period_seconds: r.int(spec, "terminationGracePeriodSeconds", path),
        priority_class_name: r.string(spec, "priorityClassName", path),
        node_selector: r.string_map(spec, "nodeSelector", path),
        ..PodSpec::empty(loc)
    };
    if let Some(e) = r.map_entry(spec, "securityContext", path) {
        let sc_path = path.key("securityContext");
        let sc = &e.value;
        pod.security_context = PodSecurityContext {
            loc: Some(e.key_loc.clone()),
            run_as_non_root: r.boolean(sc, "runAsNonRoot", &sc_path),
            run_as_user: r.int(sc, "runAsUser", &sc_path),
            run_as_group: r.int(sc, "runAsGroup", &sc_path),
            fs_group: r.int(sc, "fsGroup", &sc_path),
            seccomp_profile: read_seccomp(r, sc, &sc_path),
        };
    }
    pod.volumes = read_volumes(r, spec, path);
    pod.topology_spread_constraints = read_spread(r, spec, path);
    pod.pod_anti_affinity = read_anti_affinity(r, spec, path);
    pod.init_containers = read_containers(r, spec, "initContainers", path, true);
    pod.containers = read_containers(r, spec, "containers", path, false);
    pod
}

fn read_seccomp(r: &mut Reader<'_>, sc: &Node, path: &FieldPath<'_>) -> Option<Located<String>> {
    let p = r.map(sc, "seccompProfile", path)?;
    r.string(p, "type", &path.key("seccompProfile"))
}

fn read_volumes(r: &mut Reader<'_>, spec: &Node, path: &FieldPath<'_>) -> Vec<Volume> {
    let list_path = path.key("volumes");
    let items = r.seq(spec, "volumes", path);
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let item_path = list_path.index(i);
        let Some(v) = r.item_map(item, &item_path) else {
            continue;
        };
        let source = read_volume_source(r, v, &item_path);
        out.push(Volume {
            name: r.text(v, "name", &item_path).unwrap_or_default(),
            loc: v.loc.clone(),
            source,
        });
    }
    out
}

fn read_volume_source(r: &mut Reader<'_>, v: &Node, path: &FieldPath<'_>) -> VolumeSource {
    let Some(e) = v
        .as_map()
        .iter()
        .find(|e| e.key != "name" && !e.value.is_null())
    else {
        return VolumeSource::None;
    };
    let p = path.key(&e.key);
    let node = &e.value;
    match e.key.as_str() {
        "hostPath" => VolumeSource::HostPath {
            path: r.string(node, "path", &p),
        },
        "secret" => VolumeSource::Secret {
            secret_name: r.text(node, "secretName", &p),
        },
        "configMap" => VolumeSource::ConfigMap {
            name: r.text(node, "name", &p),
        },
        "emptyDir" => VolumeSource::EmptyDir {
            medium: r.text(node, "medium", &p),
        },
        "persistentVolumeClaim" => VolumeSource::PersistentVolumeClaim {
            claim_name: r.text(node, "claimName", &p),
        },
        "projected" => {
            let mut secrets = Vec::new();
            let mut service_account_token = false;
            let src_path = p.key("sources");
            for (i, s) in r.seq(node, "sources", &p).iter().enumerate() {
                let sp = src_path.index(i);
                if let Some(secret) = r.map(s, "secret", &sp)
                    && let Some(n) = r.text(secret, "name", &sp.key("secret"))
                {
                    secrets.push(n);
                }
                service_account_token |= present(s, "serviceAccountToken").is_some();
            }
            VolumeSource::Projected {
                secrets,
                service_account_token,
            }
        }
        other => VolumeSource::Other(other.to_string()),
    }
}

fn read_spread(
    r: &mut Reader<'_>,
    spec: &Node,
    path: &FieldPath<'_>,
) -> Vec<TopologySpreadConstraint> {
    let list_path = path.key("topologySpreadConstraints");
    let items = r.seq(spec, "topologySpreadConstraints", path);
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let p = list_path.index(i);
        let Some(t) = r.item_map(item, &p) else {
            continue;
        };
        out.push(TopologySpreadConstraint {
            loc: t.loc.clone(),
            topology_key: r.string(t, "topologyKey", &p),
            when_unsatisfiable: r.string(t, "whenUnsatisfiable", &p),
            max_skew: r.int(t, "maxSkew", &p),
            label_selector: read_selector(r, t, "labelSelector", &p),
        });
    }
    out
}

fn read_anti_affinity(
    r: &mut Reader<'_>,
    spec: &Node,
    path: &FieldPath<'_>,
) -> Vec<AntiAffinityTerm> {
    let mut out = Vec::new();
    let Some(aff) = r.map(spec, "affinity", path) else {
        return out;
    };
    let aff_path = path.key("affinity");
    let Some(anti) = r.map(aff, "podAntiAffinity", &aff_path) else {
        return out;
    };
    let anti_path = aff_path.key("podAntiAffinity");
    for (key, required) in [
        ("requiredDuringSchedulingIgnoredDuringExecution", true),
        ("preferredDuringSchedulingIgnoredDuringExecution", false),
    ] {
        let list_path = anti_path.key(key);
        for (i, item) in r.seq(anti, key, &anti_path).iter().enumerate() {
            let p = list_path.index(i);
            let Some(item) = r.item_map(item, &p) else {
                continue;
            };
            // A preferred term wraps the pod affinity term with a weight.
            let (term, term_path_key, weight) = if required {
                (Some(item), None, None)
            } else {
                (
                    r.map(item, "podAffinityTerm", &p),
                    Some("podAffinityTerm"),
                    r.int(item, "weight", &p).map(|w| w.value),
                )
            };
            let Some(term) = term else {
                continue;
            };
            let tp_owned;
            let tp = match term_path_key {
                Some(k) => {
                    tp_owned = p.key(k);
                    &tp_owned
                }
                None => &p,
            };
            out.push(AntiAffinityTerm {
                loc: item.loc.clone(),
                required,
                weight,
                topology_key: r.string(term, "topologyKey", tp),
                label_selector: read_selector(r, term, "labelSelector", tp),
            });
        }
    }
    out
}

fn read_containers(
    r: &mut Reader<'_>,
    spec: &Node,
    key: &str,
    path: &FieldPath<'_>,
    is_init: bool,
) -> Vec<Container> {
    let list_path = path.key(key);
    let items = r.seq(spec, key, path);
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let p = list_path.index(i);
        if let Some(c) = r.item_map(item, &p) {
            out.push(read_container(r, c, &p, is_init));
        }
    }
    out
}

fn read_container(r: &mut Reader<'_>, c: &Node, path: &FieldPath<'_>, is_init: bool) -> Container {
    let mut lifecycle = (None, None);
    if let Some(l) = r.map(c, "lifecycle", path) {
        let lp = path.key("lifecycle");
        lifecycle = (
            r.map_entry(l, "preStop", &lp).map(|e| LifecycleHook {
                loc: e.key_loc.clone(),
                action: read_action(r, &e.value, &lp.key("preStop")),
            }),
            r.map_entry(l, "postStart", &lp).map(|e| LifecycleHook {
                loc: e.key_loc.clone(),
                action: read_action(r, &e.value, &lp.key("postStart")),
            }),
        );
    }
    Container {
        name: r.text(c, "name", path).unwrap_or_default(),
        loc: c.loc.clone(),
        is_init,
        restart_policy: r.string(c, "restartPolicy", path),
        image: r.string(c, "image", path),
        image_pull_policy: r.string(c, "imagePullPolicy", path),
        command: texts(r.strings(c, "command", path)),
        args: texts(r.strings(c, "args", path)),
        resources: read_resources(r, c, path),
        readiness_probe: read_probe(r, c, "readinessProbe", path),
        liveness_probe: read_probe(r, c, "livenessProbe", path),
        startup_probe: read_probe(r, c, "startupProbe", path),
        pre_stop: lifecycle.0,
        post_start: lifecycle.1,
        env: read_env(r, c, path),
        env_from: read_env_from(r, c, path),
        security_context: read_security_context(r, c, path),
        ports: read_ports(r, c, path),
        volume_mounts: read_mounts(r, c, path),
    }
}

fn texts(v: Vec<Located<String>>) -> Vec<String> {
    v.into_iter().map(|l| l.value).collect()
}

fn read_resources(r: &mut Reader<'_>, c: &Node, path: &FieldPath<'_>) -> Resources {
    let Some(e) = r.map_entry(c, "resources", path) else {
        return Resources::default();
    };
    let rp = path.key("resources");
    Resources {
        loc: Some(e.key_loc.clone()),
        requests: read_resource_list(r, &e.value, "requests", &rp),
        limits: read_resource_list(r, &e.value, "limits", &rp),
    }
}

fn read_resource_list(
    r: &mut Reader<'_>,
    node: &Node,
    key: &str,
    path: &FieldPath<'_>,
) -> ResourceList {
    let Some(e) = r.map_entry(node, key, path) else {
        return ResourceList::default();
    };
    let mut list = ResourceList {
        loc: Some(e.key_loc.clone()),
        ..ResourceList::default()
    };
    for (name, value) in r.located_map(node, key, path) {
        match name.as_str() {
            "cpu" => list.cpu = Some(value),
            "memory" => list.memory = Some(value),
            _ => {
                list.other.insert(name, value);
            }
        }
    }
    list
}

fn read_probe(r: &mut Reader<'_>, c: &Node, key: &str, path: &FieldPath<'_>) -> Option<Probe> {
    let entry = r.map_entry(c, key, path)?;
    let p = path.key(key);
    let probe = &entry.value;
    Some(Probe {
        loc: entry.key_loc.clone(),
        action: read_action(r, probe, &p),
        initial_delay_seconds: r.int(probe, "initialDelaySeconds", &p),
        period_seconds: r.int(probe, "periodSeconds", &p),
        timeout_seconds: r.int(probe, "timeoutSeconds", &p),
        failure_threshold: r.int(probe, "failureThreshold", &p),
        success_threshold: r.int(probe, "successThreshold", &p),
    })
}

fn read_action(r: &mut Reader<'_>, n: &Node, path: &FieldPath<'_>) -> Action {
    let port =
        |r: &mut Reader<'_>, h: &Node, p: &FieldPath<'_>| r.text(h, "port", p).unwrap_or_default();
    if let Some(h) = r.map(n, "httpGet", path) {
        let p = path.key("httpGet");
        let path_text = r.text(h, "path", &p).filter(|s| !s.is_empty());
        return Action::Http {
            scheme: r
                .text(h, "scheme", &p)
                .map_or_else(|| "HTTP".to_string(), |s| s.to_ascii_uppercase()),
            host: r.text(h, "host", &p).unwrap_or_default(),
            port: port(r, h, &p),
            path: match path_text {
                Some(s) if s.starts_with('/') => s,
                Some(s) => format!("/{s}"),
                None => "/".to_string(),
            },
        };
    }
    if let Some(h) = r.map(n, "tcpSocket", path) {
        let p = path.key("tcpSocket");
        return Action::Tcp {
            host: r.text(h, "host", &p).unwrap_or_default(),
            port: port(r, h, &p),
        };
    }
    if let Some(h) = r.map(n, "exec", path) {
        return Action::Exec {
            command: texts(r.strings(h, "command", &path.key("exec"))),
        };
    }
    if let Some(h) = r.map(n, "grpc", path) {
        let p = path.key("grpc");
        return Action::Grpc {
            port: port(r, h, &p),
            service: r.text(h, "service", &p).filter(|s| !s.is_empty()),
        };
    }
    if let Some(h) = r.map(n, "sleep", path) {
        return Action::Sleep {
            seconds: r.int(h, "seconds", &path.key("sleep")).map(|s| s.value),
        };
    }
    Action::None
}

fn read_env(r: &mut Reader<'_>, c: &Node, path: &FieldPath<'_>) -> Vec<EnvVar> {
    let list_path = path.key("env");
    let items = r.seq(c, "env", path);
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let p = list_path.index(i);
        let Some(e) = r.item_map(item, &p) else {
            continue;
        };
        let Some(name) = r.string(e, "name", &p) else {
            r.error(&e.loc, format!("{p} has no name"));
            continue;
        };
        let value = if let Some(vf) = r.map(e, "valueFrom", &p) {
            read_value_from(r, vf, &p.key("valueFrom"))
        } else if let Some(v) = present(e, "value") {
            r.scalar_text(&v.value, &p.key("value"))
                .map_or(EnvValue::Empty, EnvValue::Literal)
        } else {
            EnvValue::Empty
        };
        out.push(EnvVar {
            name: name.value,
            name_loc: name.loc,
            loc: e.loc.clone(),
            value,
        });
    }
    out
}

fn read_value_from(r: &mut Reader<'_>, vf: &Node, path: &FieldPath<'_>) -> EnvValue {
    let Some(Entry {
        key,
        value,
        key_loc,
    }) = vf.as_map().iter().find(|e| !e.value.is_null())
    else {
        return EnvValue::Other {
            source: String::new(),
            loc: vf.loc.clone(),
        };
    };
    let p = path.key(key);
    let loc = key_loc.clone();
    if !matches!(value.value, Value::Map(_)) {
        r.wrong(value, "a mapping", &p);
        return EnvValue::Other {
            source: key.clone(),
            loc,
        };
    }
    match key.as_str() {
        "secretKeyRef" => EnvValue::SecretKeyRef {
            name: r.text(value, "name", &p),
            key: r.text(value, "key", &p),
            loc,
        },
        "configMapKeyRef" => EnvValue::ConfigMapKeyRef {
            name: r.text(value, "name", &p),
            key: r.text(value, "key", &p),
            loc,
        },
        "fieldRef" => EnvValue::FieldRef {
            field_path: r.text(value, "fieldPath", &p),
            loc,
        },
        "resourceFieldRef" => EnvValue::ResourceFieldRef {
            resource: r.text(value, "resource", &p),
            loc,
        },
        other => EnvValue::Other {
            source: other.to_string(),
            loc,
        },
    }
}

fn read_env_from(r: &mut Reader<'_>, c: &Node, path: &FieldPath<'_>) -> Vec<EnvFrom> {
    let list_path = path.key("envFrom");
    let items = r.seq(c, "envFrom", path);
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let p = list_path.index(i);
        let Some(e) = r.item_map(item, &p) else {
            continue;
        };
        let (source, name) = if let Some(s) = r.map(e, "secretRef", &p) {
            (
                EnvFromSource::Secret,
                r.text(s, "name", &p.key("secretRef")),
            )
        } else if let Some(s) = r.map(e, "configMapRef", &p) {
            (
                EnvFromSource::ConfigMap,
                r.text(s, "name", &p.key("configMapRef")),
            )
        } else {
            (EnvFromSource::Other, None)
        };
        out.push(EnvFrom {
            loc: e.loc.clone(),
            source,
            name,
            prefix: r.text(e, "prefix", &p),
        });
    }
    out
}

fn read_security_context(r: &mut Reader<'_>, c: &Node, path: &FieldPath<'_>) -> SecurityContext {
    let Some(e) = r.map_entry(c, "securityContext", path) else {
        return SecurityContext::default();
    };
    let p = path.key("securityContext");
    let sc = &e.value;
    let (capabilities_add, capabilities_drop) = match r.map(sc, "capabilities", &p) {
        Some(caps) => {
            let cp = p.key("capabilities");
            (r.strings(caps, "add", &cp), r.strings(caps, "drop", &cp))
        }
        None => (Vec::new(), Vec::new()),
    };
    SecurityContext {
        loc: Some(e.key_loc.clone()),
        run_as_non_root: r.boolean(sc, "runAsNonRoot", &p),
        run_as_user: r.int(sc, "runAsUser", &p),
        run_as_group: r.int(sc, "runAsGroup", &p),
        read_only_root_filesystem: r.boolean(sc, "readOnlyRootFilesystem", &p),
        privileged: r.boolean(sc, "privileged", &p),
        allow_privilege_escalation: r.boolean(sc, "allowPrivilegeEscalation", &p),
        capabilities_add,
        capabilities_drop,
        seccomp_profile: read_seccomp(r, sc, &p),
    }
}

fn read_ports(r: &mut Reader<'_>, c: &Node, path: &FieldPath<'_>) -> Vec<ContainerPort> {
    let list_path = path.key("ports");
    let items = r.seq(c, "ports", path);
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let p = list_path.index(i);
        let Some(e) = r.item_map(item, &p) else {
            continue;
        };
        out.push(ContainerPort {
            loc: e.loc.clone(),
            name: r.text(e, "name", &p),
            container_port: r.int(e, "containerPort", &p),
            protocol: r.text(e, "protocol", &p),
        });
    }
    out
}

fn read_mounts(r: &mut Reader<'_>, c: &Node, path: &FieldPath<'_>) -> Vec<VolumeMount> {
    let list_path = path.key("volumeMounts");
    let items = r.seq(c, "volumeMounts", path);
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let p = list_path.index(i);
        let Some(e) = r.item_map(item, &p) else {
            continue;
        };
        out.push(VolumeMount {
            loc: e.loc.clone(),
            name: r.text(e, "name", &p).unwrap_or_default(),
            mount_path: r.text(e, "mountPath", &p),
            read_only: r.boolean(e, "readOnly", &p),
        });
    }
    out
}

fn read_strategy(
    r: &mut Reader<'_>,
    spec: &Node,
    key: &str,
    params_key: &str,
    path: &FieldPath<'_>,
) -> Option<Strategy> {
    let e = r.map_entry(spec, key, path)?;
    let p = path.key(key);
    let s = &e.value;
    let mut out = Strategy {
        loc: e.key_loc.clone(),
        strategy_type: r.string(s, "type", &p),
        max_unavailable: None,
        max_surge: None,
        partition: None,
    };
    if let Some(ru) = r.map(s, params_key, &p) {
        let rp = p.key(params_key);
        out.max_unavailable = r.int_or_percent(ru, "maxUnavailable", &rp);
        out.max_surge = r.int_or_percent(ru, "maxSurge", &rp);
        out.partition = r.int(ru, "partition", &rp);
    }
    Some(out)
}

fn read_rollout_strategy(
    r: &mut Reader<'_>,
    spec: &Node,
    path: &FieldPath<'_>,
) -> (Option<Strategy>, Option<RolloutStrategy>) {
    let Some(e) = r.map_entry(spec, "strategy", path) else {
        return (None, None);
    };
    let p = path.key("strategy");
    let s = &e.value;
    let mut strategy = Strategy {
        loc: e.key_loc.clone(),
        strategy_type: None,
        max_unavailable: None,
        max_surge: None,
        partition: None,
    };
    let mut rollout = None;
    if let Some(c) = r.map_entry(s, "canary", &p) {
        let cp = p.key("canary");
        let steps = r.seq(&c.value, "steps", &cp);
        let analysis = present(&c.value, "analysis").is_some()
            || steps.iter().any(|st| present(st, "analysis").is_some());
        strategy.strategy_type = Some(Located::new("Canary".to_string(), c.key_loc.clone()));
        strategy.max_unavailable = r.int_or_percent(&c.value, "maxUnavailable", &cp);
        strategy.max_surge = r.int_or_percent(&c.value, "maxSurge", &cp);
        rollout = Some(RolloutStrategy {
            kind: RolloutKind::Canary,
            loc: c.key_loc.clone(),
            steps: steps.len(),
            analysis,
        });
    } else if let Some(b) = r.map_entry(s, "blueGreen", &p) {
        let analysis = present(&b.value, "prePromotionAnalysis").is_some()
            || present(&b.value, "postPromotionAnalysis").is_some();
        strategy.strategy_type = Some(Located::new("BlueGreen".to_string(), b.key_loc.clone()));
        rollout = Some(RolloutStrategy {
            kind: RolloutKind::BlueGreen,
            loc: b.key_loc.clone(),
            steps: 0,
            analysis,
        });
    }
    (Some(strategy), rollout)
}
