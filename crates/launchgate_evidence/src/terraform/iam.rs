//! IAM policy statements, normalized from JSON policies (`jsonencode` or JSON strings) and from
//! `aws_iam_policy_document` `statement` blocks.

use super::value::{StrSet, TfValue, address_of};
use super::{Attr, Body, Resource, Terraform};
use crate::Loc;

/// Resource types whose `policy` attribute is an identity policy.
const POLICY_RESOURCES: &[&str] = &[
    "aws_iam_policy",
    "aws_iam_role_policy",
    "aws_iam_user_policy",
    "aws_iam_group_policy",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IamEffect {
    Allow,
    Deny,
    /// Missing from a JSON statement, or not a known string.
    Unknown,
}

/// One policy statement.
#[derive(Debug, Clone)]
pub struct IamStatement {
    /// The resource or data source declaring it (`aws_iam_role_policy.app`,
    /// `data.aws_iam_policy_document.app`).
    pub owner: String,
    /// The statement: its block, its object inside `jsonencode`, or the policy value when the
    /// policy is a JSON string.
    pub loc: Loc,
    pub sid: Option<String>,
    pub effect: IamEffect,
    pub actions: StrSet,
    pub not_actions: StrSet,
    pub resources: StrSet,
    pub not_resources: StrSet,
    /// Where the actions / resources are written (the statement when absent).
    pub actions_loc: Loc,
    pub resources_loc: Loc,
    /// The statement has a `Condition` / `condition` block.
    pub has_condition: bool,
    /// For a policy document: the resources that use it (its `.json`), sorted.
    pub used_by: Vec<String>,
}

impl IamStatement {
    pub fn is_allow(&self) -> bool {
        self.effect == IamEffect::Allow
    }
}

/// A policy whose statements could not be read (`policy = file("policy.json")`): checks that
/// need every statement are inconclusive.
#[derive(Debug, Clone)]
pub struct UnreadPolicy {
    /// The resource declaring the policy.
    pub owner: String,
    /// The `policy` value.
    pub loc: Loc,
    pub reason: String,
}

pub(super) fn statements(tf: &Terraform) -> (Vec<IamStatement>, Vec<UnreadPolicy>) {
    let mut out = Vec::new();
    let mut unread = Vec::new();
    for r in &tf.resources {
        if POLICY_RESOURCES.contains(&r.rtype.as_str()) {
            if let Some(a) = r.attr("policy") {
                json_policy(tf, r, a, &mut out, &mut unread);
            }
        } else if r.rtype == "aws_iam_role" {
            for b in r.body.blocks("inline_policy") {
                if let Some(a) = b.body.attr("policy") {
                    json_policy(tf, r, a, &mut out, &mut unread);
                }
            }
        }
    }
    for d in tf.data_of("aws_iam_policy_document") {
        let mut used_by: Vec<String> = tf.referrers(d).map(Resource::address).collect();
        used_by.sort();
        used_by.dedup();
        let blocks = d.body.blocks("statement").map(|b| (&b.body, &b.loc)).chain(
            d.body
                .dynamic("statement")
                .filter_map(|b| b.body.block("content").map(|c| (&c.body, &b.loc))),
        );
        for (body, loc) in blocks {
            out.push(document_statement(d, body, loc, &used_by));
        }
    }
    out.sort_by(|a, b| (&a.loc.path, a.loc.start).cmp(&(&b.loc.path, b.loc.start)));
    unread.sort_by(|a, b| (&a.loc.path, a.loc.start).cmp(&(&b.loc.path, b.loc.start)));
    (out, unread)
}

const DOCUMENT: &str = "data.aws_iam_policy_document.";

fn json_policy(
    tf: &Terraform,
    r: &Resource,
    attr: &Attr,
    out: &mut Vec<IamStatement>,
    unread: &mut Vec<UnreadPolicy>,
) {
    let owner = r.address();
    let mut skip = |reason: String| {
        unread.push(UnreadPolicy {
            owner: owner.clone(),
            loc: attr.loc.clone(),
            reason,
        });
    };
    let Some(doc) = attr.json_like() else {
        match &attr.value {
            // `data.aws_iam_policy_document.x.json`: the document's own statements are read.
            TfValue::Ref(text)
                if address_of(text)
                    .is_some_and(|a| a.starts_with(DOCUMENT) && tf.find(&a).is_some()) => {}
            TfValue::Ref(text) => skip(format!("the policy refers to `{text}`")),
            TfValue::Unknown(reason) => skip(reason.clone()),
            TfValue::String(_) => skip("the policy is not valid JSON".into()),
            other => skip(format!("the policy is not a JSON document: {other}")),
        }
        return;
    };
    match doc.get("Statement") {
        Some(TfValue::List(items)) => {
            for (i, st) in items.iter().enumerate() {
                let idx = i.to_string();
                out.push(json_statement(&owner, attr, &["Statement", &idx], st));
            }
        }
        Some(st @ TfValue::Object(_)) => out.push(json_statement(&owner, attr, &["Statement"], st)),
        Some(other) => skip(format!("`Statement` is not a list or an object: {other}")),
        None => skip("the policy has no `Statement`".into()),
    }
}

fn json_statement(owner: &str, attr: &Attr, path: &[&str], st: &TfValue) -> IamStatement {
    let set = |k: &str| st.get(k).map(TfValue::to_str_set).unwrap_or_default();
    let loc_of = |k: &str| {
        let mut p: Vec<&str> = path.to_vec();
        p.push(k);
        attr.loc_at(&p).clone()
    };
    let loc = attr.loc_at(path).clone();
    let actions_key = if st.get("Action").is_some() {
        "Action"
    } else {
        "NotAction"
    };
    let resources_key = if st.get("Resource").is_some() {
        "Resource"
    } else {
        "NotResource"
    };
    IamStatement {
        owner: owner.to_string(),
        sid: st.get("Sid").and_then(TfValue::as_str).map(str::to_string),
        effect: effect(st.get("Effect"), IamEffect::Unknown),
        actions: set("Action"),
        not_actions: set("NotAction"),
        resources: set("Resource"),
        not_resources: set("NotResource"),
        actions_loc: loc_of(actions_key),
        resources_loc: loc_of(resources_key),
        has_condition: st.get("Condition").is_some_and(|c| !c.is_null()),
        used_by: Vec::new(),
        loc,
    }
}

fn document_statement(d: &Resource, body: &Body, loc: &Loc, used_by: &[String]) -> IamStatement {
    let set = |k: &str| body.value(k).map(TfValue::to_str_set).unwrap_or_default();
    let loc_of = |keys: [&str; 2]| {
        keys.iter()
            .find_map(|k| body.attr(k))
            .map_or_else(|| loc.clone(), |a| a.loc.clone())
    };
    IamStatement {
        owner: d.address(),
        loc: loc.clone(),
        sid: body
            .value("sid")
            .and_then(TfValue::as_str)
            .map(str::to_string),
        // A policy document statement allows unless it says otherwise.
        effect: effect(body.value("effect"), IamEffect::Allow),
        actions: set("actions"),
        not_actions: set("not_actions"),
        resources: set("resources"),
        not_resources: set("not_resources"),
        actions_loc: loc_of(["actions", "not_actions"]),
        resources_loc: loc_of(["resources", "not_resources"]),
        has_condition: body.block("condition").is_some()
            || body.dynamic("condition").next().is_some(),
        used_by: used_by.to_vec(),
    }
}

fn effect(v: Option<&TfValue>, absent: IamEffect) -> IamEffect {
    match v {
        None | Some(TfValue::Null) => absent,
        Some(v) => match v.as_str() {
            Some(s) if s.eq_ignore_ascii_case("allow") => IamEffect::Allow,
            Some(s) if s.eq_ignore_ascii_case("deny") => IamEffect::Deny,
            _ => IamEffect::Unknown,
        },
    }
}
