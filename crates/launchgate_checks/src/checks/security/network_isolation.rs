//! SEC-009 network-isolation: Network traffic to the service is restricted.

use launchgate_core::{Finding, Outcome};
use launchgate_evidence::k8s::{Kubernetes, Object, Workload, same_namespace};
use launchgate_evidence::terraform::{IngressRule, TfValue};

use crate::kit::finish::Tally;
use crate::kit::terraform::tf_bool;
use crate::{CheckContext, Evaluate, declare_check};

/// Resource types that are load balancers (a security group attached only to them may be
/// open to the internet on 80/443).
const LB_TYPES: &[&str] = &["aws_lb", "aws_alb", "aws_elb"];

/// Ports a public load balancer may open to the world.
const WEB_PORTS: &[i64] = &[80, 443];

const NOTHING_FOUND: &str = "no long-running Kubernetes workloads, security groups or ECS services found; point launchgate at the repository that deploys the service";

declare_check! {
    /// ## What it checks
    /// Network traffic to the service is restricted: NetworkPolicies select its pods, security
    /// groups are not open to the internet except on load balancers, and its tasks run in
    /// private subnets.
    ///
    /// - Kubernetes: every long-running workload (all but Jobs and CronJobs) is selected by a
    ///   NetworkPolicy that restricts ingress. A namespace default-deny policy (`podSelector:
    ///   {}` with `policyTypes: [Ingress]` and no rules) counts. Egress-only policies do not,
    ///   and because Kubernetes allows the union of all policies selecting a pod, one policy
    ///   whose ingress rule admits everything (`ingress: [{}]`, or an `ipBlock` of `0.0.0.0/0`
    ///   on all ports) opens the pod whatever the others say: the finding points at that rule.
    ///   A policy selects pods of its own namespace only: a resource without
    ///   `metadata.namespace` is in the `namespace:` of the kustomization at or above its
    ///   folder, else in whatever namespace it is applied to, so a policy and a workload meet
    ///   when both name the same namespace or neither names one; a policy in another
    ///   namespace, or one whose namespace is not known to be the workload's, does not cover it.
    ///   A workload without any policy is reported at the workload. When the repository
    ///   carries Cilium or Calico policies, which launchgate does not evaluate, or Kubernetes
    ///   files that could not be parsed or are Helm templates, an unselected workload makes the
    ///   check inconclusive instead: the policy may be there.
    /// - Terraform security groups: an ingress rule open to `0.0.0.0/0` or `::/0` fails,
    ///   unless the group is attached only to load balancers (`aws_lb`, `aws_alb`, `aws_elb`)
    ///   and the rule opens only port 80 or 443. Open to the world on 80/443 but attached to
    ///   nothing in this directory (a group handed to a module) is inconclusive: launchgate
    ///   cannot see whether it ends up on a load balancer.
    /// - ECS services run their tasks in private subnets: `network_configuration {
    ///   assign_public_ip = true }` fails.
    ///
    /// CIDRs, ports or flags that are Terraform references without a literal value make the
    /// check inconclusive for that rule unless something else fails.
    ///
    /// ## Why it matters
    /// Without isolation, any compromised pod in the cluster, or any host on the internet for
    /// an open security group, can talk straight to the service's pods, admin ports and
    /// databases. Network policy is what turns one breached workload into one incident instead
    /// of a lateral movement across the cluster, and an open port 22 or 5432 is found by
    /// scanners within minutes.
    ///
    /// ## How to fix
    /// Add a default-deny ingress NetworkPolicy to the namespace and one policy per workload
    /// that admits only its callers (by namespace and pod labels) on its ports. In Terraform,
    /// restrict security-group ingress to the load balancer's security group
    /// (`source_security_group_id` / `referenced_security_group_id`) or to internal CIDRs; only
    /// the load balancer's own group should be open to the world, and only on 80/443. Run ECS
    /// tasks in private subnets with `assign_public_ip = false`.
    ///
    /// ## Example
    /// ```yaml fails path=deploy/api.yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata: {name: api}
    /// spec:
    ///   selector: {matchLabels: {app: api}}
    ///   template:
    ///     metadata: {labels: {app: api}}
    ///     spec:
    ///       containers:
    ///         - {name: api, image: registry.example.com/api:1.4.2}
    /// ```
    /// ```yaml passes path=deploy/api.yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata: {name: api}
    /// spec:
    ///   selector: {matchLabels: {app: api}}
    ///   template:
    ///     metadata: {labels: {app: api}}
    ///     spec:
    ///       containers:
    ///         - {name: api, image: registry.example.com/api:1.4.2}
    /// ---
    /// apiVersion: networking.k8s.io/v1
    /// kind: NetworkPolicy
    /// metadata: {name: api}
    /// spec:
    ///   podSelector: {matchLabels: {app: api}}
    ///   policyTypes: [Ingress]
    ///   ingress:
    ///     - from:
    ///         - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: ingress-nginx}}
    ///       ports:
    ///         - {port: 8080}
    /// ```
    /// ```hcl fails path=infra/sg.tf
    /// resource "aws_security_group" "api" {
    ///   name = "api"
    ///   ingress {
    ///     from_port   = 22
    ///     to_port     = 22
    ///     protocol    = "tcp"
    ///     cidr_blocks = ["0.0.0.0/0"]
    ///   }
    /// }
    /// ```
    ///
    /// ## References
    /// Seed 002, "network policies, no 0.0.0.0/0 except on load balancers, private subnets";
    /// the Kubernetes NetworkPolicy documentation (isolation and the union of policies); the
    /// NSA/CISA Kubernetes Hardening Guide on default-deny policies; the CIS AWS Foundations
    /// Benchmark items on security groups open to 0.0.0.0/0 and ::/0.
    pub struct NetworkIsolation {
        id: "SEC-009", slug: "network-isolation", category: Security, severity: Major,
        tiers: [Required, Recommended, Skipped], evidence: "K T", effort: 4,
    }
}

