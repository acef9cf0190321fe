//! SEC-006 least-privilege-container: Containers run with the least privilege the kernel allows
//! them.

use launchgate_core::{Finding, Outcome};
use launchgate_evidence::k8s::{Container, VolumeSource, Workload};
use launchgate_evidence::terraform::{EcsContainer, Resource, TfValue};

use crate::kit::aws::unread_task_definitions;
use crate::kit::finish::Tally;
use crate::kit::terraform::tf_bool;
use crate::kit::workloads::{NO_WORKLOADS, spelled};
use crate::{CheckContext, Evaluate, declare_check};

/// Capabilities that amount to (or open a short path to) root on the node. `NET_BIND_SERVICE`
/// and the rest of the runtime's default set are not listed: adding them back after dropping
/// `ALL` is the normal way to grant what a process needs.
const DANGEROUS_CAPABILITIES: &[&str] = &[
    "ALL",
    "SYS_ADMIN",
    "NET_ADMIN",
    "SYS_PTRACE",
    "SYS_MODULE",
    "DAC_READ_SEARCH",
    "SYS_RAWIO",
    "SYS_BOOT",
    "BPF",
    "MAC_ADMIN",
    "MAC_OVERRIDE",
];

declare_check! {
    /// ## What it checks
    /// Containers run with the least privilege the kernel allows them: not privileged, no
    /// privilege escalation, all capabilities dropped, no host namespaces and no host paths.
    ///
    /// Each of these is one finding, at the field that grants it (or, for a missing setting,
    /// at the container's `securityContext`, else the container):
    ///
    /// - Kubernetes, every container and init container of every workload (Jobs and CronJobs
    ///   included: a privileged batch pod owns the node just as well):
    ///   - `securityContext.privileged: true`;
    ///   - `allowPrivilegeEscalation` not set to `false`. It must be explicit: when unset, the
    ///     kernel's `no_new_privs` flag is off and a setuid binary in the image can gain
    ///     privileges (this is what the Pod Security Standards' *restricted* profile
    ///     requires);
    ///   - `capabilities.drop` without `ALL`;
    ///   - a dangerous capability in `capabilities.add`: `ALL`, `SYS_ADMIN`, `NET_ADMIN`,
    ///     `SYS_PTRACE`, `SYS_MODULE`, `DAC_READ_SEARCH`, `SYS_RAWIO`, `SYS_BOOT`, `BPF`,
    ///     `MAC_ADMIN`, `MAC_OVERRIDE` (with or without a `CAP_` prefix). Adding back
    ///     `NET_BIND_SERVICE` is fine.
    /// - Kubernetes pods: `hostNetwork`, `hostPID` or `hostIPC` set to true, and every
    ///   `hostPath` volume, read-only ones included (a log shipper that needs `/var/log` of the
    ///   node is a node agent run by the platform, not part of a service).
    /// - ECS: `privileged = true` in a container definition, a dangerous capability in
    ///   `linuxParameters.capabilities.add`, `network_mode`, `pid_mode` or `ipc_mode` set to
    ///   `"host"` on the task definition, and `volume` blocks with a `host_path`.
    ///
    /// A Terraform value that cannot be resolved without running Terraform makes the check
    /// inconclusive unless something else fails.
    ///
    /// Docker Compose services are judged on the same settings under their Compose keys:
    /// `privileged`, `security_opt: [no-new-privileges:true]`, `cap_drop: [ALL]`, `cap_add`,
    /// and `network_mode`, `pid` or `ipc` set to `host`.
    ///
    /// Not applicable with `scope: database` or `scope: infrastructure` when the repository
    /// deploys no workload (no Kubernetes manifest, Compose file, Dockerfile or ECS task definition): see
    /// [scope-aware checks](../scanning.md#scope-aware-checks).
    ///
    /// ## Why it matters
    /// A container is a process with a few kernel namespaces around it. Privileged mode,
    /// `SYS_ADMIN`, the host's PID or network namespace and host paths each remove one of
    /// those walls: a foothold in the service becomes root on the node, then access to every
    /// other pod's secrets on it. Dropping everything the service does not use costs nothing
    /// at run time and takes whole classes of container escapes off the table.
    ///
    /// ## How to fix
    /// In each container's `securityContext` set `privileged: false` (or leave it out),
    /// `allowPrivilegeEscalation: false`, `capabilities: {drop: [ALL]}`, and add back only
    /// what the process needs (`add: [NET_BIND_SERVICE]` to bind a port below 1024). Remove
    /// `hostNetwork`, `hostPID`, `hostIPC` and `hostPath` volumes; use `emptyDir`, a
    /// PersistentVolumeClaim or a projected volume instead. In ECS, remove `privileged` and
    /// host modes and use the `awsvpc` network mode.
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
    ///             privileged: true
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
    ///             allowPrivilegeEscalation: false
    ///             capabilities:
    ///               drop: [ALL]
    ///               add: [NET_BIND_SERVICE]
    /// ```
    /// ```hcl fails path=infra/ecs.tf
    /// resource "aws_ecs_task_definition" "api" {
    ///   family       = "api"
    ///   network_mode = "host"
    ///   container_definitions = jsonencode([{
    ///     name  = "api"
    ///     image = "registry.example.com/api:1.4.2"
    ///   }])
    /// }
    /// ```
    ///
    /// ## References
    /// Seed 002, "least-privilege containers"; the Kubernetes Pod Security Standards (baseline
    /// and restricted profiles); the NSA/CISA Kubernetes Hardening Guide; the Linux
    /// `capabilities(7)` and `no_new_privs` documentation; the AWS ECS task definition
    /// parameters `privileged`, `linuxParameters` and `networkMode`.
    pub struct LeastPrivilegeContainer {
        id: "SEC-006", slug: "least-privilege-container", category: Security, severity: Blocker,
        tiers: [Required, Required, Recommended], evidence: "K T", effort: 3,
    }
}

