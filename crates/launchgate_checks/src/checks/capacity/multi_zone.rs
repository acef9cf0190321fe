//! CAP-005 multi-zone: The service survives the loss of an availability zone.

use std::collections::BTreeSet;

use launchgate_core::{Finding, Location, Outcome};
use launchgate_evidence::terraform::{Resource, Terraform, TfValue, address_of};

use crate::kit::alerts::count;
use crate::kit::aws::ecs_replica_services;
use crate::kit::finish::{Tally, conclude};
use crate::kit::manifest::at;
use crate::kit::terraform::unknown_value;
use crate::kit::workloads::{compose_projects, replica_count, replicated_workloads, some_names};
use crate::{CheckContext, Evaluate, declare_check};

declare_check! {
    /// ## What it checks
    /// The service survives the loss of an availability zone: its replicas and datastores
    /// are spread over at least two zones.
    ///
    /// Kubernetes: each Deployment, StatefulSet, Argo Rollout (and ReplicaSet,
    /// ReplicationController, DeploymentConfig) runs more than one pod and its pod template
    /// spreads them across zones, with a `topologySpreadConstraints` entry or a pod
    /// anti-affinity term on `topology.kubernetes.io/zone` (or the legacy
    /// `failure-domain.beta.kubernetes.io/zone`); soft rules (`ScheduleAnyway`, preferred
    /// anti-affinity) count. DaemonSets follow the nodes and batch workloads are not judged.
    ///
    /// Docker Compose, when it is all the repository deploys with (no Kubernetes workload or ECS
    /// service): each Compose file fails once, naming its services, as Compose runs every container
    /// on the one host it is started on, and one host is one zone. Services behind `profiles:` are
    /// not judged, nor is a Compose file beside Kubernetes manifests or ECS definitions.
    ///
    /// Terraform: `aws_db_instance` sets `multi_az = true` (read replicas excepted);
    /// `aws_ecs_service` places tasks in at least two subnets, in distinct zones when the
    /// subnets' `availability_zone` is written; `aws_autoscaling_group` spans at least two
    /// subnets or zones. A list Terraform only knows at apply time (`data.aws_subnets.x.ids`)
    /// makes the check inconclusive, never a pass.
    ///
    /// The claim `claims.multi_zone` is compared: `false` is a declared gap, `true`
    /// contradicted by the repository fails naming both places, and `true` alone (no
    /// repository evidence) passes as attested.
    ///
    /// ## Why it matters
    /// Zones fail as a unit: a power or network event takes every node in one zone at once.
    /// Replicas the scheduler happened to pack into the same zone, or a database without a
    /// standby, turn that event into a full outage and a restore from backup, although the
    /// service paid for several replicas.
    ///
    /// ## How to fix
    /// Add to the pod template
    /// `topologySpreadConstraints: [{maxSkew: 1, topologyKey: topology.kubernetes.io/zone,
    /// whenUnsatisfiable: ScheduleAnyway, labelSelector: {matchLabels: {app: api}}}]`; run at
    /// least two replicas. Set `multi_az = true` on RDS instances, give ECS services and
    /// autoscaling groups subnets in two or more zones, and declare it:
    /// `claims: {multi_zone: true}`.
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
    ///     spec:                    # nothing spreads the pods across zones
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
    ///       topologySpreadConstraints:
    ///         - maxSkew: 1
    ///           topologyKey: topology.kubernetes.io/zone
    ///           whenUnsatisfiable: ScheduleAnyway
    ///           labelSelector:
    ///             matchLabels: {app: api}
    ///       containers:
    ///         - name: server
    ///           image: example/api:1.4.2
    /// ```
    /// ```hcl fails path=infra/db.tf
    /// resource "aws_db_instance" "main" {
    ///   engine         = "postgres"
    ///   instance_class = "db.m6g.large"
    ///   multi_az       = false
    /// }
    /// ```
    ///
    /// ## References
    /// Seed 002, "Capacity: multi-AZ"; the Kubernetes documentation on pod topology spread
    /// constraints and well-known zone labels; the Amazon RDS documentation on Multi-AZ
    /// deployments; the AWS Well-Architected reliability pillar on fault isolation.
    pub struct MultiZone {
        id: "CAP-005", slug: "multi-zone", category: Capacity, severity: Major,
        tiers: [Required, Recommended, Skipped], evidence: "K T", effort: 4,
    }
}

const CLAIM: &str = "/claims/multi_zone";