impl Evaluate for NetworkIsolation {
    fn evaluate(&self, cx: &CheckContext<'_>) -> Outcome {
        let k = &cx.evidence.kubernetes;
        let tf = &cx.evidence.terraform;
        let mut failures = Vec::new();
        let mut unknowns = Vec::new();
        let mut evidence = Vec::new();

        let serving: Vec<&Workload> = k
            .workloads
            .iter()
            .filter(|w| !w.kind.is_batch() && !w.pod.containers.is_empty())
            .collect();
        let ecs_services: Vec<_> = tf.resources_of("aws_ecs_service").collect();
        let rules = tf.security_group_ingress();
        if serving.is_empty()
            && !k.workloads.is_empty()
            && rules.is_empty()
            && ecs_services.is_empty()
        {
            return Outcome::not_applicable(
                "every workload is a Job or CronJob: batch pods serve no traffic to isolate",
            );
        }

        let foreign = foreign_policies(k);
        // A policy may be in a Kubernetes file that could not be read: a workload without one
        // is then unknown rather than failed.
        let k_gaps = !cx.evidence.gaps("K").is_empty();
        for w in serving {
            workload(
                k,
                w,
                &foreign,
                k_gaps,
                &mut failures,
                &mut unknowns,
                &mut evidence,
            );
        }
        for rule in rules {
            security_group_rule(rule, &mut failures, &mut unknowns, &mut evidence);
        }
        for s in ecs_services {
            let resource = s.address();
            let Some(hit) = s
                .body
                .find_path(&["network_configuration", "assign_public_ip"])
            else {
                continue;
            };
            match tf_bool(Some(hit.value)) {
                Ok(Some(true)) => failures.push(
                    Finding::new(format!(
                        "{resource} gives its tasks public IP addresses (`assign_public_ip = true`); run them in private subnets behind a load balancer"
                    ))
                    .at(Some(hit.loc.location()))
                    .resource(resource),
                ),
                Ok(_) => evidence.push(
                    Finding::new(format!("{resource} does not assign public IPs to its tasks"))
                        .at(Some(hit.loc.location()))
                        .resource(resource),
                ),
                Err(why) => unknowns.push(
                    Finding::new(format!(
                        "`assign_public_ip` of {resource} could not be resolved: {why}"
                    ))
                    .at(Some(hit.loc.location()))
                    .resource(resource),
                ),
            }
        }
        Tally::judged(failures, unknowns, evidence).conclude(cx, "K T", NOTHING_FOUND)
    }
}

