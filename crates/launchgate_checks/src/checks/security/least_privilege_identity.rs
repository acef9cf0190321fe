//! SEC-011 least-privilege-identity: Identities get only the permissions they use.

use std::collections::BTreeSet;

use launchgate_core::{Finding, Outcome};
use launchgate_evidence::k8s::{Kubernetes, Workload};
use launchgate_evidence::terraform::{
    Attr, IamEffect, IamStatement, Resource, Terraform, TfValue, address_of,
};

use crate::kit::finish::Tally;
use crate::{CheckContext, Evaluate, declare_check};

/// Actions that only accept `Resource: "*"` (no resource-level permissions), so a statement
/// granting them on `*` is as narrow as IAM allows.
const STAR_ONLY_ACTIONS: &[&str] = &[
    "ecr:GetAuthorizationToken",
    "xray:PutTraceSegments",
    "xray:PutTelemetryRecords",
    "xray:GetSamplingRules",
    "xray:GetSamplingTargets",
    "xray:GetSamplingStatisticSummaries",
    "cloudwatch:PutMetricData",
    "logs:CreateLogGroup",
    "sts:GetCallerIdentity",
];

/// Reads of data rather than metadata: not "read-only" for the `Resource: "*"` rule, since
/// reading every secret, parameter or object of the account is the breach.
const DATA_READS: &[&str] = &[
    "secretsmanager:GetSecretValue",
    "ssm:GetParameter",
    "ssm:GetParameters",
    "ssm:GetParametersByPath",
    "s3:GetObject",
    "s3:GetObjectVersion",
    "dynamodb:GetItem",
    "dynamodb:BatchGetItem",
];

/// AWS managed policies that grant administrator-level access.
const ADMIN_POLICIES: &[&str] = &["AdministratorAccess", "PowerUserAccess", "IAMFullAccess"];

const POLICY_ATTACHMENTS: &[&str] = &[
    "aws_iam_role_policy_attachment",
    "aws_iam_policy_attachment",
    "aws_iam_user_policy_attachment",
    "aws_iam_group_policy_attachment",
];

/// Pod annotations of agents that log in with the pod's service-account token.
const TOKEN_USERS: &[&str] = &["vault.hashicorp.com/agent-inject"];

const NOTHING_FOUND: &str = "no Kubernetes workloads or RBAC, and no IAM policies found; point launchgate at the repository that deploys the service";

