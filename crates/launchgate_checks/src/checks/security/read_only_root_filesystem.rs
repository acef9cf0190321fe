//! SEC-005 read-only-root-filesystem: Every long-running container has a read-only root filesystem.

use launchgate_core::{Finding, Outcome};
use launchgate_evidence::k8s::Workload;

use crate::kit::aws::unread_task_definitions;
use crate::kit::finish::Tally;
use crate::kit::terraform::tf_bool;
use crate::kit::workloads::{NO_WORKLOADS, spelled};
use crate::{CheckContext, Evaluate, declare_check};

declare_check! {
    /// ## What it checks
    /// Every long-running container has a read-only root filesystem.
    ///
    /// - Kubernetes: each container of a Deployment, StatefulSet, DaemonSet, ReplicaSet,
    ///   Rollout, DeploymentConfig or bare Pod sets `securityContext.readOnlyRootFilesystem:
    ///   true`, and so does each native sidecar (an init container with `restartPolicy:
    ///   Always`). A finding points at the value when it is `false`, else at the container's
    ///   `securityContext` (or the container when it has none).
    /// - ECS: each container definition sets `readonlyRootFilesystem = true`.
    ///
    /// Jobs and CronJobs are exempt, as are ordinary init containers: they run to completion,
    /// and batch tools often need scratch space in places nobody mounted a volume for (setting
    /// it there is still good practice). ECS has no such distinction in the task definition,
    /// so every container is judged. A value that Terraform cannot resolve without
    /// running (`readonlyRootFilesystem = var.readonly` without a default) makes the check
    /// inconclusive unless another container fails.
    ///
    /// Docker Compose services are judged on `read_only: true` (a long-running service, like a
    /// Deployment's container); a `tmpfs` mount gives it writable scratch space.
    ///
    /// Not applicable with `scope: database` or `scope: infrastructure` when the repository
    /// deploys no workload (no Kubernetes manifest, Compose file, Dockerfile or ECS task definition): see
    /// [scope-aware checks](../scanning.md#scope-aware-checks).
    ///
    /// ## Why it matters
    /// An attacker who gets code execution in a container with a writable root filesystem can
    /// drop tools, replace binaries and scripts the process will run later, and persist until
    /// the pod is replaced. A read-only root turns most of those steps into errors. It also
    /// keeps the container honest: a service that writes state into its image layer loses it
    /// on every restart, which is better found now than during an incident.
    ///
    /// ## How to fix
    /// Set `readOnlyRootFilesystem: true` in each container's `securityContext` (ECS:
    /// `readonlyRootFilesystem = true`), and give the process somewhere to write what it must:
    /// an `emptyDir` volume mounted at `/tmp` or at the cache directory (ECS: a bind-mount
    /// volume without a host path). Run the service and its tests to find the paths it writes.
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
    ///           securityContext:
    ///             runAsNonRoot: true     # but the root filesystem stays writable
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
    ///           securityContext:
    ///             readOnlyRootFilesystem: true
    ///           volumeMounts:
    ///             - {name: tmp, mountPath: /tmp}
    ///       volumes:
    ///         - {name: tmp, emptyDir: {}}
    /// ```
    /// ```hcl fails path=infra/ecs.tf
    /// resource "aws_ecs_task_definition" "api" {
    ///   family = "api"
    ///   container_definitions = jsonencode([{
    ///     name                   = "api"
    ///     image                  = "registry.example.com/api:1.4.2"
    ///     readonlyRootFilesystem = false
    ///   }])
    /// }
    /// ```
    ///
    /// ## References
    /// Seed 002, "read-only root filesystem"; the Kubernetes Pod Security Standards and the
    /// NSA/CISA Kubernetes Hardening Guide, which both recommend immutable container
    /// filesystems; the CIS Docker Benchmark item on mounting the container's root filesystem
    /// read-only; the AWS ECS task definition parameter `readonlyRootFilesystem`.
    pub struct ReadOnlyRootFilesystem {
        id: "SEC-005", slug: "read-only-root-filesystem", category: Security, severity: Major,
        tiers: [Required, Recommended, Skipped], evidence: "K T", effort: 2,
    }
}

impl Evaluate for ReadOnlyRootFilesystem {
    fn evaluate(&self, cx: &CheckContext<'_>) -> Outcome {
        let k = &cx.evidence.kubernetes;
        let tf = &cx.evidence.terraform;
        let mut failures = Vec::new();
        let mut unknowns = unread_task_definitions(cx);
        let mut evidence = Vec::new();

        let serving: Vec<&Workload> = cx
            .evidence
            .container_workloads()
            .filter(|w| !w.kind.is_batch())
            .collect();
        if serving.is_empty() && !k.workloads.is_empty() && tf.ecs_task_definitions().is_empty() {
            return Outcome::not_applicable(
                "every workload is a Job or CronJob; batch pods run to completion and are exempt",
            );
        }

        for w in serving {
            for c in w.containers() {
                if !c.is_long_running() {
                    continue;
                }
                let resource = c.resource(w);
                match &c.security_context.read_only_root_filesystem {
                    Some(v) if v.value => evidence.push(
                        Finding::new(format!("{resource} has a read-only root filesystem"))
                            .at(Some(v.loc.location()))
                            .resource(resource),
                    ),
                    Some(v) => failures.push(
                        Finding::new(format!(
                            "{resource} sets `{}`; set it to true and mount {} where the process writes",
                            spelled(w, "readOnlyRootFilesystem: false"),
                            if w.kind.is_kubernetes() { "an emptyDir" } else { "a tmpfs" }
                        ))
                        .at(Some(v.loc.location()))
                        .resource(resource),
                    ),
                    None => failures.push(
                        Finding::new(format!(
                            "{resource} does not set `{}`; its root filesystem is writable",
                            spelled(w, "securityContext.readOnlyRootFilesystem: true")
                        ))
                        .at(Some(c.security_loc().location()))
                        .resource(resource),
                    ),
                }
            }
        }

        for c in tf.ecs_containers() {
            let resource = c.resource();
            let field = "readonlyRootFilesystem";
            let loc = c.field_loc(field).location();
            match tf_bool(c.readonly_root_filesystem.as_ref()) {
                Ok(Some(true)) => evidence.push(
                    Finding::new(format!("{resource} has a read-only root filesystem"))
                        .at(Some(loc))
                        .resource(resource),
                ),
                Ok(Some(false)) => failures.push(
                    Finding::new(format!(
                        "{resource} sets `readonlyRootFilesystem = false`; set it to true and give the process a writable volume"
                    ))
                    .at(Some(loc))
                    .resource(resource),
                ),
                Ok(None) => failures.push(
                    Finding::new(format!(
                        "{resource} does not set `readonlyRootFilesystem = true`; its root filesystem is writable"
                    ))
                    .at(Some(loc))
                    .resource(resource),
                ),
                Err(why) => unknowns.push(
                    Finding::new(format!(
                        "`readonlyRootFilesystem` of {resource} could not be resolved: {why}"
                    ))
                    .at(Some(loc))
                    .resource(resource),
                ),
            }
        }
        Tally::judged(failures, unknowns, evidence).conclude(cx, "K T", NO_WORKLOADS)
    }
}