const NOTHING_FOUND: &str = "no replicated Kubernetes workloads, ECS services, autoscaling groups or RDS instances found, and `claims.multi_zone` is not declared; point launchgate at the repository that deploys the service";

#[derive(Default)]
struct Judged {
    failures: Vec<Finding>,
    unknown: Vec<Finding>,
    evidence: Vec<Finding>,
}

impl Judged {
    fn fail(&mut self, msg: String, loc: Location, resource: String) {
        self.failures
            .push(Finding::new(msg).at(Some(loc)).resource(resource));
    }

    fn pass(&mut self, msg: String, loc: Location, resource: String) {
        self.evidence
            .push(Finding::new(msg).at(Some(loc)).resource(resource));
    }
}

impl Evaluate for MultiZone {
    fn evaluate(&self, cx: &CheckContext<'_>) -> Outcome {
        let claim = cx.manifest.claims.multi_zone;
        let claim_loc = at(cx, CLAIM);
        let mut j = Judged::default();
        let judged = judge_kubernetes(cx, &mut j) | judge_terraform(&cx.evidence.terraform, &mut j);

        if claim == Some(false) {
            j.failures.push(
                Finding::new(
                    "declared missing: the service is not spread across availability zones (`claims.multi_zone: false`)",
                )
                .at(claim_loc.clone()),
            );
        } else if claim == Some(true) {
            for f in j.failures.iter_mut().filter(|f| f.resource.is_some()) {
                f.message.push_str(", although claims.multi_zone says true");
                f.related.extend(claim_loc.clone());
            }
            if judged && j.failures.is_empty() && j.unknown.is_empty() {
                j.evidence.push(
                    Finding::new("claims.multi_zone: true, and the repository spreads every workload it shows")
                        .at(claim_loc.clone()),
                );
            }
        }

        if judged || !j.failures.is_empty() {
            return Tally::judged(j.failures, j.unknown, j.evidence).conclude(
                cx,
                "K T",
                NOTHING_FOUND,
            );
        }
        let gaps = cx.evidence.gaps("K T");
        if cx.evidence.scanned && !gaps.is_empty() {
            return conclude(cx, "K T", Vec::new(), Vec::new(), NOTHING_FOUND);
        }
        if claim == Some(true) {
            return Outcome::attested(vec![
                Finding::new(
                    "declared: the service is spread across availability zones (`claims.multi_zone: true`); the repository shows nothing to compare",
                )
                .at(claim_loc),
            ]);
        }
        if cx.evidence.scanned && !cx.evidence.kubernetes.workloads.is_empty() {
            return Outcome::not_applicable(
                "no replicated workload: the Kubernetes workloads are DaemonSets (which follow the nodes), Jobs, CronJobs or bare Pods",
            );
        }
        conclude(cx, "K T", Vec::new(), Vec::new(), NOTHING_FOUND)
    }
}

/// Judges the replicated workloads; whether there was any.
fn judge_kubernetes(cx: &CheckContext<'_>, j: &mut Judged) -> bool {
    let k = &cx.evidence.kubernetes;
    let mut any = false;
    for w in replicated_workloads(k) {
        any = true;
        let rc = replica_count(k, w);
        if rc.most() < 2 {
            j.fail(
                format!(
                    "{} runs a single pod ({}), which lives in one zone",
                    w.resource(),
                    rc.source
                ),
                rc.loc.location(),
                w.resource(),
            );
            continue;
        }
        let pod = k.effective_pod(w);
        match pod.zone_spread() {
            Some(loc) => j.pass(
                format!("{} spreads its pods across zones", w.resource()),
                loc.location(),
                w.resource(),
            ),
            None => j.fail(
                format!(
                    "{} runs up to {} pods and nothing spreads them across zones (no topologySpreadConstraints or pod anti-affinity on topology.kubernetes.io/zone)",
                    w.resource(),
                    rc.most()
                ),
                pod.loc.location(),
                w.resource(),
            ),
        }
    }
    for (first, services) in compose_projects(cx.evidence) {
        any = true;
        j.failures.push(
            Finding::new(format!(
                "{} runs {} with Docker Compose, which runs every container on the one host it is started on: one host is one zone ({})",
                first.path,
                count(services.len(), "service"),
                some_names(&services)
            ))
            .at(Some(first.location())),
        );
    }
    any
}