declare_check! {
    /// ## What it checks
    /// Identities get only the permissions they use: no wildcard RBAC rules or IAM grants, and
    /// no service-account token mounted where nothing needs one.
    ///
    /// - Kubernetes RBAC: no Role or ClusterRole rule has `*` in `verbs`, `resources` or
    ///   `apiGroups` (one finding per rule, at the rule); no binding grants `cluster-admin`
    ///   to the service account a workload of this repository runs as.
    /// - Service-account tokens: a pod whose token is mounted (`automountServiceAccountToken`
    ///   not false on the pod, nor on its ServiceAccount) must have a use for it: an RBAC
    ///   binding of its service account in the repository, or an agent that logs in with it
    ///   (Vault agent injection). Otherwise the finding is at the pod spec (or at the
    ///   `automountServiceAccountToken: true` that asks for it). The reasoning: an unneeded
    ///   token is a credential an attacker can steal from the filesystem and replay against
    ///   the API server, and the only cost of not mounting it is one line. A pod that runs as
    ///   a ServiceAccount this repository does not declare is inconclusive unless something
    ///   else fails: its bindings may live in another repository. So is any such pod while
    ///   some Kubernetes file could not be parsed or is a Helm template.
    /// - AWS IAM (identity policies, `aws_iam_policy_document` statements, inline role
    ///   policies), `Allow` statements only:
    ///   - an action of `*` or `service:*` (`s3:*`, `iam:*`) fails, and so does `NotAction`
    ///     (it allows everything else);
    ///   - `Resource: "*"` (or `NotResource`) fails unless every action is read-only
    ///     metadata (`List*`, `Describe*`, `Get*` except the data reads
    ///     `secretsmanager:GetSecretValue`, `ssm:GetParameter(s)(ByPath)`, `s3:GetObject*`,
    ///     `dynamodb:(Batch)GetItem`) or one of the actions that only accept `*`:
    ///     `ecr:GetAuthorizationToken`, `xray:PutTraceSegments`, `xray:PutTelemetryRecords`,
    ///     `xray:GetSampling*`, `cloudwatch:PutMetricData`, `logs:CreateLogGroup`,
    ///     `sts:GetCallerIdentity`; a statement with a `Condition` is scoped by it and passes
    ///     this rule;
    ///   - attaching the AWS managed `AdministratorAccess`, `PowerUserAccess` or
    ///     `IAMFullAccess` policy fails.
    ///
    /// Resources written as references to resources of the repository
    /// (`aws_sqs_queue.orders.arn`, `"${aws_s3_bucket.exports.arn}/*"`) count as specific
    /// ARNs. Policies that could not be read (`file(...)`, `templatefile(...)`, a module
    /// output) and statements whose actions or resources come from variables without a
    /// default make the check inconclusive only if nothing fails.
    ///
    /// ## Why it matters
    /// Credentials leak: through an SSRF to the metadata endpoint, a token file read by a path
    /// traversal, a debug endpoint. What an attacker can do next is exactly what the identity
    /// is allowed to do. `s3:*` on `*` turns a bug in one service into a read of every bucket
    /// in the account; a wildcard ClusterRole turns it into control of the cluster.
    ///
    /// ## How to fix
    /// List the verbs and resources the service calls (`get`, `list`, `watch` on `configmaps`)
    /// and name the resources in IAM statements (the queue's and the table's ARNs, not `*`).
    /// Bind workloads to a dedicated ServiceAccount, never to `cluster-admin`. Set
    /// `automountServiceAccountToken: false` on the ServiceAccount or the pod when the
    /// service does not call the Kubernetes API. Tools such as IAM Access Analyzer's policy
    /// generation can derive a policy from what the role actually used.
    ///
    /// ## Example
    /// ```yaml fails path=deploy/rbac.yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: Role
    /// metadata: {name: api}
    /// rules:
    ///   - apiGroups: [""]
    ///     resources: ["*"]
    ///     verbs: ["*"]
    /// ```
    /// ```yaml passes path=deploy/rbac.yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: Role
    /// metadata: {name: api}
    /// rules:
    ///   - apiGroups: [""]
    ///     resources: [configmaps]
    ///     verbs: [get, list, watch]
    /// ```
    /// ```hcl fails path=infra/iam.tf
    /// data "aws_iam_policy_document" "api" {
    ///   statement {
    ///     actions   = ["s3:*"]
    ///     resources = ["*"]
    ///   }
    /// }
    /// ```
    /// ```hcl passes path=infra/iam.tf
    /// data "aws_iam_policy_document" "api" {
    ///   statement {
    ///     actions   = ["sqs:ReceiveMessage", "sqs:DeleteMessage"]
    ///     resources = ["arn:aws:sqs:eu-west-1:123456789012:orders"]
    ///   }
    /// }
    /// ```
    ///
    /// ## References
    /// Seed 002, "least-privilege IAM and RBAC"; the Kubernetes RBAC good practices
    /// (avoiding wildcards, not granting cluster-admin, opting out of token automounting);
    /// the AWS IAM security best practices (grant least privilege, resource-level
    /// permissions); the AWS Service Authorization Reference for the actions that accept
    /// only `*`.
    pub struct LeastPrivilegeIdentity {
        id: "SEC-011", slug: "least-privilege-identity", category: Security, severity: Major,
        tiers: [Required, Recommended, Skipped], evidence: "K T", effort: 4,
    }
}