/// Cilium and Calico policies: they isolate pods too, but are not evaluated here.
fn foreign_policies(k: &Kubernetes) -> Vec<&Object> {
    k.objects
        .iter()
        .filter(|o| {
            let group = o.group().unwrap_or_default();
            matches!(
                o.kind.as_str(),
                "CiliumNetworkPolicy" | "CiliumClusterwideNetworkPolicy"
            ) || (group.ends_with("projectcalico.org")
                && matches!(o.kind.as_str(), "NetworkPolicy" | "GlobalNetworkPolicy"))
        })
        .collect()
}

fn workload(
    k: &Kubernetes,
    w: &Workload,
    foreign: &[&Object],
    k_gaps: bool,
    failures: &mut Vec<Finding>,
    unknowns: &mut Vec<Finding>,
    evidence: &mut Vec<Finding>,
) {
    let resource = w.resource();
    let ingress: Vec<_> = k
        .network_policies_for(w)
        .filter(|p| p.isolates_ingress())
        .collect();
    if ingress.is_empty() {
        let ns = w.namespace.as_deref();
        let other = foreign.iter().find(|o| {
            o.kind.contains("Clusterwide")
                || o.kind == "GlobalNetworkPolicy"
                || same_namespace(o.namespace.as_deref(), ns)
        });
        if let Some(o) = other {
            unknowns.push(
                Finding::new(format!(
                    "no Kubernetes NetworkPolicy restricts ingress to {resource}; {} may, but Cilium and Calico policies are not evaluated",
                    o.resource()
                ))
                .at(Some(w.loc.location()))
                .resource(resource)
                .related(Some(o.kind_loc.location())),
            );
        } else if k_gaps {
            unknowns.push(
                Finding::new(format!(
                    "no NetworkPolicy found restricts ingress to {resource}, but some Kubernetes files could not be evaluated and may hold one"
                ))
                .at(Some(w.loc.location()))
                .resource(resource),
            );
        } else {
            failures.push(
                Finding::new(format!(
                    "no NetworkPolicy restricts ingress to {resource}: any pod in the cluster can connect to it; add a default-deny policy and one that admits its callers"
                ))
                .at(Some(w.loc.location()))
                .resource(resource),
            );
        }
        return;
    }
    let mut open = false;
    for p in &ingress {
        for rule in p.ingress.iter().filter(|r| r.allows_all()) {
            open = true;
            failures.push(
                Finding::new(format!(
                    "{} admits all ingress traffic to {resource} (a rule with no `from` peers or an open ipBlock, on all ports); policies add up, so this opens the pods whatever other policies say",
                    p.resource()
                ))
                .at(Some(rule.loc.location()))
                .resource(resource.clone()),
            );
        }
    }
    if !open {
        let names: Vec<String> = ingress.iter().map(|p| p.resource()).collect();
        evidence.push(
            Finding::new(format!(
                "ingress to {resource} is restricted by {}",
                names.join(", ")
            ))
            .at(Some(ingress[0].loc.location()))
            .resource(resource),
        );
    }
}