impl Evaluate for LeastPrivilegeContainer {
    fn evaluate(&self, cx: &CheckContext<'_>) -> Outcome {
        let mut failures = Vec::new();
        let mut unknowns = unread_task_definitions(cx);
        let mut evidence = Vec::new();
        for w in cx.evidence.container_workloads() {
            pod(w, &mut failures, &mut evidence);
            for c in w.containers() {
                container(w, c, &mut failures, &mut evidence);
            }
        }
        let tf = &cx.evidence.terraform;
        for r in tf.resources_of("aws_ecs_task_definition") {
            task_definition(r, &mut failures, &mut unknowns);
        }
        for c in tf.ecs_containers() {
            ecs_container(c, &mut failures, &mut unknowns, &mut evidence);
        }
        Tally::judged(failures, unknowns, evidence).conclude(cx, "K T", NO_WORKLOADS)
    }
}

fn pod(w: &Workload, failures: &mut Vec<Finding>, evidence: &mut Vec<Finding>) {
    let p = &w.pod;
    let resource = w.resource();
    let before = failures.len();
    for (field, value, what) in [
        (
            "hostNetwork",
            &p.host_network,
            "shares the node's network namespace (it can reach every port on the node and sniff its traffic)",
        ),
        (
            "hostPID",
            &p.host_pid,
            "shares the node's process namespace (it can see and signal every process on the node)",
        ),
        (
            "hostIPC",
            &p.host_ipc,
            "shares the node's IPC namespace (it can read other processes' shared memory)",
        ),
    ] {
        if let Some(v) = value
            && v.value
        {
            failures.push(
                Finding::new(format!(
                    "{resource} sets `{}`: it {what}",
                    spelled(
                        w,
                        match field {
                            "hostNetwork" => "hostNetwork: true",
                            "hostPID" => "hostPID: true",
                            _ => "hostIPC: true",
                        }
                    )
                ))
                .at(Some(v.loc.location()))
                .resource(resource.clone()),
            );
        }
    }
    for v in &p.volumes {
        if let VolumeSource::HostPath { path } = &v.source {
            let (loc, shown) = match path {
                Some(path) => (&path.loc, format!(" (`{}`)", path.value)),
                None => (&v.loc, String::new()),
            };
            failures.push(
                Finding::new(format!(
                    "{resource} mounts a directory of the node through hostPath volume `{}`{shown}; use an emptyDir, a PersistentVolumeClaim or a projected volume",
                    v.name
                ))
                .at(Some(loc.location()))
                .resource(resource.clone()),
            );
        }
    }
    if failures.len() == before && !p.containers.is_empty() {
        evidence.push(
            Finding::new(format!(
                "{resource} uses no host namespace and no hostPath volume"
            ))
            .at(Some(p.loc.location()))
            .resource(resource),
        );
    }
}

