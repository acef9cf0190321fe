//! Security-group ingress rules, normalized across inline `ingress` blocks (also `dynamic` and
//! attribute syntax), `aws_security_group_rule` and `aws_vpc_security_group_ingress_rule`, with
//! what each group is attached to (load balancers in particular).

use std::collections::BTreeMap;
use std::sync::Arc;

use super::value::{StrSet, TfValue};
use super::{Body, Resource, Terraform};
use crate::Loc;

/// A resource attaching a group: its address, and whether it is a load balancer.
type Attacher = (String, bool);

const SG_TYPES: &[&str] = &["aws_security_group", "aws_default_security_group"];
const LB_TYPES: &[&str] = &["aws_lb", "aws_alb", "aws_elb"];
/// Attributes through which a resource attaches security groups.
const ATTACH_ATTRS: &[&str] = &[
    "security_groups",
    "vpc_security_group_ids",
    "security_group_ids",
];

/// Where an ingress rule is declared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IngressKind {
    /// An `ingress` block (or `ingress = [...]` entry) of an `aws_security_group`.
    Inline,
    /// The `content` of a `dynamic "ingress"` block: values are usually unknown.
    Dynamic,
    /// An `aws_security_group_rule` with `type = "ingress"`.
    SecurityGroupRule,
    /// An `aws_vpc_security_group_ingress_rule`.
    VpcIngressRule,
}

/// One ingress rule.
#[derive(Debug, Clone)]
pub struct IngressRule {
    pub kind: IngressKind,
    /// The resource declaring the rule.
    pub declared_by: String,
    /// The security group the rule belongs to (`aws_security_group.web`), when it is one of
    /// this repository's (for rule resources: what `security_group_id` refers to).
    pub security_group: Option<String>,
    /// The rule: its block or resource.
    pub loc: Loc,
    pub from_port: Option<TfValue>,
    pub to_port: Option<TfValue>,
    pub protocol: Option<TfValue>,
    /// `cidr_blocks` / `cidr_ipv4`.
    pub cidr_ipv4: StrSet,
    /// `ipv6_cidr_blocks` / `cidr_ipv6`.
    pub cidr_ipv6: StrSet,
    /// Where the CIDRs are written (the rule when there are none).
    pub cidr_loc: Loc,
    /// Resources that attach the group (`security_groups`, `vpc_security_group_ids`), sorted.
    pub attached_to: Vec<String>,
    /// The group is attached to an `aws_lb` / `aws_alb` / `aws_elb`.
    pub on_load_balancer: bool,
    dir: Arc<str>,
}

impl IngressRule {
    /// Open to the whole internet: `0.0.0.0/0` or `::/0`.
    pub fn open_to_world(&self) -> bool {
        self.cidr_ipv4.contains("0.0.0.0/0") || self.cidr_ipv6.contains("::/0")
    }
}

pub(super) fn ingress_rules(tf: &Terraform) -> Vec<IngressRule> {
    // (dir, group address) -> attaching resources
    let mut attached: BTreeMap<(Arc<str>, String), Vec<Attacher>> = BTreeMap::new();
    for r in &tf.resources {
        let is_lb = LB_TYPES.contains(&r.rtype.as_str());
        let mut groups = Vec::new();
        attach_refs(&r.body, &mut groups);
        for g in groups {
            attached
                .entry((r.dir.clone(), g))
                .or_default()
                .push((r.address(), is_lb));
        }
    }
    let mut out = Vec::new();
    for r in &tf.resources {
        let t = r.rtype.as_str();
        if SG_TYPES.contains(&t) {
            let sg = Some(r.address());
            for b in r.body.blocks("ingress") {
                out.push(rule(
                    r,
                    &b.body,
                    b.loc.clone(),
                    IngressKind::Inline,
                    sg.clone(),
                    &Fields::INLINE,
                ));
            }
            for d in r.body.dynamic("ingress") {
                if let Some(c) = d.body.block("content") {
                    out.push(rule(
                        r,
                        &c.body,
                        d.loc.clone(),
                        IngressKind::Dynamic,
                        sg.clone(),
                        &Fields::INLINE,
                    ));
                }
            }
            if let Some(a) = r.attr("ingress") {
                inline_attr_rules(r, a, sg.as_ref(), &mut out);
            }
        } else if t == "aws_security_group_rule" {
            let is_ingress = r.value("type").and_then(TfValue::as_str) == Some("ingress");
            if is_ingress {
                let sg = owning_group(r);
                out.push(rule(
                    r,
                    &r.body,
                    r.loc.clone(),
                    IngressKind::SecurityGroupRule,
                    sg,
                    &Fields::INLINE,
                ));
            }
        } else if t == "aws_vpc_security_group_ingress_rule" {
            let sg = owning_group(r);
            out.push(rule(
                r,
                &r.body,
                r.loc.clone(),
                IngressKind::VpcIngressRule,
                sg,
                &Fields::VPC,
            ));
        }
    }
    for rule in &mut out {
        let Some(sg) = &rule.security_group else {
            continue;
        };
        if let Some(list) = attached.get(&(rule.dir.clone(), sg.clone())) {
            let mut names: Vec<String> = list.iter().map(|(a, _)| a.clone()).collect();
            names.sort();
            names.dedup();
            rule.on_load_balancer = list.iter().any(|(_, lb)| *lb);
            rule.attached_to = names;
        }
    }
    out.sort_by(|a, b| (&a.loc.path, a.loc.start).cmp(&(&b.loc.path, b.loc.start)));
    out
}

