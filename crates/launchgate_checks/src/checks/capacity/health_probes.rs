//! CAP-006 health-probes: Every long-running container has a readiness probe and a liveness probe,
//! and the two are not identical; a slow starter uses a startup probe.

use launchgate_core::{Finding, Outcome};
use launchgate_evidence::k8s::{
    Action, Container, Kubernetes, Located, Probe, Workload, WorkloadKind,
};
use launchgate_evidence::terraform::{EcsContainer, TfValue};

use crate::kit::aws::unread_task_definitions;
use crate::kit::finish::{Tally, conclude_tally};
use crate::{CheckContext, Evaluate, declare_check};

/// A liveness probe that waits longer than this before its first check is standing in for a
/// startup probe.
const SLOW_START_DELAY_SECONDS: i64 = 60;

/// A liveness probe that tolerates failures for longer than this (`failureThreshold` x
/// `periodSeconds`) is sized for a slow start, and leaves a hung process serving errors for
/// minutes once it runs.
const LIVENESS_WINDOW_MAX_SECONDS: i64 = 180;

/// The API defaults of the probe fields the window is computed from.
const DEFAULT_PERIOD_SECONDS: i64 = 10;
const DEFAULT_FAILURE_THRESHOLD: i64 = 3;

const NOTHING_FOUND: &str = "no Kubernetes workloads or ECS task definitions found (a Dockerfile or a Compose service defines no probe a scheduler acts on); point launchgate at the repository that deploys the service";

const ONLY_HEALTHCHECK: &str =
    "only a Dockerfile HEALTHCHECK was found; orchestrator probes are not in this repository";