fn container(
    w: &Workload,
    c: &Container,
    failures: &mut Vec<Finding>,
    evidence: &mut Vec<Finding>,
) {
    let sc = &c.security_context;
    let resource = c.resource(w);
    let before = failures.len();
    let mut fail = |loc: &launchgate_evidence::Loc, msg: String| {
        failures.push(
            Finding::new(msg)
                .at(Some(loc.location()))
                .resource(resource.clone()),
        );
    };
    if let Some(p) = &sc.privileged
        && p.value
    {
        fail(
            &p.loc,
            format!(
                "{resource} runs privileged (`privileged: true`): it has every capability and every device of the node"
            ),
        );
    }
    match &sc.allow_privilege_escalation {
        Some(a) if a.value => fail(
            &a.loc,
            format!(
                "{resource} sets `{}`; set it to false",
                spelled(w, "allowPrivilegeEscalation: true")
            ),
        ),
        Some(_) => {}
        None => fail(
            c.security_loc(),
            format!(
                "{resource} does not set `{}`; when unset, setuid binaries in the image can gain privileges",
                spelled(w, "allowPrivilegeEscalation: false")
            ),
        ),
    }
    if !c.drops_all_capabilities() {
        match sc.capabilities_drop.first() {
            Some(first) => fail(
                &first.loc,
                format!(
                    "{resource} drops some capabilities but not `ALL`; drop ALL and add back only what it needs"
                ),
            ),
            None => fail(
                c.security_loc(),
                format!(
                    "{resource} does not drop capabilities (`{}`); it keeps the runtime's default set",
                    spelled(w, "capabilities: {drop: [ALL]}")
                ),
            ),
        }
    }
    for cap in &sc.capabilities_add {
        let name = normalize_capability(&cap.value);
        if DANGEROUS_CAPABILITIES.contains(&name.as_str()) {
            fail(
                &cap.loc,
                format!(
                    "{resource} adds capability `{name}`, which gives a path to root on the node"
                ),
            );
        }
    }
    if failures.len() == before {
        evidence.push(
            Finding::new(format!(
                "{resource} is not privileged, cannot escalate privileges and drops all capabilities"
            ))
            .at(Some(c.security_loc().location()))
            .resource(resource),
        );
    }
}

/// `cap_sys_admin` -> `SYS_ADMIN`.
fn normalize_capability(cap: &str) -> String {
    let up = cap.trim().to_ascii_uppercase();
    up.strip_prefix("CAP_").map_or(up.clone(), str::to_string)
}

fn task_definition(r: &Resource, failures: &mut Vec<Finding>, unknowns: &mut Vec<Finding>) {
    let resource = r.address();
    for (attr, what) in [
        ("network_mode", "share the host's network stack"),
        ("pid_mode", "share the host's process namespace"),
        ("ipc_mode", "share the host's IPC namespace"),
    ] {
        let Some(a) = r.attr(attr) else {
            continue;
        };
        match &a.value {
            TfValue::String(s) if s == "host" => failures.push(
                Finding::new(format!("{resource} sets `{attr} = \"host\"`: its containers {what}"))
                    .at(Some(a.loc.location()))
                    .resource(resource.clone()),
            ),
            TfValue::Ref(_) | TfValue::Unknown(_) => unknowns.push(
                Finding::new(format!(
                    "`{attr}` of {resource} could not be resolved ({}), so it cannot be told whether it is \"host\"",
                    a.value
                ))
                .at(Some(a.loc.location()))
                .resource(resource.clone()),
            ),
            _ => {}
        }
    }
    for v in r.body.blocks("volume") {
        if let Some(hp) = v.body.attr("host_path")
            && !hp.value.is_null()
        {
            failures.push(
                Finding::new(format!(
                    "{resource} mounts a directory of the host (`volume` with `host_path`); use task storage or EFS"
                ))
                .at(Some(hp.loc.location()))
                .resource(resource.clone()),
            );
        }
    }
}

fn ecs_container(
    c: &EcsContainer,
    failures: &mut Vec<Finding>,
    unknowns: &mut Vec<Finding>,
    evidence: &mut Vec<Finding>,
) {
    let resource = c.resource();
    let before = (failures.len(), unknowns.len());
    let loc = c.field_loc("privileged").location();
    match tf_bool(c.privileged.as_ref()) {
        Ok(Some(true)) => failures.push(
            Finding::new(format!(
                "{resource} runs privileged (`privileged = true`): it has every capability and every device of the host"
            ))
            .at(Some(loc))
            .resource(resource.clone()),
        ),
        Ok(_) => {}
        Err(why) => unknowns.push(
            Finding::new(format!("`privileged` of {resource} could not be resolved: {why}"))
                .at(Some(loc))
                .resource(resource.clone()),
        ),
    }
    if let Some(add) = c.definition.at(&["linuxParameters", "capabilities", "add"]) {
        let set = add.to_str_set();
        let loc = c.field_loc("linuxParameters").location();
        for cap in &set.known {
            let name = normalize_capability(cap);
            if DANGEROUS_CAPABILITIES.contains(&name.as_str()) {
                failures.push(
                    Finding::new(format!(
                        "{resource} adds capability `{name}` (`linuxParameters.capabilities.add`), which gives a path to root on the host"
                    ))
                    .at(Some(loc.clone()))
                    .resource(resource.clone()),
                );
            }
        }
        if set.has_unknown {
            unknowns.push(
                Finding::new(format!(
                    "the capabilities {resource} adds could not all be resolved"
                ))
                .at(Some(loc))
                .resource(resource.clone()),
            );
        }
    }
    if (failures.len(), unknowns.len()) == before {
        evidence.push(
            Finding::new(format!(
                "{resource} is not privileged and adds no dangerous capability"
            ))
            .at(Some(c.loc.location()))
            .resource(resource),
        );
    }
}