/// Field names of the two rule shapes.
struct Fields {
    protocol: &'static str,
    ipv4: &'static str,
    ipv6: &'static str,
}

impl Fields {
    const INLINE: Fields = Fields {
        protocol: "protocol",
        ipv4: "cidr_blocks",
        ipv6: "ipv6_cidr_blocks",
    };
    const VPC: Fields = Fields {
        protocol: "ip_protocol",
        ipv4: "cidr_ipv4",
        ipv6: "cidr_ipv6",
    };
}

fn rule(
    r: &Resource,
    body: &Body,
    loc: Loc,
    kind: IngressKind,
    sg: Option<String>,
    f: &Fields,
) -> IngressRule {
    let set = |k: &str| body.value(k).map(TfValue::to_str_set).unwrap_or_default();
    let cidr_loc = body
        .attr(f.ipv4)
        .or_else(|| body.attr(f.ipv6))
        .map_or_else(|| loc.clone(), |a| a.loc.clone());
    IngressRule {
        kind,
        declared_by: r.address(),
        security_group: sg,
        from_port: body.value("from_port").cloned(),
        to_port: body.value("to_port").cloned(),
        protocol: body.value(f.protocol).cloned(),
        cidr_ipv4: set(f.ipv4),
        cidr_ipv6: set(f.ipv6),
        cidr_loc,
        attached_to: Vec::new(),
        on_load_balancer: false,
        dir: r.dir.clone(),
        loc,
    }
}

/// `ingress = [{ ... }]`: the attribute form of inline rules.
fn inline_attr_rules(
    r: &Resource,
    a: &super::Attr,
    sg: Option<&String>,
    out: &mut Vec<IngressRule>,
) {
    let Some(items) = a.value.as_list() else {
        return;
    };
    for (i, item) in items.iter().enumerate() {
        let idx = i.to_string();
        let set = |k: &str| item.get(k).map(TfValue::to_str_set).unwrap_or_default();
        let loc = a.loc_at(&[&idx]).clone();
        let cidr_key = if item.get("cidr_blocks").is_some() {
            "cidr_blocks"
        } else {
            "ipv6_cidr_blocks"
        };
        out.push(IngressRule {
            kind: IngressKind::Inline,
            declared_by: r.address(),
            security_group: sg.cloned(),
            from_port: item.get("from_port").cloned(),
            to_port: item.get("to_port").cloned(),
            protocol: item.get("protocol").cloned(),
            cidr_ipv4: set("cidr_blocks"),
            cidr_ipv6: set("ipv6_cidr_blocks"),
            cidr_loc: a.loc_at(&[&idx, cidr_key]).clone(),
            attached_to: Vec::new(),
            on_load_balancer: false,
            dir: r.dir.clone(),
            loc,
        });
    }
}

/// The group a rule resource belongs to, from `security_group_id`.
fn owning_group(r: &Resource) -> Option<String> {
    r.attr("security_group_id")?
        .addresses()
        .into_iter()
        .find(|a| is_group_address(a))
}

fn is_group_address(a: &str) -> bool {
    a.split_once('.')
        .is_some_and(|(t, _)| SG_TYPES.contains(&t))
}

/// Security-group addresses attached anywhere in a body (also in nested blocks such as an ECS
/// service's `network_configuration`).
fn attach_refs(body: &Body, out: &mut Vec<String>) {
    for a in body.attrs() {
        if ATTACH_ATTRS.contains(&a.name.as_str()) {
            out.extend(a.addresses().into_iter().filter(|x| is_group_address(x)));
        }
    }
    for b in body.all_blocks() {
        attach_refs(&b.body, out);
    }
}