declare_check! {
    /// ## What it checks
    /// Every long-running container has a readiness probe and a liveness probe, and the two
    /// are not identical; a slow starter uses a startup probe.
    ///
    /// - Kubernetes: each main container of a Deployment, StatefulSet, DaemonSet, ReplicaSet,
    ///   ReplicationController, DeploymentConfig or Argo Rollout needs a `livenessProbe`, and
    ///   a `readinessProbe` when it takes traffic (it declares a port, or no container of the
    ///   pod declares one and a Service selects the pods; a queue worker needs only liveness).
    ///   Each probe needs a handler (`httpGet`, `tcpSocket`, `grpc` or `exec`). A
    ///   liveness probe identical to the readiness probe (same action and same timing) fails at
    ///   the liveness probe. Without a `startupProbe`, a liveness probe that waits more than
    ///   60 seconds before its first check (`initialDelaySeconds`) or tolerates more than 180
    ///   seconds of failures (`failureThreshold` x `periodSeconds`, defaults 3 x 10) is a
    ///   finding: it is sized for the start, not for detecting a hang.
    /// - ECS: each essential container definition has a `healthCheck`.
    ///
    /// Jobs, CronJobs and init containers are not judged: they run to completion and serve no
    /// traffic. A bare Pod is judged when it serves: a container declares a port or a Service
    /// selects it (the kubelet probes it like any other pod, and a Service routes to it by
    /// readiness); otherwise it is a one-off task and is not judged. When the repository has
    /// only batch workloads the check does not apply. The Prometheus Operator's `Prometheus`,
    /// `Alertmanager` and `ThanosRuler` get the probes the operator always writes.
    ///
    /// Docker Compose services are not judged: Compose routes no traffic by health and
    /// restarts nothing on a failed `healthcheck` (only Swarm does), so a readiness/liveness
    /// pair has no meaning there; the `healthcheck` is in the evidence model as a liveness
    /// probe. A Rollout that takes its pod template from a Deployment (`workloadRef`) is
    /// judged through that Deployment.
    ///
    /// A Dockerfile `HEALTHCHECK` is not a readiness probe: the kubelet ignores it, and ECS
    /// uses the task definition's `healthCheck`. When the repository has no Kubernetes
    /// workloads or ECS task definitions at all, a `HEALTHCHECK` leaves the check inconclusive
    /// (the orchestrator's probes are somewhere else), and `HEALTHCHECK NONE` in the image
    /// that runs fails at that line.
    ///
    /// Not applicable with `scope: database` or `scope: infrastructure` when the repository
    /// deploys no workload (no Kubernetes manifest, Compose file, Dockerfile or ECS task definition): see
    /// [scope-aware checks](../scanning.md#scope-aware-checks).
    ///
    /// ## Why it matters
    /// Without a readiness probe, a pod receives traffic the moment its process starts, before
    /// caches are warm and connections open, and keeps receiving it while it is overloaded or
    /// cut off from a dependency. Without a liveness probe, a deadlocked process stays in the
    /// load balancer forever. A liveness probe identical to the readiness probe turns a slow
    /// dependency into a restart storm: every pod fails both at once, and the kubelet kills
    /// pods that only needed to stop receiving traffic for a moment. A liveness probe stretched
    /// to cover a slow start leaves a hung process serving errors for minutes; a startup probe
    /// covers the start, and liveness can stay strict afterwards.
    ///
    /// ## How to fix
    /// Give each container a cheap readiness endpoint that checks what the pod needs to serve
    /// (`/ready`) and a liveness endpoint that only checks the process itself (`/livez`: the
    /// event loop answers, no dependency calls). If they must share an endpoint, give liveness a
    /// higher `failureThreshold` than readiness. For slow starters add a `startupProbe` with a
    /// generous `failureThreshold` and keep liveness tight. On ECS, add a `healthCheck` to the
    /// container definition.
    ///
    /// ## Example
    /// ```yaml fails path=deploy/api.yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata: {name: api}
    /// spec:
    ///   template:
    ///     spec:
    ///       containers:
    ///         - name: api
    ///           image: registry.example.com/api:1.4.2
    ///           ports: [{containerPort: 8080}]
    ///           readinessProbe:
    ///             httpGet: {path: /healthz, port: 8080}
    ///           livenessProbe:             # identical: a slow database restarts every pod
    ///             httpGet: {path: /healthz, port: 8080}
    /// ```
    /// ```yaml passes path=deploy/api.yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata: {name: api}
    /// spec:
    ///   template:
    ///     spec:
    ///       containers:
    ///         - name: api
    ///           image: registry.example.com/api:1.4.2
    ///           ports: [{containerPort: 8080}]
    ///           startupProbe:
    ///             httpGet: {path: /livez, port: 8080}
    ///             failureThreshold: 30
    ///           readinessProbe:
    ///             httpGet: {path: /ready, port: 8080}
    ///           livenessProbe:
    ///             httpGet: {path: /livez, port: 8080}
    ///             failureThreshold: 5
    /// ```
    /// ```dockerfile fails path=Dockerfile
    /// FROM node:20.11-slim
    /// COPY . /app
    /// HEALTHCHECK NONE
    /// CMD ["node", "/app/server.js"]
    /// ```
    ///
    /// ## References
    /// Seed 003, "Health checks: readiness and liveness probes"; the Kubernetes documentation
    /// on configuring liveness, readiness and startup probes; the widely shared advice that
    /// liveness must not check dependencies; Docker's documentation noting that orchestrators
    /// use their own health checks; the AWS ECS container definition `healthCheck` parameter.
    pub struct HealthProbes {
        id: "CAP-006", slug: "health-probes", category: Capacity, severity: Blocker,
        tiers: [Required, Required, Recommended], evidence: "K F T", effort: 3,
    }
}