/// Judges RDS instances, ECS services and autoscaling groups; whether there was any.
fn judge_terraform(tf: &Terraform, j: &mut Judged) -> bool {
    let mut any = false;
    for db in tf.resources_of("aws_db_instance") {
        // A read replica's placement is its own choice; the primary carries the standby.
        if db
            .value("replicate_source_db")
            .is_some_and(|v| !v.is_null())
        {
            continue;
        }
        any = true;
        judge_rds(db, j);
    }
    for svc in ecs_replica_services(tf) {
        any = true;
        match svc.body.block("network_configuration") {
            Some(nc) => match nc.body.attr("subnets") {
                Some(a) => judge_subnets(tf, svc, "subnets", &a.value, &a.loc, j),
                None => j.fail(
                    format!("{} network_configuration sets no subnets", svc.address()),
                    nc.loc.location(),
                    svc.address(),
                ),
            },
            None => j.unknown.push(
                Finding::new(format!(
                    "{} has no network_configuration: its tasks follow the cluster's container instances, whose zones are not visible here",
                    svc.address()
                ))
                .at(Some(svc.loc.location()))
                .resource(svc.address()),
            ),
        }
    }
    for asg in tf.resources_of("aws_autoscaling_group") {
        any = true;
        let attr = asg
            .attr("vpc_zone_identifier")
            .or_else(|| asg.attr("availability_zones"));
        match attr {
            Some(a) => judge_subnets(tf, asg, &a.name, &a.value, &a.loc, j),
            None => j.fail(
                format!(
                    "{} sets neither vpc_zone_identifier nor availability_zones",
                    asg.address()
                ),
                asg.loc.location(),
                asg.address(),
            ),
        }
    }
    any
}

fn judge_rds(db: &Resource, j: &mut Judged) {
    let Some(a) = db.attr("multi_az") else {
        j.fail(
            format!(
                "{} sets no multi_az (the default is false: one instance in one zone, no standby)",
                db.address()
            ),
            db.loc.location(),
            db.address(),
        );
        return;
    };
    match (&a.value, a.value.as_bool()) {
        (_, Some(true)) => j.pass(
            format!("{} has a Multi-AZ standby", db.address()),
            a.loc.location(),
            db.address(),
        ),
        (_, Some(false)) | (TfValue::Null, _) => j.fail(
            format!(
                "{} has multi_az = false: one instance in one zone, no standby",
                db.address()
            ),
            a.loc.location(),
            db.address(),
        ),
        (v, None) => j.unknown.push(unknown_value(db, "multi_az", v, &a.loc)),
    }
}

/// Judges a list of subnets (or zones): at least two entries, in distinct zones when the
/// subnets' zones are written.
fn judge_subnets(
    tf: &Terraform,
    owner: &Resource,
    attr: &str,
    value: &TfValue,
    loc: &launchgate_evidence::Loc,
    j: &mut Judged,
) {
    let Some(items) = value.as_list() else {
        j.unknown.push(unknown_value(owner, attr, value, loc));
        return;
    };
    if items.len() < 2 {
        j.fail(
            format!(
                "{} `{attr}` lists {} entr{}: all in one zone",
                owner.address(),
                items.len(),
                if items.len() == 1 { "y" } else { "ies" }
            ),
            loc.location(),
            owner.address(),
        );
        return;
    }
    // Zones of `aws_subnet` references, when every one is written literally.
    let zones: Option<BTreeSet<String>> = items
        .iter()
        .map(|v| {
            let reference = v.as_ref_text()?;
            let subnet = tf.resolve(owner, &address_of(reference)?)?;
            if subnet.rtype != "aws_subnet" {
                return None;
            }
            subnet
                .value("availability_zone")
                .and_then(TfValue::as_str)
                .map(str::to_string)
        })
        .collect();
    match zones {
        Some(z) if z.len() < 2 => j.fail(
            format!(
                "{} `{attr}` lists {} subnets, all in {}",
                owner.address(),
                items.len(),
                z.iter().next().map_or("one zone", String::as_str)
            ),
            loc.location(),
            owner.address(),
        ),
        Some(z) => j.pass(
            format!(
                "{} spans {} zones ({})",
                owner.address(),
                z.len(),
                z.iter().cloned().collect::<Vec<_>>().join(", ")
            ),
            loc.location(),
            owner.address(),
        ),
        None => j.pass(
            format!("{} `{attr}` lists {} entries", owner.address(), items.len()),
            loc.location(),
            owner.address(),
        ),
    }
}
