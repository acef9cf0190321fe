//! SEC-013 network-flow-logs: VPC flow logs are enabled where the network is defined.

use launchgate_core::{Finding, Outcome};
use launchgate_evidence::terraform::{Resource, Terraform};

use crate::kit::finish::Tally;
use crate::kit::terraform::tf_bool;
use crate::{CheckContext, Evaluate, declare_check};

const NO_NETWORK: &str =
    "no VPC in this repository's Terraform: flow logs are checked where the network is defined";

/// Registry sources of the community VPC module, whose `enable_flow_log` defaults to false.
const VPC_MODULES: &[&str] = &[
    "terraform-aws-modules/vpc/aws",
    "terraform-aws-modules/terraform-aws-vpc",
];

declare_check! {
    /// ## What it checks
    /// VPC flow logs are enabled where the network is defined.
    ///
    /// - every `aws_vpc` has an `aws_flow_log` whose `vpc_id` refers to it (in the same
    ///   Terraform directory); a VPC without one is reported at the VPC;
    /// - every call of the community VPC module (`terraform-aws-modules/vpc/aws`) sets
    ///   `enable_flow_log = true` (the module's default is false);
    /// - when the repository defines subnets but no VPC, at least one `aws_flow_log` exists.
    ///
    /// A flow log whose `vpc_id` comes from a variable or another module cannot be matched to
    /// a VPC: a VPC left without a matching flow log is then inconclusive rather than failed.
    /// A repository with no VPC and no subnets (a service that only adds security groups to
    /// a shared network) is inconclusive: the network and its flow logs belong to the
    /// repository that defines them. A missing flow log while some Terraform file could not
    /// be parsed is inconclusive too: it may be in that file.
    ///
    /// ## Why it matters
    /// After an incident the first questions are who talked to what, and when: which host
    /// pulled data out, which port was scanned, whether the attacker reached the database
    /// subnet. Flow logs are the only record of that for AWS networks, and they cannot be
    /// turned on retroactively. They also explain rejected connections during an outage
    /// ("the security group drops traffic from the new subnet") without guessing.
    ///
    /// ## How to fix
    /// Add an `aws_flow_log` for each VPC with `traffic_type = "ALL"`, sending to CloudWatch
    /// Logs or S3 with a retention that matches your incident-response window; with the
    /// community module, set `enable_flow_log = true` and
    /// `create_flow_log_cloudwatch_log_group = true`.
    ///
    /// ## Example
    /// ```hcl fails path=infra/network.tf
    /// resource "aws_vpc" "main" {
    ///   cidr_block = "10.0.0.0/16"
    /// }
    /// ```
    /// ```hcl passes path=infra/network.tf
    /// resource "aws_vpc" "main" {
    ///   cidr_block = "10.0.0.0/16"
    /// }
    ///
    /// resource "aws_flow_log" "main" {
    ///   vpc_id          = aws_vpc.main.id
    ///   traffic_type    = "ALL"
    ///   log_destination = "arn:aws:s3:::example-flow-logs"
    ///   log_destination_type = "s3"
    /// }
    /// ```
    ///
    /// ## References
    /// Seed 002, "VPC flow logs enabled"; the CIS AWS Foundations Benchmark item on VPC flow
    /// logging in all VPCs; the AWS VPC user guide on flow logs; the
    /// terraform-aws-modules/vpc module's `enable_flow_log` input.
    pub struct NetworkFlowLogs {
        id: "SEC-013", slug: "network-flow-logs", category: Security, severity: Minor,
        tiers: [Required, Recommended, Skipped], evidence: "T", effort: 1,
    }
}