impl Evaluate for HealthProbes {
    fn evaluate(&self, cx: &CheckContext<'_>) -> Outcome {
        let ev = cx.evidence;
        let k = &ev.kubernetes;
        let serving: Vec<&Workload> = k.workloads.iter().filter(|w| serves(k, w)).collect();
        let ecs: Vec<&EcsContainer> = ev.terraform.ecs_containers().collect();
        let mut t = Tally {
            unknowns: unread_task_definitions(cx),
            ..Tally::default()
        };

        if serving.is_empty() && ecs.is_empty() && t.unknowns.is_empty() {
            if !k.workloads.is_empty() && ev.gaps("K T").is_empty() {
                return Outcome::not_applicable(
                    "every Kubernetes workload is a Job, CronJob or a bare Pod that serves nothing (no port, no Service); they run to completion and serve no traffic",
                );
            }
            return dockerfile_only(cx);
        }

        for w in serving {
            // Which containers take traffic: those that declare ports; when none does but a
            // Service selects the pods, any of them may.
            let any_ports = w.pod.containers.iter().any(|c| !c.ports.is_empty());
            let has_service = k.services_for(w).next().is_some();
            for c in &w.pod.containers {
                let idle = if !c.ports.is_empty() {
                    None
                } else if any_ports {
                    Some("it declares no port, unlike the pod's other containers")
                } else if has_service {
                    None
                } else {
                    Some("no container declares a port and no Service selects the pods")
                };
                judge_container(w, c, idle, &mut t);
            }
        }
        for c in ecs {
            judge_ecs(c, &mut t);
        }
        conclude_tally(cx, ev.gaps("K T"), t, NOTHING_FOUND)
    }
}

/// A workload whose containers serve continuously and are judged here.
fn serves(k: &Kubernetes, w: &Workload) -> bool {
    // A bare Pod serves when it declares a port or a Service selects it.
    let serving_pod = w.kind == WorkloadKind::Pod
        && (w.pod.containers.iter().any(|c| !c.ports.is_empty())
            || k.services_for(w).next().is_some());
    // A Rollout with `workloadRef` and no template of its own runs its Deployment's pods,
    // which are judged on the Deployment.
    (w.kind.is_long_running() || serving_pod)
        && !(w.workload_ref.is_some() && w.pod.containers.is_empty())
}

/// A probe that has a handler; a probe without one is reported and counts as absent.
fn usable<'a>(
    probe: Option<&'a Probe>,
    key: &str,
    resource: &str,
    t: &mut Tally,
) -> Option<&'a Probe> {
    let p = probe?;
    if p.action == Action::None {
        t.failures.push(
            Finding::new(format!(
                "{resource}: `{key}` has no handler (`httpGet`, `tcpSocket`, `grpc` or `exec`), so it checks nothing"
            ))
            .at(Some(p.loc.location()))
            .resource(resource),
        );
        return None;
    }
    Some(p)
}

/// Judges a container's probes; `idle` says why it takes no traffic, if it does not (then it
/// needs no readiness probe).
fn judge_container(w: &Workload, c: &Container, idle: Option<&str>, t: &mut Tally) {
    let res = c.resource(w);
    let before = t.failures.len();
    let ready = usable(c.readiness_probe.as_ref(), "readinessProbe", &res, t);
    let live = usable(c.liveness_probe.as_ref(), "livenessProbe", &res, t);
    let startup = usable(c.startup_probe.as_ref(), "startupProbe", &res, t);
    let at_container = |msg: String| {
        Finding::new(msg)
            .at(Some(c.loc.location()))
            .resource(res.clone())
    };
    if ready.is_none() && c.readiness_probe.is_none() && idle.is_none() {
        t.failures.push(at_container(format!(
            "{res} has no readinessProbe: it receives traffic as soon as its process starts, and keeps receiving it while it cannot serve"
        )));
    }
    if live.is_none() && c.liveness_probe.is_none() {
        t.failures.push(at_container(format!(
            "{res} has no livenessProbe: a deadlocked or hung process is never restarted"
        )));
    }
    if let (Some(r), Some(l)) = (ready, live)
        && l.same_settings(r)
    {
        t.failures.push(
            Finding::new(format!(
                "{res}: livenessProbe is identical to readinessProbe ({}); when a dependency slows down both fail together and the kubelet restarts pods that only needed to stop receiving traffic",
                l.description()
            ))
            .at(Some(l.loc.location()))
            .resource(res.clone()),
        );
    }
    if let Some(l) = live
        && startup.is_none()
    {
        slow_start(&res, l, t);
    }
    if t.failures.len() == before
        && let Some(l) = live
    {
        let ready = match ready {
            Some(r) => format!("readiness {}, ", r.description()),
            None => format!("no readiness probe needed ({}), ", idle.unwrap_or_default()),
        };
        let startup = startup.map_or(String::new(), |s| format!(", startup {}", s.description()));
        t.evidence.push(at_container(format!(
            "{res}: {ready}liveness {}{startup}",
            l.description()
        )));
    }
}