impl Evaluate for LeastPrivilegeIdentity {
    fn evaluate(&self, cx: &CheckContext<'_>) -> Outcome {
        let k = &cx.evidence.kubernetes;
        let tf = &cx.evidence.terraform;
        let mut failures = Vec::new();
        let mut unknowns = Vec::new();
        let mut evidence = Vec::new();
        rbac_rules(k, &mut failures, &mut evidence);
        cluster_admin(k, &mut failures);
        // A binding may be in a Kubernetes file that could not be read: an unneeded token is
        // then unknown rather than failed.
        let k_gaps = !cx.evidence.gaps("K").is_empty();
        for w in k.workloads.iter().filter(|w| !w.pod.containers.is_empty()) {
            token(k, w, k_gaps, &mut failures, &mut unknowns, &mut evidence);
        }
        for st in tf.iam_statements() {
            let scoped_refs = resources_refer_to_resources(tf, st);
            statement(st, scoped_refs, &mut failures, &mut unknowns, &mut evidence);
        }
        for p in tf.iam_unread_policies() {
            unknowns.push(
                Finding::new(format!(
                    "the policy of {} could not be read: {}",
                    p.owner, p.reason
                ))
                .at(Some(p.loc.location()))
                .resource(p.owner.clone()),
            );
        }
        managed_policies(tf, &mut failures, &mut unknowns);
        Tally::judged(failures, unknowns, evidence).conclude(cx, "K T", NOTHING_FOUND)
    }
}

fn rbac_rules(k: &Kubernetes, failures: &mut Vec<Finding>, evidence: &mut Vec<Finding>) {
    for role in &k.roles {
        let resource = role.resource();
        let mut clean = !role.rules.is_empty();
        for rule in &role.rules {
            let mut fields = Vec::new();
            if rule.api_groups.iter().any(|g| g.value == "*") {
                fields.push("apiGroups");
            }
            if rule.resources.iter().any(|r| r.value == "*") {
                fields.push("resources");
            }
            if rule.verbs.iter().any(|v| v.value == "*") {
                fields.push("verbs");
            }
            if !fields.is_empty() {
                clean = false;
                failures.push(
                    Finding::new(format!(
                        "a rule of {resource} grants `*` in {}; list the API groups, resources and verbs the service uses",
                        fields.join(", ")
                    ))
                    .at(Some(rule.loc.location()))
                    .resource(resource.clone()),
                );
            }
        }
        if clean {
            evidence.push(
                Finding::new(format!("{resource} has no wildcard rule"))
                    .at(Some(role.loc.location()))
                    .resource(resource),
            );
        }
    }
}

fn cluster_admin(k: &Kubernetes, failures: &mut Vec<Finding>) {
    let mut seen = BTreeSet::new();
    for w in &k.workloads {
        for b in k.role_bindings_for(w) {
            let Some(rr) = &b.role_ref else {
                continue;
            };
            if rr.kind != "ClusterRole" || rr.name != "cluster-admin" {
                continue;
            }
            if !seen.insert((b.loc.path.clone(), b.loc.start, w.resource())) {
                continue;
            }
            let scope = if b.cluster {
                "every resource in the cluster"
            } else {
                "every resource in its namespace, Secrets included"
            };
            failures.push(
                Finding::new(format!(
                    "{} grants cluster-admin to ServiceAccount `{}`, which {} runs as: full control of {scope}",
                    b.resource(),
                    w.pod.service_account(),
                    w.resource()
                ))
                .at(Some(rr.loc.location()))
                .resource(b.resource()),
            );
        }
    }
}