impl Evaluate for NetworkFlowLogs {
    fn evaluate(&self, cx: &CheckContext<'_>) -> Outcome {
        let tf = &cx.evidence.terraform;
        let mut failures = Vec::new();
        let mut unknowns = Vec::new();
        let mut evidence = Vec::new();
        let flow_logs: Vec<&Resource> = tf.resources_of("aws_flow_log").collect();
        // Flow logs whose target is not a VPC of this repository: they may cover one.
        let unmatched: Vec<&Resource> = flow_logs
            .iter()
            .copied()
            .filter(|f| vpc_target(tf, f).is_none() && !targets_subnet_or_eni(f))
            .collect();

        // A flow log may be in a Terraform file that could not be parsed: a missing one is
        // then unknown rather than failed.
        let t_gaps = !cx.evidence.gaps("T").is_empty();
        let vpcs: Vec<&Resource> = tf.resources_of("aws_vpc").collect();
        for vpc in &vpcs {
            let missing = vpc_flow_log(tf, vpc, &unmatched, &mut unknowns, &mut evidence);
            if let Some(f) = missing {
                if t_gaps {
                    unknowns.push(Finding {
                        message: format!(
                            "{}; some Terraform files could not be parsed and may hold it",
                            f.message
                        ),
                        ..f
                    });
                } else {
                    failures.push(f);
                }
            }
        }
        let modules: Vec<_> = tf
            .modules
            .iter()
            .filter(|m| {
                m.source
                    .as_deref()
                    .is_some_and(|s| VPC_MODULES.iter().any(|v| s.contains(v)))
            })
            .collect();
        for m in &modules {
            let resource = format!("module.{}", m.name);
            match m.body.attr("enable_flow_log") {
                None => failures.push(
                    Finding::new(format!(
                        "{resource} creates a VPC without flow logs (`enable_flow_log` defaults to false)"
                    ))
                    .at(Some(m.loc.location()))
                    .resource(resource),
                ),
                Some(a) => match tf_bool(Some(&a.value)) {
                    Ok(Some(true)) => evidence.push(
                        Finding::new(format!("{resource} enables VPC flow logs"))
                            .at(Some(a.loc.location()))
                            .resource(resource),
                    ),
                    Ok(_) => failures.push(
                        Finding::new(format!(
                            "{resource} creates a VPC without flow logs (`enable_flow_log = false`)"
                        ))
                        .at(Some(a.loc.location()))
                        .resource(resource),
                    ),
                    Err(why) => unknowns.push(
                        Finding::new(format!(
                            "`enable_flow_log` of {resource} could not be resolved: {why}"
                        ))
                        .at(Some(a.loc.location()))
                        .resource(resource),
                    ),
                },
            }
        }

        if vpcs.is_empty() && modules.is_empty() {
            let subnets: Vec<&Resource> = tf.resources_of("aws_subnet").collect();
            match (subnets.first(), flow_logs.first()) {
                (_, Some(f)) => evidence.push(
                    Finding::new(format!(
                        "{} records network traffic (the VPC itself is defined elsewhere)",
                        f.address()
                    ))
                    .at(Some(f.loc.location()))
                    .resource(f.address()),
                ),
                (Some(s), None) => (if t_gaps { &mut unknowns } else { &mut failures }).push(
                    Finding::new(format!(
                        "this repository defines {} subnet{} ({}{}) but no flow log; add an `aws_flow_log` for their VPC or subnets",
                        subnets.len(),
                        if subnets.len() == 1 { "" } else { "s" },
                        s.address(),
                        if subnets.len() > 1 { ", ..." } else { "" }
                    ))
                    .at(Some(s.loc.location()))
                    .resource(s.address()),
                ),
                (None, None) => {}
            }
        }
        Tally::judged(failures, unknowns, evidence).conclude(cx, "T", NO_NETWORK)
    }
}

/// The VPC of this repository a flow log's `vpc_id` refers to.
fn vpc_target<'a>(tf: &'a Terraform, flow_log: &Resource) -> Option<&'a Resource> {
    flow_log
        .attr("vpc_id")?
        .addresses()
        .iter()
        .find_map(|a| tf.resolve(flow_log, a).filter(|r| r.rtype == "aws_vpc"))
}

/// Flow logs on a subnet, an ENI or a transit gateway: not a VPC's.
fn targets_subnet_or_eni(flow_log: &Resource) -> bool {
    flow_log.attr("vpc_id").is_none()
}

/// Judges one VPC; returns the finding when it has no flow log at all.
fn vpc_flow_log(
    tf: &Terraform,
    vpc: &Resource,
    unmatched: &[&Resource],
    unknowns: &mut Vec<Finding>,
    evidence: &mut Vec<Finding>,
) -> Option<Finding> {
    let resource = vpc.address();
    let covering = tf.referrers(vpc).find(|r| {
        r.rtype == "aws_flow_log" && vpc_target(tf, r).is_some_and(|t| t.address() == resource)
    });
    if let Some(f) = covering {
        evidence.push(
            Finding::new(format!("{resource} has flow log {}", f.address()))
                .at(Some(f.loc.location()))
                .resource(resource),
        );
    } else if let Some(f) = unmatched.first() {
        unknowns.push(
            Finding::new(format!(
                "no flow log refers to {resource}; {} may cover it, but its `vpc_id` is not a VPC of this repository",
                f.address()
            ))
            .at(Some(vpc.loc.location()))
            .resource(resource)
            .related(Some(f.loc.location())),
        );
    } else {
        return Some(
            Finding::new(format!(
                "{resource} has no flow log: add an `aws_flow_log` with `vpc_id = {resource}.id`"
            ))
            .at(Some(vpc.loc.location()))
            .resource(resource),
        );
    }
    None
}