/// A liveness probe sized for a slow start, on a container without a startup probe.
fn slow_start(res: &str, l: &Probe, t: &mut Tally) {
    let value = |x: Option<&Located<i64>>, default: i64| x.map_or(default, |v| v.value);
    if let Some(d) = &l.initial_delay_seconds
        && d.value > SLOW_START_DELAY_SECONDS
    {
        t.failures.push(
            Finding::new(format!(
                "{res}: livenessProbe waits {}s before its first check (initialDelaySeconds); a slow start belongs in a startupProbe, so that liveness can detect a hang quickly afterwards",
                d.value
            ))
            .at(Some(d.loc.location()))
            .resource(res),
        );
        return;
    }
    let threshold = value(l.failure_threshold.as_ref(), DEFAULT_FAILURE_THRESHOLD);
    let period = value(l.period_seconds.as_ref(), DEFAULT_PERIOD_SECONDS);
    let window = threshold.saturating_mul(period);
    if window > LIVENESS_WINDOW_MAX_SECONDS {
        let at = l
            .failure_threshold
            .as_ref()
            .or(l.period_seconds.as_ref())
            .map_or(&l.loc, |v| &v.loc);
        t.failures.push(
            Finding::new(format!(
                "{res}: livenessProbe tolerates {window}s of failures (failureThreshold {threshold} x periodSeconds {period}); that is sized for a slow start: add a startupProbe and keep liveness under {LIVENESS_WINDOW_MAX_SECONDS}s"
            ))
            .at(Some(at.location()))
            .resource(res),
        );
    }
}

fn judge_ecs(c: &EcsContainer, t: &mut Tally) {
    let res = c.resource();
    // Non-essential containers (log routers, one-shot helpers) do not decide the task's health.
    if c.essential.as_ref().and_then(TfValue::as_bool) == Some(false) {
        return;
    }
    let at = Some(c.loc.location());
    if c.health_check {
        t.evidence.push(
            Finding::new(format!("{res} has a healthCheck"))
                .at(Some(c.field_loc("healthCheck").location()))
                .resource(res),
        );
    } else {
        t.failures.push(
            Finding::new(format!(
                "{res} has no healthCheck: ECS cannot tell that its process hangs and never replaces the task"
            ))
            .at(at)
            .resource(res),
        );
    }
}

/// No orchestrator configuration: only Dockerfiles can say anything, and a `HEALTHCHECK` is
/// weak evidence at best.
fn dockerfile_only(cx: &CheckContext<'_>) -> Outcome {
    let mut t = Tally::default();
    let mut healthchecks = Vec::new();
    for df in &cx.evidence.dockerfiles {
        let Some(h) = df.effective_healthcheck() else {
            continue;
        };
        if h.none {
            // Certain only when no orchestrator file went unread: the probes may be there.
            t.missing.push(
                Finding::new(format!(
                    "{}: `HEALTHCHECK NONE` disables the image's health check, and no Kubernetes or ECS probes were found in this repository",
                    df.path
                ))
                .at(Some(h.loc.location()))
                .resource(format!("Dockerfile {}", df.path)),
            );
        } else {
            healthchecks.push(
                Finding::new(format!(
                    "{} has a HEALTHCHECK; the kubelet ignores it and ECS uses the task definition's healthCheck, so it is not a readiness probe",
                    df.path
                ))
                .at(Some(h.loc.location()))
                .resource(format!("Dockerfile {}", df.path)),
            );
        }
    }
    if !t.missing.is_empty() || healthchecks.is_empty() || !cx.evidence.gaps("K T F").is_empty() {
        return conclude_tally(cx, cx.evidence.gaps("K T F"), t, NOTHING_FOUND);
    }
    Outcome::inconclusive_with(ONLY_HEALTHCHECK.to_string(), healthchecks)
}