fn token(
    k: &Kubernetes,
    w: &Workload,
    k_gaps: bool,
    failures: &mut Vec<Finding>,
    unknowns: &mut Vec<Finding>,
    evidence: &mut Vec<Finding>,
) {
    let resource = w.resource();
    let pod = &w.pod;
    let sa_name = pod.service_account();
    let sa = k.service_account_for(w);
    let pod_setting = pod.automount_service_account_token.as_ref();
    let sa_setting = sa.and_then(|s| s.automount_service_account_token.as_ref());
    let mounted = pod_setting.or(sa_setting).is_none_or(|s| s.value);
    if !mounted {
        let at = pod_setting.or(sa_setting).map(|s| s.loc.location());
        evidence.push(
            Finding::new(format!("{resource} does not mount a service-account token"))
                .at(at)
                .resource(resource),
        );
        return;
    }
    if k.role_bindings_for(w).next().is_some() {
        evidence.push(
            Finding::new(format!(
                "{resource} mounts the token of ServiceAccount `{sa_name}`, which has RBAC bindings: it calls the Kubernetes API"
            ))
            .at(Some(pod.loc.location()))
            .resource(resource),
        );
        return;
    }
    if let Some((key, _)) = TOKEN_USERS.iter().find_map(|key| {
        pod.annotation(key)
            .filter(|v| v.value.eq_ignore_ascii_case("true"))
            .map(|v| (key, v))
    }) {
        evidence.push(
            Finding::new(format!(
                "{resource} mounts its service-account token for an agent that logs in with it (`{key}`)"
            ))
            .at(Some(pod.loc.location()))
            .resource(resource),
        );
        return;
    }
    if k_gaps {
        unknowns.push(
            Finding::new(format!(
                "{resource} mounts the token of ServiceAccount `{sa_name}` and no RBAC binding for it was found, but some Kubernetes files could not be evaluated and may hold one"
            ))
            .at(Some(pod.loc.location()))
            .resource(resource),
        );
        return;
    }
    if sa.is_none() && sa_name != "default" {
        unknowns.push(
            Finding::new(format!(
                "{resource} mounts the token of ServiceAccount `{sa_name}`, which this repository does not declare; its RBAC bindings may live elsewhere"
            ))
            .at(Some(pod.loc.location()))
            .resource(resource),
        );
        return;
    }
    let (at, related) = match (pod_setting, sa_setting) {
        (Some(p), _) => (p.loc.location(), None),
        (None, Some(s)) => (pod.loc.location(), Some(s.loc.location())),
        (None, None) => (pod.loc.location(), None),
    };
    failures.push(
        Finding::new(format!(
            "{resource} mounts the token of ServiceAccount `{sa_name}` but nothing in the repository grants that account API access; set `automountServiceAccountToken: false` so there is no credential to steal"
        ))
        .at(Some(at))
        .resource(resource)
        .related(related),
    );
}

/// Whether every reference in the attribute(s) holding a statement's resources names a
/// resource or data source (`aws_sqs_queue.orders.arn`, `"${aws_s3_bucket.x.arn}/*"`): such
/// entries are specific ARNs even though their value is only known after apply. A variable
/// without a default, a module output or an iteration value could be `*`, so they do not
/// count. For JSON policies the whole `policy` attribute is looked at (conservative).
fn resources_refer_to_resources(tf: &Terraform, st: &IamStatement) -> bool {
    let Some(owner) = tf.find(&st.owner) else {
        return false;
    };
    let attrs: Vec<&Attr> = if owner.data && owner.rtype == "aws_iam_policy_document" {
        let blocks = owner.body.blocks("statement").chain(
            owner
                .body
                .dynamic("statement")
                .filter_map(|d| d.body.block("content").map(|c| (d, c)))
                .filter(|(d, _)| d.loc == st.loc)
                .map(|(_, c)| c),
        );
        blocks
            .filter(|b| b.loc == st.loc || b.kind == "content")
            .flat_map(|b| [b.body.attr("resources"), b.body.attr("not_resources")])
            .flatten()
            .collect()
    } else {
        owner
            .attr("policy")
            .into_iter()
            .chain(
                owner
                    .body
                    .blocks("inline_policy")
                    .filter_map(|b| b.body.attr("policy")),
            )
            .collect()
    };
    !attrs.is_empty()
        && attrs.iter().all(|a| {
            a.refs()
                .iter()
                .all(|r| address_of(r).is_some_and(|addr| !addr.starts_with("module.")))
        })
}

/// `s3:GetObject` -> (`s3`, `GetObject`).
fn split_action(a: &str) -> Option<(&str, &str)> {
    a.split_once(':')
}