/// The ports a rule opens: `None` for all ports; `Err` when they cannot be resolved.
fn port_range(rule: &IngressRule) -> Result<Option<(i64, i64)>, String> {
    let protocol = rule.protocol.as_ref();
    let all_protocols = protocol.is_some_and(|p| {
        p.as_str().is_some_and(|s| matches!(s, "-1" | "all")) || p.as_i64() == Some(-1)
    });
    if all_protocols {
        return Ok(None);
    }
    let known = |v: Option<&TfValue>| -> Result<Option<i64>, String> {
        match v {
            None | Some(TfValue::Null) => Ok(None),
            Some(v) => v
                .as_i64()
                .map(Some)
                .ok_or_else(|| format!("the port is `{v}`")),
        }
    };
    if let Some(p) = protocol
        && !p.is_known()
    {
        return Err(format!("the protocol is `{p}`"));
    }
    match (
        known(rule.from_port.as_ref())?,
        known(rule.to_port.as_ref())?,
    ) {
        // `0`-`0` (with a protocol) and `0`-`65535` are every port.
        (Some(f), Some(t)) if !((f <= 0 && t <= 0) || (f == 0 && t == 65535)) => Ok(Some((f, t))),
        (Some(f), None) if f > 0 => Ok(Some((f, f))),
        _ => Ok(None),
    }
}

fn ports_text(range: Option<(i64, i64)>) -> String {
    match range {
        None => "all ports".to_string(),
        Some((f, t)) if f == t => format!("port {f}"),
        Some((f, t)) => format!("ports {f}-{t}"),
    }
}

fn security_group_rule(
    rule: &IngressRule,
    failures: &mut Vec<Finding>,
    unknowns: &mut Vec<Finding>,
    evidence: &mut Vec<Finding>,
) {
    let group = rule
        .security_group
        .clone()
        .unwrap_or_else(|| rule.declared_by.clone());
    let resource = group.clone();
    let at = Some(rule.cidr_loc.location());
    if !rule.open_to_world() {
        if rule.cidr_ipv4.has_unknown || rule.cidr_ipv6.has_unknown {
            unknowns.push(
                Finding::new(format!(
                    "the CIDRs of an ingress rule of {group} could not be resolved, so it cannot be told whether it is open to the internet"
                ))
                .at(at)
                .resource(resource),
            );
        } else {
            let range = port_range(rule).ok().flatten();
            evidence.push(
                Finding::new(format!(
                    "{group} ingress on {} is not open to the internet",
                    ports_text(range)
                ))
                .at(at)
                .resource(resource),
            );
        }
        return;
    }
    let world = if rule.cidr_ipv4.contains("0.0.0.0/0") {
        "0.0.0.0/0"
    } else {
        "::/0"
    };
    let lb_only = !rule.attached_to.is_empty()
        && rule.attached_to.iter().all(|a| {
            a.split_once('.')
                .is_some_and(|(t, _)| LB_TYPES.contains(&t))
        });
    let range = match port_range(rule) {
        Ok(r) => r,
        Err(why) => {
            if lb_only || rule.attached_to.is_empty() {
                unknowns.push(
                    Finding::new(format!(
                        "{group} is open to {world}, and the ports of the rule could not be resolved ({why})"
                    ))
                    .at(at)
                    .resource(resource),
                );
            } else {
                failures.push(
                    Finding::new(format!(
                        "{group} admits {world} and is attached to {}, not only to load balancers",
                        rule.attached_to.join(", ")
                    ))
                    .at(at)
                    .resource(resource),
                );
            }
            return;
        }
    };
    let web_only = range.is_some_and(|(f, t)| f == t && WEB_PORTS.contains(&f));
    let ports = ports_text(range);
    if web_only && lb_only {
        evidence.push(
            Finding::new(format!(
                "{group} admits {world} on {ports}, and is attached only to load balancers ({})",
                rule.attached_to.join(", ")
            ))
            .at(at)
            .resource(resource),
        );
    } else if web_only && rule.attached_to.is_empty() {
        unknowns.push(
            Finding::new(format!(
                "{group} admits {world} on {ports}, and nothing in its directory attaches it, so it cannot be told whether it is only on a load balancer"
            ))
            .at(at)
            .resource(resource),
        );
    } else {
        let why = if web_only {
            format!(
                "it is attached to {}, not only to load balancers",
                rule.attached_to.join(", ")
            )
        } else {
            "only a load balancer's group may be open to the internet, and only on 80/443"
                .to_string()
        };
        failures.push(
            Finding::new(format!("{group} admits {world} on {ports}: {why}"))
                .at(at)
                .resource(resource),
        );
    }
}