/// Case-insensitive IAM wildcard match (`*` and `?`).
fn glob(pattern: &str, text: &str) -> bool {
    launchgate_core::wildcard_match(&pattern.to_ascii_lowercase(), &text.to_ascii_lowercase())
}

/// Whether an action (or action pattern) only reads metadata, or only accepts `*`.
fn harmless_on_star(action: &str) -> bool {
    if STAR_ONLY_ACTIONS
        .iter()
        .any(|a| a.eq_ignore_ascii_case(action))
    {
        return true;
    }
    let Some((_, name)) = split_action(action) else {
        return false;
    };
    let lower = name.to_ascii_lowercase();
    let metadata = lower.starts_with("list")
        || lower.starts_with("describe")
        || (lower.starts_with("get") && lower.len() > 3);
    metadata && !DATA_READS.iter().any(|d| glob(action, d))
}

fn is_service_wildcard(action: &str) -> bool {
    action == "*" || split_action(action).is_some_and(|(_, name)| name == "*")
}

fn statement(
    st: &IamStatement,
    scoped_refs: bool,
    failures: &mut Vec<Finding>,
    unknowns: &mut Vec<Finding>,
    evidence: &mut Vec<Finding>,
) {
    if st.effect == IamEffect::Deny {
        return;
    }
    let owner = &st.owner;
    let name = st
        .sid
        .as_ref()
        .map_or_else(|| "a statement".to_string(), |s| format!("statement `{s}`"));
    // A statement whose effect is unknown is judged as if it allowed: a failure is then only
    // possible, so it is reported as unknown instead.
    let allow = st.is_allow();
    let mut problems: Vec<(String, &launchgate_evidence::Loc)> = Vec::new();

    let wild: Vec<&String> = st
        .actions
        .known
        .iter()
        .filter(|a| is_service_wildcard(a))
        .collect();
    if !wild.is_empty() {
        let list: Vec<String> = wild.iter().map(|a| format!("`{a}`")).collect();
        problems.push((
            format!("allows every action of {}", list.join(", ")),
            &st.actions_loc,
        ));
    }
    if !st.not_actions.is_empty() {
        problems.push((
            "allows every action except those in `NotAction`".to_string(),
            &st.actions_loc,
        ));
    }
    let star_resource = st.resources.contains("*") || !st.not_resources.is_empty();
    let mut unresolved = st.actions.has_unknown || st.effect == IamEffect::Unknown;
    if star_resource && !st.has_condition && wild.is_empty() && st.not_actions.is_empty() {
        let writes: Vec<&String> = st
            .actions
            .known
            .iter()
            .filter(|a| !harmless_on_star(a))
            .collect();
        if !writes.is_empty() {
            let list: Vec<String> = writes.iter().take(3).map(|a| format!("`{a}`")).collect();
            let more = writes.len().saturating_sub(3);
            let tail = if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            };
            problems.push((
                format!(
                    "grants {}{tail} on every resource (`*`); name the resources' ARNs",
                    list.join(", ")
                ),
                &st.resources_loc,
            ));
        }
    } else if !star_resource && st.resources.has_unknown && !scoped_refs {
        unresolved = true;
    }

    if problems.is_empty() {
        if unresolved || !allow {
            unknowns.push(
                Finding::new(format!(
                    "{name} of {owner} could not be fully resolved (its effect, actions or resources are Terraform expressions), so its scope cannot be judged"
                ))
                .at(Some(st.loc.location()))
                .resource(owner.clone()),
            );
        } else {
            evidence.push(
                Finding::new(format!(
                    "{name} of {owner} grants no wildcard action, and no write action on every resource"
                ))
                .at(Some(st.loc.location()))
                .resource(owner.clone()),
            );
        }
        return;
    }
    for (what, loc) in problems {
        let finding = Finding::new(format!("{name} of {owner} {what}"))
            .at(Some(loc.location()))
            .resource(owner.clone());
        if allow {
            failures.push(finding);
        } else {
            unknowns.push(Finding {
                message: format!(
                    "{} (if its effect, which could not be resolved, is Allow)",
                    finding.message
                ),
                ..finding
            });
        }
    }
}

fn managed_policies(tf: &Terraform, failures: &mut Vec<Finding>, unknowns: &mut Vec<Finding>) {
    for r in &tf.resources {
        let attr = if POLICY_ATTACHMENTS.contains(&r.rtype.as_str()) {
            r.attr("policy_arn")
        } else if r.rtype == "aws_iam_role" {
            r.attr("managed_policy_arns")
        } else {
            None
        };
        let Some(a) = attr else {
            continue;
        };
        let owner = r.address();
        let items = match &a.value {
            TfValue::List(items) => items.as_slice(),
            other => std::slice::from_ref(other),
        };
        for item in items {
            match policy_arn(tf, r, item) {
                Ok(Some(name)) => failures.push(
                    Finding::new(format!(
                        "{owner} attaches the AWS managed policy `{name}`: administrator-level access; write a policy that names what the service uses"
                    ))
                    .at(Some(a.loc.location()))
                    .resource(owner.clone()),
                ),
                Ok(None) => {}
                Err(why) => unknowns.push(
                    Finding::new(format!(
                        "the policy {owner} attaches could not be resolved: {why}"
                    ))
                    .at(Some(a.loc.location()))
                    .resource(owner.clone()),
                ),
            }
        }
    }
}

/// The administrator policy an attached ARN names, if it is one. A reference to a policy
/// this repository writes is fine (its statements are judged themselves); a `data
/// "aws_iam_policy"` is followed to its literal `arn` or `name`.
fn policy_arn(tf: &Terraform, from: &Resource, v: &TfValue) -> Result<Option<String>, String> {
    let admin = |text: &str| {
        let name = text.rsplit('/').next().unwrap_or_default();
        let managed = text.starts_with("arn:aws:iam::aws:policy/") || !text.contains(':');
        (managed && ADMIN_POLICIES.contains(&name)).then(|| name.to_string())
    };
    match v {
        TfValue::String(s) => Ok(admin(s)),
        TfValue::Null => Ok(None),
        TfValue::Ref(text) => {
            let target = address_of(text).and_then(|addr| tf.resolve(from, &addr));
            match target {
                Some(t) if t.rtype == "aws_iam_policy" && !t.data => Ok(None),
                Some(t) if t.rtype == "aws_iam_policy" => {
                    match t.value("arn").or_else(|| t.value("name")) {
                        Some(TfValue::String(s)) => Ok(admin(s)),
                        _ => Err(format!("`{text}` has no literal ARN or name")),
                    }
                }
                _ => Err(format!("it refers to `{text}`")),
            }
        }
        other => Err(format!("{other}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iam_globs_match_case_insensitively() {
        assert!(glob("s3:Get*", "s3:GetObject"));
        assert!(glob("S3:GETOBJECT*", "s3:GetObjectVersion"));
        assert!(glob("ssm:GetParam?ter", "ssm:GetParameter"));
        assert!(!glob("s3:Put*", "s3:GetObject"));
        assert!(glob("*", "iam:PassRole"));
    }

    #[test]
    fn read_only_and_star_only_actions() {
        for a in [
            "ec2:DescribeInstances",
            "ecs:ListTasks",
            "sqs:GetQueueUrl",
            "ec2:Describe*",
            "ecr:GetAuthorizationToken",
            "xray:PutTraceSegments",
            "cloudwatch:PutMetricData",
        ] {
            assert!(harmless_on_star(a), "{a}");
        }
        for a in [
            "sqs:SendMessage",
            "secretsmanager:GetSecretValue",
            "secretsmanager:Get*",
            "s3:Get*",
            "ssm:GetParameters",
            "kms:Decrypt",
            "iam:PassRole",
            "Describe",
        ] {
            assert!(!harmless_on_star(a), "{a}");
        }
        assert!(is_service_wildcard("*"));
        assert!(is_service_wildcard("s3:*"));
        assert!(!is_service_wildcard("s3:Get*"));
    }
}
